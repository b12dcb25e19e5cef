"""Matrix benchmark: a 1,000 x 1,000 bus travel-time matrix on the embedded Suzhou graph.

Side by side in one run: ``DayNetwork.matrix`` (compiled ``scipy.sparse.csgraph.dijkstra``)
and a plain networkx loop (``single_source_dijkstra_path_length`` from every source's snapped
node on the same graph and weights). The networkx loop runs on a subset of sources and is
extrapolated linearly (each source is an independent Dijkstra); the output says so.

Run: ``python -m bench.matrix [--points 1000] [--nx-sources 100] [--seed 7]``.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings
from dataclasses import dataclass

import networkx as nx
import numpy as np

from routing.network.daynetwork import network_for_day
from routing.network.roads import RoadNetwork
from routing.network.snap import snap_places
from routing.network.speed import Profile
from stations.errors import SnapWarning

# A box over the Suzhou urban area and Kunshan (the embedded graph covers more: Wuxi and Shanghai).
SUZHOU_BOX = (120.40, 31.15, 121.05, 31.55)


@dataclass(frozen=True, slots=True)
class Point:
    """A random benchmark place."""

    place_id: str
    lon: float
    lat: float


def random_points(network: RoadNetwork, count: int, seed: int) -> list[Point]:
    """Uniform random points in the Suzhou box that lie within 2 km of a road."""
    rng = np.random.default_rng(seed)
    lo_lon, lo_lat, hi_lon, hi_lat = SUZHOU_BOX
    points: list[Point] = []
    while len(points) < count:
        lon = rng.uniform(lo_lon, hi_lon, count)
        lat = rng.uniform(lo_lat, hi_lat, count)
        snap = snap_places(
            network,
            [Point("p", float(a), float(b)) for a, b in zip(lon, lat, strict=True)],
            max_km=1e9,
            warn_km=1e9,
        )
        near = np.flatnonzero(snap.offset_km <= 2.0)
        points.extend(
            Point(f"p{len(points) + k}", float(lon[i]), float(lat[i])) for k, i in enumerate(near)
        )
    return points[:count]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--nx-sources", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    network = RoadNetwork.embedded()
    day = network_for_day(network, [])
    sources = random_points(network, args.points, args.seed)
    targets = random_points(network, args.points, args.seed + 1)
    print(
        f"embedded graph: {network.n_nodes} nodes, {network.n_arcs} arcs; "
        f"{len(sources)} x {len(targets)} random points (seed {args.seed})"
    )
    warnings.simplefilter("ignore", SnapWarning)

    day.matrix(sources[:5], targets[:5])  # warm-up: imports, first-call allocations
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        matrix = day.matrix(sources, targets, profile=Profile.BUS)
        runs.append(time.perf_counter() - start)
    compiled_s = min(runs)
    tracemalloc.start()  # a separate run: tracing slows allocations down
    day.matrix(sources, targets, profile=Profile.BUS)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    reach = float(matrix.reachable.mean())
    print(
        f"compiled (scipy csgraph): best of 3 {compiled_s:.3f} s "
        f"(runs {', '.join(f'{r:.3f}' for r in runs)}) for {matrix.time_min.size:,} pairs "
        f"incl. snapping and fastest-route distances; peak traced memory {peak / 2**20:.1f} MiB; "
        f"reachable {reach:.1%}, median {np.nanmedian(matrix.time_min):.1f} min"
    )

    # the plain networkx loop: same graph and bus weights, one Dijkstra per source node
    graph = nx.DiGraph()
    for tail, head, data in network.graph.edges(data=True):
        w = data["minutes_bus"]
        if not graph.has_edge(tail, head) or graph[tail][head]["weight"] > w:
            graph.add_edge(tail, head, weight=w)
    src_nodes = snap_places(network, sources).node
    tgt_nodes = snap_places(network, targets).node
    k = min(args.nx_sources, len(sources))
    start = time.perf_counter()
    nx_times = np.empty((k, len(targets)))
    for i in range(k):
        lengths = nx.single_source_dijkstra_path_length(graph, int(src_nodes[i]), weight="weight")
        nx_times[i] = [lengths.get(int(t), np.inf) for t in tgt_nodes]
    loop_s = time.perf_counter() - start
    full_loop_s = loop_s * len(sources) / k
    extrapolated = f" (extrapolated from the first {k} sources)" if k < len(sources) else ""
    print(
        f"networkx loop (times only, from each source's snapped node, DiGraph): {loop_s:.3f} s "
        f"for {k} sources -> {full_loop_s:.2f} s for {len(sources)}{extrapolated}"
    )
    print(f"speed-up: {full_loop_s / compiled_s:.1f}x; target < 2 s and >= 20x")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
