"""The languages of every output: Chinese, English, or both side by side."""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    """Language of labels and texts (terminal, files, maps, pages).

    ``both`` gives ``中文 / English`` where a text has room for two languages (workbook
    headers, reason texts); outputs with room for one (maps, terminal tables) draw Chinese.
    """

    ZH = "zh"
    EN = "en"
    BOTH = "both"

    @property
    def single(self) -> Lang:
        """The one language drawn where only one fits: English for ``en``, else Chinese."""
        return Lang.EN if self is Lang.EN else Lang.ZH


def pick(pair: tuple[str, str], lang: Lang) -> str:
    """``pair`` (zh, en) in ``lang``: one of them, or ``中文 / English`` for ``both``."""
    zh, en = pair
    if lang == Lang.ZH:
        return zh
    if lang == Lang.EN:
        return en
    return zh if zh == en else f"{zh} / {en}"
