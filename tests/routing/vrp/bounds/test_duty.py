"""routing.vrp.bounds.duty: the duty (bus-day) bound on hand-made trip sets (times in seconds)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.vrp.bounds import duty
from routing.vrp.bounds.duty import duty_bound
from routing.vrp.bounds.path_cover import BoundTrip

HOUR = 3600.0


def trip(start_h: float, hours: float, *, width_h: float = 0.0) -> BoundTrip:
    """Boarding from ``start_h`` (for ``width_h`` hours), lasting ``hours``."""
    return BoundTrip(start_h * HOUR, (start_h + width_h) * HOUR, hours * HOUR)


def test_a_chain_longer_than_a_shift_needs_two_buses() -> None:
    """08-11, 11-14, 14-17:30 fit two by two in a 9-hour shift, but not all three."""
    trips = [trip(8, 3), trip(11, 3), trip(14, 3.5)]
    between = np.zeros((3, 3))
    bound = duty_bound(trips, between, max_shift=9 * HOUR)
    assert bound.buses == 2
    assert duty_bound(trips, between, max_shift=10 * HOUR).buses == 1


def test_its_duals_bound_the_buses_of_any_part_of_the_trips() -> None:
    """The same chain: the duals that prove two buses sum to two over all three trips and
    to nothing over none, and no part of the trips gets more buses than it can need."""
    trips = [trip(8, 3), trip(11, 3), trip(14, 3.5)]
    bound = duty_bound(trips, np.zeros((3, 3)), max_shift=9 * HOUR)
    assert len(bound.duals) == 3 and min(bound.duals) >= 0.0
    assert bound.subset_buses([0, 1, 2]) == bound.buses == 2
    assert bound.subset_buses([]) == 0
    assert all(bound.subset_buses([i]) <= 1 for i in range(3))
    assert bound.subset_buses([0, 1]) <= 1 and bound.subset_buses([1, 2]) <= 1


def test_depot_legs_count_against_the_shift() -> None:
    """The same day fits one 10-hour shift only if the depot is next door."""
    near = [
        BoundTrip(t.earliest_start, t.latest_start, t.duration, 600, 600)
        for t in (trip(8, 3), trip(11, 3), trip(14, 3.5))
    ]
    far = [BoundTrip(t.earliest_start, t.latest_start, t.duration, 1800, 1800) for t in near]
    between = np.zeros((3, 3))
    assert duty_bound(near, between, max_shift=10 * HOUR).buses == 1
    assert duty_bound(far, between, max_shift=10 * HOUR).buses == 2


def test_drives_between_trips_are_respected() -> None:
    """Back-to-back trips chain without a drive and do not with an hour's drive."""
    trips = [trip(8, 1), trip(9, 1)]
    assert duty_bound(trips, np.zeros((2, 2)), max_shift=10 * HOUR).buses == 1
    assert duty_bound(trips, np.full((2, 2), HOUR), max_shift=10 * HOUR).buses == 2
    assert duty_bound(trips, np.full((2, 2), np.inf), max_shift=10 * HOUR).buses == 2


def test_nothing_to_serve_needs_no_bus() -> None:
    """No trips: zero buses."""
    assert duty_bound([], np.zeros((0, 0)), max_shift=HOUR).buses == 0


def test_a_grid_as_long_as_a_trip_is_refused() -> None:
    """The grid must be finer than the shortest trip (or chains could loop in one slot)."""
    trips = [trip(8, 0.2), trip(9, 0.2)]
    with pytest.raises(ValueError, match="shorter than the 900 s grid"):
        duty_bound(trips, np.zeros((2, 2)), max_shift=HOUR * 10, grid_s=900.0)


def test_known_duties_give_the_same_bound() -> None:
    """Starting from a plan's bus days changes the work, not the bound."""
    trips = [trip(6 + 0.75 * k, 0.6, width_h=0.5) for k in range(16)]
    between = np.full((16, 16), 300.0)
    plain = duty_bound(trips, between, max_shift=4 * HOUR)
    seeded = duty_bound(
        trips, between, max_shift=4 * HOUR, duties=[list(range(k, k + 4)) for k in (0, 4, 8, 12)]
    )
    assert plain.buses == seeded.buses <= 4


def random_day(seed: int, count: int) -> tuple[list[BoundTrip], np.ndarray]:
    """``count`` trips of 20-70 minutes boarding from 05:00-17:00 (half-hour windows), with
    random drives of 5-40 minutes between them: several rounds to converge."""
    rng = np.random.default_rng(seed)
    starts, hours = rng.uniform(5, 17, count), rng.uniform(0.3, 1.2, count)
    trips = [trip(float(s), float(h), width_h=0.5) for s, h in zip(starts, hours, strict=True)]
    return trips, rng.uniform(300, 2400, (count, count))


def test_a_work_budget_caps_the_rounds_the_same_way_every_time() -> None:
    """The budget counts pricing and master work: any budget gives at least one round, a
    small one stops early (the bound still valid), and the same budget the same rounds."""
    trips, between = random_day(7, 60)
    free = duty_bound(trips, between, max_shift=6 * HOUR)
    one = duty_bound(trips, between, max_shift=6 * HOUR, max_work=1.0)
    some = [duty_bound(trips, between, max_shift=6 * HOUR, max_work=3e6) for _ in range(2)]
    assert one.rounds == 1
    assert 1 < some[0].rounds < free.rounds
    assert some[0] == some[1]
    assert one.value <= some[0].value <= free.value + 1e-6


@pytest.mark.parametrize("seed", [3, 7, 11])
def test_unfinished_master_solves_reach_the_same_buses(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The master's solves stop after ``IPM_ITERATIONS`` until the bound stops rising, then
    run to optimality: even one iteration a solve (duals far from any optimum) ends with
    the buses the exact solves prove (the rounds would otherwise run out, 12 buses of 15)."""
    trips, between = random_day(seed, 80)
    exact = duty_bound(trips, between, max_shift=6 * HOUR)
    monkeypatch.setattr(duty, "IPM_ITERATIONS", 1)
    rough = duty_bound(trips, between, max_shift=6 * HOUR)
    assert rough.buses == exact.buses >= 15
    assert rough.value <= rough.lp + 1e-6 and rough.rounds < duty.MAX_ROUNDS


def test_asked_to_stop_it_stops_after_the_first_round() -> None:
    """``stop`` is asked between rounds (a plan without an effort budget stops its bound
    when it needs the figure): the bound after one round, still valid; so does a time limit
    already spent (the first round always runs)."""
    trips, between = random_day(7, 60)
    asked: list[int] = []
    stopped = duty_bound(trips, between, max_shift=6 * HOUR, stop=lambda: asked.append(1) is None)
    full = duty_bound(trips, between, max_shift=6 * HOUR)
    assert stopped.rounds == 1 < full.rounds and asked
    assert stopped.value <= full.value
    assert duty_bound(trips, between, max_shift=6 * HOUR, time_limit_s=0.0).rounds == 1


def test_a_bound_stopped_short_is_polished(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after a few rounds, the best duals are polished (dear duties made cheaper,
    cheap trips dearer, lifted by each trip's best duty): the figure rises towards the
    full bound and never passes it; with one step only (a lift of the best duals) it is
    lower, and still at least Farley's bound of those duals."""
    trips, between = random_day(11, 80)
    full = duty_bound(trips, between, max_shift=6 * HOUR)
    polished = duty_bound(trips, between, max_shift=6 * HOUR, max_rounds=3)
    monkeypatch.setattr(duty, "POLISH_STEPS", 1)
    lifted = duty_bound(trips, between, max_shift=6 * HOUR, max_rounds=3)
    monkeypatch.setattr(duty, "LIFT_EVERY", 10**9 + 1)  # the first step lifts: see below
    monkeypatch.setattr(duty._Pricing, "lifted", lambda self, y: np.zeros_like(y))
    farley = duty_bound(trips, between, max_shift=6 * HOUR, max_rounds=3)
    assert farley.value <= lifted.value < polished.value <= full.value + 1e-6
    assert polished.rounds == lifted.rounds == 3


def test_polish_steps_count_against_the_clock_and_the_work_budget() -> None:
    """Past its time limit a bound still polishes ``MIN_POLISH_STEPS`` steps (whatever the
    clock), and a work budget splits between rounds and polish the same way every time."""
    trips, between = random_day(11, 80)
    budget = [duty_bound(trips, between, max_shift=6 * HOUR, max_work=2e7) for _ in range(2)]
    assert budget[0] == budget[1] and budget[0].duals == budget[1].duals
    late = duty_bound(trips, between, max_shift=6 * HOUR, time_limit_s=0.0)
    assert late.rounds == 1 and late.value > 1.0


def test_depot_leave_bands_are_at_least_ten_minutes_wide() -> None:
    """A fine grid keeps coarse depot-leave bands unless told otherwise."""
    trips = [trip(8, 1), trip(9.5, 1)]
    assert duty_bound(trips, np.zeros((2, 2)), max_shift=10 * HOUR).leave_step_s == 600.0
    given_step = duty_bound(trips, np.zeros((2, 2)), max_shift=10 * HOUR, leave_step_s=120.0)
    assert given_step.leave_step_s == 120.0


@st.composite
def planned_days(
    draw: st.DrawFn,
) -> tuple[list[BoundTrip], np.ndarray, float, int, list[int]]:
    """Trips that a known plan of ``k`` buses serves within ``shift`` (other drives random),
    and the bus of each trip in that plan."""
    buses = draw(st.integers(1, 4))
    trips: list[BoundTrip] = []
    owner: list[int] = []
    follows: list[tuple[int, int, float]] = []
    spans: list[float] = []
    for _ in range(buses):
        lead, tail = draw(st.floats(0, 1800)), draw(st.floats(0, 1800))
        first = at = draw(st.floats(5 * HOUR, 12 * HOUR))
        drive = 0.0
        for k in range(draw(st.integers(1, 4))):
            duration = draw(st.floats(1200, 2 * HOUR))
            before, after = draw(st.floats(0, 1800)), draw(st.floats(0, 1800))
            trips.append(BoundTrip(at - before, at + after, duration, lead, tail))
            owner.append(len(spans))
            end = at + duration
            if k:
                follows.append((len(trips) - 2, len(trips) - 1, drive))
            drive = draw(st.floats(0, 1800))
            at = end + drive + draw(st.floats(0, 1800))
        spans.append(lead + end - first + tail)
    n = len(trips)
    noise = draw(st.lists(st.floats(0, 3600), min_size=n * n, max_size=n * n))
    between = np.array(noise).reshape(n, n)
    for i, j, d in follows:
        between[i, j] = d
    return trips, between, max(spans) + 1.0, buses, owner


@settings(max_examples=40, deadline=None)
@given(planned_days())
def test_bound_never_exceeds_a_feasible_plan(
    day: tuple[list[BoundTrip], np.ndarray, float, int, list[int]],
) -> None:
    """Whatever the grid, stopping early or not, the bound stays at or below a real plan."""
    trips, between, shift, buses, _ = day
    full = duty_bound(trips, between, max_shift=shift)
    early = duty_bound(trips, between, max_shift=shift, max_rounds=1)
    coarse = duty_bound(trips, between, max_shift=shift, grid_s=600.0, leave_step_s=1800.0)
    assert 1 <= early.buses <= buses
    assert 1 <= full.buses <= buses
    assert 1 <= coarse.buses <= buses


@settings(max_examples=40, deadline=None)
@given(planned_days(), st.data())
def test_the_duals_never_bound_part_of_the_trips_above_the_buses_serving_them(
    day: tuple[list[BoundTrip], np.ndarray, float, int, list[int]], data: st.DataObject
) -> None:
    """Some of the known plan's buses serve their trips: the duals, summed over those
    trips, never ask for more buses than that, however few rounds the bound ran."""
    trips, between, shift, buses, owner = day
    rounds = data.draw(st.integers(1, 4), label="rounds")
    kept = data.draw(st.sets(st.integers(0, buses - 1)), label="buses kept")
    bound = duty_bound(trips, between, max_shift=shift, max_rounds=rounds)
    part = [i for i, bus in enumerate(owner) if bus in kept]
    assert bound.subset_buses(part) <= len(kept)
    assert bound.subset_buses(range(len(trips))) <= bound.buses
