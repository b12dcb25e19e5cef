"""Tests for dispatch.replan.replanner: re-planning hand-made days at a clock time."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.charters.bus_problem import travel_of
from dispatch.charters.verify import verify_plan
from dispatch.day import Day, HealthCode
from dispatch.outputs.plan_json import document_json, plan_document
from dispatch.plan import Plan, PlanInvariantError
from dispatch.reasons import UnservedReason
from dispatch.replan.base import BasePlan
from dispatch.replan.diff import BusChangeKind, TripChangeKind
from dispatch.replan.events import (
    EventLog,
    ExitChange,
    NoShow,
    TrainDelay,
    VehicleAdded,
    VehicleBreakdown,
    WalkIn,
)
from dispatch.replan.replanner import replan_day
from dispatch.replan.state import boarded_workers
from stations.errors import InputError
from stations.model import ExitStatus
from tests.replan_cases import bridges, replanned, town, when
from tests.town_cases import arrival, coach, permit


def trips_by_id(plan: Plan) -> dict[str, object]:
    return {t.trip_id: t for t in plan.trips}


def test_replanning_without_events_changes_nothing(trains: Day, trains_plan: Plan) -> None:
    """Every route, trip and unserved row stays; the diff is empty; meta names the parent."""
    result = replanned(trains, trains_plan, [], "10:00", town())
    assert result.plan.routes == trains_plan.routes
    assert result.plan.trips == trains_plan.trips
    assert not result.diff.workers and not result.diff.trips and not result.diff.buses
    assert result.plan.meta.parent == "test parent"
    assert result.plan.meta.replanned_at == when("10:00")


def test_a_late_train_moves_only_its_workers_trip(trains: Day, trains_plan: Plan) -> None:
    """G5 (11:00, e2) two hours late: its trip is re-timed, every other trip stays."""
    late = TrainDelay(when("09:30"), "s1", 120, train_no="G5")
    result = replanned(trains, trains_plan, [late], "10:00", town())
    assert [t.trip_id for t in result.diff.trips] == ["s1/e2/1100-1"]
    assert result.diff.trips[0].kinds == (TripChangeKind.RETIMED,)
    moved = result.plan.trip("s1/e2/1100-1")
    assert moved.board_start >= when("13:10")
    before, after = trips_by_id(trains_plan), trips_by_id(result.plan)
    assert all(after[t] == before[t] for t in before if t != "s1/e2/1100-1")
    assert result.diff.workers_changed == result.diff.workers_forced == 6
    assert not verify_plan(result.plan, travel_of(result.plan.day, town()))


def test_a_breakdown_delivers_the_group_on_board_and_reassigns_the_rest(
    trains: Day, trains_plan: Plan
) -> None:
    """b1 breaks down at 09:05 with G1's group on board: that trip is delivered as planned and
    b1 goes home; its six later trips ride another bus; nobody is unserved."""
    broken = VehicleBreakdown(when("09:05"), "b1", when("09:05"))
    result = replanned(trains, trains_plan, [broken], "09:10", town())
    plan = result.plan
    assert plan.trip("s1/e1/0800-1") == trains_plan.trip("s1/e1/0800-1")
    assert plan.route("b1").trip_ids == ("s1/e1/0800-1",)
    assert all(t.vehicle_id != "b1" for t in plan.trips if t.trip_id != "s1/e1/0800-1")
    assert plan.kpis.workers_unserved == 0
    assert (result.diff.buses[0].vehicle_id, result.diff.buses[0].kind) == (
        "b1",
        BusChangeKind.BROKEN_DOWN,
    )
    assert not verify_plan(plan, travel_of(plan.day, town()))


def test_a_bus_broken_down_before_its_first_trip_is_idle_with_the_reason(
    trains: Day, trains_plan: Plan
) -> None:
    """b1 breaks down at 08:50, before leaving: another bus takes its day; b1 is idle as
    broken down."""
    broken = VehicleBreakdown(when("08:50"), "b1", when("08:50"))
    result = replanned(trains, trains_plan, [broken], "08:55", town())
    idle = {i.vehicle_id: i for i in result.plan.idle}
    assert idle["b1"].code == "broken_down"
    assert "broke down at 08:50" in idle["b1"].reason_en
    assert result.plan.kpis.workers_transported == trains_plan.kpis.workers_transported


def test_an_exit_closed_from_noon_reroutes_only_trips_from_noon(
    bridge: Day, bridge_plan: Plan
) -> None:
    """The bridge checkpoint closes at 12:00 (known at 09:50): trips whose bus leaves for them
    before 12:00 keep the bridge and their times; the 13:30 trip takes the northern detour."""
    closed = ExitChange(when("09:50"), "bridge_cp", ExitStatus.CLOSED, when("12:00"))
    result = replanned(bridge, bridge_plan, [closed], "10:00", bridges())
    before, after = trips_by_id(bridge_plan), trips_by_id(result.plan)
    for trip_id in ("west/east/1000-1", "west/east/1100-1", "west/east/1230-1"):
        assert after[trip_id] == before[trip_id]
    late = result.plan.trip("west/east/1330-1")
    assert late.ride_min > bridge_plan.trip("west/east/1330-1").ride_min + 4
    assert [t.trip_id for t in result.diff.trips] == ["west/east/1330-1"]
    assert result.plan.day.exits["bridge_cp"].status is ExitStatus.CLOSED


def test_an_exit_closed_now_reroutes_every_open_trip(bridge: Day, bridge_plan: Plan) -> None:
    """Closed from 09:00: every trip (none has started at 10:00) takes the detour."""
    closed = ExitChange(when("09:00"), "bridge_cp", ExitStatus.CLOSED, when("09:00"))
    result = replanned(bridge, bridge_plan, [closed], "10:00", bridges())
    assert all(t.ride_min > 14 for t in result.plan.trips)


def test_no_shows_shrink_a_trip_and_cancel_an_emptied_one(trains: Day, trains_plan: Plan) -> None:
    """w01 of G1 and all three of G6 do not come: G1's trip carries five, G6's is cancelled;
    the four are unserved as no-shows and nobody is lost."""
    gone = NoShow(when("07:30"), ("w01", "w27", "w28", "w29"))
    result = replanned(trains, trains_plan, [gone], "07:40", town())
    plan = result.plan
    assert plan.trip("s1/e1/0800-1").headcount == 5
    assert "s1/e3/1200-1" not in trips_by_id(plan)
    no_shows = {u.worker_id for u in plan.unserved if u.reason is UnservedReason.NO_SHOW}
    assert no_shows == {"w01", "w27", "w28", "w29"}
    kinds = {t.trip_id: t.kinds for t in result.diff.trips}
    assert kinds["s1/e1/0800-1"] == (TripChangeKind.RESIZED,)
    assert kinds["s1/e3/1200-1"] == (TripChangeKind.CANCELLED,)
    assert plan.kpis.nothing_lost


def test_a_share_of_a_train_is_a_no_show_by_worker_id(trains: Day, trains_plan: Plan) -> None:
    """Half of G5's six workers (three, the same on every run) do not come."""
    half = NoShow(when("09:00"), station_id="s1", train_no="G5", share=0.5)
    first = replanned(trains, trains_plan, [half], "09:30", town())
    second = replanned(trains, trains_plan, [half], "09:30", town())
    gone = [u.worker_id for u in first.plan.unserved if u.reason is UnservedReason.NO_SHOW]
    assert len(gone) == 3
    assert gone == [u.worker_id for u in second.plan.unserved if u.reason is UnservedReason.NO_SHOW]
    assert first.plan.trip("s1/e2/1100-1").headcount == 3


def test_a_walk_in_group_is_screened_and_served(trains: Day, trains_plan: Plan) -> None:
    """Three walk-ins for e2 at 10:30 ride a new trip; one with a red code is excluded."""
    walkers = (
        arrival("x1", "10:30", enterprise_id="e2"),
        arrival("x2", "10:30", enterprise_id="e2"),
        arrival("x3", "10:35", enterprise_id="e2"),
        arrival("x4", "10:35", enterprise_id="e2", health=HealthCode.RED),
    )
    event = WalkIn(when("10:20"), walkers, "walk1")
    result = replanned(trains, trains_plan, [event], "10:20", town())
    plan = result.plan
    riders = {w for t in plan.trips for w in t.worker_ids}
    assert {"x1", "x2", "x3"} <= riders
    assert {e.worker_id for e in plan.excluded} >= {"x4"}
    assert plan.kpis.workers_registered == trains_plan.kpis.workers_registered + 4
    assert {w.worker_id for w in result.diff.workers} >= {"x1", "x2", "x3", "x4"}


def test_a_walk_in_who_waited_too_long_is_unserved_with_the_reason(
    trains: Day, trains_plan: Plan
) -> None:
    """Walk-ins who arrived at 09:00 and are reported at 11:00 have waited past the longest
    wait: unserved, the detail naming the re-plan's time."""
    event = WalkIn(when("11:00"), (arrival("x1", "09:00"), arrival("x2", "09:05")), "walk1")
    result = replanned(trains, trains_plan, [event], "11:00", town())
    rows = {u.worker_id: u for u in result.plan.unserved}
    assert rows["x1"].reason is UnservedReason.TIME_WINDOW_UNREACHABLE
    assert "before the re-plan at 11:00" in rows["x1"].detail


def test_an_added_bus_takes_a_broken_buss_day(trains: Day, trains_plan: Plan) -> None:
    """With every bus broken down but b1 (on board), a bus added at 09:00 carries the rest."""
    events = [
        VehicleBreakdown(when("09:05"), "b1", when("09:05")),
        VehicleBreakdown(when("09:05"), "b2", when("09:05")),
        VehicleBreakdown(when("09:05"), "b3", when("09:05")),
        VehicleAdded(when("09:05"), coach("b9", 19), permit("b9")),
    ]
    result = replanned(trains, trains_plan, events, "09:10", town())
    riders = {t.vehicle_id for t in result.plan.trips if t.trip_id != "s1/e1/0800-1"}
    assert riders == {"b9"}
    assert result.plan.kpis.workers_unserved == 0


def test_events_known_after_the_clock_time_wait(trains: Day, trains_plan: Plan) -> None:
    """A delay known at 11:00 does not apply to a re-plan at 10:00; it is pending."""
    late = TrainDelay(when("11:00"), "s1", 120, train_no="G7")
    result = replanned(trains, trains_plan, [late], "10:00", town())
    assert not result.diff.trips
    assert result.pending == (late,)
    assert len(result.applied) == 0


def test_a_no_show_already_on_board_stays_transported_with_a_note(
    trains: Day, trains_plan: Plan
) -> None:
    """w01 boarded G1's trip at 09:00; a no-show for them at 09:30 is noted, not applied."""
    gone = NoShow(when("09:30"), ("w01",))
    result = replanned(trains, trains_plan, [gone], "09:30", town())
    assert "w01" in result.plan.trip("s1/e1/0800-1").worker_ids
    assert any("already on a trip" in note for note in result.notes)


def test_the_same_events_give_the_same_version(trains: Day, trains_plan: Plan) -> None:
    """Two re-plans with the same seed, effort and events write the same plan.json."""
    events = [
        TrainDelay(when("09:30"), "s1", 100, train_no="G4"),
        NoShow(when("09:30"), ("w20",)),
        VehicleBreakdown(when("09:35"), "b1", when("09:35")),
    ]
    first = replanned(trains, trains_plan, events, "09:40", town())
    second = replanned(trains, trains_plan, events, "09:40", town())
    assert document_json(plan_document(first.plan)) == document_json(plan_document(second.plan))


def test_events_that_name_unknown_things_are_input_errors(trains: Day, trains_plan: Plan) -> None:
    """An unknown train, worker and vehicle: all three problems at once."""
    events = EventLog(
        (
            TrainDelay(when("09:00"), "s1", 30, train_no="G99"),
            NoShow(when("09:00"), ("nobody",)),
            VehicleBreakdown(when("09:00"), "b99", when("09:00")),
        )
    )
    base = BasePlan.of_plan(trains_plan)
    with pytest.raises(InputError, match="3 input problems") as caught:
        replan_day(trains, base, events, at=when("09:30"), network=town())
    columns = {p.column for p in caught.value.problems}
    assert columns == {"train_no", "worker_ids", "vehicle_id"}


def test_a_base_plan_of_another_day_is_refused(trains: Day, trains_plan: Plan) -> None:
    """A day that lost a registered worker does not match its base plan."""
    fewer = trains.replace(arrivals=trains.arrivals[1:])
    with pytest.raises(InputError, match="not registered in the day"):
        replan_day(
            fewer, BasePlan.of_plan(trains_plan), EventLog(), at=when("09:00"), network=town()
        )


def test_a_full_replan_of_the_rest_changes_more(trains: Day, trains_plan: Plan) -> None:
    """Without the warm start the rest is planned from scratch: the same workers are served."""
    late = TrainDelay(when("09:30"), "s1", 120, train_no="G5")
    base = BasePlan.of_plan(trains_plan)
    log = EventLog((late,))
    warm = replan_day(trains, base, log, at=when("10:00"), network=town())
    cold = replan_day(trains, base, log, at=when("10:00"), network=town(), warm=False)
    assert cold.plan.kpis.workers_transported == warm.plan.kpis.workers_transported
    assert len(cold.diff.trips) >= len(warm.diff.trips)


@st.composite
def day_events(draw: st.DrawFn) -> tuple[str, list[object]]:
    """A clock time and a few events known before it."""
    hour = draw(st.integers(min_value=8, max_value=13))
    clock = f"{hour:02d}:{draw(st.sampled_from(['00', '20', '40']))}"
    known = when(f"{hour - 1:02d}:55")
    events: list[object] = []
    if draw(st.booleans()):
        train = draw(st.sampled_from(["G2", "G3", "G4", "G5", "G6", "G7"]))
        events.append(TrainDelay(known, "s1", draw(st.integers(-30, 180)), train_no=train))
    gone = draw(st.sets(st.sampled_from([f"w{k:02d}" for k in range(1, 34)]), max_size=6))
    if gone:
        events.append(NoShow(known, tuple(sorted(gone))))
    if draw(st.booleans()):
        events.append(VehicleBreakdown(known, draw(st.sampled_from(["b1", "b2"])), known))
    return clock, events


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=day_events())
def test_random_events_lose_nobody_and_keep_everyone_on_board(
    trains: Day, trains_plan: Plan, case: tuple[str, list[object]]
) -> None:
    """Whatever the events: every registered worker is transported, excluded or unserved
    (the ``Plan`` checks it), everyone on board at the clock time is still transported, and
    the independent re-simulation finds nothing wrong."""
    clock, events = case
    result = replanned(trains, trains_plan, events, clock, town())  # type: ignore[arg-type]
    plan = result.plan
    boarded = boarded_workers(result.state, result.base)
    assert boarded <= {w for t in plan.trips for w in t.worker_ids}
    assert plan.kpis.nothing_lost
    assert not verify_plan(plan, travel_of(plan.day, town()))


def test_losing_a_boarded_worker_is_a_bug_not_a_plan(trains: Day, trains_plan: Plan) -> None:
    """The check behind the last test: a version without a boarded worker cannot be built."""
    trip = trains_plan.trip("s1/e1/0800-1")
    shrunk = dataclasses.replace(trip, worker_ids=trip.worker_ids[1:])
    trips = tuple(shrunk if t is trip else t for t in trains_plan.trips)
    with pytest.raises(PlanInvariantError, match="lost"):
        dataclasses.replace(trains_plan, trips=trips)


def test_the_diff_counts_serialise(trains: Day, trains_plan: Plan) -> None:
    """The diff's figures are plain numbers (they go to diff.json and the console)."""
    late = TrainDelay(when("09:30"), "s1", 120, train_no="G5")
    counts = replanned(trains, trains_plan, [late], "10:00", town()).diff.counts()
    assert json.loads(json.dumps(counts))["trips_retimed"] == 1


def test_replanning_a_child_with_the_same_events_changes_nothing_again(
    trains: Day, trains_plan: Plan
) -> None:
    """v2 at 09:10 applied G5's delay, G6's no-shows and b1's breakdown; v3 at 10:30 from v2
    with the same events file changes nothing: the events are already in v2."""
    events = [
        TrainDelay(when("09:00"), "s1", 120, train_no="G5"),
        NoShow(when("09:00"), ("w27", "w28", "w29")),
        VehicleBreakdown(when("09:05"), "b1", when("09:05")),
    ]
    second = replanned(trains, trains_plan, events, "09:10", town())
    third = replan_day(
        trains,
        BasePlan.of_plan(second.plan, parent="v2"),
        EventLog(tuple(events)),
        at=when("10:30"),
        network=town(),
    )
    assert third.plan.trips == second.plan.trips
    assert not third.diff.trips and not third.diff.workers and not third.notes


def test_replanning_a_child_that_took_walk_ins_with_the_same_events_changes_nothing(
    trains: Day, trains_plan: Plan
) -> None:
    """v2 at 10:20 took three walk-ins (one excluded); v3 at 11:30 from v2 with the same
    events: the walk-ins are the events', not strangers, and nothing changes again."""
    walkers = (
        arrival("x1", "10:30", enterprise_id="e2"),
        arrival("x2", "10:30", enterprise_id="e2"),
        arrival("x4", "10:35", enterprise_id="e2", health=HealthCode.RED),
    )
    events = [WalkIn(when("10:20"), walkers, "walk1")]
    second = replanned(trains, trains_plan, events, "10:20", town())
    third = replan_day(
        trains,
        BasePlan.of_plan(second.plan, parent="v2"),
        EventLog(tuple(events)),
        at=when("11:30"),
        network=town(),
    )
    assert third.plan.trips == second.plan.trips
    assert third.plan.kpis.workers_registered == second.plan.kpis.workers_registered
    assert not third.diff.trips and not third.diff.workers


def test_a_child_with_workers_nobody_registered_is_still_refused(
    trains: Day, trains_plan: Plan
) -> None:
    """Without the walk-in events that brought them, v2's walk-ins are strangers to the day."""
    walkers = (arrival("x1", "10:30", enterprise_id="e2"),)
    second = replanned(trains, trains_plan, [WalkIn(when("10:20"), walkers, "w")], "10:20", town())
    with pytest.raises(InputError, match="not registered in the day nor walk-ins"):
        replan_day(
            trains,
            BasePlan.of_plan(second.plan, parent="v2"),
            EventLog(),
            at=when("11:30"),
            network=town(),
        )


def test_pooled_trips_stay_pooled_and_a_no_show_changes_only_its_trip() -> None:
    """Under pooling a re-plan keeps each pooled trip whole (its groups board and alight in
    the same order); a no-show of one group leaves the others as they were."""
    from tests.replan_cases import planned, pooled_day

    day = pooled_day()
    plan = planned(day, town())
    assert replanned(day, plan, [], "08:05", town()).plan.routes == plan.routes
    gone = NoShow(when("08:00"), ("w13",))
    result = replanned(day, plan, [gone], "08:05", town())
    assert [(t.trip_id, t.kinds) for t in result.diff.trips] == [
        ("s1/e2/1000-1", (TripChangeKind.RESIZED,))
    ]
