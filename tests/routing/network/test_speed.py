"""Tests of routing.network.speed: profiles, the density speed model, road-class speeds, access
legs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.network.speed import (
    AccessLeg,
    ClassSpeeds,
    DensitySpeedModel,
    Profile,
    RoadClassSpeeds,
    VehicleClass,
)


def test_profiles_map_to_vehicle_classes() -> None:
    """Buses drive bus speeds; both truck profiles drive truck speeds."""
    assert Profile.BUS.vehicle is VehicleClass.BUS
    assert Profile.TRUCK.vehicle is VehicleClass.TRUCK
    assert Profile.TRUCK_PRIORITY.vehicle is VehicleClass.TRUCK


def test_density_model_corner_speeds() -> None:
    """Short urban segment → urban speed; short rural → rural; long rural → through speed."""
    model = DensitySpeedModel()
    urb = np.array([1.0, 0.0, 0.0, 1.0])
    length = np.array([0.2, 0.2, 10.0, 10.0])
    bus = model.segment_speeds(VehicleClass.BUS, urb, length)
    assert bus.tolist() == [28.0, 50.0, 70.0, 70.0]
    truck = model.segment_speeds(VehicleClass.TRUCK, urb, length)
    assert (truck < bus).all()


@given(
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 30.0),
)
def test_density_model_is_monotone(u: float, du: float, length: float) -> None:
    """More urban never faster; longer never slower; always within the class speeds."""
    model = DensitySpeedModel()
    a = model.segment_speeds(VehicleClass.BUS, np.array([u]), np.array([length]))[0]
    b = model.segment_speeds(VehicleClass.BUS, np.array([min(1.0, u + du)]), np.array([length]))[0]
    c = model.segment_speeds(VehicleClass.BUS, np.array([u]), np.array([length + 1.0]))[0]
    assert b <= a + 1e-9
    assert c >= a - 1e-9
    assert 28.0 - 1e-9 <= a <= 70.0 + 1e-9


def test_urbanity_counts_nodes_around_midpoints() -> None:
    """20 nodes within 2 km (≈1.6 per km²) is mostly urban; an empty area is rural."""
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, 20), rng.uniform(-1, 1, 20)
    urb = DensitySpeedModel().urbanity(x, y, np.array([0.0, 50.0]), np.array([0.0, 50.0]))
    assert urb[0] == pytest.approx((20 / (np.pi * 4) - 0.5) / 1.5)
    assert urb[1] == 0.0


def test_invalid_models_are_rejected() -> None:
    """Thresholds must be ordered; speeds positive."""
    with pytest.raises(ValueError, match="rural_density < urban_density"):
        DensitySpeedModel(rural_density=3.0, urban_density=2.0)
    with pytest.raises(ValueError, match="speeds must be positive"):
        ClassSpeeds(0.0, 50.0, 70.0, 100.0)


def test_road_class_speeds_cap_by_maxspeed() -> None:
    """Motorway bus 80 km/h, capped by maxspeed 60; footways are not routable."""
    speeds = RoadClassSpeeds()
    assert speeds.speed("motorway", VehicleClass.BUS, None) == 80.0
    assert speeds.speed("motorway", VehicleClass.BUS, 60.0) == 60.0
    assert speeds.speed("motorway", VehicleClass.TRUCK, None) == 70.0
    assert not speeds.routable("footway")
    with pytest.raises(ValueError, match="must be positive"):
        RoadClassSpeeds({"primary": (0.0, 10.0)})


def test_access_leg() -> None:
    """1 km straight off-road: 1.3 km at 20 km/h = 3.9 min."""
    leg = AccessLeg()
    assert float(leg.dist_km(np.array(1.0))) == pytest.approx(1.3)
    assert float(leg.time_min(np.array(1.0))) == pytest.approx(3.9)
    with pytest.raises(ValueError, match="detour at least 1"):
        AccessLeg(detour=0.5)
