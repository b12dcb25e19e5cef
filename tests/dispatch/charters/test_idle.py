"""dispatch.charters.idle: vehicles without trips, each with its reason in both languages."""

from __future__ import annotations

from dispatch.charters.fleet import check_fleet
from dispatch.charters.idle import idle_vehicles
from dispatch.day import Vehicle
from routing.network.speed import VehicleClass
from tests.town_cases import coach, permit, town_day


def test_rejected_first_then_unused_usable_ones() -> None:
    """A bus without permit, a used bus, an unused bus and a truck: three idle rows."""
    truck = Vehicle("T1", "物流", "d1", VehicleClass.TRUCK, capacity_t=5.0)
    fleet = [coach("NONE", 53), coach("USED", 53), coach("SPARE", 19), truck]
    permits = [permit("USED"), permit("SPARE"), permit("T1", kind="goods")]
    day = town_day([], fleet=fleet, permits=permits)
    rows = idle_vehicles(check_fleet(day), used={"USED"})
    assert [(r.vehicle_id, r.reason_en) for r in rows] == [
        ("NONE", "has no transport permit"),
        ("SPARE", "not needed: the trips are covered by other buses"),
        (
            "T1",
            "not needed: the shipments are covered by other trucks (trucks never carry workers)",
        ),
    ]
    assert [r.reason_zh for r in rows] == [
        "无道路运输许可证",
        "运力富余，未派用",
        "货车运力富余，未派用（货车不载员工）",
    ]
    assert [r.permit_no for r in rows] == [None, "P-SPARE", "P-T1"]
