"""What ``init`` and ``provision`` print by default (``--json`` prints the models)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.cli.render.common import calls_text
from tst_sheets.jobs.init import InitResult
from tst_sheets.jobs.provision import ProvisionResult
from tst_sheets.model import SEVERITY_ORDER
from tst_sheets.provision.sharing import Grant


def render_init(console: Console, result: InitResult) -> None:
    verb = "Created" if result.created else "Found"
    console.print(f"{verb} the roster: [bold]{result.url}[/]")
    console.print(
        "Next: fill in its Program, Coaches and Teams tabs, then `tst-sheets doctor` and "
        "`tst-sheets provision` (they find the roster by its Drive labels)."
    )
    console.print(f"API calls: {calls_text(result.calls)}")


def render_provision(console: Console, result: ProvisionResult) -> None:
    title = "Provision plan (dry run: nothing written)" if result.dry_run else "Provisioned"
    if result.stopped:
        title = "Provisioned, but no sharing changed: the plan below waits (see the last line)"
    table = Table(title=title)
    planned = " (planned)" if result.dry_run or result.stopped else ""
    for column in ("Team", "Workbook", "State", f"Shared{planned}", f"Unshared{planned}"):
        table.add_column(column)
    shared = _by_team(result.shared)
    unshared = _by_team(result.unshared)
    rows = (
        [(r, "created") for r in result.created]
        + [(r, "upgraded") for r in result.upgraded]
        + [(r, "existing") for r in result.existing]
    )
    for ref, state in sorted(rows, key=lambda item: item[0].team_id):
        table.add_row(
            ref.team_id,
            ref.url,
            state,
            _people(shared.get(ref.team_id, [])),
            _people(unshared.get(ref.team_id, [])),
        )
    console.print(table)
    for scope, name in (("roster", "The roster"), ("rollup", "The roll-up")):
        added, gone = shared.get(scope, []), unshared.get(scope, [])
        if added or gone:  # the program's own files, beside the workbooks
            console.print(
                f"{name}: shared {_people(added) or '-'}; unshared {_people(gone) or '-'}"
            )
    if result.findings:
        findings = Table(title=f"Findings ({len(result.findings)})")
        for column in ("Team", "Severity", "Where", "Found", "Expected"):
            findings.add_column(column)
        for f in sorted(result.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.team)):
            findings.add_row(f.team, f.severity, f.where, f.found, f.expected)
        console.print(findings)
    console.print(f"API calls: {calls_text(result.calls)}")


def _people(emails: list[str]) -> str:
    """A count, and the names when they fit (``--json`` lists every email)."""
    if len(emails) <= 2:
        return ", ".join(emails)
    return f"{len(emails)} people"


def _by_team(grants: list[Grant]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for grant in grants:
        out.setdefault(grant.team_id, []).append(grant.email)
    return out
