"""Scenario runs in the day store: a run's results saved (KPIs, plan.json, the scenario file
as given, or the failure) as ``charter scenario run --store`` and the desk keep them, and a
stored run read back as a comparison."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.compare import Comparison, Failure, ScenarioResult

if TYPE_CHECKING:
    from scenarios.spec import CheckedScenario
    from store.repository import DayRepository, StoredScenario


def save_scenario_results(
    store: DayRepository,
    results: Sequence[ScenarioResult],
    checked: Sequence[CheckedScenario],
    out: Path,
    options: tuple[tuple[str, str], ...],
    *,
    command: str = "scenario run",
    date: dt.date | None = None,
) -> int:
    """Save a scenario run's results (KPIs, plan.json, the scenario file as given, or the
    failure) in ``store``; the run's id.

    Parameters
    ----------
    store
        The day store.
    results
        The run's results (baselines included).
    checked
        The scenarios run (their files are kept with the results).
    out
        The run folder holding each result's plan folder.
    options
        The options of the run as given.
    command
        The command kept with the run. Default ``scenario run``.
    date
        The planning date of every result, failed ones too (the desk's runs on a stored
        day). Default None: each plan's own date, none for a failure.
    """
    from store.repository import RunOptions, ScenarioEntry

    files = {c.scenario.name: c.scenario.source for c in checked}
    entries = []
    for result in results:
        plan_json = out / result.folder / "plan.json"
        document = (
            plan_json.read_text(encoding="utf-8") if result.ok and plan_json.is_file() else None
        )
        day = dt.date.fromisoformat(json.loads(document)["date"]) if document else date
        source = None if result.baseline else files.get(result.name)
        entries.append(
            ScenarioEntry(
                name=result.name,
                base=result.base,
                baseline=result.baseline,
                description=result.description,
                day=day,
                spec=source.read_text(encoding="utf-8") if source and source.is_file() else None,
                value=result.value,
                failure=None if result.failure is None else result.failure.value,
                error=result.error,
                kpis=result.kpis,
                document=document,
            )
        )
    return store.save_scenarios(entries, options=RunOptions(command, options))


def stored_comparison(stored: Sequence[StoredScenario]) -> Comparison:
    """The comparison of one stored run's results (in the order they were saved); each
    result's ``folder`` is its position in the run."""
    results = []
    for number, found in enumerate(stored):
        entry = found.entry
        failure = None if entry.kpis is not None else Failure(entry.failure or Failure.INTERNAL)
        results.append(
            ScenarioResult(
                name=entry.name,
                folder=str(number),
                base=entry.base,
                baseline=entry.baseline,
                kpis=entry.kpis,
                failure=failure,
                error=entry.error,
                description=entry.description,
                value=entry.value,
            )
        )
    return Comparison(tuple(results))
