"""Tests of store.replan on SQLite and PostgreSQL (the ``db`` fixture runs the store tests on
both): a re-plan of a stored version starts from the first version's inputs and the version's
plan.json, is saved as its child with the events and the diff, loses nobody in either version,
and a base that is no longer the latest is told apart (and refused under the day's lock)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatch.outputs.plan_json import document_json
from dispatch.plan import Plan
from dispatch.replan.events import EventLog, NoShow, TrainDelay
from dispatch.replan.files import diff_json_text
from dispatch.replan.replanner import Replan, replan_day
from store.errors import NotFoundError, StaleBaseError
from store.replan import (
    event_bytes,
    event_files,
    plan_folder_version,
    replan_source,
    root_version,
    save_replan,
)
from store.repository import DayRepository, VersionInfo
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance

AT = dt.datetime(2020, 2, 24, 8, 0)
EVENTS_CSV = (
    "kind,known_at,station_id,train_no,minutes,worker_ids\n"
    "no_show,07:50,,,,P05\n"
    "train_delay,07:50,yq_test,G7003,40,\n"
)


def _events() -> EventLog:
    """P05 (E1) a no-show and G7003 (E2's two) 40 minutes late, known at 07:50."""
    known = dt.datetime(2020, 2, 24, 7, 50)
    return EventLog((NoShow(known, ("P05",)), TrainDelay(known, "yq_test", 40, train_no="G7003")))


def _replanned(store: DayRepository, number: int | None = None) -> Replan:
    source = replan_source(store, DATE, number, personal=False)
    return replan_day(source.day, source.base, _events(), at=AT)


def _every_worker_once(plan: Plan) -> None:
    """Each registered worker is transported, excluded or unserved, exactly once."""
    counted = Counter(w for t in plan.trips for w in t.worker_ids)
    counted.update(e.worker_id for e in plan.excluded)
    counted.update(u.worker_id for u in plan.unserved)
    assert counted == Counter(plan.day.worker_ids)
    kpis = plan.kpis
    assert kpis.workers_registered == (
        kpis.workers_transported + kpis.workers_excluded + kpis.workers_unserved
    )


@pytest.fixture
def store(db: str) -> Iterator[DayRepository]:
    """The store of ``db`` holding the hand-made plan of plan_small as version 1."""
    opened_store = opened(db)
    opened_store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
    yield opened_store
    opened_store.close()


def test_a_replan_is_saved_as_the_child_of_its_base_with_its_events_and_diff(
    store: DayRepository, tmp_path: Path
) -> None:
    events_file = tmp_path / "events.csv"
    events_file.write_text(EVENTS_CSV, encoding="utf-8")
    replan = _replanned(store)
    assert replan.plan.meta.parent == "store version 1"
    kept = event_files(events_file)
    saved = save_replan(store, replan, parent=1, events=kept, options=(("--at", "08:00"),))
    assert (saved.version, saved.parent_version, saved.command) == (2, 1, "replan")
    stored = store.version(DATE, 2)
    record = stored.options.replan
    assert record is not None
    assert record.at == AT and record.base == "store version 1"
    assert [event_bytes(f) for f in record.events] == [EVENTS_CSV.encode("utf-8")]
    assert dict(record.applied) == {"no_show": 1, "train_delay": 1}
    assert record.diff == diff_json_text(replan)
    assert json.loads(record.diff)["summary"]["workers_no_show"] == 1
    assert record.summary(stored.info.parent_version).startswith("re-plan of version 1 at 08:00")
    assert store.version(DATE, 1).options.replan is None


def test_nothing_is_lost_in_either_version_read_back_from_the_store(
    store: DayRepository,
) -> None:
    replan = _replanned(store)
    save_replan(store, replan, parent=1)
    first, second = (store.load_plan(DATE, n, personal=False) for n in (1, 2))
    for plan in (first, second):
        _every_worker_once(plan)
    unserved = {u.worker_id: u.reason.value for u in second.unserved}
    assert unserved["P05"] == "no_show"
    assert set(first.day.worker_ids) == set(second.day.worker_ids)
    assert second.kpis == replan.plan.kpis


def test_a_replan_of_a_replan_starts_from_the_first_version_s_inputs(
    store: DayRepository,
) -> None:
    """v2's inputs carry G7003's delay; v3 (from v2, the same events, later) applies them
    to v1's inputs again, so the train is 40 minutes late, not 80, and nothing changes."""
    save_replan(store, _replanned(store), parent=1)
    source = replan_source(store, DATE, personal=False)
    assert (source.version.version, source.root, source.stale) == (2, 1, None)
    first = store.load_plan(DATE, 1, personal=False).day
    assert source.day.arrivals == first.arrivals
    later = replan_day(source.day, source.base, _events(), at=dt.datetime(2020, 2, 24, 8, 10))
    assert later.plan.trips == store.load_plan(DATE, 2, personal=False).trips
    assert not later.diff.trips and not later.diff.workers


def test_a_stale_base_is_named_and_refused_under_the_lock(store: DayRepository) -> None:
    """Two desks re-plan v1; the first saves v2; the second's save is refused (its base is
    stale), unless it asks to branch."""
    first, second = _replanned(store), _replanned(store)
    assert store.stale_base(DATE, 1) is None
    save_replan(store, first, parent=1)
    stale = store.stale_base(DATE, 1)
    assert stale is not None and (stale.base.version, stale.latest.version) == (1, 2)
    assert "version 2 (replan) was saved by tester" in stale.message
    assert store.latest_version(DATE).version == 2
    refused = r"version '1' is not the latest version: version 2 \(replan\)"
    with pytest.raises(StaleBaseError, match=refused):
        save_replan(store, second, parent=1)
    branch = save_replan(store, second, parent=1, latest_parent=False)
    assert (branch.version, branch.parent_version) == (3, 1)
    source = replan_source(store, DATE, 1, personal=False)
    assert source.stale is not None and source.stale.latest.version == 3
    with pytest.raises(NotFoundError, match="has no such version"):
        store.stale_base(DATE, 9)
    with pytest.raises(NotFoundError, match="holds no plan of this day"):
        store.latest_version(DATE + dt.timedelta(days=1))


def test_a_plan_folder_is_found_by_its_plan_json(store: DayRepository, tmp_path: Path) -> None:
    text = document_json(store.version(DATE, 1).document)
    (tmp_path / "plan.json").write_text(text, encoding="utf-8")
    found = plan_folder_version(store, DATE, tmp_path)
    assert isinstance(found, VersionInfo) and found.version == 1
    (tmp_path / "plan.json").write_text(text.replace("苏E·30001", "苏E·30009"), encoding="utf-8")
    assert plan_folder_version(store, DATE, tmp_path) is None
    assert plan_folder_version(store, DATE + dt.timedelta(days=1), tmp_path) is None


def test_root_version_follows_the_parents() -> None:
    info = hand_info()
    versions = [
        dataclasses.replace(info, version=n, parent_version=p)
        for n, p in ((1, None), (2, 1), (3, 2), (4, None), (5, 3))
    ]
    assert [root_version(versions, n) for n in (1, 2, 3, 4, 5)] == [1, 1, 1, 4, 1]


def hand_info() -> VersionInfo:
    """A version's figures (only the numbers matter to ``root_version``)."""
    return VersionInfo(DATE, 1, None, AT, "tester", "plan", "c" * 64, 11, 7, 3, 1, 2, 2, 888.0, 0.0)


def test_events_files_are_kept_as_given(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    (folder / "events.csv").write_text(EVENTS_CSV, encoding="utf-8")
    (folder / "walk_ins.csv").write_text("worker_id\nW1\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not an events file", encoding="utf-8")
    assert [f.name for f in event_files(folder)] == ["events.csv", "walk_ins.csv"]
    workbook = tmp_path / "events.xlsx"
    workbook.write_bytes(b"PK\x03\x04\xff\x00")
    (kept,) = event_files(workbook)
    assert kept.encoding == "base64" and event_bytes(kept) == b"PK\x03\x04\xff\x00"
    assert event_files(None) == ()
