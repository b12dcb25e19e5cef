"""Tests for dispatch.outputs.privacy: id numbers, phones and names are masked in outputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.outputs.privacy import (
    id_check_digit,
    is_valid_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
)

ID_NUMBERS = st.text(alphabet="0123456789", min_size=17, max_size=17).map(
    lambda first: first + id_check_digit(first)
)
MOBILES = st.tuples(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9)).map(
    lambda parts: "1" + parts[0] + parts[1]
)


@pytest.mark.parametrize(
    ("function", "value", "masked"),
    [
        (mask_id_number, "320506199001011234", "320***********1234"),
        (mask_id_number, "32050619900101123X", "320***********123X"),
        (mask_id_number, "12345", "*****"),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "+86 138-1234-5678", "138****5678"),
        (mask_name, "张三", "张*"),
        (mask_name, "欧阳娜娜", "欧***"),
        (mask_name, "Li Wei", "L* W**"),
        (mask_name, "张", "*"),
        (mask_text, "王经理 13900001111", "王经理 139****1111"),
        (
            mask_text,
            "身份证320506199001011234，电话13812345678",
            "身份证320***********1234，电话138****5678",
        ),
    ],
)
def test_examples(function: object, value: str, masked: str) -> None:
    """The documented masking formats."""
    assert function(value) == masked  # type: ignore[operator]


def test_none_stays_none() -> None:
    """Optional columns may be empty."""
    assert mask_id_number(None) is mask_phone(None) is mask_name(None) is mask_text(None) is None


@given(ID_NUMBERS)
def test_id_number_keeps_only_head_and_tail(value: str) -> None:
    """Same length, first 3 and last 4 kept, the birth date and sequence hidden."""
    masked = mask_id_number(value)
    assert masked is not None and len(masked) == 18
    assert masked[:3] == value[:3] and masked[-4:] == value[-4:]
    assert set(masked[3:-4]) == {"*"}
    assert mask_id_number(masked) == masked


@given(MOBILES)
def test_phone_keeps_only_head_and_tail(value: str) -> None:
    """The middle four digits are hidden."""
    masked = mask_phone(value)
    assert masked == value[:3] + "****" + value[-4:]


@given(st.text(max_size=40), ID_NUMBERS, MOBILES, st.text(max_size=40))
def test_free_text_never_leaks_a_whole_number(
    before: str, id_number: str, mobile: str, after: str
) -> None:
    """No id number or mobile number survives inside free text."""
    text = f"{before} {id_number} {mobile} {after}"
    masked = mask_text(text)
    assert masked is not None
    assert id_number not in masked and mobile not in masked


@given(ID_NUMBERS)
def test_generated_ids_are_valid(value: str) -> None:
    """The check digit makes a well-formed id number."""
    assert is_valid_id_number(value)
    wrong = value[:17] + ("0" if value[17] != "0" else "1")
    assert not is_valid_id_number(wrong)


def test_check_digit_needs_17_digits() -> None:
    """Anything else is a programming error."""
    with pytest.raises(ValueError, match="need 17 digits"):
        id_check_digit("123")
