"""Tests for dispatch.intake.moments: parsing time cells."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.intake.moments import Moment, parse_moment


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)))
def test_iso_times_round_trip(when: dt.datetime) -> None:
    """Any ISO 8601 local time (to the second) parses back to itself; midnight is a date."""
    when = when.replace(microsecond=0)
    moment = parse_moment(when.isoformat())
    assert moment is not None
    assert moment.on(when.date()) == when


@given(st.integers(min_value=0, max_value=30 * 3600))
def test_clock_times(seconds: int) -> None:
    """HH:MM:SS up to 30:00:00 is a clock time on the planning day."""
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    assert parse_moment(text) == Moment(clock_s=seconds)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-02-24", Moment(date=dt.date(2020, 2, 24))),
        ("2020-02-24 00:00:00", Moment(date=dt.date(2020, 2, 24))),  # a spreadsheet date as text
        ("2020-02-24T08:30+00:00", Moment(when=dt.datetime(2020, 2, 24, 16, 30))),
        (dt.datetime(2020, 2, 24), Moment(date=dt.date(2020, 2, 24))),
        (dt.datetime(2020, 2, 24, 7, 5), Moment(when=dt.datetime(2020, 2, 24, 7, 5))),
        (dt.time(7, 5), Moment(clock_s=7 * 3600 + 5 * 60)),
        ("2020/02/24 08:30", Moment(when=dt.datetime(2020, 2, 24, 8, 30))),
    ],
)
def test_accepted_forms(value: object, expected: Moment) -> None:
    """Dates, offsets converted to Beijing time, spreadsheet cells, slashes."""
    assert parse_moment(value) == expected


def test_date_means_end_of_day_when_asked() -> None:
    """A bare valid_to date covers the whole day."""
    moment = parse_moment("2020-12-31")
    assert moment is not None
    assert moment.on(dt.date(2020, 2, 24), end_of_date=True) == dt.datetime(2021, 1, 1)


@pytest.mark.parametrize(
    "text", ["", "8am", "31:00", "12:75", "2020-02-30", "tomorrow", "24/02/2020"]
)
def test_rejects(text: str) -> None:
    """Nothing is guessed."""
    assert parse_moment(text) is None
