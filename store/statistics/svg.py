"""Stacked bar charts as inline SVG (no script, no fonts to fetch): the charts of the statistics
page, readable offline and in print. Every text is escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 16, 64
LEGEND_ROW = 18
MAX_BAR = 40.0


def nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving about ``ticks`` ticks up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def stacked_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 900,
    height: int = 320,
) -> str:
    """An SVG of one stacked bar per category, a y axis with round ticks and a legend.

    Parameters
    ----------
    categories
        The bars' labels (e.g. dates), left to right.
    series
        ``(name, values)`` stacked bottom up; each has one value per category.
    title
        The chart's accessible title.
    width, height
        Size of the plot in pixels (the legend adds rows below). Default 900 × 320.
    """
    legend_rows = math.ceil(len(series) / 4)
    total_height = height + legend_rows * LEGEND_ROW + 8
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    step = nice_step(max(totals, default=0.0))
    top = step * max(1, math.ceil(max(totals, default=0.0) / step))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{total_height}" viewBox="0 0 {width} {total_height}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(round(top / step) + 1):
        value = k * step
        y = MARGIN_TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(value)}</text>"
        )
    slot = plot_w / max(1, len(categories))
    bar = min(MAX_BAR, max(1.0, slot * 0.7))
    for i, label in enumerate(categories):
        x = MARGIN_LEFT + i * slot + (slot - bar) / 2
        base = 0.0
        for j, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            y = MARGIN_TOP + plot_h - plot_h * (base + value) / top
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)} · {escape(name)}: '
                f"{_number(value)}</title></rect>"
            )
            base += value
        cx = x + bar / 2
        cy = MARGIN_TOP + plot_h + 12
        parts.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" '
            f'transform="rotate(-45 {cx:.1f} {cy:.1f})">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT}" y1="{MARGIN_TOP}" '
        f'y2="{MARGIN_TOP + plot_h}" stroke="#333"/>'
    )
    for j, (name, _) in enumerate(series):
        lx = MARGIN_LEFT + (j % 4) * (plot_w / 4)
        ly = height + (j // 4) * LEGEND_ROW
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{lx + 16:.1f}" y="{ly}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
