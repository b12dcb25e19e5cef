"""Why a shipment gets no truck: the generic diagnosis of each run in supply words.

``routing.vrp.diagnose.explain`` gives each job the solver left out a generic reason; here it
becomes a ``ShipmentReason`` with a detail in tonnes, cubic metres, places and clock times:

* no truck profile in the run — ``no_usable_truck`` (no truck with a valid goods permit), or,
  in the run for other cargo, ``trucks_exhausted`` when the trucks are all on priority runs;
* no truck large enough — which truck would carry its weight, or its volume;
* no route — the exits whose status (closed) cuts it (``route_blocked_by_exit``), else
  ``no_road_route``;
* windows and shifts — ``due_time_unreachable`` or ``outside_all_shifts``; in the run for other
  cargo, a shipment a truck could carry alone with its whole shift is ``trucks_exhausted``
  (priority cargo took the trucks first);
* every truck that could carry it busy — ``trucks_exhausted`` naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dispatch.day import Day, Shipment, Vehicle
from dispatch.plan import UnservedShipment
from dispatch.policy import format_clock
from dispatch.reasons import ShipmentReason
from dispatch.supply.truck_problem import SupplyProblem, SupplyTravel
from routing.network.daynetwork import DayNetwork
from routing.network.speed import VehicleClass
from routing.vrp.servability import Reason, ReasonCode
from stations.model import ExitStatus

_STATUS_TEXT = {
    ExitStatus.CLOSED: "closed",
    ExitStatus.FREIGHT_ONLY: "freight-only",
    ExitStatus.OPEN: "open",
    ExitStatus.GREEN_CHANNEL: "green channel",
}
_SHIFTS = (
    ReasonCode.OUTSIDE_ALL_SHIFTS,
    ReasonCode.SHIFT_TOO_SHORT,
    ReasonCode.TIME_WINDOW_UNREACHABLE,
    ReasonCode.RIDE_TOO_LONG,
    ReasonCode.NO_VEHICLE_PROFILE,
)
_BUSY = (ReasonCode.FLEET_EXHAUSTED, ReasonCode.PENALTY_TOO_LOW, ReasonCode.SEARCH_LIMIT)

Explained = tuple[ShipmentReason, str, tuple[str, ...]]
# job id -> plates that could carry it alone with their whole shifts, or why none can
FreshCheck = Callable[[str], tuple[tuple[str, ...], Reason | None]]


def _plates(plates: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(plates[:limit])
    return shown + (f" and {len(plates) - limit} more" if len(plates) > limit else "")


def _window(day: Day, shipment: Shipment) -> str:
    ready = format_clock(day.minutes_of(shipment.ready_time or day.day_start))
    due = format_clock(day.minutes_of(shipment.due_time or day.day_end))
    return f"{ready}–{due}"


class SupplyBlame:
    """Exits blamed for cut arcs of the supply places (asked once per pair and profile), and
    the usable trucks (for size details)."""

    def __init__(
        self, day: Day, travel: SupplyTravel, daynet: DayNetwork, trucks: Sequence[Vehicle]
    ) -> None:
        self.day = day
        self.travel = travel
        self.daynet = daynet
        self.trucks = tuple(trucks)
        self.memo: dict[tuple[str, int, int], tuple[str, ...]] = {}

    def exits(self, run: SupplyProblem, arcs: Sequence[tuple[int, int]]) -> tuple[str, ...]:
        """Exit ids whose status cuts any of the ``(from, to)`` location pairs, in order."""
        found: list[str] = []
        places = self.travel.places
        for a, b in arcs:
            key = (run.profile.value, a, b)
            if key not in self.memo:
                self.memo[key] = self.daynet.blocking_exits(
                    places[a], places[b], profile=run.profile
                )
            found.extend(e for e in self.memo[key] if e not in found)
        return tuple(found)

    def describe(self, exit_ids: Sequence[str]) -> str:
        """``id name (status)`` of each exit."""
        parts = []
        for exit_id in exit_ids:
            ex = self.day.exits[exit_id]
            parts.append(f"{exit_id} {ex.name} ({_STATUS_TEXT[ex.status]})")
        return ", ".join(parts)


def _arcs_text(travel: SupplyTravel, arcs: Sequence[tuple[int, int]]) -> str:
    names = [f"{travel.places[a].name} → {travel.places[b].name}" for a, b in arcs[:3]]
    return ", ".join(names) + (f" and {len(arcs) - 3} more" if len(arcs) > 3 else "")


def no_truck_detail(day: Day) -> str:
    """Why no truck at all can be dispatched."""
    trucks = sum(1 for v in day.fleet if v.vehicle_class is VehicleClass.TRUCK)
    if trucks == 0:
        return "the fleet has no trucks"
    return (
        f"none of the {trucks} truck(s) in the fleet holds a goods permit valid in its working "
        "hours (see the vehicles)"
    )


def too_big_detail(trucks: Sequence[Vehicle], shipment: Shipment) -> str:
    """Which truck dimension the shipment exceeds (``trucks``: the usable ones)."""
    heaviest = max(v.capacity_t or 0.0 for v in trucks)
    if shipment.weight_t > heaviest:
        return f"weighs {shipment.weight_t:g} t; the largest permitted truck carries {heaviest:g} t"
    volume = shipment.volume_m3 or 0.0
    able = [v for v in trucks if (v.capacity_t or 0.0) >= shipment.weight_t]
    roomiest = max((v.capacity_m3 or 0.0) for v in able)
    return (
        f"takes {volume:g} m³; the permitted trucks that carry its {shipment.weight_t:g} t "
        f"hold at most {roomiest:g} m³"
    )


def shipment_reason(
    run: SupplyProblem,
    shipment: Shipment,
    reason: Reason,
    blame: SupplyBlame,
    *,
    fresh: FreshCheck | None,
) -> Explained:
    """``(reason, detail, exits)`` for a shipment left out of ``run``.

    ``fresh`` (the run for other cargo only) tells whether a truck with its whole shift could
    carry the shipment alone; then a window, shift or missing-truck reason means the priority
    runs took the trucks.
    """
    day = blame.day
    code = reason.code
    if fresh is not None and code in _SHIFTS:
        plates, why = fresh(shipment.shipment_id)
        if plates:
            return (
                ShipmentReason.TRUCKS_EXHAUSTED,
                f"{len(plates)} truck(s) could carry it alone ({_plates(plates)}), but they are "
                f"on priority runs (green channel) around its window {_window(day, shipment)}",
                (),
            )
        if why is not None:
            reason, code = why, why.code
    if code in (ReasonCode.NO_VEHICLE_PROFILE, ReasonCode.NOT_ALLOWED_VEHICLE):
        return ShipmentReason.NO_USABLE_TRUCK, no_truck_detail(day), ()
    if code is ReasonCode.NO_VEHICLE_LARGE_ENOUGH:
        return ShipmentReason.NO_TRUCK_LARGE_ENOUGH, too_big_detail(blame.trucks, shipment), ()
    if code is ReasonCode.UNREACHABLE:
        exits = blame.exits(run, reason.arcs)
        where = _arcs_text(blame.travel, reason.arcs)
        if exits:
            cut = blame.describe(exits)
            return (
                ShipmentReason.ROUTE_BLOCKED_BY_EXIT,
                f"no truck route {where}: cut by exit {cut}",
                exits,
            )
        return (
            ShipmentReason.NO_ROAD_ROUTE,
            f"no truck can drive {where}: the roads do not connect these places",
            (),
        )
    if code in (ReasonCode.OUTSIDE_ALL_SHIFTS, ReasonCode.SHIFT_TOO_SHORT):
        return ShipmentReason.OUTSIDE_ALL_SHIFTS, reason.detail, ()
    if code in (ReasonCode.TIME_WINDOW_UNREACHABLE, ReasonCode.RIDE_TOO_LONG):
        return ShipmentReason.DUE_TIME_UNREACHABLE, reason.detail, ()
    busy = list(reason.vehicles)
    if len(busy) == 1:
        lead = f"truck {busy[0]} could carry it alone, but it is"
    elif busy:
        lead = f"{len(busy)} trucks could carry it alone ({_plates(busy)}), but all of them are"
    else:
        lead = "every truck that could carry it is"
    return (
        ShipmentReason.TRUCKS_EXHAUSTED,
        f"{lead} busy with higher-priority or other loads around its window "
        f"{_window(day, shipment)}",
        (),
    )


def unserved_shipments(
    day: Day,
    runs: Sequence[tuple[SupplyProblem, Sequence[str], Mapping[str, Reason], FreshCheck | None]],
    blame: SupplyBlame,
) -> tuple[UnservedShipment, ...]:
    """One row per shipment no run carries, in the day's shipment order.

    Parameters
    ----------
    day
        The planning day.
    runs
        Per run: its problem, the job ids it leaves unserved, their generic reasons, and the
        whole-shift check (None for the priority run).
    blame
        Exit blame on the day network.
    """
    found: dict[str, UnservedShipment] = {}
    for run, unassigned, reasons, fresh in runs:
        for shipment_id in unassigned:
            shipment = run.shipments[shipment_id]
            code, detail, exits = shipment_reason(
                run, shipment, reasons[shipment_id], blame, fresh=fresh
            )
            found[shipment_id] = UnservedShipment(
                shipment_id=shipment_id,
                cargo=shipment.cargo,
                weight_t=shipment.weight_t,
                reason=code,
                detail=detail,
                exits=exits,
            )
    return tuple(found[s.shipment_id] for s in day.shipments if s.shipment_id in found)
