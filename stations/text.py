"""Normalising text identities (ids, enumeration words, headers, sheet names, region names)
before they are matched, so that look-alike spellings match and invisible characters cannot
split one identity into two.

Every place in the input layer that compares user text with other text goes through these
functions (docs/API.md, "Matching"):

* :func:`clean_text` — Unicode NFKC (full-width letters, digits and punctuation become their
  plain forms: ``ＡＢ１／`` → ``AB1/``), invisible format characters removed (zero-width space
  and joiners U+200B–U+200D, word joiner U+2060, byte-order mark U+FEFF, soft hyphen U+00AD,
  bidirectional marks: Unicode category Cf), control characters and runs of white space
  (including the ideographic space U+3000 and no-break spaces) made one space, and the ends
  stripped.
* :func:`identity` — :func:`clean_text` plus one spelling of the middle dot (``·``: plates such
  as ``苏E·12345`` are typed with ``•``, ``・`` or ``‧`` too) and of the hyphen (``‐ ‑ ‒ – — −``
  become ``-``). Case is kept: ids are case-sensitive.
* :func:`word_key` — :func:`identity`, case-folded: enumeration values (``MULTI_DROP``),
  column headers, sheet and file names are case-insensitive.
* :func:`region_key` — the key risk regions and arrival origins are compared by (rule below).

Region rule: after :func:`clean_text` and case folding, the separators ``/ · - , ， 、 | >``
and spaces are removed and a leading ``中国`` is dropped. Then a leading province-level name
loses its suffix — ``省``, ``市`` (the four municipalities), ``自治区`` with its people's name
(``广西壮族自治区`` → ``广西``) or ``特别行政区`` — and the prefecture-level name that follows
loses its suffix: ``市``, ``地区``, ``盟``, ``自治州`` with its peoples' names
(``恩施土家族苗族自治州`` → ``恩施``) or ``州`` after a name of two or more characters
(``恩施州`` → ``恩施``; ``苏州``, one character before ``州``, keeps it). Last, a trailing
county-level suffix (``市``, ``区``, ``县``, ``旗``) is dropped. So ``湖北省孝感市``, ``湖北孝感市``
and ``湖北孝感`` all have the key ``湖北孝感``, and ``北京市朝阳区`` and ``北京朝阳`` the key
``北京朝阳``. A listed region covers an origin whose key starts with the region's key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# Province-level divisions by their short names, longest first so that 内蒙古/黑龙江 win.
_PROVINCE_NAMES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 "
    "湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
)
PROVINCES: tuple[str, ...] = tuple(sorted(_PROVINCE_NAMES.split(), key=len, reverse=True))
# The peoples named in the autonomous regions' and prefectures' official names.
_PEOPLES = "朝鲜 土家 苗 藏 羌 彝 侗 布依 哈尼 壮 傣 白 景颇 傈僳 回 蒙古 柯尔克孜 哈萨克 维吾尔"
_PEOPLE = "(?:" + "|".join(_PEOPLES.split()) + ")族?"
_PROVINCE_SUFFIX = re.compile(rf"^(?:省|市|(?:{_PEOPLE})*自治区|特别行政区)")
_AUTONOMOUS_PREFECTURE = re.compile(rf"^(.{{2,}}?)(?:{_PEOPLE})*自治州")
_PREFECTURE_SUFFIXES = ("地区", "市", "盟", "州")
_REGION_SEPARATORS = re.compile(r"[\s/·\-,，、|>]+")
_SPACES = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_COUNTY_SUFFIXES = ("市", "区", "县", "旗")
_DOTS = str.maketrans(dict.fromkeys("•・‧∙⋅･", "·"))
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))


def clean_text(value: str) -> str:
    """``value`` in NFKC, without invisible format characters, white space collapsed, stripped.

    Examples
    --------
    >>> clean_text("\\u200b湖北\\u3000孝感\\ufeff ")
    '湖北 孝感'
    >>> clean_text("ＥＸＩＴ／０１")
    'EXIT/01'
    """
    if value.isascii() and value.isprintable() and value == value.strip() and "  " not in value:
        return value  # the common case, already clean
    return _settled(_clean_once, value)


def _clean_once(value: str) -> str:
    text = unicodedata.normalize("NFKC", value)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip()


def _settled(step: Callable[[str], str], value: str) -> str:
    """``step`` applied until nothing changes: removing an invisible character or a space can
    bring a letter and a combining mark together, which NFKC then composes (``K\u200b¸``)."""
    for _ in range(8):
        changed = step(value)
        if changed == value:
            break
        value = changed
    return value


def identity(value: str) -> str:
    """An id as it is matched: :func:`clean_text`, one middle dot and one hyphen.

    Examples
    --------
    >>> identity(" 苏Ｅ•12345\\u200d")
    '苏E·12345'
    """
    if value.isascii():
        return clean_text(value)  # the look-alikes unified here are not ASCII
    return _settled(lambda text: clean_text(text).translate(_DOTS).translate(_HYPHENS), value)


def word_key(value: str) -> str:
    """An enumeration value, header, sheet or file name as it is matched (case-insensitive).

    Examples
    --------
    >>> word_key(" MULTI_DROP ")
    'multi_drop'
    >>> word_key("Arrivals\\u200b")
    'arrivals'
    """
    if value.isascii():
        return clean_text(value).lower()
    return _settled(lambda text: identity(text).casefold(), value)


def _drop_province(text: str) -> tuple[str, str]:
    """``(province short name, rest)``, or ``("", text)`` if no province name leads."""
    for name in PROVINCES:
        if text.startswith(name):
            rest = text[len(name) :]
            suffix = _PROVINCE_SUFFIX.match(rest)
            return name, rest[suffix.end() :] if suffix else rest
    return "", text


def _drop_prefecture_suffix(text: str) -> str:
    """``text`` with the suffix of its leading prefecture-level name removed (rule above)."""
    autonomous = _AUTONOMOUS_PREFECTURE.match(text)
    if autonomous:
        return autonomous.group(1) + text[autonomous.end() :]
    cuts = []
    for suffix in _PREFECTURE_SUFFIXES:
        start = text.find(suffix, 1 if suffix != "州" else 2)
        if start >= 0:
            cuts.append((start, suffix))
    if not cuts:
        return text
    start, suffix = min(cuts)
    return text[:start] + text[start + len(suffix) :]


@lru_cache(maxsize=65_536)  # screening asks once per worker and listed region
def region_key(value: str) -> str:
    """The key a risk region or an arrival origin is matched by (rule in the module docstring).

    Examples
    --------
    >>> region_key("湖北省孝感市") == region_key("湖北孝感") == region_key("湖北 / 孝感市")
    True
    >>> region_key("江苏省苏州市")
    '江苏苏州'
    >>> region_key("广西壮族自治区南宁市")
    '广西南宁'
    """
    text = _REGION_SEPARATORS.sub("", clean_text(value).casefold())
    text = text.removeprefix("中国")
    province, rest = _drop_province(text)
    rest = _drop_prefecture_suffix(rest)
    if len(rest) > 1 and rest.endswith(_COUNTY_SUFFIXES):
        rest = rest[:-1]
    return province + rest


def covers(region: str, origin: str) -> bool:
    """Whether listed region ``region`` covers origin ``origin`` (keys as :func:`region_key`)."""
    key = region_key(region)
    return bool(key) and region_key(origin).startswith(key)
