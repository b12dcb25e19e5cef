"""Tests for maps.geometry: compact coordinate encoding, simplification, bounds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiLineString, Polygon

from maps.geometry import (
    Bounds,
    area_polygons,
    decode,
    decode_parts,
    encode,
    encode_parts,
    label_point,
    line_parts,
    simplify_lines,
    simplify_path,
)

lon = st.floats(119.8, 121.5, allow_nan=False)
lat = st.floats(30.6, 32.2, allow_nan=False)
points = st.lists(st.tuples(lon, lat), min_size=1, max_size=30)


@given(st.lists(points, min_size=1, max_size=5))
def test_encoded_parts_decode_to_the_points_rounded_to_5_decimals(
    parts: list[list[tuple[float, float]]],
) -> None:
    decoded = decode_parts(encode_parts(parts))
    assert len(decoded) == len(parts)
    for original, back in zip(parts, decoded, strict=True):
        # as the encoder rounds (x × 1e5 to an integer): round(x, 5) differs at exact halves,
        # e.g. 31.159795 (a literal of tools/demo_supply.py that hypothesis draws)
        rounded = [(round(x * 1e5) / 1e5, round(y * 1e5) / 1e5) for x, y in original]
        deduplicated = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
        assert len(back) == len(deduplicated)
        flat_back = [v for point in back for v in point]
        flat_expected = [v for point in deduplicated for v in point]
        assert flat_back == pytest.approx(flat_expected, abs=1e-9)


def test_encoding_is_compact_deltas_in_1e5_degrees() -> None:
    assert encode([(120.60668, 31.33188), (120.60670, 31.33190)]) == [3133188, 12060668, 2, 2]
    assert decode([3133188, 12060668, 2, 2]) == [(120.60668, 31.33188), (120.6067, 31.3319)]
    # the second part starts from the end of the first
    assert encode_parts([[(120.0, 31.0), (120.00001, 31.0)], [(120.00002, 31.0)]]) == [
        [3100000, 12000000, 0, 1],
        [0, 1],
    ]


def test_touching_segments_merge_and_collinear_points_go() -> None:
    segments = [[(120.0, 31.0), (120.1, 31.0)], [(120.1, 31.0), (120.2, 31.0)]]
    assert simplify_lines(segments, 0.001) == [[(120.0, 31.0), (120.2, 31.0)]]
    assert simplify_lines(MultiLineString(segments), 0.001, merge=False) == segments
    assert line_parts([[(120.0, 31.0)]]) == []  # one point is no line


def test_simplify_path_keeps_the_ends_and_the_corners() -> None:
    path = [(120.0, 31.0), (120.05, 31.0), (120.1, 31.0), (120.1, 31.1)]
    assert simplify_path(path) == [(120.0, 31.0), (120.1, 31.0), (120.1, 31.1)]
    assert simplify_path(path[:2]) == path[:2]


def test_area_polygons_keep_holes_and_label_inside() -> None:
    shell = [(120.0, 31.0), (120.2, 31.0), (120.2, 31.2), (120.0, 31.2)]
    hole = [(120.05, 31.05), (120.15, 31.05), (120.15, 31.15), (120.05, 31.15)]
    donut = Polygon(shell, [hole])
    ((outer, inner),) = area_polygons(donut)
    decoded = decode_parts([outer, inner])
    assert set(decoded[0]) == {*shell}
    assert set(decoded[1]) == {*hole}
    x, y = label_point(donut)
    assert donut.contains(Polygon([(x, y), (x + 1e-9, y), (x, y + 1e-9)]).centroid)


def test_bounds() -> None:
    assert Bounds.around([]) is None
    one = Bounds.around([(120.5, 31.3)])
    assert one is not None
    assert one.padded(0.02).leaflet() == [[31.29, 120.49], [31.31, 120.51]]
    with pytest.raises(ValueError, match="inverted"):
        Bounds(121.0, 31.0, 120.0, 32.0)
