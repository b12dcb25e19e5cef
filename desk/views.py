"""What the plan page shows of a stored version, as rows of text: KPIs, the employers' figures,
unserved and excluded workers by station, employer and reason, the vehicles used and idle.
No personal data: workers are counted, never named."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from dispatch.outputs.plan_json import PlanDocument
from stations.lang import Lang, pick

Row = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The tables of the plan page."""

    kpis: tuple[Row, ...]
    employers: tuple[Row, ...]
    unserved: tuple[Row, ...]
    excluded: tuple[Row, ...]
    vehicles: tuple[Row, ...]
    idle: tuple[Row, ...]


def _names(document: PlanDocument, lang: Lang) -> tuple[dict[str, str], dict[str, str]]:
    stations = {s.id: pick((s.name_zh, s.name_en), lang.single) for s in document.places.stations}
    employers = {e.id: e.name for e in document.places.enterprises}
    return stations, employers


def plan_view(document: PlanDocument, kpi_rows: list[tuple[str, str, str]], lang: Lang) -> PlanView:
    """The plan page's tables of ``document`` (``kpi_rows`` as ``dispatch.outputs.labels``
    gives them for the version's KPIs)."""
    stations, employers = _names(document, lang)
    unserved = Counter(
        (
            stations.get(u.station, u.station),
            employers.get(u.enterprise, u.enterprise),
            pick((u.reason_zh, u.reason_en), lang),
        )
        for u in document.unserved
    )
    excluded = Counter(
        (
            stations.get(x.station, x.station),
            employers.get(x.enterprise, x.enterprise),
            pick((x.reason_zh, x.reason_en), lang),
        )
        for x in document.excluded
    )
    transported = Counter[str]()
    trips = Counter[str]()
    for trip in document.trips:
        transported[trip.enterprise] += trip.headcount
        trips[trip.enterprise] += 1
    left_out = Counter(u.enterprise for u in document.unserved)
    kept_out = Counter(x.enterprise for x in document.excluded)
    employer_rows = tuple(
        (
            e.name,
            str(transported[e.id]),
            str(trips[e.id]),
            str(kept_out[e.id]),
            str(left_out[e.id]),
        )
        for e in document.places.enterprises
        if transported[e.id] or left_out[e.id] or kept_out[e.id]
    )
    vehicles = tuple(
        (
            r.vehicle,
            r.operator,
            r.depot,
            r.vehicle_class.value,
            str(r.capacity if r.capacity is not None else r.capacity_t or ""),
            r.start.strftime("%H:%M"),
            r.end.strftime("%H:%M"),
            str(len(r.trips or ())),
            "" if r.workers is None else str(r.workers),
        )
        for r in (*document.routes, *document.truck_routes)
    )
    idle = tuple(
        (
            v.vehicle,
            v.operator,
            v.depot,
            v.vehicle_class.value,
            pick((v.reason_zh, v.reason_en), lang),
        )
        for v in document.idle_vehicles
    )
    return PlanView(
        kpis=tuple(tuple(row) for row in kpi_rows),
        employers=employer_rows,
        unserved=tuple((*key, str(n)) for key, n in sorted(unserved.items())),
        excluded=tuple((*key, str(n)) for key, n in sorted(excluded.items())),
        vehicles=vehicles,
        idle=idle,
    )
