"""Tests for maps.safety: masking personal numbers, clean one-line text, script-safe JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.outputs.privacy import has_personal_number
from maps.safety import display_text, escape_html, script_json


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("联系人 13912345678", "联系人 139****5678"),
        ("id 320502199001011234 ok", "id 320***********1234 ok"),
        ("id 32050219900101123X", "id 320***********123X"),
        ("tel 0512-65221234", "tel 051*****1234"),
        ("mobile +86 139.1234.5678", "mobile 139****5678"),
        ("id 320502 19900101 1234", "id 320***********1234"),
        ("苏E12345 permit 苏交运 320500123", "苏E12345 permit 苏交运 320500123"),
        ("order 1234567890123456789012", "order 1234567890123456789012"),  # not an id shape
    ],
)
def test_display_text_masks_id_and_phone_numbers(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


def test_display_text_is_one_clean_line_within_the_limit() -> None:
    assert display_text("a\nb\tc\u200bd\x00e") == "a b cd e"
    assert display_text(None) == ""
    assert display_text("x" * 500, limit=10) == "x" * 9 + "…"


def test_escape_html_escapes_markup_and_quotes() -> None:
    assert escape_html('<img src=x onerror="alert(1)">') == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )


@given(st.text())
def test_display_text_never_leaves_a_personal_number_or_a_line_break(raw: str) -> None:
    shown = display_text(raw)
    assert not has_personal_number(shown)
    assert "\n" not in shown and "\r" not in shown and "\u2028" not in shown


@given(st.recursive(st.text() | st.integers() | st.none(), lambda inner: st.lists(inner)))
def test_script_json_cannot_close_a_script_and_round_trips(payload: object) -> None:
    encoded = script_json(payload)
    for char in "<>&'\u2028\u2029":
        assert char not in encoded
    assert json.loads(encoded) == payload
