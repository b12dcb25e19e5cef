"""Scale benchmark: plan a synthetic big day end to end and report time, memory and fleet.

Generates a day with ``bench.bigday`` (20,000 workers, 800 employers, 600 buses by default)
into a temporary folder, then times reading it, ``dispatch.planner.plan_day`` stage by stage
and (with ``--write``) the plan folder. Reports the wall time per stage, the peak memory of
the planning process (``getrusage``; the day is generated in a child process), buses
used against the fleet lower bound, unserved workers by reason and the independent
re-simulation's violations (``dispatch.charters.verify``, not part of the timed run). The figures
are
written as a section of ``bench/results/scale.md`` (a section per day size, seed and budget
is replaced when run again). Not a test: figures depend on the machine and its load.

Run: ``python -m bench.scale [--workers 20000] [--employers 800] [--buses 600] [--seed N]
[--time-limit S] [--effort N] [--write] [--keep DIR] [--full-bound]``. ``--full-bound`` runs the
duty bound (``routing.vrp.bounds.duty``) over the plan's trips until it converges (30 minutes at
most, not timed): the plan's KPI stops it after 80 rounds or 60 s.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.bigday import SEED, BigDaySpec
from bench.demo import commit
from dispatch.charters.bound import fleet_lower_bound
from dispatch.charters.bus_problem import DayTravel, travel_of
from dispatch.charters.prepare import prepare
from dispatch.charters.verify import verify_plan
from dispatch.day import Day
from dispatch.intake.reader import read_day
from dispatch.outputs.plan_folder import PlanWriting
from dispatch.plan import Plan
from dispatch.planner import plan_day
from routing.vrp.bounds.duty import DutyBound
from stations.errors import SnapWarning

RESULTS = Path(__file__).resolve().parent / "results" / "scale.md"
FULL_BOUND_S = 1800.0
FULL_BOUND_ROUNDS = 2000


@dataclass
class Run:
    """Figures of one benchmark run."""

    spec: BigDaySpec
    policy: str
    generate_s: float
    read_s: float
    stages: list[tuple[str, float]]
    write_s: float | None
    total_s: float
    peak_mib: float
    plan: Plan
    violations: list[str] = field(default_factory=list)
    verify_s: float = 0.0
    load: str = ""
    full_bound: tuple[DutyBound, float] | None = None  # (bound, seconds), when asked for

    def lines(self) -> list[str]:
        """The figures as Markdown lines."""
        k = self.plan.kpis
        bound = k.fleet_lower_bound
        ratio = f" = **{k.buses_vs_bound:.3f} × bound**" if k.buses_vs_bound else ""
        out = [
            f"## {self.title}",
            "",
            f"Commit {commit()}. Machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"{_memory_gib():.0f} GiB; load average before the run "
            f"{self.load}. Policy: {self.policy}. Solver status: "
            f"`{self.plan.meta.solver_status[:120]}`.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| day | {k.workers_registered:,} workers, {k.requests:,} trip requests, "
            f"{len(self.plan.day.enterprises)} employers, {k.buses_usable} usable buses of "
            f"{k.buses_usable + k.buses_rejected} |",
            f"| generating the day (not timed) | {self.generate_s:.1f} s |",
            f"| **wall time end to end** (read + plan"
            f"{' + write' if self.write_s is not None else ''}) | **{self.total_s:.1f} s** |",
            f"| reading the day | {self.read_s:.1f} s |",
        ]
        out += [f"| stage `{name}` | {seconds:.1f} s |" for name, seconds in self.stages]
        if self.write_s is not None:
            out.append(
                f"| writing the plan folder (as `charter plan`: all but plan.json, the KPI "
                f"sheet and the workbook's close while the bound finishes) | {self.write_s:.1f} s |"
            )
        out += [
            f"| **peak memory** (peak RSS of the planning process, getrusage) | "
            f"**{self.peak_mib:,.0f} MiB** |",
            f"| **buses used / lower bound** | **{k.buses_used} / {bound}**{ratio} |",
            *self.full_bound_lines(),
            f"| trips | {k.trips:,} of {k.requests:,} requests |",
            f"| bus-km (loaded; empty share) | {k.bus_km:,.0f} ({k.bus_km_loaded:,.0f}; "
            f"{k.empty_share:.1%}) |",
            f"| workers | {k.workers_registered:,} registered, {k.workers_excluded:,} excluded, "
            f"{k.workers_transported:,} transported, {k.workers_unserved:,} unserved "
            f"(nothing lost: {k.nothing_lost}) |",
        ]
        reasons = Counter(u.reason.value for u in self.plan.unserved)
        for reason, count in sorted(reasons.items()):
            out.append(f"| unserved `{reason}` | {count:,} |")
        out.append(
            f"| independent re-simulation ({self.verify_s:.1f} s, not timed) | "
            f"{len(self.violations)} violation(s) |"
        )
        out += [f"|  | {v} |" for v in self.violations[:10]]
        return [*out, ""]

    def full_bound_lines(self) -> list[str]:
        """The run-to-convergence duty bound, when it was computed (not timed)."""
        if self.full_bound is None:
            return []
        duty, seconds = self.full_bound
        used = self.plan.kpis.buses_used
        state = "converged" if duty.converged else f"stopped after {duty.rounds} rounds"
        return [
            f"| **duty bound run longer** (`--full-bound`, {seconds:.0f} s, not timed; "
            f"{duty.rounds} rounds, grid {duty.grid_s:g} s, {state}) | **{duty.buses}** "
            f"(LP ≥ {duty.value:.2f}): buses used = **{used / duty.buses:.3f} × bound** |"
        ]

    @property
    def title(self) -> str:
        s = self.spec
        return (
            f"{s.workers:,} workers, {s.employers} employers, {s.buses} buses, seed {s.seed}; "
            f"{self.policy}"
        )


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3


def _generate(folder: Path, spec: BigDaySpec) -> None:
    """Write the day in a child process, so that its memory is not the planner's peak."""
    options = [f"--{name}={getattr(spec, name)}" for name in ("workers", "employers", "buses")]
    command = [sys.executable, "-m", "bench.bigday", str(folder), *options, f"--seed={spec.seed}"]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])


def _write_results(path: Path, section: list[str]) -> None:
    """Replace (or add) the section with the same heading in ``path``."""
    head = "# Scale benchmark (`python -m bench.scale`)\n\n"
    text = path.read_text(encoding="utf-8") if path.exists() else head
    blocks = text.split("\n## ")
    keep = [blocks[0].rstrip("\n") + "\n"]
    title = section[0].removeprefix("## ")
    keep += ["## " + b.rstrip("\n") + "\n" for b in blocks[1:] if not b.startswith(title)]
    keep.append("\n".join(section))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(keep), encoding="utf-8")


def run(
    spec: BigDaySpec,
    *,
    overrides: dict[str, object],
    write: bool,
    keep: Path | None,
    full_bound: bool = False,
    full_grid_s: float | None = None,
) -> Run:
    """Generate, read, plan (and write) one day; verify the plan afterwards (and, with
    ``full_bound``, run the duty bound until it converges or 30 minutes pass, on the time grid
    ``full_grid_s`` when given: finer grids prove more buses and take longer)."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="bigday-") as tmp:
        folder = keep if keep is not None else Path(tmp) / "day"
        started = time.perf_counter()
        _generate(folder, spec)
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        day = read_day(folder)
        if overrides:
            day = day.replace(policy=day.policy.replace(**overrides))
        read_s = time.perf_counter() - started
        marks: list[tuple[str, float]] = []
        write_s = None

        def on_stage(name: str, _: float) -> None:
            marks.append((name, time.perf_counter()))

        if write:  # as ``charter plan`` does: most of the folder while the bound finishes
            with PlanWriting(Path(tmp) / "plan") as writing:
                begun: list[float] = []

                def meanwhile(provisional: Plan) -> None:
                    before = time.perf_counter()
                    writing.begin(provisional)
                    begun.append(time.perf_counter() - before)

                plan = plan_day(day, on_stage=on_stage, meanwhile=meanwhile)
                before = time.perf_counter()
                writing.finish(plan)
                write_s = sum(begun) + time.perf_counter() - before
        else:
            plan = plan_day(day, on_stage=on_stage)
        total_s = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        firsts: dict[str, float] = {}
        for name, at in marks:
            firsts.setdefault(name, at)
        stages = [(a, firsts[b] - firsts[a]) for a, b in itertools.pairwise(firsts)]
        before = time.perf_counter()
        travel = travel_of(day)
        violations = [str(v) for v in verify_plan(plan, travel)]
        verify_s = time.perf_counter() - before
        full = _full_bound(day, plan, travel, full_grid_s) if full_bound else None
    p = day.policy
    policy = f"time limit {p.time_limit_s:g} s, effort {p.effort}, seed {p.seed}"
    return Run(
        spec=spec,
        policy=policy,
        generate_s=generate_s,
        read_s=read_s,
        stages=stages,
        write_s=write_s,
        total_s=total_s,
        peak_mib=peak_mib,
        plan=plan,
        violations=violations,
        verify_s=verify_s,
        load=load,
        full_bound=full,
    )


def _full_bound(
    day: Day, plan: Plan, travel: DayTravel, grid_s: float | None = None
) -> tuple[DutyBound, float] | None:
    """The duty bound over the plan's trips with a far larger budget than a plan's KPI."""
    before = time.perf_counter()
    prepared = prepare(day)
    served = {t.trip_id for t in plan.trips}
    requests = [r for r in prepared.grouping.requests if r.request_id in served]
    duties = [route.trip_ids for route in plan.routes]
    duty = fleet_lower_bound(
        day,
        requests,
        travel,
        prepared.fleet.buses,
        duties=duties,
        time_limit_s=FULL_BOUND_S,
        max_rounds=FULL_BOUND_ROUNDS,
        max_work=None,
        grid_s=grid_s,
    ).duty
    return (duty, time.perf_counter() - before) if duty is not None else None


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print its figures and write them to the results file."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--employers", type=int, default=800)
    parser.add_argument("--buses", type=int, default=600)
    parser.add_argument("--seed", type=int, default=SEED, help="of the generated day")
    parser.add_argument("--time-limit", type=float, default=None, help="solve stage budget (s)")
    parser.add_argument("--effort", type=int, default=None, help="deterministic solve budget")
    parser.add_argument("--plan-seed", type=int, default=None, help="solver seed")
    parser.add_argument("--write", action="store_true", help="also write the plan folder")
    parser.add_argument("--keep", type=Path, default=None, help="keep the day in this folder")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown results file")
    parser.add_argument("--log", action="store_true", help="log the planner's stages")
    parser.add_argument(
        "--full-bound", action="store_true", help="also run the duty bound to convergence"
    )
    parser.add_argument(
        "--full-bound-grid", type=float, default=None, help="its time grid in s (default: auto)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.log else logging.WARNING,
        format="%(relativeCreated)8.0f ms %(name)s %(message)s",
    )
    warnings.simplefilter("ignore", SnapWarning)
    spec = BigDaySpec(args.workers, args.employers, args.buses, args.seed)
    overrides = {
        key: value
        for key, value in (
            ("time_limit_s", args.time_limit),
            ("effort", args.effort),
            ("seed", args.plan_seed),
        )
        if value is not None
    }
    result = run(
        spec,
        overrides=overrides,
        write=args.write,
        keep=args.keep,
        full_bound=args.full_bound,
        full_grid_s=args.full_bound_grid,
    )
    section = result.lines()
    print("\n".join(section))
    _write_results(args.results, section)


if __name__ == "__main__":
    main()
