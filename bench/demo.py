"""Demo-day benchmark: plan the demo day (scenarios/demo) end to end and report the figures.

Times reading the day and ``dispatch.planner.plan_day`` (time limit included) in a fresh
process, then prints wall time per stage, peak memory, buses used against the fleet lower
bound, bus-km with the empty share, unserved workers by reason, and the independent
re-simulation's verdict (``dispatch.charters.verify``). Then, for the embedded demo, times
``charter demo`` end to end as a user runs it (a new interpreter: imports, planning, the plan
folder and map.html written) and its peak memory. Not a test: figures depend on the machine.

With ``--repeat N`` it times ``charter demo``, ``charter --help`` and ``charter check`` on the
demo day N times each (new interpreters), reports every run and the median with the load
average and the CPU seconds (user + system, children included: the bound's process too), and
writes them as a section of ``bench/results/demo.md`` headed by the commit measured.

Run: ``python -m bench.demo [DAY] [--time-limit S] [--seed N] [--effort N] [--no-cli]
[--repeat N]``.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import resource
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
from dispatch.intake.reader import read_day
from dispatch.planner import plan_day
from stations.errors import SnapWarning

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "demo"
RESULTS = Path(__file__).resolve().parent / "results" / "demo.md"


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("day", nargs="?", type=Path, default=DEMO, help="day folder or .xlsx")
    parser.add_argument("--time-limit", type=float, default=None, help="override the policy's")
    parser.add_argument("--seed", type=int, default=None, help="override the policy's")
    parser.add_argument("--effort", type=int, default=None, help="override the policy's")
    parser.add_argument("--log", action="store_true", help="log the solving stages")
    parser.add_argument("--no-cli", action="store_true", help="skip timing `charter demo`")
    parser.add_argument(
        "--repeat", type=int, default=0, help="time the commands this many times (median)"
    )
    args = parser.parse_args(argv)
    if args.repeat:
        repeat_cli(args, args.repeat)
        return
    if args.log:
        logging.basicConfig(level=logging.INFO, format="%(relativeCreated)7.0f ms %(message)s")
    warnings.simplefilter("ignore", SnapWarning)

    started = time.perf_counter()
    day = read_day(args.day)
    overrides = {
        key: value
        for key, value in (
            ("time_limit_s", args.time_limit),
            ("seed", args.seed),
            ("effort", args.effort),
        )
        if value is not None
    }
    if overrides:
        day = day.replace(policy=day.policy.replace(**overrides))
    read_s = time.perf_counter() - started
    stages: list[tuple[str, float]] = []
    plan = plan_day(day, on_stage=lambda name, _: stages.append((name, time.perf_counter())))
    total_s = time.perf_counter() - started
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    k = plan.kpis
    print(f"day {args.day} ({day.date}): {k.workers_registered} workers, {k.requests} requests")
    print(
        f"policy: time limit {day.policy.time_limit_s:g} s, seed {day.policy.seed}, "
        f"effort {day.policy.effort}, mixing {day.policy.mixing.value}"
    )
    print(f"wall time end to end: {total_s:.1f} s (reading the day {read_s:.1f} s)")
    firsts: dict[str, float] = {}
    for name, at in stages:
        firsts.setdefault(name, at)
    order = list(firsts)
    for name, following in itertools.pairwise(order):
        print(f"  {name:<9} {firsts[following] - firsts[name]:6.2f} s")
    print(f"peak memory (RSS): {rss_mib:.0f} MiB")
    print(f"solver status: {plan.meta.solver_status}")
    bound = k.fleet_lower_bound
    ratio = f" = {k.buses_vs_bound:.2f} x bound" if k.buses_vs_bound else ""
    print(f"buses used: {k.buses_used} of {k.buses_usable} usable; lower bound {bound}{ratio}")
    print(
        f"bus-km: {k.bus_km:.0f} (loaded {k.bus_km_loaded:.0f}, empty {k.bus_km_empty:.0f}, "
        f"empty share {k.empty_share:.1%})"
    )
    print(f"trips: {k.trips}; seat use {k.seat_use:.1%} (cap {k.load_factor_cap:.0%})")
    print(f"cost: {k.cost_cny:,.0f} CNY; subsidy {k.subsidy_cny:,.0f} CNY")
    print(
        f"workers: transported {k.workers_transported}, excluded {k.workers_excluded}, "
        f"unserved {k.workers_unserved} (nothing lost: {k.nothing_lost})"
    )
    for reason, count in sorted(Counter(u.reason.value for u in plan.unserved).items()):
        print(f"  unserved {reason}: {count}")
    found = verify_plan(plan, travel_of(day))
    print(f"independent re-simulation: {len(found)} violation(s)")
    for violation in found[:10]:
        print(f"  {violation}")
    if not args.no_cli and args.day == DEMO:
        time_cli(args)


def time_cli(args: argparse.Namespace) -> None:
    """Time ``charter demo`` in a new interpreter, with the same policy overrides."""
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as scratch:
        command = [sys.executable, "-m", "charter", "demo", "--out", scratch, "-q"]
        for flag, value in (
            ("--time-limit", args.time_limit),
            ("--seed", args.seed),
            ("--effort", args.effort),
        ):
            if value is not None:
                command += [flag, str(value)]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        wall_s = time.perf_counter() - started
        rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_kib = (Path(scratch) / "map.html").stat().st_size / 1024
    print(f"`charter demo` end to end: {wall_s:.1f} s wall, peak memory {rss_mib:.0f} MiB")
    print(f"  map.html {size_kib:.0f} KiB")


def installed_env() -> dict[str, str]:
    """The environment for the timed commands: this one, but with bytecode cached as in an
    installed copy (without ``PYTHONDONTWRITEBYTECODE`` each run would compile every module of
    the project from source again: about 0.7 s of CPU before the plan starts)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=installed_env(),
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commit() -> str:
    """The commit measured (with ``+`` when the work tree has changes)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (head or "unknown") + ("+" if dirty else "")


def repeat_cli(args: argparse.Namespace, times: int) -> None:
    """Time ``charter demo``, ``--help`` and ``check`` ``times`` times each; print and record
    the runs and their medians."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    python = [sys.executable, "-m", "charter"]
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as scratch:
        commands = {
            "charter demo": [*python, "demo", "--out", scratch, "-q"],
            "charter --help": [*python, "--help"],
            "charter check (demo day)": [*python, "check", str(DEMO)],
        }
        for name, command in commands.items():
            runs = [_timed(command) for _ in range(times)]
            walls = ", ".join(f"{w:.2f}" for w, _ in runs)
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            rows.append(f"| `{name}` | **{wall:.2f} s** | {cpu:.2f} s | {walls} |")
            print(f"{name}: median {wall:.2f} s wall, {cpu:.2f} s CPU ({walls})")
    after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    section = [
        f"## {commit()}, {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"{os.cpu_count()} cores; load average before {load}, after {after}. Median of "
        f"{times} runs, each in a new interpreter (bytecode cached, as installed); CPU = user + "
        "system seconds of the process and its children (the bound's process included).",
        "",
        "| command | wall (median) | CPU (median) | wall of each run (s) |",
        "|---|---|---|---|",
        *rows,
        "",
    ]
    _record(RESULTS, section)


def _record(path: Path, section: list[str]) -> None:
    """Add ``section`` to the results file (newest first, after the file's heading)."""
    head = "# Demo benchmark (`python -m bench.demo --repeat N`)\n\n"
    text = path.read_text(encoding="utf-8") if path.exists() else head
    top, _, rest = text.partition("\n## ")
    body = "\n".join(section)
    text = top.rstrip("\n") + "\n\n" + body + ("\n## " + rest if rest else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
