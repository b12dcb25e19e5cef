"""How plan.json rounds its values: times to whole seconds, km, minutes, CNY, degrees, tonnes."""

from __future__ import annotations

import datetime as dt

KM_DIGITS = 3
MIN_DIGITS = 2
CNY_DIGITS = 2
DEG_DIGITS = 6
T_DIGITS = 3
SHARE_DIGITS = 4


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    """Local time to whole seconds (what plan.json stores)."""
    return moment.replace(microsecond=0)


def degrees(value: float) -> float:
    """A longitude or latitude as plan.json stores it (about 0.1 m)."""
    return round(value, DEG_DIGITS)
