"""Tests for dispatch.intake.risk: one row per region, and warnings about listed regions that
match no arrival and origins that match no listed region."""

from __future__ import annotations

import pytest

from dispatch.day import RiskLevel
from dispatch.intake.risk import RegionRow, RiskMatchWarning, risk_registry, warn_unmatched
from stations.errors import ProblemCollector
from tests.day_cases import worker

HUBEI = RegionRow(2, "湖北孝感", RiskLevel.HIGH)
WENZHOU = RegionRow(3, "浙江省温州市", RiskLevel.MEDIUM)


def test_a_region_that_matches_no_arrival_is_named_with_its_row() -> None:
    """The red-team day: the listed region is spelt so that no origin matches it."""
    arrivals = [
        worker("w1", "08:00", origin="浙江省温州市"),
        worker("w2", "08:00", origin="浙江温州"),
    ]
    with pytest.warns(RiskMatchWarning) as caught:
        warn_unmatched([HUBEI, WENZHOU], arrivals, "risk_regions.csv")
    assert [str(w.message) for w in caught] == [
        "risk_regions.csv: 1 listed region(s) match no arrival's origin_region: row 2 '湖北孝感' "
        "(high) — check the spelling against arrivals' origin_region"
    ]


def test_origins_no_region_covers_are_summarised_once() -> None:
    """One warning for all workers, origins by count (then name), as first written."""
    arrivals = [
        worker(f"w{i}", "08:00", origin=origin)
        for i, origin in enumerate(["河南省信阳市", "河南信阳", "四川省南充市", "湖北省孝感市"])
    ]
    with pytest.warns(RiskMatchWarning) as caught:
        warn_unmatched([HUBEI], arrivals, "risk_regions.csv")
    assert [str(w.message) for w in caught] == [
        "arrivals: 2 origin_region value(s) of 3 worker(s) match no region listed in "
        "risk_regions.csv and count as low risk: 河南信阳 (2), 四川省南充市 (1) — list them in "
        "risk_regions if they are not low risk"
    ]


def test_no_warning_when_every_region_and_origin_match(recwarn: pytest.WarningsRecorder) -> None:
    arrivals = [worker("w1", "08:00", origin="湖北省孝感市孝南区")]
    warn_unmatched([HUBEI], arrivals, "risk_regions.csv")
    warn_unmatched([], arrivals, "risk_regions.csv")  # no list: everything low, nothing to say
    assert len(recwarn) == 0


@pytest.mark.parametrize("second", ["湖北省孝感市", "湖北\u200b孝感", "湖北 / 孝感"])
def test_two_spellings_of_one_region_are_one_problem(second: str) -> None:
    problems = ProblemCollector()
    registry = risk_registry([HUBEI, RegionRow(3, second, RiskLevel.LOW)], "r.csv", problems)
    assert [(p.row, p.value) for p in problems.problems] == [(3, second)]
    assert "is the same region as '湖北孝感' on row 2" in problems.problems[0].message
    assert list(registry) == ["湖北孝感"]


def test_a_name_of_separators_only_is_no_region() -> None:
    problems = ProblemCollector()
    risk_registry([RegionRow(2, " / ", RiskLevel.HIGH)], "r.csv", problems)
    assert [p.message for p in problems.problems] == ["names no region"]
