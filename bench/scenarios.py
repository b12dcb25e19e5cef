"""Scenario benchmark: 16 demo-day scenarios (plus their baseline) on a local Dask cluster of
1 worker and of 2 workers; wall times, speed-up, and whether both runs gave the same table.

The scenarios are the example files in ``scenarios/examples`` and a few more made in code
(other load factors, a longer wait limit, a smaller fleet) until there are 16. Every plan gets
the same deterministic search budget (``--effort``, with a time limit generous enough that
the effort is reached first), so both runs do the same work and must give identical
comparisons; a time limit alone would make the wall time a constant and the speed-up
meaningless. Plan folders are written (no maps). Cluster start-up is timed on its own and
reported separately. The load average is printed before and after: other work on the machine
slows both runs and distorts the speed-up.

Run: ``python -m bench.scenarios [--effort N] [--time-limit 300] [--out DIR]`` (default effort:
the demo policy's). The working tree may change under a long run (other work in progress);
run it from a clean checkout (``git archive HEAD``) for figures that mean something.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scenarios.changes import Change, PolicyOverride, ScaleFleet
from scenarios.compare import Comparison
from scenarios.runner import RunSettings, ScenarioJob, dask_client, jobs_of, run_jobs, with_policy
from scenarios.spec import CheckedScenario, Scenario, check_scenario, load_scenarios
from stations.errors import InputWarning
from stations.lang import Lang

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "scenarios" / "examples"
RESULTS = ROOT / "bench" / "results" / "scenarios.md"
SCENARIOS = 16
DEFAULT_EFFORT = 200  # when neither --effort nor the demo's policy gives one
EXTRA: tuple[tuple[str, Change], ...] = (
    ("Load factor 60 %", PolicyOverride((("load_factor", 0.6),))),
    ("Load factor 70 %", PolicyOverride((("load_factor", 0.7),))),
    ("Wait up to 90 min", PolicyOverride((("max_wait_min", 90.0),))),
    ("Fleet at 80 %", ScaleFleet(0.8)),
    ("Load factor 100 %", PolicyOverride((("load_factor", 1.0),))),
)


def demo_scenarios(count: int = SCENARIOS) -> list[CheckedScenario]:
    """``count`` scenarios on the demo day: the example files, then :data:`EXTRA`."""
    checked = list(load_scenarios(sorted(EXAMPLES.glob("*.yaml"))))
    base = checked[0]
    for name, change in EXTRA:
        if len(checked) >= count:
            break
        scenario = Scenario(name, base.scenario.base, base.scenario.base_label, (change,))
        checked.append(check_scenario(scenario, base.base_day))
    if len(checked) < count:
        raise ValueError(f"only {len(checked)} scenarios, {count} wanted")
    return checked[:count]


@dataclass(frozen=True, slots=True)
class Timing:
    """One run of all jobs on a cluster of ``workers``."""

    workers: int
    wall_s: float
    startup_s: float
    comparison: Comparison

    @property
    def work_s(self) -> float:
        """Wall time without starting and stopping the cluster."""
        return self.wall_s - self.startup_s


def cluster_startup(workers: int) -> float:
    """Seconds to start and stop a local cluster of ``workers`` processes (no jobs)."""
    started = time.perf_counter()
    with dask_client(workers=workers):
        pass
    return time.perf_counter() - started


def timed_run(jobs: Sequence[ScenarioJob], workers: int, out: Path) -> Timing:
    """Run ``jobs`` on a fresh local cluster of ``workers`` processes."""
    startup = cluster_startup(workers)
    started = time.perf_counter()
    results = run_jobs(jobs, RunSettings(out, lang=Lang.EN), workers=workers)
    wall = time.perf_counter() - started
    return Timing(workers, wall, startup, Comparison(results))


def balance_bound(seconds: Sequence[float], workers: int) -> float:
    """Best speed-up the job mix allows on ``workers`` idle cores: total time over the makespan
    of the longest-first schedule of the measured one-worker job times."""
    loads = [0.0] * workers
    for duration in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += duration
    return sum(seconds) / max(loads) if max(loads) > 0 else 1.0


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def report(one: Timing, two: Timing, *, effort: int, jobs: int, load: tuple[str, str]) -> str:
    """The results as Markdown."""
    same = one.comparison.frame().equals(two.comparison.frame())
    failed = [r.name for r in two.comparison.results if not r.ok]
    lines = [
        "# Scenario benchmark (`python -m bench.scenarios`)",
        "",
        f"{jobs} plans ({jobs - 1} demo-day scenarios + baseline), effort {effort} per plan, "
        f"plan folders written, no maps; {os.cpu_count()} cores.",
        f"Load average (1/5/15 min) before: {load[0]}; after: {load[1]}.",
        "",
        "| workers | wall s | cluster start+stop s | wall without start s |",
        "|---|---|---|---|",
    ]
    for timing in (one, two):
        lines.append(
            f"| {timing.workers} | {timing.wall_s:.1f} | {timing.startup_s:.1f} | "
            f"{timing.work_s:.1f} |"
        )
    lines += [
        "",
        f"Speed-up 1 → 2 workers: {one.wall_s / two.wall_s:.2f}× (wall), "
        f"{one.work_s / two.work_s:.2f}× (without cluster start).",
        f"Job-mix bound on 2 idle cores (longest-first schedule of the 1-worker job times): "
        f"{balance_bound([r.seconds for r in one.comparison.results], 2):.2f}×.",
        f"Identical comparison tables: {'yes' if same else 'NO'}. "
        f"Failed scenarios: {', '.join(failed) or 'none'}.",
        "",
        "| scenario | seconds (1 worker) | buses | unserved |",
        "|---|---|---|---|",
    ]
    for result in one.comparison.results:
        buses = result.kpis.buses_used if result.kpis else "–"
        unserved = result.kpis.workers_unserved if result.kpis else "–"
        lines.append(f"| {result.name} | {result.seconds:.1f} | {buses} | {unserved} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print (and save) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--effort", type=int, default=None, help="search budget per plan (default: the demo's)"
    )
    parser.add_argument("--time-limit", type=float, default=300.0, help="cap per solver call, s")
    parser.add_argument("--scenarios", type=int, default=SCENARIOS)
    parser.add_argument("--out", type=Path, default=None, help="run folders (default: temp)")
    parser.add_argument("--save", type=Path, default=RESULTS, help="Markdown report file")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        scenarios = demo_scenarios(args.scenarios)
        effort = args.effort or scenarios[0].base_day.policy.effort or DEFAULT_EFFORT
        jobs = with_policy(jobs_of(scenarios), effort=effort, time_limit_s=args.time_limit)
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="bench-scenarios-") as scratch:
        out = args.out or Path(scratch)
        one = timed_run(jobs, 1, out / "one-worker")
        two = timed_run(jobs, 2, out / "two-workers")
    text = report(one, two, effort=effort, jobs=len(jobs), load=(load_before, _load()))
    print(text)
    args.save.parent.mkdir(parents=True, exist_ok=True)
    args.save.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
