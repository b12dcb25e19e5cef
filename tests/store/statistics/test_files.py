"""Tests of store.statistics.files and store.statistics.tables: the workbook keeps names as text (no
formulas), the page escapes them and opens offline."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from stations.lang import Lang
from store.statistics.files import write_stats
from store.statistics.period import (
    DayFigures,
    EmployerDay,
    GroupDay,
    PeriodStats,
    SubsidyRule,
    accrue,
)

DAY = dt.date(2020, 2, 24)
NAME = '=HYPERLINK("http://x","<script>alert(1)</script>")'


def _stats() -> PeriodStats:
    employers = (EmployerDay("E1", NAME, "<b>区</b>", True, 5, 5, 0, 0, 1, 560.0, 0.0, DAY),)
    rule = SubsidyRule(0.5, 20, "policy of 2020-02-24")
    return PeriodStats(
        start=DAY,
        end=DAY,
        days=(DayFigures(DAY, 1, 5, 5, 0, 0, 1, 1, 20.0, 560.0, 0.0),),
        employers=employers,
        districts=(GroupDay(DAY, "<b>区</b>", "<b>区</b>", 5),),
        stations=(GroupDay(DAY, "yq", "测试站", 5),),
        reasons=(),
        rule=rule,
        subsidy=accrue(employers, rule),
    )


def test_names_stay_text_in_the_workbook_and_escaped_on_the_page(tmp_path: Path) -> None:
    files = write_stats(_stats(), tmp_path, lang=Lang.EN)
    book = load_workbook(files.workbook)
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert "'" + NAME in cells and NAME not in cells
    assert not any(
        getattr(c, "data_type", "") == "f"
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
    )
    page = files.page.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>区" not in page
    assert page.count("<svg") == 2 and "<link" not in page and " src=" not in page


def test_policies_that_differ_are_said(tmp_path: Path) -> None:
    stats = _stats()
    mixed = dataclasses.replace(stats, rule=dataclasses.replace(stats.rule, mixed=True))
    page = write_stats(mixed, tmp_path, lang=Lang.EN).page.read_text(encoding="utf-8")
    assert "the days&#x27; policies differ" in page
