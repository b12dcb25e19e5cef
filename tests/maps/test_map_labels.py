"""Tests for maps.map_labels: both languages complete, placeholders consistent, fallbacks."""

from __future__ import annotations

import string

import pytest

from maps.map_labels import TEXTS, name_in, text
from stations.lang import Lang


def _fields(label: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(label) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_label_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = TEXTS[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)


def test_text_fills_placeholders_in_the_chosen_language() -> None:
    assert text("permit.expiring", Lang.EN, days=7) == "Permit expires within 7 days"
    assert text("permit.expiring", Lang.ZH, days=3) == "许可 3 天内到期"
    assert text("status.closed", Lang.ZH) == "关闭"


def test_unknown_label_names_the_key() -> None:
    with pytest.raises(KeyError, match=r"'status\.unknown' is not a known map label"):
        text("status.unknown", Lang.EN)


def test_pick_falls_back_to_the_other_language() -> None:
    assert name_in("苏州站", "Suzhou", Lang.ZH) == "苏州站"
    assert name_in("苏州站", "Suzhou", Lang.EN) == "Suzhou"
    assert name_in("苏州站", "", Lang.EN) == "苏州站"
    assert name_in("", "Suzhou", Lang.ZH) == "Suzhou"
