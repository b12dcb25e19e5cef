"""Tests for charter plan / charter demo on the small fixture day plan_small (solver limit
1 s), and charter map on the plan folder they write."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from charter.cli import main
from charter.commands.planning import demo_day
from dispatch.day import Day
from dispatch.intake.sources import RawDay
from dispatch.outputs import plan_json, route_json
from dispatch.outputs.plan_json import read_plan_json
from dispatch.plan import Plan
from tests.dispatch.outputs.test_atomic import lock_held_elsewhere
from tests.map_cases import read_rendered
from tests.paths import DATA, ROOT
from tests.plan_cases import (
    ESCORT_PHONE,
    ID_NUMBERS,
    PHONES,
    PLAN_SMALL,
    hand_plan,
    with_lost_worker,
)

DAYS = DATA / "days"
RAW = (*ID_NUMBERS, *PHONES, ESCORT_PHONE)
FAST = ["--time-limit", "1"]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan folder of plan_small written by `charter plan … --quiet` (bilingual, masked)."""
    out = tmp_path_factory.mktemp("plan")
    assert main(["plan", str(PLAN_SMALL), "--out", str(out), *FAST, "--quiet"]) == 0
    return out


def _texts(folder: Path) -> dict[str, str]:
    files = [folder / "plan.json", folder / "map.html", *sorted((folder / "csv").glob("*.csv"))]
    return {p.name: p.read_text(encoding="utf-8-sig") for p in files}


def _sheet_text(workbook: Path, prefix: str) -> str:
    book = load_workbook(workbook)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        if sheet.title.startswith(prefix)
        for row in sheet.iter_rows(values_only=True)
        for value in row
    )


def test_plan_writes_the_folder_and_the_kpis_add_up(planned: Path) -> None:
    for name in ("plan.json", "plan.xlsx", "map.html", "csv/trips.csv", "csv/manifests.csv"):
        assert (planned / name).is_file(), name
    document = read_plan_json(planned)
    s = document.summary
    assert s.nothing_lost
    assert s.workers_registered == 11
    assert s.workers_excluded == 3  # P08 yellow, P09 Hubei, P10 uncertified employer
    assert s.workers_transported + s.workers_excluded + s.workers_unserved == 11
    assert s.workers_transported == sum(t.headcount for t in document.trips)
    assert {e.worker: e.reason.value for e in document.excluded} == {
        "P08": "health_screening_failed",
        "P09": "high_risk_origin",
        "P10": "employer_not_certified",
    }
    assert all(u.reason and u.reason_en for u in document.unserved)
    assert "P11" in {u.worker for u in document.unserved}  # arrives 23:55


def test_no_personal_numbers_outside_the_manifest(planned: Path) -> None:
    for name, text in _texts(planned).items():
        assert not any(number in text for number in RAW), name
    manifest = (planned / "csv" / "manifests.csv").read_text(encoding="utf-8-sig")
    assert "990***********0019" in manifest and "139****0101" in manifest
    assert "990***********0019" in _sheet_text(planned / "plan.xlsx", "乘车名单")


def test_unmask_shows_numbers_in_the_manifest_only(tmp_path: Path) -> None:
    assert main(["plan", str(PLAN_SMALL), "--out", str(tmp_path), *FAST, "--unmask", "-q"]) == 0
    for name, text in _texts(tmp_path).items():
        assert any(n in text for n in RAW) == (name == "manifests.csv"), name
    assert ID_NUMBERS[0] in _sheet_text(tmp_path / "plan.xlsx", "乘车名单")
    assert ID_NUMBERS[0] not in _sheet_text(tmp_path / "plan.xlsx", "企业通知")


def test_json_prints_the_kpi_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(PLAN_SMALL), "--out", str(tmp_path), *FAST, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["code"] == 0
    assert payload["summary"]["nothing_lost"] is True
    assert payload["summary"]["workers_registered"] == 11
    assert payload["files"]["map"] == str(tmp_path / "map.html")


def test_flags_override_the_policy_file_which_overrides_the_day(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("seed = 5\ntime_limit_s = 1.5\nmax_wait_min = 45\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["plan", str(PLAN_SMALL), "--out", str(out), "--policy", str(policy), "--seed", "7"]
    assert main([*args, "-q"]) == 0
    meta = read_plan_json(out).meta
    assert (meta.policy.seed, meta.policy.time_limit_s, meta.policy.max_wait_min) == (7, 1.5, 45)
    assert meta.seed == 7


def test_a_policy_file_reads_the_day_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--policy` is resolved over the day's own policy before the tables are read."""
    from dispatch.intake import reader

    reads: list[Path] = []
    read_raw_day = reader.read_raw_day

    def counted(path: Path) -> RawDay:
        reads.append(path)
        return read_raw_day(path)

    monkeypatch.setattr(reader, "read_raw_day", counted)
    policy = tmp_path / "policy.toml"
    policy.write_text("max_wait_min = 45\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["plan", str(PLAN_SMALL), "--out", str(out), "--policy", str(policy), *FAST, "-q"]
    assert main(args) == 0
    assert reads == [PLAN_SMALL]
    assert read_plan_json(out).meta.policy.max_wait_min == 45


def test_chinese_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(PLAN_SMALL), "--out", str(tmp_path), *FAST, "--lang", "zh"]) == 0
    shown = capsys.readouterr().out
    assert "登记人数" in shown and "无遗漏" in shown and "不符合条件原因" in shown
    header = (tmp_path / "csv" / "trips.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("行程编号")


def test_terminal_output_names_the_files_and_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(PLAN_SMALL), "--out", str(tmp_path), *FAST, "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert "11 = " in shown and "(nothing lost)" in shown
    assert "after_operating_hours" in shown and "health_screening_failed" in shown
    assert str(tmp_path / "plan.xlsx") in shown.replace("\n", "")


def test_a_bad_day_is_exit_2_with_the_error_envelope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["plan", str(DAYS / "bad_rows"), "--out", str(tmp_path / "out"), "--json"]
    assert main(args) == 2
    error = json.loads(capsys.readouterr().out)
    assert error["code"] == 2 and "SZN" in error["error"]
    assert not (tmp_path / "out").exists()


def test_a_missing_day_is_exit_2(tmp_path: Path) -> None:
    assert main(["plan", str(tmp_path / "nowhere"), "--out", str(tmp_path), "-q"]) == 2


def test_charter_map_rebuilds_the_route_map_from_the_folder(planned: Path, tmp_path: Path) -> None:
    out = tmp_path / "again.html"
    assert main(["map", str(planned), "--out", str(out), "--lang", "zh", "-q"]) == 0
    before = read_rendered((planned / "map.html").read_text(encoding="utf-8"))
    after = read_rendered(out.read_text(encoding="utf-8"))
    assert list(after.overlays) == list(before.overlays)
    routes = [name for name in after.overlays if "苏E·" in name and "·" in name]
    assert len(routes) == read_plan_json(planned).summary.buses_used


def test_the_demo_day_is_package_data() -> None:
    with demo_day() as folder:
        assert (folder / "arrivals.csv").is_file()
        assert (folder / "policy.toml").is_file()


@pytest.mark.slow
def test_demo_plans_the_embedded_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path), "--json", "--effort", "40"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["summary"]["nothing_lost"] is True
    assert payload["summary"]["workers_registered"] == 4000
    assert read_plan_json(tmp_path).meta.policy.effort == 40


OPTIONAL_KEYS = {
    field.name
    for entry in vars(plan_json).values()
    if isinstance(entry, type) and dataclasses.is_dataclass(entry)
    for field in dataclasses.fields(entry)
    if field.default is not dataclasses.MISSING
    and entry.__module__ in (plan_json.__name__, route_json.__name__)
}


def _keys(value: object, path: str = "") -> set[str]:
    """Every key path in a JSON value (array items merged as ``[]``)."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            found |= {f"{path}.{key}"} | _keys(item, f"{path}.{key}")
        return found
    if isinstance(value, list):
        return set().union(*(_keys(item, f"{path}[]") for item in value)) if value else set()
    return set()


def test_plan_json_has_the_shape_of_the_documented_example(planned: Path) -> None:
    """docs/examples/plan.json is the plan of the same day (tools/build_plan_example.py)."""
    example = ROOT / "docs" / "examples" / "plan.json"
    written = _keys(json.loads((planned / "plan.json").read_text(encoding="utf-8")))
    documented = _keys(json.loads(example.read_text(encoding="utf-8")))

    def required(paths: set[str]) -> set[str]:
        return {p for p in paths if p.rsplit(".", 1)[-1] not in OPTIONAL_KEYS}

    assert required(written) == required(documented)
    assert {p.rsplit(".", 1)[-1] for p in written - documented} <= OPTIONAL_KEYS


def test_a_plan_that_loses_a_worker_is_exit_1_and_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A planner bug (a worker missing from the plan) stops the command before any file."""

    def losing_planner(day: Day, **_: object) -> Plan:
        return with_lost_worker(hand_plan(day))

    monkeypatch.setattr("dispatch.planner.plan_day", losing_planner)
    out = tmp_path / "out"
    assert main(["plan", str(PLAN_SMALL), "--out", str(out), "--json"]) == 1
    error = json.loads(capsys.readouterr().out)
    assert error["code"] == 1 and "lost, e.g. P11" in error["error"]
    assert not out.exists()


def _never_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make planning (or reading the day) fail loudly: the checks must come first."""

    def planned_too_early(*_: object, **__: object) -> Plan:
        raise AssertionError("planned before the output path was checked")

    monkeypatch.setattr("dispatch.planner.plan_day", planned_too_early)
    monkeypatch.setattr("dispatch.intake.reader.read_day", planned_too_early)


def _under_a_file(tmp_path: Path) -> Path:
    """A path below a file."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    return tmp_path / "file" / "sub"


def _unwritable(tmp_path: Path) -> Path:
    """A folder this process cannot create anything in (/sys as root, else a 0555 folder)."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        return locked
    if not Path("/sys").is_dir():
        pytest.skip("no read-only folder for root here")
    return Path("/sys")


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda t: (t / "out").write_text("x", encoding="utf-8"), r"is a file, not a folder"),
        (lambda t: os.mkfifo(t / "out"), r"is a FIFO \(named pipe\), not a folder"),
        (lambda t: _under_a_file(t), r"cannot be made: .*file is a file, not a folder"),
        (
            lambda t: _unwritable(t) / "charter-plan-test",
            r"(cannot be written|read-only).*fix: give a place in a folder you may write to",
        ),
        (
            lambda t: ((t / "out").mkdir(), (t / "out" / "thesis.docx").touch()),
            r"holds thesis.docx, not part of a plan folder",
        ),
        (lambda t: (t / "out").symlink_to(t), r"is a symbolic link"),
    ],
    ids=["file", "fifo", "under-a-file", "read-only", "foreign", "link"],
)
@pytest.mark.parametrize("command", ["plan", "demo"])
def test_a_bad_out_is_exit_2_before_planning(
    command: str,
    make: object,
    match: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--out checked first: a file, a FIFO, a path under a file, a read-only folder, a folder
    of other things, a link — exit 2 with the path and the fix, nothing planned or written."""
    made = make(tmp_path)  # type: ignore[operator]
    out = made if isinstance(made, Path) else tmp_path / "out"
    _never_plan(monkeypatch)
    day = [] if command == "demo" else [str(PLAN_SMALL)]
    assert main([command, *day, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert re.search(match, err), err
    assert str(out) in err and "fix:" in err
    assert not (tmp_path / "out" / "plan.json").exists()


def test_a_second_plan_into_the_same_folder_is_exit_2_before_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another charter run writing --out: told at once, with the folder and the process."""
    out = tmp_path / "out"
    _never_plan(monkeypatch)
    with lock_held_elsewhere(out) as pid:
        assert main(["plan", str(PLAN_SMALL), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out} is being written by another charter run (process {pid})" in err
    assert not out.exists()


def test_a_day_table_that_is_a_fifo_is_exit_2(tmp_path: Path) -> None:
    """A FIFO named like a table would block the reader forever: refused by name (run in a
    process of its own, so that a hang fails the test instead of stopping the suite)."""
    day = tmp_path / "day"
    shutil.copytree(PLAN_SMALL, day)
    (day / "fleet.csv").unlink()
    os.mkfifo(day / "fleet.csv")
    for args in (["check", str(day)], ["plan", str(day), "--out", str(tmp_path / "plan")]):
        done = subprocess.run(
            [sys.executable, "-m", "charter", *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "fleet.csv" in done.stderr and "not a regular file" in done.stderr
