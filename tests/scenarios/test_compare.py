"""Tests of scenarios.compare: deltas and verdicts against the right baseline, failed
scenarios, and the csv / xlsx / html files (self-contained, names escaped)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dispatch.plan import Kpis
from scenarios.compare import (
    METRICS,
    SUPPLY_METRICS,
    Comparison,
    Failure,
    Metric,
    ScenarioResult,
    Verdict,
    render_html,
    write_comparison,
)


def kpis(**changes: float) -> Kpis:
    """Baseline-like KPIs: 100 registered, 90 eligible, 80 transported, 10 excluded, 10
    unserved, 5 buses, 210 bus-km (60 empty), cost 3,000 CNY."""
    base = Kpis(
        workers_registered=100,
        workers_eligible=90,
        workers_transported=80,
        workers_excluded=10,
        workers_unserved=10,
        requests=12,
        requests_unserved=2,
        buses_usable=8,
        buses_rejected=1,
        buses_used=5,
        trips=11,
        bus_km=210.0,
        bus_km_loaded=150.0,
        bus_km_empty=60.0,
        wait_mean_min=20.0,
        wait_max_min=55.0,
        ride_mean_min=30.0,
        ride_max_min=70.0,
        seat_use=0.4,
        load_factor_cap=0.5,
        cost_cny=3000.0,
        subsidy_cny=900.0,
        solve_seconds=1.5,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def result(
    name: str, *, base: str = "demo", baseline: bool = False, **changes: float
) -> ScenarioResult:
    folder = name.lower().replace(" ", "-")
    return ScenarioResult(name, folder, base, baseline, kpis(**changes))


def failed(name: str, message: str = "3 input problems") -> ScenarioResult:
    return ScenarioResult(name, "failed-one", "demo", False, None, Failure.INPUT, message)


def _metric(key: str) -> Metric:
    return next(m for m in METRICS if m.key == key)


def test_deltas_and_verdicts_against_the_baseline() -> None:
    """One bus fewer is better, five more unserved worse, more registered a change."""
    base = result("baseline", baseline=True)
    scenario = result(
        "lf",
        buses_used=4,
        workers_unserved=15,
        workers_transported=75,
        workers_registered=105,
        bus_km=210.0,
    )
    comparison = Comparison((base, scenario))
    assert comparison.delta(scenario, _metric("buses_used")) == -1
    assert comparison.verdict(scenario, _metric("buses_used")) is Verdict.BETTER
    assert comparison.verdict(scenario, _metric("workers_unserved")) is Verdict.WORSE
    assert comparison.verdict(scenario, _metric("workers_transported")) is Verdict.WORSE
    assert comparison.verdict(scenario, _metric("workers_registered")) is Verdict.CHANGED
    assert comparison.verdict(scenario, _metric("bus_km")) is Verdict.SAME
    assert comparison.verdict(base, _metric("buses_used")) is Verdict.NONE
    assert comparison.cell(scenario, _metric("buses_used")).text == "4 (-1)"
    assert comparison.cell(scenario, _metric("seat_use")).text == "40.0 (+0.0)"


def test_each_scenario_is_compared_with_its_own_base() -> None:
    demo = result("baseline (demo)", baseline=True)
    small = result("baseline (small)", base="small", baseline=True, buses_used=2)
    on_small = result("small lf", base="small", buses_used=3)
    comparison = Comparison((demo, small, on_small))
    assert comparison.baseline_of(on_small) is small
    assert comparison.delta(on_small, _metric("buses_used")) == 1


def test_failed_scenario_shows_its_error_and_no_values() -> None:
    comparison = Comparison((result("baseline", baseline=True), failed("broken")))
    header, rows = comparison.side_by_side()
    assert header == ("KPI", "baseline", "broken")
    assert rows[0][2].text == "–"
    assert rows[-1][2].text == "failed: 3 input problems"
    frame = comparison.frame()
    assert list(frame["status"]) == ["ok", "failed"]
    assert pd.isna(frame.loc[1, "buses_used"]) and frame.loc[1, "error"] == "3 input problems"


def test_result_needs_kpis_or_a_failure() -> None:
    with pytest.raises(ValueError, match="either KPIs or a failure"):
        ScenarioResult("x", "x", "demo", False, None)


def test_frame_leaves_out_wall_times() -> None:
    """Two runs that differ only in timing give equal frames."""
    one = Comparison((result("baseline", baseline=True), result("lf", buses_used=4)))
    slower = Comparison(
        tuple(
            dataclasses.replace(
                r,
                seconds=99.0,
                kpis=dataclasses.replace(r.kpis, solve_seconds=42.0),  # type: ignore[type-var]
            )
            for r in one.results
        )
    )
    pd.testing.assert_frame_equal(one.frame(), slower.frame())
    assert "solve_seconds" not in one.frame().columns


def test_sweep_frame_has_the_parameter_column() -> None:
    base = dataclasses.replace(result("baseline", baseline=True), value=0.5)
    point = dataclasses.replace(result("load_factor=0.6", buses_used=4), value=0.6)
    comparison = Comparison((base, point), param="load_factor")
    assert list(comparison.frame()["load_factor"]) == [0.5, 0.6]
    assert comparison.side_by_side()[1][0][0].text == "load_factor"


def test_files_are_written(tmp_path: Path) -> None:
    comparison = Comparison(
        (result("baseline", baseline=True), result("=HYPERLINK(1)", buses_used=4), failed("x"))
    )
    files = write_comparison(comparison, tmp_path, lang="zh")
    frame = pd.read_csv(files.csv, encoding="utf-8-sig")
    assert list(frame["scenario"]) == ["baseline", "'=HYPERLINK(1)", "x"]  # text in the CSV too
    book = load_workbook(files.workbook)
    assert book.sheetnames == ["对比", "数据"]
    sheet = book["对比"]
    assert sheet.cell(1, 3).value == "'=HYPERLINK(1)"  # never a formula
    assert sheet.cell(2, 1).value == "使用客车"
    assert sheet.cell(2, 3).fill.fgColor.rgb.endswith("C8E6C9")  # fewer buses: green
    data = book["数据"]
    assert data.cell(3, 1).value == "'=HYPERLINK(1)"  # never a formula
    assert files.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_html_is_self_contained_escaped_and_linked() -> None:
    evil = dataclasses.replace(
        result("<script>alert(1)</script>", buses_used=6), has_map=True, description="a & b"
    )
    page = render_html(Comparison((result("baseline", baseline=True), evil)))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &amp; b" in page
    assert not re.search(r"<(script|link)\b", page)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert 'href="%3Cscript%3Ealert%281%29%3C/script%3E/map.html"' in page
    assert 'href="baseline/map.html"' not in page  # the baseline has no map here
    assert 'class="worse"' in page  # six buses instead of five


def test_html_embeds_a_plot(tmp_path: Path) -> None:
    png = tmp_path / "sweep.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    page = render_html(Comparison((result("baseline", baseline=True),)), plot=png)
    assert 'src="data:image/png;base64,iVBORw0KGgpmYWtl"' in page


def test_supply_rows_only_when_a_day_has_shipments() -> None:
    """Without shipments the table has no supply rows; with them, fewer unserved shipments
    and more tonnes delivered are better."""
    plain = Comparison((result("baseline", baseline=True), result("lf", buses_used=4)))
    assert SUPPLY_METRICS[0] not in plain.metrics()
    assert "trucks_used" not in plain.frame().columns

    base = result("baseline", baseline=True, shipments=10, shipments_unserved=3)
    better = result(
        "more trucks", shipments=10, shipments_unserved=1, tonnes_delivered=40.0, trucks_used=6
    )
    supply = Comparison((base, better))
    assert supply.metrics()[-len(SUPPLY_METRICS) :] == SUPPLY_METRICS
    unserved = next(m for m in SUPPLY_METRICS if m.key == "shipments_unserved")
    tonnes = next(m for m in SUPPLY_METRICS if m.key == "tonnes_delivered")
    assert supply.delta(better, unserved) == -2
    assert supply.verdict(better, unserved) is Verdict.BETTER
    assert supply.verdict(better, tonnes) is Verdict.BETTER
    labels = [row[0].text for row in supply.side_by_side("en")[1]]
    assert "shipments unserved" in labels
    assert supply.frame().loc[1, "trucks_used_delta"] == 6
