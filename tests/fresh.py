"""Running code in a new interpreter to see which libraries it imports (start-up tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT

# What the quick paths must not load: the solvers, Dask, folium, geopandas, the database.
HEAVY = frozenset(
    {
        "ortools",
        "pyvrp",
        "dask",
        "distributed",
        "folium",
        "geopandas",
        "sqlalchemy",
        "fastapi",
        "uvicorn",
        "starlette",
        "argon2",
        "alembic",
        "psycopg",
    }
)
_REPORT = (
    "\nimport json as _json, sys as _sys\n"
    "_sys.stdout.write('\\n' + _json.dumps(sorted({m.split('.')[0] for m in _sys.modules})))\n"
)


def run_fresh(code: str, *args: str, cwd: Path = ROOT) -> tuple[str, frozenset[str]]:
    """Run ``code`` (with ``sys.argv[1:] == args``) in a new interpreter that finds this
    repository first; what it printed, and the top-level modules it left imported."""
    done = subprocess.run(
        [sys.executable, "-c", code + _REPORT, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"},
        capture_output=True,
        text=True,
        check=False,
    )
    printed, _, modules = done.stdout.rpartition("\n")
    assert modules.startswith("["), done.stderr
    return printed, frozenset(json.loads(modules))
