"""The audit's language: a program file, one permission on it as Google lists it, and the
verdict on that permission (the ``--json`` shapes, camelCase)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tst_sheets.model import AutoCamel, Permission

FileKind = Literal["roster", "rollup", "team", "drive", "calendar"]


class ProgramFile(AutoCamel):
    """A file (or the drive, or the calendar) the program keeps people's access on."""

    kind: FileKind
    id: str
    name: str = ""
    url: str = ""
    team_id: str = ""
    # whom the service records it granted (the file's tstShared* appProperties)
    granted: set[str] = Field(default_factory=set, exclude=True)
    # a team workbook whose Team tab was read: its members are known
    members_known: bool = Field(default=True, exclude=True)

    @property
    def label(self) -> str:
        """ "T03's workbook", "the roster", … as a person says it."""
        if self.kind == "team":
            return f"{self.team_id}'s workbook" if self.team_id else "a team workbook"
        return {
            "roster": "the roster",
            "rollup": "the roll-up",
            "drive": "the shared drive",
            "calendar": "the program calendar",
        }[self.kind]


class Grantee(AutoCamel):
    """One Drive permission or Calendar ACL rule, in Drive's words."""

    id: str
    type: str  # user, group, domain, anyone
    role: str
    email: str = ""
    domain: str = ""
    inherited: bool = False  # from the shared drive (or its folder): not the file's own

    @classmethod
    def of_permission(cls, perm: Permission) -> Grantee:
        return cls(
            id=perm.id,
            type=perm.type,
            role=perm.role,
            email=perm.email,
            domain=perm.domain.lower(),
            inherited=perm.inherited,
        )

    @classmethod
    def of_rule(cls, rule: dict[str, Any]) -> Grantee:
        """A Calendar ACL rule: scope ``default`` is the public, ``domain`` a whole domain."""
        scope = rule.get("scope") or {}
        kind = str(scope.get("type", ""))
        value = str(scope.get("value", "")).lower()
        return cls(
            id=str(rule.get("id", "")),
            type="anyone" if kind == "default" else kind,
            role=str(rule.get("role", "")),
            email=value if kind in ("user", "group") else "",
            domain=value if kind == "domain" else "",
        )

    @property
    def who(self) -> str:
        if self.type == "anyone":
            return "anyone with the link"
        if self.type == "domain":
            return f"everyone at {self.domain}"
        return self.email


class Access(AutoCamel):
    """The verdict on one permission: explained by the roster (and why), or not (and why);
    whether the service may remove it, and if not, why it stays."""

    file: str
    kind: FileKind
    file_id: str
    url: str = ""
    team_id: str = ""
    who: str
    type: str
    role: str
    explained: bool
    reason: str
    removable: bool = False
    kept_because: str = ""
    permission_id: str = ""
