"""Tests for dispatch.charters.screening: eligibility per the seed rules, reasons in zh and en."""

from __future__ import annotations

import pytest

from dispatch.charters.screening import screen
from dispatch.day import Day, HealthCode, NucleicTest, RiskLevel, RiskRegion
from dispatch.intake.reader import read_day
from dispatch.reasons import ExclusionReason as R
from stations.lang import Lang
from stations.model import Registry
from tests.day_cases import DAYS, make_day, worker


def test_screening_mix_fixture_outcomes(screening_mix: Day) -> None:
    """One worker per rule (see tests/data/days/screening_mix/README.md)."""
    result = screen(screening_mix)
    assert [a.worker_id for a in result.eligible] == ["S01", "S08", "S09"]
    reasons = {e.worker_id: e.reasons for e in result.excluded}
    assert reasons == {
        "S02": (R.EMPLOYER_NOT_CERTIFIED,),
        "S03": (R.HEALTH_CODE_YELLOW,),
        "S04": (R.HEALTH_CODE_RED,),
        "S05": (R.NUCLEIC_TEST_POSITIVE,),
        "S06": (R.HIGH_RISK_ORIGIN,),
        "S07": (R.MEDIUM_RISK_WITHOUT_NEGATIVE_TEST,),
        "S10": (R.EMPLOYER_NOT_CERTIFIED, R.HEALTH_CODE_YELLOW, R.HIGH_RISK_ORIGIN),
    }


def test_worker_from_high_risk_region_is_excluded_with_that_reason() -> None:
    """Even with a green code and a negative test, a high-risk origin excludes."""
    regions = Registry.of("risk region", [RiskRegion("湖北省", RiskLevel.HIGH)], "region")
    day = make_day(
        [worker("w1", "08:00", origin="湖北省武汉市", test=NucleicTest.NEGATIVE)]
    ).replace(risk_regions=regions)
    (exclusion,) = screen(day).excluded
    assert exclusion.reason is R.HIGH_RISK_ORIGIN
    assert exclusion.risk_region == "湖北省"
    assert exclusion.describe(Lang.EN) == "comes from a high-risk region (湖北省)"
    assert exclusion.describe(Lang.ZH) == "来自高风险地区（湖北省）"


@pytest.mark.parametrize(
    ("test", "eligible"),
    [(NucleicTest.NEGATIVE, True), (NucleicTest.NONE, False), (NucleicTest.POSITIVE, False)],
)
def test_medium_risk_needs_a_negative_test(test: NucleicTest, eligible: bool) -> None:
    """Medium risk passes only with a negative nucleic acid test."""
    regions = Registry.of("risk region", [RiskRegion("黑龙江省", RiskLevel.MEDIUM)], "region")
    day = make_day([worker("w1", "08:00", origin="黑龙江省哈尔滨市", test=test)])
    result = screen(day.replace(risk_regions=regions))
    assert bool(result.eligible) is eligible


def test_unlisted_region_is_low_risk() -> None:
    """Default: everywhere low risk."""
    result = screen(make_day([worker("w1", "08:00", origin="火星")]))
    assert [a.worker_id for a in result.eligible] == ["w1"]


def test_uncertified_employer_excludes_first() -> None:
    """Rule order decides the main reason; all failed rules are kept."""
    day = make_day([worker("w1", "08:00", health=HealthCode.RED)], uncertified=["e1"])
    (exclusion,) = screen(day).excluded
    assert exclusion.reasons == (R.EMPLOYER_NOT_CERTIFIED, R.HEALTH_CODE_RED)
    assert exclusion.describe() == "employer is not certified to resume work; health code is red"


def test_counts_per_main_reason_and_nothing_lost() -> None:
    """Every worker is either eligible or excluded, once."""
    day = read_day(DAYS / "screening_mix")
    result = screen(day)
    assert len(result.eligible) + len(result.excluded) == len(day.arrivals)
    assert result.counts()[R.EMPLOYER_NOT_CERTIFIED] == 2
    assert sum(result.counts().values()) == len(result.excluded)
