"""Build the embedded road network ``stations/data/roads.npz`` from the shared OSM-derived GeoJSON.

Reads ``../shared/data/suzhou_highways_scgraph.geojson`` (see its entry in
``stations/data/SOURCES.md``), keeps the largest connected component, drops duplicate and
loop segments and writes node positions, segment end indices, lengths and the attribution
into one compressed ``.npz`` that the installed tool reads (never the shared folder).

Run from the repository root::

    python -m tools.build_roads [--source PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "suzhou_highways_scgraph.geojson"
DEFAULT_OUT = ROOT / "stations" / "data" / "roads.npz"
NAME = "Suzhou major roads (OSM via scgraph-data 2.0.0)"

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RoadArrays:
    """The compact network: node positions and segments as node indices."""

    node_lon: npt.NDArray[np.float64]
    node_lat: npt.NDArray[np.float64]
    seg_u: npt.NDArray[np.int32]
    seg_v: npt.NDArray[np.int32]
    seg_km: npt.NDArray[np.float64]
    attribution: str


def read_geojson(path: Path) -> RoadArrays:
    """Read the scgraph GeoJSON into arrays (all components, duplicates removed)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    positions: dict[int, tuple[float, float]] = {}
    segments: dict[tuple[int, int], float] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        coords = feature["geometry"]["coordinates"]
        u, v = int(props["u"]), int(props["v"])
        for node, (lon, lat) in ((u, coords[0]), (v, coords[-1])):
            old = positions.setdefault(node, (float(lon), float(lat)))
            if old != (float(lon), float(lat)):
                raise ValueError(f"node {node} has two positions: {old} and {(lon, lat)}")
        if u == v:
            continue
        key = (min(u, v), max(u, v))
        segments[key] = min(segments.get(key, np.inf), float(props["length_km"]))
    ids = np.array(sorted(positions), dtype=np.int64)
    index = {int(n): i for i, n in enumerate(ids)}
    keys = sorted(segments)
    return RoadArrays(
        node_lon=np.array([positions[int(n)][0] for n in ids]),
        node_lat=np.array([positions[int(n)][1] for n in ids]),
        seg_u=np.array([index[a] for a, _ in keys], dtype=np.int32),
        seg_v=np.array([index[b] for _, b in keys], dtype=np.int32),
        seg_km=np.array([segments[k] for k in keys]),
        attribution=str(collection.get("attribution", "© OpenStreetMap contributors")),
    )


def largest_component(roads: RoadArrays) -> RoadArrays:
    """Keep the largest connected component, renumbering nodes in their original order."""
    n = roads.node_lon.size
    adj = coo_matrix((np.ones(roads.seg_u.size), (roads.seg_u, roads.seg_v)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    keep = labels == np.argmax(np.bincount(labels))
    new = np.cumsum(keep) - 1
    seg_keep = keep[roads.seg_u] & keep[roads.seg_v]
    return RoadArrays(
        node_lon=roads.node_lon[keep],
        node_lat=roads.node_lat[keep],
        seg_u=new[roads.seg_u[seg_keep]].astype(np.int32),
        seg_v=new[roads.seg_v[seg_keep]].astype(np.int32),
        seg_km=roads.seg_km[seg_keep],
        attribution=roads.attribution,
    )


def write_npz(roads: RoadArrays, out: Path, *, source: Path) -> str:
    """Write the compressed package-data file; returns its SHA-256."""
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        node_lon=roads.node_lon,
        node_lat=roads.node_lat,
        seg_u=roads.seg_u,
        seg_v=roads.seg_v,
        seg_km=roads.seg_km,
        attribution=np.array(roads.attribution),
        name=np.array(NAME),
        source=np.array(f"{source.name} (sha256 {_sha256(source)[:16]})"),
    )
    return _sha256(out)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    """Command line: build the npz and log what was kept."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    everything = read_geojson(args.source)
    roads = largest_component(everything)
    digest = write_npz(roads, args.out, source=args.source)
    logger.info(
        "read %d nodes / %d segments; kept %d nodes / %d segments (%.0f km); wrote %s "
        "(%d bytes, sha256 %s)",
        everything.node_lon.size,
        everything.seg_u.size,
        roads.node_lon.size,
        roads.seg_u.size,
        roads.seg_km.sum(),
        args.out,
        args.out.stat().st_size,
        digest[:16],
    )


if __name__ == "__main__":
    main()
