"""Compiled loops of the duty bound's pricing: the longest paths of a round and their back-trace.

``routing.vrp.bounds.duty`` builds the time-expanded graph (nodes = trip x grid slot, one
commodity per depot-leave band) and calls these loops once per round. A node's values are
kept for the commodities its time slot can use at all (``nk0 <= k < nk1``, stored from
``base[node]``); every other value is ``-inf``. Per node the commodity tests are index ranges
(the bands are sorted): a duty may start there under ``k < ks``, pass through it under
``pa <= k < pb`` and end there under ``k >= ke``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from routing.vrp.compiled import F1, F2, I1, compiled

_NODES = ", ".join([I1] * 9)  # trip, slot, first, ks, nk0, nk1, base, pptr, preds
_TRIPS = ", ".join([I1] * 4)  # release, lo, hi, offset
_TRACE = f"{I1}(int64, int64, {F1}, {_NODES}, {F1}, {F1}, {F2}, {_TRIPS}, float64, float64)"
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@compiled(f"float64({F1}, {I1}, {I1}, {I1}, int64, int64)")
def _at(
    table: FloatArray, base: IntArray, nk0: IntArray, nk1: IntArray, node: int, k: int
) -> float:
    """``table[node, k]`` of the compact layout (``-inf`` outside the node's commodities)."""
    if nk0[node] <= k < nk1[node]:
        return float(table[base[node] + k - nk0[node]])
    return -np.inf


@compiled(f"void({F1}, {', '.join([I1] * 15)}, {F1}, {F1}, {F2}, {F1}, {I1})")
def price(
    y: FloatArray,
    trip: IntArray,
    first: IntArray,
    rel: IntArray,
    ks: IntArray,
    pa: IntArray,
    pb: IntArray,
    ke: IntArray,
    nk0: IntArray,
    nk1: IntArray,
    base: IntArray,
    pptr: IntArray,
    preds: IntArray,
    gptr: IntArray,
    gnodes: IntArray,
    gslot: IntArray,
    value: FloatArray,
    best_to: FloatArray,
    released: FloatArray,
    v_best: FloatArray,
    k_best: IntArray,
) -> None:
    """One pricing round at duals ``y``: ``value`` (the largest dual sum of a duty of each
    commodity ending at each node), ``best_to`` (the largest ``value`` over the trip's nodes
    up to the node), and per node the best value where a duty may end (``v_best``) and its
    first commodity (``k_best``). Groups are the nodes of one time slot, in slot order; a
    node's predecessors are the last usable node of each recent trip, and nodes released
    ``rel`` slots after their own join one running maximum per commodity."""
    commodities = released.shape[1]
    released[:, :] = -np.inf
    running = np.full(commodities, -np.inf)
    before = np.empty(commodities)
    done = 0
    for group in range(gptr.size - 1):
        g = gslot[group]
        if g >= done:
            for row in range(done, g + 1):
                for k in range(commodities):
                    if released[row, k] > running[k]:
                        running[k] = released[row, k]
            done = g + 1
        for at in range(gptr[group], gptr[group + 1]):
            node = gnodes[at]
            k0, k1 = nk0[node], nk1[node]
            for k in range(k0, k1):
                before[k] = 0.0 if k < ks[node] else -np.inf
                if running[k] > before[k]:
                    before[k] = running[k]
            for q in range(pptr[node], pptr[node + 1]):
                p = preds[q]
                lo, hi = max(k0, nk0[p]), min(k1, nk1[p])
                shift = base[p] - nk0[p]
                for k in range(lo, hi):
                    if best_to[shift + k] > before[k]:
                        before[k] = best_to[shift + k]
            weight = y[trip[node]]
            own = base[node] - k0
            prev = node - 1
            carry = node != first[node]
            out = rel[node]
            for k in range(k0, k1):
                here = weight + before[k] if pa[node] <= k < pb[node] else -np.inf
                value[own + k] = here
                carried = _at(best_to, base, nk0, nk1, prev, k) if carry else -np.inf
                best_to[own + k] = here if here > carried else carried
                if out >= 0 and here > released[g + out, k]:
                    released[g + out, k] = here
    for node in range(trip.size):
        v_best[node] = -np.inf
        k_best[node] = 0
        for k in range(max(nk0[node], ke[node]), nk1[node]):
            v = value[base[node] + k - nk0[node]]
            if v > v_best[node]:
                v_best[node] = v
                k_best[node] = k


@compiled(f"void({F1}, {', '.join([I1] * 14)}, {F1}, {F1}, {F1}, {F2}, {F1})")
def through(
    y: FloatArray,
    trip: IntArray,
    rel: IntArray,
    ke: IntArray,
    pa: IntArray,
    pb: IntArray,
    nk0: IntArray,
    nk1: IntArray,
    base: IntArray,
    pptr: IntArray,
    preds: IntArray,
    gptr: IntArray,
    gnodes: IntArray,
    gslot: IntArray,
    offset: IntArray,
    value: FloatArray,
    suffix: FloatArray,
    pushed: FloatArray,
    later: FloatArray,
    best: FloatArray,
) -> None:
    """Per trip, the largest dual sum of a duty through it (``best``), from ``price``'s
    ``value`` at the same duals ``y`` and the same paths walked backwards: ``suffix`` (the
    largest dual sum from each node to a duty's end, per commodity) is built slot by slot
    from the last. A node's successors are the mirror of ``price``'s predecessors: the
    nodes listing one of its trip's nodes at or after it (``pushed``: each listed node
    collects its listers' suffixes, then the trip's later nodes' are carried back), and
    every node ``rel`` or more slots later (``later``: per slot, the best suffix from it
    on). Scratch arrays ``suffix``/``pushed`` are laid out as ``value``, ``later`` as
    ``price``'s ``released``."""
    rows, commodities = later.shape[0], later.shape[1]
    later[:, :] = -np.inf
    suffix[:] = -np.inf
    pushed[:] = -np.inf
    best[:] = -np.inf
    running = np.full(commodities, -np.inf)
    filled = rows  # rows of ``later`` from here on are set
    for group in range(gptr.size - 2, -1, -1):
        g = gslot[group]
        for row in range(filled - 1, g, -1):  # no group in between: the same running max
            for k in range(commodities):
                later[row, k] = running[k]
        filled = min(filled, g + 1)
        for at in range(gptr[group], gptr[group + 1]):
            node = gnodes[at]
            k0, k1 = nk0[node], nk1[node]
            own = base[node] - k0
            j = trip[node]
            after = node + 1 if node + 1 < offset[j + 1] else -1
            row = g + rel[node] if rel[node] >= 0 else -1
            for k in range(k0, k1):
                m = pushed[own + k]
                carried = _at(pushed, base, nk0, nk1, after, k) if after >= 0 else -np.inf
                if carried > m:
                    m = carried
                pushed[own + k] = m
                if not pa[node] <= k < pb[node]:
                    continue
                rest = 0.0 if k >= ke[node] else -np.inf
                if m > rest:
                    rest = m
                if 0 <= row < rows and later[row, k] > rest:
                    rest = later[row, k]
                suffix[own + k] = y[j] + rest
                if value[own + k] + rest > best[j]:
                    best[j] = value[own + k] + rest
            for q in range(pptr[node], pptr[node + 1]):
                p = preds[q]
                lo, hi = max(k0, nk0[p]), min(k1, nk1[p])
                shift = base[p] - nk0[p]
                for k in range(lo, hi):
                    if suffix[own + k] > pushed[shift + k]:
                        pushed[shift + k] = suffix[own + k]
        for at in range(gptr[group], gptr[group + 1]):
            node = gnodes[at]
            shift = base[node] - nk0[node]
            for k in range(nk0[node], nk1[node]):
                if suffix[shift + k] > running[k]:
                    running[k] = suffix[shift + k]


@compiled(f"int64({F1}, {I1}, {I1}, {I1}, {I1}, int64, int64, float64, float64)")
def _node_with(
    value: FloatArray,
    base: IntArray,
    nk0: IntArray,
    nk1: IntArray,
    first: IntArray,
    last: int,
    k: int,
    target: float,
    match: float,
) -> int:
    """The first node of ``last``'s trip, up to ``last``, whose value is ``target``."""
    for node in range(first[last], last + 1):
        if abs(_at(value, base, nk0, nk1, node, k) - target) <= match:
            return node
    return -1


@compiled(_TRACE)
def trace(
    node: int,
    k: int,
    y: FloatArray,
    trip: IntArray,
    slot: IntArray,
    first: IntArray,
    ks: IntArray,
    nk0: IntArray,
    nk1: IntArray,
    base: IntArray,
    pptr: IntArray,
    preds: IntArray,
    value: FloatArray,
    best_to: FloatArray,
    gap: FloatArray,
    release: IntArray,
    lo: IntArray,
    hi: IntArray,
    offset: IntArray,
    tol: float,
    match: float,
) -> IntArray:
    """The trips of the duty behind ``value[node, k]``, first to last (empty if the values
    do not lead back to a start: a bug)."""
    path = [np.int64(0) for _ in range(0)]
    while True:
        j = trip[node]
        path.append(j)
        rest = _at(value, base, nk0, nk1, node, k) - y[j]
        if k < ks[node] and rest <= tol:
            out = np.empty(len(path), np.int64)
            for i in range(len(path)):
                out[i] = path[len(path) - 1 - i]
            return out
        found = -1
        for q in range(pptr[node], pptr[node + 1]):  # most duties continue from a recent trip
            if abs(_at(best_to, base, nk0, nk1, preds[q], k) - rest) <= match:
                found = preds[q]
                break
        if found < 0:  # the predecessors ``price`` used: by arc, or released by this slot
            for i in range(offset.size - 1):
                src = slot[node] - gap[i, j]
                if release[i] >= 0:
                    src = max(src, float(slot[node] - release[i]))
                if not (np.isfinite(src) and src >= lo[i]):
                    continue
                last = offset[i] + min(np.int64(src), hi[i]) - lo[i]
                if abs(_at(best_to, base, nk0, nk1, last, k) - rest) <= match:
                    found = last
                    break
        if found < 0:
            return np.empty(0, np.int64)
        node = _node_with(value, base, nk0, nk1, first, found, k, rest, match)
        if node < 0:
            return np.empty(0, np.int64)


@compiled(f"void({I1}, int64, {I1}, {F2}, {I1}, {I1}, {I1}, {I1}, {I1}, {I1})")
def predecessors(
    nodes: IntArray,
    g: int,
    trip: IntArray,
    gap: FloatArray,
    lo: IntArray,
    hi: IntArray,
    release: IntArray,
    offset: IntArray,
    counts: IntArray,
    out: IntArray,
) -> None:
    """The predecessors of ``nodes`` (all of slot ``g``): per node, the last usable node of
    each trip not yet released by slot ``g``, in trip order; ``counts[k]`` of them for
    ``nodes[k]``, one after the other in ``out`` (room for a trip per node)."""
    n = lo.size
    at = 0
    for k in range(nodes.size):
        j = trip[nodes[k]]
        count = 0
        for i in range(n):
            if release[i] >= 0 and hi[i] + release[i] <= g:
                continue  # released: joins the running maximum instead
            d = gap[i, j]
            if not np.isfinite(d):
                continue
            src = g - d
            if src < lo[i]:
                continue
            last = min(np.int64(src), hi[i])
            out[at] = offset[i] + last - lo[i]
            at += 1
            count += 1
        counts[k] = count
