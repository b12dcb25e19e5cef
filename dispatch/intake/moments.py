"""Parsing time cells of the input tables: full local times, dates, or clock times of the day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from stations.tabular import FIRST_DAY, LAST_DAY
from stations.text import clean_text

# Every date and time of an input lies in these years (docs/API.md, "Units and conventions"):
# far enough for any permit, near enough that adding a day or a shift never overflows.
LATEST_CLOCK_S = 30 * 3600  # "30:00" = 06:00 the next morning: clock times stop there
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# How a spreadsheet date cell reads once turned into text (``str`` of a datetime at midnight).
_SHEET_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")


@dataclass(frozen=True, slots=True)
class Moment:
    """A parsed time cell: a full local time, a date only, or a clock time only."""

    when: dt.datetime | None = None
    date: dt.date | None = None
    clock_s: int | None = None

    def in_range(self) -> bool:
        """Whether the moment's date lies within ``FIRST_DAY`` … ``LAST_DAY`` (clock times do)."""
        day = self.when.date() if self.when is not None else self.date
        return day is None or FIRST_DAY <= day <= LAST_DAY

    def on(self, day: dt.date, *, end_of_date: bool = False) -> dt.datetime:
        """The moment on planning day ``day`` (a bare date means 00:00, or the next midnight
        when ``end_of_date``)."""
        if self.when is not None:
            return self.when
        if self.date is not None:
            start = dt.datetime.combine(self.date, dt.time())
            return start + dt.timedelta(days=1) if end_of_date else start
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=self.clock_s or 0)


def parse_moment(value: object) -> Moment | None:
    """Parse a time cell; ``None`` if it is not a time.

    Accepts ISO 8601 local times (an offset is converted to Asia/Shanghai), dates
    (``2020-02-24``), clock times ``HH:MM[:SS]`` up to ``30:00`` (06:00 the next morning) and
    spreadsheet date/time cells (a spreadsheet date at 00:00 counts as a date). Whether the
    date is in range is for the caller to check (:meth:`Moment.in_range`).
    """
    if isinstance(value, pd.Timestamp):
        value = _local(value)
        if value is None:
            return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = _local(pd.Timestamp(value))
            if value is None:
                return None
        if value.time() == dt.time():
            return Moment(date=value.date())
        return Moment(when=value)
    if isinstance(value, dt.date):
        return Moment(date=value)
    if isinstance(value, dt.time):
        return Moment(clock_s=value.hour * 3600 + value.minute * 60 + value.second)
    text = clean_text(str(value))
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, seconds = (int(g or 0) for g in clock.groups())
        total = hours * 3600 + minutes * 60 + seconds
        if minutes > 59 or seconds > 59 or total > LATEST_CLOCK_S:
            return None
        return Moment(clock_s=total)
    sheet_date = _SHEET_DATE.match(text)
    if sheet_date:
        text = sheet_date.group(1)
    if _DATE.match(text):
        try:
            return Moment(date=dt.date.fromisoformat(text))
        except ValueError:
            return None
    if not re.match(r"^\d{4}", text):
        return None
    try:
        stamp = pd.Timestamp(text.replace("/", "-"))
    except (ValueError, TypeError, OverflowError):
        return None
    when = None if pd.isna(stamp) else _local(stamp)
    return None if when is None else Moment(when=when)


def _local(stamp: pd.Timestamp) -> dt.datetime | None:
    """``stamp`` as a naive local time (an offset converted to Asia/Shanghai), to the
    microsecond; None if it cannot be one (out of range)."""
    try:
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("Asia/Shanghai").tz_localize(None)
        when: dt.datetime = stamp.floor("us").to_pydatetime()
    except (ValueError, OverflowError):
        return None
    return when
