"""Cordeau (2006) dial-a-ride instances: the reader, and their mapping onto our integer Problem.

Format and rules (``shared/benchmarks/SOURCES.md``): first line ``K n T Q L`` (vehicles,
requests, maximum route duration, capacity, maximum ride time), then ``2n + 2`` lines
``id x y service load tw_start tw_end``: node 0 is the start depot, ``1..n`` the pickups,
``n + i`` the delivery of user ``i`` (load ``-load(i)``) and ``2n + 1`` the end depot. Travel
time equals the Euclidean distance (double precision, unrounded); the objective is the total
distance with at most ``K`` vehicles (a vehicle count is not minimised). Service at every node
begins inside its window; a route lasts at most ``T`` from leaving the start depot to reaching
the end depot; the ride of user ``i``, from the *end* of pickup service to the *start* of
delivery service, lasts at most ``L``.

``CordeauInstance.to_instance`` maps this onto our integer ``Problem`` (lengths and times
multiplied by ``scale``): ride limits become ``Job.max_ride_s`` (the same definition), the
route duration ``VehicleSpec.max_shift_s``, the depot windows the shift, and there is no vehicle
weight. Every rounding is conservative — travel times and service times up, window starts up,
window ends, ``L`` and ``T`` down — so a timing feasible in integers is feasible in real numbers.
``bench.darp_rescore`` checks a solution against the real-valued instance without trusting
that argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.instances import DROP_PENALTY, SCALE, Instance, euclidean_matrix
from routing.vrp.problem import Job, Problem, TimeWindow, VehicleSpec

_ROUNDING = 1e-9  # keeps float noise (e.g. 0.1 * 1000) from moving a rounding by one unit


class CordeauFormatError(ValueError):
    """A Cordeau DARP file that cannot be read; lists every problem found.

    Parameters
    ----------
    path
        The file.
    problems
        One message per problem (line, column, value, what is expected).
    """

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        listed = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{path.name}: {len(problems)} problem(s) in a Cordeau DARP file:\n{listed}"
        )


@dataclass(frozen=True, slots=True)
class CordeauInstance:
    """A dial-a-ride instance in its own (real-valued) units.

    Parameters
    ----------
    name
        File stem, e.g. ``a2-16``.
    vehicles
        Fleet size ``K`` (an upper limit).
    max_duration
        Longest route ``T``, start-depot departure to end-depot arrival.
    capacity
        Seats per vehicle ``Q``.
    max_ride
        Longest ride ``L``, end of pickup service to start of delivery service.
    coords
        ``(2n + 2, 2)`` node coordinates.
    service, load, window_start, window_end
        Per node (``2n + 2`` values each).
    """

    name: str
    vehicles: int
    max_duration: float
    capacity: int
    max_ride: float
    coords: npt.NDArray[np.float64] = field(repr=False)
    service: npt.NDArray[np.float64] = field(repr=False)
    load: npt.NDArray[np.int64] = field(repr=False)
    window_start: npt.NDArray[np.float64] = field(repr=False)
    window_end: npt.NDArray[np.float64] = field(repr=False)

    def __post_init__(self) -> None:
        nodes = len(self.coords)
        if nodes < 2 or nodes % 2:
            raise ValueError(f"{self.name}: {nodes} nodes, expected 2n + 2")
        for name in ("service", "load", "window_start", "window_end"):
            if len(getattr(self, name)) != nodes:
                raise ValueError(f"{self.name}: {name} has {len(getattr(self, name))} values")

    @property
    def requests(self) -> int:
        """Number of users ``n``."""
        return len(self.coords) // 2 - 1

    @property
    def end_depot(self) -> int:
        """Node of the end depot, ``2n + 1``."""
        return len(self.coords) - 1

    def travel(self, a: int, b: int) -> float:
        """Euclidean distance (= travel time) between two nodes."""
        return math.dist(self.coords[a], self.coords[b])

    def to_instance(self, *, scale: int = SCALE) -> Instance:
        """Our integer ``Problem``: one job per user, ``K`` vehicles from node 0 to node 2n + 1.

        Parameters
        ----------
        scale
            Multiplier for lengths and times. Default 1000.

        Returns
        -------
        Instance
            The scaled problem (job ids ``"1"``…``"n"``, vehicle weight 0) and the coordinates.
        """
        n, end = self.requests, self.end_depot

        def up(value: float) -> int:
            return math.ceil(value * scale - _ROUNDING)

        def down(value: float) -> int:
            return math.floor(value * scale + _ROUNDING)

        def window(node: int) -> TimeWindow:
            return TimeWindow(
                up(float(self.window_start[node])), down(float(self.window_end[node]))
            )

        jobs = tuple(
            Job(
                job_id=str(i),
                pickup=i,
                delivery=n + i,
                amount=(int(self.load[i]),),
                pickup_window=window(i),
                delivery_window=window(n + i),
                pickup_service_s=up(float(self.service[i])),
                delivery_service_s=up(float(self.service[n + i])),
                max_ride_s=down(self.max_ride),
            )
            for i in range(1, n + 1)
        )
        shift = TimeWindow(up(float(self.window_start[0])), down(float(self.window_end[end])))
        width = len(str(self.vehicles - 1))
        vehicles = tuple(
            VehicleSpec(
                vehicle_id=f"v{k:0{width}d}",
                start=0,
                end=end,
                capacity=(self.capacity,),
                shift=shift,
                max_shift_s=down(self.max_duration),
                cost_per_km=1000.0,  # cost = scaled distance
            )
            for k in range(self.vehicles)
        )
        problem = Problem(
            matrices={"bus": euclidean_matrix(self.coords, scale)},
            jobs=jobs,
            vehicles=vehicles,
            location_names=tuple(str(node) for node in range(len(self.coords))),
            vehicle_weight=0,  # at most K vehicles, none preferred: the cost is distance only
            drop_penalty=DROP_PENALTY,
        )
        return Instance(self.name, problem, self.coords, scale)


def read_cordeau(path: Path | str) -> CordeauInstance:
    """Read a Cordeau (2006) DARP file.

    Parameters
    ----------
    path
        File with the header ``K n T Q L`` and ``2n + 2`` node lines
        ``id x y service load tw_start tw_end``.

    Returns
    -------
    CordeauInstance
        The instance in its own units.

    Raises
    ------
    CordeauFormatError
        Listing every problem: a malformed header or node line, a missing or extra node, ids
        out of order, a delivery load that does not mirror its pickup, a window that ends
        before it starts, a negative service time, or depot windows that one vehicle shift
        cannot express.
    """
    path = Path(path)
    lines = [(k, ln.split()) for k, ln in enumerate(path.read_text().splitlines(), 1) if ln.strip()]
    problems: list[str] = []
    if not lines:
        raise CordeauFormatError(path, ["the file is empty; expected the header `K n T Q L`"])
    header = _numbers(lines[0], 5, "header `K n T Q L`", problems)
    if header is None:
        raise CordeauFormatError(path, problems)
    k_vehicles, n_requests, max_duration, capacity, max_ride = header
    for name, value in (("K", k_vehicles), ("n", n_requests), ("Q", capacity)):
        if value != int(value) or value < 1:
            problems.append(f"line {lines[0][0]}: `{name}` {value:g} must be a whole number >= 1")
    for name, value in (("T", max_duration), ("L", max_ride)):
        if value < 0:
            problems.append(f"line {lines[0][0]}: `{name}` {value:g} must not be negative")
    n = int(n_requests)
    expected = 2 * n + 2
    if len(lines) - 1 != expected:
        problems.append(
            f"{len(lines) - 1} node lines after the header, expected 2n + 2 = {expected} "
            f"for n = {n}"
        )
    shape = "node line `id x y service load tw_start tw_end`"
    rows = [_numbers(line, 7, shape, problems) for line in lines[1:]]
    if problems or any(r is None for r in rows):
        raise CordeauFormatError(path, problems)
    table = np.array(rows, dtype=np.float64)
    _check_nodes(table, [number for number, _ in lines[1:]], n, problems)
    if problems:
        raise CordeauFormatError(path, problems)
    return CordeauInstance(
        name=path.stem,
        vehicles=int(k_vehicles),
        max_duration=max_duration,
        capacity=int(capacity),
        max_ride=max_ride,
        coords=table[:, 1:3].copy(),
        service=table[:, 3].copy(),
        load=table[:, 4].astype(np.int64),
        window_start=table[:, 5].copy(),
        window_end=table[:, 6].copy(),
    )


def _numbers(
    line: tuple[int, list[str]], count: int, what: str, problems: list[str]
) -> list[float] | None:
    number, fields = line
    if len(fields) != count:
        problems.append(f"line {number}: {len(fields)} fields, expected {count} ({what})")
        return None
    values: list[float] = []
    for text in fields:
        try:
            values.append(float(text))
        except ValueError:
            problems.append(f"line {number}: {text!r} is not a number ({what})")
            return None
    return values


def _check_nodes(
    table: npt.NDArray[np.float64], line_numbers: list[int], n: int, problems: list[str]
) -> None:
    """Ids in order, pickups with a positive load mirrored by their delivery, sane windows."""
    end = 2 * n + 1
    for node, (row, number) in enumerate(zip(table, line_numbers, strict=True)):
        where = f"line {number} (node {node})"
        if row[0] != node:
            problems.append(f"{where}: `id` {row[0]:g}, expected {node} (nodes in order 0..{end})")
        load = row[4]
        if node in (0, end) and load != 0:
            problems.append(f"{where}: depot `load` {load:g}, expected 0")
        elif 1 <= node <= n and (load != int(load) or load < 1):
            problems.append(f"{where}: pickup `load` {load:g}, expected a whole number >= 1")
        elif n < node < end and load != -table[node - n, 4]:
            problems.append(
                f"{where}: delivery `load` {load:g}, expected {-table[node - n, 4]:g} "
                f"(minus the load of pickup {node - n})"
            )
        if row[3] < 0:
            problems.append(f"{where}: `service` {row[3]:g} is negative")
        if row[6] < row[5]:
            problems.append(f"{where}: window [{row[5]:g}, {row[6]:g}] ends before it starts")
    start_window, end_window = table[0, 5:7], table[end, 5:7]
    if end_window[0] > start_window[0] or start_window[1] < end_window[1]:
        problems.append(
            f"depot windows start [{start_window[0]:g}, {start_window[1]:g}], end "
            f"[{end_window[0]:g}, {end_window[1]:g}] are not one shift: the end depot's window "
            "must not open later, nor the start depot's close earlier"
        )
