"""Checking where outputs go before any work is done: a plan folder, a scenario run folder, a
map or a workbook. Every problem names the path and the fix (exit code 2), all at once.

A folder target must be new, empty or one charter wrote (it is replaced whole, so a folder
holding anything else is refused rather than emptied); a file target must not be a folder or
a special file (a FIFO would block the writer); no target may be a symbolic link (charter
never writes through one); the nearest existing folder above must be a folder we may write
in (the lock and the new folder are made beside the target).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from dispatch.outputs.atomic import absolute
from dispatch.outputs.plan_folder import CSV_FOLDERS, PLAN_ENTRIES, PLAN_JSON, SCENARIO_JSON
from stations.errors import InputProblem, ProblemCollector

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFREG: "a file",
    stat.S_IFDIR: "a folder",
}


def _problem(option: str, path: Path, message: str, fix: str) -> InputProblem:
    """A problem with the output ``path`` given by ``option``."""
    return InputProblem(option, None, None, str(path), message, fix)


def _link(option: str, path: Path, fix: str) -> InputProblem:
    """``path`` is a symbolic link: never written through."""
    pointed = absolute(path).readlink()
    return _problem(
        option, path, f"is a symbolic link (to {pointed}): charter never writes through one", fix
    )


def _kind(path: Path) -> str | None:
    """What is at ``path`` ("a file", "a FIFO (named pipe)", …), not following a link."""
    try:
        mode = path.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there (or a file above it)
        return None
    except OSError as error:
        return f"unreadable ({error.strerror})"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return _KINDS.get(stat.S_IFMT(mode), "a special file")


def _ancestor_problems(path: Path, option: str, *, create: bool) -> list[InputProblem]:
    """The folder above ``path``: it (or the nearest existing folder above, when the missing
    ones may be created) must be a folder we may write in."""
    parent = path.parent
    missing: list[Path] = []
    while not os.path.lexists(parent) and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    if missing and not create:
        return [
            _problem(
                option,
                path,
                f"is in a folder that does not exist ({path.parent})",
                f"create {path.parent} first, or give a path in an existing folder",
            )
        ]
    kind = "a folder" if parent.is_dir() else _kind(parent)
    if kind != "a folder":
        return [
            _problem(
                option,
                path,
                f"cannot be made: {parent} is {kind}, not a folder",
                "give a path in a folder",
            )
        ]
    if not os.access(parent, os.W_OK | os.X_OK):
        return [
            _problem(
                option,
                path,
                f"cannot be written: the folder {parent} is read-only",
                "give a place in a folder you may write to, or fix its permissions",
            )
        ]
    return []


def is_plan_folder(folder: Path) -> bool:
    """Whether ``folder`` holds only what a plan folder holds (it may be replaced whole)."""
    return _kind(folder) == "a folder" and all(_plan_entry(e) for e in folder.iterdir())


def _plan_entry(entry: Path) -> bool:
    """An entry a plan folder has: its files (or a link or FIFO at their names, which the
    new folder drops without opening), and csv/ (a re-plan's amendments/ too) of such
    ``*.csv`` entries."""
    kind = _kind(entry)
    if entry.name in CSV_FOLDERS:
        return kind == "a folder" and all(
            c.suffix == ".csv" and _kind(c) != "a folder" for c in entry.iterdir()
        )
    return entry.name in PLAN_ENTRIES and kind != "a folder"


def _foreign(folder: Path, allowed: Callable[[Path], bool]) -> list[str]:
    return sorted(e.name for e in folder.iterdir() if not allowed(e))


def folder_problems(
    path: Path, *, option: str, allowed: Callable[[Path], bool], what: str
) -> list[InputProblem]:
    """Problems of ``path`` as a folder charter replaces whole.

    Parameters
    ----------
    path
        The folder to write.
    option
        The option or argument that gave it (named in the problems).
    allowed
        Whether an entry of an existing folder is one charter wrote there.
    what
        What the folder is, e.g. "plan folder".
    """
    target = absolute(path)
    if target.name == "":
        fix = "give a folder below it"
        return [_problem(option, path, "is the root folder", fix)]
    kind = _kind(target)
    if kind == "a symbolic link":
        return [_link(option, path, f"give the real folder, or another name for the {what}")]
    if kind is not None and kind != "a folder":
        return [
            _problem(
                option,
                path,
                f"is {kind}, not a folder",
                f"give a folder for the {what} (a new one, or one charter wrote)",
            )
        ]
    if kind == "a folder":
        try:
            foreign = _foreign(target, allowed)
        except OSError as error:
            fix = "give a folder you may read and write"
            why = f"cannot be read: {error.strerror}"
            return [_problem(option, path, why, fix)]
        if foreign:
            shown = ", ".join(foreign[:5]) + (
                f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            )
            return [
                _problem(
                    option,
                    path,
                    f"holds {shown}, not part of a {what}: the folder is replaced whole",
                    f"give a new or empty folder, or a {what} charter wrote, or move them away",
                )
            ]
    return _ancestor_problems(target, option, create=True)


def file_problems(
    path: Path,
    *,
    option: str,
    overwrite: bool = True,
    create_folders: bool = True,
    suffix: str | None = None,
) -> list[InputProblem]:
    """Problems of ``path`` as a file charter writes (whole, replacing what is there).

    Parameters
    ----------
    path
        The file to write.
    option
        The option or argument that gave it.
    overwrite
        Whether an existing file may be replaced. Default True.
    create_folders
        Whether missing folders above it are made. Default True.
    suffix
        The file suffix it must have, e.g. ``.xlsx``. Default None (any).
    """
    target = absolute(path)
    problems: list[InputProblem] = []
    if suffix is not None and target.suffix.lower() != suffix:
        problems.append(_problem(option, path, f"is not a {suffix} file", f"name it *{suffix}"))
    kind = _kind(target)
    if kind == "a folder":
        example = target / (f"day{suffix}" if suffix else "map.html")
        fix = f"give a file name, e.g. {example}"
        problems.append(_problem(option, path, "is a folder", fix))
    elif kind == "a symbolic link":
        problems.append(_link(option, path, "give the real file, or another name"))
    elif kind is not None and kind != "a file":
        fix = "give the name of a regular file"
        problems.append(_problem(option, path, f"is {kind}", fix))
    elif kind == "a file" and not overwrite:
        fix = "use --force to replace it, or give another name"
        problems.append(_problem(option, path, "already exists", fix))
    if kind in (None, "a file"):
        problems += _ancestor_problems(target, option, create=create_folders)
    return problems


def run_folder_entry(entry: Path, outputs: Iterable[str]) -> bool:
    """Whether ``entry`` of a run folder is one a scenario run wrote: its ``outputs`` (run.json,
    the comparison files, the sweep plot) or a plan folder with its scenario.json."""
    if entry.name in set(outputs):
        return _kind(entry) != "a folder"
    return is_plan_folder(entry) and (
        (entry / SCENARIO_JSON).is_file() or (entry / PLAN_JSON).is_file()
    )


def check_all(problems: Iterable[InputProblem]) -> None:
    """Raise one ``InputError`` with every problem (nothing if there is none)."""
    collector = ProblemCollector()
    collector.extend(problems)
    collector.raise_if_any()


def plan_folder_problems(path: Path, *, option: str = "--out") -> list[InputProblem]:
    """Problems of ``path`` as a plan folder (new, empty, or a plan folder charter wrote)."""
    return folder_problems(path, option=option, allowed=_plan_entry, what="plan folder")
