"""Text echoed to a terminal: the one function every table, message, warning, error, log line
and JSON document of ``charter`` goes through before it is printed.

Names come from input files, so a station called ``\\x1b[2J`` would clear the duty officer's
screen, an OSC sequence would retitle the window or plant a link, and a right-to-left override
would reorder what is shown. :func:`terminal_text` removes escape sequences (CSI, OSC, DCS,
their 8-bit forms), every other C0/C1 control character but tab and line feed, and the Unicode
bidirectional controls, then masks personal numbers with the masking every output shares
(``dispatch.outputs.privacy``). :func:`terminal_json` masks the numbers of a JSON document's strings
and writes those characters as ``\\u`` escapes.
"""

from __future__ import annotations

import json
import re

from dispatch.outputs.privacy import mask_numbers

_SEQUENCE = re.compile(
    r"""
      \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?      # OSC … BEL or ST
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?           # DCS, SOS, PM, APC … ST
    | \x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?       # CSI
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                     # any other escape
    | \x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?         # 8-bit CSI
    | \x9d[^\x07\x9c]*(?:\x07|\x9c)?                   # 8-bit OSC
    | [\x90\x98\x9e\x9f][^\x9c]*\x9c?                  # 8-bit DCS, SOS, PM, APC
    """,
    re.VERBOSE,
)
# C0 but tab and line feed, DEL, C1, and the bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(value: object) -> str:
    """``value`` as text safe to print: no escape sequences, no control characters but tab
    and line feed, no bidirectional controls, personal numbers masked.

    Examples
    --------
    >>> terminal_text("站\\x1b[2J\\x1b]0;owned\\x07名 13812345678")
    '站名 138****5678'
    """
    text = _CONTROL.sub("", _SEQUENCE.sub("", str(value)))
    return mask_numbers(text)


def _masked(value: object) -> object:
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


def terminal_json(payload: object, *, indent: int | None = None) -> str:
    """``payload`` as JSON that may be printed: strings with personal numbers masked, and the
    characters :func:`terminal_text` removes written as ``\\u`` escapes (the same text,
    nothing for a terminal to act on). Values JSON cannot hold are written as text."""
    plain = json.loads(json.dumps(payload, default=str))
    text = json.dumps(_masked(plain), ensure_ascii=False, indent=indent)
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
