"""Tests for bench.vrp: the harness end to end on tiny instances, and its re-scoring."""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import vrp
from bench.vrp import (
    COLUMNS,
    BenchInstance,
    ResultRow,
    append_result,
    expand_paths,
    instance_kind,
    load_instance,
    main,
    merge,
    read_results,
    render_markdown,
    run,
    score,
    summarise,
)
from routing.vrp.checker import route_from_sequence
from routing.vrp.problem import Solution, SolveParams, StopKind, TimeWindow
from tests.paths import DATA

BENCH_DATA = DATA / "bench"
LINE6 = BENCH_DATA / "line6.txt"  # Li & Lim format, BKS 2 vehicles / 240 (see README.md)
LINE4 = BENCH_DATA / "line4.txt"  # Solomon format, BKS 2 vehicles / 80
DARP2 = BENCH_DATA / "darp2.txt"  # Cordeau DARP format, K = 2, optimum 80 on one vehicle
PARAMS = SolveParams(time_limit_s=1.0)
RIGHT = ("1", "3", "5")  # line6 jobs (ids = pickup nodes) going right of the depot
LEFT = ("7", "9", "11")  # and going left


@pytest.fixture
def line6() -> BenchInstance:
    """Six pickup-and-delivery tasks on a line: three go right, three go left of the depot."""
    return load_instance(LINE6)


def pairs(job_ids: tuple[str, ...]) -> list[tuple[StopKind, str]]:
    """Pickup then delivery of each job in turn."""
    return [(kind, j) for j in job_ids for kind in (StopKind.PICKUP, StopKind.DELIVERY)]


def hand_solution(bench: BenchInstance, *routes: list[tuple[StopKind, str]]) -> Solution:
    """A solution driving the given stop sequences on vehicles v0, v1, … (timed earliest)."""
    problem = bench.instance.problem
    timed = tuple(
        route_from_sequence(problem, problem.vehicles[k].vehicle_id, seq)
        for k, seq in enumerate(routes)
    )
    served = {job_id for seq in routes for _, job_id in seq}
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in served)
    return Solution(timed, unassigned, objective=0, wall_time_s=0.0, status="hand")


def test_harness_end_to_end_writes_results(tmp_path: Path) -> None:
    """ours and plain OR-Tools, 1 s each, on both formats: four feasible rows at 2 vehicles."""
    out = tmp_path / "out"
    argv = [str(LINE6), str(BENCH_DATA / "line4*.txt"), "--time-limit", "1"]
    assert main([*argv, "--solvers", "ours,ortools", "--out", str(out)]) == 0
    with (out / "results.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert [(r["instance"], r["solver"]) for r in rows] == [
        ("line6", "ours"),
        ("line6", "ortools"),
        ("line4", "ours"),
        ("line4", "ortools"),
    ]
    for row in rows:
        assert row["feasible"] == "True", row
        assert (row["vehicles"], row["bks_vehicles"], row["comparison"]) == ("2", "2", "equal")
        # the BKS distance is a proven lower bound at any vehicle count (README.md)
        assert float(row["distance"]) >= float(row["bks_distance"]) - 1e-6
        assert float(row["gap_pct"]) >= -1e-6
    report = (out / "results.md").read_text()
    assert "| bench | ours | 2 | 2 | 2/2 (100%) | 0 |" in report
    assert "| bench | line6 | 2 veh, 240.00 |" in report


def test_resume_skips_measured_rows_and_fresh_run_refuses_old_results(tmp_path: Path) -> None:
    """A second run with --resume measures nothing new; without it the old file is kept."""
    first = list(run([LINE4], ["ortools"], tmp_path, time_limit_s=1.0))
    assert len(first) == 1
    before = (tmp_path / "results.csv").read_text()
    assert list(run([LINE4], ["ortools"], tmp_path, time_limit_s=1.0, resume=True)) == []
    assert (tmp_path / "results.csv").read_text() == before
    with pytest.raises(FileExistsError, match="pass --resume"):
        list(run([LINE4], ["ortools"], tmp_path, time_limit_s=1.0))
    assert main([str(LINE4), "--solvers", "ortools", "--out", str(tmp_path)]) == 2


def test_unknown_solver_is_refused(tmp_path: Path) -> None:
    """A misspelt solver name fails before anything runs."""
    with pytest.raises(ValueError, match=r"unknown solver\(s\) \['gurobi'\]"):
        list(run([LINE4], ["gurobi"], tmp_path))


def test_failing_solver_becomes_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solver that raises is recorded (comparison ``error``) and the run goes on."""

    def broken(instance: object, params: SolveParams) -> Solution:
        raise RuntimeError("segfault averted")

    monkeypatch.setitem(vrp.SOLVE, "ours", broken)
    rows = list(run([LINE4], ["ours", "ortools"], tmp_path, time_limit_s=1.0))
    assert [(r.solver, r.comparison) for r in rows] == [("ours", "error"), ("ortools", "equal")]
    assert "RuntimeError: segfault averted" in rows[0].status
    assert "ours: error — RuntimeError: segfault averted" in (tmp_path / "results.md").read_text()


def test_score_of_the_hand_optimum(line6: BenchInstance) -> None:
    """One vehicle per side: feasible, 2 vehicles, distance exactly 240, gap 0."""
    row = score(line6, "hand", hand_solution(line6, pairs(RIGHT), pairs(LEFT)), time_s=0.0,
                params=PARAMS)  # fmt: skip
    assert (row.feasible, row.violations, row.vehicles, row.comparison) == (True, 0, 2, "equal")
    assert row.distance == pytest.approx(240.0)
    assert row.gap_pct == pytest.approx(0.0)


def test_score_marks_more_vehicles_without_gap(line6: BenchInstance) -> None:
    """Three routes: feasible but not comparable by distance with the 2-vehicle BKS."""
    solution = hand_solution(line6, pairs(RIGHT[:1]), pairs(RIGHT[1:]), pairs(LEFT))
    row = score(line6, "hand", solution, time_s=0.0, params=PARAMS)
    assert (row.feasible, row.vehicles, row.comparison, row.gap_pct) == (
        True,
        3,
        "more_vehicles",
        None,
    )
    summary = summarise([row])[0]
    assert (summary.at_bks_vehicles, summary.excess_vehicles, summary.mean_gap_pct) == (0, 1, None)
    assert "[+1 veh]" in render_markdown([row])


def _one_vehicle(bench: BenchInstance) -> Solution:
    """Everything on one vehicle: the far side is reached after its windows close."""
    return hand_solution(bench, pairs(RIGHT) + pairs(LEFT))


def _delivery_first(bench: BenchInstance) -> Solution:
    """Job 1 delivered before it is picked up."""
    sequence = pairs(RIGHT)
    sequence[0], sequence[1] = sequence[1], sequence[0]
    return hand_solution(bench, sequence, pairs(LEFT))


def _late_stop(bench: BenchInstance) -> Solution:
    """The optimum with one delivery's times pushed past its window (150)."""
    solution = hand_solution(bench, pairs(RIGHT), pairs(LEFT))
    route = solution.routes[0]
    stops = list(route.stops)
    stops[2] = dataclasses.replace(stops[2], begin_s=151_000, departure_s=151_000)
    later = [dataclasses.replace(s, arrival_s=s.arrival_s + 131_000) for s in stops[3:]]
    stops[3:] = [
        dataclasses.replace(s, begin_s=s.arrival_s, departure_s=s.arrival_s) for s in later
    ]
    duration = stops[-1].arrival_s - stops[0].departure_s
    tampered = dataclasses.replace(route, stops=tuple(stops), duration_s=duration)
    return dataclasses.replace(solution, routes=(tampered, solution.routes[1]))


def _overloaded(bench: BenchInstance) -> Solution:
    """The optimum re-scored against a problem whose vehicles carry 3 instead of 10."""
    return hand_solution(bench, pairs(RIGHT), pairs(LEFT))


def _job_dropped(bench: BenchInstance) -> Solution:
    """Job 11 silently missing (neither served nor listed unassigned)."""
    solution = hand_solution(bench, pairs(RIGHT), pairs(LEFT[:2]))
    return dataclasses.replace(solution, unassigned=())


def _job_unassigned(bench: BenchInstance) -> Solution:
    """Job 11 honestly listed unassigned: no broken rule, but not a complete solution."""
    return hand_solution(bench, pairs(RIGHT), pairs(LEFT[:2]))


@pytest.mark.parametrize(
    ("tamper", "kind"),
    [
        (_one_vehicle, "time_window"),
        (_delivery_first, "precedence"),
        (_late_stop, "time_window"),
        (_overloaded, "capacity"),
        (_job_dropped, "missing_job"),
        (_job_unassigned, "unserved"),
    ],
)
def test_score_rejects_tampered_solutions(
    line6: BenchInstance, tamper: Callable[[BenchInstance], Solution], kind: str
) -> None:
    """Every tampered solution is infeasible, never at BKS vehicles, never given a gap."""
    bench = line6
    if tamper is _overloaded:
        problem = line6.instance.problem
        small = tuple(dataclasses.replace(v, capacity=(3,)) for v in problem.vehicles)
        instance = dataclasses.replace(
            line6.instance, problem=dataclasses.replace(problem, vehicles=small)
        )
        bench = dataclasses.replace(line6, instance=instance)
    row = score(bench, "tampered", tamper(bench), time_s=0.0, params=PARAMS)
    assert (row.feasible, row.comparison, row.gap_pct) == (False, "infeasible", None)
    assert kind in row.first_violation
    assert summarise([row])[0].at_bks_vehicles == 0


def test_instance_kind_and_bks_lookup(tmp_path: Path) -> None:
    """Formats are told apart by content; the BKS comes from the bks.csv beside the file."""
    assert [instance_kind(p) for p in (LINE6, LINE4, DARP2)] == ["pdptw", "vrptw", "darp"]
    loaded = load_instance(LINE4)
    assert loaded.bks is not None
    assert (loaded.collection, loaded.name, loaded.bks.vehicles) == ("bench", "line4", 2)
    lonely = tmp_path / "lonely.txt"
    lonely.write_text(LINE6.read_text())
    assert load_instance(lonely).bks is None
    garbage = tmp_path / "notes.txt"
    garbage.write_text("shopping list\n")
    with pytest.raises(ValueError, match=r"neither Solomon .*, Li & Lim .* nor Cordeau DARP"):
        instance_kind(garbage)


def test_expand_paths_takes_folders_globs_and_files() -> None:
    """A folder means its *.txt files; repeats are dropped; an empty match is an error."""
    both = [LINE4.resolve(), LINE6.resolve()]
    assert expand_paths([BENCH_DATA]) == [DARP2.resolve(), *both]
    assert expand_paths([str(BENCH_DATA / "line*.txt"), LINE6]) == both
    with pytest.raises(FileNotFoundError, match="no instance file matches"):
        expand_paths([str(BENCH_DATA / "nothing*.txt")])


_rows = st.builds(
    ResultRow,
    collection=st.sampled_from(["li_lim_100", "solomon_100"]),
    instance=st.from_regex(r"[a-z]{1,3}[0-9]{3}", fullmatch=True),
    solver=st.sampled_from(["ours", "ortools", "pyvrp", "vroom"]),
    feasible=st.booleans(),
    violations=st.integers(0, 50),
    served=st.integers(0, 200),
    jobs=st.integers(0, 200),
    vehicles=st.integers(0, 30),
    bks_vehicles=st.none() | st.integers(1, 30),
    distance=st.floats(0, 1e5) | st.just(math.nan),
    bks_distance=st.none() | st.floats(1, 1e5),
    gap_pct=st.none() | st.floats(-10, 100),
    comparison=st.sampled_from(["equal", "more_vehicles", "infeasible", "error"]),
    time_s=st.floats(0, 100),
    time_limit_s=st.sampled_from([1.0, 30.0]),
    seed=st.integers(0, 9),
    status=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
    first_violation=st.text(max_size=30),
)


@settings(max_examples=40, deadline=None)
@given(row=_rows)
def test_results_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, row: ResultRow) -> None:
    """What append_result writes, read_results reads back (floats to 4 decimals)."""
    path = tmp_path_factory.mktemp("csv") / "results.csv"
    append_result(path, row)
    (back,) = read_results(path)
    for name in COLUMNS:
        wrote, read = getattr(row, name), getattr(back, name)
        if isinstance(wrote, float) and math.isnan(wrote):
            assert math.isnan(read)
        elif isinstance(wrote, float):
            assert read == pytest.approx(wrote, abs=1e-4)
        else:
            assert read == wrote, name


def test_pyvrp_and_vroom_on_both_formats(tmp_path: Path) -> None:
    """The peers solve the tiny instances (skipped when the bench extra is not installed)."""
    pytest.importorskip("pyvrp")
    pytest.importorskip("vroom")
    rows = list(run([LINE6, LINE4], ["pyvrp", "vroom"], tmp_path, time_limit_s=1.0))
    assert [(r.instance, r.solver, r.feasible, r.vehicles) for r in rows] == [
        ("line6", "pyvrp", True, 2),
        ("line6", "vroom", True, 2),
        ("line4", "pyvrp", True, 2),
        ("line4", "vroom", True, 2),
    ]


def test_time_window_fixture_is_what_the_readme_says(line6: BenchInstance) -> None:
    """line6: every pickup and delivery window is [0, 150] (scaled by 1000)."""
    windows = {w for j in line6.instance.problem.jobs for w in (j.pickup_window, j.delivery_window)}
    assert windows == {TimeWindow(0, 150_000)}


def test_merge_combines_side_by_side_runs_and_refuses_overlaps(tmp_path: Path) -> None:
    """Two runs of one solver each merge into one table ordered by instance then solver; the
    same row in both is an error."""
    ours, plain = tmp_path / "ours", tmp_path / "plain"
    list(run([LINE6, LINE4], ["ours"], ours, time_limit_s=1.0))
    list(run([LINE6, LINE4], ["ortools"], plain, time_limit_s=1.0))
    out = tmp_path / "merged"
    assert main(["--merge", str(plain), str(ours), "--out", str(out)]) == 0
    rows = read_results(out / "results.csv")
    assert [(r.instance, r.solver) for r in rows] == [
        ("line6", "ours"),
        ("line6", "ortools"),
        ("line4", "ours"),
        ("line4", "ortools"),
    ]
    assert "| bench | line6 | 2 veh, 240.00 |" in (out / "results.md").read_text()
    with pytest.raises(ValueError, match="bench/line6/ours is in both"):
        merge([ours, ours], tmp_path / "again")
    assert main(["--merge", str(tmp_path / "nothing"), "--out", str(out)]) == 2


def test_darp_harness_lists_peers_without_ride_limits_as_unsupported(tmp_path: Path) -> None:
    """ours and plain OR-Tools find the optimum on one of the two vehicles; PyVRP and VROOM
    rows read ``unsupported`` with the upstream request that would lift it."""
    rows = list(run([DARP2], list(vrp.SOLVERS), tmp_path, time_limit_s=1.0))
    solved = [(r.solver, r.feasible, r.vehicles, r.comparison) for r in rows[:2]]
    assert solved == [("ours", True, 1, "within_fleet"), ("ortools", True, 1, "within_fleet")]
    assert all(
        r.distance == pytest.approx(80.0) and r.gap_pct == pytest.approx(0.0) for r in rows[:2]
    )
    assert [(r.solver, r.comparison) for r in rows[2:]] == [
        ("pyvrp", "unsupported"),
        ("vroom", "unsupported"),
    ]
    assert "ride-time limits (PyVRP has no ride-time limit: PyVRP issue #1097)" in rows[2].status
    assert "VROOM issue #703, PR #1352" in rows[3].status
    report = (tmp_path / "results.md").read_text()
    assert "bench pyvrp: unsupported on 1 instance(s) — UnsupportedProblemError" in report
    assert "bench: 1 instances — ours 0.00%, ortools 0.00%" in report
    assert "'at BKS vehicles' means at most K" in report


def test_darp_score_rechecks_in_real_numbers() -> None:
    """A gap at any vehicle count up to K; the real-valued re-check rejects what the integer
    problem cannot see (here a ride limit tighter than the problem was built with)."""
    bench = load_instance(DARP2)
    assert bench.cordeau is not None
    p, d = StopKind.PICKUP, StopKind.DELIVERY
    optimum = hand_solution(bench, [(p, "1"), (p, "2"), (d, "1"), (d, "2")])
    row = score(bench, "hand", optimum, time_s=0.0, params=PARAMS)
    assert (row.feasible, row.vehicles, row.comparison, row.gap_pct) == (True, 1, "within_fleet", 0)
    two = hand_solution(bench, pairs(("1",)), pairs(("2",)))
    row = score(bench, "hand", two, time_s=0.0, params=PARAMS)
    assert (row.feasible, row.vehicles, row.distance) == (True, 2, pytest.approx(140.0))
    assert row.gap_pct == pytest.approx(75.0)
    stricter = dataclasses.replace(bench, cordeau=dataclasses.replace(bench.cordeau, max_ride=21.5))
    row = score(stricter, "hand", optimum, time_s=0.0, params=PARAMS)
    assert (row.feasible, row.comparison, row.gap_pct, row.violations) == (
        False,
        "infeasible",
        None,
        2,
    )
    assert row.first_violation.startswith("real-valued max_ride (vehicle v0 stop 3)")
