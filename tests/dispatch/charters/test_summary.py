"""Tests for dispatch.charters.summary: the counts ``charter check`` prints."""

from __future__ import annotations

from dispatch.charters.prepare import prepare
from dispatch.charters.summary import summarise
from dispatch.intake.reader import read_day
from tests.day_cases import DAYS


def test_counts_of_the_screening_mix() -> None:
    """Hand-counted from tests/data/days/screening_mix/README.md."""
    summary = summarise(prepare(read_day(DAYS / "screening_mix")))
    assert (summary.registered, summary.eligible, summary.excluded) == (10, 3, 7)
    assert dict(summary.excluded_by_reason)["employer_not_certified"] == 2
    assert (summary.requests, summary.grouped, summary.unserved) == (1, 3, 0)
    assert (summary.enterprises, summary.certified) == (2, 1)
    assert dict(summary.risk_regions_by_level) == {"medium": 1, "high": 1}


def test_fleet_counts_of_the_permits_mix() -> None:
    """Usable buses, trucks, rejected per reason and seats per round."""
    summary = summarise(prepare(read_day(DAYS / "permits_mix")))
    assert (summary.buses, summary.usable_buses, summary.trucks, summary.usable_trucks) == (
        8,
        2,
        2,
        1,
    )
    assert sum(n for _, n in summary.rejected_by_reason) == 7
    assert (summary.worker_seats, summary.largest_bus_workers) == (25 + 15, 25)


def test_as_dict_is_plain() -> None:
    """Dates as text and pairs as objects, ready for JSON."""
    plain = summarise(prepare(read_day(DAYS / "one_station_two_employers"))).as_dict()
    assert plain["date"] == "2020-02-24"
    assert plain["excluded_by_reason"] == {} and plain["unserved"] == 0
