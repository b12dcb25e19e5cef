"""Tests of scenarios.changes: each change kind does what it says on the river-town day, the
base day is never modified, sampling is seeded and ids are derived."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.day import Day, PermitKind
from scenarios.changes import (
    CHANGE_KINDS,
    AddArrivals,
    AddPermits,
    ApplyEvents,
    ChangeStep,
    CloseStation,
    DelayArrivals,
    ExitSetting,
    PolicyOverride,
    RemoveOperator,
    RevokePermits,
    ScaleArrivals,
    ScaleFleet,
    ScaleShipments,
    SetExits,
    apply_changes,
    apportion,
)
from stations.errors import InputError
from stations.model import ExitStatus
from tests.paths import DATA
from tests.scenario_cases import OPERATOR_A, OPERATOR_B, at, bridge_day


def _clock(day: Day, worker_id: str) -> dt.datetime:
    return next(a.arrival_time for a in day.arrivals if a.worker_id == worker_id)


def _step(*, seed: int = 0, number: int = 1) -> ChangeStep:
    return ChangeStep(seed, number)


ALL_KINDS = (
    SetExits((ExitSetting("bridge_cp", ExitStatus.CLOSED),)),
    PolicyOverride((("load_factor", 0.75),)),
    RemoveOperator((OPERATOR_B,)),
    ScaleFleet(2.0),
    AddPermits(vehicles=("苏E·A0001",), kind=PermitKind.GOODS),
    RevokePermits(operator=OPERATOR_A),
    DelayArrivals("west", 90, start=14 * 60, end=16 * 60),
    ScaleArrivals(0.5),
    AddArrivals("west", 9 * 60, 4, "四川省南充市"),
    CloseStation("west", "north", extra_min=10),
    ScaleShipments(2.0),
    ApplyEvents(str(DATA / "scenarios" / "bridge_events.csv"), at=8 * 60),
)


def test_base_day_is_unchanged_after_every_change_kind() -> None:
    """Applying every kind in a row leaves the base equal to a deep copy taken before."""
    base = bridge_day()
    before = copy.deepcopy(base)
    changed = apply_changes(base, ALL_KINDS, seed=5)
    assert base == before
    assert changed != base
    assert {type(c).KIND for c in ALL_KINDS} == set(CHANGE_KINDS)


def test_set_exits_sets_status_and_resets_delay() -> None:
    """Closed bridge; an omitted delay resets an earlier one, a given one is kept."""
    day = bridge_day()
    delayed = SetExits((ExitSetting("bridge_cp", ExitStatus.OPEN, 40.0),)).apply(day, step=_step())
    assert delayed.exits["bridge_cp"].delay_min == 40.0
    closed = SetExits((ExitSetting("bridge_cp", ExitStatus.CLOSED),)).apply(delayed, step=_step())
    assert closed.exits["bridge_cp"].status is ExitStatus.CLOSED
    assert closed.exits["bridge_cp"].delay_min is None


def test_set_exits_reports_unknown_exit() -> None:
    issues = SetExits((ExitSetting("bx99", ExitStatus.CLOSED),)).check(bridge_day())
    assert [(i.at, i.value) for i in issues] == [(("bx99",), "bx99")]
    assert "bridge_cp" in issues[0].fix


def test_policy_override_validates_like_policy_toml() -> None:
    day = bridge_day()
    assert (
        PolicyOverride((("load_factor", 0.75),)).apply(day, step=_step()).policy.load_factor == 0.75
    )
    issues = PolicyOverride(
        (("load_factor", 1.5), ("lod_factor", 1), ("planning_date", "2020-02-25"))
    ).check(day)
    messages = {i.at: i.message for i in issues}
    assert "did you mean `load_factor`" in messages[("lod_factor",)]
    assert "cannot change" in messages[("planning_date",)]
    assert "less than or equal to 1" in messages[("load_factor",)]


def test_remove_operator_drops_its_vehicles_only() -> None:
    day = RemoveOperator((OPERATOR_A,)).apply(bridge_day(), step=_step())
    assert [v.vehicle_id for v in day.fleet] == ["苏E·B0001"]
    assert RemoveOperator(("丙客运",)).check(bridge_day())[0].value == "丙客运"


def test_scale_fleet_up_copies_vehicles_with_derived_plates_and_permits() -> None:
    """×2 of operator 甲: both its buses get a copy -c1 with a copy of the permit."""
    day = ScaleFleet(2.0, OPERATOR_A).apply(bridge_day(), step=_step())
    plates = [v.vehicle_id for v in day.fleet]
    assert plates == ["苏E·A0001", "苏E·A0001-c1", "苏E·A0002", "苏E·A0002-c1", "苏E·B0001"]
    copy_ = day.vehicle("苏E·A0001-c1")
    assert copy_.seats == 53 and copy_.depot_id == "dw"
    assert [p.permit_no for p in day.permits_of("苏E·A0001-c1")] == ["P-苏E·A0001-c1"]


def test_scale_fleet_down_is_seeded_and_keeps_round_n_times_factor() -> None:
    """× 0.5 of three buses keeps round(1.5) = 2; the same seed drops the same bus."""
    base = bridge_day()
    first = ScaleFleet(0.5).apply(base, step=_step(seed=1))
    again = ScaleFleet(0.5).apply(base, step=_step(seed=1))
    assert len(first.fleet) == 2
    assert first.fleet == again.fleet
    dropped = {
        next(iter({v.vehicle_id for v in base.fleet} - {v.vehicle_id for v in d.fleet}))
        for d in (ScaleFleet(0.5).apply(base, step=_step(seed=s)) for s in range(12))
    }
    assert len(dropped) > 1  # another seed, another choice


def test_add_permits_default_to_the_planning_day() -> None:
    day = AddPermits(vehicles=("苏E·A0002",)).apply(bridge_day(), step=_step())
    added = [p for p in day.permits if p.permit_no == "SCN-passenger-苏E·A0002"]
    assert len(added) == 1
    assert (added[0].valid_from, added[0].valid_to) == (at("00:00"), at("00:00") + dt.timedelta(1))


def test_add_permits_checks_vehicles_and_dates() -> None:
    issues = AddPermits(
        vehicles=("苏E·Z9999",), valid_from=dt.date(2020, 3, 1), valid_to=dt.date(2020, 2, 1)
    ).check(bridge_day())
    assert [i.at for i in issues] == [("vehicles",), ("valid_to",)]


def test_revoke_permits_by_vehicle_number_and_kind() -> None:
    base = bridge_day()
    by_vehicle = RevokePermits(vehicles=("苏E·A0001",)).apply(base, step=_step())
    assert not by_vehicle.permits_of("苏E·A0001") and by_vehicle.permits_of("苏E·A0002")
    by_number = RevokePermits(permits=("P-苏E·B0001",)).apply(base, step=_step())
    assert len(by_number.permits) == 2
    goods_only = RevokePermits(operator=OPERATOR_A, kind=PermitKind.GOODS).apply(base, step=_step())
    assert goods_only.permits == base.permits


def test_revoke_permits_needs_a_selector() -> None:
    with pytest.raises(ValueError, match="give at least one of permits, vehicles, operator"):
        RevokePermits()


def test_delay_arrivals_moves_only_the_window() -> None:
    """+90 min for 14:00–16:00 at west: W02, W03 move to 15:30; 08:00 and 16:30 stay."""
    day = DelayArrivals("west", 90, start=14 * 60, end=16 * 60).apply(bridge_day(), step=_step())
    assert _clock(day, "W02") == _clock(day, "W03") == at("15:30")
    assert _clock(day, "E01") == at("08:00") and _clock(day, "W04") == at("16:30")


def test_delay_arrivals_by_train_and_its_checks() -> None:
    day = DelayArrivals("west", -30, trains=("K3",)).apply(bridge_day(), step=_step())
    assert _clock(day, "W04") == at("16:00") and _clock(day, "W02") == at("14:00")
    issues = DelayArrivals("west", 10, trains=("G1",)).check(bridge_day())
    assert issues[0].at == ("trains",) and "K1, K2, K3" in issues[0].fix
    nobody = DelayArrivals("north", 10).check(bridge_day())
    assert nobody[0].warning and "no arrival" in nobody[0].message
    with pytest.raises(ValueError, match="must be after `from`"):
        DelayArrivals("west", 10, start=16 * 60, end=14 * 60)


def test_scale_arrivals_twice_copies_everyone_without_personal_data() -> None:
    base = bridge_day()
    day = ScaleArrivals(2.0).apply(base, step=_step())
    assert len(day.arrivals) == 12
    copy_ = next(a for a in day.arrivals if a.worker_id == "E01-c1")
    assert (copy_.enterprise_id, copy_.arrival_time, copy_.train_no) == (
        "east_works",
        at("08:00"),
        "K1",
    )
    assert copy_.name is None and copy_.phone is None and copy_.id_number is None


def test_scale_arrivals_filters_station_and_window() -> None:
    """× 0.5 of the three 08:00 workers keeps round(1.5) = 2 of them, the others stay."""
    day = ScaleArrivals(0.5, station="west", start=8 * 60, end=9 * 60).apply(
        bridge_day(), step=_step()
    )
    morning = [a for a in day.arrivals if a.arrival_time == at("08:00")]
    assert len(morning) == 2 and len(day.arrivals) == 5


def test_add_arrivals_with_a_mix() -> None:
    """5 workers split 2:1 → 3 for east_works, 2 for west_works (largest remainder)."""
    change = AddArrivals(
        "west",
        9 * 60 + 15,
        5,
        "四川省南充市",
        enterprises=(("east_works", 2.0), ("west_works", 1.0)),
    )
    day = change.apply(bridge_day(), step=_step(number=4))
    added = [a for a in day.arrivals if a.worker_id.startswith("add4-west-0915-")]
    assert [a.enterprise_id for a in added] == ["east_works"] * 3 + ["west_works"] * 2
    assert {a.arrival_time for a in added} == {at("09:15")}
    assert added[0].worker_id == "add4-west-0915-0001"


def test_add_arrivals_default_mix_follows_the_station() -> None:
    """West's arrivals are 2 east_works : 4 west_works, so 6 added split 2 : 4."""
    day = AddArrivals("west", 600, 6, "x").apply(bridge_day(), step=_step())
    added = [a.enterprise_id for a in day.arrivals if a.worker_id.startswith("add")]
    assert sorted(added) == ["east_works"] * 2 + ["west_works"] * 4


def test_add_arrivals_checks_employers() -> None:
    issues = AddArrivals("west", 600, 1, "x", enterprises=(("nope", 1.0),)).check(bridge_day())
    assert issues[0].at == ("enterprises", "nope")


def test_close_station_reroutes_with_extra_time() -> None:
    day = CloseStation("west", "north", extra_min=10).apply(bridge_day(), step=_step())
    assert {a.station_id for a in day.arrivals} == {"north"}
    assert _clock(day, "E01") == at("08:10")
    with pytest.raises(ValueError, match="another station"):
        CloseStation("west", "west")


def test_derived_ids_skip_ids_already_taken() -> None:
    """A second ×2 copies the copies: E01-c1 exists, so E01 gets E01-c2 and E01-c1 E01-c1-c1."""
    day = apply_changes(bridge_day(), [ScaleArrivals(2.0), ScaleArrivals(2.0)])
    ids = [a.worker_id for a in day.arrivals]
    assert len(ids) == len(set(ids)) == 24
    assert {"E01-c1", "E01-c2", "E01-c1-c1"} <= set(ids)


def test_inconsistent_result_is_an_input_error() -> None:
    """Rerouting to a station the day does not know fails the day's own check."""
    with pytest.raises(InputError, match="not a known station"):
        CloseStation("west", "nowhere").apply(bridge_day(), step=_step())


@given(
    count=st.integers(min_value=0, max_value=500),
    weights=st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=8),
)
def test_apportion_hands_out_exactly_count(count: int, weights: list[float]) -> None:
    shares = [(f"e{i}", w) for i, w in enumerate(weights)]
    split = apportion(count, shares)
    assert sum(n for _, n in split) == count
    total = sum(weights)
    for key, n in split:
        exact = count * dict(shares)[key] / total
        assert abs(n - exact) < 1 + 1e-9


@settings(max_examples=40, deadline=None)
@given(factor=st.floats(min_value=0.05, max_value=4.0), seed=st.integers(0, 10_000))
def test_scale_arrivals_counts_and_unique_ids(factor: float, seed: int) -> None:
    """round(6 × factor) workers remain, ids unique, each one an original or its copy."""
    base = bridge_day()
    day = ScaleArrivals(factor).apply(base, step=_step(seed=seed))
    ids = [a.worker_id for a in day.arrivals]
    assert len(ids) == int(6 * factor + 0.5)
    assert len(set(ids)) == len(ids)
    originals = set(base.worker_ids)
    assert all(i.split("-c")[0] in originals for i in ids)


# --------------------------------------------------------------------------- apply_events


def _events_file(tmp_path: Path) -> Path:
    """K2 an hour late, E01 a no-show, 苏E·A0002 broken down at 12:00, the bridge closed from
    10:00 (all known at 07:00); a no-show of W04 known only at 15:00."""
    file = tmp_path / "events.csv"
    file.write_text(
        "kind,known_at,station_id,train_no,minutes,worker_ids,vehicle_id,exit_id,status,time\n"
        "train_delay,07:00,west,K2,60,,,,,\n"
        "no_show,07:00,,,,E01,,,,\n"
        "vehicle_breakdown,07:00,,,,,苏E·A0002,,,12:00\n"
        "exit_status,07:00,,,,,,bridge_cp,closed,10:00\n"
        "no_show,15:00,,,,W04,,,,\n",
        encoding="utf-8",
    )
    return file


def test_apply_events_describes_the_day_as_the_events_known_then(tmp_path: Path) -> None:
    """Known by 08:00: K2 moves an hour, E01 leaves, 苏E·A0002 works until 12:00, the bridge
    is closed; W04's no-show (known at 15:00) does not apply yet."""
    base = bridge_day()
    change = ApplyEvents(str(_events_file(tmp_path)), at=8 * 60)
    assert change.check(base) == []
    day = apply_changes(base, [change])
    assert _clock(day, "W02") == _clock(base, "W02") + dt.timedelta(hours=1)
    assert "E01" not in day.worker_ids and "W04" in day.worker_ids
    assert day.vehicle("苏E·A0002").available_to == at("12:00")
    assert day.exits["bridge_cp"].status is ExitStatus.CLOSED
    later = apply_changes(base, [ApplyEvents(str(_events_file(tmp_path)), at=16 * 60)])
    assert "W04" not in later.worker_ids


def test_apply_events_reports_the_events_files_problems(tmp_path: Path) -> None:
    """An unknown train in the file: one issue naming the file's table, row and column."""
    file = tmp_path / "events.csv"
    file.write_text("kind,known_at,station_id,train_no,minutes\ntrain_delay,07:00,west,K9,60\n")
    (issue,) = ApplyEvents(str(file)).check(bridge_day())
    assert issue.at == ("file",) and "events.csv row 2: `train_no` 'K9'" in issue.message


def test_apply_events_before_anything_is_known_warns(tmp_path: Path) -> None:
    """At 06:00 nothing of the file is known yet: a warning, the day unchanged."""
    (issue,) = ApplyEvents(str(_events_file(tmp_path)), at=6 * 60).check(bridge_day())
    assert issue.warning and "does nothing" in issue.message
