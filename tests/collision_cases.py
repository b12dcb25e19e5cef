"""Days whose ids collide between tables: supply_small (tests/data/days) with one place's id
given to a place of another kind — an employer with a station's id, a depot with an
employer's, an exit with a station's … — for the tests that every output keeps place kinds
apart."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.paths import DATA

SUPPLY_SMALL = DATA / "days" / "supply_small"
# (table, id column) of every table that holds an id of each kind, and where it is referred to
_KIND_COLUMNS = {
    "station": ("stations.csv", "station_id", (("arrivals.csv", "station_id"),)),
    "enterprise": ("enterprises.csv", "enterprise_id", (("arrivals.csv", "enterprise_id"),)),
    "depot": ("depots.csv", "depot_id", (("fleet.csv", "depot_id"),)),
}


@dataclass(frozen=True, slots=True)
class Collision:
    """Places of different kinds renamed to one id.

    ``renames`` are (kind, old id, new id); an exit keeps its embedded id (the others take it).
    """

    name: str
    renames: tuple[tuple[str, str, str], ...]

    def write(self, folder: Path) -> Path:
        """The day with the renames applied, as a folder under ``folder``; every shipment end
        that names a place names it ``kind:id``."""
        day = folder / self.name
        shutil.copytree(SUPPLY_SMALL, day)
        kinds = {row["exit_id"]: "exit" for row in _rows(day / "exits.csv")}
        for kind, (table, column, _) in _KIND_COLUMNS.items():
            kinds |= {row[column]: kind for row in _rows(day / table)}
        renamed = {(kind, old): new for kind, old, new in self.renames}
        for kind, old, new in self.renames:
            if kind in _KIND_COLUMNS:
                table, column, references = _KIND_COLUMNS[kind]
                for name, key in ((table, column), *references):
                    _rewrite(day / name, key, lambda v, o=old, n=new: n if v == o else v)

        def typed(value: str) -> str:
            kind = kinds.get(value)
            return value if kind is None else f"{kind}:{renamed.get((kind, value), value)}"

        for end in ("origin", "destination"):
            _rewrite(day / "shipments.csv", end, typed)
        return day


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _rewrite(path: Path, column: str, change: Callable[[str], str]) -> None:
    rows = _rows(path)
    for row in rows:
        row[column] = change(row[column])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# Every pair of kinds that share an id on some day (buses: station, employer, depot; trucks:
# their depot and the shipment ends; exits), and all three bus kinds at once.
COLLISIONS = (
    Collision("employer_is_station", (("enterprise", "E1", "yq_test"),)),
    Collision("depot_is_employer", (("depot", "D1", "E1"),)),
    Collision("depot_is_station", (("depot", "D1", "yq_test"),)),
    Collision("truck_depot_is_employer", (("depot", "D2", "E1"),)),
    Collision("station_is_exit", (("station", "yq_test", "bx08"), ("exit", "bx08", "bx08"))),
    Collision("employer_is_exit", (("enterprise", "E2", "bx08"), ("exit", "bx08", "bx08"))),
    Collision(
        "all_three",
        (("station", "yq_test", "X"), ("enterprise", "E1", "X"), ("depot", "D1", "X")),
    ),
)
