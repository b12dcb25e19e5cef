"""Tests of desk.uploads: what an upload may hold (size, zip members: no traversal, no links,
no zip bomb, only the day's tables) and the check report of a day."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from desk.uploads import MAX_UPLOAD, check_source, day_source, unpack_zip
from stations.errors import InputError
from tests.paths import DATA

SMALL = DATA / "days" / "plan_small"
BAD = DATA / "days" / "bad_rows"


def zipped(
    folder: Path, target: Path, *, prefix: str = "", extra: dict[str, bytes] | None = None
) -> Path:
    """``folder``'s files zipped into ``target`` (under ``prefix``), plus ``extra`` members."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return target


def test_a_zipped_day_folder_unpacks_its_tables_only(tmp_path: Path) -> None:
    archive = zipped(SMALL, tmp_path / "day.zip", prefix="plan_small/")
    folder = unpack_zip(archive, tmp_path, upload="day.zip")
    names = sorted(p.name for p in folder.iterdir())
    assert "arrivals.csv" in names
    assert "policy.toml" in names
    assert "README.md" not in names  # a note, skipped


@pytest.mark.parametrize(
    ("member", "match"),
    [
        ("../evil.csv", "names a place outside the day folder"),
        ("/etc/passwd", "names a place outside the day folder"),
        ("C:/x/arrivals.csv", "names a place outside the day folder"),
        ("notes.exe", "is not a table of a planning day"),
        ("a/b/arrivals.csv", "is in a sub-folder"),
    ],
    ids=["dotdot", "absolute", "drive", "unknown", "deep"],
)
def test_a_bad_member_refuses_the_whole_zip(tmp_path: Path, member: str, match: str) -> None:
    archive = zipped(SMALL, tmp_path / "day.zip", extra={member: b"x"})
    with pytest.raises(InputError, match=match):
        unpack_zip(archive, tmp_path, upload="day.zip")
    assert not (tmp_path / "day").exists()


def test_a_link_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "day.zip"
    with zipfile.ZipFile(archive, "w") as book:
        info = zipfile.ZipInfo("arrivals.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        book.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match="is a link"):
        unpack_zip(archive, tmp_path, upload="day.zip")


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("arrivals.csv", b"0" * 5_000_000)
    with pytest.raises(InputError, match="looks like a zip bomb"):
        unpack_zip(archive, tmp_path, upload="bomb.zip")


def test_not_a_zip_and_an_unknown_kind_are_refused(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    sent.write_bytes(b"plain text")
    with pytest.raises(InputError, match="is not a zip file"):
        day_source(sent, "day.zip", tmp_path)
    with pytest.raises(InputError, match="is neither a workbook nor a zipped day folder"):
        day_source(sent, "day.txt", tmp_path)


def test_an_oversized_upload_is_refused(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    with sent.open("wb") as sink:
        sink.truncate(MAX_UPLOAD + 1)
    with pytest.raises(InputError, match="is larger than 20 MB"):
        day_source(sent, "day.xlsx", tmp_path)


def test_the_check_of_a_good_day_counts_it(tmp_path: Path) -> None:
    check = check_source(SMALL)
    assert check.ok
    assert check.date == "2020-02-24"
    assert dict(check.counts)["registered"] == "11"


def test_the_check_of_a_bad_day_lists_every_problem_with_its_place() -> None:
    check = check_source(BAD)
    assert not check.ok
    places = {(p.table, p.row, p.column) for p in check.problems}
    assert ("arrivals.csv", 4, "station_id") in places
    assert ("fleet.csv", 3, "seats") in places
    assert all(p.fix for p in check.problems)
