"""Fleet lower bound of a charter day (mixing = none): the fewest buses any plan needs.

Translates the day's trip requests into the generic trips of ``routing.vrp.bounds`` (timings,
depot legs, drives between trips) and reports the path-cover bound (with its shift split) and
the duty bound; ``fleet_lower_bound`` reports the largest. See ``routing.vrp.bounds.path_cover``
and ``routing.vrp.bounds.duty`` for the maths.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dispatch.charters.bus_problem import (
    DayTravel,
    PlaceKey,
    depot_key,
    employer_key,
    seconds_up,
    station_key,
)
from dispatch.charters.fleet import UsableVehicle
from dispatch.charters.grouping import TripRequest
from dispatch.day import Day
from routing.vrp.bounds.duty import BOUND_WORK, MAX_ROUNDS, DutyBound, duty_bound
from routing.vrp.bounds.path_cover import BoundTrip, path_cover_bound

log = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]


def request_trips(
    day: Day,
    requests: Sequence[TripRequest],
    travel: DayTravel,
    buses: Sequence[UsableVehicle],
) -> tuple[list[BoundTrip], FloatArray]:
    """The bound's view of trip requests: timings and the drives between them (seconds)."""
    depots = sorted({depot_key(u) for u in buses}, key=str)
    trips: list[BoundTrip] = []
    for r in requests:
        station, employer = station_key(r), employer_key(r)
        ride = travel.minutes(station, employer) * 60.0
        if not np.isfinite(ride):
            raise ValueError(f"request {r.request_id}: no route from its station to its employer")
        trips.append(
            BoundTrip(
                earliest_start=float(day.seconds_of(r.pickup_earliest)),
                latest_start=float(day.seconds_of(r.pickup_latest)),
                duration=seconds_up(r.pickup_service_min)
                + ride
                + seconds_up(r.delivery_service_min),
                lead=_shortest(travel, depots, station, towards=True),
                tail=_shortest(travel, depots, employer, towards=False),
            )
        )
    ends = [travel.index(employer_key(r)) for r in requests]
    starts = [travel.index(station_key(r)) for r in requests]
    between = travel.matrix.time_min[np.ix_(ends, starts)] * 60.0
    return trips, np.where(travel.matrix.reachable[np.ix_(ends, starts)], between, np.inf)


def _shortest(
    travel: DayTravel, depots: list[PlaceKey], place: PlaceKey, *, towards: bool
) -> float:
    times = [travel.minutes(d, place) if towards else travel.minutes(place, d) for d in depots]
    finite = [t * 60.0 for t in times if np.isfinite(t)]
    return min(finite, default=0.0)


@dataclass(frozen=True, slots=True)
class FleetBound:
    """The fleet lower bounds of a day: the path cover (with its shift split) and the duty
    bound (None without a shift limit). ``buses`` is the largest. ``request_ids`` are the
    bounded requests in the order of the duty bound's trips."""

    cover: int
    duty: DutyBound | None = None
    request_ids: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def buses(self) -> int:
        """Fewest buses any plan needs."""
        return max(self.cover, self.duty.buses) if self.duty is not None else self.cover

    def buses_for(self, request_ids: Sequence[str]) -> int:
        """Fewest buses a plan serving ``request_ids`` (the bounded ones among them count)
        needs, by the duty bound's duals (``DutyBound.subset_buses``); 0 without a duty
        bound. A plan that leaves requests unserved gets its bound from the bound of all
        the servable requests this way, however short the time for a bound of its own."""
        if self.duty is None:
            return 0
        index = {r: k for k, r in enumerate(self.request_ids)}  # others add nothing: still valid
        return self.duty.subset_buses([index[r] for r in request_ids if r in index])


def fleet_lower_bound(
    day: Day,
    requests: Sequence[TripRequest],
    travel: DayTravel,
    buses: Sequence[UsableVehicle],
    *,
    duties: Sequence[Sequence[str]] = (),
    time_limit_s: float = math.inf,
    max_rounds: int = MAX_ROUNDS,
    max_work: float | None = BOUND_WORK,
    stop: Callable[[], bool] | None = None,
    grid_s: float | None = None,
) -> FleetBound:
    """Fewest buses any plan needs to serve ``requests`` point to point (mixing = none).

    Parameters
    ----------
    day
        The planning day (times and the shift limit).
    requests
        The trip requests to be served (each needs a station → employer route).
    travel
        Bus travel times between the day's places.
    buses
        The usable buses (their depots give the shortest depot legs; the longest shift is
        the policy's ``shift_hours`` capped by the longest working window).
    duties
        Request ids of known bus days (e.g. the plan's buses), to start the duty bound with.
    time_limit_s, max_rounds, max_work, stop
        Limits of the duty bound's work (valid after any round; ``stop`` is asked between
        rounds). The default caps rounds and work only, so the same day gives the same
        bound on any machine; benchmarks raise them or add a time limit.
    grid_s
        The duty bound's time grid (default: the finest whose rounds fit, see
        ``routing.vrp.bounds.duty``); benchmarks prove more with a finer one.
    """
    if not requests:
        return FleetBound(0)
    ordered = sorted(requests, key=lambda r: r.request_id)
    trips, between = request_trips(day, ordered, travel, buses)
    window = max(((u.shift_end - u.shift_start).total_seconds() for u in buses), default=0.0)
    longest = min(day.policy.shift_hours * 3600.0, window) if buses else None
    cover = path_cover_bound(trips, between, max_shift=longest)
    if longest is None:
        return FleetBound(cover)
    index = {r.request_id: k for k, r in enumerate(ordered)}
    known = [[index[i] for i in duty if i in index] for duty in duties]
    duty = duty_bound(
        trips,
        between,
        max_shift=longest,
        duties=known,
        time_limit_s=time_limit_s,
        max_rounds=max_rounds,
        max_work=max_work,
        stop=stop,
        grid_s=grid_s,
    )
    log.info(
        "fleet bound: path cover %d, duties %.2f (%d rounds, grid %g s, %s)",
        cover,
        duty.value,
        duty.rounds,
        duty.grid_s,
        "converged" if duty.converged else "stopped",
    )
    return FleetBound(cover, duty, tuple(r.request_id for r in ordered))
