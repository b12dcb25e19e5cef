"""The one guard for every spreadsheet cell written (plan.xlsx and csv/, comparison.csv and
comparison.xlsx, the day template): text a spreadsheet would run as a formula is written as
text, control characters are dropped, numbers stay numbers.

A text cell whose first character (after leading spaces) is ``=``, ``+``, ``-``, ``@``, a tab,
a carriage return or a line feed — or their full-width forms — gets a leading apostrophe, the
spreadsheet sign for "this is text": ``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``. A text
that is just a number (``-2.5``) is left alone, and so is every numeric cell. Control
characters other than tab and line breaks (``ESC``, ``NUL``…) cannot be stored in a workbook and
would reach a terminal that shows the CSV, so they are removed; a line break is written as LF
(a CSV writer leaves a lone CR unquoted, and a spreadsheet would start a new row there).
"""

from __future__ import annotations

import math
import re

import pandas as pd

FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
TEXT_SIGN = "'"
_LEADING = " \u00a0\u3000"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")


def safe_text(text: str) -> str:
    """``text`` as a cell shows it: control characters removed, formula starts quoted.

    Examples
    --------
    >>> safe_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_text("-2.5")
    '-2.5'
    """
    cleaned = _LINE_BREAK.sub("\n", _CONTROL.sub("", text))
    first = cleaned.lstrip(_LEADING)[:1]
    if first in FORMULA_STARTS and not _NUMBER.fullmatch(cleaned.strip()):
        return TEXT_SIGN + cleaned
    return cleaned


def safe_cell(value: object) -> object:
    """A cell value to write: text through :func:`safe_text`, missing values blank (None),
    numbers, booleans and times as they are."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name guarded (numeric columns untouched)."""
    safe = frame.rename(columns=lambda name: safe_text(name) if isinstance(name, str) else name)
    for index in range(safe.shape[1]):
        column = safe.iloc[:, index]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            safe.isetitem(index, column.map(safe_cell).to_numpy(dtype=object))
    return safe
