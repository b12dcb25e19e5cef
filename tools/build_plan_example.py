"""Build ``docs/examples/plan.json``: the plan of the fixture day ``tests/data/days/plan_small``.

The example documents plan.json in docs/API.md and is a test fixture (``tests/test_plan_json``
checks that the writer still produces its shape). Run from the repository root::

    python -m tools.build_plan_example [--out docs/examples/plan.json]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch.intake.reader import read_day
from dispatch.outputs.plan_json import write_plan_json
from dispatch.planner import plan_day

ROOT = Path(__file__).resolve().parents[1]
DAY = ROOT / "tests" / "data" / "days" / "plan_small"
OUT = ROOT / "docs" / "examples" / "plan.json"


def build(out: Path = OUT) -> Path:
    """Plan the fixture day and write its plan.json to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    write_plan_json(plan_day(read_day(DAY)), out)
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT, help="file to write")
    print(build(parser.parse_args().out))


if __name__ == "__main__":
    main()
