"""What of a worker's screening may leave the manifests: public exclusion codes and texts.

Health data (code colour, test result) never leaves the manifest sheet. An exclusion for a
red or yellow health code or a positive nucleic acid test is therefore shown everywhere else
(plan.json, the excluded sheet, CSV copies, maps, terminal summaries) under the one public
code ``health_screening_failed``; the other screening reasons are not health data and keep
their own codes. The duty staff look the worker up on the health platform if they need more.
"""

from __future__ import annotations

from enum import StrEnum

from dispatch.plan import Exclusion
from dispatch.reasons import ExclusionReason, reason_text
from stations.lang import Lang


class PublicExclusion(StrEnum):
    """Exclusion codes as published in plan outputs (health reasons merged into one)."""

    EMPLOYER_NOT_CERTIFIED = "employer_not_certified"
    HEALTH_SCREENING_FAILED = "health_screening_failed"
    HIGH_RISK_ORIGIN = "high_risk_origin"
    MEDIUM_RISK_WITHOUT_NEGATIVE_TEST = "medium_risk_without_negative_test"


HEALTH_REASONS = frozenset(
    {
        ExclusionReason.HEALTH_CODE_RED,
        ExclusionReason.HEALTH_CODE_YELLOW,
        ExclusionReason.NUCLEIC_TEST_POSITIVE,
    }
)
_REGIONAL = frozenset(
    {PublicExclusion.HIGH_RISK_ORIGIN, PublicExclusion.MEDIUM_RISK_WITHOUT_NEGATIVE_TEST}
)
_HEALTH_TEXT = (
    "未通过健康筛查（详情见健康平台）",
    "did not pass the health screening (see the health platform)",
)


def public_code(reason: ExclusionReason) -> PublicExclusion:
    """The published code of a screening reason."""
    if reason in HEALTH_REASONS:
        return PublicExclusion.HEALTH_SCREENING_FAILED
    return PublicExclusion(reason.value)


def public_codes(exclusion: Exclusion) -> tuple[PublicExclusion, ...]:
    """The published codes of an exclusion, in rule order, each once (first = main reason)."""
    return tuple(dict.fromkeys(public_code(r) for r in exclusion.reasons))


def public_text(code: PublicExclusion, lang: Lang = Lang.EN) -> str:
    """Readable text of a published code in ``lang``. Default ``en``."""
    if code is PublicExclusion.HEALTH_SCREENING_FAILED:
        return _HEALTH_TEXT[0] if lang == Lang.ZH else _HEALTH_TEXT[1]
    return reason_text(ExclusionReason(code.value), lang)


def describe_public(exclusion: Exclusion, lang: Lang = Lang.EN) -> str:
    """Every published reason of ``exclusion`` as text in ``lang``, the risk region named.

    Default ``en``.
    """
    parts = []
    for code in public_codes(exclusion):
        text = public_text(code, lang)
        if code in _REGIONAL and exclusion.risk_region:
            where = exclusion.risk_region
            text += f"（{where}）" if lang == Lang.ZH else f" ({where})"
        parts.append(text)
    return ("；" if lang == Lang.ZH else "; ").join(parts)
