"""Input files must be regular files: a FIFO, a socket or a device named like a table would
block the reader (or never end), so it is refused, by name, before anything is read."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

from stations.errors import InputProblem

_SPECIAL = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


def special_file(path: Path) -> str | None:
    """What ``path`` is if it is a special file ("a FIFO (named pipe)", …), else None
    (a regular file, a folder, or nothing; a link is judged by what it points to)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return _SPECIAL.get(stat.S_IFMT(mode))


def special_file_problems(paths: Iterable[Path], *, label: str = "") -> list[InputProblem]:
    """One problem per special file among ``paths`` (``label`` names where they were given)."""
    return [
        InputProblem(
            label or path.name,
            None,
            None,
            str(path),
            f"is {kind}, not a file: reading it would wait forever",
            "give a regular file (save the table as .csv or .xlsx)",
        )
        for path in paths
        if (kind := special_file(path)) is not None
    ]
