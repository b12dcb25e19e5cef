"""Tests of tools/build_roads.py: the embedded npz is what the script makes from shared data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tools.build_roads import DEFAULT_OUT, DEFAULT_SOURCE, largest_component, main, read_geojson


@pytest.mark.skipif(not DEFAULT_SOURCE.is_file(), reason="needs ../shared/data beside the repo")
def test_rebuild_matches_the_committed_package_data(tmp_path: Path) -> None:
    """Running the script again gives the same arrays as stations/data/roads.npz."""
    out = tmp_path / "roads.npz"
    main(["--out", str(out)])
    with np.load(out) as fresh, np.load(DEFAULT_OUT) as committed:
        for key in ("node_lon", "node_lat", "seg_u", "seg_v", "seg_km", "attribution"):
            assert np.array_equal(fresh[key], committed[key]), key


def test_largest_component_drops_small_islands(tmp_path: Path) -> None:
    """A two-segment island next to a three-segment network is dropped."""
    src = tmp_path / "g.geojson"
    feats = []
    for u, v, a, b in [
        (1, 2, (120.0, 31.0), (120.1, 31.0)),
        (2, 3, (120.1, 31.0), (120.2, 31.0)),
        (3, 4, (120.2, 31.0), (120.3, 31.0)),
        (7, 8, (121.0, 31.0), (121.1, 31.0)),
        (8, 9, (121.1, 31.0), (121.2, 31.0)),
        (9, 9, (121.2, 31.0), (121.2, 31.0)),
    ]:
        feats.append(
            '{"type":"Feature","geometry":{"type":"LineString","coordinates":'
            f'[[{a[0]},{a[1]}],[{b[0]},{b[1]}]]}},"properties":{{"u":{u},"v":{v},"length_km":1.0}}}}'
        )
    src.write_text('{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}")
    roads = largest_component(read_geojson(src))
    assert roads.node_lon.tolist() == [120.0, 120.1, 120.2, 120.3]
    assert roads.seg_u.tolist() == [0, 1, 2] and roads.seg_v.tolist() == [1, 2, 3]
