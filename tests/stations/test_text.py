"""Tests for stations.text: one normalisation for every text identity that is matched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stations.text import clean_text, covers, identity, region_key, word_key

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202a"]
SPACES = [" ", "\u3000", "\u00a0", "\t", "\u2003"]
# ASCII letters, digits and the punctuation ids use, with their full-width forms
ASCII_ID = st.text(alphabet="ABCXYZabcxyz0189_-./", min_size=1, max_size=12)


def full_width(text: str) -> str:
    """``text`` with every ASCII character in its full-width form (Ａ, ０, ／, …)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def disguised(draw: st.DrawFn, text: str) -> str:
    """``text`` with invisible characters inserted anywhere and space around it."""
    chars = list(text)
    for _ in range(draw(st.integers(0, 4))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INVISIBLE)))
    return draw(st.sampled_from(SPACES)) + "".join(chars) + draw(st.sampled_from(SPACES))


@given(st.data(), ASCII_ID)
def test_ids_match_whatever_invisible_characters_width_and_space(
    data: st.DataObject, text: str
) -> None:
    """An id keeps its identity through zero-width characters, full width and padding."""
    shown = data.draw(disguised(full_width(text) if data.draw(st.booleans()) else text))
    assert identity(shown) == identity(text) == text.strip()


@given(st.text(max_size=30))
def test_normalising_twice_changes_nothing(text: str) -> None:
    """Normalising is idempotent, so a stored id compares equal after a second pass."""
    for normalise in (clean_text, identity, word_key):
        once = normalise(text)
        assert normalise(once) == once


@given(st.text(max_size=30))
def test_no_invisible_or_padding_survives(text: str) -> None:
    """Nothing of category Cf and no surrounding white space is left."""
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert not any(c in cleaned for c in INVISIBLE)


def test_plates_keep_case_but_unify_dots_and_hyphens() -> None:
    """Ids are case-sensitive; the middle dot and hyphen look-alikes are one character."""
    assert identity("苏Ｅ•12345") == identity("苏E・12345") == "苏E·12345"
    assert identity("depot–a1") == identity("depot‐a1") == "depot-a1"
    assert identity("e1") != identity("E1")


@pytest.mark.parametrize(
    "word", ["MULTI_DROP", " Multi_Drop ", "ｍｕｌｔｉ＿ｄｒｏｐ", "multi\u200b_drop"]
)
def test_enumeration_words_ignore_case_width_and_invisibles(word: str) -> None:
    assert word_key(word) == "multi_drop"


@pytest.mark.parametrize(
    ("region", "origin"),
    [
        ("湖北孝感", "湖北省孝感市"),
        ("湖北孝感", "湖北省孝感市孝南区"),
        ("湖北省孝感市", "湖北孝感"),
        ("湖北孝感", "湖\u200b北省孝感市"),
        ("湖北孝感", "湖北／孝感"),
        ("湖北孝感", " 湖北 孝感 "),
        ("湖北孝感", "中国湖北省孝感市"),
        ("湖北", "湖北省武汉市"),
        ("北京朝阳", "北京市朝阳区"),
        ("重庆万州", "重庆市万州区"),
        ("广西南宁", "广西壮族自治区南宁市"),
        ("新疆乌鲁木齐", "新疆维吾尔自治区乌鲁木齐市"),
        ("内蒙古锡林郭勒", "内蒙古自治区锡林郭勒盟"),
        ("黑龙江大兴安岭", "黑龙江省大兴安岭地区"),
        ("湖北恩施", "湖北省恩施土家族苗族自治州"),
        ("湖北省恩施州", "湖北恩施土家族苗族自治州恩施市"),
        ("贵州黔东南州", "贵州省黔东南苗族侗族自治州"),
        ("Hubei Xiaogan", "hubei-xiaogan"),
    ],
)
def test_a_region_covers_its_origins_however_written(region: str, origin: str) -> None:
    """Province and prefecture suffixes, autonomous-area peoples, separators, case."""
    assert covers(region, origin)


@pytest.mark.parametrize(
    ("region", "origin"),
    [
        ("湖北孝感", "湖北省武汉市"),
        ("江苏苏州", "江苏省徐州市"),  # 州 after one character is part of the name
        ("河北", "河南省信阳市"),
        ("湖北孝感孝南区", "湖北省孝感市"),  # a county does not cover its prefecture
        ("", "湖北省孝感市"),
    ],
)
def test_a_region_does_not_cover_other_places(region: str, origin: str) -> None:
    assert not covers(region, origin)


def test_suzhou_keeps_its_zhou() -> None:
    """Only a prefecture name of two or more characters before 州 loses it."""
    assert region_key("江苏省苏州市") == "江苏苏州"
    assert region_key("湖北省恩施州") == "湖北恩施"
