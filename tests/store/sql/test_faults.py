"""Nothing lost under faults, on SQLite and PostgreSQL: a writer process killed at random points
while it saves leaves every committed version whole and nothing half-written; two writers
saving versions of one day at once (on a store neither has created yet) both land."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import ROOT
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance

WRITER = [sys.executable, "-m", "tests.store.store_writer"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _writer(db: str, count: int, go: Path | None = None) -> subprocess.Popen[str]:
    args = [*WRITER, db, str(count), *([str(go)] if go else [])]
    return subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True)


def _wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", line


def _saved(output: str) -> list[int]:
    return [int(line.split()[1]) for line in output.splitlines() if line.startswith("saved ")]


def _check_whole(db: str, *, at_least: int) -> int:
    """The store opens, its versions are 1…n with n ≥ ``at_least``, each whole (document,
    statistics rows, plan record, audit line); the number of versions."""
    if "://" not in db:
        with sqlite3.connect(db) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = opened(db)
    try:
        versions = store.versions(DATE)
        numbers = [v.version for v in versions]
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(numbers) >= at_least
        plan = hand_plan_on()
        for number in numbers:
            stored = store.version(DATE, number)  # checks the document's checksum
            assert stored.kpis == plan.kpis
        assert store.load_plan(DATE, numbers[-1], personal=True) == plan
        stats = store.stats(DATE, DATE)
        assert sum(e.transported for e in stats.employers) == plan.kpis.workers_transported
        saves = [e for e in store.audit(date=DATE, limit=10_000) if e.action == "save_plan"]
        assert sorted(e.version or 0 for e in saves) == numbers
        return len(numbers)
    finally:
        store.close()


@pytest.mark.parametrize("seed", [11, 12])
def test_a_writer_killed_while_saving_leaves_the_store_whole(db: str, seed: int) -> None:
    rng = random.Random(seed)
    store = opened(db)
    store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
    store.close()
    held = 1
    for _ in range(2):  # two kills at random moments of a writer's run, each checked
        process = _writer(db, 200)
        _wait_ready(process)
        time.sleep(rng.uniform(0.0, 0.8))
        process.kill()
        rest, _ = process.communicate()
        confirmed = max(_saved(rest), default=held)
        held = _check_whole(db, at_least=confirmed)


def test_two_writers_saving_one_day_at_once_both_land(db: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    writers = [_writer(db, 6, go) for _ in range(2)]
    for process in writers:
        _wait_ready(process)
    go.touch()
    numbers = []
    for process in writers:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        numbers.append(_saved(output))
    first, second = (set(n) for n in numbers)
    assert len(first) == len(second) == 6
    assert not first & second  # no version number given twice: no lost update
    assert first | second == set(range(1, 13))
    assert _check_whole(db, at_least=12) == 12
