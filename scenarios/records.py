"""The records of a scenario run on disk — run.json in the run folder, scenario.json in each
plan folder — and reading a comparison back from plan folders (their plan.json KPIs).

A plan folder written by ``charter plan`` (no scenario.json) can be compared too: it is named
after its folder, and the first folder given is the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from dispatch.outputs.plan_folder import MAP_HTML, PLAN_JSON, SCENARIO_JSON
from dispatch.outputs.plan_json import read_plan_json
from scenarios.compare import RUN_JSON, Comparison, Failure, ScenarioResult

__all__ = [
    "RUN_JSON",
    "SCENARIO_JSON",
    "RunRecord",
    "ScenarioRecord",
    "comparison_from_folders",
    "read_run_json",
    "read_scenario_json",
    "write_run_json",
    "write_scenario_json",
]
from stations.errors import InputError, InputProblem, ProblemCollector


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """scenario.json: what a plan folder is within its run (the KPIs are in plan.json)."""

    name: str
    base: str
    baseline: bool
    description: str = ""
    value: float | None = None
    failure: Failure | None = None
    error: str | None = None
    seconds: float = 0.0


_RECORD = TypeAdapter(ScenarioRecord)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """run.json: the plan folders of a run in order, and the swept parameter."""

    folders: tuple[str, ...]
    param: str | None = None


_RUN = TypeAdapter(RunRecord)


def write_scenario_json(result: ScenarioResult, folder: Path) -> Path:
    """Write ``scenario.json`` for ``result`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    record = ScenarioRecord(
        result.name,
        result.base,
        result.baseline,
        result.description,
        result.value,
        result.failure,
        result.error,
        round(result.seconds, 3),
    )
    path = folder / SCENARIO_JSON
    path.write_bytes(_RECORD.dump_json(record, indent=2) + b"\n")
    return path


def read_scenario_json(folder: Path) -> ScenarioRecord | None:
    """The ``scenario.json`` of a plan folder (None if there is none); ``InputError`` if bad."""
    path = folder / SCENARIO_JSON
    if not path.is_file():
        return None
    try:
        return _RECORD.validate_json(path.read_bytes())
    except (OSError, ValueError) as error:
        raise InputError(
            InputProblem(
                str(path), None, None, None, f"is not a scenario record: {error}", "run again"
            )
        ) from None


def read_run_json(out_dir: Path) -> RunRecord | None:
    """The ``run.json`` of a run folder (None if there is none); ``InputError`` if bad."""
    path = out_dir / RUN_JSON
    if not path.is_file():
        return None
    try:
        return _RUN.validate_json(path.read_bytes())
    except (OSError, ValueError) as error:
        raise InputError(
            InputProblem(str(path), None, None, None, f"is not a run record: {error}", "run again")
        ) from None


def write_run_json(
    out_dir: Path, results: Sequence[ScenarioResult], *, param: str | None = None
) -> Path:
    """Write ``run.json`` (the plan folders in order) in ``out_dir``."""
    path = out_dir / RUN_JSON
    record = RunRecord(tuple(r.folder for r in results), param)
    path.write_bytes(_RUN.dump_json(record, indent=2) + b"\n")
    return path


def _plan_folders(
    paths: Sequence[Path], problems: ProblemCollector
) -> tuple[list[Path], str | None]:
    """Run folders expanded to their plan folders (in run order); the swept parameter."""
    folders: list[Path] = []
    param: str | None = None
    for path in paths:
        run = read_run_json(path) if path.is_dir() else None
        if run is not None:
            folders.extend(path / folder for folder in run.folders)
            param = param or run.param
        elif path.is_dir() and ((path / PLAN_JSON).is_file() or (path / SCENARIO_JSON).is_file()):
            folders.append(path)
        else:
            problems.add(
                str(path),
                None,
                None,
                None,
                "is neither a scenario run folder (run.json) nor a plan folder (plan.json)",
                "give the --out folder of `charter scenario run` or plan folders",
            )
    return folders, param


def _result(folder: Path, first: bool, problems: ProblemCollector) -> ScenarioResult | None:
    record = read_scenario_json(folder)
    if record is not None and record.failure is not None:
        return ScenarioResult(
            record.name,
            folder.name,
            record.base,
            record.baseline,
            None,
            record.failure,
            record.error,
            record.description,
            record.value,
        )
    try:
        kpis = read_plan_json(folder).kpis()
    except InputError as error:
        problems.extend(error.problems)
        return None
    if record is None:
        record = ScenarioRecord(folder.name, "", baseline=first)
    return ScenarioResult(
        record.name,
        folder.name,
        record.base,
        record.baseline,
        kpis,
        description=record.description,
        value=record.value,
        has_map=(folder / MAP_HTML).is_file(),
        seconds=record.seconds,
    )


def comparison_from_folders(paths: Sequence[Path]) -> tuple[Comparison, Path]:
    """Read a comparison back from run folders and/or plan folders.

    Parameters
    ----------
    paths
        Run folders (holding run.json) and plan folders (holding plan.json).

    Returns
    -------
    The comparison, and the folder the plan folders share (where the comparison belongs; its
    links are relative to it). ``InputError`` with every unreadable folder.
    """
    problems = ProblemCollector()
    folders, param = _plan_folders(paths, problems)
    results = [r for i, f in enumerate(folders) if (r := _result(f, i == 0, problems)) is not None]
    parents = {f.resolve().parent for f in folders}
    if len(parents) > 1:
        problems.add(
            ", ".join(sorted(str(p) for p in parents)),
            None,
            None,
            None,
            "hold the plan folders: the comparison's links need them side by side",
            "give plan folders of one parent folder (copy them together)",
        )
    names = [r.folder for r in results]
    if len(set(names)) != len(names):
        problems.add(
            str(paths[0]),
            None,
            None,
            None,
            "two plan folders have the same name",
            "give each plan folder once",
        )
    problems.raise_if_any()
    return Comparison(tuple(results), param=param), next(iter(parents))
