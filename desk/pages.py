"""The desk's pages: Jinja2 templates (autoescaped: names from input files are text) with the
page's language, the signed-in account and the bilingual ``t(zh, en)``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from stations.lang import Lang, pick

if TYPE_CHECKING:
    from store.repository import DeskSession

TEMPLATES = Path(__file__).parent / "templates"
STAGES: dict[str, tuple[str, str]] = {
    "queued": ("排队等待", "waiting in the queue"),
    "read": ("读取计划日", "reading the day"),
    "prepare": ("筛查与编组", "screening and grouping"),
    "network": ("路网", "road network"),
    "matrix": ("行驶时间矩阵", "travel times"),
    "solve": ("求解", "solving"),
    "supply": ("物资运输", "supply trucks"),
    "explain": ("解释未运送原因", "explaining the unserved"),
    "assemble": ("汇总计划", "assembling the plan"),
    "write": ("写出计划文件与线路图", "writing the plan files and the map"),
    "scenarios": ("规划方案", "planning the scenarios"),
    "save": ("保存方案结果", "saving the scenario results"),
    "done": ("完成", "done"),
    "failed": ("失败", "failed"),
}


class Pages:
    """The templates of the desk."""

    def __init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(
        self,
        name: str,
        *,
        lang: Lang,
        session: DeskSession | None,
        path: str,
        **context: object,
    ) -> str:
        """The page ``name`` in ``lang`` for ``session`` (None: not signed in)."""

        def t(zh: str, en: str) -> str:
            return pick((zh, en), lang)

        def stage(name: object) -> str:
            pair = STAGES.get(str(name))
            return pick(pair, lang) if pair else str(name)

        return self._env.get_template(name).render(
            t=t,
            stage=stage,
            pair=lambda p: pick(p, lang),
            lang=lang.value,
            session=session,
            role=session.user.role if session else None,
            path=path,
            **context,
        )
