"""Parsing time cells of the input tables: full local times, dates, or clock times of the day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

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
    (``2020-02-24``), clock times ``HH:MM[:SS]`` (hours up to 30 = 06:00 next morning) and
    spreadsheet date/time cells (a spreadsheet date at 00:00 counts as a date).
    """
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = pd.Timestamp(value).tz_convert("Asia/Shanghai").tz_localize(None)
            value = value.to_pydatetime()
        if value.time() == dt.time():
            return Moment(date=value.date())
        return Moment(when=value)
    if isinstance(value, dt.date):
        return Moment(date=value)
    if isinstance(value, dt.time):
        return Moment(clock_s=value.hour * 3600 + value.minute * 60 + value.second)
    text = str(value).strip()
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, seconds = (int(g or 0) for g in clock.groups())
        if hours > 30 or minutes > 59 or seconds > 59:
            return None
        return Moment(clock_s=hours * 3600 + minutes * 60 + seconds)
    sheet_date = _SHEET_DATE.match(text)
    if sheet_date:
        text = sheet_date.group(1)
    if _DATE.match(text):
        try:
            return Moment(date=dt.date.fromisoformat(text))
        except ValueError:
            return None
    try:
        stamp = pd.Timestamp(text.replace("/", "-"))
    except (ValueError, TypeError):
        return None
    if pd.isna(stamp) or not re.match(r"^\d{4}", text):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("Asia/Shanghai").tz_localize(None)
    return Moment(when=stamp.to_pydatetime())
