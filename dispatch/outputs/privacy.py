"""Masking personal data — id numbers, phone numbers, names — for every output: the sheets and
their CSV copies, the map (``maps.safety``) and the terminal (``charter.console``).

One rule for every number: of a number of 11 digits or more (an 18- or 15-digit resident id,
a mobile, a landline with its area code) the first 3 and last 4 digits stay visible
(``320***********1234``, ``138****5678``, ``051*****1234``); of 8 to 10 digits the last 4;
of 7 or fewer none. Digits are shown without the separators they were written with, and a
``+86``/``0086`` country code is dropped. A name keeps the first character of each word
(``张*``).

Numbers are found in free text whatever way they are written: with spaces, dashes, dots or
brackets between digit groups (``138 1234 5678``, ``0512-6888-1234``, ``(0512) 68881234``,
``320506 19900101 123X``), with a country code (``+86 138…``, ``(+86)138…``), in full-width
digits, and right after a Chinese label (``电话13812345678``). Two kinds of text get two
strengths:

* :func:`mask_numbers` — any text (a name on the map, a message in the terminal): every
  number shaped like an id (18 characters, the last a digit or X; 15 digits), a mobile
  (11 digits from ``13``–``19``) or a landline (``0`` + area code + number, 10–12 digits) is
  masked; other numbers (a plate, a permit number, a date) stay. A landline or an old id is
  only taken where it stands apart (not the tail of a date or a decimal), and digits joined
  to a Latin letter or ``_`` are a code (``map_5f0175305445``), not a number.
* :func:`mask_contact` — text that is personal by nature (an escort contact): numbers as
  above (also next to Latin letters, ``Tel13812345678``), then every other run of more than
  4 digits, and every word as a name (except labels such as 电话 or tel).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

KEEP_HEAD = 3
KEEP_TAIL = 4
HEAD_FROM = 11  # digits from which the first KEEP_HEAD stay visible too
TAIL_FROM = 8  # digits from which the last KEEP_TAIL stay visible
MAX_GROUPS = 8  # digit groups one number may be written in

_SEPARATOR = r"[ \u00a0\u3000\-\u2010\u2011\u2012\u2013\u2014.\u00b7/()（）]"
# A written number: digit groups joined by one to three separators, maybe a country-code
# plus and an opening bracket before it, maybe an id number's X after it.
_SPAN = re.compile(rf"(?<!\d)[(（]?[+＋]?[(（]?\d+(?:{_SEPARATOR}{{1,3}}\d+)*(?:[Xx])?(?!\d)")
_GROUP = re.compile(r"\d+[Xx]?")
_CODE = re.compile(r"[0-9A-Za-z_]")
_WORD = re.compile(r"[^\W\d_]+")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Words of an escort contact that label it rather than name a person (kept as written).
CONTACT_LABELS = frozenset(
    {
        "电话",
        "手机",
        "座机",
        "联系人",
        "联系电话",
        "随车人员",
        "身份证",
        "号码",
        "转",
        "分机",
        "tel",
        "phone",
        "mobile",
        "mob",
        "ext",
        "id",
    }
)


def _ascii_digits(text: str) -> str:
    """``text``'s digits as ASCII (full-width and other decimal digits too), X upper-cased."""
    return "".join(
        "X" if ch in "Xx" else str(unicodedata.digit(ch))
        for ch in text
        if ch in "Xx" or ch.isdigit()
    )


def mask_digits(digits: str) -> str:
    """Mask a number given as its digits: first 3 and last 4 kept from 11 digits on, the last
    4 from 8 on, none below.

    Examples
    --------
    >>> mask_digits("320506199001011234")
    '320***********1234'
    >>> mask_digits("68881234")
    '****1234'
    """
    n = len(digits)
    if n >= HEAD_FROM:
        return digits[:KEEP_HEAD] + "*" * (n - KEEP_HEAD - KEEP_TAIL) + digits[-KEEP_TAIL:]
    if n >= TAIL_FROM:
        return "*" * (n - KEEP_TAIL) + digits[-KEEP_TAIL:]
    return "*" * n


def _national_shape(digits: str) -> str | None:
    """The kind of a number written inside the country — ``strong`` (a mobile, an id with a
    right check character), ``weak`` (a landline, an old id, an id with a wrong check
    character) — or None."""
    n = len(digits)
    if "X" in digits[:-1]:
        return None
    if n == 18:
        return "strong" if is_valid_id_number(digits) else "weak"
    if "X" in digits:
        return None
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "strong"
    if n == 15 or (digits.startswith("0") and 10 <= n <= 12):
        return "weak"
    return None


def _after_country_code(digits: str, plus: bool) -> str | None:
    """The national number of a number written with ``+86``/``0086``/``86`` (else None)."""
    for code in ("0086", "86"):
        rest = digits[len(code) :]
        if not digits.startswith(code) or "X" in rest:
            continue
        if code == "86" and not plus and len(rest) != 11:
            continue  # 86 without a plus: only before a mobile number
        mobile = len(rest) == 11 and rest[0] == "1" and rest[1] in "3456789"
        landline = 9 <= len(rest) <= 11 and rest[0] != "0"
        if mobile or landline:
            return rest
    return None


@dataclass(frozen=True, slots=True)
class _Found:
    """A personal number found in text: where it is and its digits as shown when masked."""

    start: int
    end: int
    digits: str


def _in_span(text: str, start: int, end: int, *, strict: bool) -> Iterator[_Found]:
    """Personal numbers among the digit groups of one written number ``text[start:end]``.

    Groups are tried as a number from the longest run on. A weak shape (a landline, an old
    id) must also stand apart from the groups around it — at the ends of the written number,
    or after a space or bracket — so that dates (``2019-02-21 – 2020-02-20``) and decimals
    (``85.0511287798``) are left alone; a strong one (a mobile, a valid id) is masked
    wherever it is.
    """
    span = text[start:end]
    groups = [
        (start + m.start(), start + m.end(), _ascii_digits(m.group()))
        for m in _GROUP.finditer(span)
    ]
    plus = any(ch in "+＋" for ch in span[: groups[0][0] - start])
    apart = [True] + [_apart(text[a[1] : b[0]]) for a, b in itertools.pairwise(groups)] + [True]
    i = 0
    loose: list[tuple[int, int, str]] = []
    while i < len(groups):
        found = None
        for j in range(min(len(groups), i + MAX_GROUPS) - 1, i - 1, -1):
            digits = "".join(g[2] for g in groups[i : j + 1])
            national = _after_country_code(digits, plus) if i == 0 else None
            shape = "strong" if national is not None else _national_shape(digits)
            if shape == "strong" or (shape == "weak" and apart[i] and apart[j + 1]):
                shown = national if national is not None else digits
                found = _Found(start if i == 0 else groups[i][0], groups[j][1], shown)
                i = j + 1
                break
        if found is None:
            loose.append(groups[i])
            i += 1
            continue
        yield from _loose(loose, strict)
        loose = []
        yield found
    yield from _loose(loose, strict)


def _apart(separator: str) -> bool:
    """Whether a separator between two digit groups may also end one number (a space or a
    bracket) rather than only join the groups of one (a dash, a dot, a slash)."""
    return any(ch.isspace() or ch in "()（）" for ch in separator)


def _loose(groups: list[tuple[int, int, str]], strict: bool) -> Iterator[_Found]:
    """Consecutive digit groups of no known shape: masked in personal text when they hold more
    digits than a mask keeps."""
    digits = "".join(g[2] for g in groups)
    if strict and len(digits) > KEEP_TAIL:
        yield _Found(groups[0][0], groups[-1][1], digits)


def _glued(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a code: an ASCII letter, digit or ``_`` next to
    it (``feature_5f0175305445``, ``map_e92185``)."""
    return bool(_CODE.match(text[start - 1 : start])) or bool(_CODE.match(text[end : end + 1]))


def _numbers(text: str, *, strict: bool) -> list[_Found]:
    return [
        found
        for m in _SPAN.finditer(text)
        for found in _in_span(text, m.start(), m.end(), strict=strict)
        if strict or not _glued(text, found.start, found.end)
    ]


def _rewrite(text: str, found: list[_Found], between: Callable[[str], str] | None = None) -> str:
    """``text`` with each found number masked; the text between them passed to ``between``."""
    parts: list[str] = []
    at = 0
    keep = between or (lambda part: part)
    for item in found:
        parts.append(keep(text[at : item.start]))
        parts.append(mask_digits(item.digits))
        at = item.end
    parts.append(keep(text[at:]))
    return "".join(parts)


def mask_numbers(value: str) -> str:
    """Mask every id, mobile and landline number in any text (other numbers stay).

    Examples
    --------
    >>> mask_numbers("联系 +86 138-1234-5678，座机 (0512) 6888 1234")
    '联系 138****5678，座机 051*****1234'
    """
    return _rewrite(value, _numbers(value, strict=False))


def has_personal_number(value: str) -> bool:
    """Whether ``value`` holds a number that :func:`mask_numbers` masks."""
    return bool(_numbers(value, strict=False))


def _mask_words(text: str) -> str:
    return _WORD.sub(
        lambda m: m.group() if m.group().lower() in CONTACT_LABELS else mask_name(m.group()) or "",
        text,
    )


def mask_contact(value: str | None) -> str | None:
    """Mask personal free text such as an escort contact: every number (of any shape, more
    than 4 digits) and every word but a label. ``None`` stays ``None``.

    Examples
    --------
    >>> mask_contact("王经理 电话 0512-68881234")
    '王** 电话 051*****1234'
    """
    if value is None:
        return None
    return _rewrite(value, _numbers(value, strict=True), _mask_words)


def mask_id_number(value: str | None) -> str | None:
    """Mask a resident id number: ``320506199001011234`` → ``320***********1234``.

    Only the digits (and a final X) are kept; ``None`` stays ``None``.
    """
    if value is None:
        return None
    return mask_digits(_ascii_digits(value))


def mask_phone(value: str | None) -> str | None:
    """Mask a phone number: ``138 1234 5678`` or ``+86 13812345678`` → ``138****5678``.

    Only the digits are kept (a ``+86``/``0086`` country code is dropped). ``None`` stays
    ``None``.
    """
    if value is None:
        return None
    digits = _ascii_digits(value).replace("X", "")
    plus = value.lstrip(" (（").startswith(("+", "＋"))
    return mask_digits(_after_country_code(digits, plus) or digits)


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
