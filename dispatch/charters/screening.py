"""Eligibility screening: which registered workers may ride a charter, and why not the others.

The rules (the Kunshan return-to-work rules of the seed documents):

1. the employer is certified to resume work;
2. the health code is green;
3. the nucleic acid test is not positive;
4. the origin region is low risk, or medium risk with a negative nucleic acid test;
   high risk is excluded.

A region not listed in ``risk_regions`` is low risk; a listed region covers every origin that
starts with its name (``Day.risk_of``). Every failed rule is recorded; ``reason`` is the first
in the order above.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.day import Arrival, Day, HealthCode, NucleicTest, RiskLevel
from dispatch.plan import REGIONAL_REASONS, Exclusion
from dispatch.reasons import ExclusionReason


@dataclass(frozen=True, slots=True)
class Screening:
    """The outcome of screening a day: eligible workers and exclusions, in input order."""

    eligible: tuple[Arrival, ...]
    excluded: tuple[Exclusion, ...]

    def __post_init__(self) -> None:
        ids = [a.worker_id for a in self.eligible] + [e.worker_id for e in self.excluded]
        if len(set(ids)) != len(ids):
            raise ValueError("a worker is both eligible and excluded (or listed twice)")

    def counts(self) -> dict[ExclusionReason, int]:
        """Number of excluded workers per main reason (reasons with none left out)."""
        counts: dict[ExclusionReason, int] = {}
        for exclusion in self.excluded:
            counts[exclusion.reason] = counts.get(exclusion.reason, 0) + 1
        return counts


def failed_rules(day: Day, arrival: Arrival) -> tuple[tuple[ExclusionReason, ...], str]:
    """The rules ``arrival`` fails on ``day`` (in rule order) and the deciding risk region."""
    reasons: list[ExclusionReason] = []
    if not day.enterprises[arrival.enterprise_id].certified:
        reasons.append(ExclusionReason.EMPLOYER_NOT_CERTIFIED)
    if arrival.health_code is HealthCode.RED:
        reasons.append(ExclusionReason.HEALTH_CODE_RED)
    elif arrival.health_code is HealthCode.YELLOW:
        reasons.append(ExclusionReason.HEALTH_CODE_YELLOW)
    if arrival.nucleic_test is NucleicTest.POSITIVE:
        reasons.append(ExclusionReason.NUCLEIC_TEST_POSITIVE)
    level, region = day.risk_of(arrival.origin_region)
    if level is RiskLevel.HIGH:
        reasons.append(ExclusionReason.HIGH_RISK_ORIGIN)
    elif level is RiskLevel.MEDIUM and arrival.nucleic_test is not NucleicTest.NEGATIVE:
        reasons.append(ExclusionReason.MEDIUM_RISK_WITHOUT_NEGATIVE_TEST)
    regional = any(r in REGIONAL_REASONS for r in reasons)
    return tuple(reasons), (region.region if region is not None and regional else "")


def screen(day: Day) -> Screening:
    """Split the day's arrivals into eligible workers and exclusions with reasons."""
    eligible: list[Arrival] = []
    excluded: list[Exclusion] = []
    for arrival in day.arrivals:
        reasons, region = failed_rules(day, arrival)
        if reasons:
            excluded.append(Exclusion(arrival, reasons, region))
        else:
            eligible.append(arrival)
    return Screening(tuple(eligible), tuple(excluded))
