"""Re-plan benchmark: the demo day re-planned at 12:00 with one late train, 50 no-shows and
one breakdown (issue 18's yardstick).

The base is a plan folder (``--base``) or the demo day planned here. The events are chosen
from the base plan, deterministically, and written as an events file that is read back (so
the reader is part of the run):

* the late train: the train bringing the most transported workers between 12:30 and 14:00,
  90 minutes late, known at 11:50;
* 50 no-shows: transported workers arriving from 12:30 (not on that train), the first by
  SHA-256 of the worker id, known at 11:50;
* the breakdown: the first bus in fleet order with a group on board at 11:55 and two or more
  trips after 12:00, broken down at 11:55.

Reported: the re-plan's time (the core ``replan_day``: median of ``--runs``), the share of the
workers still to move whose bus or boarding time changed (and the share no event forced), the
trips and buses changed, buses used against a full re-plan of the rest (the same remainder
solved from scratch, with route elimination), unserved workers by reason, the independent
re-simulation, and ``charter replan`` end to end in a new interpreter (day and base read,
folder, diff, amendments and map written). Not a test: the times depend on the machine.

Run: ``python -m bench.replan [--base PLAN_DIR] [--runs N] [--no-cli]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

from dispatch.charters.bus_problem import travel_of
from dispatch.charters.verify import verify_plan
from dispatch.day import Day
from dispatch.intake.reader import read_day
from dispatch.outputs.plan_folder import write_plan
from dispatch.planner import plan_day
from dispatch.replan.base import BasePlan, read_base
from dispatch.replan.event_tables import read_events
from dispatch.replan.replanner import Replan, replan_day
from dispatch.replan.state import blocks_of
from stations.errors import InputWarning

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo"
AT = dt.time(12, 0)
NO_SHOWS = 50


def _events(day: Day, base: BasePlan) -> str:
    """The events file (CSV text) of the module docstring."""
    at = dt.datetime.combine(day.date, AT)
    arrivals = {a.worker_id: a for a in day.arrivals}
    riders = [w for t in base.trips for w in t.worker_ids]
    window = (at + dt.timedelta(minutes=30), at + dt.timedelta(hours=2))
    trains = Counter(
        (arrivals[w].station_id, arrivals[w].train_no or "")
        for w in riders
        if window[0] <= arrivals[w].arrival_time <= window[1] and arrivals[w].train_no
    )
    (station, train), _ = max(trains.items(), key=lambda item: (item[1], item[0]))
    later = [
        w for w in riders if arrivals[w].arrival_time >= window[0] and arrivals[w].train_no != train
    ]
    gone = sorted(later, key=lambda w: hashlib.sha256(w.encode()).digest())[:NO_SHOWS]
    broken = at - dt.timedelta(minutes=5)
    bus = next(
        r.vehicle_id
        for r in base.routes
        if any(b.boards <= broken <= r.steps[b.last].departure for b in blocks_of(r))
        and sum(b.boards > at for b in blocks_of(r)) >= 2
    )
    return (
        "event_id,kind,known_at,station_id,train_no,minutes,worker_ids,vehicle_id,time\n"
        f"late,train_delay,11:50,{station},{train},90,,,\n"
        f"gone,no_show,11:50,,,,{' '.join(sorted(gone))},,\n"
        f"broken,vehicle_breakdown,11:55,,,,,{bus},11:55\n"
    )


def _report(result: Replan, full: Replan, seconds: list[float]) -> None:
    diff, plan = result.diff, result.plan
    counts = diff.counts()
    events = ", ".join(f"{k} {n}" for k, n in result.applied.counts().items())
    print(f"events applied: {events}")
    print(
        f"re-plan (replan_day): median {statistics.median(seconds):.2f} s of {len(seconds)} "
        f"run(s) ({', '.join(f'{s:.2f}' for s in seconds)}); solver {result.solve_seconds:.2f} s"
    )
    print(
        f"workers still to move: {diff.workers_to_move}; bus or boarding time changed: "
        f"{diff.workers_changed} = {diff.changed_share:.1%} ({diff.workers_forced} forced by "
        f"the events; the re-plan's own choice {diff.chosen_share:.1%})"
    )
    print(
        "trips changed: "
        + ", ".join(
            f"{k.removeprefix('trips_')} {v}" for k, v in counts.items() if k.startswith("trips_")
        )
    )
    print(
        "buses changed: "
        + ", ".join(
            f"{k.removeprefix('buses_')} {v}" for k, v in counts.items() if k.startswith("buses_")
        )
    )
    k, f = plan.kpis, full.plan.kpis
    print(
        f"buses used: {k.buses_used} (full re-plan of the rest: {f.buses_used}, "
        f"difference {k.buses_used - f.buses_used:+d}); the full re-plan changes "
        f"{full.diff.workers_changed} workers = {full.diff.changed_share:.1%}"
    )
    print(
        f"workers: transported {k.workers_transported} (full re-plan {f.workers_transported}), "
        f"excluded {k.workers_excluded}, unserved {k.workers_unserved} "
        f"(nothing lost: {k.nothing_lost})"
    )
    for reason, count in sorted(Counter(u.reason.value for u in plan.unserved).items()):
        print(f"  unserved {reason}: {count}")
    print(f"bus-km {k.bus_km:,.0f} (full re-plan {f.bus_km:,.0f}); cost {k.cost_cny:,.0f} CNY")
    found = verify_plan(plan, travel_of(plan.day))
    print(f"independent re-simulation: {len(found)} violation(s)")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base", type=Path, default=None, help="base plan folder of the demo")
    parser.add_argument("--runs", type=int, default=3, help="re-plans timed (median)")
    parser.add_argument("--no-cli", action="store_true", help="skip timing `charter replan`")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", InputWarning)
    day = read_day(DEMO)
    with tempfile.TemporaryDirectory(prefix="bench-replan-") as scratch:
        folder = args.base
        if folder is None:
            folder = Path(scratch) / "base"
            started = time.perf_counter()
            write_plan(plan_day(day), folder)
            print(f"base: the demo day planned in {time.perf_counter() - started:.1f} s")
        base = read_base(folder, day)
        events_dir = Path(scratch) / "events"
        events_dir.mkdir()
        (events_dir / "events.csv").write_text(_events(day, base), encoding="utf-8")
        at = dt.datetime.combine(day.date, AT)
        seconds: list[float] = []
        for _ in range(max(1, args.runs)):
            started = time.perf_counter()
            result = replan_day(day, base, read_events(events_dir, day), at=at)
            seconds.append(time.perf_counter() - started)
        full = replan_day(day, base, read_events(events_dir, day), at=at, warm=False)
        _report(result, full, seconds)
        if not args.no_cli:
            time_cli(folder, events_dir, Path(scratch) / "out")


def time_cli(base: Path, events: Path, out: Path) -> None:
    """Time ``charter replan`` end to end in a new interpreter."""
    command = [sys.executable, "-m", "charter", "replan", str(DEMO), "--at", AT.strftime("%H:%M")]
    command += ["--base", str(base), "--events", str(events), "--out", str(out), "-q"]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - started
    print(
        f"`charter replan` end to end (read, re-plan, folder, diff, amendments, map): {wall:.1f} s"
    )


if __name__ == "__main__":
    main()
