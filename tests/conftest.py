"""Shared fixtures: small, hand-checkable places, networks and days (each with a docstring)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of small per-failure-mode input files (tests/data)."""
    return DATA
