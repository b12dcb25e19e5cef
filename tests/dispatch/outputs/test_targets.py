"""Tests for dispatch.outputs.targets: where an output may go, checked before any work, with
the path and the fix in every problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dispatch.outputs.targets import (
    check_all,
    file_problems,
    is_plan_folder,
    plan_folder_problems,
)
from stations.errors import InputError


def messages(problems: list[object]) -> str:
    """The problems as text (what the user reads)."""
    return "\n".join(str(p) for p in problems)


def test_a_new_an_empty_and_a_plan_folder_may_be_replaced(tmp_path: Path) -> None:
    """Nothing to say about a folder that does not exist yet (even several levels down), an
    empty one, or one holding a plan (links and FIFOs at a plan file's name included)."""
    assert plan_folder_problems(tmp_path / "a" / "b" / "plan") == []
    (tmp_path / "empty").mkdir()
    assert plan_folder_problems(tmp_path / "empty") == []
    plan = tmp_path / "plan"
    (plan / "csv").mkdir(parents=True)
    for name in ("plan.json", "plan.xlsx", "map.html", "csv/trips.csv"):
        (plan / name).write_text("x", encoding="utf-8")
    os.mkfifo(plan / "csv" / "truck_trips.csv")
    (plan / "scenario.json").symlink_to(tmp_path / "elsewhere")
    assert is_plan_folder(plan) and plan_folder_problems(plan) == []


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: p.write_text("x", encoding="utf-8"), r"'.*out' is a file, not a folder — fix"),
        (os.mkfifo, r"is a FIFO \(named pipe\), not a folder"),
        (lambda p: p.symlink_to(p.parent), r"is a symbolic link \(to .*\): charter never writes"),
        (
            lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine", encoding="utf-8")),
            r"holds notes.txt, not part of a plan folder: the folder is replaced whole — fix: "
            r"give a new or empty folder",
        ),
        (
            lambda p: (p.mkdir(), (p / "csv").mkdir(), (p / "csv" / "a.txt").touch()),
            r"holds csv, not part of a plan folder",
        ),
    ],
    ids=["file", "fifo", "link", "foreign-file", "foreign-csv"],
)
def test_a_folder_target_that_is_not_a_plan_folder(
    make: object, match: str, tmp_path: Path
) -> None:
    """A file, a FIFO, a link, a folder of other things: refused, named, with the fix."""
    out = tmp_path / "out"
    make(out)  # type: ignore[operator]
    with pytest.raises(InputError, match=match):
        check_all(plan_folder_problems(out))


def test_a_folder_under_a_file(tmp_path: Path) -> None:
    """The nearest existing path above is a file: nothing can be made below it."""
    (tmp_path / "report.txt").write_text("x", encoding="utf-8")
    problems = plan_folder_problems(tmp_path / "report.txt" / "sub" / "plan")
    assert "report.txt is a file, not a folder — fix: give a path in a folder" in messages(problems)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_folder(tmp_path: Path) -> None:
    """The folder above must be writable: the lock and the new folder are made there."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        assert "is read-only" in messages(plan_folder_problems(locked / "plan"))
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(
    ("kwargs", "make", "match"),
    [
        ({}, lambda p: p.mkdir(), r"is a folder — fix: give a file name, e.g. .*map.html"),
        ({}, os.mkfifo, r"is a FIFO \(named pipe\) — fix: give the name of a regular file"),
        ({"overwrite": False}, lambda p: p.touch(), r"already exists — fix: use --force"),
        ({"suffix": ".xlsx"}, lambda p: None, r"is not a .xlsx file — fix: name it \*.xlsx"),
        (
            {"create_folders": False},
            lambda p: None,
            r"is in a folder that does not exist \(.*missing\) — fix: create .*missing first",
        ),
    ],
    ids=["folder", "fifo", "exists", "suffix", "missing-folder"],
)
def test_file_targets(kwargs: dict[str, object], make: object, match: str, tmp_path: Path) -> None:
    """What a file output may not be."""
    folder = tmp_path / "missing" if kwargs.get("create_folders") is False else tmp_path
    out = folder / "out.html"
    if folder.exists():
        make(out)  # type: ignore[operator]
    with pytest.raises(InputError, match=match):
        check_all(file_problems(out, option="--out", **kwargs))  # type: ignore[arg-type]


def test_every_problem_at_once(tmp_path: Path) -> None:
    """A wrong suffix and a missing folder are both reported."""
    problems = file_problems(
        tmp_path / "no" / "day.txt", option="OUT", suffix=".xlsx", create_folders=False
    )
    assert len(problems) == 2
