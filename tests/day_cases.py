"""Small planning days built in code for the dispatch tests (the CSV fixture days live in
tests/data/days; see the README.md in each)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path

from dispatch.day import Arrival, Day, HealthCode, NucleicTest, Permit, Vehicle, VehicleClass
from dispatch.policy import Policy
from stations.model import Depot, Enterprise, Registry, Station, StationKind
from tests.paths import DATA

DAYS = DATA / "days"
DATE = dt.date(2020, 2, 24)


def at(clock: str, date: dt.date = DATE) -> dt.datetime:
    """``HH:MM`` on the planning date (hours may pass 23 for after midnight)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return dt.datetime.combine(date, dt.time()) + dt.timedelta(hours=hours, minutes=minutes)


def worker(
    worker_id: str,
    clock: str | dt.datetime,
    *,
    station: str = "s1",
    enterprise: str = "e1",
    origin: str = "河南省信阳市",
    health: HealthCode = HealthCode.GREEN,
    test: NucleicTest = NucleicTest.NONE,
) -> Arrival:
    """One arrival with sensible defaults."""
    when = at(clock) if isinstance(clock, str) else clock
    return Arrival(worker_id, enterprise, station, when, origin, health, test)


def bus(plate: str, seats: int, *, depot: str = "d1") -> Vehicle:
    """A bus of ``seats`` seats at depot ``d1``."""
    return Vehicle(plate, "合成客运", depot, VehicleClass.BUS, seats=seats)


def passenger_permit(
    plate: str, start: str = "2020-01-01", end: str = "2021-01-01", *, number: str = ""
) -> Permit:
    """A passenger permit valid over ``[start, end)`` (number ``P-<plate>`` unless given)."""
    return Permit(
        number or f"P-{plate}",
        plate,
        "passenger",  # type: ignore[arg-type]
        dt.datetime.fromisoformat(start),
        dt.datetime.fromisoformat(end),
    )


def make_day(
    arrivals: Sequence[Arrival],
    *,
    policy: Policy | None = None,
    fleet: Sequence[Vehicle] = (),
    permits: Sequence[Permit] | None = None,
    stations: int = 2,
    enterprises: int = 3,
    uncertified: Sequence[str] = (),
) -> Day:
    """A day at two stations ``s1``, ``s2`` and employers ``e1``… near Suzhou; every bus gets a
    passenger permit for 2020 unless ``permits`` is given."""
    station_objs = [
        Station(f"s{i}", f"站{i}", f"Station {i}", StationKind.RAIL, 120.6 + 0.05 * i, 31.33)
        for i in range(1, stations + 1)
    ]
    enterprise_objs = [
        Enterprise(f"e{i}", f"企业{i}", 120.7, 31.3 + 0.01 * i, f"e{i}" not in uncertified)
        for i in range(1, enterprises + 1)
    ]
    if permits is None:
        permits = [passenger_permit(v.vehicle_id) for v in fleet]
    return Day(
        date=DATE,
        policy=policy or Policy(planning_date=DATE),
        stations=Registry.of("station", station_objs, "station_id"),
        enterprises=Registry.of("enterprise", enterprise_objs, "enterprise_id"),
        depots=Registry.of("depot", [Depot("d1", "合成客运", 120.65, 31.32)], "depot_id"),
        exits=Registry("exit", ()),
        arrivals=tuple(arrivals),
        fleet=tuple(fleet),
        permits=tuple(permits),
    )


def copied_day(tmp_path: Path, source: Path) -> Path:
    """A writable copy of the fixture day folder ``source``."""
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def edit(folder: Path, file: str, old: str, new: str) -> None:
    """Replace ``old`` (which must occur) by ``new`` in one file of a day folder."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
