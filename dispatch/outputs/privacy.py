"""Masking personal data (id numbers, phone numbers, names) for every output.

Defaults follow common Chinese practice: an id number keeps its first 3 and last 4 characters
(``320***********1234``), a mobile number its first 3 and last 4 digits (``138****5678``), a
name its first character (``张*``). Free text (an escort contact) has every id number and
phone number inside it masked. Also the GB 11643 check digit, used to make well-formed
synthetic id numbers.
"""

from __future__ import annotations

import re

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
KEEP_HEAD = 3
KEEP_TAIL = 4


def _mask_middle(text: str) -> str:
    if len(text) <= KEEP_HEAD + KEEP_TAIL:
        return "*" * len(text)
    return text[:KEEP_HEAD] + "*" * (len(text) - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]


def mask_id_number(value: str | None) -> str | None:
    """Mask a resident id number: ``320506199001011234`` → ``320***********1234``.

    Surrounding spaces are removed; anything of 7 characters or fewer is masked entirely.
    ``None`` stays ``None``.
    """
    if value is None:
        return None
    return _mask_middle(value.strip())


def mask_phone(value: str | None) -> str | None:
    """Mask a phone number: ``138 1234 5678`` or ``+86 13812345678`` → ``138****5678``.

    Only the digits are kept (a leading ``+86`` country code is dropped); the first 3 and last
    4 digits stay visible. ``None`` stays ``None``.
    """
    if value is None:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return _mask_middle(digits)


def mask_name(value: str | None) -> str | None:
    """Mask a name, keeping the first character of each word: ``张三`` → ``张*``,
    ``欧阳娜娜`` → ``欧***``, ``Li Wei`` → ``L* W**``. ``None`` stays ``None``."""
    if value is None:
        return None
    words = value.strip().split()
    masked = []
    for word in words:
        masked.append(
            "*" if len(word) == 1 and len(words) == 1 else word[0] + "*" * (len(word) - 1)
        )
    return " ".join(masked)


def mask_text(value: str | None) -> str | None:
    """Mask every id number and mobile number inside free text (e.g. an escort contact)."""
    if value is None:
        return None
    masked = _ID_IN_TEXT.sub(lambda m: _mask_middle(m.group(0)), value)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)) or "", masked)


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an id number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {len(first17)} characters")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """Whether ``value`` is 18 characters with a correct GB 11643 check character."""
    text = value.strip().upper()
    if len(text) != 18 or not text[:17].isdigit():
        return False
    return id_check_digit(text[:17]) == text[17]
