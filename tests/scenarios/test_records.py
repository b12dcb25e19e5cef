"""Tests of scenarios.records: run.json and scenario.json, and a comparison read back from the
plan folders equal to the one of the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from scenarios.changes import CloseStation, ScaleArrivals
from scenarios.compare import METRICS, Comparison
from scenarios.records import (
    comparison_from_folders,
    read_run_json,
    read_scenario_json,
)
from scenarios.runner import RunSettings, run_scenarios
from scenarios.spec import Scenario, check_scenario
from stations.errors import InputError
from tests.scenario_cases import bridge_day, bridge_network


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Comparison, Path]:
    """A sequential run on the river-town day: twice the arrivals, and one that fails."""
    out = tmp_path_factory.mktemp("run")
    scenarios = [
        check_scenario(Scenario(name, Path("bridge"), "bridge", (change,)), bridge_day())
        for name, change in (
            ("double", ScaleArrivals(2.0)),
            ("off the map", CloseStation("west", "far")),
        )
    ]
    settings = RunSettings(out, lang="en", network=bridge_network())
    return run_scenarios(scenarios, settings, sequential=True), out


def test_records_are_written(run: tuple[Comparison, Path]) -> None:
    _, out = run
    record = read_run_json(out)
    assert record is not None and record.folders == ("baseline", "double", "off-the-map")
    double = read_scenario_json(out / "double")
    assert double is not None and (double.name, double.baseline, double.error) == (
        "double",
        False,
        None,
    )
    failed = read_scenario_json(out / "off-the-map")
    assert failed is not None and failed.failure == "input"


def test_comparison_read_back_equals_the_run(run: tuple[Comparison, Path]) -> None:
    comparison, out = run
    again, parent = comparison_from_folders([out])
    assert parent == out.resolve()
    pd.testing.assert_frame_equal(again.frame(), comparison.frame())


def test_plain_plan_folders_first_is_baseline(run: tuple[Comparison, Path], tmp_path: Path) -> None:
    """Plan folders without scenario.json: named by folder, the first is the baseline."""
    _, out = run
    for name in ("baseline", "double"):
        shutil.copytree(
            out / name, tmp_path / f"plain-{name}", ignore=shutil.ignore_patterns("scenario.json")
        )
    comparison, _ = comparison_from_folders(
        [tmp_path / "plain-baseline", tmp_path / "plain-double"]
    )
    assert [(r.name, r.baseline) for r in comparison.results] == [
        ("plain-baseline", True),
        ("plain-double", False),
    ]
    assert comparison.delta(comparison.results[1], METRICS[0]) is not None


def test_unreadable_folders_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "plan.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        comparison_from_folders([tmp_path / "empty", broken])
    text = str(caught.value)
    assert "is neither a scenario run folder" in text and "is not valid JSON" in text


def test_plan_folders_must_share_a_parent(run: tuple[Comparison, Path], tmp_path: Path) -> None:
    _, out = run
    shutil.copytree(out / "double", tmp_path / "double")
    with pytest.raises(InputError, match="hold the plan folders"):
        comparison_from_folders([out / "baseline", tmp_path / "double"])
