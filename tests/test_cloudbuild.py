"""cloudbuild.yaml: every function deployed private, tested first, and scheduled with OIDC."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tst_sheets.config import QUEUE_NAME, Settings

ROOT = Path(__file__).resolve().parent.parent
BUILD = yaml.safe_load((ROOT / "cloudbuild.yaml").read_text())
STEPS: list[dict[str, Any]] = BUILD["steps"]
BUILTINS = {"PROJECT_ID", "PROJECT_NUMBER", "BUILD_ID", "LOCATION"}
_REF = re.compile(r"\$(\$|\{(\w+)\}|(\w+))")


def http_functions(path: Path) -> set[str]:
    """Names decorated ``@functions_framework.http`` in a source file."""
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d) == "functions_framework.http" for d in node.decorator_list)
    }


ENTRY_POINTS = http_functions(ROOT / "functions" / "main.py")


def gcloud_args(step: dict[str, Any]) -> list[str]:
    return [str(a) for a in step.get("args", [])] if step.get("entrypoint") == "gcloud" else []


def flag(args: list[str], name: str) -> str | None:
    for arg in args:
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


DEPLOYS = [s for s in STEPS if gcloud_args(s)[:2] == ["functions", "deploy"]]
INVOKERS = [s for s in STEPS if gcloud_args(s)[:2] == ["functions", "add-invoker-policy-binding"]]


def substitute(text: str, values: dict[str, str]) -> str:
    """Cloud Build's substitution: ``$$`` is a dollar, ``$X``/``${X}`` must be known."""

    def one(match: re.Match[str]) -> str:
        if match.group(1) == "$":
            return "$"
        name = match.group(2) or match.group(3)
        if name not in values:
            raise KeyError(f"cloudbuild.yaml refers to unknown substitution ${name}")
        return values[name]

    return _REF.sub(one, text)


def substitution_values(**overrides: str) -> dict[str, str]:
    values = {"PROJECT_ID": "demo-project", "PROJECT_NUMBER": "1", "BUILD_ID": "b", "LOCATION": "x"}
    for key, default in BUILD["substitutions"].items():
        values[key] = substitute(str(default), values)
    values.update(overrides)
    return values


# -- the functions ---------------------------------------------------------------------------


def test_the_functions_module_has_its_entry_points() -> None:
    assert {"provision", "collect", "rollup", "calendar_sync", "notify", "doctor"} == ENTRY_POINTS


def test_every_function_is_deployed_once() -> None:
    deployed = [flag(gcloud_args(s), "--entry-point") for s in DEPLOYS]
    assert sorted(deployed) == sorted(ENTRY_POINTS)  # type: ignore[type-var]


@pytest.mark.parametrize("step", DEPLOYS, ids=lambda s: s["id"])
def test_each_deploy_is_private_gen2_on_its_own_service_account(step: dict[str, Any]) -> None:
    args = gcloud_args(step)
    for required in ("--gen2", "--trigger-http", "--no-allow-unauthenticated"):
        assert required in args
    assert "--allow-unauthenticated" not in args
    assert flag(args, "--runtime") == "python312"
    assert flag(args, "--source") == "."
    assert flag(args, "--region") == "${_REGION}"
    assert flag(args, "--service-account") == "${_SERVICE_ACCOUNT}"
    env = dict(pair.split("=", 1) for pair in (flag(args, "--set-env-vars") or "").split(","))
    assert env["TST_TARGET"] == "google"
    assert env["TST_DRIVE_FOLDER"] == "${_DRIVE_FOLDER}"
    assert env["TST_OWNER"] == "${_OWNER}"
    assert env["TST_ROSTER_ID"] == "${_ROSTER_ID}"
    assert env["TST_SUBJECT"] == "${_SUBJECT}"
    assert env["TST_SENDER"] == "${_SENDER}"
    assert step["waitFor"] == ["tests"], "deploy only after the tests pass"


def test_no_function_is_ever_public() -> None:
    text = (ROOT / "cloudbuild.yaml").read_text()
    assert "--allow-unauthenticated" not in text
    assert "allUsers" not in text and "allAuthenticatedUsers" not in text


def test_the_tests_run_first() -> None:
    tests = next(s for s in STEPS if s["id"] == "tests")
    assert tests["args"] == [".ci/run"]


def test_the_scheduler_account_may_invoke_every_function_but_the_preflight() -> None:
    names = {gcloud_args(s)[2] for s in DEPLOYS}
    scheduler = [s for s in INVOKERS if "${_SCHEDULER_SA}" in str(flag(gcloud_args(s), "--member"))]
    assert {gcloud_args(s)[2] for s in scheduler} == names - {"tst-doctor"}
    # and one more: the roll-up may call itself (Cloud Tasks carries on a long run), as itself
    others = [gcloud_args(s) for s in INVOKERS if s not in scheduler]
    assert [(a[2], flag(a, "--member")) for a in others] == [
        ("tst-rollup", "serviceAccount:${_SERVICE_ACCOUNT}")
    ]


def rollup_env() -> dict[str, str]:
    step = next(s for s in DEPLOYS if flag(gcloud_args(s), "--entry-point") == "rollup")
    text = substitute(flag(gcloud_args(step), "--set-env-vars") or "", substitution_values())
    return dict(pair.split("=", 1) for pair in text.split(","))


def test_the_rollup_knows_where_to_hand_the_rest_of_a_long_run() -> None:
    env = rollup_env()
    assert QUEUE_NAME.match(env["TST_TASKS_QUEUE"])
    assert env["TST_TASKS_QUEUE"] == "projects/demo-project/locations/us-central1/queues/tst-rollup"
    assert env["TST_ROLLUP_URL"] == "https://tst-rollup-1.us-central1.run.app"
    assert env["TST_TASKS_SERVICE_ACCOUNT"] == "tst-functions@demo-project.iam.gserviceaccount.com"
    step = next(s for s in DEPLOYS if flag(gcloud_args(s), "--entry-point") == "rollup")
    timeout = int((flag(gcloud_args(step), "--timeout") or "0").rstrip("s"))
    assert 0 < float(env["TST_ROLLUP_BUDGET_S"]) <= timeout - 120, "time to save and hand on"
    # the settings parse as the function will parse them
    settings = Settings.model_validate({k[4:].lower(): v for k, v in env.items()})
    assert settings.continuation() is not None


def test_the_queue_is_created_or_updated_with_least_privilege(tmp_path: Path) -> None:
    code, calls = run_script("tasks-queue", tmp_path)
    assert code == 0
    create = next(c for c in calls if c[:3] == ["tasks", "queues", "create"])
    assert create[3] == "tst-rollup" and "--location=us-central1" in create
    assert "--max-concurrent-dispatches=1" in create  # one run at a time, as the function
    enqueuer = next(c for c in calls if c[:3] == ["tasks", "queues", "add-iam-policy-binding"])
    sa = "serviceAccount:tst-functions@demo-project.iam.gserviceaccount.com"
    assert enqueuer[3] == "tst-rollup"  # on the queue, not the project
    assert flag(enqueuer, "--member") == sa
    assert flag(enqueuer, "--role") == "roles/cloudtasks.enqueuer"
    act_as = next(c for c in calls if c[:2] == ["iam", "service-accounts"])
    assert act_as[3] == "tst-functions@demo-project.iam.gserviceaccount.com"  # itself only
    assert flag(act_as, "--role") == "roles/iam.serviceAccountUser"
    assert not any("projects" in c[:2] and "add-iam-policy-binding" in c for c in calls)


def test_an_existing_queue_is_updated(tmp_path: Path) -> None:
    code, calls = run_script("tasks-queue", tmp_path, QUEUE_EXISTS="1")
    assert code == 0
    assert any(c[:3] == ["tasks", "queues", "update"] for c in calls)


# -- substitutions -----------------------------------------------------------------------------


def test_every_substitution_is_defined_and_used() -> None:
    text = (ROOT / "cloudbuild.yaml").read_text()
    body = text.split("\nsteps:", 1)[1]
    used = {m.group(2) or m.group(3) for m in _REF.finditer(body) if m.group(1) != "$"}
    defined = set(BUILD["substitutions"])
    assert used - defined - BUILTINS == set()
    assert defined - used == set(), "Cloud Build rejects a substitution the steps never use"
    for key in (
        "_PROJECT",
        "_REGION",
        "_SERVICE_ACCOUNT",
        "_DRIVE_FOLDER",
        "_OWNER",
        "_ROSTER_ID",
        "_SUBJECT",
        "_SENDER",
        "_SCHEDULER_SA",
        "_ROLLUP_SCHEDULE",
        "_CALENDAR_SCHEDULE",
        "_PROVISION_SCHEDULE",
        "_NOTIFY_SCHEDULE",
        "_TASKS_QUEUE",
        "_ROLLUP_URL",
        "_ROLLUP_BUDGET_S",
    ):
        assert key in defined
    assert BUILD["options"]["dynamicSubstitutions"] is True


# -- the schedules, run with a stand-in gcloud --------------------------------------------------


def run_script(step_id: str, tmp_path: Path, **env: str) -> tuple[int, list[list[str]]]:
    """Run a bash step after substitution, with a fake ``gcloud`` that records its calls."""
    step = next(s for s in STEPS if s["id"] == step_id)
    assert step["entrypoint"] == "bash" and step["args"][0] == "-c"
    script = substitute(step["args"][1], substitution_values(_DRIVE_FOLDER="drive-1"))
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "bin" / "gcloud"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "args = sys.argv[1:]\n"
        f"open({str(log)!r}, 'a').write(json.dumps(args) + '\\n')\n"
        "if args[:2] == ['functions', 'describe']:\n"
        "    print(f'https://{args[2]}-abc-uc.a.run.app')\n"
        "if args[:3] == ['scheduler', 'jobs', 'create'] and os.environ.get('JOBS_EXIST'):\n"
        "    sys.exit('ALREADY_EXISTS')\n"
        "if args[:3] == ['tasks', 'queues', 'create'] and os.environ.get('QUEUE_EXISTS'):\n"
        "    sys.exit('ALREADY_EXISTS')\n"
    )
    fake.chmod(0o755)
    result = subprocess.run(
        ["bash", "-c", script],
        env={"PATH": f"{fake.parent}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result.returncode, calls


def scheduler_calls(calls: list[list[str]], verb: str) -> list[list[str]]:
    return [c for c in calls if c[:4] == ["scheduler", "jobs", verb, "http"]]


def assert_oidc(call: list[str]) -> None:
    uri = flag(call, "--uri")
    assert uri and uri.startswith("https://")
    scheduler_sa = "tst-scheduler@demo-project.iam.gserviceaccount.com"
    assert flag(call, "--oidc-service-account-email") == scheduler_sa
    assert flag(call, "--oidc-token-audience") == uri
    assert flag(call, "--http-method") == "POST"


def test_schedules_are_created_with_oidc(tmp_path: Path) -> None:
    code, calls = run_script("schedules", tmp_path)
    assert code == 0
    created = scheduler_calls(calls, "create")
    assert {c[4] for c in created} == {
        "tst-rollup-nightly",
        "tst-calendar-daily",
        "tst-provision",
        "tst-notify-weekly",
    }
    targets = {flag(c, "--uri") for c in created}
    functions = ("tst-rollup", "tst-calendar-sync", "tst-provision", "tst-notify")
    assert targets == {f"https://{name}-abc-uc.a.run.app" for name in functions}
    for call in created:
        assert_oidc(call)
    rollup = next(c for c in created if c[4] == "tst-rollup-nightly")
    assert flag(rollup, "--schedule") == BUILD["substitutions"]["_ROLLUP_SCHEDULE"]
    assert scheduler_calls(calls, "update") == []


def test_the_weekly_email_goes_on_mondays_at_seven_in_the_programs_time_zone(
    tmp_path: Path,
) -> None:
    assert BUILD["substitutions"]["_NOTIFY_SCHEDULE"] == "0 7 * * 1"
    _, calls = run_script("schedules", tmp_path)
    weekly = next(c for c in scheduler_calls(calls, "create") if c[4] == "tst-notify-weekly")
    assert flag(weekly, "--schedule") == "0 7 * * 1"
    assert flag(weekly, "--time-zone") == BUILD["substitutions"]["_TIME_ZONE"]
    assert flag(weekly, "--uri") == "https://tst-notify-abc-uc.a.run.app"


def test_schedules_are_updated_when_they_exist(tmp_path: Path) -> None:
    code, calls = run_script("schedules", tmp_path, JOBS_EXIST="1")
    assert code == 0
    updated = scheduler_calls(calls, "update")
    assert len(updated) == 4
    for call in updated:
        assert_oidc(call)


def run_check(**substitutions: str) -> subprocess.CompletedProcess[str]:
    step = next(s for s in STEPS if s["id"] == "check")
    script = substitute(step["args"][1], substitution_values(**substitutions))
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=10)


def test_the_build_stops_without_a_place_for_the_files() -> None:
    """A service account owns no files: without a shared drive (or an owner) nothing deploys."""
    result = run_check()
    assert result.returncode != 0
    assert "_DRIVE_FOLDER" in result.stderr


@pytest.mark.parametrize("setting", [{"_DRIVE_FOLDER": "0AbcDrive"}, {"_OWNER": "a@b.org"}])
def test_a_drive_folder_or_an_owner_is_enough(setting: dict[str, str]) -> None:
    assert run_check(**setting).returncode == 0
