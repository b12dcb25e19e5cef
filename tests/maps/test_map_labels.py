"""Tests for maps.map_labels: both languages complete, placeholders consistent, fallbacks."""

from __future__ import annotations

import string

import pytest

from maps.map_labels import TEXTS, MapLang, pick, text


def _fields(label: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(label) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_label_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = TEXTS[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)


def test_text_fills_placeholders_in_the_chosen_language() -> None:
    assert text("permit.expiring", MapLang.EN, days=7) == "Permit expires within 7 days"
    assert text("permit.expiring", MapLang.ZH, days=3) == "许可 3 天内到期"
    assert text("status.closed", MapLang.ZH) == "关闭"


def test_unknown_label_names_the_key() -> None:
    with pytest.raises(KeyError, match=r"'status\.unknown' is not a known map label"):
        text("status.unknown", MapLang.EN)


def test_pick_falls_back_to_the_other_language() -> None:
    assert pick("苏州站", "Suzhou", MapLang.ZH) == "苏州站"
    assert pick("苏州站", "Suzhou", MapLang.EN) == "Suzhou"
    assert pick("苏州站", "", MapLang.EN) == "苏州站"
    assert pick("", "Suzhou", MapLang.ZH) == "Suzhou"
