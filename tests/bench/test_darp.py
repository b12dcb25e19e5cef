"""Tests for bench.darp: the Cordeau reader, its complaints, and the mapping onto a Problem."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.darp import CordeauFormatError, CordeauInstance, read_cordeau
from bench.instances import read_bks
from routing.vrp.problem import TimeWindow
from tests.paths import DATA, SHARED

DARP2 = DATA / "bench" / "darp2.txt"  # 2 users on a line, optimum 80 (see README.md)
BAD = DATA / "bench" / "darp_bad"
CORDEAU = SHARED / "benchmarks" / "darp_cordeau2006"


@pytest.fixture
def darp2() -> CordeauInstance:
    """Two users on a line whose optimal route meets L = 22 and T = 88 exactly."""
    return read_cordeau(DARP2)


def test_reader_keeps_the_instance_in_its_own_units(darp2: CordeauInstance) -> None:
    """Header and nodes as written: K 2, n 2, T 88, Q 2, L 22; end depot is node 5."""
    assert (darp2.name, darp2.vehicles, darp2.requests, darp2.end_depot) == ("darp2", 2, 2, 5)
    assert (darp2.max_duration, darp2.capacity, darp2.max_ride) == (88.0, 2, 22.0)
    assert darp2.load.tolist() == [0, 1, 1, -1, -1, 0]
    assert darp2.service.tolist() == [0, 2, 2, 2, 2, 0]
    assert darp2.travel(1, 4) == 30.0


def test_problem_states_the_rules_as_the_charter_model_does(darp2: CordeauInstance) -> None:
    """Ride limit, route duration, shift, services and capacity scaled by 1000; no vehicle
    weight (the fleet is a limit, not a cost)."""
    instance = darp2.to_instance()
    problem = instance.problem
    assert [(j.job_id, j.pickup, j.delivery, j.amount) for j in problem.jobs] == [
        ("1", 1, 3, (1,)),
        ("2", 2, 4, (1,)),
    ]
    assert {j.max_ride_s for j in problem.jobs} == {22_000}
    assert {(j.pickup_service_s, j.delivery_service_s) for j in problem.jobs} == {(2000, 2000)}
    assert {j.pickup_window for j in problem.jobs} == {TimeWindow(0, 200_000)}
    assert [(v.vehicle_id, v.start, v.end) for v in problem.vehicles] == [
        ("v0", 0, 5),
        ("v1", 0, 5),
    ]
    assert {(v.capacity, v.shift, v.max_shift_s) for v in problem.vehicles} == {
        ((2,), TimeWindow(0, 200_000), 88_000)
    }
    assert problem.vehicle_weight == 0
    assert problem.matrices["bus"].time_s[1, 4] == 30_000
    assert instance.scale == 1000


def test_rounding_is_conservative(darp2: CordeauInstance) -> None:
    """Fractions of a scaled unit tighten the rules: windows shrink, services grow, L and T
    shrink — a timing feasible in integers stays feasible in real numbers."""
    fractional = dataclasses.replace(
        darp2,
        max_ride=22.0004,
        max_duration=88.0009,
        service=darp2.service + 0.0001,
        window_start=darp2.window_start + 0.0004,
        window_end=darp2.window_end + 0.0009,
    )
    problem = fractional.to_instance().problem
    job = problem.jobs[0]
    assert (job.max_ride_s, job.pickup_service_s) == (22_000, 2001)
    assert job.pickup_window == TimeWindow(1, 200_000)
    assert (problem.vehicles[0].max_shift_s, problem.vehicles[0].shift) == (
        88_000,
        TimeWindow(1, 200_000),
    )


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("header.txt", r"line 1: 4 fields, expected 5 \(header `K n T Q L`\)"),
        ("missing_node.txt", r"5 node lines after the header, expected 2n \+ 2 = 6 for n = 2"),
        ("not_a_number.txt", r"line 4: 'twenty' is not a number(.|\n)*line 6: 6 fields"),
        ("delivery_load.txt", r"line 6 \(node 4\): delivery `load` -2, expected -1"),
        ("window.txt", r"line 4 \(node 2\): window \[50, 40\] ends before it starts"),
        ("depot_windows.txt", r"are not one shift"),
        (
            "many.txt",
            r"3 problem\(s\)(.|\n)*`id` 7, expected 1(.|\n)*`service` -2 is negative"
            r"(.|\n)*delivery `load` -2",
        ),
    ],
)
def test_bad_files_name_every_problem(name: str, match: str) -> None:
    """Each broken file is refused with the line, the column, the value and what is expected."""
    with pytest.raises(CordeauFormatError, match=match) as caught:
        read_cordeau(BAD / name)
    assert caught.value.path.name == name


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """Nothing to read is said, not crashed on."""
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(CordeauFormatError, match="the file is empty"):
        read_cordeau(empty)


_users = st.lists(
    st.tuples(
        st.floats(-10, 10, allow_nan=False),
        st.floats(-10, 10, allow_nan=False),
        st.integers(1, 6),
        st.integers(0, 1400),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=30, deadline=None)
@given(users=_users, k=st.integers(1, 4))
def test_written_file_reads_back(
    tmp_path_factory: pytest.TempPathFactory, users: list[tuple[float, float, int, int]], k: int
) -> None:
    """A file written in Cordeau's layout reads back node by node, one job per user."""
    n = len(users)
    lines = [f"{k} {n} 480 6 45", "0 0.000 0.000 0 0 0 480"]
    for i, (x, y, q, open_) in enumerate(users, start=1):
        lines.append(f"{i} {x:.3f} {y:.3f} {q} {q} {open_} {open_ + 15}")
    for i, (x, y, q, _) in enumerate(users, start=1):
        lines.append(f"{n + i} {y:.3f} {x:.3f} {q} {-q} 0 1440")
    lines.append(f"{2 * n + 1} 0.000 0.000 0 0 0 480")
    path = tmp_path_factory.mktemp("darp") / "t.txt"
    path.write_text("\n".join(lines) + "\n")
    cordeau = read_cordeau(path)
    assert cordeau.load.tolist() == [0, *(q for *_, q, _ in users), *(-q for *_, q, _ in users), 0]
    assert np.allclose(
        cordeau.coords[1 : n + 1], [(round(x, 3), round(y, 3)) for x, y, *_ in users]
    )
    problem = cordeau.to_instance().problem
    assert len(problem.vehicles) == k
    assert [(j.pickup, j.delivery, j.amount) for j in problem.jobs] == [
        (i, n + i, (q,)) for i, (_, _, q, _) in enumerate(users, start=1)
    ]
    assert [j.pickup_window.end - j.pickup_window.start for j in problem.jobs] == [15_000] * n
    assert (problem.matrices["bus"].time_s >= problem.matrices["bus"].dist_m).all()


@pytest.mark.skipif(not CORDEAU.is_dir(), reason="shared benchmarks not present")
def test_every_shared_instance_reads_and_has_its_optimum() -> None:
    """All 31 shared files read; a-set Q 3, L 30; b-set Q 6, L 45; every one has an optimum."""
    optimum = read_bks(CORDEAU / "bks.csv")
    files = sorted(CORDEAU.glob("*.txt"))
    assert len(files) == len(optimum) == 31
    for file in files:
        cordeau = read_cordeau(file)
        assert (cordeau.capacity, cordeau.max_ride) == (
            (3, 30.0) if file.name[0] == "a" else (6, 45.0)
        )
        assert optimum[cordeau.name].vehicles == cordeau.vehicles
        assert len(cordeau.to_instance().problem.jobs) == cordeau.requests
