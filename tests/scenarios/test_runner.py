"""Tests of scenarios.runner on the river-town day: what the changes do to the plans, the
baseline once per base, failures reported without sinking the others, and a Dask run
(LocalCluster, 2 workers) equal to a sequential one."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from dispatch.outputs.plan_folder import PlanFiles
from dispatch.outputs.plan_json import read_plan_json
from dispatch.plan import Plan
from scenarios.changes import CloseStation, DelayArrivals, ExitSetting, ScaleArrivals, SetExits
from scenarios.compare import Comparison, Failure
from scenarios.runner import (
    RunSettings,
    _dask_logs_follow_ours,
    check_scheduler,
    folder_name,
    jobs_of,
    run_jobs,
    run_scenarios,
)
from scenarios.spec import CheckedScenario, Scenario, check_scenario
from stations.errors import InputError
from stations.model import ExitStatus
from tests.scenario_cases import bridge_day, bridge_network

BASE = Path("bridge")


def _scenario(name: str, *changes: object) -> CheckedScenario:
    return check_scenario(Scenario(name, BASE, "bridge", tuple(changes)), bridge_day())  # type: ignore[arg-type]


def bridge_scenarios() -> list[CheckedScenario]:
    """Bridge closed; 14:00–16:00 arrivals 90 min late; twice the arrivals; and a reroute to
    the station off the network (fails)."""
    return [
        _scenario("bridge closed", SetExits((ExitSetting("bridge_cp", ExitStatus.CLOSED),))),
        _scenario("late trains", DelayArrivals("west", 90, start=14 * 60, end=16 * 60)),
        _scenario("double", ScaleArrivals(2.0)),
        _scenario("station off the map", CloseStation("west", "far")),
    ]


def _settings(out: Path) -> RunSettings:
    return RunSettings(out, lang="en", network=bridge_network())


@pytest.fixture(scope="module")
def sequential_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Comparison, Path]:
    """The four bridge scenarios planned one after another in this process."""
    out = tmp_path_factory.mktemp("sequential")
    return run_scenarios(bridge_scenarios(), _settings(out), sequential=True), out


def test_closing_the_only_exit_leaves_that_employer_unserved(
    sequential_run: tuple[Comparison, Path],
) -> None:
    """The bridge is the only road to east_works: E01, E02 unserved, blamed on bridge_cp."""
    comparison, out = sequential_run
    closed = next(r for r in comparison.results if r.name == "bridge closed")
    assert closed.kpis is not None and closed.kpis.workers_unserved == 2
    document = read_plan_json(out / closed.folder)
    unserved = {u.worker: u for u in document.unserved}
    assert set(unserved) == {"E01", "E02"}
    assert {u.reason for u in unserved.values()} == {"route_blocked_by_exit"}
    assert all(u.exits == ("bridge_cp",) for u in unserved.values())
    assert {w for t in document.trips for w in t.workers} == {"W01", "W02", "W03", "W04"}


def test_a_90_minute_delay_moves_those_pickups_later(
    sequential_run: tuple[Comparison, Path],
) -> None:
    comparison, out = sequential_run

    def boarding(folder: str, worker: str) -> float:
        trips = read_plan_json(out / folder).trips
        trip = next(t for t in trips if worker in t.workers)
        return trip.board_start.hour * 60 + trip.board_start.minute

    late = next(r for r in comparison.results if r.name == "late trains")
    for worker in ("W02", "W03"):
        assert boarding("baseline", worker) < 15 * 60 + 30 <= boarding(late.folder, worker)
    assert boarding(late.folder, "W01") == boarding("baseline", "W01")


def test_a_failing_scenario_is_reported_and_the_others_complete(
    sequential_run: tuple[Comparison, Path],
) -> None:
    comparison, out = sequential_run
    statuses = {r.name: (r.ok, r.failure) for r in comparison.results}
    assert statuses == {
        "baseline": (True, None),
        "bridge closed": (True, None),
        "late trains": (True, None),
        "double": (True, None),
        "station off the map": (False, Failure.INPUT),
    }
    failed = comparison.results[-1]
    assert failed.error is not None and "28.50 km from the nearest road" in failed.error
    assert (out / failed.folder / "scenario.json").is_file()
    assert not (out / failed.folder / "plan.json").exists()


def test_parallel_run_gives_the_same_comparison(
    sequential_run: tuple[Comparison, Path], tmp_path: Path
) -> None:
    """LocalCluster with 2 single-threaded worker processes, same seeds: same table."""
    sequential, _ = sequential_run
    parallel = run_scenarios(bridge_scenarios(), _settings(tmp_path), workers=2)
    pd.testing.assert_frame_equal(parallel.frame(), sequential.frame())
    assert [r.folder for r in parallel.results] == [r.folder for r in sequential.results]
    assert (tmp_path / "run.json").is_file()


def test_baseline_once_per_base_day() -> None:
    one = _scenario("one", ScaleArrivals(2.0))
    other_base = CheckedScenario(
        Scenario("two", Path("other"), "other"), bridge_day(), bridge_day()
    )
    jobs = jobs_of([one, _scenario("three", ScaleArrivals(0.5)), other_base])
    assert [(j.name, j.folder, j.baseline) for j in jobs] == [
        ("baseline (bridge)", "baseline-bridge", True),
        ("baseline (other)", "baseline-other", True),
        ("one", "one", False),
        ("three", "three", False),
        ("two", "two", False),
    ]


def test_one_label_per_base_day() -> None:
    """The same day written two ways shares one baseline; two days written alike do not."""
    same = CheckedScenario(Scenario("a", BASE, "../bridge"), bridge_day(), bridge_day())
    other = CheckedScenario(Scenario("b", Path("/x/bridge"), "bridge"), bridge_day(), bridge_day())
    jobs = jobs_of([_scenario("one", ScaleArrivals(2.0)), same, other])
    assert [(j.name, j.base) for j in jobs] == [
        ("baseline (bridge)", "bridge"),
        ("baseline (/x/bridge)", "/x/bridge"),
        ("one", "bridge"),
        ("a", "bridge"),
        ("b", "/x/bridge"),
    ]


def test_folder_names_are_safe_and_unique() -> None:
    taken = {"baseline"}
    assert folder_name("Load factor 75 %", taken) == "load-factor-75"
    assert folder_name("Load factor 75 %", taken) == "load-factor-75-2"
    assert folder_name("苏州北站 晚点/90分钟", taken) == "苏州北站-晚点-90分钟"
    assert folder_name("../../etc", taken) == "etc"
    assert folder_name("baseline", taken) == "baseline-2"
    assert folder_name("<>", taken) == "scenario"


def test_after_plan_hook_and_map_flag(tmp_path: Path) -> None:
    seen: list[int] = []

    def hook(plan: Plan, files: PlanFiles) -> None:
        assert files.document.summary.buses_used == plan.kpis.buses_used  # made once, handed on
        assert plan.network is not None and plan.network.network is settings.network
        assert (files.folder / "plan.json").is_file()  # in the folder before it is swapped in
        seen.append(plan.kpis.workers_registered)
        (files.folder / "map.html").write_text("<html></html>", encoding="utf-8")

    settings = RunSettings(tmp_path, network=bridge_network(), after_plan=hook)
    comparison = run_scenarios([_scenario("double", ScaleArrivals(2.0))], settings, sequential=True)
    assert seen == [seen[0], 2 * seen[0]]  # baseline, then the doubled day
    assert all(r.has_map for r in comparison.results)
    assert all((tmp_path / r.folder / "map.html").is_file() for r in comparison.results)


def test_foreign_folders_in_out_are_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "notes.txt").write_text("mine", encoding="utf-8")
    jobs = jobs_of([_scenario("double", ScaleArrivals(2.0))])
    with pytest.raises(InputError, match=r"holds baseline, not part of a scenario run folder"):
        run_jobs(jobs, _settings(tmp_path), sequential=True)
    assert (tmp_path / "baseline" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_workers_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--workers '0' must be at least 1"):
        run_jobs([], _settings(tmp_path), workers=0)


@pytest.mark.parametrize(
    "address",
    [
        "not-a-url",
        "tcp://10.0.0.5",
        "http://10.0.0.5:8786",
        "tcp://:8786",
        "tcp://10.0.0.5:0",
        "tcp://10.0.0.5:99999",
        "tcp://10.0.0.5:port",
        "tcp://bad host:8786",
        "",
    ],
)
def test_a_scheduler_that_is_not_an_address_is_refused_before_planning(
    tmp_path: Path, address: str
) -> None:
    """Exit 2 with the fix, before any plan is made or any folder written."""
    with pytest.raises(InputError, match=r"--scheduler .* is not a scheduler address") as caught:
        run_jobs(jobs_of(bridge_scenarios()[:1]), _settings(tmp_path / "out"), scheduler=address)
    assert "tcp://HOST:PORT" in caught.value.problems[0].fix
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "address", ["tcp://10.0.0.5:8786", " tcp://scheduler.lan:8786 ", "tls://[::1]:8786"]
)
def test_scheduler_addresses(address: str) -> None:
    assert check_scheduler(address) == address.strip()


def test_dask_logs_info_only_when_we_do() -> None:
    """Without -v (root at WARNING) the scheduler's INFO lines are held back; with -v they
    pass; the level is restored afterwards."""
    root, dask = logging.getLogger(), logging.getLogger("distributed")
    before = (root.level, dask.level)
    try:
        for ours, theirs in ((logging.WARNING, logging.WARNING), (logging.INFO, logging.INFO)):
            root.setLevel(ours)
            dask.setLevel(logging.INFO)
            with _dask_logs_follow_ours():
                assert dask.getEffectiveLevel() == theirs
            assert dask.level == logging.INFO
    finally:
        root.setLevel(before[0])
        dask.setLevel(before[1])
