"""Tests of dispatch.outputs.json_units: how plan.json rounds times and positions."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dispatch.outputs.json_units import DEG_DIGITS, degrees, whole_seconds


def test_times_drop_their_microseconds() -> None:
    """08:30:15.999 is stored as 08:30:15 (never rounded up into the next second)."""
    moment = dt.datetime(2020, 2, 24, 8, 30, 15, 999_999)
    assert whole_seconds(moment) == dt.datetime(2020, 2, 24, 8, 30, 15)


@given(st.floats(min_value=-180, max_value=180, allow_nan=False))
def test_degrees_keep_six_decimals(value: float) -> None:
    """A position moves by at most half a unit of the sixth decimal (about 5 cm)."""
    assert abs(degrees(value) - value) <= 0.5 * 10**-DEG_DIGITS + 1e-12
