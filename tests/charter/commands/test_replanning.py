"""Tests for charter replan on the small fixture day plan_small (solver limit 1 s): the new
version, diff, amendments and map against the parent; bad input is exit code 2; the same
through the day store (a stored version as the base, the new one saved as its child, a stale
base refused)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

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


# --------------------------------------------------------------------------- through the store

DATE = "2020-02-24"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """plan_small planned by `charter plan --store`: the store (version 1) and the folder."""
    folder = tmp_path_factory.mktemp("stored")
    db, out = folder / "charter.db", folder / "v1"
    args = ["plan", str(PLAN_SMALL), "--out", str(out), *FAST, "--quiet"]
    assert main([*args, "--store", "--db", str(db)]) == 0
    return db, out


@pytest.fixture
def store_db(stored: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the store holding version 1 (each test adds its own versions)."""
    db = tmp_path / "charter.db"
    shutil.copyfile(stored[0], db)
    return db


def _run(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 0) -> dict[str, Any]:
    assert main([*args, "--json"]) == code
    payload: dict[str, Any] = json.loads(capsys.readouterr().out)
    return payload


def _store_replan(db: Path, out: Path, *extra: str) -> list[str]:
    args = ["replan", DATE, "--store", "--db", str(db), "--at", "08:00", "--out", str(out)]
    return [*args, *extra, *FAST]


def test_replan_from_the_store_saves_the_child_of_the_latest_version(
    stored: tuple[Path, Path],
    store_db: Path,
    events: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same re-plan as from the files (but for meta.parent), saved as version 2 with
    parent 1, its events as given and its diff; days show names the re-plan."""
    out = tmp_path / "v2"
    report = _run(capsys, _store_replan(store_db, out, "--events", str(events)))
    assert report["store"] == {"date": DATE, "version": 2, "parent_version": 1}
    assert report["parent"] == "store version 1"
    files_out = tmp_path / "from-files"
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(stored[1])]
    assert main([*args, "--events", str(events), "--out", str(files_out), *FAST, "--quiet"]) == 0
    from_store, from_files = read_plan_json(out), read_plan_json(files_out)
    assert from_store.trips == from_files.trips and from_store.unserved == from_files.unserved
    shown = _run(capsys, ["days", "show", DATE, "--version", "2", "--db", str(store_db)])
    replan = shown["replan"]
    assert replan["summary"] == "re-plan of version 1 at 08:00: 3 workers, 2 trips, 1 buses changed"
    assert replan["events"][0]["name"] == "events.csv"
    assert replan["diff"] == json.loads((out / "diff.json").read_text(encoding="utf-8"))
    assert shown["version"]["parent_version"] == 1
    assert main(["days", "show", DATE, "--db", str(store_db), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "re-plan of version 1 at 08:00" in text and "events applied" in text


def test_both_versions_read_back_from_the_store_lose_nobody(
    store_db: Path, events: Path, tmp_path: Path
) -> None:
    from store.location import parse_location
    from store.sql.sqlstore import open_store

    replan = _store_replan(store_db, tmp_path / "v2", "--events", str(events), "--quiet")
    assert main(replan) == 0
    store = open_store(parse_location(str(store_db)), user="tester")
    try:
        plans = [store.load_plan(dt.date(2020, 2, 24), n, personal=False) for n in (1, 2)]
    finally:
        store.close()
    for plan in plans:
        counted = Counter(w for t in plan.trips for w in t.worker_ids)
        counted.update([e.worker_id for e in plan.excluded] + [u.worker_id for u in plan.unserved])
        assert counted == Counter(plan.day.worker_ids)
    assert {u.worker_id: u.reason.value for u in plans[1].unserved}["P05"] == "no_show"


def test_a_stale_base_version_is_refused_unless_allowed(
    store_db: Path, events: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_store_replan(store_db, tmp_path / "v2", "--quiet")) == 0
    stale = ["--base-version", "1", "--events", str(events)]
    error = _run(capsys, _store_replan(store_db, tmp_path / "v3", *stale), code=2)["error"]
    assert "version '1' is not the latest version: version 2 (replan) was saved by" in error
    assert "--allow-stale-base" in error and not (tmp_path / "v3").exists()
    report = _run(capsys, _store_replan(store_db, tmp_path / "v3", *stale, "--allow-stale-base"))
    assert report["store"] == {"date": DATE, "version": 3, "parent_version": 1}
    assert "is not the latest version" in report["stale_base"]
    latest = ["--base-version", "3", "--events", str(events)]
    assert _run(capsys, _store_replan(store_db, tmp_path / "v4", *latest))["store"]["version"] == 4


def test_a_replan_from_files_is_saved_as_the_child_of_its_stored_base(
    stored: tuple[Path, Path],
    store_db: Path,
    events: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base_dir = stored[1]
    args = ["replan", str(PLAN_SMALL), "--at", "08:00", "--base", str(base_dir)]
    args += ["--events", str(events), "--store", "--db", str(store_db), *FAST]
    report = _run(capsys, [*args, "--out", str(tmp_path / "v2")])
    assert report["store"] == {"date": DATE, "version": 2, "parent_version": 1}
    assert report["parent"].startswith("plan.json sha256:")
    unstored = tmp_path / "v2"  # a re-plan folder: its plan.json is v2's, so v2 is its parent
    again = _run(capsys, [*args, "--out", str(tmp_path / "v3"), "--base", str(unstored)])
    assert again["store"]["parent_version"] == 2
    (tmp_path / "edited").mkdir()
    text = (base_dir / "plan.json").read_text(encoding="utf-8")
    (tmp_path / "edited" / "plan.json").write_text(text + " ", encoding="utf-8")
    edited = [*args, "--out", str(tmp_path / "v4"), "--base", str(tmp_path / "edited")]
    error = _run(capsys, edited, code=2)["error"]
    assert "is not a version of 2020-02-24 in the day store" in error and "--no-store" in error


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["replan", "tomorrow", "--store"], "is not a planning date"),
        (["replan", DATE, "--no-store"], "--no-store without --base"),
        (["replan", DATE, "--store", "--base-version", "7"], "has no such version"),
        (["replan", "2020-03-01", "--store"], "holds no plan of this day"),
        (["replan", "no-such-day", "--base", "."], "does not exist"),
    ],
)
def test_store_replan_input_problems_are_exit_code_2(
    store_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    match: str,
) -> None:
    flags = ["--db", str(store_db), "--at", "08:00", "--out", str(tmp_path / "out")]
    assert match in _run(capsys, [*args, *flags], code=2)["error"]


def test_base_version_with_a_base_folder_is_exit_code_2(
    stored: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["replan", str(PLAN_SMALL), "--base", str(stored[1]), "--base-version", "1"]
    args += ["--at", "08:00", "--out", str(tmp_path / "out")]
    assert "--base-version picks a stored version" in _run(capsys, args, code=2)["error"]
