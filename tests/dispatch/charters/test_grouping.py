"""Tests for dispatch.charters.grouping: sweep by arrival time, bus-sized splits, nobody lost."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.charters.grouping import group_workers
from dispatch.charters.prepare import prepare
from dispatch.day import Arrival, Day
from dispatch.policy import Policy
from dispatch.reasons import UnservedReason as U
from stations.lang import Lang
from tests.day_cases import DATE, at, make_day, worker


def test_one_station_two_employers_groups_by_hand(one_station_two_employers: Day) -> None:
    """The hand-checked table in tests/data/days/one_station_two_employers/README.md."""
    prepared = prepare(one_station_two_employers)
    shown = [
        (r.request_id, r.worker_ids, r.pickup_earliest, r.pickup_latest)
        for r in prepared.grouping.requests
    ]
    assert shown == [
        ("yq_test/E1/0800-1", ("W01", "W02", "W03"), at("08:40"), at("09:00")),
        ("yq_test/E1/0930-1", ("W04",), at("09:40"), at("10:30")),
        ("yq_test/E2/0810-1", ("W05", "W06"), at("08:25"), at("09:10")),
    ]
    first = prepared.grouping.requests[0]
    assert (first.passengers, first.load, first.escort_seats) == (3, 4, 1)
    assert first.pickup_service_min == pytest.approx(5 + 0.5 * 4)
    assert (first.delivery_service_min, first.max_ride_min) == (5, 120)
    assert prepared.grouping.unserved == ()


def test_large_group_is_split_into_balanced_consecutive_chunks() -> None:
    """30 workers within 10 minutes, buses of 8 → 4 requests of 8, 8, 7, 7 in arrival order."""
    arrivals = [worker(f"w{i:02d}", at("08:00") + dt.timedelta(seconds=20 * i)) for i in range(30)]
    grouping = group_workers(make_day(arrivals), arrivals, max_workers=8)
    assert [r.passengers for r in grouping.requests] == [8, 8, 7, 7]
    assert [r.request_id for r in grouping.requests] == [f"s1/e1/0800-{i}" for i in (1, 2, 3, 4)]
    assert grouping.requests[0].worker_ids[0] == "w00"
    assert grouping.requests[-1].worker_ids[-1] == "w29"
    assert grouping.requests[0].pickup_earliest < grouping.requests[-1].pickup_earliest


def test_too_early_and_too_late_workers_are_unserved_with_reasons() -> None:
    """Day window 05:00–24:00: 03:30 + 60 min wait < 05:00; 23:55 + 10 min walk > 24:00."""
    arrivals = [worker("early", "03:30"), worker("edge", "04:30"), worker("late", "23:55")]
    grouping = group_workers(make_day(arrivals), arrivals, max_workers=20)
    assert {u.worker_id: u.reason for u in grouping.unserved} == {
        "early": U.BEFORE_OPERATING_HOURS,
        "late": U.AFTER_OPERATING_HOURS,
    }
    (request,) = grouping.requests
    assert (request.pickup_earliest, request.pickup_latest) == (at("05:00"), at("05:30"))


def test_no_usable_bus_leaves_everyone_unserved_with_that_reason() -> None:
    """Nobody is dropped silently when the fleet is empty."""
    arrivals = [worker("w1", "08:00"), worker("w2", "09:00")]
    grouping = group_workers(make_day(arrivals), arrivals, max_workers=0)
    assert grouping.requests == ()
    assert [u.reason for u in grouping.unserved] == [U.NO_USABLE_BUS] * 2
    assert grouping.unserved[0].describe(Lang.ZH).startswith("无可用的持证客车")


def test_groups_are_per_station_and_employer() -> None:
    """Same minute, different station or employer → different requests."""
    arrivals = [
        worker("a", "08:00"),
        worker("b", "08:00", station="s2"),
        worker("c", "08:00", enterprise="e2"),
    ]
    grouping = group_workers(make_day(arrivals), arrivals, max_workers=20)
    assert sorted(r.request_id for r in grouping.requests) == [
        "s1/e1/0800-1",
        "s1/e2/0800-1",
        "s2/e1/0800-1",
    ]


def test_request_ids_are_deterministic() -> None:
    """Input order does not change the requests."""
    arrivals = [worker(f"w{i}", f"{8 + i % 5:02d}:{(7 * i) % 60:02d}") for i in range(25)]
    day = make_day(arrivals)
    forward = group_workers(day, arrivals, max_workers=6)
    backward = group_workers(day, list(reversed(arrivals)), max_workers=6)
    assert forward.requests == backward.requests


def _arrivals(draw: st.DrawFn) -> list[Arrival]:
    count = draw(st.integers(min_value=0, max_value=40))
    minutes = draw(
        st.lists(st.integers(min_value=0, max_value=26 * 60 - 1), min_size=count, max_size=count)
    )
    places = draw(
        st.lists(
            st.tuples(st.sampled_from(["s1", "s2"]), st.sampled_from(["e1", "e2", "e3"])),
            min_size=count,
            max_size=count,
        )
    )
    midnight = dt.datetime.combine(DATE, dt.time())
    return [
        worker(f"w{i}", midnight + dt.timedelta(minutes=m), station=s, enterprise=e)
        for i, (m, (s, e)) in enumerate(zip(minutes, places, strict=True))
    ]


@st.composite
def small_days(draw: st.DrawFn) -> tuple[list[Arrival], Policy, int]:
    """Random arrivals over a day and a bit, a random policy and a random largest bus."""
    arrivals = _arrivals(draw)
    wait = draw(st.integers(min_value=1, max_value=180))
    transfer = draw(st.integers(min_value=0, max_value=wait))
    start = draw(st.integers(min_value=0, max_value=12 * 60))
    end = draw(st.integers(min_value=start + 1, max_value=30 * 60))
    policy = Policy(
        planning_date=DATE,
        max_wait_min=wait,
        transfer_min=transfer,
        day_start_min=start,
        day_end_min=end,
    )
    return arrivals, policy, draw(st.integers(min_value=0, max_value=12))


@settings(max_examples=150, deadline=None)
@given(small_days())
def test_every_worker_once_nobody_waits_too_long_no_request_too_big(
    case: tuple[list[Arrival], Policy, int],
) -> None:
    """Nothing lost, wait limit and capacity hold for any arrivals, policy and bus size."""
    arrivals, policy, max_workers = case
    day = make_day(arrivals, policy=policy)
    grouping = group_workers(day, arrivals, max_workers=max_workers)
    by_id = {a.worker_id: a for a in arrivals}
    placed = [w for r in grouping.requests for w in r.worker_ids]
    placed += [u.worker_id for u in grouping.unserved]
    assert sorted(placed) == sorted(by_id)
    max_wait = dt.timedelta(minutes=policy.max_wait_min)
    transfer = dt.timedelta(minutes=policy.transfer_min)
    for request in grouping.requests:
        assert 1 <= request.passengers <= max_workers
        assert day.day_start <= request.pickup_earliest <= request.pickup_latest <= day.day_end
        members = [by_id[w] for w in request.worker_ids]
        assert {(m.station_id, m.enterprise_id) for m in members} == {
            (request.station_id, request.enterprise_id)
        }
        for member in members:
            # boarding anywhere in the window: never before the walk, never past the wait
            assert request.pickup_earliest >= member.arrival_time + transfer
            assert request.pickup_latest <= member.arrival_time + max_wait
    for unserved in grouping.unserved:
        alone_start = max(unserved.arrival.arrival_time + transfer, day.day_start)
        alone_end = min(unserved.arrival.arrival_time + max_wait, day.day_end)
        assert (unserved.reason is U.NO_USABLE_BUS) == (
            max_workers == 0 and alone_start <= alone_end
        )
