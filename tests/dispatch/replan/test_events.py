"""Tests for dispatch.replan.events: the typed events and the rules that read them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.day import Day
from dispatch.replan.events import (
    EventKind,
    EventLog,
    NoShow,
    TrainDelay,
    VehicleBreakdown,
    breakdown_times,
    delayed_arrivals,
    no_show_workers,
)
from tests.replan_cases import train_arrivals, trains_day, when

ARRIVALS = train_arrivals([("G1", "08:00", "e1", 10), ("G2", "09:00", "e2", 3)])


def test_the_log_orders_events_by_when_they_became_known() -> None:
    """Equal times keep their given order; ``known_by`` and ``later_than`` split the log."""
    late = TrainDelay(when("10:00"), "s1", 30, train_no="G1")
    early = NoShow(when("08:00"), ("w01",))
    same = VehicleBreakdown(when("10:00"), "b1", when("10:00"))
    log = EventLog((late, early, same))
    assert log.events == (early, late, same)
    assert log.known_by(when("09:00")).events == (early,)
    assert log.later_than(when("09:00")) == (late, same)
    assert log.counts() == {"train_delay": 1, "no_show": 1, "vehicle_breakdown": 1}
    assert log.of_kind(EventKind.NO_SHOW) == (early,)


def test_a_later_delay_report_replaces_an_earlier_one() -> None:
    """G1 first reported 30 min late, then 90: its workers arrive 90 min late, not 120."""
    first = TrainDelay(when("07:00"), "s1", 30, train_no="G1")
    second = TrainDelay(when("07:30"), "s1", 90, train_no="G1")
    moved = delayed_arrivals(ARRIVALS, [first, second])
    assert len(moved) == 10
    assert moved["w01"] == when("09:30")


def test_a_delay_by_window_moves_the_registered_arrivals_in_it() -> None:
    """``[09:00, 09:30)`` moves G2 only."""
    window = TrainDelay(
        when("07:00"), "s1", 15, window_start=when("09:00"), window_end=when("09:30")
    )
    assert set(delayed_arrivals(ARRIVALS, [window])) == {"w11", "w12", "w13"}


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: TrainDelay(when("07:00"), "s1", 10), "names a train number or an arrival window"),
        (
            lambda: TrainDelay(
                when("07:00"), "s1", 10, window_start=when("10:00"), window_end=when("09:00")
            ),
            "ends before it starts",
        ),
        (lambda: NoShow(when("07:00")), "names workers, or a station, train and share"),
        (
            lambda: NoShow(when("07:00"), station_id="s1", train_no="G1", share=1.5),
            r"share lies in \(0, 1\]",
        ),
    ],
)
def test_inconsistent_events_are_refused(make: object, match: str) -> None:
    """Events made in code check themselves."""
    with pytest.raises(ValueError, match=match):
        make()  # type: ignore[operator]


@given(share=st.floats(min_value=0.01, max_value=1.0))
def test_a_share_of_a_train_is_the_same_workers_whatever_their_order(share: float) -> None:
    """``share × n`` (half up) of the train's workers, by SHA-256 rank: the same set for any
    order of the arrivals, and a larger share takes a superset."""
    event = NoShow(when("07:00"), station_id="s1", train_no="G1", share=share)
    gone = event.workers(ARRIVALS)
    assert len(gone) == int(share * 10 + 0.5)
    assert gone == event.workers(list(reversed(ARRIVALS)))
    assert set(gone) <= {f"w{k:02d}" for k in range(1, 11)}
    more = NoShow(when("07:00"), station_id="s1", train_no="G1", share=min(1.0, share + 0.2))
    assert set(gone) <= set(more.workers(ARRIVALS))


def test_each_worker_is_named_by_its_first_no_show() -> None:
    first = NoShow(when("07:00"), ("w01",))
    second = NoShow(when("08:00"), ("w01", "w02"))
    found = no_show_workers(ARRIVALS, [first, second])
    assert found == {"w01": first, "w02": second}


def test_the_earliest_breakdown_of_a_vehicle_counts() -> None:
    late = VehicleBreakdown(when("10:00"), "b1", when("10:00"))
    early = VehicleBreakdown(when("10:30"), "b1", when("09:00"))
    assert breakdown_times([late, early])["b1"] is early


def test_the_fixture_day_has_the_documented_trains() -> None:
    """tests.replan_cases.trains_day: 33 workers on seven trains."""
    day: Day = trains_day()
    assert len(day.arrivals) == 33
    assert sorted({a.train_no or "" for a in day.arrivals}) == [f"G{k}" for k in range(1, 8)]
