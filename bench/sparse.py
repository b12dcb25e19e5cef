"""Sparse days: many employers, one or two workers per station, employer and hour.

The family of the "real days" issue: days from the big-day generator (``bench.bigday``) with
2,600 workers of 600 employers booked one by one on the trains (so a trip request holds one or
two workers), 10 stations, and a fleet of 110 buses (or fewer: a starved day). Each day is
planned under ``mixing = none`` (point to point), ``pooled`` and ``auto`` with the same time
limit; the table gives served workers and share, buses, seat use, the solve stage's wall time
against the limit, the whole plan's wall time, the two bounds and the measured advice. With
``--check-advice`` the point-to-point plan's advice is applied and the day planned again, and
the workers served are set against the promise (deterministic with ``--effort``).

Run: ``python -m bench.sparse [--seeds 1 2 3 4 5] [--buses 110] [--time-limit 30]
[--effort N] [--modes none pooled auto] [--check-advice] [--out bench/results/sparse.md]``.
Not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.bigday import BigDaySpec, build_bigday
from dispatch.charters.advice import later_day, more_buses_day, pooled_day
from dispatch.charters.prepare import prepare
from dispatch.day import Day
from dispatch.intake.reader import read_day
from dispatch.plan import AdviceKind, Plan
from dispatch.planner import plan_day
from dispatch.policy import Mixing

RESULTS = Path(__file__).resolve().parent / "results" / "sparse.md"
MODES = ("none", "pooled", "auto")


@dataclass(frozen=True, slots=True)
class Row:
    """One planned day of the family."""

    seed: int
    mode: str
    eligible: int
    transported: int
    requests: int
    buses_used: int
    buses_usable: int
    seat_use: float
    solve_s: float
    wall_s: float
    limit_s: float
    bound: int | None
    needed_all: int | None
    advice: str
    advice_check: str = ""


def sparse_spec(seed: int, buses: int) -> BigDaySpec:
    """The family's day for ``seed``: 2,600 workers, 600 employers, one-by-one bookings."""
    return BigDaySpec(
        workers=2600, employers=600, buses=buses, seed=seed, batch=1.0, on_their_own=0.0
    )


def _timed_plan(day: Day) -> tuple[Plan, float, float]:
    """The plan, the solve stage's wall time (charters and supply) and the whole wall time."""
    marks: dict[str, float] = {}

    def on_stage(name: str, _fraction: float) -> None:
        marks.setdefault(name, time.monotonic())

    started = time.monotonic()
    plan = plan_day(day, on_stage=on_stage)
    wall = time.monotonic() - started
    solve = marks.get("explain", time.monotonic()) - marks.get("solve", started)
    return plan, solve, wall


def _advised(day: Day, plan: Plan) -> Day | None:
    """The day with the plan's first advice applied (as an officer would)."""
    if not plan.advice:
        return None
    advice = plan.advice[0]
    if advice.kind is AdviceKind.POOLING:
        return pooled_day(day)
    if advice.kind is AdviceKind.LATER_DAY_END:
        return later_day(day, prepare(day))
    if advice.depot_id is None:
        return None
    return more_buses_day(day, prepare(day), advice.depot_id, advice.buses_added)


def run_day(
    seed: int,
    folder: Path,
    *,
    buses: int,
    modes: Sequence[str],
    limit: float,
    effort: int | None,
    check_advice: bool,
) -> list[Row]:
    """Generate the day of ``seed`` into ``folder`` and plan it under every mode."""
    build_bigday(folder, sparse_spec(seed, buses))
    base = read_day(folder)
    rows: list[Row] = []
    for mode in modes:
        policy = base.policy.replace(mixing=Mixing(mode), time_limit_s=limit, effort=effort)
        day = base.replace(policy=policy)
        plan, solve_s, wall_s = _timed_plan(day)
        k = plan.kpis
        advice = "; ".join(f"{a.change}: +{a.workers_more}" for a in plan.advice)
        check = ""
        if check_advice and plan.advice:
            changed = _advised(day, plan)
            if changed is not None:
                again, _, _ = _timed_plan(
                    changed.replace(policy=changed.policy.replace(advice=False))
                )
                gained = again.kpis.workers_transported - k.workers_transported
                promise = plan.advice[0].workers_more
                check = f"{plan.advice[0].change}: promised +{promise}, re-plan +{gained}"
        rows.append(
            Row(
                seed,
                mode,
                k.workers_eligible,
                k.workers_transported,
                k.requests,
                k.buses_used,
                k.buses_usable,
                k.seat_use,
                solve_s,
                wall_s,
                limit,
                k.fleet_lower_bound,
                k.buses_needed_all,
                advice,
                check,
            )
        )
        logging.getLogger(__name__).info("seed %d %s: %s", seed, mode, rows[-1])
    return rows


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def markdown(rows: Sequence[Row], *, buses: int, limit: float, effort: int | None) -> str:
    """The results as a Markdown section."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"## Sparse days: 2,600 workers, 600 employers, {buses} buses, time limit {limit:g} s"
        + (f", effort {effort}" if effort else ""),
        "",
        f"Commit {_commit()}, {platform.machine()}, load average {load:.1f} at the end. "
        "Served = transported / eligible; solve = the solve stage (charters + supply) against "
        "the time limit; wall = the whole plan (bounds, reasons, advice included).",
        "",
        "| seed | mode | requests | served | share | buses | seat use | solve s | wall s "
        "| bound (served) | buses needed for all | advice | advice applied |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        share = r.transported / r.eligible if r.eligible else 0.0
        lines.append(
            f"| {r.seed} | {r.mode} | {r.requests} | {r.transported} / {r.eligible} | "
            f"{share:.1%} | {r.buses_used} / {r.buses_usable} | {r.seat_use:.1%} | "
            f"{r.solve_s:.1f} | {r.wall_s:.1f} | {r.bound if r.bound is not None else '–'} | "
            f"{r.needed_all if r.needed_all is not None else '–'} | {r.advice or '–'} | "
            f"{r.advice_check or '–'} |"
        )
    lines += ["", "Mean served share by mode:", ""]
    for mode in dict.fromkeys(r.mode for r in rows):
        of = [r for r in rows if r.mode == mode]
        mean = sum(r.transported / r.eligible for r in of) / len(of)
        worst = max(r.solve_s - r.limit_s for r in of)
        lines.append(f"- {mode}: {mean:.1%} (solve stage at most {worst:+.1f} s over the limit)")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--buses", type=int, default=110)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--effort", type=int, default=None)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--check-advice", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for name in ("routing", "dispatch"):
        logging.getLogger(name).setLevel(logging.WARNING)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            rows += run_day(
                seed,
                Path(tmp) / f"day{seed}",
                buses=args.buses,
                modes=args.modes,
                limit=args.time_limit,
                effort=args.effort,
                check_advice=args.check_advice,
            )
    section = markdown(rows, buses=args.buses, limit=args.time_limit, effort=args.effort)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as handle:
        handle.write(section + "\n")
    print(section)


if __name__ == "__main__":
    main()
