"""Safe text for maps: personal-number masking, length limits, HTML and script escaping."""

from __future__ import annotations

import html
import json
import re
import unicodedata

# An 18-character resident id (17 digits + digit/X) or an old 15-digit one, a mainland mobile
# number, or a landline with area code — anywhere in a text, not inside a longer digit run.
_PERSONAL_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?![0-9A-Za-z])"
)
MAX_TEXT = 160


def mask_number(number: str) -> str:
    """Mask a personal number, keeping the first three and last four characters.

    Examples
    --------
    >>> mask_number("320502199001011234")
    '320***********1234'
    >>> mask_number("13912345678")
    '139****5678'
    """
    keep_head, keep_tail = 3, 4
    hidden = len(number) - keep_head - keep_tail
    return number[:keep_head] + "*" * max(hidden, 0) + number[-keep_tail:]


def has_personal_number(value: str) -> bool:
    """Whether ``value`` holds something shaped like an id or phone number."""
    return _PERSONAL_NUMBER.search(value) is not None


def display_text(value: object, *, limit: int = MAX_TEXT) -> str:
    """Text as it may appear on a map: one line, no control characters, numbers masked.

    The result is still raw text (not HTML); it is escaped where it is embedded.

    Parameters
    ----------
    value
        Any value; ``None`` becomes the empty string.
    limit
        Longest text kept; longer text is cut and ends with "…". Default ``MAX_TEXT``.

    Returns
    -------
    str
        The cleaned text.
    """
    if value is None:
        return ""
    raw = str(value)
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in raw
        if unicodedata.category(ch) not in {"Cf", "Cs", "Co"}
    )
    single = " ".join(kept.split())
    masked = _PERSONAL_NUMBER.sub(lambda m: mask_number(m.group(0)), single)
    return masked if len(masked) <= limit else masked[: limit - 1] + "…"


def escape_html(value: object) -> str:
    """``display_text`` escaped for HTML (element content or a quoted attribute)."""
    return html.escape(display_text(value), quote=True)


def script_json(payload: object) -> str:
    """Serialise ``payload`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, ``'`` and the JavaScript line separators are written as ``\\u`` escapes,
    so no text from an input file can close the script element or start markup.
    """
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("'", "\\u0027"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        encoded = encoded.replace(char, escaped)
    return encoded
