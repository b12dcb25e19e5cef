"""routing.vrp.bounds.path_cover: the path-cover bound on hand-made trip sets (times in seconds)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.vrp.bounds.path_cover import BoundTrip, compatible, min_path_cover, path_cover_bound

HOUR = 3600.0


def trip(start_h: float, *, width_h: float = 0.0, hours: float = 1.0) -> BoundTrip:
    """A trip whose boarding may start from ``start_h`` for ``width_h`` hours, lasting ``hours``."""
    return BoundTrip(start_h * HOUR, (start_h + width_h) * HOUR, hours * HOUR)


def drives(n: int, seconds: float = 0.0) -> np.ndarray:
    """The same drive between any two trips."""
    return np.full((n, n), seconds)


def test_two_of_three_trips_chain() -> None:
    """08:00–09:00 then 09:30–10:30 chain (30 min drive fits); 08:30–09:30 overlaps both."""
    trips = [trip(8), trip(8.5), trip(9.5)]
    between = drives(3, 0.25 * HOUR)
    ok = compatible(trips, between)
    assert ok.tolist() == [[False, False, True], [False, False, False], [False, False, False]]
    assert path_cover_bound(trips, between) == 2


def test_a_long_drive_breaks_the_chain() -> None:
    """The same two trips with a 45-minute drive between them need two buses."""
    trips = [trip(8), trip(9.5)]
    assert path_cover_bound(trips, drives(2, 0.75 * HOUR)) == 2
    assert path_cover_bound(trips, drives(2, 0.5 * HOUR)) == 1


def test_no_route_between_trips_means_no_chain() -> None:
    """``inf`` or ``nan`` drives never link trips."""
    trips = [trip(8), trip(12)]
    for gap in (np.inf, np.nan):
        between = drives(2)
        between[0, 1] = gap
        assert path_cover_bound(trips, between) == 2


def test_trips_that_fit_either_order_still_count_one_bus() -> None:
    """Two short trips with wide windows fit in either order (a cycle): one bus, not zero."""
    trips = [trip(8, width_h=2, hours=0.5), trip(8, width_h=2, hours=0.5)]
    ok = compatible(trips, drives(2))
    assert ok[0, 1] and ok[1, 0]
    assert min_path_cover(ok) == 1
    assert path_cover_bound(trips, drives(2)) == 1


def test_shift_limit_separates_morning_and_evening() -> None:
    """07:00 and 20:00 chain without a shift limit; a 10-hour shift cannot hold both."""
    trips = [trip(7), trip(20)]
    assert path_cover_bound(trips, drives(2)) == 1
    assert path_cover_bound(trips, drives(2), max_shift=10 * HOUR) == 2


def test_shift_split_adds_morning_and_evening_covers() -> None:
    """Morning 07:00 and 08:00 chain, evening 19:00 and 20:00 chain, and a noon trip could link
    them pairwise; a 10-hour shift still needs a morning bus and an evening bus."""
    trips = [trip(7), trip(8), trip(12.5), trip(19), trip(20)]
    assert path_cover_bound(trips, drives(5)) == 1
    assert path_cover_bound(trips, drives(5), max_shift=10 * HOUR) == 2


def test_depot_legs_count_against_the_shift() -> None:
    """Two trips 9 h apart fit a 10-hour shift, but not with an hour to and from the depot."""
    near = [trip(8), trip(16)]
    far = [
        BoundTrip(8 * HOUR, 8 * HOUR, HOUR, lead=HOUR, tail=HOUR),
        BoundTrip(16 * HOUR, 16 * HOUR, HOUR, lead=HOUR, tail=HOUR),
    ]
    assert path_cover_bound(near, drives(2), max_shift=10 * HOUR) == 1
    assert path_cover_bound(far, drives(2), max_shift=10 * HOUR) == 2


def test_shift_split_counts_each_trips_own_depot_legs() -> None:
    """A (02:00, 1.5 h from any depot), C (05:00) and B (09:00), half an hour each, all drives
    zero, 8-hour shift: A → C and C → B fit pairwise, but a bus doing A leaves its depot by
    00:30 and one doing B is back at 09:30 at the earliest, 9 h: two buses. (With only the
    shortest legs of all trips, 0 h, the split would not see it.)"""
    a = BoundTrip(2 * HOUR, 2 * HOUR, 0.5 * HOUR, lead=1.5 * HOUR)
    c = BoundTrip(5 * HOUR, 5 * HOUR, 0.5 * HOUR)
    b = BoundTrip(9 * HOUR, 9 * HOUR, 0.5 * HOUR)
    ok = compatible([a, c, b], drives(3), max_shift=8 * HOUR)
    assert ok[0, 1] and ok[1, 2] and not ok[0, 2]
    assert path_cover_bound([a, c, b], drives(3), max_shift=8 * HOUR) == 2


def test_nothing_to_serve_needs_no_bus() -> None:
    """No trips, no buses."""
    assert path_cover_bound([], np.zeros((0, 0))) == 0


def test_bad_inputs_are_refused() -> None:
    """A window ending before it starts, or a matrix of the wrong shape."""
    with pytest.raises(ValueError, match="latest_start is before earliest_start"):
        BoundTrip(2.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="expected"):
        compatible([trip(8)], drives(2))


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.floats(5, 22), min_size=1, max_size=12),
    width=st.floats(0, 1),
    drive=st.floats(0, 1),
)
def test_bound_lies_between_one_and_the_number_of_trips(
    starts: list[float], width: float, drive: float
) -> None:
    """Never more buses than trips, never fewer than one; a shift limit only raises it."""
    trips = [trip(s, width_h=width) for s in starts]
    between = drives(len(trips), drive * HOUR)
    free = path_cover_bound(trips, between)
    limited = path_cover_bound(trips, between, max_shift=8 * HOUR)
    assert 1 <= free <= limited <= len(trips)
