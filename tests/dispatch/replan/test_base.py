"""Tests for dispatch.replan.base: the base plan from a Plan or a plan folder, checked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dispatch.day import Day
from dispatch.outputs.plan_folder import write_plan
from dispatch.plan import Plan
from dispatch.replan.base import BasePlan, check_base, folder_parent, read_base
from stations.errors import InputError


def test_a_plan_folder_reads_back_as_the_plan(
    trains: Day, trains_plan: Plan, tmp_path: Path
) -> None:
    """plan.json gives the same routes and trips as the plan in memory, and
    names the version by its plan.json's SHA-256."""
    write_plan(trains_plan, tmp_path)
    base = read_base(tmp_path, trains)
    memory = BasePlan.of_plan(trains_plan)

    def key(plan: BasePlan) -> list[tuple[object, ...]]:
        return [
            (t.trip_id, t.vehicle_id, t.worker_ids, t.board_start, t.arrive) for t in plan.trips
        ]

    assert key(base) == key(memory)  # km and minutes are rounded in plan.json
    assert [r.steps for r in base.routes] == [r.steps for r in memory.routes]
    assert [r.trip_ids for r in base.routes] == [r.trip_ids for r in memory.routes]
    assert base.parent == folder_parent(tmp_path)
    assert base.parent.startswith("plan.json sha256:") and len(base.parent) == 33


def test_a_base_of_another_date_is_refused(trains: Day, trains_plan: Plan) -> None:
    base = dataclasses.replace(BasePlan.of_plan(trains_plan), date=trains.date.replace(day=25))
    with pytest.raises(InputError, match="is not the planning day 2020-02-24"):
        check_base(base, trains)


def test_a_base_that_counts_a_worker_twice_or_misses_one_is_refused(
    trains: Day, trains_plan: Plan
) -> None:
    """w01 also excluded (twice), w33's trip gone (missing): both problems at once."""
    base = BasePlan.of_plan(trains_plan)
    trips = tuple(t for t in base.trips if "w33" not in t.worker_ids)
    broken = dataclasses.replace(base, trips=trips, excluded=("w01",))
    with pytest.raises(InputError, match="2 input problems") as caught:
        check_base(broken, trains)
    text = str(caught.value)
    assert "missing from the plan" in text and "counted more than once" in text


def test_a_base_with_a_vehicle_the_fleet_does_not_have_is_refused(
    trains: Day, trains_plan: Plan
) -> None:
    fewer = trains.replace(fleet=tuple(v for v in trains.fleet if v.vehicle_id != "b1"))
    with pytest.raises(InputError, match="not buses of the day's fleet"):
        check_base(BasePlan.of_plan(trains_plan), fewer)


def test_a_folder_without_plan_json_is_an_input_error(trains: Day, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_base(tmp_path, trains)
