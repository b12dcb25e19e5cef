"""Reading XLSX workbooks cell by cell, bounded by the cells actually present in the file.

``pandas.read_excel`` (and openpyxl's read-only rows) pad every row to the sheet's *declared*
dimension: a 30 KB workbook whose one cell sits at ``XFD1048576`` asks for 16,384 × 1,048,576
cells. This reader walks the sheet XML and keeps only the cells that are there, so memory
follows the data; it also refuses a workbook whose parts unpack to more than
``MAX_UNPACKED_BYTES`` or that holds more than ``MAX_CELLS`` cells, and reports a formula cell
without a saved value as a :class:`Formula` (not as an empty cell).

Every failure to read a user's file — not a zip, a truncated or garbled part, a cell reference
out of range — becomes one ``InputError`` naming the file (docs/SECURITY.md, "Input limits").
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from stations.errors import InputError, InputProblem

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # all parts of one workbook, unpacked
MAX_CELLS = 10_000_000  # filled cells of one workbook (a 100,000-worker day has about 1.1 M)
MAX_ROW = 1_048_576  # the largest row and column numbers a spreadsheet can have
MAX_COLUMN = 16_384

# What reading a broken workbook raises from zipfile, zlib, the XML parser and openpyxl: all of
# them mean "this file is not a readable workbook", never a fault of ours.
WORKBOOK_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    ValueError,  # includes UnicodeDecodeError and openpyxl's bad cell references
    KeyError,  # a part the package lists is missing
    IndexError,  # a shared-string index past the table
    TypeError,  # openpyxl on elements with missing attributes
    AttributeError,
    OverflowError,
    ParseError,  # truncated or garbled XML (also expat's entity-amplification limit)
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
)


class MissingSheetError(KeyError):
    """The workbook has no sheet of the name asked for."""


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell whose value was never computed and saved (e.g. written by a script).

    Parameters
    ----------
    text
        The formula, e.g. ``=A2*2`` (``=`` alone when it is a shared formula's copy).
    """

    text: str

    def __str__(self) -> str:
        return self.text


def unreadable(path: Path, error: BaseException, *, fix: str = "") -> InputError:
    """The ``InputError`` for a workbook that cannot be read."""
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return InputError(
        InputProblem(
            path.name,
            None,
            None,
            None,
            f"cannot be read as an .xlsx workbook: {detail}",
            fix or "open it in Excel or WPS and save it again as .xlsx (Excel workbook)",
        )
    )


class _CellParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser (values as saved), marking formulas that have no saved value."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None:
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                cell["value"] = Formula("=" + (formula.text or ""))
        return cell


def _check_size(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(
            InputProblem(
                path.name,
                None,
                None,
                f"{unpacked / 2**20:.0f} MiB unpacked",
                f"is larger than the {MAX_UNPACKED_BYTES // 2**20} MiB a workbook may unpack to",
                "split the day into smaller files, or give the tables as CSV files in a folder",
            )
        )


def _cells(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, int, object]]:
    """``(row, column, value)`` of every filled cell of ``sheet``, in file order."""
    book = sheet.parent
    # openpyxl's private parts: its public rows are padded to the declared dimension.
    with sheet._get_source() as source:
        parser = _CellParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for _, cells in parser.parse():
            for cell in cells:
                value = cell["value"]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                row, column = int(cell["row"]), int(cell["column"])
                if not (1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN):
                    raise ValueError(f"cell at row {row}, column {column} is outside a sheet")
                yield row, column, value


def _frame(cells: list[tuple[int, int, object]]) -> pd.DataFrame:
    """A sheet's cells as a table: the first filled row is the header; each data row's index is
    its spreadsheet row number minus 2 (see ``stations.tabular.row_numbers``); wholly blank
    rows are left out. A column with data but no header is named ``column <letter>``."""
    if not cells:
        return pd.DataFrame()
    header_row = min(row for row, _, _ in cells)
    header = {column: value for row, column, value in cells if row == header_row}
    columns = sorted({column for _, column, _ in cells})
    rows: dict[int, dict[int, object]] = {}
    for row, column, value in cells:
        if row != header_row:
            rows.setdefault(row, {})[column] = value
    labels = [str(header[c]) if c in header else f"column {get_column_letter(c)}" for c in columns]
    ordered = sorted(rows)
    data = [[rows[r].get(c) for c in columns] for r in ordered]
    return pd.DataFrame(data, index=[r - 2 for r in ordered], columns=labels, dtype=object)


def read_workbook(path: Path, *, sheet: str | None = None) -> dict[str, pd.DataFrame]:
    """Read the sheets of an XLSX workbook as raw cells.

    Parameters
    ----------
    path
        The workbook.
    sheet
        Read only this sheet (exact name). Default None: every worksheet.

    Returns
    -------
    Sheet name → cells (``object`` columns: text, numbers, booleans, ``datetime``/``time``,
    :class:`Formula`), in workbook order. Header labels are as typed (not yet matched).

    Raises
    ------
    InputError
        The file is not a readable workbook, unpacks to more than ``MAX_UNPACKED_BYTES``, holds
        more than ``MAX_CELLS`` filled cells.
    MissingSheetError
        The workbook has no sheet ``sheet``.
    """
    try:
        _check_size(path)
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, extensions); a date
            # cell out of range becomes "#VALUE!" text, reported by the validator.
            warnings.simplefilter("ignore")
            return _read_sheets(path, sheet)
    except (InputError, MissingSheetError):
        raise
    except WORKBOOK_ERRORS as error:
        raise unreadable(path, error) from None


def _read_sheets(path: Path, only: str | None) -> dict[str, pd.DataFrame]:
    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        names = [s.title for s in book.worksheets if isinstance(s, ReadOnlyWorksheet)]
        if only is not None and only not in names:
            raise MissingSheetError(f"no sheet named {only!r} (sheets: {', '.join(names)})")
        frames: dict[str, pd.DataFrame] = {}
        total = 0
        for name in names if only is None else [only]:
            cells = []
            for cell in _cells(book[name]):
                cells.append(cell)
                total += 1
                if total > MAX_CELLS:
                    raise InputError(_too_many_cells(path, name))
            frames[name] = _frame(cells)
        return frames
    finally:
        book.close()


def _too_many_cells(path: Path, sheet: str) -> InputProblem:
    return InputProblem(
        f"{path.name}[{sheet}]",
        None,
        None,
        None,
        f"has more than {MAX_CELLS:,} filled cells in the workbook",
        "split the day into smaller files, or give the tables as CSV files in a folder",
    )
