"""Tests for dispatch.outputs.privacy: id numbers, phones and names are masked in outputs,
however the numbers are written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.outputs.privacy import (
    has_personal_number,
    id_check_digit,
    is_valid_id_number,
    mask_contact,
    mask_digits,
    mask_id_number,
    mask_name,
    mask_numbers,
    mask_phone,
)
from tests.privacy_cases import ID_NUMBERS, LABELS, MOBILES, NAMES, NUMBERS, leaks


@pytest.mark.parametrize(
    ("function", "value", "masked"),
    [
        (mask_id_number, "320506199001011234", "320***********1234"),
        (mask_id_number, "32050619900101123X", "320***********123X"),
        (mask_id_number, "320506 19900101 123X", "320***********123X"),
        (mask_id_number, "12345", "*****"),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "+86 138-1234-5678", "138****5678"),
        (mask_phone, "138.1234.5678", "138****5678"),
        (mask_phone, "0512-68881234", "051*****1234"),
        (mask_phone, "68881234", "****1234"),
        (mask_name, "张三", "张*"),
        (mask_name, "欧阳娜娜", "欧***"),
        (mask_name, "Li Wei", "L* W**"),
        (mask_name, "张", "*"),
        (mask_contact, "王经理 13900001111", "王** 139****1111"),
        (mask_contact, "王芳 0512-68881234", "王* 051*****1234"),
        (mask_contact, "李主管 tel 6888 1234", "李** tel ****1234"),
        (mask_contact, "Zhang San, mobile 139.0000.1111", "Z**** S**, mobile 139****1111"),
        (
            mask_contact,
            "身份证320506199001011234，电话+86 138 1234 5678",
            "身份证320***********1234，电话138****5678",
        ),
        (mask_numbers, "苏交运管许可苏字320500100001号", "苏交运管许可苏字320500100001号"),
        (mask_numbers, "2019-02-21 – 2020-02-20", "2019-02-21 – 2020-02-20"),
        (mask_numbers, "MAX_LATITUDE:85.0511287798", "MAX_LATITUDE:85.0511287798"),
        (mask_numbers, "13812345678-13987654321", "138****5678-139****4321"),
        (mask_numbers, "电话13812345678 / 13987654321", "电话138****5678 / 139****4321"),
        (mask_numbers, "Tel13812345678 / 13987654321", "Tel13812345678 / 139****4321"),
        (mask_numbers, "map_cb6f0175305445 ab13812345678", "map_cb6f0175305445 ab13812345678"),
        (mask_contact, "Tel13812345678", "Tel138****5678"),
        (mask_contact, "ab13812345678c", "a*138****5678*"),
        (mask_numbers, "(0512) 6888 1234 转 8021", "051*****1234 转 8021"),
        (mask_numbers, "３２０５０６１９９００１０１１２３４", "320***********1234"),
    ],
)
def test_examples(function: object, value: str, masked: str) -> None:
    """The documented masking formats."""
    assert function(value) == masked  # type: ignore[operator]


def test_none_stays_none() -> None:
    """Optional columns may be empty."""
    assert mask_id_number(None) is mask_phone(None) is mask_name(None) is mask_contact(None) is None


def test_mask_digits_keeps_what_the_length_allows() -> None:
    """3 + 4 digits of a long number, the last 4 of a medium one, nothing of a short one."""
    assert mask_digits("13812345678") == "138****5678"
    assert mask_digits("0123456789") == "******6789"
    assert mask_digits("1234567") == "*******"


@given(ID_NUMBERS)
def test_id_number_keeps_only_head_and_tail(value: str) -> None:
    """Same length, first 3 and last 4 kept, the birth date and sequence hidden."""
    masked = mask_id_number(value)
    assert masked is not None and len(masked) == 18
    assert masked[:3] == value[:3] and masked[-4:] == value[-4:]
    assert set(masked[3:-4]) == {"*"}


@given(MOBILES)
def test_phone_keeps_only_head_and_tail(value: str) -> None:
    """The middle four digits are hidden."""
    masked = mask_phone(value)
    assert masked == value[:3] + "****" + value[-4:]


@given(NAMES, LABELS, NUMBERS, st.sampled_from(["", " ", "；", " ext "]))
def test_a_contact_keeps_no_run_of_its_number_or_the_name(
    name: str, label: str, number: tuple[str, str], after: str
) -> None:
    """However a contact is written, no run of more digits than the mask keeps survives, and
    the name is masked."""
    written, digits = number
    shown = mask_contact(f"{name} {label}{written}{after}")
    assert shown is not None
    assert not leaks(digits, shown), shown
    assert name.split()[0] not in shown


@given(st.text(max_size=30).filter(lambda t: not re.search(r"\d", t)), NUMBERS, NUMBERS)
def test_any_text_keeps_no_run_of_a_personal_number(
    text: str, first: tuple[str, str], second: tuple[str, str]
) -> None:
    """``mask_numbers`` (maps, terminal) hides every shaped number in any text around it."""
    shown = mask_numbers(f"{text} {first[0]}，{text} {second[0]} {text}")
    assert not leaks(first[1], shown) and not leaks(second[1], shown), shown
    assert not has_personal_number(shown)


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
