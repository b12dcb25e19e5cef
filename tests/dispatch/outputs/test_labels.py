"""Tests for dispatch.outputs.labels: bilingual headers and the KPI table."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch.outputs.labels import COLUMNS, KPI_LABELS, SHEETS, column, kpi_rows, sheet_title, text
from dispatch.plan import Kpis
from stations.lang import pick
from tests.plan_cases import hand_plan


def test_pick_per_language() -> None:
    assert pick(("行程", "trips"), "zh") == "行程"
    assert pick(("行程", "trips"), "en") == "trips"
    assert pick(("行程", "trips"), "both") == "行程 / trips"
    assert pick(("km", "km"), "both") == "km"


def test_sheet_titles_are_valid_worksheet_names() -> None:
    for key in SHEETS:
        for lang in ("zh", "en", "both"):
            title = sheet_title(key, lang)  # type: ignore[arg-type]
            assert 0 < len(title) <= 31
            assert not set(title) & set("/\\?*[]:")


def test_every_column_has_both_languages() -> None:
    for key, (zh, en) in COLUMNS.items():
        assert zh and en, key
    assert column("vehicle", "both") == "车牌 / plate"


def test_text_fills_per_language_pairs() -> None:
    filled = text("escort.needed", "both", seats=1, station=("站", "Station"), time="08:30")
    assert filled == "需派 1 名随车人员，08:30 前到 站 / 1 escort(s) at Station by 08:30"


def test_every_kpi_is_labelled() -> None:
    names = {f.name for f in dataclasses.fields(Kpis)}
    assert names <= set(KPI_LABELS) | {"solve_seconds"}


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_kpi_rows_carry_the_nothing_lost_sum(lang: str) -> None:
    rows = kpi_rows(hand_plan().kpis, lang)  # type: ignore[arg-type]
    sums = [value for _, value, _ in rows if value.startswith("11 = 7 + 3 + 1")]
    assert len(sums) == 1
    assert ("nothing lost" in sums[0]) == (lang != "zh")
    shares = {label: value for label, value, _ in rows}
    assert shares[pick(KPI_LABELS["seat_use"][:2], lang)] == "12.5"  # type: ignore[arg-type]
