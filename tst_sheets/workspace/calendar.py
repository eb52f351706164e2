"""Calendar v3 through googleapiclient: one method per REST call, plain data back.

Calendar acts as ``settings.subject`` (domain-wide delegation) on Google; lists come back whole
(every page).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tst_sheets.workspace.calls import all_pages, execute, google_call

Event = dict[str, Any]


class Calendar:
    """The Calendar API of one identity (a googleapiclient ``Resource``)."""

    def __init__(self, resource: Any) -> None:
        self.resource = resource

    @google_call("calendar")
    def list_events(
        self,
        calendar_id: str,
        *,
        private_property: str | None = None,
        show_deleted: bool = False,
    ) -> list[Event]:
        """``events.list``, all pages (recurring events once, as their series)."""

        def page(token: str | None) -> dict[str, Any]:
            args: dict[str, Any] = {"calendarId": calendar_id, "pageToken": token}
            if private_property:
                args.update(privateExtendedProperty=private_property, maxResults=2500)
            if show_deleted:
                args["showDeleted"] = True
            reply: dict[str, Any] = execute(self.resource.events().list(**args))
            return reply

        return all_pages(page, "items")

    @google_call("calendar")
    def get_event(self, calendar_id: str, event_id: str) -> Event:
        reply: Event = execute(self.resource.events().get(calendarId=calendar_id, eventId=event_id))
        return reply

    @google_call("calendar")
    def insert_event(self, calendar_id: str, body: Mapping[str, Any], send_updates: str) -> Event:
        """``events.insert`` (with Meet links: ``conferenceDataVersion=1``)."""
        request = self.resource.events().insert(
            calendarId=calendar_id,
            body=dict(body),
            conferenceDataVersion=1,
            sendUpdates=send_updates,
        )
        reply: Event = execute(request)
        return reply

    @google_call("calendar")
    def patch_event(
        self, calendar_id: str, event_id: str, body: Mapping[str, Any], send_updates: str
    ) -> Event:
        request = self.resource.events().patch(
            calendarId=calendar_id,
            eventId=event_id,
            body=dict(body),
            conferenceDataVersion=1,
            sendUpdates=send_updates,
        )
        reply: Event = execute(request)
        return reply

    @google_call("calendar")
    def delete_event(self, calendar_id: str, event_id: str, send_updates: str) -> None:
        request = self.resource.events().delete(
            calendarId=calendar_id, eventId=event_id, sendUpdates=send_updates
        )
        execute(request)

    @google_call("calendar")
    def list_acl(self, calendar_id: str) -> list[dict[str, Any]]:
        """``acl.list``: who may see or change the calendar (owner access needed), all pages."""

        def page(token: str | None) -> dict[str, Any]:
            request = self.resource.acl().list(calendarId=calendar_id, pageToken=token)
            reply: dict[str, Any] = execute(request)
            return reply

        return all_pages(page, "items")

    @google_call("calendar")
    def delete_acl(self, calendar_id: str, rule_id: str) -> None:
        """``acl.delete`` of one access rule."""
        execute(self.resource.acl().delete(calendarId=calendar_id, ruleId=rule_id))

    @google_call("calendar")
    def list_calendars(self) -> list[dict[str, Any]]:
        """``calendarList.list``, hidden entries too, all pages."""

        def page(token: str | None) -> dict[str, Any]:
            request = self.resource.calendarList().list(pageToken=token, showHidden=True)
            reply: dict[str, Any] = execute(request)
            return reply

        return all_pages(page, "items")

    @google_call("calendar")
    def insert_calendar(self, body: Mapping[str, Any]) -> str:
        """``calendars.insert``: the new calendar's id."""
        reply: dict[str, Any] = execute(self.resource.calendars().insert(body=dict(body)))
        return str(reply["id"])

    @google_call("calendar")
    def delete_calendar(self, calendar_id: str) -> None:
        """``calendars.delete`` of a secondary calendar."""
        execute(self.resource.calendars().delete(calendarId=calendar_id))
