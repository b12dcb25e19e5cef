"""Tests for dispatch.day: the immutable planning day and its row types."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dispatch.day import (
    Arrival,
    HealthCode,
    Permit,
    PermitKind,
    RiskLevel,
    RiskRegion,
    Vehicle,
    VehicleClass,
)
from dispatch.policy import Policy
from stations.errors import InputError
from stations.model import Registry
from tests.day_cases import DATE, at, bus, make_day, worker


def test_duplicate_worker_ids_are_refused() -> None:
    """The day checks its own invariants, whoever builds it."""
    with pytest.raises(InputError, match="`worker_id` 'w1' is a duplicate"):
        make_day([worker("w1", "08:00"), worker("w1", "09:00")])


def test_unknown_station_and_enterprise_are_named_with_the_known_ids() -> None:
    """Both problems at once, each listing the known ids."""
    with pytest.raises(InputError, match="2 input problems") as caught:
        make_day([worker("w1", "08:00", station="nowhere", enterprise="e9")])
    text = str(caught.value)
    assert "'nowhere' of worker w1 is not a known station" in text
    assert "use one of s1, s2" in text
    assert "'e9' of worker w1 is not a known enterprise" in text


def test_vehicle_at_unknown_depot_is_refused() -> None:
    """A vehicle must start from a known depot."""
    with pytest.raises(InputError, match="'d9' of vehicle 苏E·1 is not a known depot"):
        make_day([], fleet=[bus("苏E·1", 45, depot="d9")])


def test_replace_returns_a_new_checked_day() -> None:
    """Scenarios build on ``replace``; the base day is unchanged."""
    base = make_day([worker("w1", "08:00")])
    changed = base.replace(policy=base.policy.replace(load_factor=0.75))
    assert changed.policy.load_factor == 0.75
    assert base.policy.load_factor == 0.5
    with pytest.raises(InputError, match="Day has no field"):
        base.replace(weather="rain")
    with pytest.raises(InputError, match="is not a known station"):
        base.replace(arrivals=[worker("w2", "08:00", station="s9")])


def test_day_is_frozen() -> None:
    """Fields cannot be reassigned."""
    day = make_day([])
    with pytest.raises(dataclasses.FrozenInstanceError):
        day.date = DATE  # type: ignore[misc]


def test_times_relative_to_the_planning_day() -> None:
    """Seconds and minutes after midnight, also past midnight."""
    day = make_day([])
    assert day.seconds_of(at("08:30")) == 8 * 3600 + 30 * 60
    assert day.minutes_of(at("25:00")) == 25 * 60
    assert day.at_minute(90) == at("01:30")
    assert (day.day_start, day.day_end) == (at("05:00"), at("24:00"))


def test_risk_of_uses_the_longest_listed_prefix() -> None:
    """A province covers its cities unless a city is listed itself; unlisted = low."""
    regions = [
        RiskRegion("湖北省", RiskLevel.HIGH),
        RiskRegion("湖北省 / 神农架林区", RiskLevel.LOW),
    ]
    day = make_day([]).replace(risk_regions=Registry.of("risk region", regions, "region"))
    assert day.risk_of("湖北省武汉市")[0] is RiskLevel.HIGH
    assert day.risk_of("湖北省神农架林区")[0] is RiskLevel.LOW
    level, region = day.risk_of("浙江省温州市")
    assert level is RiskLevel.LOW and region is None


@pytest.mark.parametrize(
    "origin",
    [
        "湖北省孝感市",
        "湖北孝感市",
        "湖北\u200b孝感",
        " 湖北／孝感 ",
        "湖北省孝感市孝南区",
        "中国湖北孝感",
    ],
)
def test_a_region_covers_every_spelling_of_its_origins(origin: str) -> None:
    """Province and prefecture suffixes, invisible characters, full-width separators and
    surrounding space do not stop a listed region from covering an origin."""
    regions = [RiskRegion("湖北孝感", RiskLevel.HIGH)]
    day = make_day([]).replace(risk_regions=Registry.of("risk region", regions, "region"))
    assert day.risk_of(origin)[0] is RiskLevel.HIGH


def test_arrival_repr_hides_personal_data() -> None:
    """Name, id number and phone never show in a repr (logs, tracebacks)."""
    arrival = Arrival(
        "w1",
        "e1",
        "s1",
        at("08:00"),
        "河南省",
        HealthCode.GREEN,
        name="张三",
        id_number="990000199001010017",
        phone="13900000001",
    )
    shown = repr(arrival)
    assert "张三" not in shown and "990000" not in shown and "13900000001" not in shown


def test_arrival_refuses_timezone_aware_times() -> None:
    """All times are naive local times."""
    aware = dt.datetime(2020, 2, 24, 8, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="naive local time"):
        Arrival("w1", "e1", "s1", aware, "河南省", HealthCode.GREEN)


def test_vehicle_invariants() -> None:
    """A bus needs seats, a truck a payload, availability must not be reversed."""
    with pytest.raises(ValueError, match="seats must be >= 1"):
        Vehicle("苏E·1", "op", "d1", VehicleClass.BUS, seats=0)
    with pytest.raises(ValueError, match="capacity_t must be > 0"):
        Vehicle("苏E·2", "op", "d1", VehicleClass.TRUCK)
    with pytest.raises(ValueError, match="available_to is not after available_from"):
        Vehicle(
            "苏E·3",
            "op",
            "d1",
            VehicleClass.BUS,
            seats=45,
            available_from=at("10:00"),
            available_to=at("09:00"),
        )


def test_permit_must_end_after_it_starts() -> None:
    """An empty validity is refused."""
    with pytest.raises(ValueError, match="valid_to is not after valid_from"):
        Permit("P1", "苏E·1", PermitKind.PASSENGER, at("10:00"), at("10:00"))


def test_arrivals_frame_has_documented_dtypes_and_no_personal_data() -> None:
    """The DataFrame view is for analysis; it carries no PII columns."""
    day = make_day([worker("w1", "08:00"), worker("w2", "09:00", station="s2")])
    frame = day.arrivals_frame()
    assert list(frame["worker_id"]) == ["w1", "w2"]
    assert str(frame["arrival_time"].dtype) == "datetime64[ns]"
    assert str(frame["health_code"].dtype) == "category"
    assert not {"name", "id_number", "phone"} & set(frame.columns)


def test_policy_default_is_not_shared_state() -> None:
    """Two days hold their own policy objects; changing one by replace leaves the other."""
    first = make_day([], policy=Policy(planning_date=DATE, seed=1))
    second = first.replace(policy=first.policy.replace(seed=2))
    assert (first.policy.seed, second.policy.seed) == (1, 2)
