"""Tests of routing.network.geo: great-circle lengths, the local projection, point–segment feet."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.network.geo import LocalProjection, bearing_deg, haversine_km, project_on_segments


def test_one_degree_of_latitude_is_111_km() -> None:
    """A meridian degree on the mean-radius sphere is 111.195 km."""
    assert float(haversine_km(120.0, 31.0, 120.0, 32.0)) == pytest.approx(111.195, abs=0.001)


@given(st.floats(119.8, 121.5), st.floats(30.6, 32.2))
def test_projection_round_trips(lon: float, lat: float) -> None:
    """to_km then to_lon_lat gives the point back."""
    proj = LocalProjection(120.6, 31.3)
    x, y = proj.to_km(lon, lat)
    back = proj.to_lon_lat(x, y)
    assert float(back[0]) == pytest.approx(lon, abs=1e-9)
    assert float(back[1]) == pytest.approx(lat, abs=1e-9)


@given(st.floats(119.8, 121.5), st.floats(30.6, 32.2))
def test_projection_distance_is_within_half_a_percent(lon: float, lat: float) -> None:
    """Over the Suzhou area the projected distance matches the great circle closely."""
    proj = LocalProjection(120.6, 31.3)
    x, y = proj.to_km(lon, lat)
    true = float(haversine_km(120.6, 31.3, lon, lat))
    if true > 1.0:
        assert float(np.hypot(x, y)) == pytest.approx(true, rel=0.005)


def test_projection_on_segment_clips_to_its_ends() -> None:
    """Feet before, on and past a segment from (0,0) to (2,0)."""
    px, py = np.array([-1.0, 1.0, 3.0]), np.array([1.0, 1.0, 0.0])
    zeros = np.zeros(3)
    t, d = project_on_segments(px, py, zeros, zeros, np.full(3, 2.0), zeros)
    assert t.tolist() == [0.0, 0.5, 1.0]
    assert d == pytest.approx([np.sqrt(2), 1.0, 1.0])


def test_bearing_is_undirected() -> None:
    """East and west are the same bearing; north is 90."""
    b = bearing_deg(np.zeros(3), np.zeros(3), np.array([1.0, -1.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    assert b.tolist() == [0.0, 0.0, 90.0]
