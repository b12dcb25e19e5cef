"""Reading the raw tables of a planning day from a folder of CSV files or one XLSX workbook.

A folder holds ``<table>.csv`` files (UTF-8, with or without BOM) and an optional
``policy.toml``; a workbook holds one sheet per table (sheet name = table name) and an optional
``policy`` sheet with ``key``/``value`` columns. A ``README`` sheet (as in the blank template)
is ignored. Cells are kept as text (spreadsheet dates and times as ``datetime``/``time``);
``dispatch.intake.reader`` validates them. CSV files may be UTF-8 (with or without BOM) or GBK/GB
18030
(as Excel on a Chinese Windows saves them); blank lines and rows are skipped, and rows keep
their spreadsheet numbers in problems.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dispatch.intake.day_tables import DAY_TABLES
from dispatch.policy import policy_from_toml
from stations.errors import InputError, InputProblem, InputWarning, ProblemCollector
from stations.tabular import FORMULA_FIX, is_blank, read_frame, row_numbers
from stations.text import word_key
from stations.workbook import Formula, read_workbook

POLICY_FILE = "policy.toml"
POLICY_SHEET = "policy"
IGNORED_SHEETS = frozenset({"readme", "说明"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})


@dataclass(frozen=True, slots=True)
class RawDay:
    """The raw tables of a day as read (text cells), before validation.

    Parameters
    ----------
    frames
        Table name → raw frame, for the tables present.
    labels
        Table name → label used in problems (``arrivals.csv`` or ``day.xlsx[arrivals]``).
    policy_values
        Policy keys given in the source.
    policy_label
        Where the policy came from (for problems).
    problems
        Problems found while reading (missing files, unreadable sheets).
    unread
        Tables given but not read: unreadable, or given twice (their keys are unknown, so
        references to them are not checked). Default empty.
    """

    frames: Mapping[str, pd.DataFrame]
    labels: Mapping[str, str]
    policy_values: Mapping[str, object]
    policy_label: str
    problems: tuple[InputProblem, ...]
    unread: frozenset[str] = frozenset()


def read_raw_day(path: Path) -> RawDay:
    """Read the raw tables of a day folder or workbook (no validation beyond presence)."""
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path)
    raise InputError(
        InputProblem(
            path.name,
            None,
            None,
            str(path),
            "is neither a day folder nor an .xlsx workbook",
            "give a folder of CSV files or an .xlsx workbook (see docs/API.md)",
        )
    )


def _duplicates(label: str, names: dict[str, list[str]], what: str) -> list[InputProblem]:
    """A problem for each table that two or more sheets (or files) map to."""
    return [
        InputProblem(
            label,
            None,
            None,
            ", ".join(repr(n) for n in given),
            f"has {len(given)} {what}s that all map to the table `{table}`",
            f"keep one {what} `{table}` (names are matched ignoring case, width and spaces)",
        )
        for table, given in names.items()
        if len(given) > 1
    ]


def _folder_files(folder: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """Day-table name → the CSV files in ``folder`` that map to it (by ``word_key`` of the
    file name without ``.csv``), and the names of CSV files that map to no table."""
    tables = {t.name for t in DAY_TABLES}
    found: dict[str, list[Path]] = {}
    strays: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        table = word_key(path.stem) if word_key(path.stem) in tables else None
        if table is None:
            strays.append(path.name)
        else:
            found.setdefault(table, []).append(path)
    return found, strays


def _read_folder(folder: Path) -> RawDay:
    problems = ProblemCollector()
    frames: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    found, strays = _folder_files(folder)
    if strays:
        warnings.warn(
            f"{folder.name}: file(s) {', '.join(strays)} are not day tables and were ignored "
            f"(known: {', '.join(sorted(t.filename for t in DAY_TABLES))})",
            InputWarning,
            stacklevel=3,
        )
    named = {table: [p.name for p in paths] for table, paths in found.items()}
    problems.extend(_duplicates(folder.name, named, "file"))
    for table in DAY_TABLES:
        files = found.get(table.name, [])
        labels[table.name] = files[0].name if len(files) == 1 else table.filename
        if not files and table.required:
            problems.add(
                table.filename,
                None,
                None,
                None,
                "is missing",
                f"add {table.filename} to {folder.name} ({table.summary})",
            )
        if len(files) != 1:
            continue
        try:
            frames[table.name] = read_frame(_regular(files[0]), label=files[0].name)
        except InputError as error:
            problems.extend(error.problems)
    values = _folder_policy(folder, problems)
    unread = {t.name for t in DAY_TABLES if found.get(t.name) and t.name not in frames}
    return RawDay(frames, labels, values, POLICY_FILE, problems.problems, frozenset(unread))


def _regular(path: Path) -> Path:
    """``path`` if it is a regular file (a FIFO or device would block the reader)."""
    if not path.is_file():
        raise InputError(
            InputProblem(
                path.name,
                None,
                None,
                None,
                "is not a regular file (a pipe, device or folder)",
                "replace it by a CSV file",
            )
        )
    return path


def _folder_policy(folder: Path, problems: ProblemCollector) -> dict[str, object]:
    """The policy keys of ``policy.toml`` in ``folder`` (none if it has no such file)."""
    policy_file = folder / POLICY_FILE
    if not policy_file.exists():
        return {}
    try:
        policy = policy_from_toml(_regular(policy_file))
    except InputError as error:
        problems.extend(error.problems)
        return {}
    given = tomllib.loads(policy_file.read_text(encoding="utf-8-sig"))
    return {key: getattr(policy, key) for key in given}


def _read_workbook(book: Path) -> RawDay:
    problems = ProblemCollector()
    sheets = read_workbook(_regular(book))
    by_table: dict[str, list[str]] = {}
    for name in sheets:
        by_table.setdefault(word_key(name), []).append(name)
    known = {t.name for t in DAY_TABLES} | {POLICY_SHEET}
    strays = sorted(
        name
        for key, names in by_table.items()
        if key not in known | IGNORED_SHEETS
        for name in names
    )
    if strays:
        warnings.warn(
            f"{book.name}: sheet(s) {', '.join(strays)} are not day tables and were ignored "
            f"(known: {', '.join(sorted(known))})",
            InputWarning,
            stacklevel=3,
        )
    problems.extend(
        _duplicates(book.name, {k: v for k, v in by_table.items() if k in known}, "sheet")
    )
    frames: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    for table in DAY_TABLES:
        labels[table.name] = f"{book.name}[{table.name}]"
        given = by_table.get(table.name, [])
        if not given and table.required:
            problems.add(
                book.name,
                None,
                None,
                None,
                f"has no sheet `{table.name}`",
                f"add a sheet `{table.name}` ({table.summary})",
            )
        if len(given) == 1:
            frames[table.name] = sheets[given[0]]
    values: dict[str, object] = {}
    label = f"{book.name}[{POLICY_SHEET}]"
    if len(by_table.get(POLICY_SHEET, [])) == 1:
        values = _policy_sheet_values(sheets[by_table[POLICY_SHEET][0]], label, problems)
    unread = {t.name for t in DAY_TABLES if len(by_table.get(t.name, [])) > 1}
    return RawDay(frames, labels, values, label, problems.problems, frozenset(unread))


def _policy_sheet_values(
    frame: pd.DataFrame, label: str, problems: ProblemCollector
) -> dict[str, object]:
    headers = [word_key(str(c)) for c in frame.columns]
    if headers.count("key") != 1 or headers.count("value") != 1:
        problems.add(label, None, None, None, "needs one column `key` and one `value`", "add them")
        return {}
    keys, cells = frame.iloc[:, headers.index("key")], frame.iloc[:, headers.index("value")]
    values: dict[str, object] = {}
    for row, key, value in zip(row_numbers(frame), keys, cells, strict=True):
        name = word_key(str(key)) if not is_blank(key) else ""
        if not name or is_blank(value):
            continue  # blank value: the default
        if name in values:
            problems.add(label, row, "key", name, "is given twice", "keep one row per key")
        if isinstance(value, Formula):
            problems.add(label, row, name, value, "is a formula without a saved value", FORMULA_FIX)
            continue
        if isinstance(value, dt.datetime) and name == "planning_date":
            value = value.date()
        values[name] = value.strip() if isinstance(value, str) else value
    return values
