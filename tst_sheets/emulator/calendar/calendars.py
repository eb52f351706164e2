"""Calendars with their ACL rules, and each user's calendar list.

A user's ``primary`` calendar has their email as its id and is made on first use. A
calendar shows in a user's list when they own it or an ACL rule shares it to them.
"""

from __future__ import annotations

import secrets
from typing import Any

from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.errors import ApiError, calendar_error
from tst_sheets.emulator.store import Doc, Transaction

CALENDAR = "cal_calendar"
SETTINGS = "cal_user"  # per user: calendar-list overrides and removed entries
ACCESS = {"none": 0, "freeBusyReader": 1, "reader": 2, "writer": 3, "owner": 4}
SCOPES = ("default", "user", "group", "domain")
LIST_FIELDS = (
    "colorId",
    "backgroundColor",
    "foregroundColor",
    "hidden",
    "selected",
    "summaryOverride",
    "defaultReminders",
    "notificationSettings",
)


def not_found() -> ApiError:
    return calendar_error(404, "Not Found", "notFound")


def need_writer() -> ApiError:
    return calendar_error(
        403, "You need to have writer access to this calendar.", "requiredAccessLevel"
    )


class Calendars:
    """Calendars, ACL rules and calendar lists."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    # -- lookup and access ---------------------------------------------------------------

    @staticmethod
    def resolve(user: str, calendar_id: str) -> str:
        return user if calendar_id == "primary" else calendar_id

    def ensure_primary(self, txn: Transaction, user: str) -> Doc:
        doc = txn.get(CALENDAR, user)
        if doc is None:
            doc = self._new(user, user, {"summary": user, "timeZone": "UTC"}, primary=True)
            txn.put(CALENDAR, user, doc)
        return doc

    def get(self, txn: Transaction, user: str, calendar_id: str, need: str = "reader") -> Doc:
        """The calendar, if the caller may ``need`` it; 404 or 403 as Google answers."""
        cid = self.resolve(user, calendar_id)
        if cid == user:
            self.ensure_primary(txn, user)
        doc = txn.get(CALENDAR, cid)
        role = ACCESS[self.access_role(doc, user)] if doc else 0
        if doc is None or role < ACCESS["freeBusyReader"]:
            raise not_found()
        if role < ACCESS[need]:
            raise (
                need_writer()
                if need != "owner"
                else calendar_error(
                    403, "You need to have owner access to this calendar.", "requiredAccessLevel"
                )
            )
        return doc

    @staticmethod
    def access_role(doc: Doc, user: str, public: bool = True) -> str:
        """The caller's role from the ACL; ``public=False`` ignores the "default" rule."""
        domain = user.split("@")[-1]
        best = "none"
        for rule in doc.get("acl", []):
            scope = rule["scope"]
            applies = (
                (public and scope["type"] == "default")
                or (scope["type"] in ("user", "group") and scope.get("value") == user)
                or (scope["type"] == "domain" and scope.get("value") == domain)
            )
            if applies and ACCESS[rule["role"]] > ACCESS[best]:
                best = rule["role"]
        return best

    @staticmethod
    def all(txn: Transaction) -> list[Doc]:
        """Every calendar, for the read-only viewer (no access check)."""
        return [doc for _, doc in txn.all(CALENDAR)]

    # -- calendars -----------------------------------------------------------------------

    def insert(self, txn: Transaction, user: str, body: dict[str, Any]) -> Doc:
        if not body.get("summary"):
            raise calendar_error(400, "Missing title.", "required")
        cid = secrets.token_hex(26)[:52] + "@group.calendar.google.com"
        doc = self._new(cid, user, body, primary=False)
        txn.put(CALENDAR, cid, doc)
        return doc

    def change(
        self, txn: Transaction, user: str, calendar_id: str, body: dict[str, Any], replace: bool
    ) -> Doc:
        doc = self.get(txn, user, calendar_id, "owner")
        if replace and not body.get("summary"):
            raise calendar_error(400, "Missing title.", "required")
        for key in ("summary", "description", "location", "timeZone"):
            if key in body or replace:
                value = body.get(key)
                if value is None:
                    doc.pop(key, None)
                else:
                    doc[key] = value
        doc["timeZone"] = doc.get("timeZone") or "UTC"
        self._touch(txn, doc)
        return doc

    def delete(self, txn: Transaction, user: str, calendar_id: str) -> Doc:
        doc = self.get(txn, user, calendar_id, "owner")
        if doc.get("primary"):
            raise calendar_error(400, "Cannot delete primary calendar.", "cannotDeletePrimary")
        txn.delete(CALENDAR, doc["id"])
        return doc

    # -- calendar list -------------------------------------------------------------------

    def listed(self, txn: Transaction, user: str) -> list[Doc]:
        """The calendars in the caller's list: shared to them (owned included) or added by
        them while readable, and not removed by them."""
        self.ensure_primary(txn, user)
        settings = self._settings(txn, user)
        removed, added = set(settings["removed"]), settings["entries"]
        found = [
            doc
            for _, doc in txn.all(CALENDAR)
            if doc["id"] not in removed
            and self.access_role(doc, user) != "none"
            and (self.access_role(doc, user, public=False) != "none" or doc["id"] in added)
        ]
        return sorted(found, key=lambda d: (d["id"] != user, d.get("summary", ""), d["id"]))

    def list_entry(self, txn: Transaction, user: str, calendar_id: str) -> Doc:
        cid = self.resolve(user, calendar_id)
        for doc in self.listed(txn, user):
            if doc["id"] == cid:
                return doc
        raise not_found()

    def list_settings(self, txn: Transaction, user: str, calendar_id: str) -> dict[str, Any]:
        entries: dict[str, Any] = self._settings(txn, user)["entries"]
        return dict(entries.get(self.resolve(user, calendar_id), {}))

    def add_to_list(
        self, txn: Transaction, user: str, calendar_id: str, body: dict[str, Any]
    ) -> Doc:
        doc = self.get(txn, user, calendar_id, "freeBusyReader")
        settings = self._settings(txn, user)
        if doc["id"] in settings["removed"]:
            settings["removed"].remove(doc["id"])
        self._store_settings(txn, user, settings, doc["id"], body)
        return doc

    def change_list_entry(
        self, txn: Transaction, user: str, calendar_id: str, body: dict[str, Any]
    ) -> Doc:
        doc = self.list_entry(txn, user, calendar_id)
        self._store_settings(txn, user, self._settings(txn, user), doc["id"], body)
        return doc

    def remove_from_list(self, txn: Transaction, user: str, calendar_id: str) -> None:
        doc = self.list_entry(txn, user, calendar_id)
        if doc["id"] == user:
            raise calendar_error(400, "Cannot remove primary calendar from list.", "invalid")
        settings = self._settings(txn, user)
        settings["removed"].append(doc["id"])
        txn.put(SETTINGS, user, settings)

    # -- ACL -----------------------------------------------------------------------------

    def rules(self, txn: Transaction, user: str, calendar_id: str) -> list[Doc]:
        return list(self.get(txn, user, calendar_id, "owner")["acl"])

    def rule(self, txn: Transaction, user: str, calendar_id: str, rule_id: str) -> Doc:
        for rule in self.rules(txn, user, calendar_id):
            if rule["id"] == rule_id:
                return rule
        raise not_found()

    def put_rule(self, txn: Transaction, user: str, calendar_id: str, body: dict[str, Any]) -> Doc:
        """acl.insert; a rule for an existing scope replaces that scope's role."""
        doc = self.get(txn, user, calendar_id, "owner")
        rule = _new_rule(body)
        doc["acl"] = [r for r in doc["acl"] if r["id"] != rule["id"]] + [rule]
        self._touch(txn, doc)
        return rule

    def change_rule(
        self, txn: Transaction, user: str, calendar_id: str, rule_id: str, role: Any
    ) -> Doc:
        rule = self.rule(txn, user, calendar_id, rule_id)
        if role not in ACCESS or (role == "none" and rule["scope"]["type"] != "default"):
            raise calendar_error(400, "Invalid role value.", "invalid")
        doc = self.get(txn, user, calendar_id, "owner")
        for existing in doc["acl"]:
            if existing["id"] == rule_id:
                existing["role"] = role
                rule = existing
        self._touch(txn, doc)
        return rule

    def delete_rule(self, txn: Transaction, user: str, calendar_id: str, rule_id: str) -> None:
        rule = self.rule(txn, user, calendar_id, rule_id)
        doc = self.get(txn, user, calendar_id, "owner")
        if rule["id"] == f"user:{doc['owner']}":
            raise calendar_error(400, "Cannot change your own access level.", "invalid")
        doc["acl"] = [r for r in doc["acl"] if r["id"] != rule_id]
        self._touch(txn, doc)

    # -- internals -----------------------------------------------------------------------

    def _new(self, cid: str, owner: str, body: dict[str, Any], primary: bool) -> Doc:
        stamp = self.clock.stamp()
        doc: Doc = {
            "id": cid,
            "owner": owner,
            "primary": primary,
            "summary": body.get("summary") or cid,
            "timeZone": body.get("timeZone") or "UTC",
            "created": stamp,
            "updated": stamp,
            "acl": [_rule_doc("user", owner, "owner")],
        }
        for key in ("description", "location"):
            if body.get(key) is not None:
                doc[key] = body[key]
        return doc

    def _touch(self, txn: Transaction, doc: Doc) -> None:
        doc["updated"] = self.clock.stamp()
        txn.put(CALENDAR, doc["id"], doc)

    @staticmethod
    def _settings(txn: Transaction, user: str) -> Doc:
        return txn.get(SETTINGS, user) or {"entries": {}, "removed": []}

    @staticmethod
    def _store_settings(
        txn: Transaction, user: str, settings: Doc, cid: str, body: dict[str, Any]
    ) -> None:
        entry = settings["entries"].setdefault(cid, {})
        entry.update({k: body[k] for k in LIST_FIELDS if k in body})
        txn.put(SETTINGS, user, settings)


def _rule_doc(kind: str, value: str | None, role: str) -> Doc:
    scope: dict[str, Any] = {"type": kind}
    if value is not None:
        scope["value"] = value
    return {
        "id": "default" if kind == "default" else f"{kind}:{value}",
        "scope": scope,
        "role": role,
    }


def _new_rule(body: dict[str, Any]) -> Doc:
    scope = body.get("scope") or {}
    kind, role = scope.get("type"), body.get("role")
    if kind not in SCOPES:
        raise calendar_error(400, "Invalid scope type value.", "invalid")
    if role not in ACCESS or (role == "none" and kind != "default"):
        raise calendar_error(400, "Invalid role value.", "invalid")
    value = None if kind == "default" else str(scope.get("value") or "").strip().lower()
    if kind != "default" and not value:
        raise calendar_error(400, "Missing scope value.", "required")
    return _rule_doc(str(kind), value, str(role))
