"""Safe text for maps: personal numbers masked (``dispatch.outputs.privacy``, the masking every
output shares), length limits, HTML and script escaping."""

from __future__ import annotations

import html
import json
import unicodedata

from dispatch.outputs.privacy import mask_numbers

MAX_TEXT = 160


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
    masked = mask_numbers(single)
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
