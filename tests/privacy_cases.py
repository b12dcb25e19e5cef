"""Personal numbers as people write them, for the masking tests: hypothesis strategies of
mobiles, landlines and id numbers in their many formats, fixed examples of escort contacts, and
a check that no run of a number's digits longer than a mask keeps is left in a text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

from dispatch.outputs.privacy import KEEP_TAIL, id_check_digit

DIGIT = "0123456789"
ID_NUMBERS = st.text(alphabet=DIGIT, min_size=17, max_size=17).map(
    lambda first: first + id_check_digit(first)
)
MOBILES = st.tuples(st.sampled_from("3456789"), st.text(DIGIT, min_size=9, max_size=9)).map(
    lambda parts: "1" + parts[0] + parts[1]
)
SEPARATORS = st.sampled_from(["", " ", "-", ".", "  ", " - ", "\u3000", "·"])


@st.composite
def mobile_written(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile number as people write it, and its 11 digits."""
    digits = draw(MOBILES)
    sep = draw(SEPARATORS)
    body = f"{digits[:3]}{sep}{digits[3:7]}{sep}{digits[7:]}"
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "+86-", "0086 ", "86", "(+86)", "＋86 "]))
    return prefix + body, digits


@st.composite
def landline_written(draw: st.DrawFn) -> tuple[str, str]:
    """A landline with its area code (``0512-68881234``, ``(0512) 6888 1234``, ``+86 512 …``),
    and the digits the mask starts from."""
    area = (
        "0"
        + draw(st.text(DIGIT[1:], min_size=1, max_size=1))
        + draw(st.text(DIGIT, min_size=1, max_size=2))
    )
    local = draw(st.text(DIGIT[1:], min_size=1, max_size=1)) + draw(
        st.text(DIGIT, min_size=6, max_size=7)
    )
    sep = draw(st.sampled_from(["-", " ", "", "—", "."]))
    form = draw(st.integers(0, 3))
    if form == 0:
        return f"{area}{sep}{local}", area + local
    if form == 1:
        return f"({area}) {local[:4]} {local[4:]}", area + local
    if form == 2:
        return f"{area}{sep}{local[:4]}{sep}{local[4:]}", area + local
    return f"+86 {area[1:]}{sep}{local}", area[1:] + local


@st.composite
def id_written(draw: st.DrawFn) -> tuple[str, str]:
    """An 18- or 15-digit id number, plain or grouped with spaces or dashes."""
    if draw(st.booleans()):
        digits = draw(ID_NUMBERS)
        cuts = draw(st.sampled_from([(), (6, 14), (4, 8, 12, 16), (3, 6, 10, 14)]))
    else:
        digits = draw(st.text(DIGIT, min_size=15, max_size=15))
        cuts = draw(st.sampled_from([(), (6, 12), (3, 9)]))
    sep = draw(st.sampled_from([" ", "-", " - ", ""]))
    parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)), strict=True)]
    return sep.join(parts), digits


NUMBERS = st.one_of(mobile_written(), landline_written(), id_written())
NAMES = st.sampled_from(["张伟", "欧阳娜娜", "王经理", "李主管", "Li Wei", "Zhang San"])
LABELS = st.sampled_from(["", "电话", "手机：", "tel ", "Tel", "身份证 ", "联系人 ", "(", "，"])


def digit_runs(text: str) -> list[str]:
    """The runs of digits in ``text`` (full-width ones as ASCII)."""
    return re.findall(r"\d+", unicodedata.normalize("NFKC", text), flags=re.ASCII)


def leaks(original: str, shown: str) -> list[str]:
    """Runs of more than ``KEEP_TAIL`` digits of ``original`` that ``shown`` still holds."""
    width = KEEP_TAIL + 1
    pieces = {original[i : i + width] for i in range(len(original) - width + 1)}
    return [piece for run in digit_runs(shown) for piece in pieces if piece in run]


# One escort contact per way of writing a number, each with the digits a leak would show.
CONTACTS: tuple[tuple[str, str], ...] = (
    ("王芳 0512-68881234", "051268881234"),
    ("李主管 138.2468.1357", "13824681357"),
    ("Wang Fang +86 139 7531 8642", "13975318642"),
    ("张伟 身份证 440306 19780909 765X", "44030619780909765X"),
    ("赵六 440306-780909-765", "440306780909765"),
    ("钱七 (0512) 6975 3124", "051269753124"),
    ("孙八 手机 +86-197-5319-7531", "19753197531"),
    ("周九 座机 6975 8642", "69758642"),
)
