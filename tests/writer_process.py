"""A plan-folder writer to run in its own process, for the tests of atomic outputs (killed at a
random moment, or racing another writer): ``python -m tests.writer_process OUT VARIANTS…``.

It plans the variants once — ``en`` is supply_small in English (buses and trucks, truck CSVs),
``zh`` is plan_small in Chinese (buses only) — prints ``ready``, then writes them into ``OUT``
in turn until killed (or ``--times N`` writes), each with a map.html naming its variant. A
write that finds ``OUT`` locked by another writer is counted and tried again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dispatch.intake.reader import read_day
from dispatch.outputs.plan_folder import MAP_HTML, PlanFiles, write_plan
from dispatch.plan import Plan
from dispatch.planner import plan_day
from stations.errors import InputError
from stations.lang import Lang
from tests.paths import DATA

DAYS = DATA / "days"
VARIANTS = {"en": (DAYS / "supply_small", Lang.EN), "zh": (DAYS / "plan_small", Lang.ZH)}


def tag_map(variant: str) -> object:
    """An after-hook writing a small map.html that names ``variant``."""

    def draw(plan: Plan, files: PlanFiles) -> None:
        (files.folder / MAP_HTML).write_text(f"<html>variant {variant}</html>", encoding="utf-8")

    return draw


def write_variant(out: Path, variant: str, plan: Plan) -> None:
    """Write ``plan`` as ``variant`` into ``out``."""
    write_plan(plan, out, lang=VARIANTS[variant][1], after=tag_map(variant))  # type: ignore[arg-type]


def main(argv: list[str]) -> int:
    """Plan the variants, say ready, write them in turn."""
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("variants", nargs="+", choices=sorted(VARIANTS))
    parser.add_argument("--times", type=int, default=0, help="writes, then stop (0: forever)")
    args = parser.parse_args(argv)
    plans = {v: plan_day(read_day(VARIANTS[v][0])) for v in args.variants}
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    written = busy = 0
    while not args.times or written < args.times:
        variant = args.variants[(written + busy) % len(args.variants)]
        try:
            write_variant(args.out, variant, plans[variant])
            written += 1
        except InputError:
            busy += 1
            time.sleep(0.01)  # the other writer holds the folder
    sys.stdout.write(f"written {written} busy {busy}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
