"""Tests for dispatch.charters.prepare: the intake half in one call, nobody lost on the way."""

from __future__ import annotations

import pytest

from dispatch.charters.fleet import check_fleet
from dispatch.charters.grouping import Grouping
from dispatch.charters.prepare import Prepared, prepare
from dispatch.charters.screening import screen
from dispatch.intake.reader import read_day
from tests.day_cases import DAYS


def test_every_registered_worker_is_accounted_for() -> None:
    """registered = excluded + grouped + unserved, by worker id."""
    prepared = prepare(read_day(DAYS / "screening_mix"))
    grouped = prepared.grouping.grouped_worker_ids
    excluded = {e.worker_id for e in prepared.screening.excluded}
    assert grouped | excluded == set(prepared.day.worker_ids)
    assert len(prepared.grouping.requests) == 1  # S01, S08, S09 arrive together


def test_a_lost_worker_is_a_bug() -> None:
    """Dropping a request's workers makes the bundle refuse to exist."""
    day = read_day(DAYS / "one_station_two_employers")
    prepared = prepare(day)
    short = Grouping(prepared.grouping.requests[1:], prepared.grouping.unserved)
    with pytest.raises(ValueError, match="grouping lost or duplicated workers"):
        Prepared(day, screen(day), check_fleet(day), short)
