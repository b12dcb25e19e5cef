"""Tests for dispatch.outputs.disclosure: health reasons never leave the manifests."""

from __future__ import annotations

import pytest

from dispatch.charters.screening import screen
from dispatch.day import Day
from dispatch.outputs.disclosure import (
    HEALTH_REASONS,
    PublicExclusion,
    describe_public,
    public_code,
    public_codes,
    public_text,
)
from dispatch.reasons import ExclusionReason
from stations.lang import Lang


@pytest.mark.parametrize("reason", list(ExclusionReason))
def test_every_screening_reason_has_a_public_code(reason: ExclusionReason) -> None:
    code = public_code(reason)
    if reason in HEALTH_REASONS:
        assert code is PublicExclusion.HEALTH_SCREENING_FAILED
    else:
        assert code.value == reason.value


def test_health_codes_merge_and_region_is_named(screening_mix: Day) -> None:
    """S10: uncertified employer, yellow code, from 湖北省 — three public reasons, no colour."""
    by_worker = {e.worker_id: e for e in screen(screening_mix).excluded}
    assert public_codes(by_worker["S03"]) == (PublicExclusion.HEALTH_SCREENING_FAILED,)
    assert public_codes(by_worker["S10"]) == (
        PublicExclusion.EMPLOYER_NOT_CERTIFIED,
        PublicExclusion.HEALTH_SCREENING_FAILED,
        PublicExclusion.HIGH_RISK_ORIGIN,
    )
    for lang in ("en", "zh"):
        text = describe_public(by_worker["S10"], lang)  # type: ignore[arg-type]
        assert "湖北省" in text
        assert "yellow" not in text and "黄" not in text


def test_red_and_positive_merge_once(screening_mix: Day) -> None:
    by_worker = {e.worker_id: e for e in screen(screening_mix).excluded}
    for worker in ("S04", "S05"):
        assert public_codes(by_worker[worker]) == (PublicExclusion.HEALTH_SCREENING_FAILED,)
        assert describe_public(by_worker[worker], Lang.EN) == public_text(
            PublicExclusion.HEALTH_SCREENING_FAILED, "en"
        )
    assert "红" not in describe_public(by_worker["S04"], Lang.ZH)
