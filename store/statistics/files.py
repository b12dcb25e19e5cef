"""``stats.xlsx`` (one sheet per table, the per-day detail included) and ``stats.html`` (the
summary tables and two charts — workers per day, workers per district and day — as inline
SVG: one file that opens offline, no script, no CDN). Each file is written whole
(``dispatch.outputs.atomic.replaced_file``); cells go through the formula guard of every
spreadsheet writer (``dispatch.outputs.cells``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dispatch.outputs.atomic import replaced_file
from dispatch.outputs.cells import safe_cell
from dispatch.outputs.targets import check_all, file_problems
from stations.errors import InputProblem
from stations.lang import Lang, pick
from store.statistics.period import PeriodStats
from store.statistics.svg import stacked_bars
from store.statistics.tables import StatsTable, district_label, stats_tables

STATS_XLSX = "stats.xlsx"
STATS_HTML = "stats.html"
TOP_DISTRICTS = 9  # districts drawn by name; the rest as one "other"
STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; }
th { background: #f2f2f2; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #555; }
"""


@dataclass(frozen=True, slots=True)
class StatsFiles:
    """The files written."""

    workbook: Path
    page: Path


def write_workbook(tables: Sequence[StatsTable], path: Path) -> Path:
    """One sheet per table, bold header row, frozen."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.freeze_panes = "A2"
        header = []
        for name in table.columns:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
    return replaced_file(path, book.save)


def _table_html(table: StatsTable) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for value in row:
            number = isinstance(value, int | float)
            text = "" if value is None else f"{value:,}" if number else str(value)
            cells.append(f'<td class="n">{text}</td>' if number else f"<td>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<section id="{table.key}"><h2>{escape(table.title)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>"
    )


def _day_labels(stats: PeriodStats) -> list[str]:
    return [d.date.isoformat()[5:] for d in stats.days]


def workers_chart(stats: PeriodStats, lang: Lang) -> str:
    """Workers per day: transported, excluded and unserved stacked."""
    series = [
        (pick(("运送", "transported"), lang), [float(d.transported) for d in stats.days]),
        (pick(("不符合条件", "excluded"), lang), [float(d.excluded) for d in stats.days]),
        (pick(("未运送", "unserved"), lang), [float(d.unserved) for d in stats.days]),
    ]
    title = pick(("每日返岗人数", "Workers per day"), lang)
    return stacked_bars(_day_labels(stats), series, title=title)


def district_chart(stats: PeriodStats, lang: Lang) -> str:
    """Workers returned per day, stacked by district (the largest by name, the rest together)."""
    totals: dict[str, int] = defaultdict(int)
    for g in stats.districts:
        totals[g.key] += g.workers
    named = sorted(totals, key=lambda k: (-totals[k], k))[:TOP_DISTRICTS]
    others = pick(("其他区县", "other districts"), lang)
    index = {d.date: i for i, d in enumerate(stats.days)}
    values: dict[str, list[float]] = {k: [0.0] * len(stats.days) for k in [*named, others]}
    for g in stats.districts:
        values[g.key if g.key in named else others][index[g.date]] += g.workers
    series = [(district_label(k, lang) if k != others else k, v) for k, v in values.items()]
    if not any(values[others]):
        series = series[:-1]
    title = pick(("各区县每日返岗人数", "Workers per district and day"), lang)
    return stacked_bars(_day_labels(stats), series, title=title)


def render_page(stats: PeriodStats, tables: Sequence[StatsTable], lang: Lang) -> str:
    """The statistics page: period, rule, the two charts and the summary tables."""
    title = pick(("返岗人员统计", "Returning workers"), lang)
    period = f"{stats.start.isoformat()} – {stats.end.isoformat()}"
    rule = stats.rule
    note = pick(
        (
            f"已存计划日 {len(stats.days)} 天（每日取最新版本）。补贴规则：期间运送满 "
            f"{rule.min_workers} 人的企业补贴期间包车费用的 {rule.rate:.0%}（{rule.source}）。",
            f"{len(stats.days)} stored days (each day's latest version). Subsidy rule: an "
            f"employer with {rule.min_workers} or more workers transported in the period "
            f"receives {rule.rate:.0%} of its charter cost in the period ({rule.source}).",
        ),
        lang,
    )
    if rule.mixed:
        note += pick(("注意：期间各日的补贴政策不同。", " Note: the days' policies differ."), lang)
    made = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    charts = (
        f"<section><h2>{escape(pick(('每日人数', 'Workers per day'), lang))}</h2>"
        f"{workers_chart(stats, lang)}</section>"
        f"<section><h2>{escape(pick(('各区县', 'Per district'), lang))}</h2>"
        f"{district_chart(stats, lang)}</section>"
    )
    body = "".join(_table_html(t) for t in tables if not t.detail)
    html_lang = "en" if lang == Lang.EN else "zh-CN"
    return (
        f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} {escape(period)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)} {escape(period)}</h1>"
        f'<p class="note">{escape(note)} {escape(made)}</p>{charts}{body}</body></html>\n'
    )


def write_stats(stats: PeriodStats, folder: Path, *, lang: Lang = Lang.BOTH) -> StatsFiles:
    """Write ``stats.xlsx`` and ``stats.html`` into ``folder`` (created if missing).

    Parameters
    ----------
    stats
        The period's statistics.
    folder
        Where to write.
    lang
        Headers and texts: ``zh``, ``en`` or ``both``. Default ``both``.
    """
    check_all(stats_problems(folder))
    folder.mkdir(parents=True, exist_ok=True)
    tables = stats_tables(stats, lang)
    workbook = write_workbook(tables, folder / STATS_XLSX)
    text = render_page(stats, tables, lang)
    page = replaced_file(folder / STATS_HTML, lambda path: path.write_text(text, encoding="utf-8"))
    return StatsFiles(workbook, page)


def stats_problems(folder: Path, *, option: str = "--out") -> list[InputProblem]:
    """Problems of writing ``stats.xlsx`` and ``stats.html`` into ``folder`` (checked before
    the store is read)."""
    return [
        p for name in (STATS_XLSX, STATS_HTML) for p in file_problems(folder / name, option=option)
    ]
