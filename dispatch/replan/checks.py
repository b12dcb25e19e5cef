"""Checking events against the day they happen on: every worker, station, train, exit,
vehicle and shipment they name must exist (or be added by an event), every new id must be
new. All problems at once, each naming the event's table, row and column, the value and the
fix."""

from __future__ import annotations

from collections.abc import Iterable

from dispatch.day import Day
from dispatch.replan.events import (
    Event,
    EventLog,
    ExitChange,
    NoShow,
    ShipmentAdded,
    ShipmentCancelled,
    TrainDelay,
    VehicleAdded,
    VehicleBreakdown,
    WalkIn,
)
from stations.errors import InputProblem

SHOWN = 12  # known ids listed in a fix


def _known(ids: Iterable[str]) -> str:
    listed = sorted(set(ids))
    more = f", … ({len(listed)} in all)" if len(listed) > SHOWN else ""
    return (", ".join(listed[:SHOWN]) + more) or "(none)"


class _Checker:
    """Collects the problems of one event log against one day."""

    def __init__(self, day: Day, log: EventLog) -> None:
        self.day = day
        self.problems: list[InputProblem] = []
        self.registered = set(day.worker_ids)
        self.walk_ins = {a.worker_id for e in log.walk_ins for a in e.arrivals}
        self.plates = {v.vehicle_id for v in day.fleet}
        self.added_plates = {e.vehicle.vehicle_id for e in log.vehicles_added}
        self.shipments = {s.shipment_id for s in day.shipments}
        self.added_shipments = {e.shipment.shipment_id for e in log.shipments_added}

    def add(self, event: Event, column: str, value: str, message: str, fix: str) -> None:
        source = event.source
        self.problems.append(InputProblem(source.table, source.row, column, value, message, fix))

    def station(self, event: Event, station_id: str) -> bool:
        if station_id in self.day.stations:
            return True
        self.add(
            event,
            "station_id",
            station_id,
            "is not a known station",
            f"use one of: {_known(self.day.stations)}",
        )
        return False

    def train(self, event: Event, station_id: str, train_no: str) -> bool:
        trains = {a.train_no for a in self.day.arrivals if a.station_id == station_id}
        if train_no in trains:
            return True
        self.add(
            event,
            "train_no",
            train_no,
            f"is not a train of a registered worker arriving at {station_id}",
            f"use one of: {_known(t for t in trains if t)}",
        )
        return False

    def delay(self, event: TrainDelay) -> None:
        if not self.station(event, event.station_id):
            return
        if event.train_no is not None and not self.train(event, event.station_id, event.train_no):
            return
        if not any(event.matches(a) for a in self.day.arrivals):
            self.add(
                event,
                "window_from",
                "",
                f"moves no registered arrival at {event.station_id}",
                "check the train number and the arrival window",
            )

    def no_show(self, event: NoShow) -> None:
        unknown = [w for w in event.worker_ids if w not in self.registered | self.walk_ins]
        if unknown:
            self.add(
                event,
                "worker_ids",
                " ".join(unknown[:SHOWN]),
                f"{len(unknown)} worker id(s) are neither registered nor walk-ins",
                "give registered worker ids (arrivals `worker_id`)",
            )
        station, train = event.station_id, event.train_no
        if station is not None and self.station(event, station) and train is not None:
            self.train(event, station, train)

    def walk_in(self, event: WalkIn, seen: set[str]) -> None:
        for arrival in event.arrivals:
            if arrival.worker_id in self.registered or arrival.worker_id in seen:
                self.add(
                    event,
                    "worker_id",
                    arrival.worker_id,
                    "is already registered (or another walk-in)",
                    "give each walk-in a new worker id",
                )
            seen.add(arrival.worker_id)
            self.station(event, arrival.station_id)
            if arrival.enterprise_id not in self.day.enterprises:
                self.add(
                    event,
                    "enterprise_id",
                    arrival.enterprise_id,
                    "is not a known enterprise",
                    f"use one of: {_known(self.day.enterprises)}",
                )

    def exit_change(self, event: ExitChange) -> None:
        if event.exit_id not in self.day.exits:
            self.add(
                event,
                "exit_id",
                event.exit_id,
                "is not a known exit",
                f"use one of: {_known(self.day.exits)} (see `charter exits list`)",
            )

    def breakdown(self, event: VehicleBreakdown) -> None:
        if event.vehicle_id not in self.plates | self.added_plates:
            self.add(
                event,
                "vehicle_id",
                event.vehicle_id,
                "is not a vehicle of the fleet (nor added)",
                f"use one of: {_known(self.plates)}",
            )

    def vehicle_added(self, event: VehicleAdded, seen: set[str]) -> None:
        plate = event.vehicle.vehicle_id
        if plate in self.plates or plate in seen:
            self.add(event, "vehicle_id", plate, "is already in the fleet", "give the new plate")
        seen.add(plate)
        if event.vehicle.depot_id not in self.day.depots:
            self.add(
                event,
                "depot_id",
                event.vehicle.depot_id,
                "is not a known depot",
                f"use one of: {_known(self.day.depots)}",
            )

    def shipment_added(self, event: ShipmentAdded, seen: set[str]) -> None:
        shipment_id = event.shipment.shipment_id
        if shipment_id in self.shipments or shipment_id in seen:
            self.add(
                event,
                "shipment_id",
                shipment_id,
                "is already a shipment of the day",
                "give the new shipment its own id",
            )
        seen.add(shipment_id)

    def shipment_cancelled(self, event: ShipmentCancelled) -> None:
        if event.shipment_id not in self.shipments | self.added_shipments:
            self.add(
                event,
                "shipment_id",
                event.shipment_id,
                "is not a shipment of the day (nor added)",
                f"use one of: {_known(self.shipments)}",
            )


def event_problems(day: Day, log: EventLog) -> list[InputProblem]:
    """Every reference of ``log`` that ``day`` does not know, as input problems."""
    checker = _Checker(day, log)
    walked: set[str] = set()
    plates: set[str] = set()
    shipments: set[str] = set()
    for event in log.events:
        if isinstance(event, TrainDelay):
            checker.delay(event)
        elif isinstance(event, NoShow):
            checker.no_show(event)
        elif isinstance(event, WalkIn):
            checker.walk_in(event, walked)
        elif isinstance(event, ExitChange):
            checker.exit_change(event)
        elif isinstance(event, VehicleBreakdown):
            checker.breakdown(event)
        elif isinstance(event, VehicleAdded):
            checker.vehicle_added(event, plates)
        elif isinstance(event, ShipmentAdded):
            checker.shipment_added(event, shipments)
        else:
            checker.shipment_cancelled(event)
    return sorted(checker.problems, key=lambda p: (p.table, p.row or 0))
