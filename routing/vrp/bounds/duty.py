"""A fleet lower bound from duties: the linear relaxation of covering trips by bus days.

The path-cover bound (``routing.vrp.bounds.path_cover``) checks the shift limit only pair by pair,
yet
a chain of trips that fit two by two can still span more than a shift. This bound looks at
whole bus days ("duties"): every plan is a set of duties covering each trip, so the linear
programme

    minimise  sum_p x_p   subject to   sum_{p contains i} x_p >= 1 for every trip i,  x >= 0

over all duties ``p`` is at most the buses of any plan. It is solved by column generation,
and any dual vector ``y >= 0`` proves (Farley's bound) that every plan needs at least

    sum_i y_i / max_p sum_{i in p} y_i

buses, so the bound stays valid whenever the rounds stop. The maximum over duties ("pricing")
is a longest path over a relaxation that contains every real duty, so it only overestimates
and the bound stays a lower bound:

* time runs on a grid of ``grid_s`` seconds: node ``(i, g)`` stands for boarding trip ``i``
  in ``[g, g + 1) * grid_s``; trip ``j`` can follow ``(i, g)`` at ``(j, h)`` when
  ``g * grid_s + duration_i + drive_ij < (h + 1) * grid_s`` (a real schedule never needs more);
* a duty belongs to the band ``[L, L + leave_step_s)`` ("commodity") holding the latest moment
  its bus could leave the depot (first trip's start minus its ``lead``); it may start with trip
  ``f`` at ``(f, g)`` only if ``(g + 1) * grid_s - lead_f > L``, its last trip ``k`` must allow
  ``g * grid_s + duration_k + tail_k <= L + leave_step_s + shift``, and trips in the middle
  ``g * grid_s + duration + min tail <= L + leave_step_s + shift`` and
  ``(g + 1) * grid_s - min lead > L``;
* trips may repeat (a superset of the real duties) and capacities, vehicle windows and the
  pairing of a bus with its own depot are ignored (all favourable).

A node whose every possible successor may follow it from some slot on ("released") joins one
running maximum per commodity instead of the successors' predecessor lists. Duals are smoothed
towards those of the best bound so far (Wentges), and the rounds stop when the bound and the
master agree in whole buses. The master's interior point stops after a few iterations (its
duals are then nearly optimal and more central, at a third of the cost) until the bound stops
rising; from then on it is solved to optimality. A bound stopped short polishes the best
duals it found (``_polished``: a multiplicative-weights ascent priced every step, lifted now
and then by each trip's best duty through it, a backward pass over the same graph). The work
is deterministic: ``max_rounds`` at most, each adding the best duty ending at every trip, then
``POLISH_STEPS`` at most; ``time_limit_s`` only guards very large days.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize._highspy._core import HighsModelStatus, _Highs

from routing.vrp.bounds.duty_kernels import predecessors, price, through, trace
from routing.vrp.bounds.path_cover import BoundTrip

log = logging.getLogger(__name__)
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
TOL = 1e-9
MATCH = 1e-7  # values equal in the back-trace (sums of the same floats)
MAX_ROUNDS = 80
TIME_LIMIT_S = 60.0  # what the benchmarks give the bound when they cap it by time
BOUND_WORK = 3e10  # work a plan's bound may do, pricing and master (the demo's: 1.7e9)
MASTER_WORK = 40.0  # work of one master column x row, in pricing units (measured, both ~ s)
LIMITED_WORK = 1 / 3  # ... share of it a master solve stopped at ``IPM_ITERATIONS`` costs
GRIDS_S = (60.0, 120.0, 300.0, 600.0)  # finest first; the first that fits MAX_WORK is used
LEAVE_STEP_S = 600.0  # depot-leave bands at least this wide (their count sets pricing work)
MAX_WORK = 1.5e8  # (predecessor pairs x commodities) per pricing round: ~0.5 s, ~1 GiB
SMOOTHING = 0.7  # weight of the best duals so far in the duals priced
POLISH_STEPS = 120  # steps of the duals' polish when the rounds stop short (``_polished``)
MIN_POLISH_STEPS = 10  # ... of which this many whatever the clock or the work budget
RAISE = 0.02  # a polish step raises the duals of the trips on no dear duty by this share
LIFT_EVERY = 5  # ... and every this many steps lifts the duals (``_Pricing.lifted``)
POLISH_WORK = 1.2  # work of a polish step, in pricing rounds (its traces, a fifth of a lift)
ROUNDS_SHARE = 0.7  # share of the time limit and of the work budget the rounds may use
IPM_ITERATIONS = 15  # interior-point iterations of a master solve, until the duals stall:
STALL_ROUNDS = 3  # ... rounds without a better bound, after which the master is solved exactly
POOL = 12  # master columns per trip before the less useful half is dropped (at most)
MIN_POOL = 6  # ... and at least: a big day's master may cost ``MASTER_SHARE`` pricing rounds
MASTER_SHARE = 8.0  # most master work per round, in pricing rounds, that sets a smaller pool


@dataclass(frozen=True, slots=True)
class DutyBound:
    """The outcome of the duty bound.

    Attributes
    ----------
    value
        Proven lower bound on the buses (a real number; any plan needs ``ceil(value)``).
    lp
        The least cost of a fractional cover found (a master solution made feasible): at
        least the linear relaxation (equals ``value`` when converged).
    rounds
        Pricing rounds done.
    converged
        Whether no duty could improve the master (the bound is the full linear relaxation).
    grid_s, leave_step_s
        The time grid and the depot-leave bands used.
    duals
        Per trip, the dual values that prove ``value``: no duty is worth more than 1 under
        them, so their sum over any subset of the trips bounds the buses that subset needs
        (a plan serving only some of the trips; ``subset_buses``). Empty without trips.
    """

    value: float
    lp: float
    rounds: int
    converged: bool
    grid_s: float
    leave_step_s: float
    duals: tuple[float, ...] = field(default=(), compare=False, repr=False)

    @property
    def buses(self) -> int:
        """The bound in whole buses."""
        return int(np.ceil(self.value - 1e-6))

    def subset_buses(self, trips: Sequence[int]) -> int:
        """Fewest buses serving only ``trips`` (indices) needs: every duty of those trips is
        a duty of all, worth at most 1 under ``duals``, so it covers at most 1 of their sum
        (Farley's bound with the other trips' duals set to 0)."""
        return int(np.ceil(sum(self.duals[i] for i in trips) - 1e-6)) if trips else 0


class _Pricing:
    """The time-expanded longest-path problem of one day (see the module docstring); the
    rounds run in ``routing.vrp.bounds.duty_kernels``."""

    def __init__(
        self,
        trips: Sequence[BoundTrip],
        between: FloatArray,
        shift: float,
        grid: float,
        step: float,
        work_limit: float = np.inf,
    ) -> None:
        n = len(trips)
        self.grid, self.step = grid, step
        early = np.array([t.earliest_start for t in trips])
        late = np.array([t.latest_start for t in trips])
        dur = np.array([t.duration for t in trips])
        lead = np.array([t.lead for t in trips])
        tail = np.array([t.tail for t in trips])
        lo = np.floor(early / grid).astype(np.int64)
        hi = np.floor(late / grid).astype(np.int64)
        size = hi - lo + 1
        self.offset: IntArray = np.concatenate([[0], np.cumsum(size)]).astype(np.int64)
        self.trip: IntArray = np.repeat(np.arange(n), size)
        self.slot: IntArray = (
            np.concatenate([np.arange(a, b + 1) for a, b in zip(lo, hi, strict=True)])
            if n
            else np.zeros(0, np.int64)
        )
        self.lo, self.hi = lo, hi
        drive = np.where(np.isfinite(between), between, np.inf)
        need = dur[:, None] + drive
        with np.errstate(invalid="ignore"):
            gap = np.where(np.isfinite(need), np.floor(need / grid - 1 - TOL) + 1, np.inf)
        np.fill_diagonal(gap, np.inf)
        if np.any(gap < 1):
            raise ValueError(f"a trip shorter than the {grid:g} s grid")
        self.gap = np.ascontiguousarray(gap, dtype=np.float64)
        # a trip's node is "released" once every trip it can reach at all could follow it:
        # from then on it joins one running maximum instead of each node's predecessor list
        # (never, marked -1, for a trip with some trip it cannot reach at all)
        off_diagonal = ~np.eye(n, dtype=bool)
        linked = np.all(np.isfinite(drive) | ~off_diagonal, axis=1)
        reach = np.where(off_diagonal & np.isfinite(drive), drive, 0.0).max(axis=1, initial=0.0)
        self.release: IntArray = np.where(linked, np.ceil((dur + reach) / grid), -1).astype(
            np.int64
        )
        first = float(np.min(early - lead)) if n else 0.0
        last = float(np.max(late - lead)) if n else 0.0
        self.leave: FloatArray = np.arange(np.floor(first / step) * step, last + step, step)
        start_at = self.slot * grid
        deadline = self.leave + step + shift
        # the commodity tests of each node as index ranges (bands and deadlines are sorted):
        # start under k < ks, pass under pa <= k < pb, end under k >= ke
        self.ks = np.searchsorted(self.leave, start_at + grid - lead[self.trip]).astype(np.int64)
        self.pa = np.searchsorted(deadline, start_at + dur[self.trip] + float(tail.min()))
        self.pb = np.searchsorted(self.leave, start_at + grid - float(lead.min()))
        self.ke = np.searchsorted(deadline, start_at + dur[self.trip] + tail[self.trip])
        self.pa, self.pb, self.ke = (a.astype(np.int64) for a in (self.pa, self.pb, self.ke))
        self.first: IntArray = self.offset[self.trip]
        self.rel: IntArray = self.release[self.trip]
        nodes = self.trip.size
        self.nk0 = np.zeros(nodes, np.int64)  # commodities stored per node: its slot's range
        self.nk1 = np.zeros(nodes, np.int64)
        self.fits = self._group(work_limit)
        widths = self.nk1 - self.nk0
        self.base: IntArray = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int64)
        self.value = np.full(int(widths.sum()), -np.inf)
        self.best_to = np.full(int(widths.sum()), -np.inf)
        rows = int(self.slot.max(initial=0) + self.release.max(initial=0)) + 2
        self.released = np.full((rows, self.leave.size), -np.inf)
        self.v_best = np.full(nodes, -np.inf)
        self.k_best = np.zeros(nodes, np.int64)
        self.scratch: tuple[FloatArray, FloatArray, FloatArray] | None = None  # ``through``

    def _group(self, work_limit: float) -> bool:
        """The time slots in order, each with its nodes, the commodities (a range) under
        which any of them can be on a duty, and each node's predecessors (the last usable
        node of each trip not yet released). False, left unfinished, once a round would
        look at more than ``work_limit`` (predecessor pairs x commodities)."""
        order = np.argsort(self.slot, kind="stable")
        slots = self.slot[order]
        passing = self.pa < self.pb
        work = 0
        self.work = 0.0
        groups: list[IntArray] = []
        group_slots: list[int] = []
        counts: list[IntArray] = []  # per group, the predecessors of each node
        found: list[IntArray] = []  # per group, those predecessors one after the other
        trips = self.lo.size
        for g in np.unique(slots):
            nodes = order[slots == g]
            live = passing[nodes]
            if not live.any():
                continue
            k0, k1 = int(self.pa[nodes][live].min()), int(self.pb[nodes][live].max())
            count = np.zeros(nodes.size, np.int64)
            out = np.empty(nodes.size * trips, np.int64)
            predecessors(
                nodes, int(g), self.trip, self.gap, self.lo, self.hi, self.release,
                self.offset, count, out,
            )  # fmt: skip
            total = int(count.sum())
            work += total * (k1 - k0)
            self.work = float(work)
            if work > work_limit:
                return False
            self.nk0[nodes], self.nk1[nodes] = k0, k1
            groups.append(nodes)
            group_slots.append(int(g))
            counts.append(count)
            found.append(out[:total])
        self.gptr = np.concatenate([[0], np.cumsum([g.size for g in groups])]).astype(np.int64)
        self.gnodes = np.concatenate(groups).astype(np.int64) if groups else np.zeros(0, np.int64)
        self.gslot = np.array(group_slots, np.int64)
        # the predecessor lists by node (nodes are numbered trip by trip, groups slot by slot)
        sizes = np.concatenate(counts) if groups else np.zeros(0, np.int64)
        flat = np.concatenate(found) if groups else np.zeros(0, np.int64)
        per_node = np.zeros(self.trip.size, np.int64)
        per_node[self.gnodes] = sizes
        self.pptr = np.concatenate([[0], np.cumsum(per_node)]).astype(np.int64)
        shift = np.repeat(self.pptr[self.gnodes] - (np.cumsum(sizes) - sizes), sizes)
        self.preds = np.empty(flat.size, np.int64)
        self.preds[np.arange(flat.size) + shift] = flat
        return True

    def run(self, y: FloatArray) -> float:
        """Price at duals ``y`` (one round); the best dual sum of any duty (at least 0)."""
        price(
            y, self.trip, self.first, self.rel, self.ks, self.pa, self.pb, self.ke,
            self.nk0, self.nk1, self.base, self.pptr, self.preds,
            self.gptr, self.gnodes, self.gslot,
            self.value, self.best_to, self.released, self.v_best, self.k_best,
        )  # fmt: skip
        return float(self.v_best.max(initial=0.0))

    def through(self, y: FloatArray) -> FloatArray:
        """Per trip, the largest dual sum at ``y`` of a duty through it; ``run(y)`` must be
        the last round priced (its values are walked backwards)."""
        if self.scratch is None:  # allocated once, on first use (most bounds never lift)
            self.scratch = (np.empty_like(self.value), np.empty_like(self.value),
                            np.empty_like(self.released))  # fmt: skip
        out = np.empty(self.offset.size - 1)
        through(
            y, self.trip, self.rel, self.ke, self.pa, self.pb, self.nk0, self.nk1, self.base,
            self.pptr, self.preds, self.gptr, self.gnodes, self.gslot, self.offset,
            self.value, *self.scratch, out,
        )  # fmt: skip
        return out

    def lifted(self, y: FloatArray) -> FloatArray:
        """``y`` with each trip's dual divided by the largest sum of a duty through it
        (``through``; ``run(y)`` must be the last round priced): no duty is then worth
        more than 1 (a duty's every trip was divided by at least the duty's own sum), and
        the sum is at least Farley's ``sum(y) / max``, which divides all by the largest."""
        most = self.through(y)
        return np.where(most > 0, y / np.maximum(most, TOL), 0.0)

    def best_ends(self) -> list[tuple[int, int, float]]:
        """Per trip, the node and commodity of the best duty ending at it, and its value."""
        out = []
        for t in range(self.offset.size - 1):
            lo, hi = self.offset[t], self.offset[t + 1]
            node = int(lo + np.argmax(self.v_best[lo:hi]))
            out.append((node, int(self.k_best[node]), float(self.v_best[node])))
        return out

    def duty(self, k: int, node: int, y: FloatArray) -> list[int]:
        """The trips of the duty behind ``value[node, k]``, first to last."""
        path = trace(
            node, k, y, self.trip, self.slot, self.first, self.ks, self.nk0, self.nk1,
            self.base, self.pptr, self.preds, self.value, self.best_to, self.gap,
            self.release, self.lo, self.hi, self.offset, TOL, MATCH,
        )  # fmt: skip
        if path.size == 0:  # pragma: no cover - the values were built from these
            raise AssertionError("duty bound: broken back-trace")
        return [int(t) for t in path]


def duty_bound(
    trips: Sequence[BoundTrip],
    between: FloatArray,
    *,
    max_shift: float,
    duties: Sequence[Sequence[int]] = (),
    grid_s: float | None = None,
    leave_step_s: float | None = None,
    max_rounds: int = MAX_ROUNDS,
    max_work: float | None = None,
    time_limit_s: float = math.inf,
    stop: Callable[[], bool] | None = None,
) -> DutyBound:
    """Lower bound on the buses serving ``trips`` one at a time within shifts of ``max_shift``.

    Parameters
    ----------
    trips
        The trips (as for ``routing.vrp.bounds.path_cover.path_cover_bound``).
    between
        ``between[i, j]``: drive from the end of trip ``i`` to the start of trip ``j`` (s).
    max_shift
        Longest shift in seconds, depot to depot.
    duties
        Known duties (lists of trip indices, e.g. a plan's buses) to start the master with.
    grid_s, leave_step_s
        Time grid and depot-leave band. Default: the finest grid of ``GRIDS_S`` whose rounds
        stay within ``MAX_WORK``, and bands of 2.5 grid steps but at least ``LEAVE_STEP_S``
        (a band's width only loosens the shift test by that much: on the demo day the
        master's optimum is the same with 150 s and 600 s bands, at a third of the work).
    max_rounds
        Pricing rounds at most (the bound is valid after any number).
    max_work
        Work of all rounds and polish steps together at most: pricing (predecessor pairs ×
        commodities, as ``MAX_WORK`` per round) and master LPs (columns × rows,
        ``MASTER_WORK`` each, a third of it while the master's solves stop after
        ``IPM_ITERATIONS``; the interior point's time grows with both): caps a big day's
        bound the same way on every machine. A round starts only if its work fits in
        ``ROUNDS_SHARE`` of it; the polish steps (``POLISH_WORK`` pricing rounds each) take
        the rest. Default None (``max_rounds`` and ``POLISH_STEPS`` only).
    time_limit_s
        Stop after this long (the result is then machine-dependent): rounds start until
        ``ROUNDS_SHARE`` of it is spent (the first always runs), polish steps go on until
        all of it is (``MIN_POLISH_STEPS`` whatever the clock). Default no limit.
    stop
        Asked between rounds; True ends them (the result is then machine-dependent: a plan
        without an effort budget ends its bound's rounds when it needs the figure). The
        polish is not asked: it runs its steps within the time limit (the plan waits for
        them; at most ``POLISH_STEPS``). Default None (never asked).
    """
    started = time.monotonic()
    n = len(trips)
    if n == 0:
        return DutyBound(0.0, 0.0, 0, True, grid_s or 0.0, leave_step_s or 0.0)
    shortest = min(t.duration for t in trips)
    grids = [grid_s] if grid_s else [g for g in GRIDS_S if g < shortest] or [shortest / 2]
    for grid in grids:  # the last is taken whatever its work
        limit = MAX_WORK if grid != grids[-1] else np.inf
        step = leave_step_s or max(2.5 * grid, LEAVE_STEP_S)
        pricing = _Pricing(trips, between, max_shift, grid, step, limit)
        if pricing.fits:
            break
    budget = math.inf if max_work is None else max_work
    pool = _pool(pricing.work, n)
    spent = 0.0  # deterministic: work done so far, in pricing units
    columns: list[frozenset[int]] = [frozenset([i]) for i in range(n)]
    columns += [frozenset(d) for d in duties if d]
    seen = set(columns)
    best, lp, rounds, converged = 1.0, float(n), 0, False  # one trip needs a bus
    exact = False  # solve the master to optimality (else ``IPM_ITERATIONS``: see ``_Master``)
    stalled = 0  # rounds since the bound last rose
    center: FloatArray | None = None  # the duals of the best bound so far
    proof = np.zeros(n)  # ... scaled so that no duty is worth more than 1 (``DutyBound.duals``)
    proof[0] = 1.0  # the bound of 1 before any round: one trip worth 1
    alpha = SMOOTHING
    master = _Master(n)
    master.add(columns)

    def late() -> bool:  # the rounds' share of the clock is spent or the caller says stop
        elapsed = time.monotonic() - started
        return elapsed >= ROUNDS_SHARE * time_limit_s or (stop is not None and stop())

    while rounds < max_rounds and not (rounds and late()):
        work = pricing.work + MASTER_WORK * len(columns) * n * (1.0 if exact else LIMITED_WORK)
        if rounds and spent + work > ROUNDS_SHARE * budget:
            break
        spent += work
        master.add(columns[master.size :])
        dual, cover, optimal = master.solve(exact)
        lp = min(lp, cover)  # any master's cover costs at least the relaxation
        if len(columns) > pool * n:  # drop duties far from entering (any pool keeps the bound)
            price = np.array([dual[list(c)].sum() for c in columns[n:]])
            keep = np.sort(np.argsort(-price, kind="stable")[: pool * n // 2])
            dropped = np.setdiff1d(np.arange(len(columns) - n), keep) + n
            master.drop(dropped.tolist())
            columns = columns[:n] + [columns[n + i] for i in keep.tolist()]
            seen = set(columns)
        # price at duals smoothed towards the best so far (Wentges): fewer, steadier rounds
        y = dual if center is None else alpha * center + (1 - alpha) * dual
        top = pricing.run(y)
        rounds += 1
        stalled += 1
        if top > 0 and float(y.sum()) / top > best:
            best, center, proof = float(y.sum()) / top, y, y / top
            stalled = 0
        exact = exact or stalled >= STALL_ROUNDS  # the unfinished masters' duals stall
        log.debug(
            "duty bound round %d: master %.3f, bound %.3f, best duty %.3f", rounds, lp, best, top
        )
        if top <= 1 + 1e-6 and y is dual and optimal:  # the master's duals bound every duty
            converged = True
            break
        if np.ceil(best - 1e-6) >= np.ceil(lp - 1e-6):  # whole buses: nothing left to prove
            break
        added = _add_duties(pricing, y, dual, columns, seen)
        if added:
            alpha = SMOOTHING
        elif y is not dual:
            alpha = 0.0  # mispriced: the next round prices at the master's own duals
        elif not optimal:
            exact = True  # no duty to add at the unfinished master's duals: finish it
        else:
            break
    if rounds and not converged and np.ceil(best - 1e-6) < np.ceil(lp - 1e-6):
        if center is not None and center is not y:  # polish the best duals, not the last
            y, top = center, pricing.run(center)
        step_work = pricing.work * POLISH_WORK

        def more(step: int) -> bool:  # another polish step (the first always runs)
            nonlocal spent
            if step >= POLISH_STEPS:
                return False
            if step >= MIN_POLISH_STEPS and (
                time.monotonic() - started >= time_limit_s or spent + step_work > budget
            ):
                return False
            spent += step_work
            return True

        polished, duals = _polished(pricing, y, top, more)  # stopped short: polish
        if polished > best:
            best, proof = polished, duals
    return DutyBound(best, lp, rounds, converged, pricing.grid, pricing.step, tuple(proof.tolist()))


def _pool(pricing_work: float, n: int) -> int:
    """Master columns per trip kept: ``POOL``, or fewer (down to ``MIN_POOL``) where a full
    pool's master would cost more than ``MASTER_SHARE`` pricing rounds (its work grows with
    the square of the trips, pricing's about linearly). On the demo day (371 trips) the
    master costs 3.5 pricing rounds: 12. On the 20,000-worker day (1,897 trips) 16: 6, which
    after about the same CPU (41-44 s) gives 280 buses where 12 gave 266."""
    affordable = MASTER_SHARE * pricing_work / (MASTER_WORK * max(n, 1) ** 2)
    return int(np.clip(np.floor(affordable), MIN_POOL, POOL))


def _polished(
    pricing: _Pricing, y: FloatArray, top: float, more: Callable[[int], bool]
) -> tuple[float, FloatArray]:
    """A better bound from duals ``y`` than Farley's (``top`` is the largest price at ``y``,
    already found: the pricing's state is ``y``'s), and its duals, under which no duty is
    worth more than 1.

    Each step is a pricing round at duals ``w`` (from ``y``): the trips on the best duty
    ending at each trip, where that duty is worth more than 1, have their duals divided by
    the largest such worth through them, every other trip's rise by ``RAISE``, and all are
    divided by the largest price (a multiplicative-weights ascent on the duals: the dear
    duties get cheaper, the cheap trips dearer). Every ``LIFT_EVERY`` steps, from the first,
    the duals are lifted as well (``_Pricing.lifted``: divided trip by trip by the best duty
    through each, which costs a backward pass and gives at least Farley's bound). Steps go
    on while ``more(step)``. The best duals (scaled by Farley or lifted) are priced once
    more at the end and divided by that price if it is above 1, so the figure returned is
    proven by the forward pricing alone, whatever the backward pass found.
    On the 20,000-worker day's trips after 57 rounds (33 s; Farley's bound 267): the old
    repair (dividing only, 60 steps) 291, this 299.0 after 80 steps (14.7 s) and 299.3
    after 120; the lift alone plateaus at 291, a raise of 1 % at 296 after 80 steps, 2.5 %
    298.3 after 120, lifting every step into the iterate 297.6.
    """
    best, proof = 0.0, np.zeros(y.size)
    w = y
    step = 0
    while top > 0:
        if float(w.sum()) / top > best:
            best, proof = float(w.sum()) / top, w / top
        dear = np.ones(w.size)
        for node, k, value in pricing.best_ends():
            if value > 1 + 1e-9:
                trips = pricing.duty(k, node, w)
                dear[trips] = np.maximum(dear[trips], value)
        if step % LIFT_EVERY == 0:
            z = pricing.lifted(w)
            if float(z.sum()) > best:
                best, proof = float(z.sum()), z
        w = np.where(dear > 1, w / (top * dear), w * (1 + RAISE) / top)
        step += 1
        if not more(step):
            break
        top = pricing.run(w)
    worth = max(pricing.run(proof), 1.0)  # proven by the forward pricing alone
    return float(proof.sum()) / worth, proof / worth


def _add_duties(
    pricing: _Pricing,
    y: FloatArray,
    dual: FloatArray,
    columns: list[frozenset[int]],
    seen: set[frozenset[int]],
) -> int:
    """Add the best duty ending at each trip (of the round just priced) if it would enter
    the master (price above 1)."""
    added = 0
    for node, k, value in pricing.best_ends():
        if value <= 1 + 1e-6:
            continue
        duty = frozenset(pricing.duty(k, node, y))
        if duty not in seen and dual[list(duty)].sum() > 1 + 1e-6:
            seen.add(duty)
            columns.append(duty)
            added += 1
    return added


class _Master:
    """The covering LP over the duties so far, kept in one HiGHS instance between rounds
    (duties come and go as columns). Solved by HiGHS's interior point without crossover:
    its duals are central, which prices better duties than a vertex of the simplex, and
    it is several times faster than ``scipy.optimize.linprog`` (which crosses over). The
    HiGHS object is the one SciPy ships (``scipy.optimize._highspy``), so no other
    package is needed; it prints nothing with ``output_flag`` off.

    Unless asked for the optimum, a solve stops after ``IPM_ITERATIONS`` iterations: the
    duals are then nearly as good (within 2 % of the optimum's sum on the 20,000-worker
    day's master) and more central, at a third of the time (15 of the 44 iterations the
    optimum takes). On that day's trips, 33 s of rounds and the repair then give 59 rounds
    and 285 buses instead of 42 and 269 (12 iterations: 75 rounds, 277; 18: 53, 282)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.highs = _Highs()
        for option, setting in (
            ("output_flag", False),
            ("presolve", "off"),
            ("solver", "ipm"),
            ("run_crossover", "off"),
            ("random_seed", 0),
        ):
            self.highs.setOptionValue(option, setting)
        empty = np.zeros(0, np.int32)
        self.highs.addRows(n, np.ones(n), np.full(n, np.inf), 0, empty, empty, np.zeros(0))
        self.size = 0

    def add(self, columns: Sequence[frozenset[int]]) -> None:
        """Add ``columns`` (each a set of trips covered once)."""
        if not columns:
            return
        count = len(columns)
        lengths = np.array([len(c) for c in columns], np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32)
        rows = np.fromiter((i for c in columns for i in sorted(c)), np.int32)
        self.highs.addCols(
            count, np.ones(count), np.zeros(count), np.full(count, np.inf),
            rows.size, starts, rows, np.ones(rows.size),
        )  # fmt: skip
        self.size += count

    def drop(self, positions: Sequence[int]) -> None:
        """Delete the columns at ``positions``."""
        if positions:
            self.highs.deleteCols(len(positions), np.array(positions, np.int32))
            self.size -= len(positions)

    def solve(self, exact: bool) -> tuple[FloatArray, float, bool]:
        """Duals (at least 0), the cost of a cover (the solution, made feasible: at least
        the optimum), and whether it is the optimum; ``exact`` solves to optimality, else
        ``IPM_ITERATIONS`` iterations at most."""
        self.highs.setOptionValue("ipm_iteration_limit", 1_000_000 if exact else IPM_ITERATIONS)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status not in (HighsModelStatus.kOptimal, HighsModelStatus.kIterationLimit):
            raise RuntimeError(  # pragma: no cover - singletons keep it feasible
                f"duty bound: the master LP failed ({status})"
            )
        solution = self.highs.getSolution()
        # x >= 0 covers at least the rows' activity; singletons (cost 1) cover the rest
        x = np.maximum(np.array(solution.col_value), 0.0)
        short = np.maximum(1.0 - np.array(solution.row_value), 0.0)
        cover = float(x.sum() + short.sum())
        optimal = status == HighsModelStatus.kOptimal
        return np.maximum(np.array(solution.row_dual), 0.0), cover, optimal
