"""Tests for bench.bigday: the synthetic big day is a valid planning day, reproducible by seed."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from bench.bigday import BigDaySpec, build_bigday
from dispatch.intake.reader import read_day
from stations.errors import SnapWarning

TINY = BigDaySpec(workers=300, employers=40, buses=30, seed=7)


@pytest.fixture(scope="module")
def tiny_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-worker day with 40 employers and 30 buses (seed 7)."""
    return build_bigday(tmp_path_factory.mktemp("tiny") / "day", TINY)


def test_tiny_day_reads_without_problems(tiny_day: Path) -> None:
    """The generated tables pass intake: the requested sizes, every bus of five operators."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnapWarning)
        day = read_day(tiny_day)
    assert len(day.arrivals) == 300
    assert len(day.enterprises) == 40
    buses = [v for v in day.fleet if v.vehicle_class.value == "bus"]
    assert len(buses) == 30
    assert len({v.operator for v in buses}) == 5


def test_same_seed_same_tables(tiny_day: Path, tmp_path: Path) -> None:
    """A second build with the same spec writes byte-identical tables; another seed does not."""
    again = build_bigday(tmp_path / "again", TINY)
    names = sorted(p.name for p in tiny_day.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (tiny_day / name).read_bytes() == (again / name).read_bytes(), name
    other = build_bigday(tmp_path / "other", BigDaySpec(300, 40, 30, seed=8))
    assert (other / "arrivals.csv").read_bytes() != (tiny_day / "arrivals.csv").read_bytes()


def test_spec_rejects_an_empty_day() -> None:
    """Sizes must be positive."""
    with pytest.raises(ValueError, match="must be >= 1"):
        BigDaySpec(workers=0)
