"""Supply outputs of a plan (dispatch.outputs.truck_json, dispatch.outputs.truck_sheets, the
plan.json
document, the KPI rows, the map and ``charter plan``) on the fixture day
tests/data/days/supply_small (see its README)."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path

import pytest

from charter.cli import main
from dispatch.day import Day
from dispatch.intake.reader import read_day
from dispatch.outputs.labels import kpi_rows
from dispatch.outputs.plan_folder import write_plan
from dispatch.outputs.plan_json import PlanSummary, document_json, parse_plan_json, plan_document
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.outputs.truck_json import DeliveryEntry, UnservedShipmentEntry
from dispatch.plan import Plan, PlanInvariantError, StepKind
from dispatch.planner import plan_day
from dispatch.reasons import ShipmentReason
from maps.from_plan import document_map, shipment_markers, supply_points
from stations.lang import Lang
from tests.map_cases import read_rendered
from tests.paths import DATA, ROOT

SUPPLY_SMALL = DATA / "days" / "supply_small"
API = ROOT / "docs" / "API.md"


@pytest.fixture(scope="module")
def day() -> Day:
    """supply_small: plan_small's workers and buses, three trucks (one permit expired), five
    shipments (one 35 t, too heavy for every truck), bx08 freight-only."""
    return read_day(SUPPLY_SMALL)


@pytest.fixture(scope="module")
def plan(day: Day) -> Plan:
    """Its plan on the embedded network."""
    return plan_day(day)


def test_the_fixture_plan_is_what_its_readme_says(plan: Plan) -> None:
    assert {d.shipment_id for d in plan.deliveries} == {"S1", "S2", "S3", "S4"}
    (heavy,) = plan.unserved_shipments
    assert (heavy.shipment_id, heavy.reason) == ("S5", ShipmentReason.NO_TRUCK_LARGE_ENOUGH)
    assert {r.vehicle_id for r in plan.truck_routes} <= {"苏E·40001", "苏E·40002"}
    idle = {i.vehicle_id: i.reason_en for i in plan.idle}
    assert "permit has expired" in idle["苏E·40003"]
    k = plan.kpis
    assert (k.shipments, k.shipments_delivered, k.shipments_unserved) == (5, 4, 1)
    assert k.tonnes == 62.5 and k.tonnes_delivered == 27.5
    assert dict(k.on_time_by_cargo)["other"] == 0.5
    assert k.trucks_usable == 2 and k.trucks_rejected == 1


def test_plan_json_round_trips_byte_for_byte(plan: Plan) -> None:
    text = document_json(plan_document(plan))
    assert document_json(parse_plan_json(text)) == text
    payload = json.loads(text)
    assert payload["summary"]["shipments_unserved_by_reason"] == {"no_truck_large_enough": 1}
    assert payload["summary"]["nothing_lost"] is True
    (stuck,) = payload["unserved_shipments"]
    assert stuck["origin_name"] == "昆山合成物流园"
    assert (stuck["lon"], stuck["lat"]) == (120.93, 31.361651)
    routes = payload["truck_routes"]
    assert all(r["permit_no"].startswith("苏交运管许可") for r in routes)
    steps = [s for r in routes for s in r["steps"]]
    assert {s["type"] for s in steps} == {"leave_depot", "load", "unload", "return_depot"}
    names = {s["place"]: s["name"] for s in steps}
    assert names["E1"] == "合成测试精密制造有限公司" and names["bx08"].startswith("上海方向")


def test_summary_reads_back_as_kpis(plan: Plan) -> None:
    document = parse_plan_json(document_json(plan_document(plan)))
    assert document.kpis() == dataclasses.replace(plan.kpis, solve_seconds=0.0)


def _plan_json_section() -> str:
    text = API.read_text(encoding="utf-8")
    return text[text.index("## plan.json") : text.index("## plan.xlsx")]


@pytest.mark.parametrize(
    "entry", [PlanSummary, RouteEntry, StepEntry, DeliveryEntry, UnservedShipmentEntry]
)
def test_every_supply_key_is_documented(entry: type) -> None:
    section = _plan_json_section()
    for field in dataclasses.fields(entry):
        assert f"`{field.name}`" in section or f"`[{field.name}]`" in section, field.name


@pytest.mark.parametrize("enum", [ShipmentReason, StepKind])
def test_every_supply_code_is_documented(enum: type[StrEnum]) -> None:
    section = _plan_json_section()
    for member in enum:
        assert f"`{member.value}`" in section, member.value
    reasons = API.read_text(encoding="utf-8")
    for member in ShipmentReason:
        assert f"| `{member.value}` |" in reasons


def test_a_lost_shipment_fails_the_plan(plan: Plan) -> None:
    with pytest.raises(PlanInvariantError, match=r"1 shipment\(s\) lost, e\.g\. S5"):
        dataclasses.replace(plan, unserved_shipments=())
    twice = (*plan.unserved_shipments, *plan.unserved_shipments)
    with pytest.raises(PlanInvariantError, match="counted twice"):
        dataclasses.replace(plan, unserved_shipments=twice)


def test_kpi_rows_show_both_kinds_of_work(plan: Plan) -> None:
    rows = {label: value for label, value, _ in kpi_rows(plan.kpis, "en")}
    assert rows["check: shipments = delivered + unserved"] == "5 = 4 + 1 (nothing lost)"
    assert rows["trucks used"] == str(plan.kpis.trucks_used)
    assert rows["on-time share: other cargo"] == "50.0"
    assert "workers transported" in rows
    bus_only = dataclasses.replace(plan.kpis, shipments=0)
    assert "trucks used" not in {label for label, _, _ in kpi_rows(bus_only, "en")}


def test_the_folder_has_the_supply_sheets(plan: Plan, tmp_path: Path) -> None:
    files = write_plan(plan, tmp_path, lang="en")
    names = [p.name for p in files.csvs]
    assert names[-3:] == ["truck_trips.csv", "consignee_notices.csv", "unserved_shipments.csv"]
    trips = (tmp_path / "csv" / "truck_trips.csv").read_text(encoding="utf-8-sig")
    assert "permit no." in trips.splitlines()[0] and "苏交运管许可苏字320500400001号" in trips
    notices = (tmp_path / "csv" / "consignee_notices.csv").read_text(encoding="utf-8-sig")
    assert "合成超市配送中心" in notices and "合成测试电子有限公司" in notices
    unserved = (tmp_path / "csv" / "unserved_shipments.csv").read_text(encoding="utf-8-sig")
    assert "no_truck_large_enough" in unserved and "weighs 35 t" in unserved
    vehicles = (tmp_path / "csv" / "vehicles.csv").read_text(encoding="utf-8-sig")
    assert "payload (t)" in vehicles.splitlines()[0]


def test_the_map_draws_trucks_and_unserved_shipments(plan: Plan) -> None:
    document = plan_document(plan)
    shown = read_rendered(document_map(document).render())
    trucks = [name for name in shown.overlays if name.startswith("Truck ")]
    assert len(trucks) == len(plan.truck_routes)
    assert shown.layer("Unserved shipments")
    html = document_map(document).render()
    assert "trucks pass, buses do not" in html
    assert "Freight-only exits let trucks" in html
    (marker,) = shipment_markers(document, lang=Lang.ZH)
    assert marker.cargo == "其他物资" and marker.reason.startswith("没有载重")
    assert shown.layer("Supply loading and unloading points")
    assert "Charter and supply route map" in html
    points = {p.name: p for p in supply_points(document)}
    (port,) = points["太仓港"].handling
    assert (port.load, port.shipment, port.cargo) == (True, "S1", "epidemic supplies")
    assert "园区物流场" not in points  # depots are drawn as depots


def test_charter_plan_prints_supply_kpis_and_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(SUPPLY_SMALL), "--out", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Charter and supply plan" in out
    assert "tonnes delivered" in out and "no_truck_large_enough" in out
    assert (tmp_path / "csv" / "truck_trips.csv").is_file()
