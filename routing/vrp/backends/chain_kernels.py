"""Compiled loops of trip chaining: a route's splice summaries and the fit of a trip into
every splice of every route.

``routing.vrp.backends.chains`` keeps, per way of splicing a trip into a route (insert,
replace one, replace two, drop the first, drop the last: index ``g`` of the first axis), the
summaries of the prefix kept before the trip and the suffix kept after it for every vehicle
(second axis) and position (third axis). These loops compute them after a route changes
(``refresh``) and test a trip against all of them (``splice``), with the same floating-point
operations in the same order as the numpy code they replace, so the search makes the same
choices. Trip columns: ``a`` earliest and ``b`` latest boarding start, ``go`` boarding to the
last drop's arrival, ``opens`` when the last drop opens, ``unload`` its service, ``s`` the
pickup and ``e`` the last drop location.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from routing.vrp.compiled import B1, F1, F2, F4, I1, I2, I4, compiled

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

INSERT, REPLACE1, REPLACE2, DROP_FIRST, DROP_LAST = range(5)


@compiled(f"Tuple(({I1}, {F1}, {F1}, {F1}))({I1}, int64, int64, {F2}, {F2}, {I2})")
def _prefixes(
    seq: IntArray,
    skip: int,
    start: int,
    time_s: FloatArray,
    trip_f: FloatArray,
    trip_i: IntArray,
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """``(location, D, E, C)`` after each prefix of ``seq[skip:]`` (0 … all of it): leaving
    the depot ``start`` at ``t``, the prefix ends at ``max(E, t + D)`` at ``location``, and its
    windows hold while ``t <= C``."""
    a, b, go, opens, unload = trip_f[0], trip_f[1], trip_f[2], trip_f[3], trip_f[4]
    s, e = trip_i[0], trip_i[1]
    count = seq.size - skip + 1
    locs = np.empty(count, np.int64)
    ds, es, cs = np.empty(count), np.empty(count), np.empty(count)
    loc, d, ee, c = start, 0.0, -np.inf, np.inf
    locs[0], ds[0], es[0], cs[0] = loc, d, ee, c
    for i in range(skip, seq.size):
        k = seq[i]
        hop = time_s[loc, s[k]]
        c = min(c, b[k] - d - hop)
        ee = max(max(a[k] + go[k], ee + hop + go[k]), opens[k]) + unload[k]
        d += hop + go[k] + unload[k]
        loc = e[k]
        j = i - skip + 1
        locs[j], ds[j], es[j], cs[j] = loc, d, ee, c
    return locs, ds, es, cs


@compiled(f"Tuple(({I1}, {F1}, {F1}, {F1}))({I1}, int64, int64, float64, {F2}, {F2}, {I2})")
def _suffixes(
    seq: IntArray,
    size: int,
    end: int,
    omega: float,
    time_s: FloatArray,
    trip_f: FloatArray,
    trip_i: IntArray,
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """``(location, late, D, E)`` before each suffix of ``seq[:size]`` (all of it … none):
    arriving at ``location`` at ``t`` (no later than ``late``, the latest start that still
    keeps every later window and the return to ``end`` by ``omega``), the vehicle is back at
    its depot at ``max(E, t + D)``."""
    b, go, opens, unload = trip_f[1], trip_f[2], trip_f[3], trip_f[4]
    s, e = trip_i[0], trip_i[1]
    late = np.empty(size)
    limit, loc = omega, end
    for idx in range(size - 1, -1, -1):
        k = seq[idx]
        finish = limit - time_s[e[k], loc]
        x = min(b[k], finish - go[k] - unload[k])
        if opens[k] + unload[k] > finish:
            x = -np.inf
        late[idx] = x
        limit, loc = x, s[k]
    locs = np.empty(size + 1, np.int64)
    lates, ds, es = np.empty(size + 1), np.empty(size + 1), np.empty(size + 1)
    loc, d, ee = end, 0.0, -np.inf
    locs[size], lates[size], ds[size], es[size] = loc, omega, d, ee
    for idx in range(size - 1, -1, -1):
        k = seq[idx]
        hop = time_s[e[k], loc]
        ee = max(ee, max(trip_f[0, k] + go[k], opens[k]) + unload[k] + hop + d)
        d += go[k] + unload[k] + hop
        loc = s[k]
        locs[idx], lates[idx], ds[idx], es[idx] = loc, late[idx], d, ee
    return locs, lates, ds, es


@compiled(f"void(int64, {I1}, int64, int64, float64, {F2}, {F2}, {I2}, {F4}, {I4})")
def refresh_route(
    v: int,
    seq: IntArray,
    start: int,
    end: int,
    omega: float,
    time_s: FloatArray,
    trip_f: FloatArray,
    trip_i: IntArray,
    grid_f: FloatArray,
    grid_i: IntArray,
) -> None:
    """Row ``v`` of every splice grid (first axis: insert, replace1, replace2, drop_first,
    drop_last) for the chain ``seq``; ``grid_f`` holds pre_d, pre_e, pre_c, late, suf_d,
    suf_e and ``grid_i`` prev, next, out1, out2 (see ``Chains``)."""
    pre_d, pre_e, pre_c, late = grid_f[0], grid_f[1], grid_f[2], grid_f[3]
    suf_d, suf_e = grid_f[4], grid_f[5]
    prev, nxt, out1, out2 = grid_i[0], grid_i[1], grid_i[2], grid_i[3]
    size = seq.size
    p_loc, p_d, p_e, p_c = _prefixes(seq, 0, start, time_s, trip_f, trip_i)
    s_loc, s_late, s_d, s_e = _suffixes(seq, size, end, omega, time_s, trip_f, trip_i)
    for g in range(5):
        late[g, v, :] = -np.inf
    # insert: prefix p, suffix p (p = 0 … size)
    for p in range(size + 1):
        prev[INSERT, v, p], pre_d[INSERT, v, p] = p_loc[p], p_d[p]
        pre_e[INSERT, v, p], pre_c[INSERT, v, p] = p_e[p], p_c[p]
        nxt[INSERT, v, p], late[INSERT, v, p] = s_loc[p], s_late[p]
        suf_d[INSERT, v, p], suf_e[INSERT, v, p] = s_d[p], s_e[p]
        out1[INSERT, v, p], out2[INSERT, v, p] = -1, -1
    if size == 0:
        return
    # replace1 and drop_last share prefix p; replace1 and drop_first share suffix p + 1
    n_loc, n_late, n_d, n_e = _suffixes(seq, size - 1, end, omega, time_s, trip_f, trip_i)
    f_loc, f_d, f_e, f_c = _prefixes(seq, 1, start, time_s, trip_f, trip_i)
    for p in range(size):
        for g in (REPLACE1, DROP_LAST):
            prev[g, v, p], pre_d[g, v, p] = p_loc[p], p_d[p]
            pre_e[g, v, p], pre_c[g, v, p] = p_e[p], p_c[p]
        for g in (REPLACE1, DROP_FIRST):
            nxt[g, v, p], late[g, v, p] = s_loc[p + 1], s_late[p + 1]
            suf_d[g, v, p], suf_e[g, v, p] = s_d[p + 1], s_e[p + 1]
        out1[REPLACE1, v, p], out2[REPLACE1, v, p] = seq[p], -1
        # drop_first: the prefix without the first trip (its start: the depot)
        prev[DROP_FIRST, v, p], pre_d[DROP_FIRST, v, p] = f_loc[p], f_d[p]
        pre_e[DROP_FIRST, v, p], pre_c[DROP_FIRST, v, p] = f_e[p], f_c[p]
        out1[DROP_FIRST, v, p], out2[DROP_FIRST, v, p] = seq[0], -1
        nxt[DROP_LAST, v, p], late[DROP_LAST, v, p] = n_loc[p], n_late[p]
        suf_d[DROP_LAST, v, p], suf_e[DROP_LAST, v, p] = n_d[p], n_e[p]
        out1[DROP_LAST, v, p], out2[DROP_LAST, v, p] = seq[size - 1], -1
    for p in range(size - 1):
        prev[REPLACE2, v, p], pre_d[REPLACE2, v, p] = p_loc[p], p_d[p]
        pre_e[REPLACE2, v, p], pre_c[REPLACE2, v, p] = p_e[p], p_c[p]
        nxt[REPLACE2, v, p], late[REPLACE2, v, p] = s_loc[p + 2], s_late[p + 2]
        suf_d[REPLACE2, v, p], suf_e[REPLACE2, v, p] = s_d[p + 2], s_e[p + 2]
        out1[REPLACE2, v, p], out2[REPLACE2, v, p] = seq[p], seq[p + 1]


@compiled(
    f"Tuple(({I1}, {I1}))(int64, {B1}, {I1}, int64, {F2}, {F1}, {F1}, {F2}, {I2}, {F4}, {I4})"
)
def splice(
    g: int,
    rows: BoolArray,
    lengths: IntArray,
    k: int,
    time_s: FloatArray,
    alpha: FloatArray,
    span: FloatArray,
    trip_f: FloatArray,
    trip_i: IntArray,
    grid_f: FloatArray,
    grid_i: IntArray,
) -> tuple[IntArray, IntArray]:
    """Cells ``(vehicles, columns)`` of grid ``g`` (rows ``rows`` only) where trip ``k`` fits
    between the prefix and the suffix, row by row: windows, shift window and shift limit, as
    ``Chains._splice`` did with numpy. A row's cells past its route's length never fit
    (``late = -inf``), so they are not looked at."""
    a, b, go = trip_f[0, k], trip_f[1, k], trip_f[2, k]
    opens, unload = trip_f[3, k], trip_f[4, k]
    pickup, drop = trip_i[0, k], trip_i[1, k]
    pre_d, pre_e, pre_c, late = grid_f[0, g], grid_f[1, g], grid_f[2, g], grid_f[3, g]
    suf_d, suf_e = grid_f[4, g], grid_f[5, g]
    prev, nxt = grid_i[0, g], grid_i[1, g]
    total = 0
    for v in range(rows.size):
        if rows[v]:
            total += lengths[v] + 1
    vs = np.empty(total, np.int64)
    ps = np.empty(total, np.int64)
    found = 0
    for v in range(rows.size):
        if not rows[v]:
            continue
        for p in range(lengths[v] + 1):
            lt = late[v, p]
            hop_in = time_s[prev[v, p], pickup]
            hop_out = time_s[drop, nxt[v, p]]
            pd, pe = pre_d[v, p], pre_e[v, p]
            x = np.maximum(np.maximum(pe, alpha[v] + pd) + hop_in, a)
            if not (x <= b and np.maximum(x + go, opens) + unload + hop_out <= lt):
                continue
            latest = np.minimum(b, lt - hop_out - go - unload)
            leave = np.minimum(pre_c[v, p], latest - hop_in - pd)
            x = np.maximum(np.maximum(pe, leave + pd) + hop_in, a)
            back = np.maximum(
                suf_e[v, p], np.maximum(x + go, opens) + unload + hop_out + suf_d[v, p]
            )
            if back - leave <= span[v] + 1e-6:
                vs[found], ps[found] = v, p
                found += 1
    return vs[:found], ps[:found]


@compiled(f"boolean({I1}, {F2}, {F2}, {I2}, int64, int64, float64, float64, float64)")
def chain_fits(
    seq: IntArray,
    time_s: FloatArray,
    trip_f: FloatArray,
    trip_i: IntArray,
    start: int,
    end: int,
    t0: float,
    omega: float,
    limit: float,
) -> bool:
    """Whether ``seq`` keeps every window leaving ``start`` at ``t0`` and is back at ``end``
    by ``omega``, and fits a shift of ``limit``: leave as late as the chain allows, then go
    as early as possible (that is the shortest shift)."""
    a, b, go, opens, unload = trip_f[0], trip_f[1], trip_f[2], trip_f[3], trip_f[4]
    pick, drop = trip_i[0], trip_i[1]
    t, loc = t0, start
    for k in seq:
        x = max(a[k], t + time_s[loc, pick[k]])
        if x > b[k]:
            return False
        t, loc = max(x + go[k], opens[k]) + unload[k], drop[k]
    if t + time_s[loc, end] > omega:
        return False
    if seq.size == 0 or limit == np.inf:
        return True
    latest, loc = omega, end
    for idx in range(seq.size - 1, -1, -1):
        k = seq[idx]
        finish = latest - time_s[drop[k], loc]
        if opens[k] + unload[k] > finish:
            return False
        latest = min(b[k], finish - go[k] - unload[k])
        loc = pick[k]
    first = seq[0]
    leave = latest - time_s[start, pick[first]]
    t = max(latest + go[first], opens[first]) + unload[first]
    loc = drop[first]
    for idx in range(1, seq.size):
        k = seq[idx]
        x = t + time_s[loc, pick[k]]
        if x < a[k]:
            x = a[k]
        t = max(x + go[k], opens[k]) + unload[k]
        loc = drop[k]
    return bool(t + time_s[loc, end] - leave <= limit + 1e-6)
