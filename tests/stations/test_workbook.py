"""Tests for stations.workbook: XLSX reading bounded by the cells present, broken files as
input errors naming the file, formulas without a saved value."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from stations import workbook
from stations.errors import InputError
from stations.workbook import Formula, read_workbook
from tests.paths import ROOT


def book_of(path: Path, sheets: dict[str, list[list[object]]]) -> Workbook:
    """A workbook with the given sheets and rows, saved at ``path`` (returned for edits)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return book


def small_book(path: Path, *, far_cell: bool = False) -> Path:
    """A two-sheet workbook: ``arrivals`` (header + 2 rows) and ``fleet``; ``far_cell`` adds
    one filled cell at XFD1048576 of ``arrivals`` (the file stays a few KB)."""
    arrivals = [["worker_id", "station_id"], ["W1", "suzhou"], ["W2", "suzhou_north"]]
    book = book_of(path, {"arrivals": arrivals, "fleet": [["vehicle_id", "seats"]]})
    if far_cell:
        book["arrivals"]["XFD1048576"] = "x"
        book.save(path)
    return path


def rewrite(source: Path, target: Path, part: str, change: object) -> Path:
    """A copy of workbook ``source`` whose zip member ``part`` is ``change(bytes)``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, change(data) if info.filename == part else data)  # type: ignore[operator]
    return target


SHEET1 = "xl/worksheets/sheet1.xml"


def entity_bomb(xml: bytes) -> bytes:
    """The sheet with a "billion laughs" DTD (10⁹ characters from nested entities) and a cell
    that uses it."""
    entities = [b'<!ENTITY l0 "lollollollol">']
    for level in range(1, 10):
        refs = b"".join(b"&l%d;" % (level - 1) for _ in range(10))
        entities.append(b'<!ENTITY l%d "%s">' % (level, refs))
    body = xml[xml.index(b"<worksheet") :].replace(b"<t>W1", b"<t>&l9;", 1)
    return b'<?xml version="1.0"?><!DOCTYPE worksheet [' + b"".join(entities) + b"]>" + body


def test_a_far_cell_adds_one_row_and_one_column_only(tmp_path: Path) -> None:
    """Only present cells are kept: the far cell is row 1048576 in a column `column XFD`."""
    frame = read_workbook(small_book(tmp_path / "far.xlsx", far_cell=True))["arrivals"]
    assert frame.shape == (3, 3)
    assert list(frame.columns) == ["worker_id", "station_id", "column XFD"]
    assert list(frame.index) == [0, 1, 1_048_574]  # spreadsheet rows 2, 3 and 1048576


def test_a_far_cell_is_read_within_a_small_memory_limit(tmp_path: Path) -> None:
    """Reading a few-KB workbook with a cell at XFD1048576 in a process limited to 1 GiB of
    address space succeeds (padding rows to the declared size would need gigabytes)."""
    book = small_book(tmp_path / "far.xlsx", far_cell=True)
    assert book.stat().st_size < 30_000
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
        "from pathlib import Path\n"
        "from stations.tabular import read_frame\n"
        "print(read_frame(Path(sys.argv[1])).shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(book)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "(3, 3)"


def test_a_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    """A sheet that claims A1:XFD1048576 but holds three rows reads as three rows."""
    book = rewrite(
        small_book(tmp_path / "a.xlsx"),
        tmp_path / "dim.xlsx",
        SHEET1,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert read_workbook(book)["arrivals"].shape == (2, 2)


def test_broken_sheets_are_refused(tmp_path: Path) -> None:
    """Truncated, garbled and out-of-range sheet XML: one input problem naming the file."""
    source = small_book(tmp_path / "a.xlsx")
    for name, change in [
        ("truncated", lambda xml: xml[: len(xml) // 2]),
        ("garbage", lambda xml: b"\x00\x01 garbage"),
        ("range", lambda xml: xml.replace(b'r="A2"', b'r="A0"')),
        ("entities", entity_bomb),
    ]:
        book = rewrite(source, tmp_path / f"{name}.xlsx", SHEET1, change)
        with pytest.raises(InputError, match=rf"{name}\.xlsx cannot be read as an \.xlsx"):
            read_workbook(book)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"PK\x03\x04 not really a zip", "fake.xlsx"),
        (b"worker_id,station_id\nW1,suzhou\n", "csv.xlsx"),
        (b"", "empty.xlsx"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(
    tmp_path: Path, content: bytes, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"{re.escape(name)} cannot be read as an \.xlsx"):
        read_workbook(path)


def test_a_zip_of_garbage_is_refused(tmp_path: Path) -> None:
    """A valid zip whose parts are garbage is not a workbook."""
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"\x00garbage")
        archive.writestr("xl/workbook.xml", b"nonsense")
    with pytest.raises(InputError, match=r"zip\.xlsx cannot be read as an \.xlsx workbook"):
        read_workbook(path)


def test_formulas_without_a_saved_value_are_kept_as_formulas(tmp_path: Path) -> None:
    """A formula written by a script has no cached value: it is a Formula, not an empty cell."""
    book_of(tmp_path / "f.xlsx", {"fleet": [["vehicle_id", "seats"], ["苏E·1", "=50+3"]]})
    frame = read_workbook(tmp_path / "f.xlsx")["fleet"]
    assert frame.loc[0, "seats"] == Formula("=50+3")


def test_too_many_cells_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_CELLS", 5)
    with pytest.raises(InputError, match=r"more than 5 filled cells"):
        read_workbook(small_book(tmp_path / "a.xlsx"))


def test_a_workbook_that_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InputError, match=r"a\.xlsx .* is larger than the 0 MiB"):
        read_workbook(small_book(tmp_path / "a.xlsx"))


def test_a_missing_sheet_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(workbook.MissingSheetError, match=r"no sheet named 'permits'"):
        read_workbook(small_book(tmp_path / "a.xlsx"), sheet="permits")
