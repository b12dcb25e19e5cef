"""Tests of store.statistics.svg: round tick steps, and charts whose texts are escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from store.statistics.svg import nice_step, stacked_bars


@given(st.floats(min_value=0.01, max_value=1e9, allow_nan=False))
def test_a_tick_step_is_round_and_gives_about_five_ticks(top: float) -> None:
    step = nice_step(top)
    mantissa = step / 10 ** round(__import__("math").floor(__import__("math").log10(step)))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0, 10.0)
    assert 2 <= top / step <= 10


def test_a_chart_is_valid_svg_with_escaped_names() -> None:
    svg = stacked_bars(
        ["02-24", "02-25"],
        [("<script>alert(1)</script>", [3.0, 0.0]), ("园区 & 新区", [1.0, 2.0])],
        title="每日 <人数>",
    )
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    bars = [e for e in root.iter() if e.tag.endswith("rect") and e.find("{*}title") is not None]
    assert len(bars) == 3  # zero values draw nothing
