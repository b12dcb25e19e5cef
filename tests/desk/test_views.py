"""Tests of desk.views and desk.pages: the plan page's tables of plan_small's hand-made plan
(counts, never names) and the templates' escaping."""

from __future__ import annotations

from desk.pages import Pages
from desk.views import plan_view
from dispatch.outputs.labels import kpi_rows
from dispatch.outputs.plan_json import plan_document
from stations.lang import Lang
from tests.store_cases import hand_plan_on


def test_the_plan_view_counts_workers_by_employer_and_reason() -> None:
    plan = hand_plan_on()
    view = plan_view(plan_document(plan), kpi_rows(plan.kpis, Lang.EN), Lang.EN)
    employers = {row[0]: row[1:] for row in view.employers}
    transported = sum(int(row[0]) for row in employers.values())
    assert transported == plan.kpis.workers_transported
    assert sum(int(row[-1]) for row in view.unserved) == plan.kpis.workers_unserved
    assert sum(int(row[-1]) for row in view.excluded) == plan.kpis.workers_excluded
    names = {a.name for a in plan.day.arrivals if a.name}
    cells = {
        cell
        for table in (view.unserved, view.excluded, view.employers)
        for row in table
        for cell in row
    }
    assert names & cells == set()


def test_pages_escape_what_they_are_given() -> None:
    html = Pages().render(
        "error.html",
        lang=Lang.EN,
        session=None,
        path="/x",
        message=("<b>", "<script>alert(1)</script>"),
        detail="<img src=x>",
    )
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x&gt;" in html
