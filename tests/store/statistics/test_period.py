"""Tests of store.statistics.period.accrue: the subsidy over a period against the threshold
(property tests), and a small hand-made case."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.statistics.period import EmployerDay, SubsidyRule, accrue

DAY = dt.date(2020, 2, 24)


def _day(n: int, employer: str, workers: int, cost: float, subsidy: float = 0.0) -> EmployerDay:
    return EmployerDay(
        enterprise_id=employer,
        name=employer,
        district=None,
        key_enterprise=False,
        registered=workers,
        transported=workers,
        excluded=0,
        unserved=0,
        trips=1,
        cost_cny=cost,
        subsidy_cny=subsidy,
        date=DAY + dt.timedelta(days=n),
    )


def test_a_hand_made_period() -> None:
    rows = (
        _day(0, "A", 12, 800.0),
        _day(1, "A", 10, 700.0),
        _day(0, "B", 25, 900.0, 450.0),
        _day(1, "C", 0, 0.0),
    )
    found = {a.enterprise_id: a for a in accrue(rows, SubsidyRule(0.5, 20, "test"))}
    assert (found["A"].workers, found["A"].accrued_cny, found["A"].daily_subsidy_cny) == (
        22,
        750.0,
        0.0,
    )
    assert (found["B"].accrued_cny, found["B"].daily_subsidy_cny) == (450.0, 450.0)
    assert (found["C"].days, found["C"].reached, found["C"].workers_short) == (0, False, 20)
    assert [a.enterprise_id for a in accrue(rows, SubsidyRule(0.5, 20, "test"))] == ["B", "A", "C"]


workers_and_costs = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from("ABC"), st.integers(0, 40), st.floats(0, 5000)),
    max_size=12,
)


@given(workers_and_costs, st.floats(0, 1), st.integers(1, 60))
def test_an_employer_accrues_the_rate_of_its_cost_once_it_reaches_the_threshold(
    days: list[tuple[int, str, int, float]], rate: float, threshold: int
) -> None:
    rows = tuple(_day(n, e, w, c) for n, e, w, c in days)
    for a in accrue(rows, SubsidyRule(rate, threshold, "test")):
        mine = [r for r in rows if r.enterprise_id == a.enterprise_id]
        assert a.workers == sum(r.transported for r in mine)
        assert a.cost_cny == pytest.approx(sum(r.cost_cny for r in mine))
        assert a.reached == (a.workers >= threshold)
        assert a.accrued_cny == pytest.approx(rate * a.cost_cny if a.reached else 0.0)
        assert a.workers_short == max(0, threshold - a.workers)
