"""Tests of store.provenance: the files of a day folder or a workbook with their SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path

from store.provenance import provenance_of
from tests.plan_cases import PLAN_SMALL


def test_a_folder_lists_its_tables_and_policy() -> None:
    found = provenance_of(PLAN_SMALL)
    names = [f.name for f in found.files]
    assert names == sorted(p.name for p in PLAN_SMALL.iterdir() if p.suffix in (".csv", ".toml"))
    first = found.files[0]
    data = (PLAN_SMALL / first.name).read_bytes()
    assert (first.sha256, first.size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_a_workbook_is_one_file(tmp_path: Path) -> None:
    book = tmp_path / "day.xlsx"
    book.write_bytes(b"PK not really a workbook")
    (only,) = provenance_of(book).files
    assert (only.name, only.size) == ("day.xlsx", 24)
