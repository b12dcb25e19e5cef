"""Tests of store.sql.sqlstore on SQLite and PostgreSQL (the ``db`` fixture runs each test on
both): versions, the plan folder written again from the store, personal data kept apart and
purged, statistics that add up to the plans' KPIs, the subsidy over a period, backup and
restore, scenarios, the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import json
from pathlib import Path

import pytest

from dispatch.outputs.plan_folder import write_plan
from dispatch.plan import Plan
from store.errors import NotFoundError, StoreError
from store.repository import RunOptions, ScenarioEntry
from tests.plan_cases import ESCORT_PHONE, ID_NUMBERS, PHONES
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance

NEXT = DATE + dt.timedelta(days=1)


def _save(db: str, plan: Plan, **kwargs: object) -> int:
    store = opened(db)
    try:
        return store.save_plan(
            plan, provenance=small_provenance(), options=OPTIONS, **kwargs
        ).version  # type: ignore[arg-type]
    finally:
        store.close()


def test_a_new_plan_of_the_same_day_is_a_new_version(db: str) -> None:
    plan = hand_plan_on()
    assert [_save(db, plan) for _ in range(3)] == [1, 2, 3]
    assert _save(db, plan, parent=2) == 4
    store = opened(db)
    versions = store.versions(DATE)
    assert [v.version for v in versions] == [1, 2, 3, 4]
    assert [v.parent_version for v in versions] == [None, None, None, 2]
    assert len({v.import_checksum for v in versions}) == 1  # the inputs are kept once
    (day,) = store.days()
    assert (day.versions, day.imports, day.latest.version) == (4, 1, 4)
    first = store.version(DATE, 1)
    assert first.kpis == plan.kpis
    assert first.meta == plan.meta
    assert first.policy == plan.day.policy
    assert first.options == OPTIONS
    assert first.document.summary.workers_transported == 7
    assert first.inputs.provenance == small_provenance()
    assert dict(first.inputs.tables)["arrivals"] == 11
    with pytest.raises(StoreError, match="has no such version to derive from"):
        store.save_plan(plan, provenance=small_provenance(), options=OPTIONS, parent=9)
    with pytest.raises(NotFoundError, match=r"has no such version \(versions: 1, 2, 3, 4\)"):
        store.version(DATE, 7)
    with pytest.raises(NotFoundError, match="holds no plan of this day"):
        store.version(NEXT)
    store.close()


def test_a_stored_version_writes_the_plan_folder_it_was_saved_from(
    db: str, supply_plan: Plan, tmp_path: Path
) -> None:
    store = opened(db)
    store.save_plan(supply_plan, provenance=small_provenance(), options=OPTIONS)
    loaded = store.load_plan(supply_plan.day.date, personal=True)
    store.close()
    assert loaded.day == supply_plan.day.replace(source=loaded.day.source)
    assert dataclasses.replace(loaded, day=supply_plan.day) == supply_plan
    first = write_plan(supply_plan, tmp_path / "first")
    again = write_plan(loaded, tmp_path / "again")
    assert first.plan_json.read_bytes() == again.plan_json.read_bytes()
    for path in first.csvs:
        assert filecmp.cmp(path, again.folder / "csv" / path.name, shallow=False), path.name


def test_personal_data_is_kept_apart_read_masked_and_audited(db: str, tmp_path: Path) -> None:
    plan = hand_plan_on()
    _save(db, plan)
    store = opened(db, user="officer")
    assert store.version(DATE).inputs.personal_rows == 11 + 1  # 11 workers, 1 escort
    archive = store.export_day(DATE, personal=False)
    tables = " ".join(archive.imports[0].tables.values())
    for number in (*ID_NUMBERS, *PHONES, ESCORT_PHONE, "测试一"):
        assert number not in tables  # the input tables hold no personal data
    bare = store.load_plan(DATE, personal=False)
    assert all(a.name is a.id_number is a.phone is None for a in bare.day.arrivals)
    assert all(e.escort_contact is None for e in bare.day.enterprises.values())
    full = store.load_plan(DATE, personal=True)
    assert full.day.arrivals == plan.day.arrivals
    folder = write_plan(full, tmp_path / "plan")
    written = " ".join(p.read_text(encoding="utf-8-sig") for p in folder.csvs)
    written += folder.plan_json.read_text(encoding="utf-8")
    for number in (*ID_NUMBERS, *PHONES, ESCORT_PHONE):
        assert number not in written  # masked in every file written from the store
    actions = [(e.action, e.user) for e in store.audit(date=DATE)]
    assert actions[:2] == [("read_personal_data", "officer"), ("export_day", "officer")]
    store.close()


def test_the_statistics_add_up_to_the_plans_kpis(db: str, supply_plan: Plan) -> None:
    plans = [hand_plan_on(DATE + dt.timedelta(days=n)) for n in range(3)]
    for plan in plans:
        _save(db, plan)
    store = opened(db)
    store.save_plan(supply_plan, provenance=small_provenance(), options=OPTIONS)
    stats = store.stats(DATE, DATE + dt.timedelta(days=2))
    store.close()
    # the 24th holds two versions: the latest (supply_small) counts
    kpis = {DATE: supply_plan.kpis} | {p.day.date: p.kpis for p in plans[1:]}
    assert [d.date for d in stats.days] == sorted(kpis)
    for day in stats.days:
        k = kpis[day.date]
        assert (day.registered, day.transported, day.excluded, day.unserved) == (
            k.workers_registered,
            k.workers_transported,
            k.workers_excluded,
            k.workers_unserved,
        )
        assert (day.buses_used, day.trips) == (k.buses_used, k.trips)
        assert day.cost_cny == pytest.approx(k.cost_cny)
        assert day.subsidy_cny == pytest.approx(k.subsidy_cny)
        employers = [e for e in stats.employers if e.date == day.date]
        assert sum(e.transported for e in employers) == k.workers_transported
        assert sum(e.registered for e in employers) == k.workers_registered
        assert sum(e.excluded for e in employers) == k.workers_excluded
        assert sum(e.unserved for e in employers) == k.workers_unserved
        assert (
            sum(g.workers for g in stats.districts if g.date == day.date) == k.workers_transported
        )
        assert sum(g.workers for g in stats.stations if g.date == day.date) == k.workers_transported
        reasons = [r for r in stats.reasons if r.date == day.date]
        assert sum(r.number for r in reasons if r.outcome == "excluded") == k.workers_excluded
        assert sum(r.number for r in reasons if r.outcome == "unserved") == k.workers_unserved
        assert sum(e.subsidy_cny for e in employers) == pytest.approx(k.subsidy_cny)
    assert stats.transported == sum(k.workers_transported for k in kpis.values())


def test_the_subsidy_accrues_over_the_period_against_the_threshold(db: str) -> None:
    # Each day E1 has 5 workers carried for 560 CNY and E2 2 for 328 CNY; nobody reaches the
    # policy's 20 workers in a day, so every day's own subsidy is 0.
    for n in range(4):
        _save(db, hand_plan_on(DATE + dt.timedelta(days=n)))
    store = opened(db)
    four = {a.enterprise_id: a for a in store.stats(DATE, DATE + dt.timedelta(days=3)).subsidy}
    three = {a.enterprise_id: a for a in store.stats(DATE, DATE + dt.timedelta(days=2)).subsidy}
    given = store.stats(DATE, DATE + dt.timedelta(days=2), rate=0.4, min_workers=6)
    store.close()
    e1, e2 = four["E1"], four["E2"]
    assert (e1.days, e1.workers, e1.cost_cny, e1.daily_subsidy_cny) == (4, 20, 2240.0, 0.0)
    assert e1.reached and e1.accrued_cny == pytest.approx(0.5 * 2240.0) and e1.workers_short == 0
    assert (e2.workers, e2.reached, e2.accrued_cny, e2.workers_short) == (8, False, 0.0, 12)
    assert (three["E1"].workers, three["E1"].accrued_cny, three["E1"].workers_short) == (15, 0.0, 5)
    assert "E3" in four and four["E3"].workers == 0  # registered, every worker excluded
    by_id = {a.enterprise_id: a for a in given.subsidy}
    assert given.rule.source == "given"
    assert by_id["E1"].accrued_cny == pytest.approx(0.4 * 1680.0)  # 15 >= 6
    assert by_id["E2"].accrued_cny == pytest.approx(0.4 * 984.0)  # 6 >= 6


def test_stats_of_a_period_without_days_and_backwards(db: str) -> None:
    _save(db, hand_plan_on())
    store = opened(db)
    with pytest.raises(StoreError, match="holds no plan of a day in this period"):
        store.stats(NEXT, NEXT + dt.timedelta(days=5))
    with pytest.raises(StoreError, match="is before --from"):
        store.stats(NEXT, DATE)
    store.close()


def test_purge_removes_the_personal_data_of_the_days_before(db: str) -> None:
    for date in (DATE, NEXT):
        _save(db, hand_plan_on(date))
    store = opened(db, user="dpo")
    report = store.purge(NEXT)
    assert (report.personal_rows, report.imports, report.days_removed) == (12, 1, ())
    assert store.version(DATE).inputs.personal_rows == 0
    assert store.version(DATE).inputs.personal_purged_at is not None
    assert store.version(NEXT).inputs.personal_rows == 12
    purged = store.load_plan(DATE, personal=True)
    assert all(a.name is None and a.id_number is None for a in purged.day.arrivals)
    assert purged.kpis == hand_plan_on().kpis  # the plan itself stays
    assert store.purge(NEXT).personal_rows == 0  # nothing left to purge
    assert store.stats(DATE, NEXT).transported == 14
    gone = store.purge(NEXT, everything=True)
    assert gone.days_removed == (DATE,)
    assert [d.date for d in store.days()] == [NEXT]
    with pytest.raises(NotFoundError, match="holds no plan of this day"):
        store.version(DATE)
    entries = [e for e in store.audit() if e.action == "purge"]
    assert [e.user for e in entries] == ["dpo"] * 3
    assert json.loads(entries[0].detail)["days_removed"] == [DATE.isoformat()]
    store.close()


def test_a_day_exported_and_imported_is_the_same_day(db: str, tmp_path: Path) -> None:
    from store.archive import read_archive, write_archive
    from tests.store_cases import store_database

    plan = hand_plan_on()
    _save(db, plan)
    _save(db, plan, parent=1)
    store = opened(db)
    archive = store.export_day(DATE, personal=True)
    bare = store.export_day(DATE, personal=False)
    before = store.stats(DATE, DATE)
    store.close()
    file = write_archive(archive, tmp_path / "day.json.gz")
    (tmp_path / "restored").mkdir()
    with store_database("sqlite", tmp_path / "restored") as other:
        restored = opened(other, user="restorer")
        report = restored.import_day(read_archive(file))
        assert (report.added, report.present, report.personal_rows) == ((1, 2), (), 12)
        assert [(v.version, v.parent_version, v.created_by) for v in restored.versions(DATE)] == [
            (1, None, "tester"),
            (2, 1, "tester"),
        ]
        assert restored.load_plan(DATE, 2, personal=True) == plan
        assert restored.stats(DATE, DATE) == before
        again = restored.import_day(archive)
        assert (again.added, again.present) == ((), (1, 2))
        restored.close()
    (tmp_path / "bare").mkdir()
    with store_database("sqlite", tmp_path / "bare") as other:
        restored = opened(other)
        assert restored.import_day(bare).personal_rows == 0
        assert restored.version(DATE).inputs.personal_rows == 0
        restored.close()


def test_an_import_that_clashes_with_a_held_version_is_refused(db: str) -> None:
    _save(db, hand_plan_on())
    store = opened(db)
    archive = store.export_day(DATE, personal=False)
    store.purge(NEXT, everything=True)
    store.save_plan(_other_plan(), provenance=small_provenance(), options=OPTIONS)
    with pytest.raises(StoreError, match="held in this store with another plan"):
        store.import_day(archive)
    store.close()


def _other_plan() -> Plan:
    import dataclasses

    plan = hand_plan_on()
    return dataclasses.replace(plan, meta=dataclasses.replace(plan.meta, seed=99))


def test_scenario_results_are_kept_by_day(db: str) -> None:
    plan = hand_plan_on()
    entries = [
        ScenarioEntry(
            "baseline", "plan_small", True, "", DATE, None, None, None, None, plan.kpis, "{}"
        ),
        ScenarioEntry(
            "exit closed",
            "plan_small",
            False,
            "G2 closed",
            DATE,
            "name: exit closed\n",
            None,
            None,
            None,
            plan.kpis,
            '{"format": "charter-plan/1"}',
        ),
        ScenarioEntry(
            "broken",
            "nowhere",
            False,
            "",
            None,
            "name: broken\n",
            None,
            "input",
            "no day",
            None,
            None,
        ),
    ]
    store = opened(db)
    run = store.save_scenarios(entries, options=RunOptions("scenario run", (("--seed", "1"),)))
    found = store.scenarios(DATE)
    store.close()
    assert [s.run_id for s in found] == [run, run]
    assert [s.entry for s in found] == entries[:2]
