"""Tests for dispatch.reasons: every code has a Chinese and an English text."""

from __future__ import annotations

import pytest

from dispatch.reasons import ExclusionReason, UnservedReason, VehicleReason, reason_text
from stations.lang import Lang

ALL = [*ExclusionReason, *UnservedReason, *VehicleReason]


@pytest.mark.parametrize("reason", ALL, ids=lambda r: r.value)
def test_every_reason_has_both_texts(
    reason: ExclusionReason | UnservedReason | VehicleReason,
) -> None:
    """Chinese text contains CJK characters, English text none, and they differ."""
    zh, en = reason_text(reason, Lang.ZH), reason_text(reason, Lang.EN)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert en.isascii() and en
    assert reason_text(reason) == en


def test_codes_are_unique_across_kinds() -> None:
    """A code names one reason only."""
    values = [r.value for r in ALL]
    assert len(values) == len(set(values))
