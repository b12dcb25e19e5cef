"""Vehicles by permit state (valid / expiring soon / missing or expired → idle), drawn per depot."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from maps.base import Card, LegendItem, MapBuilder, PointFeature, Symbol
from maps.map_labels import text
from routing.network.speed import VehicleClass
from stations.errors import ProblemCollector
from stations.lang import Lang
from stations.model import Depot


class PermitStatus(StrEnum):
    """A vehicle's permit state on the planning day."""

    VALID = "valid"
    EXPIRING = "expiring"  # valid today, runs out within the warning window
    IDLE = "idle"  # no permit, or not valid today: the vehicle may not be dispatched


PERMIT_ORDER = (PermitStatus.VALID, PermitStatus.EXPIRING, PermitStatus.IDLE)
# Pills sit to the right of the depot symbol, one row per state, so they never overlap.
PERMIT_SYMBOLS = {
    PermitStatus.VALID: Symbol("cm-veh cm-veh-valid", 24, 16, anchor=(-10, 26)),
    PermitStatus.EXPIRING: Symbol("cm-veh cm-veh-expiring", 24, 16, anchor=(-10, 8)),
    PermitStatus.IDLE: Symbol("cm-veh cm-veh-idle", 24, 16, anchor=(-10, -10)),
}
_LEGEND_SYMBOLS = {status: Symbol(s.css, s.width, s.height) for status, s in PERMIT_SYMBOLS.items()}


@dataclass(frozen=True, slots=True)
class PermitState:
    """One vehicle and the permit that applies to its work (passenger for buses, goods for trucks).

    Carries no personal data: plate, operator, depot and the permit's number and dates only.
    """

    vehicle_id: str  # the plate
    operator: str
    depot_id: str
    vehicle_class: VehicleClass = VehicleClass.BUS
    permit_no: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""  # e.g. why dispatch will not use the vehicle

    def __post_init__(self) -> None:
        if not self.vehicle_id:
            raise ValueError("vehicle_id must not be empty")
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and self.valid_from > self.valid_to
        ):
            raise ValueError(
                f"vehicle {self.vehicle_id}: permit valid_from {self.valid_from} "
                f"is after valid_to {self.valid_to}"
            )

    def status(self, day: dt.date, *, expiring_within_days: int = 7) -> PermitStatus:
        """The permit state on ``day``.

        Parameters
        ----------
        day
            The planning day.
        expiring_within_days
            A permit whose last valid day is at most this many days after ``day`` is
            "expiring". Default 7.

        Returns
        -------
        PermitStatus
            Valid, expiring, or idle (no permit / not yet or no longer valid).
        """
        if not self.permit_no:
            return PermitStatus.IDLE
        if self.valid_from is not None and day < self.valid_from:
            return PermitStatus.IDLE
        if self.valid_to is None:
            return PermitStatus.VALID
        if self.valid_to < day:
            return PermitStatus.IDLE
        if (self.valid_to - day).days <= expiring_within_days:
            return PermitStatus.EXPIRING
        return PermitStatus.VALID


def validity_text(
    permit_no: str | None, valid_from: dt.date | None, valid_to: dt.date | None, lang: Lang
) -> str:
    """``2020-02-01 – 2020-03-31`` with open ends shown as "…"; "none" without a permit."""
    if not permit_no:
        return text("no_permit", lang)
    start = "…" if valid_from is None else valid_from.isoformat()
    end = "…" if valid_to is None else valid_to.isoformat()
    return f"{start} – {end}"


def permit_label(status: PermitStatus, lang: Lang, *, expiring_within_days: int) -> str:
    """Legend / popup text of a permit state."""
    return text(f"permit.{status.value}", lang, days=expiring_within_days)


def check_depots(permits: Sequence[PermitState], depots: Iterable[Depot]) -> dict[str, Depot]:
    """Depots by id, raising ``InputError`` for every permit row whose depot is unknown."""
    by_id = {d.depot_id: d for d in depots}
    problems = ProblemCollector()
    for row, permit in enumerate(permits, start=2):
        if permit.depot_id not in by_id:
            known = ", ".join(list(by_id)[:8]) or "none"
            problems.add(
                "fleet",
                row,
                "depot_id",
                permit.depot_id,
                f"is not a known depot (known: {known})",
                "add the depot to depots or correct the vehicle's depot_id",
            )
    problems.raise_if_any()
    return by_id


def add_permit_layers(
    builder: MapBuilder,
    permits: Sequence[PermitState],
    depots: Iterable[Depot],
    *,
    day: dt.date,
    expiring_within_days: int = 7,
) -> dict[PermitStatus, int]:
    """Three layers of vehicles (valid / expiring / idle), one counted pill per depot and state.

    Parameters
    ----------
    builder
        The map being built.
    permits
        One row per vehicle.
    depots
        Depots the vehicles belong to.
    day
        The planning day the states refer to.
    expiring_within_days
        Warning window for permits that run out soon. Default 7.

    Returns
    -------
    dict
        Number of vehicles per state.

    Raises
    ------
    InputError
        If a vehicle's depot is not among ``depots``.
    """
    if expiring_within_days < 0:
        raise ValueError(f"expiring_within_days must be >= 0, got {expiring_within_days}")
    by_depot = check_depots(permits, depots)
    groups: dict[PermitStatus, dict[str, list[PermitState]]] = {
        s: defaultdict(list) for s in PERMIT_ORDER
    }
    for permit in permits:
        status = permit.status(day, expiring_within_days=expiring_within_days)
        groups[status][permit.depot_id].append(permit)
    counts = {s: sum(len(v) for v in groups[s].values()) for s in PERMIT_ORDER}
    if not permits:
        return counts
    lang = builder.lang
    for status in PERMIT_ORDER:
        label = permit_label(status, lang, expiring_within_days=expiring_within_days)
        layer = builder.layer(f"{builder.t(f'layer.permits.{status.value}')} ({counts[status]})")
        points = [
            _depot_pill(builder, by_depot[depot_id], vehicles, status, label)
            for depot_id, vehicles in sorted(groups[status].items())
        ]
        builder.add_points(layer, points)
    builder.add_legend(
        builder.t("legend.permits"),
        [
            LegendItem(
                permit_label(s, lang, expiring_within_days=expiring_within_days),
                symbol=_LEGEND_SYMBOLS[s],
                badge="3",
            )
            for s in PERMIT_ORDER
        ],
    )
    return counts


def _depot_pill(
    builder: MapBuilder,
    depot: Depot,
    vehicles: list[PermitState],
    status: PermitStatus,
    label: str,
) -> PointFeature:
    lang = builder.lang
    notes = any(v.note for v in vehicles)
    body = tuple(
        (
            v.vehicle_id,
            v.operator,
            builder.t(f"class.{v.vehicle_class.value}"),
            v.permit_no or builder.t("no_permit"),
            validity_text(v.permit_no, v.valid_from, v.valid_to, lang),
            *((v.note,) if notes else ()),
        )
        for v in sorted(vehicles, key=lambda v: v.vehicle_id)
    )
    head = (
        builder.t("field.plate"),
        builder.t("field.operator"),
        builder.t("field.class"),
        builder.t("field.permit_no"),
        builder.t("field.valid"),
        *((builder.t("field.detail"),) if notes else ()),
    )
    title = depot.name or depot.depot_id
    card = Card(title, subtitle=f"{label} · {len(vehicles)}", head=head, body=body)
    tip = f"{title}: {len(vehicles)} · {label}"
    return PointFeature(
        depot.lon, depot.lat, PERMIT_SYMBOLS[status], tip, card, badge=str(len(vehicles))
    )
