"""Quick quality check of routing.vrp.backends.ortools on benchmark files: vehicles and distance vs
BKS.

``python -m bench.quick FILES… [--time-limit 30] [--effort N] [--seed 0]`` solves each Li & Lim
or Solomon file (format chosen by the folder name), checks the solution with the independent
checker, and prints one line per instance plus a summary: share of instances at the BKS
vehicle count and the mean distance gap among those. The full harness with peers is
``bench.vrp``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.instances import Instance, read_bks, read_li_lim_instance, read_solomon_instance
from routing.vrp.checker import check
from routing.vrp.problem import SolveParams


def load(path: Path) -> Instance:
    """Read a benchmark file; Solomon when its folder name says so, else Li & Lim."""
    if "solomon" in path.parent.name.lower():
        return read_solomon_instance(path)
    return read_li_lim_instance(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--effort", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from routing.vrp import solve

    at_bks: list[float] = []
    for path in args.files:
        instance = load(path)
        bks = read_bks(path.parent / "bks.csv").get(path.stem)
        params = SolveParams(time_limit_s=args.time_limit, effort=args.effort, seed=args.seed)
        started = time.monotonic()
        solution = solve(instance.problem, params)
        wall = time.monotonic() - started
        violations = check(instance.problem, solution)
        vehicles, distance = len(solution.routes), instance.real_distance(solution)
        line = f"{instance.name:10s} vehicles {vehicles:3d} distance {distance:10.2f}"
        if bks is not None:
            gap = 100 * (distance / bks.distance - 1)
            line += f"  bks {bks.vehicles:3d} {bks.distance:10.2f}  gap {gap:7.2f}%"
            if vehicles == bks.vehicles:
                at_bks.append(gap)
        line += f"  unserved {len(solution.unassigned)}  {wall:5.1f} s"
        line += "" if not violations else f"  INFEASIBLE ({len(violations)} violations)"
        print(line, flush=True)
    n = len(args.files)
    mean = statistics.fmean(at_bks) if at_bks else float("nan")
    print(f"at BKS vehicles: {len(at_bks)}/{n}; mean gap there {mean:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
