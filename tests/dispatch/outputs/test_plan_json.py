"""Tests for dispatch.outputs.plan_json: the plan.json document, written and read back."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from enum import StrEnum
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.day import Day
from dispatch.outputs.disclosure import PublicExclusion
from dispatch.outputs.plan_json import (
    FORMAT,
    AdviceEntry,
    DepotEntry,
    EnterpriseEntry,
    ExcludedEntry,
    ExitEntry,
    IdleReason,
    IdleVehicleEntry,
    PlanDocument,
    PlanMetaEntry,
    PlanSummary,
    StationEntry,
    SubsidyEntry,
    TripEntry,
    UnservedEntry,
    document_json,
    idle_reasons,
    parse_plan_json,
    plan_document,
    read_plan_json,
    write_plan_json,
)
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.plan import Kpis, Plan, StepKind
from dispatch.reasons import UnservedReason, VehicleReason
from stations.errors import InputError
from tests.paths import ROOT
from tests.plan_cases import ESCORT_PHONE, ID_NUMBERS, PHONES, hand_plan

ISO_LOCAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The hand-made plan of plan_small (tests/plan_cases.py)."""
    return hand_plan()


@pytest.fixture(scope="module")
def written(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """plan.json of the hand-made plan."""
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    write_plan_json(plan, path)
    return path


def test_round_trip_gives_the_same_document(plan: Plan, written: Path) -> None:
    assert read_plan_json(written) == plan_document(plan)
    assert read_plan_json(written.parent) == plan_document(plan)


def test_kpis_survive_except_the_solve_time(plan: Plan, written: Path) -> None:
    assert read_plan_json(written).kpis() == dataclasses.replace(plan.kpis, solve_seconds=0.0)


def test_summary_holds_every_kpi() -> None:
    kpis = {f.name for f in dataclasses.fields(Kpis)} - {"solve_seconds"}
    assert kpis <= {f.name for f in dataclasses.fields(PlanSummary)}


def test_same_plan_same_bytes(plan: Plan) -> None:
    assert document_json(plan_document(plan)) == document_json(plan_document(hand_plan()))


def test_no_personal_or_health_data(written: Path) -> None:
    text = written.read_text(encoding="utf-8")
    for number in (*ID_NUMBERS, *PHONES, ESCORT_PHONE):
        assert number not in text
    assert "测试一" not in text and "王经理" not in text
    for word in ("yellow", "health_code", "nucleic", "黄码", "negative"):
        assert word not in text


def test_summary_counts_and_reasons(written: Path) -> None:
    payload = json.loads(written.read_text(encoding="utf-8"))
    summary = payload["summary"]
    assert payload["format"] == FORMAT
    assert summary["nothing_lost"] is True
    assert summary["workers_registered"] == 11
    assert summary["excluded_by_reason"] == {
        "employer_not_certified": 1,
        "health_screening_failed": 1,
        "high_risk_origin": 1,
    }
    assert summary["unserved_by_reason"] == {"after_operating_hours": 1}
    assert summary["empty_share"] == round(14.5 / 36.0, 4)
    assert "solve_seconds" not in summary and "wall_seconds" not in payload["meta"]


def test_routes_have_steps_with_places_times_and_permits(written: Path) -> None:
    document = read_plan_json(written)
    route = document.routes[0]
    assert route.vehicle == "苏E·30001"
    assert route.permit_no == "苏交运管许可苏字320500300001号"
    assert [s.type for s in route.steps] == [
        StepKind.LEAVE_DEPOT,
        StepKind.BOARD,
        StepKind.ALIGHT,
        StepKind.RETURN_DEPOT,
    ]
    board = route.steps[1]
    assert (board.place, board.name, board.lon, board.lat) == (
        "yq_test",
        "测试园区站",
        120.7066,
        31.34265,
    )
    assert board.on_board == 6 and board.trip == "yq_test/E1/0800-1"
    assert route.empty_km == 8.0 and route.workers == 5 and route.duration_min == 65.0
    payload = json.loads(written.read_text(encoding="utf-8"))
    step = payload["routes"][0]["steps"][0]
    assert "trip" not in step  # optional keys are left out, not null
    assert all(ISO_LOCAL.match(step[k]) for k in ("arrival", "begin", "departure"))


def test_unserved_excluded_and_idle_carry_codes_and_texts(written: Path) -> None:
    document = read_plan_json(written)
    (unserved,) = document.unserved
    assert unserved.reason is UnservedReason.AFTER_OPERATING_HOURS
    assert unserved.reason_zh and unserved.reason_en and unserved.detail
    assert (unserved.lon, unserved.lat) == (120.7066, 31.34265)
    excluded = {e.worker: e for e in document.excluded}
    assert excluded["P08"].reasons == (PublicExclusion.HEALTH_SCREENING_FAILED,)
    assert excluded["P09"].reason is PublicExclusion.HIGH_RISK_ORIGIN
    assert "湖北省" in excluded["P09"].reason_en
    (idle,) = document.idle_vehicles
    assert idle.reason is IdleReason.PERMIT_EXPIRED
    assert idle.permit_no == "苏交运管许可苏字320500300003号"
    assert (
        idle.permit_valid_to is not None and idle.permit_valid_to.date().isoformat() == "2020-02-21"
    )


def test_idle_reasons_cover_every_fleet_reason() -> None:
    extra = {"not_needed", "goods_vehicle", "broken_down"}  # broken_down: a re-plan
    assert {r.value for r in VehicleReason} | extra == {r.value for r in IdleReason}


def test_idle_reasons_of_usable_buses_and_trucks(permits_mix: Day) -> None:
    """Usable 苏E·20001 (bus) would be not_needed, 苏A·30009 (truck) goods_vehicle."""
    reasons = idle_reasons(permits_mix)
    assert reasons["苏E·20001"] is IdleReason.NOT_NEEDED
    assert reasons["苏A·30009"] is IdleReason.GOODS_VEHICLE
    assert reasons["苏E·20002"] is IdleReason.NO_PERMIT


def test_places_and_exits_are_kept_without_contacts(written: Path) -> None:
    document = read_plan_json(written)
    assert [e.id for e in document.places.enterprises] == ["E1", "E2", "E3"]
    assert document.places.enterprises[0].to_enterprise().escort_contact is None
    assert len(document.exits) == 53  # the embedded checkpoints (no exits table in the day)
    assert document.meta.policy.seed == 1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{", "not valid JSON"),
        ("[]", "plan.json"),
        ('{"format": "charter-plan/9"}', "not supported"),
        ('{"format": "something"}', "not a charter plan"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),  # nested past the recursion limit
    ],
    ids=["truncated", "not_an_object", "future_format", "other_format", "nested_too_deep"],
)
def test_bad_documents_are_input_errors(text: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        parse_plan_json(text)


def test_a_missing_key_is_named(written: Path) -> None:
    payload = json.loads(written.read_text(encoding="utf-8"))
    del payload["routes"][0]["steps"][1]["lon"]
    with pytest.raises(InputError, match=r"routes\.0\.steps\.1\.lon"):
        parse_plan_json(json.dumps(payload))


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_plan_json(tmp_path)


API = ROOT / "docs" / "API.md"


def _plan_json_section() -> str:
    text = API.read_text(encoding="utf-8")
    return text[text.index("## plan.json") : text.index("## plan.xlsx")]


@pytest.mark.parametrize(
    "entry",
    [
        PlanDocument,
        PlanSummary,
        RouteEntry,
        StepEntry,
        TripEntry,
        UnservedEntry,
        ExcludedEntry,
        IdleVehicleEntry,
        SubsidyEntry,
        ExitEntry,
        StationEntry,
        EnterpriseEntry,
        DepotEntry,
        PlanMetaEntry,
        AdviceEntry,
    ],
)
def test_every_key_is_documented(entry: type) -> None:
    section = _plan_json_section()
    for field in dataclasses.fields(entry):
        assert f"`{field.name}`" in section or f"`[{field.name}]`" in section, field.name


@pytest.mark.parametrize("enum", [StepKind, UnservedReason, PublicExclusion, IdleReason])
def test_every_code_is_documented(enum: type[StrEnum]) -> None:
    section = _plan_json_section()
    for member in enum:
        assert f"`{member.value}`" in section, member.value


EXAMPLE = ROOT / "docs" / "examples" / "plan.json"


def test_the_example_is_a_plan_of_plan_small() -> None:
    document = read_plan_json(EXAMPLE)
    assert document.summary.nothing_lost
    assert document.summary.workers_registered == 11
    assert {e.worker for e in document.excluded} == {"P08", "P09", "P10"}


def test_the_writer_reproduces_the_example_byte_for_byte() -> None:
    """Reading docs/examples/plan.json and writing it again gives the same text: same keys,
    order, omitted optional keys, number and time formats."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert document_json(parse_plan_json(text)) == text


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every key / index path in a JSON value."""
    found: list[tuple[object, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += [(*prefix, key), *_paths(item, (*prefix, key))]
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += [(*prefix, index), *_paths(item, (*prefix, index))]
    return found


EXAMPLE_PAYLOAD = json.loads(EXAMPLE.read_text(encoding="utf-8"))
EXAMPLE_PATHS = _paths(EXAMPLE_PAYLOAD)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(EXAMPLE_PATHS),
    replacement=st.one_of(st.just("delete"), JSON_SCALARS, st.lists(JSON_SCALARS, max_size=2)),
)
def test_a_damaged_plan_is_read_or_refused_as_input(
    path: tuple[object, ...], replacement: object
) -> None:
    """Deleting any key or replacing any value of the example gives a document or an
    InputError naming the file — never another exception."""
    payload = copy.deepcopy(EXAMPLE_PAYLOAD)
    parent = payload
    for part in path[:-1]:
        parent = parent[part]  # type: ignore[index]
    if replacement == "delete":
        del parent[path[-1]]  # type: ignore[attr-defined]
    else:
        parent[path[-1]] = replacement  # type: ignore[index]
    try:
        text = json.dumps(payload)
    except ValueError:  # nan/inf are not JSON
        return
    try:
        document = parse_plan_json(text, source="damaged.json")
    except InputError as error:
        assert "damaged.json" in str(error)
    else:
        assert document.format == FORMAT
