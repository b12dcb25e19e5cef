"""Grouping eligible workers into bus-sized trip requests per (station, employer).

Sweep rule. Per (station, employer), workers are taken in arrival order. A group's bus may
start boarding once its last member has arrived and walked to the bus bay
(``arrival + transfer_min``) and must start boarding before its first member has waited
``max_wait_min``; both bounds are clipped to the operating day window. A worker joins the
current group while that window stays non-empty, else opens a new group. Taking the earliest
worker first and extending as far as possible gives the fewest groups for the wait limit
(the classic interval-covering greedy), and nobody waits longer than ``max_wait_min`` wherever
in the window boarding starts. (Waiting ends when boarding, with its health check, starts.)

Split rule. A group larger than the largest usable bus (``max_workers`` workers) is split into
``ceil(n / max_workers)`` consecutive chunks in arrival order, of balanced sizes (they differ
by at most one). The number of requests is the same as with "full buses plus a remainder", but
balanced chunks also fit smaller buses, and each chunk's window is at least as wide as the
group's (the earlier chunk may leave earlier).

Workers who cannot be grouped are unserved with a reason, never dropped: no usable bus at all,
or an arrival so early or late that no boarding time within the operating day meets the wait
limit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.day import Arrival, Day
from dispatch.policy import format_clock
from dispatch.reasons import UnservedReason, reason_text
from stations.lang import Lang


@dataclass(frozen=True, slots=True)
class TripRequest:
    """One bus trip to be served: a group of one employer's workers from one station.

    Parameters
    ----------
    request_id
        Stable id ``<station>/<enterprise>/<HHMM of first arrival>-<chunk>``.
    station_id, enterprise_id
        Pickup station and delivery employer.
    worker_ids
        The workers, in arrival order.
    escort_seats
        Seats for the employer's escort on this trip.
    pickup_earliest, pickup_latest
        When boarding may start (the bus's service window at the station).
    first_arrival, last_arrival
        Arrival times of the first and last member.
    pickup_service_min
        Boarding time: health check plus per-person boarding, escort included.
    delivery_service_min
        Time to unload at the employer.
    max_ride_min
        Longest ride from the end of boarding to the start of unloading.
    """

    request_id: str
    station_id: str
    enterprise_id: str
    worker_ids: tuple[str, ...]
    escort_seats: int
    pickup_earliest: dt.datetime
    pickup_latest: dt.datetime
    first_arrival: dt.datetime
    last_arrival: dt.datetime
    pickup_service_min: float
    delivery_service_min: float
    max_ride_min: float

    def __post_init__(self) -> None:
        if not self.request_id:
            raise ValueError("request_id must not be empty")
        if not self.worker_ids or len(set(self.worker_ids)) != len(self.worker_ids):
            raise ValueError(f"request {self.request_id}: worker ids must be non-empty, unique")
        if self.pickup_latest < self.pickup_earliest:
            raise ValueError(f"request {self.request_id}: pickup window is empty")
        if self.last_arrival < self.first_arrival:
            raise ValueError(f"request {self.request_id}: last arrival before first")
        if self.escort_seats < 0 or min(self.pickup_service_min, self.delivery_service_min) < 0:
            raise ValueError(f"request {self.request_id}: negative escort seats or service time")

    @property
    def passengers(self) -> int:
        """Number of workers."""
        return len(self.worker_ids)

    @property
    def load(self) -> int:
        """Places taken on the bus: workers plus escort seats."""
        return self.passengers + self.escort_seats


@dataclass(frozen=True, slots=True)
class UnservedWorker:
    """An eligible worker who gets no bus, with the reason."""

    arrival: Arrival
    reason: UnservedReason

    @property
    def worker_id(self) -> str:
        """The worker's id."""
        return self.arrival.worker_id

    def describe(self, lang: Lang = Lang.EN) -> str:
        """The reason as readable text in ``lang``. Default ``en``."""
        return reason_text(self.reason, lang)


@dataclass(frozen=True, slots=True)
class Grouping:
    """Trip requests (sorted by station, employer, time) and the workers left unserved."""

    requests: tuple[TripRequest, ...]
    unserved: tuple[UnservedWorker, ...]

    def __post_init__(self) -> None:
        ids = [w for r in self.requests for w in r.worker_ids]
        ids += [u.worker_id for u in self.unserved]
        if len(set(ids)) != len(ids):
            raise ValueError("a worker is in two requests, or both grouped and unserved")
        request_ids = [r.request_id for r in self.requests]
        if len(set(request_ids)) != len(request_ids):
            raise ValueError("duplicate request ids")

    @property
    def grouped_worker_ids(self) -> frozenset[str]:
        """Workers in some request."""
        return frozenset(w for r in self.requests for w in r.worker_ids)

    def request(self, request_id: str) -> TripRequest:
        """The request with ``request_id``."""
        for request in self.requests:
            if request.request_id == request_id:
                return request
        raise KeyError(f"{request_id!r} is not a trip request")


def boarding_window(
    day: Day, first: dt.datetime, last: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """When a group whose members arrive from ``first`` to ``last`` may start boarding: the
    sweep rule's window, clipped to the operating day (it may be empty)."""
    policy = day.policy
    earliest = max(last + dt.timedelta(minutes=policy.transfer_min), day.day_start)
    latest = min(first + dt.timedelta(minutes=policy.max_wait_min), day.day_end)
    return earliest, latest


def group_request(
    day: Day, request_id: str, members: Sequence[Arrival], *, escort_seats: int | None = None
) -> TripRequest | None:
    """The trip request of one group of a station and employer (None if its boarding window
    is empty): workers in arrival order, the policy's service times.

    Parameters
    ----------
    day
        The planning day (its policy).
    request_id
        The request's id.
    members
        The group's arrivals (one station and employer).
    escort_seats
        Seats for the escort. Default the policy's.
    """
    ordered = sorted(members, key=lambda a: (a.arrival_time, a.worker_id))
    first, last = ordered[0].arrival_time, ordered[-1].arrival_time
    earliest, latest = boarding_window(day, first, last)
    if latest < earliest:
        return None
    policy = day.policy
    return TripRequest(
        request_id=request_id,
        station_id=ordered[0].station_id,
        enterprise_id=ordered[0].enterprise_id,
        worker_ids=tuple(a.worker_id for a in ordered),
        escort_seats=policy.escort_seats if escort_seats is None else escort_seats,
        pickup_earliest=earliest,
        pickup_latest=latest,
        first_arrival=first,
        last_arrival=last,
        pickup_service_min=policy.pickup_service_min(len(ordered)),
        delivery_service_min=policy.alight_min,
        max_ride_min=policy.max_ride_min,
    )


def _chunks(members: Sequence[Arrival], size: int) -> list[Sequence[Arrival]]:
    """Split into ``ceil(n / size)`` consecutive chunks of balanced sizes."""
    count = math.ceil(len(members) / size)
    base, extra = divmod(len(members), count)
    chunks: list[Sequence[Arrival]] = []
    start = 0
    for index in range(count):
        length = base + (1 if index < extra else 0)
        chunks.append(members[start : start + length])
        start += length
    return chunks


class _Sweep:
    """Group one (station, employer) pair's workers; see the module rules."""

    def __init__(self, day: Day) -> None:
        self.day = day
        self.max_wait = dt.timedelta(minutes=day.policy.max_wait_min)
        self.start = day.day_start

    def window(self, first: dt.datetime, last: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """Boarding window of a group whose members arrived from ``first`` to ``last``."""
        return boarding_window(self.day, first, last)

    def reason(self, arrival: Arrival) -> UnservedReason | None:
        """Why a worker cannot be grouped even alone, or None."""
        earliest, latest = self.window(arrival.arrival_time, arrival.arrival_time)
        if earliest <= latest:
            return None
        if arrival.arrival_time + self.max_wait < self.start:
            return UnservedReason.BEFORE_OPERATING_HOURS
        return UnservedReason.AFTER_OPERATING_HOURS

    def groups(self, members: Sequence[Arrival]) -> list[list[Arrival]]:
        """Maximal groups in arrival order, each with a non-empty boarding window."""
        groups: list[list[Arrival]] = []
        for arrival in members:
            if groups:
                first = groups[-1][0].arrival_time
                earliest, latest = self.window(first, arrival.arrival_time)
                if earliest <= latest:
                    groups[-1].append(arrival)
                    continue
            groups.append([arrival])
        return groups


def group_workers(day: Day, eligible: Sequence[Arrival], *, max_workers: int) -> Grouping:
    """Group ``eligible`` workers into trip requests.

    Parameters
    ----------
    day
        The planning day (policy and operating window).
    eligible
        Workers who passed screening.
    max_workers
        Most workers the largest usable bus carries per trip
        (``FleetCheck.max_worker_seats``); 0 leaves everyone unserved (no usable bus).

    Returns
    -------
    Requests sorted by station, employer and time, and unserved workers with reasons.
    """
    if max_workers < 0:
        raise ValueError(f"max_workers must be >= 0, got {max_workers}")
    sweep = _Sweep(day)
    unserved: list[UnservedWorker] = []
    pairs: dict[tuple[str, str], list[Arrival]] = defaultdict(list)
    for arrival in eligible:
        reason = sweep.reason(arrival)
        if reason is None and max_workers == 0:
            reason = UnservedReason.NO_USABLE_BUS
        if reason is not None:
            unserved.append(UnservedWorker(arrival, reason))
        else:
            pairs[(arrival.station_id, arrival.enterprise_id)].append(arrival)
    requests: list[TripRequest] = []
    used_ids: set[str] = set()
    for (station_id, enterprise_id), members in sorted(pairs.items()):
        members.sort(key=lambda a: (a.arrival_time, a.worker_id))
        for group in sweep.groups(members):
            clock = format_clock(day.minutes_of(group[0].arrival_time)).replace(":", "")
            stem = f"{station_id}/{enterprise_id}/{clock}"
            while f"{stem}-1" in used_ids:
                stem += "b"
            for index, chunk in enumerate(_chunks(group, max_workers), start=1):
                request = group_request(day, f"{stem}-{index}", chunk)
                assert request is not None  # a chunk's window holds its group's
                used_ids.add(request.request_id)
                requests.append(request)
    return Grouping(tuple(requests), tuple(unserved))
