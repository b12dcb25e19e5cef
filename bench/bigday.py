"""A synthetic big planning day on the real Suzhou places (seeded), for the scale benchmark.

The demo day's generator (``tools.build_demo``) scaled up: the same train waves, employer
clusters in the industrial districts near the roads, worker batches, health codes, risk
regions, exits and permit rules, but with any number of workers, employers and buses, and
more bus operators and depots. The default is the scale yardstick of the design: 20,000
workers at the 10 embedded stations, 800 employers, 600 buses. Nothing is committed: the day
is written into a folder (a temporary one in ``bench.scale``) and the seed makes it
reproducible.

Run: ``python -m bench.bigday OUT [--workers N] [--employers N] [--buses N] [--seed N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from routing.network.roads import RoadNetwork
from stations.embedded import default_stations
from tools.build_demo import (
    BATCH,
    DATE,
    DISTRICTS,
    ON_THEIR_OWN,
    RUNS,
    WORKERS,
    OperatorRow,
    _check_reachable,
    _write_tables,
    make_depots,
    make_enterprises,
    make_fleet,
    make_shipments,
    make_timetable,
    make_workers,
)

logger = logging.getLogger(__name__)

SEED = 20200302
# Bus operators of the big day: code, name, yards (id, name, nominal lon/lat), fleet share.
# Depot ids must differ from the goods operators' yards (tools.build_demo.GOODS_OPERATORS).
BIG_OPERATORS: tuple[tuple[str, str, tuple[tuple[str, str, float, float], ...], float], ...] = (
    (
        "A",
        "苏州示例旅游客运有限公司",
        (
            ("depot_a1", "相城车场", 120.640, 31.445),
            ("depot_a2", "吴中车场", 120.625, 31.265),
            ("depot_a3", "高新区车场", 120.500, 31.330),
        ),
        0.30,
    ),
    (
        "B",
        "昆山示例汽车客运有限公司",
        (("depot_b1", "昆山车场", 120.985, 31.390), ("depot_b2", "花桥车场", 121.080, 31.310)),
        0.20,
    ),
    (
        "C",
        "园区示例公交包车有限公司",
        (("depot_c1", "园区车场", 120.755, 31.300), ("depot_c2", "常熟车场", 120.760, 31.640)),
        0.25,
    ),
    ("E", "吴江示例客运有限公司", (("depot_e1", "吴江车场", 120.640, 31.160),), 0.10),
    (
        "H",
        "沿江示例客运有限公司",
        (("depot_h1", "张家港车场", 120.550, 31.870), ("depot_h2", "太仓车场", 121.110, 31.450)),
        0.15,
    ),
)
# Share of buses in each special permit situation (the rest hold a valid passenger permit).
PERMIT_SHARES: tuple[tuple[tuple[str, str, str] | None, float], ...] = (
    (None, 0.010),  # no permit
    (("passenger", "2018-02-24", "2020-02-23"), 0.010),  # expired the day before
    (("passenger", "2020-03-01", "2022-02-28"), 0.005),  # not yet valid
    (("passenger", "2018-02-24", "2020-02-24T13:00"), 0.005),  # expires at 13:00
    (("goods", "2019-05-01", "2021-04-30"), 0.005),  # goods permit only
)


@dataclass(frozen=True, slots=True)
class BigDaySpec:
    """Size and seed of a synthetic day.

    Parameters
    ----------
    workers
        Registered workers. Default 20,000.
    employers
        Employers, spread over the industrial districts like the demo's. Default 800.
    buses
        Buses of the five operators (a few without a valid passenger permit). Default 600.
    seed
        Seed of every random draw. Default ``SEED``.
    batch
        Workers an employer books on one train (1–2: a sparse day). Default as the demo (18).
    on_their_own
        Share of workers who take any train to the employer's nearest station. Default as
        the demo (0.05).
    runs
        Train runs in the timetable (more runs spread the arrivals). Default 0: the demo's
        120, scaled up with the workers.
    """

    workers: int = 20_000
    employers: int = 800
    buses: int = 600
    seed: int = SEED
    batch: float = BATCH
    on_their_own: float = ON_THEIR_OWN
    runs: int = 0

    def __post_init__(self) -> None:
        if min(self.workers, self.employers, self.buses) < 1:
            raise ValueError(f"workers, employers and buses must be >= 1: {self}")
        if self.batch <= 0 or not 0.0 <= self.on_their_own <= 1.0:
            raise ValueError(f"batch must be > 0 and on_their_own in [0, 1]: {self}")


def _shares(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders, sums exactly)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    counts = np.floor(raw).astype(int)
    for k in np.argsort(-(raw - counts), kind="stable")[: total - int(counts.sum())]:
        counts[k] += 1
    return [int(c) for c in counts]


def operators(network: RoadNetwork, buses: int) -> list[OperatorRow]:
    """The five operators with ``buses`` buses shared out, yards on the nearest road node."""
    counts = _shares(buses, [share for *_, share in BIG_OPERATORS])
    rows: list[OperatorRow] = []
    for (code, name, yards, _), count in zip(BIG_OPERATORS, counts, strict=True):
        placed = []
        for depot_id, yard, lon, lat in yards:
            node = int(np.argmin((network.node_lon - lon) ** 2 + (network.node_lat - lat) ** 2))
            placed.append(
                (depot_id, yard, float(network.node_lon[node]), float(network.node_lat[node]))
            )
        rows.append((code, name, tuple(placed), count))
    return rows


def permit_cases(rng: np.random.Generator, buses: int) -> dict[int, tuple[str, str, str] | None]:
    """Bus index → special permit (``PERMIT_SHARES``); the others get a valid one."""
    order = rng.permutation(buses)
    cases: dict[int, tuple[str, str, str] | None] = {}
    start = 0
    for permit, share in PERMIT_SHARES:
        count = round(buses * share)
        for index in order[start : start + count]:
            cases[int(index)] = permit
        start += count
    return cases


def build_bigday(out: Path, spec: BigDaySpec | None = None) -> Path:
    """Write a synthetic day of ``spec``'s size into the folder ``out`` and return it.

    Parameters
    ----------
    out
        The day folder (created if missing; its tables are overwritten).
    spec
        Size and seed. Default ``BigDaySpec()`` (20,000 workers, 800 employers, 600 buses).
    """
    spec = spec or BigDaySpec()
    rng = np.random.default_rng(spec.seed)
    network = RoadNetwork.embedded()
    stations = default_stations().values_list()
    counts = dict(
        zip(
            DISTRICTS,
            _shares(spec.employers, [count for count, _, _ in DISTRICTS.values()]),
            strict=True,
        )
    )
    enterprises = make_enterprises(rng, network, counts=counts)
    fleet_operators = operators(network, spec.buses)
    depots = make_depots(network, operators=fleet_operators)
    runs = spec.runs or max(RUNS, round(RUNS * spec.workers / WORKERS))
    stops = make_timetable(rng, runs=runs)
    workers = make_workers(
        rng,
        enterprises,
        stations,
        stops,
        workers_total=spec.workers,
        batch=spec.batch,
        on_their_own=spec.on_their_own,
    )
    fleet = make_fleet(rng, operators=fleet_operators, permit_cases=permit_cases(rng, spec.buses))
    shipments = make_shipments(rng, enterprises, depots)
    _check_reachable(network, stations, enterprises, depots)
    out.mkdir(parents=True, exist_ok=True)
    _write_tables(out, enterprises, depots, workers, fleet, shipments)
    (out / "policy.toml").write_text(
        "# Synthetic big day (bench.bigday): the seed documents' defaults.\n"
        f"planning_date = {DATE.isoformat()}\nseed = {spec.seed % 2**31}\n",
        encoding="utf-8",
    )
    logger.info(
        "wrote a synthetic day to %s: %d workers, %d employers, %d buses",
        out,
        len(workers),
        len(enterprises),
        spec.buses,
    )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m bench.bigday OUT [--workers N] …``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    defaults = BigDaySpec()
    for field in dataclasses.fields(BigDaySpec):
        kind = float if field.name in ("batch", "on_their_own") else int
        parser.add_argument(f"--{field.name}", type=kind, default=getattr(defaults, field.name))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    spec = BigDaySpec(**{f.name: getattr(args, f.name) for f in dataclasses.fields(BigDaySpec)})
    build_bigday(args.out, spec)


if __name__ == "__main__":
    main()
