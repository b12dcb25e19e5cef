"""A writer process for the fault tests: opens the store given as its first argument and saves
the hand-made plan of plan_small as new versions, saying ``saved N`` after each commit.

Run: ``python -m tests.store.store_writer DB COUNT [GO_FILE]`` — with ``GO_FILE`` it says
``ready`` once the store is open, then waits for that file to exist before saving.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path


def main(argv: list[str]) -> None:
    """Open, (wait,) save ``COUNT`` versions, saying each one's number."""
    warnings.simplefilter("ignore")
    from tests.store_cases import OPTIONS, hand_plan_on, opened, small_provenance

    db, count = argv[0], int(argv[1])
    go = Path(argv[2]) if len(argv) > 2 else None
    plan = hand_plan_on()
    store = opened(db, user=f"writer-{db[-6:]}")
    print("ready", flush=True)
    while go is not None and not go.exists():
        time.sleep(0.005)
    for _ in range(count):
        saved = store.save_plan(plan, provenance=small_provenance(), options=OPTIONS)
        print(f"saved {saved.version}", flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
