"""Tests for dispatch.intake.day_tables: the day tables' specs, docs and their copy in
docs/API.md."""

from __future__ import annotations

import math
import re

import pytest

from dispatch.intake.day_tables import DAY_TABLES, DayTable, day_table
from dispatch.policy import POLICY_KEYS
from dispatch.reasons import ExclusionReason, UnservedReason, VehicleReason
from stations.tabular import Column, Kind, TableSpec
from tests.paths import ROOT

API = ROOT / "docs" / "API.md"


def _section(text: str, table: str) -> str:
    start = text.index(f"### `{table}`")
    end = text.find("\n### ", start + 1)
    return text[start : end if end > 0 else len(text)]


@pytest.mark.parametrize("table", DAY_TABLES, ids=lambda t: t.name)
def test_api_md_documents_every_column(table: DayTable) -> None:
    """Each column appears in its table's section, optional ones in [brackets]."""
    section = _section(API.read_text(encoding="utf-8"), table.name)
    for column in table.spec.columns:
        shown = column.name if column.required else f"[{column.name}]"
        assert f"| `{shown}` |" in section, f"{table.name}.{column.name} missing in API.md"
        for choice in column.choices:
            assert choice in section


def test_api_md_documents_every_policy_key_and_reason() -> None:
    """policy.toml keys and every reason code are in API.md."""
    text = API.read_text(encoding="utf-8")
    for key in POLICY_KEYS:
        assert f"| `{key}` |" in text
    for reason in [*ExclusionReason, *UnservedReason, *VehicleReason]:
        assert re.search(rf"\| `{reason.value}` \|", text), reason


def test_api_md_keeps_a_heading_for_plan_json() -> None:
    """The planning stage documents plan.json under this heading."""
    assert "## plan.json" in API.read_text(encoding="utf-8")


def test_day_table_docs_must_match_columns() -> None:
    """A column without documentation is a programming error."""
    spec = TableSpec("x", (Column("a", Kind.TEXT), Column("b", Kind.TEXT)))
    with pytest.raises(ValueError, match="do not match columns"):
        DayTable(spec, required=True, summary="x", docs=(("a", "the a"),))


def test_day_table_lookup() -> None:
    """By name, with the known names in the error."""
    assert day_table("fleet").filename == "fleet.csv"
    with pytest.raises(KeyError, match="known: arrivals, enterprises"):
        day_table("buses")


NUMBER_COLUMNS = [
    (table, column)
    for table in DAY_TABLES
    for column in table.spec.columns
    if column.kind in (Kind.INT, Kind.FLOAT)
]


@pytest.mark.parametrize(
    ("table", "column"), NUMBER_COLUMNS, ids=[f"{t.name}.{c.name}" for t, c in NUMBER_COLUMNS]
)
def test_every_number_column_has_a_finite_range_documented_beside_it(
    table: DayTable, column: Column
) -> None:
    """`check` refuses a number outside the range; API.md shows it next to the column."""
    assert column.minimum is not None and math.isfinite(column.minimum)
    assert column.maximum is not None and math.isfinite(column.maximum)
    section = _section(API.read_text(encoding="utf-8"), table.name)
    shown = column.name if column.required else f"[{column.name}]"
    kind = "integer" if column.kind is Kind.INT else "number"
    assert f"| `{shown}` | {kind} {column.minimum:g} … {column.maximum:g} |" in section


def test_every_policy_key_shows_its_range() -> None:
    text = API.read_text(encoding="utf-8")
    for key in POLICY_KEYS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{key}` |"))
        assert row.count("|") == 5, row  # key, default, range, meaning
