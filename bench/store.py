"""The day store's benchmark: saving and reading back a big plan version, and ``charter stats``
over 30 stored days (``bench/results/store.md``).

1. Make the 20,000-worker day (``bench.bigday``), plan it once (a short solver budget: the
   plan's quality does not matter here), then save it into a new SQLite file: the time of
   ``save_plan``, the database's size; read it back: ``version`` (the plan document) and
   ``load_plan`` (the exact plan on its rebuilt day), and the plan folder written from it.
2. Save the same plan moved to 29 more dates (:func:`on_date`), then time ``charter stats``
   over the 30 days (the command in a new process: start-up, queries, terminal tables,
   stats.xlsx and stats.html).

With ``--pg URL`` the same is measured on PostgreSQL too.

With ``--cache FILE`` the planned day is kept in (and read back from) a store file, so a rerun
does not plan it again. The PostgreSQL database of ``--pg`` should be empty.

Run: ``python -m bench.store [--workers N] [--days N] [--pg URL] [--cache F] [--out F]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from stations.model import Registry

if TYPE_CHECKING:
    from dispatch.plan import Plan

logger = logging.getLogger(__name__)

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]


def _moved(value: object, delta: dt.timedelta) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value + delta
    if isinstance(value, tuple):
        return tuple(_moved(v, delta) for v in value)
    if isinstance(value, dict):
        return {k: _moved(v, delta) for k, v in value.items()}
    if isinstance(value, Registry):
        return Registry(value.kind, tuple((k, _moved(v, delta)) for k, v in value.entries))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _moved(getattr(value, f.name), delta)
            for f in dataclasses.fields(value)
            if f.init and f.name != "network"
        }
        return dataclasses.replace(value, **changes)
    return value


def on_date(value: T, date: dt.date, *, since: dt.date) -> T:
    """``value`` (a ``Plan``, a ``Day`` or any of their parts) with every date and time moved
    by ``date - since`` days: the same plan on another day. A plan's road network is left out.

    Parameters
    ----------
    value
        What to move.
    date
        The new date.
    since
        The date ``value`` is on.
    """
    moved = _moved(value, date - since)
    assert isinstance(moved, type(value))
    return moved


@dataclasses.dataclass(frozen=True, slots=True)
class Figures:
    """What one back end measured."""

    backend: str
    workers: int
    save_s: float
    size_mib: float | None
    read_document_s: float
    load_plan_s: float
    folder_s: float
    days: int
    save_days_s: float
    stats_s: float
    size_days_mib: float | None


def _plan(folder: Path, workers: int, cache: Path | None) -> Plan:
    """The big day planned, or read back from the store ``cache`` when it holds it (planning
    it takes minutes; a stored plan comes back exactly)."""
    if cache is not None and cache.exists():
        from store.location import parse_location
        from store.sql.sqlstore import open_store

        store = open_store(parse_location(str(cache)), user="bench")
        for day in store.days():
            if day.latest.workers_registered == workers:
                plan = store.load_plan(day.date, personal=True)
                store.close()
                build_day_folder(folder, workers)
                return plan
        store.close()
    plan = _planned(folder, workers)
    if cache is not None:
        from store.location import parse_location
        from store.provenance import provenance_of
        from store.repository import RunOptions
        from store.sql.sqlstore import open_store

        store = open_store(parse_location(str(cache)), user="bench")
        store.save_plan(plan, provenance=provenance_of(folder), options=RunOptions("bench"))
        store.close()
    return plan


def build_day_folder(folder: Path, workers: int) -> None:
    """The big day's folder (its files are the inputs' provenance)."""
    from bench.bigday import BigDaySpec, build_bigday

    build_bigday(folder, BigDaySpec(workers=workers))


def _planned(folder: Path, workers: int) -> Plan:
    from bench.bigday import BigDaySpec, build_bigday
    from dispatch.intake.reader import read_day
    from dispatch.planner import plan_day
    from dispatch.policy import resolve_policy

    build_bigday(folder, BigDaySpec(workers=workers))
    flags = {"time_limit_s": 60.0, "effort": 300, "seed": None}
    day = read_day(folder, resolve=lambda own: resolve_policy(flags, file=None, base=own))
    return plan_day(day)


def _size(path: Path | None) -> float | None:
    return None if path is None else path.stat().st_size / 2**20


def measure(plan: Plan, url: str, backend: str, *, days: int, scratch: Path) -> Figures:
    """Save, read back and take statistics of ``plan`` in the store at ``url``."""
    from dispatch.outputs.plan_folder import write_plan
    from dispatch.outputs.plan_json import plan_document
    from store.location import parse_location
    from store.provenance import provenance_of
    from store.repository import RunOptions
    from store.sql.sqlstore import open_store

    location = parse_location(url)
    store = open_store(location, user="bench")
    options = RunOptions("bench")
    provenance = provenance_of(scratch / "day")
    document = plan_document(plan)  # made by the plan folder's writer, as in charter plan --store
    started = time.perf_counter()
    store.save_plan(plan, provenance=provenance, options=options, document=document)
    save_s = time.perf_counter() - started
    size = _size(location.path)
    date = plan.day.date
    started = time.perf_counter()
    store.version(date)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    loaded = store.load_plan(date, personal=True)
    load_s = time.perf_counter() - started
    assert loaded.day.replace(source=plan.day.source) == plan.day
    assert dataclasses.replace(loaded, day=plan.day) == plan
    started = time.perf_counter()
    write_plan(loaded, scratch / f"folder-{backend}")
    folder_s = time.perf_counter() - started
    started = time.perf_counter()
    for offset in range(1, days):
        moved = on_date(plan, date + dt.timedelta(days=offset), since=date)
        store.save_plan(moved, provenance=provenance, options=options)
    save_days_s = time.perf_counter() - started
    store.close()
    started = time.perf_counter()
    end = date + dt.timedelta(days=days - 1)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "charter",
            "stats",
            "--from",
            str(date),
            "--to",
            str(end),
            "--db",
            url,
            "--out",
            str(scratch / f"stats-{backend}"),
            "--quiet",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    stats_s = time.perf_counter() - started
    return Figures(
        backend,
        plan.kpis.workers_registered,
        save_s,
        size,
        read_s,
        load_s,
        folder_s,
        days,
        save_days_s,
        stats_s,
        _size(location.path),
    )


def _report(figures: Sequence[Figures]) -> str:
    lines = [
        "| back end | workers | save a version | database | read the document | load the plan "
        "| write its plan folder | save 29 more days | `charter stats` over the days | database "
        "with the days |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        size = "–" if f.size_mib is None else f"{f.size_mib:.1f} MiB"
        size_days = "–" if f.size_days_mib is None else f"{f.size_days_mib:.1f} MiB"
        each = f.save_days_s / max(1, f.days - 1)
        lines.append(
            f"| {f.backend} | {f.workers:,} | {f.save_s:.2f} s | {size} "
            f"| {f.read_document_s:.2f} s | {f.load_plan_s:.2f} s | {f.folder_s:.1f} s "
            f"| {f.save_days_s:.1f} s ({each:.2f} s each, moving the plan included) "
            f"| {f.stats_s:.2f} s ({f.days} days) | {size_days} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m bench.store [--workers N] [--days N] [--pg URL] [--out F]``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL to measure too")
    parser.add_argument("--out", type=Path, default=None, help="append the table to this file")
    parser.add_argument(
        "--cache", type=Path, default=None, help="a store file keeping the planned day for reruns"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="bench-store-") as name:
        scratch = Path(name)
        started = time.perf_counter()
        plan = _plan(scratch / "day", args.workers, args.cache)
        logger.info("planned %d workers in %.0f s", args.workers, time.perf_counter() - started)
        figures = [
            measure(plan, str(scratch / "charter.db"), "sqlite", days=args.days, scratch=scratch)
        ]
        if args.pg:
            figures.append(measure(plan, args.pg, "postgresql", days=args.days, scratch=scratch))
    table = _report(figures)
    sys.stdout.write(table)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(table)


if __name__ == "__main__":
    main()
