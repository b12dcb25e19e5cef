"""The supply sheets of plan.xlsx: truck trip sheets, consignee notices, unserved shipments.

Written only for a day with shipments (after the sheets of ``dispatch.outputs.sheets``). Times as
local ``HH:MM`` (``+1`` after midnight of the planning day); place names as the shipments
give them (or the known place's name).
"""

from __future__ import annotations

from collections.abc import Mapping

from dispatch.day import Cargo
from dispatch.outputs.labels import text
from dispatch.outputs.sheets import Sheet, clock, rows_frame
from dispatch.plan import Plan, StepKind
from dispatch.reasons import reason_text
from dispatch.supply.truck_problem import SupplyPlace, shipment_ends, supply_places
from stations.lang import Lang, pick

TRUCK_TRIP_KEYS = (
    "vehicle",
    "permit_no",
    "driver",
    "run",
    "green_channel",
    "shipment_id",
    "cargo",
    "priority",
    "weight_t",
    "volume_m3",
    "origin",
    "load_start",
    "depart",
    "destination",
    "arrive",
    "unload_start",
    "due_time",
    "on_time",
    "distance_km",
)
CONSIGNEE_KEYS = (
    "consignee",
    "destination_id",
    "eta",
    "unload_start",
    "due_time",
    "on_time",
    "shipment_id",
    "cargo",
    "weight_t",
    "volume_m3",
    "origin",
    "depart",
    "vehicle",
    "permit_no",
)
UNSERVED_KEYS = (
    "shipment_id",
    "cargo",
    "priority",
    "weight_t",
    "volume_m3",
    "origin",
    "destination",
    "ready_time",
    "due_time",
    "reason",
    "reason_text",
    "detail",
    "exits",
)


def _cargo(cargo: Cargo, lang: Lang) -> str:
    return text(f"cargo.{cargo.value}", lang)


def _yes(flag: bool, lang: Lang) -> str:
    return text("yes" if flag else "no", lang)


def _runs(plan: Plan) -> dict[str, tuple[int, bool]]:
    """Run number (1, 2, …) of each shipment on its truck, and whether the run had the pass."""
    found: dict[str, tuple[int, bool]] = {}
    for route in plan.truck_routes:
        run = 0
        for step in route.steps:
            if step.kind is StepKind.LEAVE_DEPOT:
                run += 1
            elif step.kind is StepKind.LOAD and step.trip_id is not None:
                found[step.trip_id] = (run, step.green_channel)
    return found


def truck_trips_sheet(plan: Plan, lang: Lang, places: Mapping[str, SupplyPlace]) -> Sheet:
    """Per truck (fleet order) and shipment in loading order: permit, a blank driver cell,
    the run and its lane, cargo, where and when it is loaded and unloaded, the due time."""
    date = plan.day.date
    runs = _runs(plan)
    by_truck = {r.vehicle_id: r for r in plan.truck_routes}
    order = {r.vehicle_id: k for k, r in enumerate(plan.truck_routes)}
    rows = []
    for d in sorted(plan.deliveries, key=lambda d: (order[d.vehicle_id], d.load_start)):
        run, green = runs[d.shipment_id]
        rows.append(
            {
                "vehicle": d.vehicle_id,
                "permit_no": by_truck[d.vehicle_id].permit_no,
                "driver": "",
                "run": run,
                "green_channel": _yes(green, lang),
                "shipment_id": d.shipment_id,
                "cargo": _cargo(d.cargo, lang),
                "priority": d.priority,
                "weight_t": d.weight_t,
                "volume_m3": d.volume_m3,
                "origin": places[d.origin_id].name,
                "load_start": clock(d.load_start, date),
                "depart": clock(d.depart, date),
                "destination": places[d.destination_id].name,
                "arrive": clock(d.arrive, date),
                "unload_start": clock(d.unload_start, date),
                "due_time": clock(d.due_time, date),
                "on_time": _yes(d.on_time, lang),
                "distance_km": round(d.distance_km, 1),
            }
        )
    return Sheet("truck_trips", rows_frame(rows, TRUCK_TRIP_KEYS))


def consignee_notices_sheet(plan: Plan, lang: Lang, places: Mapping[str, SupplyPlace]) -> Sheet:
    """Per consignee (destination) and ETA: what arrives, from where, on which truck."""
    date = plan.day.date
    permits = {r.vehicle_id: r.permit_no for r in plan.truck_routes}
    rows = []
    for d in sorted(
        plan.deliveries,
        key=lambda d: (places[d.destination_id].name, d.destination_id, d.arrive, d.shipment_id),
    ):
        rows.append(
            {
                "consignee": places[d.destination_id].name,
                "destination_id": d.destination_id,
                "eta": clock(d.arrive, date),
                "unload_start": clock(d.unload_start, date),
                "due_time": clock(d.due_time, date),
                "on_time": _yes(d.on_time, lang),
                "shipment_id": d.shipment_id,
                "cargo": _cargo(d.cargo, lang),
                "weight_t": d.weight_t,
                "volume_m3": d.volume_m3,
                "origin": places[d.origin_id].name,
                "depart": clock(d.depart, date),
                "vehicle": d.vehicle_id,
                "permit_no": permits[d.vehicle_id],
            }
        )
    return Sheet("consignee_notices", rows_frame(rows, CONSIGNEE_KEYS))


def unserved_shipments_sheet(plan: Plan, lang: Lang) -> Sheet:
    """Shipments no truck carries, with the reason, detail and exits involved."""
    date = plan.day.date
    shipments = {s.shipment_id: s for s in plan.day.shipments}
    _, ends = shipment_ends(plan.day)
    rows = []
    for u in plan.unserved_shipments:
        shipment = shipments[u.shipment_id]
        rows.append(
            {
                "shipment_id": u.shipment_id,
                "cargo": _cargo(u.cargo, lang),
                "priority": shipment.priority,
                "weight_t": u.weight_t,
                "volume_m3": shipment.volume_m3,
                "origin": ends[u.shipment_id].origin.name,
                "destination": ends[u.shipment_id].destination.name,
                "ready_time": clock(shipment.ready_time, date),
                "due_time": clock(shipment.due_time, date),
                "reason": u.reason.value,
                "reason_text": pick(
                    (reason_text(u.reason, Lang.ZH), reason_text(u.reason, Lang.EN)), lang
                ),
                "detail": u.detail,
                "exits": ", ".join(u.exits),
            }
        )
    return Sheet("unserved_shipments", rows_frame(rows, UNSERVED_KEYS))


def supply_sheets(plan: Plan, lang: Lang) -> tuple[Sheet, ...]:
    """The supply sheets in workbook order (none for a day without shipments)."""
    if not plan.day.shipments:
        return ()
    places = supply_places(plan.day)
    return (
        truck_trips_sheet(plan, lang, places),
        consignee_notices_sheet(plan, lang, places),
        unserved_shipments_sheet(plan, lang),
    )
