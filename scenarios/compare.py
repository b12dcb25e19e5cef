"""Comparing scenario plans with their baseline: KPIs side by side with deltas, as a table
(for the terminal), comparison.csv / comparison.xlsx and a self-contained comparison.html.

Each scenario is compared with the baseline of its own base day. A KPI's delta is
``scenario − baseline``; whether that is better or worse depends on the KPI (fewer buses
and unserved workers are better, more transported workers are better; registered and excluded
workers and the subsidy are shown without a verdict).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dispatch.outputs.atomic import replaced_file
from dispatch.outputs.cells import safe_cell, safe_frame
from dispatch.outputs.labels import KPI_LABELS
from dispatch.plan import Kpis
from stations.lang import Lang, pick

COMPARISON_CSV = "comparison.csv"
COMPARISON_XLSX = "comparison.xlsx"
COMPARISON_HTML = "comparison.html"
SWEEP_PNG = "sweep.png"  # a sweep's plot (scenarios.sweep)
RUN_JSON = "run.json"  # the run's record (scenarios.records)
# The files a run writes in its folder beside the plan folders: no scenario may have their names.
RUN_OUTPUTS = (RUN_JSON, COMPARISON_CSV, COMPARISON_XLSX, COMPARISON_HTML, SWEEP_PNG)
CSV_ENCODING = "utf-8-sig"  # Excel opens Chinese names correctly with a BOM
EPSILON = 1e-9


class Better(StrEnum):
    """Which direction of a KPI is an improvement."""

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"


class Verdict(StrEnum):
    """How a scenario's KPI compares with its baseline."""

    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    CHANGED = "changed"  # a KPI without a better direction moved
    NONE = "none"  # baseline, failed run, or no baseline


@dataclass(frozen=True, slots=True)
class Metric:
    """A KPI in the comparison: its ``Kpis`` attribute, better direction and decimals."""

    key: str
    better: Better
    digits: int = 0
    percent: bool = False

    def label(self, lang: Lang) -> str:
        """Label with unit in ``lang``."""
        zh, en, unit = KPI_LABELS[self.key]
        shown = pick((zh, en), lang)
        return f"{shown} ({unit})" if unit else shown

    def value(self, kpis: Kpis) -> float:
        """The KPI of ``kpis``."""
        return float(getattr(kpis, self.key))

    def format(self, value: float, *, signed: bool = False) -> str:
        """``value`` as shown (percent points for shares)."""
        shown = 100.0 * value if self.percent else value
        sign = "+" if signed else ""
        return f"{shown:{sign},.{self.digits}f}"


METRICS: tuple[Metric, ...] = (
    Metric("buses_used", Better.LOWER),
    Metric("trips", Better.NEITHER),
    Metric("bus_km", Better.LOWER, 1),
    Metric("bus_km_empty", Better.LOWER, 1),
    Metric("wait_mean_min", Better.LOWER, 1),
    Metric("wait_max_min", Better.LOWER, 1),
    Metric("ride_max_min", Better.LOWER, 1),
    Metric("workers_registered", Better.NEITHER),
    Metric("workers_transported", Better.HIGHER),
    Metric("workers_excluded", Better.NEITHER),
    Metric("workers_unserved", Better.LOWER),
    Metric("seat_use", Better.HIGHER, 1, percent=True),
    Metric("cost_cny", Better.LOWER),
    Metric("subsidy_cny", Better.NEITHER),
)
# Supply transport: in the table only when some result's day has shipments.
SUPPLY_METRICS: tuple[Metric, ...] = (
    Metric("shipments_delivered", Better.HIGHER),
    Metric("shipments_unserved", Better.LOWER),
    Metric("tonnes_delivered", Better.HIGHER, 1),
    Metric("trucks_used", Better.LOWER),
    Metric("truck_km", Better.LOWER, 1),
    Metric("on_time_share", Better.HIGHER, 1, percent=True),
)


class Failure(StrEnum):
    """Kind of failure of a scenario run (the CLI maps it to an exit code)."""

    INPUT = "input"
    ROUTING = "routing"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """The outcome of planning one scenario (or a baseline).

    Parameters
    ----------
    name
        Scenario name (``baseline`` for a baseline).
    folder
        Its plan folder, relative to the run folder.
    base
        The base day as written in the scenario (``demo`` or a path).
    baseline
        Whether this is the baseline of its base day.
    kpis
        The plan's KPIs (None if it failed).
    failure, error
        Kind and message of the failure (None if it succeeded).
    description
        What the scenario asks. Default "".
    value
        The swept parameter's value (sweeps only). Default None.
    has_map
        Whether ``map.html`` was written in the folder. Default False.
    seconds
        Wall time of planning and writing (not part of the comparison). Default 0.
    """

    name: str
    folder: str
    base: str
    baseline: bool
    kpis: Kpis | None
    failure: Failure | None = None
    error: str | None = None
    description: str = ""
    value: float | None = None
    has_map: bool = False
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if (self.kpis is None) == (self.failure is None):
            raise ValueError(f"scenario {self.name!r}: give either KPIs or a failure")

    @property
    def ok(self) -> bool:
        """Whether the scenario was planned."""
        return self.kpis is not None


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the side-by-side table: text and verdict (for colour)."""

    text: str
    verdict: Verdict = Verdict.NONE


@dataclass(frozen=True, slots=True)
class Comparison:
    """Scenario results with their baselines, in run order.

    Parameters
    ----------
    results
        Baselines and scenarios.
    param
        The swept parameter (sweeps only). Default None.
    """

    results: tuple[ScenarioResult, ...]
    param: str | None = None

    def __post_init__(self) -> None:
        folders = [r.folder for r in self.results]
        if len(set(folders)) != len(folders):
            raise ValueError("two results share a plan folder")

    def baseline_of(self, result: ScenarioResult) -> ScenarioResult | None:
        """The baseline of ``result``'s base day (None if there is none)."""
        return next((r for r in self.results if r.baseline and r.base == result.base), None)

    def delta(self, result: ScenarioResult, metric: Metric) -> float | None:
        """``result − baseline`` of ``metric`` (None for a baseline or a failed run)."""
        base = self.baseline_of(result)
        if result.baseline or result.kpis is None or base is None or base.kpis is None:
            return None
        return metric.value(result.kpis) - metric.value(base.kpis)

    def verdict(self, result: ScenarioResult, metric: Metric) -> Verdict:
        """Whether ``result`` is better or worse than its baseline on ``metric``."""
        delta = self.delta(result, metric)
        if delta is None or result.kpis is None:
            return Verdict.NONE
        if abs(delta) <= EPSILON * max(1.0, abs(metric.value(result.kpis))):
            return Verdict.SAME
        if metric.better is Better.NEITHER:
            return Verdict.CHANGED
        improved = delta < 0 if metric.better is Better.LOWER else delta > 0
        return Verdict.BETTER if improved else Verdict.WORSE

    def cell(self, result: ScenarioResult, metric: Metric) -> Cell:
        """``value (±delta)`` of ``metric`` for ``result``."""
        if result.kpis is None:
            return Cell("–")
        text = metric.format(metric.value(result.kpis))
        delta = self.delta(result, metric)
        if delta is not None:
            text += f" ({metric.format(delta, signed=True)})"
        return Cell(text, self.verdict(result, metric))

    def metrics(self) -> tuple[Metric, ...]:
        """The KPIs compared: :data:`METRICS`, plus :data:`SUPPLY_METRICS` when any day
        has shipments."""
        supply = any(r.kpis is not None and r.kpis.shipments > 0 for r in self.results)
        return METRICS + SUPPLY_METRICS if supply else METRICS

    def side_by_side(self, lang: Lang = Lang.EN) -> tuple[tuple[str, ...], list[list[Cell]]]:
        """The table: a row per KPI, a column per scenario (header, rows)."""
        header = (pick(("指标", "KPI"), lang), *(r.name for r in self.results))
        rows: list[list[Cell]] = []
        if self.param is not None:
            rows.append([Cell(self.param), *(Cell(_value(r.value)) for r in self.results)])
        for metric in self.metrics():
            rows.append([Cell(metric.label(lang)), *(self.cell(r, metric) for r in self.results)])
        status = [Cell(_status(r, lang)) for r in self.results]
        rows.append([Cell(pick(("状态", "status"), lang)), *status])
        return header, rows

    def frame(self) -> pd.DataFrame:
        """One row per scenario: name, base, status, error, each KPI and its delta.

        Column names are stable English keys (for scripts); wall times are left out, so two
        runs of the same scenarios with the same seeds give equal frames.
        """
        records = []
        for result in self.results:
            record: dict[str, object] = {
                "scenario": result.name,
                "folder": result.folder,
                "base": result.base,
                "baseline": result.baseline,
                "status": "ok" if result.ok else "failed",
                "error": result.error or "",
            }
            if self.param is not None:
                record[self.param] = result.value
            for metric in self.metrics():
                value = None if result.kpis is None else metric.value(result.kpis)
                record[metric.key] = value
                record[f"{metric.key}_delta"] = self.delta(result, metric)
            records.append(record)
        return pd.DataFrame.from_records(records)


def _value(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _status(result: ScenarioResult, lang: Lang) -> str:
    if result.ok:
        return pick(("基线", "baseline"), lang) if result.baseline else "ok"
    return f"{pick(('失败', 'failed'), lang)}: {result.error or ''}"


# --------------------------------------------------------------------------- files


@dataclass(frozen=True, slots=True)
class ComparisonFiles:
    """The comparison files written in the run folder."""

    csv: Path
    workbook: Path
    html: Path
    plot: Path | None = None

    def moved(self, folder: Path) -> ComparisonFiles:
        """The same files in ``folder`` (where the run folder was swapped in)."""
        return ComparisonFiles(
            folder / self.csv.name,
            folder / self.workbook.name,
            folder / self.html.name,
            None if self.plot is None else folder / self.plot.name,
        )


def write_comparison(
    comparison: Comparison,
    out_dir: Path,
    *,
    lang: Lang = Lang.EN,
    plot: Path | None = None,
    title: str = "",
) -> ComparisonFiles:
    """Write comparison.csv, comparison.xlsx and comparison.html in ``out_dir``, each whole
    (``dispatch.outputs.atomic.replaced_file``).

    Parameters
    ----------
    comparison
        The results.
    out_dir
        The run folder (plan folders are its subfolders).
    lang
        Labels of the workbook and the page: ``zh``, ``en`` or ``both``. Default ``en``.
    plot
        A PNG (a sweep's plot) to embed in the page. Default None.
    title
        Heading of the page. Default "" (a generic one).
    """
    frame = comparison.frame()
    csv = replaced_file(
        out_dir / COMPARISON_CSV,
        lambda path: safe_frame(frame).to_csv(path, index=False, encoding=CSV_ENCODING),
    )
    workbook = replaced_file(
        out_dir / COMPARISON_XLSX, lambda path: _write_workbook(comparison, frame, path, lang)
    )
    page = render_html(comparison, lang=lang, plot=plot, title=title)
    html_file = replaced_file(
        out_dir / COMPARISON_HTML, lambda path: path.write_text(page, encoding="utf-8")
    )
    return ComparisonFiles(csv, workbook, html_file, plot)


_FILLS = {
    Verdict.BETTER: PatternFill("solid", fgColor="C8E6C9"),
    Verdict.WORSE: PatternFill("solid", fgColor="FFCDD2"),
    Verdict.CHANGED: PatternFill("solid", fgColor="FFF9C4"),
}


def _write_workbook(comparison: Comparison, frame: pd.DataFrame, path: Path, lang: Lang) -> Path:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _sheet_title(("对比", "comparison"), lang)
    header, rows = comparison.side_by_side(lang)
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(cell.text) for cell in row])
        for index, cell in enumerate(row, start=1):
            fill = _FILLS.get(cell.verdict)
            if fill is not None:
                sheet.cell(row=sheet.max_row, column=index).fill = fill
    _tidy(sheet, [len(h) for h in header])
    data = book.create_sheet(_sheet_title(("数据", "data"), lang))
    data.append([safe_cell(c) for c in frame.columns])
    for record in frame.itertuples(index=False):
        data.append([safe_cell(v) for v in record])
    _tidy(data, [len(str(c)) for c in frame.columns])
    book.save(path)
    return path


def _sheet_title(pair: tuple[str, str], lang: Lang) -> str:
    """A worksheet title (no ``/`` allowed: ``中文 English`` for both languages)."""
    return (f"{pair[0]} {pair[1]}" if lang == Lang.BOTH else pick(pair, lang))[:31]


def _tidy(sheet: Worksheet, widths: Sequence[int]) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(40, max(12, width + 2))


# --------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1.5em; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f0f0f0; }
td.better { background: #c8e6c9; } td.worse { background: #ffcdd2; }
td.changed { background: #fff9c4; } td.failed { background: #eeeeee; color: #b71c1c; }
.links a { margin-right: 0.6em; font-weight: normal; font-size: 12px; }
.note { color: #555; font-size: 13px; max-width: 60em; }
img { max-width: 100%; margin-top: 1em; }
"""


def _links(result: ScenarioResult, lang: Lang) -> str:
    folder = quote(result.folder)
    parts = [f'<a href="{folder}/">{html.escape(pick(("方案文件夹", "plan folder"), lang))}</a>']
    if result.has_map:
        parts.insert(
            0, f'<a href="{folder}/map.html">{html.escape(pick(("地图", "map"), lang))}</a>'
        )
    return '<div class="links">' + "".join(parts) + "</div>"


def render_html(
    comparison: Comparison, *, lang: Lang = Lang.EN, plot: Path | None = None, title: str = ""
) -> str:
    """The comparison as one self-contained HTML page (no external resources; every name
    from a scenario file is escaped)."""
    esc = html.escape
    heading = title or pick(("方案对比", "Scenario comparison"), lang)
    header, rows = comparison.side_by_side(lang)
    head = [f"<th>{esc(header[0])}</th>"]
    for result in comparison.results:
        described = (
            f'<div class="note">{esc(result.description)}</div>' if result.description else ""
        )
        head.append(f"<th>{esc(result.name)}{described}{_links(result, lang)}</th>")
    body = []
    for row in rows:
        cells = [f"<td>{esc(row[0].text)}</td>"]
        for result, cell in zip(comparison.results, row[1:], strict=True):
            css = "failed" if not result.ok else cell.verdict.value
            cells.append(f'<td class="{css}">{esc(cell.text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    legend = pick(
        (
            "括号内为与同一基础日基线的差值；绿色更好，红色更差，黄色为无优劣方向的变化。",
            "In brackets: difference from the baseline of the same base day; green is better, "
            "red is worse, yellow a change without a better direction.",
        ),
        lang,
    )
    image = ""
    if plot is not None:
        encoded = base64.b64encode(plot.read_bytes()).decode("ascii")
        alt = esc(pick(("参数扫描图", "sweep plot"), lang))
        image = f'<img src="data:image/png;base64,{encoded}" alt="{alt}">'
    html_lang = "zh-CN" if lang == Lang.ZH else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<h1>{esc(heading)}</h1>\n<p class="note">{esc(legend)}</p>\n'
        f"<table>\n<thead><tr>{''.join(head)}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + f"\n</tbody>\n</table>\n{image}\n</body>\n</html>\n"
    )
