"""Tests for bench.instances: the readers reproduce the published best-known solutions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.instances import (
    read_bks,
    read_li_lim_instance,
    read_li_lim_solution,
    read_solomon_instance,
)
from routing.vrp.checker import check
from tests.paths import SHARED

BENCH = SHARED / "benchmarks"
needs_bench = pytest.mark.skipif(not BENCH.is_dir(), reason="shared benchmarks not present")


@needs_bench
def test_li_lim_bks_routes_are_feasible_and_match_distance() -> None:
    """Every Li & Lim 100 BKS route file is feasible under our integer scaling, same length."""
    folder = BENCH / "li_lim_100"
    bks = read_bks(folder / "bks.csv")
    files = sorted((folder / "bks_solutions").glob("*.txt"))
    assert files
    for file in files:
        name = file.name.split(".")[0]
        instance = read_li_lim_instance(folder / f"{name}.txt")
        solution = read_li_lim_solution(file, instance)
        assert check(instance.problem, solution) == [], name
        assert solution.unassigned == ()
        assert len(solution.routes) == bks[name].vehicles
        assert instance.real_distance(solution) == pytest.approx(bks[name].distance, abs=0.01)


@needs_bench
def test_solomon_reader_shape() -> None:
    """C102: 25 vehicles of 200, 100 depot-loaded customers, depot window [0, 1236]."""
    instance = read_solomon_instance(BENCH / "solomon_100" / "C102.txt")
    problem = instance.problem
    assert len(problem.vehicles) == 25
    assert {v.capacity for v in problem.vehicles} == {(200,)}
    assert len(problem.jobs) == 100
    assert {j.pickup for j in problem.jobs} == {0}
    assert problem.vehicles[0].shift.end == 1236 * 1000
    first = problem.jobs[0]
    assert (first.delivery, first.amount, first.delivery_service_s) == (1, (10,), 90_000)
    assert problem.matrices["bus"].dist_m[0, 1] == round(((45 - 40) ** 2 + 18**2) ** 0.5 * 1000)


@settings(max_examples=30, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(1, 30)),
        min_size=2,
        max_size=8,
    ),
)
def test_li_lim_reader_roundtrip(tmp_path_factory: pytest.TempPathFactory, points: list) -> None:
    """A written Li & Lim file reads back with one job per pickup/delivery pair."""
    rows = ["0\t50\t50\t0\t0\t1000\t0\t0\t0"]
    n = len(points)
    for k, (x, y, q) in enumerate(points, start=1):
        rows.append(f"{k}\t{x}\t{y}\t{q}\t0\t900\t10\t0\t{k + n}")
    for k, (x, y, q) in enumerate(points, start=1):
        rows.append(f"{k + n}\t{y}\t{x}\t{-q}\t50\t950\t5\t{k}\t0")
    path = tmp_path_factory.mktemp("ll") / "t.txt"
    path.write_text("3\t100\t1\n" + "\n".join(rows) + "\n")
    problem = read_li_lim_instance(path).problem
    assert [(j.pickup, j.delivery, j.amount) for j in problem.jobs] == [
        (k, k + n, (q,)) for k, (_, _, q) in enumerate(points, start=1)
    ]
    assert all(j.delivery_window.start == 50_000 for j in problem.jobs)
    matrix = problem.matrices["bus"]
    assert (matrix.time_s >= matrix.dist_m).all()
