"""Tests of scenarios.stored: a run's results saved in the day store and read back as the
comparison they were."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scenarios.compare import Comparison, Failure, ScenarioResult
from scenarios.stored import save_scenario_results, stored_comparison
from tests.scenarios.test_compare import kpis
from tests.store_cases import opened


def test_a_stored_run_reads_back_as_its_comparison(tmp_path: Path) -> None:
    results = (
        ScenarioResult("baseline", "baseline", "d", True, kpis()),
        ScenarioResult("fewer buses", "fewer-buses", "d", False, kpis(buses_used=4)),
        ScenarioResult("broken", "broken", "d", False, None, Failure.ROUTING, "no road"),
    )
    day = dt.date(2020, 2, 24)
    store = opened(str(tmp_path / "store.db"))
    try:
        run = save_scenario_results(store, results, (), tmp_path, (), command="desk", date=day)
        stored = [s for s in store.scenarios(day) if s.run_id == run]
    finally:
        store.close()
    assert [s.entry.name for s in stored] == ["baseline", "fewer buses", "broken"]
    again = stored_comparison(stored)
    assert again.side_by_side() == Comparison(results).side_by_side()
    assert again.results[2].failure is Failure.ROUTING
