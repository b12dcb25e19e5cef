"""Tests for dispatch.outputs.atomic: a plan folder is replaced whole or not at all — under
SIGKILL at random moments, with two writers at once, over links and stale files — and a file
is written whole."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispatch.intake.reader import read_day
from dispatch.outputs.atomic import (
    NEW_MARK,
    lock_path,
    output_lock,
    replaced_file,
    replaced_folder,
)
from dispatch.planner import plan_day
from stations.errors import InputError
from tests.paths import ROOT
from tests.writer_process import VARIANTS, write_variant

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def writer(out: Path, *variants: str, times: int = 0) -> subprocess.Popen[str]:
    """A writer process (tests/writer_process.py), started and planned (it said ready)."""
    args = [sys.executable, "-m", "tests.writer_process", str(out), *variants]
    process = subprocess.Popen(
        [*args, "--times", str(times)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line == "ready\n", process.stderr.read() if process.stderr else line
    return process


@contextmanager
def lock_held_elsewhere(target: Path) -> Iterator[int]:
    """Another process holding the lock of ``target`` (its pid) until the block ends."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom dispatch.outputs.atomic import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n    sys.stdin.readline()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(target)],
        cwd=ROOT,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline() == "held\n"
    try:
        yield process.pid
    finally:
        process.communicate("\n")


def folder_variant(folder: Path) -> str:
    """Which variant ``folder`` holds, after checking that it is one whole plan folder."""
    csvs = sorted(p.name for p in (folder / "csv").iterdir())
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["csv", "map.html", "plan.json", "plan.xlsx"], names
    for path in [*(folder / "csv").iterdir(), *(p for p in folder.iterdir() if p.is_file())]:
        assert path.stat().st_size > 0, path
    variant = (folder / "map.html").read_text(encoding="utf-8").removeprefix("<html>variant ")[:2]
    document = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    trucks = "truck_trips.csv" in csvs
    header = (folder / "csv" / "trips.csv").read_text(encoding="utf-8-sig").split(",")[0]
    sheets = load_workbook(folder / "plan.xlsx", read_only=True).sheetnames
    assert bool(document["deliveries"]) == trucks == (variant == "en")
    assert (header == "trip") == (sheets[0] == "trips") == (variant == "en")
    assert (header == "行程编号") == (sheets[0] == "行程") == (variant == "zh")
    return variant


def leftovers(out: Path) -> list[str]:
    """What writers left beside ``out`` (staging folders, lock files)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_writer_killed_at_a_random_moment_leaves_a_whole_folder(
    seed: int, tmp_path: Path
) -> None:
    """SIGKILL anywhere while a writer replaces the folder again and again: what is there is
    the previous complete plan folder or the new complete one, never a mix, never a 0-byte
    file; the next writer clears what the killed one left."""
    out = tmp_path / "plan"
    process = writer(out, "en", "zh")
    time.sleep(random.Random(seed).uniform(0.05, 1.5))  # the writer replaces about twice a second
    process.send_signal(signal.SIGKILL)
    process.communicate()
    if out.exists():  # killed before the first folder was in place: nothing at all
        folder_variant(out)
    write_variant(out, "zh", plan_day(read_day(VARIANTS["zh"][0])))
    assert folder_variant(out) == "zh"
    assert leftovers(out) == []


def test_two_writers_at_once_never_mix_their_files(tmp_path: Path) -> None:
    """Two processes writing different days into one folder: one waits for the other (the
    loser of the lock is told and tries again); every folder seen is whole."""
    out = tmp_path / "plan"
    first, second = writer(out, "en", times=4), writer(out, "zh", times=4)
    for process in (first, second):
        printed, errors = process.communicate()
        assert process.returncode == 0, errors
        assert printed.startswith("written 4")
    assert folder_variant(out) in ("en", "zh")
    assert leftovers(out) == []


def test_a_second_writer_is_refused_while_one_writes(tmp_path: Path) -> None:
    """The lock names the folder and the process holding it."""
    out = tmp_path / "plan"
    with (
        lock_held_elsewhere(out) as pid,
        pytest.raises(
            InputError, match=rf"/plan is being written by another charter run \(process {pid}\)"
        ),
        replaced_folder(out),
    ):
        pass
    assert not out.exists()
    with replaced_folder(out) as staging:  # free again
        (staging / "a").write_text("x", encoding="utf-8")
    assert (out / "a").read_text(encoding="utf-8") == "x"
    assert not lock_path(out).exists()


def test_the_lock_is_reentrant_in_its_thread(tmp_path: Path) -> None:
    """A command takes the lock before planning; its writer takes it again."""
    out = tmp_path / "plan"
    with output_lock(out), replaced_folder(out) as staging:
        (staging / "a").write_text("x", encoding="utf-8")
    assert (out / "a").is_file() and not lock_path(out).exists()


def test_nothing_of_an_earlier_folder_survives(tmp_path: Path) -> None:
    """A day with trucks, then one without: no truck CSV of the first stays."""
    out = tmp_path / "plan"
    write_variant(out, "en", plan_day(read_day(VARIANTS["en"][0])))
    assert (out / "csv" / "truck_trips.csv").is_file()
    (out / "csv" / "trips.csv").unlink()
    write_variant(out, "zh", plan_day(read_day(VARIANTS["zh"][0])))
    assert folder_variant(out) == "zh"
    assert not (out / "csv" / "truck_trips.csv").exists()


@pytest.mark.parametrize("link", ["plan.json", "csv/trips.csv", "map.html"])
def test_a_link_in_the_folder_is_never_written_through(link: str, tmp_path: Path) -> None:
    """A plan.json (or csv/trips.csv, map.html) that is a link to another file: the new
    folder replaces the link; the file it pointed to is untouched."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "plan"
    (out / "csv").mkdir(parents=True)
    (out / link).symlink_to(victim)
    write_variant(out, "zh", plan_day(read_day(VARIANTS["zh"][0])))
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (out / link).is_symlink()
    assert folder_variant(out) == "zh"


def test_a_failed_write_keeps_the_previous_folder(tmp_path: Path) -> None:
    """An error while writing removes the new folder; the old one stays as it was."""
    out = tmp_path / "plan"
    out.mkdir()
    (out / "plan.json").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"), replaced_folder(out) as staging:
        (staging / "plan.json").write_text("new", encoding="utf-8")
        raise RuntimeError("disk full")
    assert (out / "plan.json").read_text(encoding="utf-8") == "old"
    assert leftovers(out) == []


def test_a_file_is_written_whole_and_a_link_replaced(tmp_path: Path) -> None:
    """replaced_file: the writer fills a new file; a link at the path is replaced, not
    followed; a failed write leaves the old file."""
    victim = tmp_path / "victim.html"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "map.html"
    target.symlink_to(victim)
    replaced_file(target, lambda path: path.write_text("map", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "map" and not target.is_symlink()
    assert victim.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(OSError, match="no space"):
        replaced_file(target, lambda path: (_ for _ in ()).throw(OSError("no space")))
    assert target.read_text(encoding="utf-8") == "map"
    assert [p.name for p in tmp_path.iterdir() if NEW_MARK in p.name] == []


def test_new_folders_and_files_get_the_usual_permissions(tmp_path: Path) -> None:
    """Not the 0700/0600 of temporary files: the umask decides, as for any other file."""
    old = os.umask(0o022)
    try:
        with replaced_folder(tmp_path / "plan") as staging:
            (staging / "a").write_text("x", encoding="utf-8")
        replaced_file(tmp_path / "map.html", lambda p: p.write_text("m", encoding="utf-8"))
    finally:
        os.umask(old)
    assert (tmp_path / "plan").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "map.html").stat().st_mode & 0o777 == 0o644


def test_a_fifo_named_like_a_table_in_the_folder_does_not_block(tmp_path: Path) -> None:
    """csv/trips.csv of the old folder is a FIFO: it is dropped with the old folder, never
    opened (opening it to write would wait for a reader forever)."""
    out = tmp_path / "plan"
    (out / "csv").mkdir(parents=True)
    os.mkfifo(out / "csv" / "trips.csv")
    write_variant(out, "zh", plan_day(read_day(VARIANTS["zh"][0])))
    assert folder_variant(out) == "zh"
