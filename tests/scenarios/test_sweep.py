"""Tests of scenarios.sweep: the values of a range, one scenario per value, and the plot."""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.changes import PolicyOverride, ScaleFleet
from scenarios.compare import Comparison, ScenarioResult
from scenarios.sweep import (
    base_value,
    plot_sweep,
    start_from_day,
    sweep_scenarios,
    sweep_values,
)
from stations.errors import InputError
from tests.scenario_cases import bridge_day
from tests.scenarios.test_compare import kpis


def test_load_factor_range_gives_eight_values() -> None:
    assert sweep_values(0.3, 1.0, 0.1) == (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@pytest.mark.parametrize(
    ("start", "stop", "step", "match"),
    [
        (0.3, 1.0, 0.0, "`--step`|--step '0.0' must be a positive number"),
        (1.0, 0.3, 0.1, r"--to '0.3' is before --from \(1\)"),
        (0.0, 1000.0, 1.0, r"gives 1001 values \(at most 200\)"),
    ],
)
def test_bad_ranges(start: float, stop: float, step: float, match: str) -> None:
    with pytest.raises(InputError, match=match):
        sweep_values(start, stop, step)


@given(
    start=st.floats(-100, 100),
    width=st.floats(0, 99),
    step=st.floats(0.5, 50),
)
def test_values_stay_in_range_and_step_evenly(start: float, width: float, step: float) -> None:
    values = sweep_values(start, start + width, step)
    assert values[0] == round(start, 10)
    assert all(v <= start + width + 1e-6 for v in values)
    assert all(abs((b - a) - step) < 1e-6 for a, b in itertools.pairwise(values))


def test_one_scenario_per_value_after_the_start_changes() -> None:
    day = bridge_day()
    start = start_from_day(Path("bridge"), "bridge", day)
    swept = sweep_scenarios(start, "load_factor", [0.4, 0.6])
    assert [s.scenario.name for s in swept] == ["load_factor=0.4", "load_factor=0.6"]
    assert [s.day.policy.load_factor for s in swept] == [0.4, 0.6]
    assert swept[0].scenario.changes == (PolicyOverride((("load_factor", 0.4),)),)
    assert day.policy.load_factor == 0.5  # the base is untouched


def test_scaling_parameters_and_their_base_value() -> None:
    day = bridge_day()
    (swept,) = sweep_scenarios(start_from_day(Path("b"), "b", day), "scale_fleet", [2.0])
    assert swept.scenario.changes == (ScaleFleet(2.0),) and len(swept.day.fleet) == 6
    assert base_value("scale_fleet", day.policy) == 1.0
    assert base_value("load_factor", day.policy) == 0.5


def test_every_bad_value_is_reported() -> None:
    start = start_from_day(Path("b"), "b", bridge_day())
    with pytest.raises(InputError) as caught:
        sweep_scenarios(start, "load_factor", [0.5, 1.1, 1.2])
    assert [p.table for p in caught.value.problems] == ["load_factor=1.1", "load_factor=1.2"]
    with pytest.raises(InputError, match=r"--param 'mixing' cannot be swept"):
        sweep_scenarios(start, "mixing", [1.0])
    with pytest.raises(InputError, match="takes whole numbers only"):
        sweep_scenarios(start, "escort_seats", [1.5])


def test_plot_is_a_png(tmp_path: Path) -> None:
    results = [
        dataclasses.replace(ScenarioResult("baseline", "baseline", "b", True, kpis()), value=0.5),
        *(
            dataclasses.replace(
                ScenarioResult(f"lf={v}", f"lf-{v}", "b", False, kpis(buses_used=n)), value=v
            )
            for v, n in ((0.4, 6), (0.6, 4))
        ),
    ]
    path = plot_sweep(Comparison(tuple(results), param="load_factor"), tmp_path / "sweep.png")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 5000


@pytest.mark.parametrize(
    ("start", "stop", "option"),
    [
        (math.nan, 1.0, "--from"),
        (0.3, math.nan, "--to"),
        (-math.inf, 1.0, "--from"),
        (0.3, math.inf, "--to"),
    ],
)
def test_bounds_that_are_not_numbers_are_named(start: float, stop: float, option: str) -> None:
    """`--from nan` is refused as what it is, not as "--to is before --from (nan)"."""
    with pytest.raises(InputError) as caught:
        sweep_values(start, stop, 0.1)
    assert [(p.table, p.message) for p in caught.value.problems] == [
        (option, "is not a finite number")
    ]
