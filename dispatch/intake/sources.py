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
from stations.tabular import READ_ERRORS, read_frame

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
    """

    frames: Mapping[str, pd.DataFrame]
    labels: Mapping[str, str]
    policy_values: Mapping[str, object]
    policy_label: str
    problems: tuple[InputProblem, ...]


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


def _read_folder(folder: Path) -> RawDay:
    problems = ProblemCollector()
    frames: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    names = {t.filename for t in DAY_TABLES}
    strays = sorted(p.name for p in folder.glob("*.csv") if p.name not in names)
    if strays:
        warnings.warn(
            f"{folder.name}: file(s) {', '.join(strays)} are not day tables and were ignored "
            f"(known: {', '.join(sorted(names))})",
            InputWarning,
            stacklevel=3,
        )
    for table in DAY_TABLES:
        file = folder / table.filename
        labels[table.name] = table.filename
        if not file.exists():
            if table.required:
                problems.add(
                    table.filename,
                    None,
                    None,
                    None,
                    "is missing",
                    f"add {table.filename} to {folder.name} ({table.summary})",
                )
            continue
        try:
            frames[table.name] = read_frame(file, label=table.filename)
        except InputError as error:
            problems.extend(error.problems)
    policy_file = folder / POLICY_FILE
    values: dict[str, object] = {}
    if policy_file.exists():
        try:
            policy = policy_from_toml(policy_file)
        except InputError as error:
            problems.extend(error.problems)
        else:
            given = tomllib.loads(policy_file.read_text(encoding="utf-8-sig"))
            values = {key: getattr(policy, key) for key in given}
    return RawDay(frames, labels, values, POLICY_FILE, problems.problems)


def _read_workbook(book: Path) -> RawDay:
    problems = ProblemCollector()
    try:
        sheets = pd.read_excel(
            book, sheet_name=None, dtype=object, keep_default_na=False, engine="openpyxl"
        )
    except READ_ERRORS as error:
        raise InputError(
            InputProblem(
                book.name, None, None, None, f"cannot be read: {error}", "save it as .xlsx"
            )
        ) from error
    lowered = {name.strip().lower(): name for name in sheets}
    known = {t.name for t in DAY_TABLES} | {POLICY_SHEET}
    strays = sorted(n for k, n in lowered.items() if k not in known and k not in IGNORED_SHEETS)
    if strays:
        warnings.warn(
            f"{book.name}: sheet(s) {', '.join(strays)} are not day tables and were ignored "
            f"(known: {', '.join(sorted(known))})",
            InputWarning,
            stacklevel=3,
        )
    frames: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    for table in DAY_TABLES:
        labels[table.name] = f"{book.name}[{table.name}]"
        sheet = lowered.get(table.name)
        if sheet is None:
            if table.required:
                problems.add(
                    book.name,
                    None,
                    None,
                    None,
                    f"has no sheet `{table.name}`",
                    f"add a sheet `{table.name}` ({table.summary})",
                )
            continue
        frames[table.name] = sheets[sheet]
    values: dict[str, object] = {}
    label = f"{book.name}[{POLICY_SHEET}]"
    if POLICY_SHEET in lowered:
        values = _policy_sheet_values(sheets[lowered[POLICY_SHEET]], label, problems)
    return RawDay(frames, labels, values, label, problems.problems)


def _policy_sheet_values(
    frame: pd.DataFrame, label: str, problems: ProblemCollector
) -> dict[str, object]:
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    if not {"key", "value"} <= set(frame.columns):
        problems.add(label, None, None, None, "needs columns `key` and `value`", "add them")
        return {}
    values: dict[str, object] = {}
    for index, (key, value) in enumerate(zip(frame["key"], frame["value"], strict=True)):
        name = str(key).strip()
        if not name or (isinstance(value, str) and not value.strip()):
            continue  # blank value: the default
        if name in values:
            problems.add(label, index + 2, "key", name, "is given twice", "keep one row per key")
        if isinstance(value, dt.datetime) and name == "planning_date":
            value = value.date()
        values[name] = value.strip() if isinstance(value, str) else value
    return values
