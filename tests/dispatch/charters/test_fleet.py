"""Tests for dispatch.charters.fleet: only vehicles with a valid permit of the right kind are
usable."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch.charters.fleet import UsableVehicle, check_fleet, vehicle_status
from dispatch.day import Day
from dispatch.intake.reader import read_day
from dispatch.reasons import VehicleReason as V
from stations.lang import Lang
from tests.day_cases import DAYS, at, bus, make_day, passenger_permit


def test_permits_mix_fixture_outcomes(permits_mix: Day) -> None:
    """One vehicle per outcome (see tests/data/days/permits_mix/README.md)."""
    fleet = check_fleet(permits_mix)
    assert [u.vehicle_id for u in fleet.buses] == ["苏E·20001", "苏E·20006"]
    assert [u.vehicle_id for u in fleet.trucks] == ["苏A·30009"]
    reasons = {r.vehicle_id: r.reason for r in fleet.rejected}
    assert reasons == {
        "苏E·20002": V.NO_PERMIT,
        "苏E·20003": V.PERMIT_EXPIRED,
        "苏E·20004": V.PERMIT_NOT_YET_VALID,
        "苏E·20005": V.GOODS_PERMIT_ONLY,
        "苏E·20007": V.TOO_SMALL_UNDER_LOAD_FACTOR,
        "苏E·20008": V.NOT_AVAILABLE_IN_DAY_WINDOW,
        "苏A·30010": V.PASSENGER_PERMIT_ONLY,
    }
    assert fleet.max_worker_seats == 25


def test_expired_permit_says_when() -> None:
    """The reason text names the last valid day, in both languages."""
    fleet = check_fleet(read_day(DAYS / "permits_mix"))
    expired = next(r for r in fleet.rejected if r.reason is V.PERMIT_EXPIRED)
    assert expired.describe() == "permit has expired (valid through 2020-02-20)"
    assert expired.describe(Lang.ZH) == "许可证已过期（有效期至 2020-02-20）"


def test_permit_ending_at_noon_clips_the_shift() -> None:
    """A bus whose permit runs out at 12:00 works 05:00–12:00 only."""
    fleet = check_fleet(read_day(DAYS / "permits_mix"))
    clipped = next(u for u in fleet.usable if u.vehicle_id == "苏E·20006")
    assert (clipped.shift_start, clipped.shift_end, clipped.clipped) == (
        at("05:00"),
        at("12:00"),
        True,
    )
    assert clipped.worker_seats == 15  # floor(33 × 0.5) − 1


def test_back_to_back_permits_cover_the_whole_day() -> None:
    """A renewal starting when the old permit ends leaves no gap and no clipping."""
    vehicle = bus("苏E·1", 45)
    permits = [
        passenger_permit("苏E·1", "2019-03-01", "2020-02-24T12:00"),
        passenger_permit("苏E·1", "2020-02-24T12:00", "2021-02-24", number="P-2"),
    ]
    day = make_day([], fleet=[vehicle], permits=permits)
    status = vehicle_status(day, vehicle)
    assert isinstance(status, UsableVehicle)
    assert (status.shift_start, status.shift_end, status.clipped) == (
        at("05:00"),
        at("24:00"),
        False,
    )
    assert len(status.permits) == 2


def test_availability_clips_the_shift_to_the_day_window() -> None:
    """A bus available 04:00–13:00 works 05:00–13:00 under the default window."""
    vehicle = bus("苏E·1", 45)
    vehicle = dataclasses.replace(vehicle, available_from=at("04:00"), available_to=at("13:00"))
    day = make_day([], fleet=[vehicle])
    status = vehicle_status(day, vehicle)
    assert isinstance(status, UsableVehicle)
    assert (status.shift_start, status.shift_end, status.clipped) == (
        at("05:00"),
        at("13:00"),
        False,
    )


@pytest.mark.parametrize(("load_factor", "usable"), [(0.5, False), (0.7, True)])
def test_load_factor_decides_whether_a_small_bus_is_usable(
    load_factor: float, usable: bool
) -> None:
    """A 3-seat bus: 1 place at 0.5 (escort only), 2 places at 0.7 (escort + 1)."""
    vehicle = bus("苏E·1", 3)
    day = make_day([], fleet=[vehicle])
    day = day.replace(policy=day.policy.replace(load_factor=load_factor))
    assert isinstance(vehicle_status(day, vehicle), UsableVehicle) is usable


def test_no_bus_means_no_worker_seats() -> None:
    """With every bus rejected, the largest usable bus carries nobody."""
    day = make_day([], fleet=[bus("苏E·1", 45)], permits=[])
    fleet = check_fleet(day)
    assert fleet.max_worker_seats == 0
    assert fleet.counts() == {V.NO_PERMIT: 1}
