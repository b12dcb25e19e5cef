"""Fixtures of the re-plan tests: the hand-made days of ``tests.replan_cases`` and their plans
(planned once per session: a plan is the base of many re-plans)."""

from __future__ import annotations

import pytest

from dispatch.day import Day
from dispatch.plan import Plan
from tests.replan_cases import bridge_day, bridges, planned, town, trains_day


@pytest.fixture(scope="session")
def trains() -> Day:
    """Seven trains at one station, each one employer's group; three buses
    (``tests.replan_cases.trains_day``)."""
    return trains_day()


@pytest.fixture(scope="session")
def trains_plan(trains: Day) -> Plan:
    """The plan of ``trains``: one bus chains the seven trips."""
    return planned(trains, town())


@pytest.fixture(scope="session")
def bridge() -> Day:
    """Four trains west to east over a checkpointed bridge with a longer detour
    (``tests.replan_cases.bridge_day``)."""
    return bridge_day()


@pytest.fixture(scope="session")
def bridge_plan(bridge: Day) -> Plan:
    """The plan of ``bridge``: every trip over the short southern bridge."""
    return planned(bridge, bridges())
