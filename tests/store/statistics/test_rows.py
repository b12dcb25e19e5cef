"""Tests of store.statistics.rows: a plan's statistics rows add up to its KPIs."""

from __future__ import annotations

from dispatch.outputs.plan_json import plan_document
from dispatch.plan import Plan
from store.statistics.period import EXCLUDED, SHIPMENT_UNSERVED, UNSERVED
from store.statistics.rows import stat_rows


def test_the_rows_add_up_to_the_kpis(supply_plan: Plan) -> None:
    rows = stat_rows(supply_plan, plan_document(supply_plan))
    k = supply_plan.kpis
    assert sum(f.workers for f in rows.flows) == k.workers_transported
    assert sum(f.trips for f in rows.flows) == k.trips
    assert sum(e.registered for e in rows.employers) == k.workers_registered
    assert sum(e.transported for e in rows.employers) == k.workers_transported
    assert sum(e.subsidy_cny for e in rows.employers) == sum(
        s.subsidy_cny for s in supply_plan.subsidy
    )
    counts = {
        o: sum(r.number for r in rows.reasons if r.outcome == o)
        for o in (EXCLUDED, UNSERVED, SHIPMENT_UNSERVED)
    }
    assert counts == {
        EXCLUDED: k.workers_excluded,
        UNSERVED: k.workers_unserved,
        SHIPMENT_UNSERVED: k.shipments_unserved,
    }
    assert "health_code_yellow" not in {r.reason for r in rows.reasons}  # public codes only
