"""Solver-quality benchmark: public PDPTW/VRPTW/DARP instances, our solver beside its peers.

``python -m bench.vrp INSTANCE_PATHS… --time-limit 30 --solvers ours,ortools,pyvrp,vroom
--out DIR`` reads each instance (Li & Lim, Solomon or Cordeau DARP text format, detected from
the file), solves it with every solver in turn at the same per-instance budget on one thread,
re-scores every solution with the independent checker (``routing.vrp.checker``) and measures
its distance on the real-valued Euclidean coordinates, and appends one row per (instance,
solver) to ``DIR/results.csv`` as soon as it is measured; ``DIR/results.md`` is rewritten after
every row. Conventions (``shared/benchmarks/SOURCES.md``): for PDPTW/VRPTW vehicles first, then
distance, a gap to the best-known distance only at the best-known vehicle count; for DARP the
distance alone with at most K vehicles, every rule re-checked in real numbers
(``bench.darp_rescore``: ride times, route durations, windows), a gap to the optimal cost
whenever the solution is feasible.
"""

from __future__ import annotations

import argparse
import csv
import glob
import math
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from bench.darp import CordeauInstance, read_cordeau
from bench.darp_rescore import rescore
from bench.instances import (
    Bks,
    Instance,
    read_bks,
    read_li_lim_instance,
    read_solomon_instance,
)
from routing.vrp.checker import evaluate
from routing.vrp.problem import Solution, SolveParams

SOLVERS = ("ours", "ortools", "pyvrp", "vroom")
SOLVER_LABELS = {
    "ours": "ours (routing.vrp.backends.ortools)",
    "ortools": "plain OR-Tools (PCI + GLS)",
    "pyvrp": "PyVRP",
    "vroom": "VROOM (pyvroom)",
}

Solve = Callable[[Instance, SolveParams], Solution]


@dataclass(frozen=True, slots=True)
class BenchInstance:
    """One instance file with its best-known solution (from ``bks.csv`` beside it, if any).

    Parameters
    ----------
    path
        The instance file.
    collection
        Name of the folder holding it (e.g. ``li_lim_100``): groups the summary.
    kind
        ``pdptw`` (Li & Lim format), ``vrptw`` (Solomon format) or ``darp`` (Cordeau format).
    instance
        The scaled integer problem and its coordinates.
    bks
        Best-known vehicles and distance (for DARP: the fleet size K and the optimal cost).
        Default None (no BKS known).
    cordeau
        The real-valued DARP instance, for re-scoring in its own units. Default None.
    """

    path: Path
    collection: str
    kind: str
    instance: Instance
    bks: Bks | None = None
    cordeau: CordeauInstance | None = None

    @property
    def name(self) -> str:
        """Instance name (file stem)."""
        return self.instance.name


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One measured (instance, solver) pair: a row of ``results.csv``.

    Parameters
    ----------
    collection, instance, solver
        What was run.
    feasible
        The checker found no violation and every job is served.
    violations
        Number of broken rules found by the checker.
    served, jobs
        Jobs served and jobs in the instance.
    vehicles
        Routes that serve at least one job.
    bks_vehicles, bks_distance
        Best-known solution (None when unknown).
    distance
        Real-valued Euclidean length of the routes in the instance's units.
    gap_pct
        ``100 * (distance - bks_distance) / bks_distance``, only when feasible at the BKS
        vehicle count; otherwise None.
    comparison
        ``equal`` (gap meaningful), ``more_vehicles``, ``fewer_vehicles``, ``within_fleet``
        (DARP: at most K vehicles, gap meaningful), ``infeasible``, ``no_bks``,
        ``unsupported`` or ``error``.
    time_s
        Wall time of the solver call measured by the harness (model building included).
    time_limit_s, seed
        The budget and seed given.
    status
        The solver's status, or the error message.
    first_violation
        The first violation found, for diagnosis. Default "".
    """

    collection: str
    instance: str
    solver: str
    feasible: bool
    violations: int
    served: int
    jobs: int
    vehicles: int
    bks_vehicles: int | None
    distance: float
    bks_distance: float | None
    gap_pct: float | None
    comparison: str
    time_s: float
    time_limit_s: float
    seed: int
    status: str
    first_violation: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the measurement (for ``--resume``)."""
        return (self.collection, self.instance, self.solver)


COLUMNS = tuple(f.name for f in fields(ResultRow))
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_LI_LIM_HEADER = re.compile(rf"{_NUMBER}\s+{_NUMBER}\s+{_NUMBER}")
_CORDEAU_HEADER = re.compile(rf"{_NUMBER}(?:\s+{_NUMBER}){{4}}")


# -- instances ----------------------------------------------------------------------------------


def expand_paths(patterns: Iterable[str | Path]) -> list[Path]:
    """Instance files named by paths, globs or folders (``*.txt`` inside), sorted, no repeats.

    Raises
    ------
    FileNotFoundError
        When a pattern matches nothing.
    """
    found: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        path = Path(text)
        if path.is_dir():
            matches = sorted(p for p in path.glob("*.txt") if p.is_file())
        elif path.is_file():
            matches = [path]
        else:
            # glob.glob: the pattern may be absolute, which Path.glob does not take
            matches = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())  # noqa: PTH207
        if not matches:
            raise FileNotFoundError(f"no instance file matches {text!r}")
        found.extend(matches)
    unique = dict.fromkeys(p.resolve() for p in found)
    return list(unique)


def instance_kind(path: Path) -> str:
    """``vrptw`` for Solomon's format (``VEHICLE`` / ``CUSTOMER`` sections), ``pdptw`` for Li &
    Lim's (first line ``K Q speed``), ``darp`` for Cordeau's (first line ``K n T Q L``).

    Raises
    ------
    ValueError
        When the file is none of them.
    """
    text = path.read_text()
    if "CUSTOMER" in text.upper() and "VEHICLE" in text.upper():
        return "vrptw"
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if _LI_LIM_HEADER.fullmatch(first):
        return "pdptw"
    if _CORDEAU_HEADER.fullmatch(first):
        return "darp"
    raise ValueError(
        f"{path}: neither Solomon (VEHICLE/CUSTOMER sections), Li & Lim (first line "
        f"'K Q speed') nor Cordeau DARP (first line 'K n T Q L') format; first line is {first!r}"
    )


def load_instance(path: Path | str) -> BenchInstance:
    """Read an instance file and look up its BKS in ``bks.csv`` beside it."""
    path = Path(path)
    kind = instance_kind(path)
    cordeau = read_cordeau(path) if kind == "darp" else None
    if cordeau is not None:
        instance = cordeau.to_instance()
    else:
        reader = read_solomon_instance if kind == "vrptw" else read_li_lim_instance
        instance = reader(path)
    bks_file = path.parent / "bks.csv"
    bks = read_bks(bks_file).get(instance.name) if bks_file.is_file() else None
    return BenchInstance(path, path.parent.name, kind, instance, bks, cordeau)


# -- solvers ------------------------------------------------------------------------------------


def _solve_ours(instance: Instance, params: SolveParams) -> Solution:
    from routing.vrp import solve  # the front door, as the planner calls it

    return solve(instance.problem, params)


def _solve_ortools(instance: Instance, params: SolveParams) -> Solution:
    from bench.plain_ortools import solve_plain

    return solve_plain(instance.problem, params)


def _solve_pyvrp(instance: Instance, params: SolveParams) -> Solution:
    from bench.peers import scaled_coords, solve_pyvrp

    return solve_pyvrp(
        instance.problem, params, coords=scaled_coords(instance.coords, instance.scale)
    )


def _solve_vroom(instance: Instance, params: SolveParams) -> Solution:
    from bench.peers import solve_vroom

    return solve_vroom(instance.problem, params)


SOLVE: dict[str, Solve] = {
    "ours": _solve_ours,
    "ortools": _solve_ortools,
    "pyvrp": _solve_pyvrp,
    "vroom": _solve_vroom,
}


# -- scoring ------------------------------------------------------------------------------------


def score(
    bench: BenchInstance,
    solver: str,
    solution: Solution,
    *,
    time_s: float,
    params: SolveParams,
) -> ResultRow:
    """Re-score a solution: the checker's verdict, real-valued distance, vehicles and gap.

    Nothing the solver reports about itself is used except its status text. A DARP solution is
    also re-checked in the instance's real-valued units (``bench.darp_rescore``); its
    violations count like the integer checker's, prefixed ``real-valued``.

    Parameters
    ----------
    bench
        The instance.
    solver
        Solver name for the row.
    solution
        The routes to score.
    time_s
        Wall time the harness measured for the solve.
    params
        The budget and seed the solver was given.

    Returns
    -------
    ResultRow
        ``feasible`` only when no rule is broken and every job is served.
    """
    problem = bench.instance.problem
    evaluation = evaluate(problem, solution)
    violations = [str(v) for v in evaluation.violations]
    distance = bench.instance.real_distance(solution)
    if bench.cordeau is not None:
        real = rescore(bench.cordeau, solution, scale=bench.instance.scale)
        violations += [f"real-valued {v}" for v in real.violations]
        distance = real.cost
    complete = evaluation.served == len(problem.jobs)
    feasible = not violations and complete
    vehicles = evaluation.vehicles_used
    comparison, gap = _comparison(bench, feasible, vehicles, distance)
    first = violations[0] if violations else ""
    if not first and not complete:
        first = f"{len(problem.jobs) - evaluation.served} job(s) unserved"
    bks = bench.bks
    return ResultRow(
        collection=bench.collection,
        instance=bench.name,
        solver=solver,
        feasible=feasible,
        violations=len(violations),
        served=evaluation.served,
        jobs=len(problem.jobs),
        vehicles=vehicles,
        bks_vehicles=bks.vehicles if bks else None,
        distance=distance,
        bks_distance=bks.distance if bks else None,
        gap_pct=gap,
        comparison=comparison,
        time_s=time_s,
        time_limit_s=params.time_limit_s,
        seed=params.seed,
        status=solution.status,
        first_violation=first,
    )


def _comparison(
    bench: BenchInstance, feasible: bool, vehicles: int, distance: float
) -> tuple[str, float | None]:
    """How a scored solution compares with the BKS, and its gap where one is meaningful.

    PDPTW/VRPTW: vehicles first, so a gap only at the BKS vehicle count. DARP: the BKS
    vehicle count is the fleet size K, a limit, and the optimum is distance alone: a gap for
    every feasible solution with at most K vehicles.
    """
    bks = bench.bks
    if not feasible:
        return "infeasible", None
    if bks is None:
        return "no_bks", None
    gap = 100.0 * (distance - bks.distance) / bks.distance
    if bench.kind == "darp":
        return ("within_fleet", gap) if vehicles <= bks.vehicles else ("more_vehicles", None)
    if vehicles == bks.vehicles:
        return "equal", gap
    return ("more_vehicles" if vehicles > bks.vehicles else "fewer_vehicles"), None


def run_one(bench: BenchInstance, solver: str, params: SolveParams) -> ResultRow:
    """Solve one instance with one solver and score it; failures become rows, not crashes."""
    started = time.monotonic()
    try:
        solution = SOLVE[solver](bench.instance, params)
    except Exception as error:  # a peer's failure is a measurement, not the end of the run
        from bench.peers import UnsupportedProblemError

        kind = "unsupported" if isinstance(error, UnsupportedProblemError) else "error"
        return _failed_row(bench, solver, params, time.monotonic() - started, kind, error)
    return score(bench, solver, solution, time_s=time.monotonic() - started, params=params)


def _failed_row(
    bench: BenchInstance,
    solver: str,
    params: SolveParams,
    time_s: float,
    kind: str,
    error: Exception,
) -> ResultRow:
    bks = bench.bks
    message = f"{type(error).__name__}: {error}".replace("\n", " ")[:300]
    return ResultRow(
        collection=bench.collection,
        instance=bench.name,
        solver=solver,
        feasible=False,
        violations=0,
        served=0,
        jobs=len(bench.instance.problem.jobs),
        vehicles=0,
        bks_vehicles=bks.vehicles if bks else None,
        distance=math.nan,
        bks_distance=bks.distance if bks else None,
        gap_pct=None,
        comparison=kind,
        time_s=time_s,
        time_limit_s=params.time_limit_s,
        seed=params.seed,
        status=message,
    )


# -- results files ------------------------------------------------------------------------------


def read_results(path: Path) -> list[ResultRow]:
    """Rows of an existing ``results.csv`` (empty list when the file does not exist)."""
    if not path.is_file():
        return []
    rows: list[ResultRow] = []
    with path.open(newline="") as handle:
        for raw in csv.DictReader(handle):
            rows.append(_row_from_csv(raw))
    return rows


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _optional_float(text: str) -> float | None:
    return float(text) if text else None


def _row_from_csv(raw: dict[str, str]) -> ResultRow:
    return ResultRow(
        collection=raw["collection"],
        instance=raw["instance"],
        solver=raw["solver"],
        feasible=raw["feasible"] == "True",
        violations=int(raw["violations"]),
        served=int(raw["served"]),
        jobs=int(raw["jobs"]),
        vehicles=int(raw["vehicles"]),
        bks_vehicles=_optional_int(raw["bks_vehicles"]),
        distance=float(raw["distance"]) if raw["distance"] else math.nan,
        bks_distance=_optional_float(raw["bks_distance"]),
        gap_pct=_optional_float(raw["gap_pct"]),
        comparison=raw["comparison"],
        time_s=float(raw["time_s"]),
        time_limit_s=float(raw["time_limit_s"]),
        seed=int(raw["seed"]),
        status=raw["status"],
        first_violation=raw.get("first_violation", ""),
    )


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4f}"
    return str(value)


def append_result(path: Path, row: ResultRow) -> None:
    """Append one row to ``results.csv`` (writing the header first if the file is new)."""
    new = not path.is_file() or path.stat().st_size == 0
    with path.open("a", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(COLUMNS)
        writer.writerow(_csv_value(v) for v in asdict(row).values())
        handle.flush()


# -- summary and Markdown -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """Aggregate of one solver over one collection of instances.

    Parameters
    ----------
    collection, solver
        What is summarised.
    instances
        Instances run.
    feasible
        Instances solved feasibly (every job served, no violation).
    with_bks
        Instances that have a BKS.
    at_bks_vehicles
        Feasible solutions with at most the BKS vehicle count.
    excess_vehicles
        Sum over feasible solutions of vehicles above the BKS count.
    mean_gap_pct
        Mean gap over the instances solved at the BKS vehicle count (None if none).
    mean_time_s, max_time_s
        Wall time per instance.
    """

    collection: str
    solver: str
    instances: int
    feasible: int
    with_bks: int
    at_bks_vehicles: int
    excess_vehicles: int
    mean_gap_pct: float | None
    mean_time_s: float
    max_time_s: float

    @property
    def share_at_bks_vehicles(self) -> float | None:
        """``at_bks_vehicles / with_bks`` (None without BKS)."""
        return self.at_bks_vehicles / self.with_bks if self.with_bks else None


def summarise(rows: Sequence[ResultRow]) -> list[Summary]:
    """One summary per (collection, solver), then one per solver over all collections."""
    out: list[Summary] = []
    groups: dict[tuple[str, str], list[ResultRow]] = {}
    for row in rows:
        groups.setdefault((row.collection, row.solver), []).append(row)
        groups.setdefault(("all", row.solver), []).append(row)
    collections = sorted({r.collection for r in rows})
    order = [*collections, "all"] if len(collections) > 1 else collections
    for collection in order:
        for solver in _solver_order(rows):
            group = groups.get((collection, solver))
            if group:
                out.append(_summary(collection, solver, group))
    return out


def _solver_order(rows: Sequence[ResultRow]) -> list[str]:
    present = list(dict.fromkeys(r.solver for r in rows))
    return [s for s in SOLVERS if s in present] + [s for s in present if s not in SOLVERS]


def _summary(collection: str, solver: str, group: Sequence[ResultRow]) -> Summary:
    feasible = [r for r in group if r.feasible]
    with_bks = [r for r in group if r.bks_vehicles is not None]
    at_bks = [r for r in feasible if r.bks_vehicles is not None and r.vehicles <= r.bks_vehicles]
    gaps = [r.gap_pct for r in group if r.gap_pct is not None]
    excess = sum(
        max(0, r.vehicles - r.bks_vehicles) for r in feasible if r.bks_vehicles is not None
    )
    times = [r.time_s for r in group]
    return Summary(
        collection=collection,
        solver=solver,
        instances=len(group),
        feasible=len(feasible),
        with_bks=len(with_bks),
        at_bks_vehicles=len(at_bks),
        excess_vehicles=excess,
        mean_gap_pct=statistics.fmean(gaps) if gaps else None,
        mean_time_s=statistics.fmean(times),
        max_time_s=max(times),
    )


def common_gaps(rows: Sequence[ResultRow], collection: str) -> tuple[int, dict[str, float]]:
    """Mean gap per solver over the instances where *every* solver run has a gap (reached
    the BKS vehicle count; DARP: feasible with at most K vehicles).

    Solvers that model none of the collection's problems (every row ``unsupported``) are left
    out rather than emptying the comparison.

    Returns
    -------
    tuple[int, dict[str, float]]
        Number of such instances and the mean gap per solver (empty when none).
    """
    chosen = [r for r in rows if collection in ("all", r.collection)]
    modelled = {r.solver for r in chosen if r.comparison != "unsupported"}
    solvers = [s for s in _solver_order(chosen) if s in modelled]
    by_instance: dict[tuple[str, str], dict[str, ResultRow]] = {}
    for r in chosen:
        if r.solver in modelled:
            by_instance.setdefault((r.collection, r.instance), {})[r.solver] = r
    common = [
        runs
        for runs in by_instance.values()
        if len(runs) == len(solvers) and all(r.gap_pct is not None for r in runs.values())
    ]
    if not common:
        return 0, {}
    means = {s: statistics.fmean(runs[s].gap_pct or 0.0 for runs in common) for s in solvers}
    return len(common), means


def render_markdown(rows: Sequence[ResultRow]) -> str:
    """The Markdown report: summary per collection and solver, then every instance."""
    lines = ["# VRP benchmark results", ""]
    if not rows:
        return "\n".join([*lines, "No results yet.", ""])
    limits = sorted({r.time_limit_s for r in rows})
    lines += [
        f"Time limit per instance and solver: {', '.join(f'{t:g} s' for t in limits)}; "
        "single thread. Every solution re-scored by `routing.vrp.checker`; distances are "
        "real-valued Euclidean. Gap to the best-known distance only at the best-known "
        "vehicle count (vehicles first, then distance).",
    ]
    if any(r.comparison == "within_fleet" for r in rows):
        lines += [
            "",
            "DARP (Cordeau): the objective is distance alone with at most K vehicles, so "
            "'BKS vehicles' is the fleet size K (a limit), 'at BKS vehicles' means at most K, "
            "and the gap is to the proven optimal cost for every feasible solution; every "
            "rule (ride time, route duration, windows) is also re-checked in real numbers "
            "(`bench.darp_rescore`).",
        ]
    lines += [
        "",
        "## Summary",
        "",
        "| collection | solver | instances | feasible | at BKS vehicles | vehicles above BKS "
        "| mean gap at BKS vehicles | mean time (s) | max time (s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summarise(rows):
        share = s.share_at_bks_vehicles
        at = f"{s.at_bks_vehicles}/{s.with_bks}" + (f" ({100 * share:.0f}%)" if share else "")
        gap = "—" if s.mean_gap_pct is None else f"{s.mean_gap_pct:.2f}%"
        lines.append(
            f"| {s.collection} | {s.solver} | {s.instances} | {s.feasible} | {at} | "
            f"{s.excess_vehicles} | {gap} | {s.mean_time_s:.1f} | {s.max_time_s:.1f} |"
        )
    lines += ["", _common_block(rows), "", "## Per instance", ""]
    lines += _instance_table(rows)
    lines += _failures_block(rows)
    return "\n".join([*lines, ""])


def _failures_block(rows: Sequence[ResultRow]) -> list[str]:
    """Infeasible and failed rows one by one; unsupported rows once per solver and reason."""
    failures = [r for r in rows if r.comparison in ("infeasible", "error")]
    unsupported: dict[tuple[str, str, str], int] = {}
    for r in rows:
        if r.comparison == "unsupported":
            key = (r.collection, r.solver, r.status)
            unsupported[key] = unsupported.get(key, 0) + 1
    if not failures and not unsupported:
        return []
    lines = ["", "## Failures", ""]
    lines += [
        f"- {r.collection}/{r.instance} {r.solver}: {r.comparison} — "
        f"{r.first_violation or r.status}"
        for r in failures
    ]
    lines += [
        f"- {collection} {solver}: unsupported on {count} instance(s) — {reason}"
        for (collection, solver, reason), count in unsupported.items()
    ]
    return lines


def _common_block(rows: Sequence[ResultRow]) -> str:
    parts = []
    collections = sorted({r.collection for r in rows})
    for collection in collections:
        n, means = common_gaps(rows, collection)
        if n:
            text = ", ".join(f"{s} {g:.2f}%" for s, g in means.items())
            parts.append(f"{collection}: {n} instances — {text}")
        else:
            parts.append(f"{collection}: no instance where every solver has a gap")
    return (
        "Mean gap on the instances where every solver that models them has a gap (reached "
        "the BKS vehicle count; DARP: feasible with at most K vehicles): " + "; ".join(parts) + "."
    )


def _cell(row: ResultRow | None) -> str:
    if row is None:
        return ""
    if row.comparison in ("unsupported", "error"):
        return row.comparison
    if not row.feasible:
        return f"infeasible ({row.vehicles} veh)"
    text = f"{row.vehicles} veh, {row.distance:.2f}"
    if row.gap_pct is not None:
        text += f" ({row.gap_pct:+.2f}%)"
    elif row.bks_vehicles is not None:
        text += f" [{row.vehicles - row.bks_vehicles:+d} veh]"
    return f"{text}, {row.time_s:.1f} s"


def _instance_table(rows: Sequence[ResultRow]) -> list[str]:
    solvers = _solver_order(rows)
    header = "| collection | instance | BKS | " + " | ".join(solvers) + " |"
    lines = [header, "|---|---|---|" + "---|" * len(solvers)]
    by_instance: dict[tuple[str, str], dict[str, ResultRow]] = {}
    for r in rows:
        by_instance.setdefault((r.collection, r.instance), {})[r.solver] = r
    for (collection, instance), runs in sorted(by_instance.items()):
        any_row = next(iter(runs.values()))
        bks = (
            f"{any_row.bks_vehicles} veh, {any_row.bks_distance:.2f}"
            if any_row.bks_vehicles is not None and any_row.bks_distance is not None
            else "—"
        )
        cells = " | ".join(_cell(runs.get(s)) for s in solvers)
        lines.append(f"| {collection} | {instance} | {bks} | {cells} |")
    lines += [
        "",
        "Cell: vehicles, real-valued distance, (gap to BKS distance at equal vehicles) or "
        "[vehicles above/below BKS], wall time.",
    ]
    return lines


# -- run ----------------------------------------------------------------------------------------


def run(
    paths: Sequence[Path],
    solvers: Sequence[str],
    out: Path,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    resume: bool = False,
) -> Iterator[ResultRow]:
    """Solve every instance with every solver, one at a time, writing results as they come.

    Rows go to ``out/results.csv`` as soon as measured and ``out/results.md`` is rewritten
    after each, so an interrupted run keeps what it measured.

    Parameters
    ----------
    paths
        Instance files.
    solvers
        Names from ``SOLVERS``.
    out
        Output folder (created if missing).
    time_limit_s
        Budget per instance and solver. Default 30.
    seed
        Seed given to every solver. Default 0.
    resume
        Skip (collection, instance, solver) rows already in ``results.csv``; without it an
        existing ``results.csv`` is an error. Default False.

    Yields
    ------
    ResultRow
        Each new row, after it is written.

    Raises
    ------
    ValueError
        For an unknown solver name.
    FileExistsError
        When ``results.csv`` exists and ``resume`` is False.
    """
    unknown = [s for s in solvers if s not in SOLVE]
    if unknown:
        raise ValueError(f"unknown solver(s) {unknown}; known: {', '.join(SOLVERS)}")
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / "results.csv", out / "results.md"
    if csv_path.exists() and not resume:
        raise FileExistsError(f"{csv_path} exists: pass --resume to continue it, or remove it")
    rows = read_results(csv_path)
    done = {r.key for r in rows}
    params = SolveParams(time_limit_s=time_limit_s, seed=seed)
    for path in paths:
        bench = load_instance(path)
        for solver in solvers:
            if (bench.collection, bench.name, solver) in done:
                continue
            row = run_one(bench, solver, params)
            append_result(csv_path, row)
            rows.append(row)
            md_path.write_text(render_markdown(rows))
            yield row
    md_path.write_text(render_markdown(rows))


def merge(sources: Sequence[Path], out: Path) -> list[ResultRow]:
    """Combine the ``results.csv`` of runs made side by side (e.g. one solver per core) into
    ``out/results.csv`` and ``out/results.md``: rows ordered by instance, then solver.

    Parameters
    ----------
    sources
        Result folders (each with a ``results.csv``).
    out
        Output folder (created if missing; may be one of ``sources``).

    Returns
    -------
    list[ResultRow]
        The merged rows.

    Raises
    ------
    FileNotFoundError
        When a source has no ``results.csv``.
    ValueError
        When two sources measured the same (collection, instance, solver).
    """
    rows: list[ResultRow] = []
    seen: dict[tuple[str, str, str], Path] = {}
    for source in sources:
        csv_path = source / "results.csv"
        if not csv_path.is_file():
            raise FileNotFoundError(f"{csv_path} not found: is {source} a result folder?")
        for row in read_results(csv_path):
            if row.key in seen:
                raise ValueError(f"{'/'.join(row.key)} is in both {seen[row.key]} and {source}")
            seen[row.key] = source
            rows.append(row)
    order = {name: i for i, name in enumerate(SOLVERS)}
    instances: dict[tuple[str, str], int] = {}
    for row in rows:
        instances.setdefault((row.collection, row.instance), len(instances))
    rows.sort(key=lambda r: (instances[(r.collection, r.instance)], order.get(r.solver, 99)))
    out.mkdir(parents=True, exist_ok=True)
    merged = out / "results.csv"
    merged.unlink(missing_ok=True)
    for row in rows:
        append_result(merged, row)
    (out / "results.md").write_text(render_markdown(rows))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m bench.vrp PATHS… [--time-limit S] [--solvers …] --out DIR``,
    or ``python -m bench.vrp --merge RESULT_DIRS… --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.vrp",
        description="Benchmark our solver and its peers on PDPTW/VRPTW instance files.",
    )
    parser.add_argument("paths", nargs="+", help="instance files, globs or folders")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument("--solvers", default=",".join(SOLVERS), help="comma-separated")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="skip rows already measured")
    parser.add_argument(
        "--merge", action="store_true", help="PATHS are result folders to combine into --out"
    )
    args = parser.parse_args(argv)
    if args.merge:
        try:
            rows = merge([Path(p) for p in args.paths], args.out)
        except (FileNotFoundError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"{len(rows)} rows merged into {args.out}")
        return 0
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    try:
        paths = expand_paths(args.paths)
        for row in run(
            paths,
            solvers,
            args.out,
            time_limit_s=args.time_limit,
            seed=args.seed,
            resume=args.resume,
        ):
            print(_progress_line(row), flush=True)
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _progress_line(row: ResultRow) -> str:
    gap = f"gap {row.gap_pct:+.2f}%" if row.gap_pct is not None else row.comparison
    bks = f"/{row.bks_vehicles}" if row.bks_vehicles is not None else ""
    return (
        f"{row.collection}/{row.instance} {row.solver}: feasible={row.feasible} "
        f"veh {row.vehicles}{bks} dist {row.distance:.2f} {gap} {row.time_s:.1f} s"
    )


if __name__ == "__main__":
    raise SystemExit(main())
