"""Small hand-checkable supply days on the tiny synthetic towns of ``tests/town_cases.py``.

Trucks drive at 80 % of the bus speed on these networks: 0.01° of longitude on the 31.30° N
road takes 1.25 truck minutes. Loading takes 10 min + 2 min per tonne, unloading the same
(``dispatch.supply.truck_problem.SupplyRules``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dispatch.charters.bus_problem import day_network
from dispatch.day import Arrival, Cargo, Day, Permit, PlaceRef, Shipment, Vehicle
from dispatch.plan import Plan, StepKind
from dispatch.supply.truck_problem import supply_places, supply_travel
from routing.network.roads import RoadNetwork
from routing.network.speed import Profile, VehicleClass
from stations.model import Exit
from tests.town_cases import at, coach, permit, town_day

TRUCK_MIN_PER_CENTIDEGREE = 1.25


def truck(
    plate: str, tonnes: float, m3: float | None = None, *, depot: str = "d1", **costs: float
) -> Vehicle:
    """A truck of the demo logistics operator with default costs unless given."""
    return Vehicle(
        plate,
        "示例物流",
        depot,
        VehicleClass.TRUCK,
        capacity_t=tonnes,
        capacity_m3=m3,
        **costs,  # type: ignore[arg-type]
    )


def goods(plate: str, *, start: str = "2020-01-01", end: str = "2021-01-01") -> Permit:
    """A goods permit for ``plate`` valid ``[start, end)``."""
    return Permit(
        f"G-{plate}",
        plate,
        "goods",  # type: ignore[arg-type]
        dt.datetime.fromisoformat(start),
        dt.datetime.fromisoformat(end),
    )


def shipment(
    shipment_id: str,
    origin: tuple[float, float],
    destination: tuple[float, float],
    cargo: str = "other",
    weight_t: float = 1.0,
    *,
    volume_m3: float | None = None,
    ready: str | None = "06:00",
    due: str | None = "20:00",
    priority: int = 1,
) -> Shipment:
    """A shipment between two bare points (``lon, lat``)."""
    return Shipment(
        shipment_id,
        PlaceRef(*origin),
        PlaceRef(*destination),
        Cargo(cargo),
        weight_t,
        volume_m3,
        None if ready is None else at(ready),
        None if due is None else at(due),
        priority,
    )


def supply_day(
    shipments: Sequence[Shipment],
    trucks: Sequence[Vehicle],
    *,
    permits: Sequence[Permit] | None = None,
    arrivals: Sequence[Arrival] = (),
    buses: Sequence[Vehicle] = (),
    exits: Sequence[Exit] = (),
    **policy_values: object,
) -> Day:
    """A ``town_day`` with shipments, trucks (a goods permit each unless ``permits`` is
    given) and optionally buses with passenger permits and their workers."""
    given = (
        list(permits)
        if permits is not None
        else [goods(t.vehicle_id) for t in trucks] + [permit(b.vehicle_id) for b in buses]
    )
    day = town_day(arrivals, fleet=[*buses, *trucks], permits=given, exits=exits, **policy_values)
    return day.replace(shipments=tuple(shipments))


def one_bus() -> Vehicle:
    """A 53-seat coach at depot d1."""
    return coach("B1", 53)


def check_supply(plan: Plan, network: RoadNetwork) -> list[str]:
    """Re-check the supply side of ``plan`` independently of the planner's code paths.

    Per truck: weight and volume on board never exceed the truck's; each leg takes at least
    the truck matrix's time (of the lane its step says); every shipment is loaded no earlier
    than it is ready and unloaded by its due time, after it was loaded, by the same truck.
    """
    problems: list[str] = []
    day = plan.day
    shipments = {s.shipment_id: s for s in day.shipments}
    travel = supply_travel(day, day_network(day, network))
    index = {p.place_id: i for i, p in enumerate(travel.places)}
    known = supply_places(day)
    for route in plan.truck_routes:
        vehicle = day.vehicle(route.vehicle_id)
        tonnes = m3 = 0.0
        loaded: dict[str, dt.datetime] = {}
        for k, step in enumerate(route.steps):
            assert step.place_id in known, step.place_id
            if step.kind is StepKind.LOAD and step.trip_id is not None:
                s = shipments[step.trip_id]
                tonnes += s.weight_t
                m3 += s.volume_m3 or 0.0
                loaded[s.shipment_id] = step.begin
                if s.ready_time is not None and step.begin < s.ready_time:
                    problems.append(f"{s.shipment_id} loaded before it is ready")
            elif step.kind is StepKind.UNLOAD and step.trip_id is not None:
                s = shipments[step.trip_id]
                tonnes -= s.weight_t
                m3 -= s.volume_m3 or 0.0
                if s.shipment_id not in loaded:
                    problems.append(f"{s.shipment_id} unloaded before it is loaded")
                if s.due_time is not None and step.begin > s.due_time:
                    problems.append(f"{s.shipment_id} unloaded after its due time")
            if tonnes > (vehicle.capacity_t or 0.0) + 1e-9:
                problems.append(f"{route.vehicle_id} carries {tonnes} t")
            if vehicle.capacity_m3 is not None and m3 > vehicle.capacity_m3 + 1e-9:
                problems.append(f"{route.vehicle_id} carries {m3} m³")
            if k + 1 < len(route.steps):
                nxt = route.steps[k + 1]
                lane = Profile.TRUCK_PRIORITY if step.green_channel else Profile.TRUCK
                if lane in travel.matrices:
                    need = travel.matrices[lane].time_min[index[step.place_id], index[nxt.place_id]]
                    took = (nxt.arrival - step.departure).total_seconds() / 60.0
                    if not took >= need - 0.02:
                        problems.append(
                            f"{route.vehicle_id}: {step.place_id} → {nxt.place_id} in "
                            f"{took:.2f} min, the matrix says {need:.2f}"
                        )
        if abs(tonnes) > 1e-9:
            problems.append(f"{route.vehicle_id} ends the day loaded")
    return problems
