"""Vehicles of the fleet without trips in a plan, each with the reason (zh/en)."""

from __future__ import annotations

from collections.abc import Collection

from dispatch.charters.fleet import FleetCheck
from dispatch.plan import IdleVehicle
from routing.network.speed import VehicleClass
from stations.lang import Lang

NOT_NEEDED = ("运力富余，未派用", "not needed: the trips are covered by other buses")
GOODS_VEHICLE = (
    "货车运力富余，未派用（货车不载员工）",
    "not needed: the shipments are covered by other trucks (trucks never carry workers)",
)


def idle_vehicles(fleet: FleetCheck, used: Collection[str]) -> tuple[IdleVehicle, ...]:
    """Rejected vehicles with their reason, then usable ones left unused, in fleet order."""
    rows: list[IdleVehicle] = []
    for rejected in fleet.rejected:
        v = rejected.vehicle
        rows.append(
            IdleVehicle(
                vehicle_id=v.vehicle_id,
                operator=v.operator,
                depot_id=v.depot_id,
                vehicle_class=v.vehicle_class,
                reason_zh=rejected.describe(Lang.ZH),
                reason_en=rejected.describe(Lang.EN),
            )
        )
    for usable in fleet.usable:
        v = usable.vehicle
        if v.vehicle_id in used:
            continue
        zh, en = NOT_NEEDED if v.vehicle_class is VehicleClass.BUS else GOODS_VEHICLE
        rows.append(
            IdleVehicle(
                vehicle_id=v.vehicle_id,
                operator=v.operator,
                depot_id=v.depot_id,
                vehicle_class=v.vehicle_class,
                reason_zh=zh,
                reason_en=en,
                permit_no=usable.permit.permit_no,
            )
        )
    return tuple(rows)
