"""Tests of store.records: a day and a plan come back equal from what the store keeps, the
tables hold no personal data, and the same inputs give the same checksum."""

from __future__ import annotations

import dataclasses
import json

from dispatch.plan import Plan
from store.records import ESCORT, WORKER, day_tables, plan_record, rebuild_day, rebuild_plan
from tests.plan_cases import ESCORT_PHONE, ID_NUMBERS, PHONES
from tests.store_cases import hand_plan_on


def test_a_day_comes_back_equal_with_its_personal_data_apart(supply_plan: Plan) -> None:
    day = supply_plan.day
    tables = day_tables(day)
    text = " ".join(tables.tables.values())
    assert not any(n in text for n in (*ID_NUMBERS, *PHONES, ESCORT_PHONE))
    subjects = {(p.subject, p.subject_id) for p in tables.personal}
    assert (WORKER, day.arrivals[0].worker_id) in subjects
    assert any(subject == ESCORT for subject, _ in subjects)
    assert tables.counts["arrivals"] == len(day.arrivals) == tables.workers
    back = rebuild_day(day.date, tables.policy, tables.tables, tables.personal, source=day.source)
    assert back == day
    bare = rebuild_day(day.date, tables.policy, tables.tables)
    assert all(a.name is None for a in bare.arrivals)
    assert day_tables(back).checksum == tables.checksum
    assert day_tables(bare).checksum != tables.checksum  # personal data is part of the inputs


def test_a_plan_comes_back_exactly(supply_plan: Plan) -> None:
    record = plan_record(supply_plan)
    assert json.loads(record)["kpis"]["solve_seconds"] == supply_plan.kpis.solve_seconds
    assert rebuild_plan(record, supply_plan.day) == supply_plan


def test_a_changed_plan_has_another_record() -> None:
    plan = hand_plan_on()
    other = dataclasses.replace(plan, meta=dataclasses.replace(plan.meta, seed=2))
    assert plan_record(other) != plan_record(plan)
