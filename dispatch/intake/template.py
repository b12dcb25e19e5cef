"""The blank planning-day workbook a duty officer fills in (``charter template day.xlsx``).

Sheets: ``README`` (what every column means, its unit and allowed values, in Chinese and
English), one sheet per input table with its headers (required headers in bold, a note on each
header, drop-down lists for enumerations and true/false columns), and a ``policy`` sheet of
``key``/``value`` rows whose empty values mean the defaults. ``dispatch.intake.reader.read_day``
reads
the filled workbook back.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dispatch.intake.day_tables import DAY_TABLES, TIME_COLUMNS, DayTable
from dispatch.intake.sources import POLICY_SHEET
from dispatch.outputs.atomic import replaced_file
from dispatch.outputs.cells import safe_cell
from dispatch.policy import POLICY_KEYS, Policy, format_clock, key_help
from stations.errors import InputError, InputProblem
from stations.tabular import Column, Kind

VALIDATED_ROWS = 2000  # rows that get drop-down lists
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
README_INTRO = (
    ("包车计划日 输入模板 / Charter planning day — input template", True),
    ("每张工作表对应一张输入表；第一行是列名，请勿修改。必填列为粗体。", False),
    (
        "Each sheet is one input table; row 1 holds the column names, keep them. "
        "Required columns are bold.",
        False,
    ),
    (
        "时间为北京时间 ISO 8601（2020-02-24T08:30）或计划日的 HH:MM；距离公里；时长分钟；"
        "坐标 WGS-84 经纬度。",
        False,
    ),
    (
        "Times are local (Asia/Shanghai) ISO 8601 or HH:MM on the planning day; distances km; "
        "durations minutes; coordinates WGS-84 lon/lat.",
        False,
    ),
    ("policy 表：value 留空即用默认值。/ policy sheet: an empty value means the default.", False),
    (
        "身份证号、手机号等个人信息在所有输出中均做脱敏处理。/ Id numbers and phones are masked "
        "in every output.",
        False,
    ),
)
README_HEADERS = (
    "table 表",
    "column 列",
    "required 必填",
    "type 类型",
    "meaning 含义",
    "values 取值",
)


def describe_kind(column: Column) -> str:
    """The type of a column in words (also used by docs/API.md)."""
    if column.name in TIME_COLUMNS:
        return "time"
    if column.kind is Kind.CHOICE:
        return "enum"
    return {
        Kind.TEXT: "text",
        Kind.ID: "text",
        Kind.INT: "integer",
        Kind.FLOAT: "number",
        Kind.BOOL: "true/false",
        Kind.DATETIME: "time",
        Kind.DATE: "date",
        Kind.LON: "lon °",
        Kind.LAT: "lat °",
    }[column.kind]


def allowed_values(column: Column) -> str:
    """Allowed values of an enumeration or true/false column, else range or ""."""
    if column.kind is Kind.CHOICE:
        return ", ".join(column.choices)
    if column.kind is Kind.BOOL:
        return "true, false"
    bounds = []
    if column.minimum is not None and abs(column.minimum) != float("inf"):
        bounds.append(f">= {column.minimum:g}")
    if column.maximum is not None and abs(column.maximum) != float("inf"):
        bounds.append(f"<= {column.maximum:g}")
    return " and ".join(bounds)


def _append(sheet: Worksheet, values: list[object]) -> None:
    """Append a row through the formula guard every spreadsheet writer shares."""
    sheet.append([safe_cell(value) for value in values])


def _fit_widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 60)


def _readme(sheet: Worksheet) -> None:
    for line, bold in README_INTRO:
        _append(sheet, [line])
        sheet.cell(sheet.max_row, 1).font = Font(bold=bold, size=13 if bold else 11)
    _append(sheet, [])
    _append(sheet, list(README_HEADERS))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for table in DAY_TABLES:
        need = "required 必填表" if table.required else "optional 可选表"
        _append(sheet, [table.name, "", need, "", table.summary, ""])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for column in table.spec.columns:
            _append(
                sheet,
                [
                    table.name,
                    column.name,
                    "yes" if column.required else "",
                    describe_kind(column),
                    table.doc(column.name),
                    allowed_values(column),
                ],
            )
    _append(sheet, [POLICY_SHEET, "", "optional 可选表", "", "key/value rows; empty = default", ""])
    _fit_widths(sheet, [14, 18, 14, 11, 60, 40])
    for row in sheet.iter_rows(min_row=len(README_INTRO) + 2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")


def _table_sheet(sheet: Worksheet, table: DayTable) -> None:
    _append(sheet, [c.name for c in table.spec.columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.spec.columns, start=1):
        cell = sheet.cell(1, index)
        cell.font = Font(bold=column.required)
        cell.fill = HEADER_FILL
        cell.comment = Comment(table.doc(column.name), "charter")
        choices = allowed_values(column) if column.kind in (Kind.CHOICE, Kind.BOOL) else ""
        if choices:
            validation = DataValidation(
                type="list",
                formula1='"' + choices.replace(", ", ",") + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=column.name,
                error=f"{column.name}: {choices}",
            )
            sheet.add_data_validation(validation)
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
    _fit_widths(sheet, [len(c.name) + 4 for c in table.spec.columns])


def _policy_sheet(sheet: Worksheet) -> None:
    _append(sheet, ["key", "value", "default", "meaning"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    defaults = Policy()
    helps = key_help()
    for field in dataclasses.fields(defaults):
        default = getattr(defaults, field.name)
        if field.name in ("day_start_min", "day_end_min"):
            default = format_clock(default)
        shown = "" if default is None else str(default)
        _append(sheet, [field.name, "", shown, helps.get(field.name, "")])
    sheet.freeze_panes = "B2"
    _fit_widths(sheet, [28, 14, 12, 90])
    assert sheet.max_row == len(POLICY_KEYS) + 1


def write_template(path: Path) -> Path:
    """Write the blank day workbook to ``path`` (an ``.xlsx`` file, written whole: see
    ``dispatch.outputs.atomic.replaced_file``) and return the path."""
    if path.suffix.lower() != ".xlsx":
        raise InputError(
            InputProblem(path.name, None, None, path.suffix, "is not .xlsx", "name the file *.xlsx")
        )
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "README"
    _readme(readme)
    for table in DAY_TABLES:
        _table_sheet(book.create_sheet(table.name), table)
    _policy_sheet(book.create_sheet(POLICY_SHEET))
    replaced_file(path, book.save)
    return path
