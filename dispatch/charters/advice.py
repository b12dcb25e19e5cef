"""What would serve the workers a plan leaves unserved: changes measured by planning again.

Each piece of advice is a change the centre can make — pool small groups, end the operating
day later (when the buses work longer than the day), send more buses from one depot — and the
number of workers it serves is *measured*: the changed day's charters are planned again with the
plan's own solver settings on the same road network, and the difference in transported workers
is what the advice promises. With ``effort`` set the re-plan is deterministic, so applying the
change and planning the day again serves exactly that many more (docs/planning.md, "Advice").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Sequence

from dispatch.charters.bus_problem import (
    FEN_PER_CNY,
    DayTravel,
    build_problem,
    day_travel,
    depot_key,
    station_key,
)
from dispatch.charters.fleet import UsableVehicle
from dispatch.charters.prepare import Prepared, prepare
from dispatch.day import Day, Permit, PermitKind, Vehicle
from dispatch.plan import Advice, AdviceKind
from dispatch.policy import LATEST_CLOCK_MIN, Mixing, format_clock
from routing.network.daynetwork import DayNetwork
from routing.vrp import Solution, SolveParams, solve

logger = logging.getLogger(__name__)

MORE_BUSES_SHARE = 0.2  # most buses advised, as a share of the usable ones (at least 1)
ADVICE_PLATE = "增援{depot}-{number}"  # plates of the buses a "more buses" re-plan adds
ADVICE_TIME_SHARE = 1 / 3  # of the plan's time limit, per advice re-plan without an effort


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """What one charter re-plan achieves: workers transported, buses used, cost (CNY)."""

    workers: int
    buses: int
    cost_cny: float


def outcome(prepared: Prepared, solution: Solution) -> Outcome:
    """The workers, buses and running cost of ``solution`` of ``prepared``'s requests."""
    requests = {r.request_id: r for r in prepared.grouping.requests}
    served = {s.job_id for r in solution.routes for s in r.stops if s.job_id is not None}
    workers = sum(requests[i].passengers for i in served if i in requests)
    cost = sum(r.cost for r in solution.routes) / FEN_PER_CNY
    return Outcome(workers, len(solution.routes), round(cost, 2))


def replan(day: Day, daynet: DayNetwork, params: SolveParams) -> Outcome:
    """Plan ``day``'s charters alone (no supply, no reasons, no bound) on ``daynet``."""
    prepared = prepare(day)
    travel = day_travel(prepared, daynet)
    built = build_problem(prepared, travel)
    return outcome(prepared, solve(built.problem, params))


def pooled_day(day: Day) -> Day | None:
    """The day with small groups pooled (``mixing = auto``), if it is point to point."""
    if day.policy.mixing is not Mixing.NONE:
        return None
    return day.replace(policy=day.policy.replace(mixing=Mixing.AUTO))


def later_day(day: Day, prepared: Prepared) -> Day | None:
    """The day ending when the usable buses stop working (at most 30:00), if that is later
    than the operating day's end."""
    ends = [
        v.vehicle.available_to for v in prepared.fleet.buses if v.vehicle.available_to is not None
    ]
    if not ends:
        return None
    midnight = dt.datetime.combine(day.date, dt.time())
    latest = max(int((end - midnight).total_seconds() // 60) for end in ends)
    latest = min(latest, LATEST_CLOCK_MIN)
    if latest <= day.policy.day_end_min:
        return None
    return day.replace(policy=day.policy.replace(day_end_min=latest))


def advised_depot(
    prepared: Prepared, travel: DayTravel, unserved_requests: Sequence[str]
) -> str | None:
    """The depot whose buses reach the unserved groups' stations soonest, weighted by the
    workers waiting there (None without usable buses)."""
    requests = {r.request_id: r for r in prepared.grouping.requests}
    depots: dict[str, UsableVehicle] = {}
    for usable in prepared.fleet.buses:
        depots.setdefault(usable.vehicle.depot_id, usable)
    best: tuple[float, str] | None = None
    for depot_id, usable in sorted(depots.items()):
        total = 0.0
        for request_id in unserved_requests:
            request = requests.get(request_id)
            if request is None:
                continue
            minutes = travel.minutes(depot_key(usable), station_key(request))
            total += request.passengers * (minutes if math.isfinite(minutes) else 1e6)
        if best is None or (total, depot_id) < best:
            best = (total, depot_id)
    return None if best is None else best[1]


def more_buses_day(day: Day, prepared: Prepared, depot_id: str, count: int) -> Day:
    """The day with ``count`` more buses at ``depot_id``: copies of the depot's most common
    usable bus (seats, costs, hours), each with a passenger permit for the day."""
    at_depot = [u.vehicle for u in prepared.fleet.buses if u.vehicle.depot_id == depot_id]
    kinds: dict[tuple[object, ...], list[Vehicle]] = {}
    for vehicle in at_depot:
        key = (vehicle.seats, vehicle.cost_per_km, vehicle.cost_per_hour, vehicle.fixed_cost)
        kinds.setdefault(key, []).append(vehicle)
    model = max(kinds.values(), key=lambda group: (len(group), -at_depot.index(group[0])))[0]
    start = dt.datetime.combine(day.date, dt.time())
    fleet = list(day.fleet)
    permits = list(day.permits)
    for number in range(1, count + 1):
        plate = ADVICE_PLATE.format(depot=depot_id, number=number)
        fleet.append(dataclasses.replace(model, vehicle_id=plate))
        permits.append(
            Permit(f"advice-{plate}", plate, PermitKind.PASSENGER, start, start + dt.timedelta(2))
        )
    return day.replace(fleet=fleet, permits=permits)


def advise(
    day: Day,
    prepared: Prepared,
    travel: DayTravel,
    daynet: DayNetwork,
    params: SolveParams,
    *,
    base: Outcome,
    unserved_requests: Sequence[str],
) -> tuple[Advice, ...]:
    """Every change that serves more workers than the plan, measured (see the module docstring).

    Parameters
    ----------
    day, prepared, travel, daynet
        The planned day, its preparation, bus travel times and road network.
    params
        The plan's solver settings: the re-plans use the same effort budget, or without
        one a share of the time limit each (``quick``).
    base
        What the plan itself achieves.
    unserved_requests
        Ids of the requests the plan left unserved though some bus could serve them alone
        (pooling and more buses are tried only for these; a later day end for any).

    Returns
    -------
    tuple[Advice, ...]
        The changes that serve at least one more worker, most workers first.
    """
    params = quick(params)
    found: list[Advice] = []
    pooled = pooled_day(day) if unserved_requests else None  # pooling cannot lengthen shifts
    if pooled is not None:
        found.append(
            _measured(
                AdviceKind.POOLING,
                replan(pooled, daynet, params),
                base,
                change="mixing = auto",
                zh=f"小于 {day.policy.pool_below} 人的团组同站拼车（mixing = auto）",
                en=f"pool groups of fewer than {day.policy.pool_below} workers from one "
                "station (mixing = auto)",
            )
        )
    later = later_day(day, prepared)
    if later is not None:
        end = format_clock(later.policy.day_end_min)
        found.append(
            _measured(
                AdviceKind.LATER_DAY_END,
                replan(later, daynet, params),
                base,
                change=f'day_end_min = "{end}"',
                zh=f"运营时段延长至 {end}（车辆可用至该时刻）",
                en=f"end the operating day at {end} (the buses work until then)",
            )
        )
    depot = advised_depot(prepared, travel, unserved_requests) if unserved_requests else None
    if depot is not None:
        served = len(prepared.grouping.requests) - len(unserved_requests)
        per_bus = max(1.0, served / max(1, base.buses))  # trips one more bus may take
        limit = max(1, round(MORE_BUSES_SHARE * len(prepared.fleet.buses)))
        count = max(1, min(limit, math.ceil(len(unserved_requests) / per_bus)))
        more = more_buses_day(day, prepared, depot, count)
        found.append(
            _measured(
                AdviceKind.MORE_BUSES,
                replan(more, daynet, params),
                base,
                change=f"{count} more buses at depot {depot}",
                zh=f"在 {depot} 车场增派 {count} 辆客车",
                en=f"{count} more buses from depot {depot}",
                depot_id=depot,
                buses_added=count,
            )
        )
    kept = [a for a in found if a.workers_more > 0]
    for advice in kept:
        logger.info("advice: %s serves %d more workers", advice.change, advice.workers_more)
    return tuple(sorted(kept, key=lambda a: (-a.workers_more, a.kind.value)))


def quick(params: SolveParams) -> SolveParams:
    """The solver settings of one advice re-plan: the plan's own with an effort budget (the
    promise is then exact), else ``ADVICE_TIME_SHARE`` of its time limit, so that the three
    re-plans together take at most the plan's own limit (a shorter search serves no more,
    so the promise stays one a full re-plan keeps)."""
    if params.effort is not None:
        return params
    return dataclasses.replace(params, time_limit_s=params.time_limit_s * ADVICE_TIME_SHARE)


def _measured(
    kind: AdviceKind,
    result: Outcome,
    base: Outcome,
    *,
    change: str,
    zh: str,
    en: str,
    depot_id: str | None = None,
    buses_added: int = 0,
) -> Advice:
    return Advice(
        kind=kind,
        change=change,
        text_zh=zh,
        text_en=en,
        workers_more=result.workers - base.workers,
        buses_more=result.buses - base.buses,
        cost_more_cny=round(result.cost_cny - base.cost_cny, 2),
        depot_id=depot_id,
        buses_added=buses_added,
    )
