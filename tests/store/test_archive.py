"""Tests of store.archive: a day file is written whole, read back equal, and refused with the
file named when it is not one, or damaged."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest

from stations.errors import InputError
from store.archive import read_archive, write_archive
from store.errors import StoreError
from store.repository import DayArchive
from tests.store_cases import OPTIONS, hand_plan_on, opened, small_provenance


@pytest.fixture
def archive(tmp_path: Path) -> DayArchive:
    """The hand plan's day exported (with personal data) from a new SQLite store."""
    store = opened(str(tmp_path / "charter.db"))
    store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
    exported = store.export_day(hand_plan_on().day.date, personal=True)
    store.close()
    return exported


def test_a_day_file_reads_back_equal(archive: DayArchive, tmp_path: Path) -> None:
    file = write_archive(archive, tmp_path / "day.json.gz")
    assert read_archive(file) == archive
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".day")] == []


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"plain text", r"cannot be read as a gzip file"),
        (gzip.compress(b"[1, 2]"), r"is not a charter day file"),
        (gzip.compress(b'{"format": "charter-day/9"}'), r"is not a charter day file"),
    ],
)
def test_a_file_that_is_not_a_day_file_is_refused(
    tmp_path: Path, content: bytes, match: str
) -> None:
    file = tmp_path / "day.json.gz"
    file.write_bytes(content)
    with pytest.raises(StoreError, match=match) as raised:
        read_archive(file)
    assert str(file) in str(raised.value)


def test_a_damaged_day_file_is_refused(archive: DayArchive, tmp_path: Path) -> None:
    version = dataclasses.replace(archive.versions[0], document='{"format": "changed"}')
    damaged = dataclasses.replace(archive, versions=(version,))
    file = write_archive(damaged, tmp_path / "day.json.gz")
    with pytest.raises(StoreError, match=r"is damaged: plan\.json of version 1 do"):
        read_archive(file)


def test_a_day_file_into_a_missing_folder_is_refused(archive: DayArchive, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is in a folder that does not exist"):
        write_archive(archive, tmp_path / "missing" / "day.json.gz")
