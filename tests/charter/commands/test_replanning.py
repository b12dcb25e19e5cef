"""Tests for charter replan on the small fixture day plan_small (solver limit 1 s): the new
version, diff, amendments and map against the parent; bad input is exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.cli import main
from dispatch.outputs.plan_json import read_plan_json
from tests.plan_cases import PLAN_SMALL

FAST = ["--time-limit", "1"]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """plan_small planned by `charter plan` (E1's five and E2's two workers ride)."""
    out = tmp_path_factory.mktemp("base")
    assert main(["plan", str(PLAN_SMALL), "--out", str(out), *FAST, "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """P05 (E1) a no-show and G7003 (E2's two) 40 minutes late, known at 07:50."""
    file = tmp_path_factory.mktemp("events") / "events.csv"
    file.write_text(
        "kind,known_at,station_id,train_no,minutes,worker_ids\n"
        "no_show,07:50,,,,P05\n"
        "train_delay,07:50,yq_test,G7003,40,\n",
        encoding="utf-8",
    )
    return file


def test_replan_writes_the_version_the_diff_and_the_map(
    base: Path, events: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v2"
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(base)]
    code = main([*args, "--events", str(events), "--out", str(out), *FAST, "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["events"]["applied"] == {"train_delay": 1, "no_show": 1}
    assert report["summary"]["nothing_lost"] is True
    assert report["changes"]["workers_no_show"] == 1
    document = read_plan_json(out)
    assert document.meta.parent is not None and document.meta.parent.startswith("plan.json sha256:")
    assert {u.worker: u.reason.value for u in document.unserved}["P05"] == "no_show"
    e2 = next(t for t in document.trips if t.enterprise == "E2")
    assert e2.board_start.strftime("%H:%M") >= "09:05"  # G7003 now at 08:50 and 08:55
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "Cancelled legs" in html or "已取消的路段" in html
    assert (out / "diff.json").is_file() and (out / "amendments.xlsx").is_file()


def test_replan_prints_what_changed(
    base: Path, events: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(base), "--lang", "en"]
    assert main([*args, "--events", str(events), "--out", str(tmp_path / "v2"), *FAST]) == 0
    text = capsys.readouterr().out
    assert "Re-plan 2020-02-24 08:00" in text and "workers still to move" in text


def test_map_draws_a_version_against_its_parent(base: Path, events: Path, tmp_path: Path) -> None:
    out = tmp_path / "v2"
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(base), "--quiet"]
    assert main([*args, "--events", str(events), "--out", str(out), *FAST]) == 0
    html = tmp_path / "again.html"
    assert main(["map", str(out), "--parent", str(base), "--out", str(html), "--quiet"]) == 0
    assert "New legs (bold)" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--at", "25:99"], "is not a time of the planning day"),
        (["--at", "08:00", "--out-is-base"], "is the base plan folder"),
    ],
)
def test_bad_input_is_exit_code_2(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], match: str
) -> None:
    out = base if "--out-is-base" in extra else tmp_path / "v2"
    flags = [x for x in extra if x != "--out-is-base"]
    args = ["replan", str(PLAN_SMALL), *flags, "--base", str(base), "--out", str(out)]
    assert main([*args, *FAST, "--json"]) == 2
    assert match in json.loads(capsys.readouterr().out)["error"]


def test_a_bad_events_file_is_exit_code_2_with_every_problem(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "events.csv"
    file.write_text(
        "kind,known_at,worker_ids,vehicle_id\nno_show,07:50,X1,\nvehicle_breakdown,07:50,,NOPE\n"
    )
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(base)]
    code = main([*args, "--events", str(file), "--out", str(tmp_path / "v2"), "--json"])
    assert code == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert "2 input problems" in error and "row 2" in error and "row 3" in error


def test_a_replan_folder_is_replaced_whole_by_the_next_one(
    base: Path, events: Path, tmp_path: Path
) -> None:
    """A second re-plan into the same --out replaces the folder (diff.json, amendments/ are
    a plan folder's entries); one without changes leaves no amendments behind."""
    out = tmp_path / "v2"
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(base), "--out", str(out)]
    assert main([*args, "--events", str(events), *FAST, "--quiet"]) == 0
    assert (out / "amendments").is_dir()
    assert main([*args, *FAST, "--quiet"]) == 0
    assert (out / "diff.json").is_file() and not (out / "amendments").exists()
