"""Tests for dispatch.outputs.plan_folder: the plan folder, its languages, privacy and the refusal
to
write a plan that loses a worker."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispatch.intake.reader import read_day
from dispatch.outputs.plan_folder import PlanFiles, PlanWriting, csv_lang, write_plan
from dispatch.outputs.plan_json import DepotEntry, EnterpriseEntry, StationEntry, read_plan_json
from dispatch.plan import Plan, PlanInvariantError, StepKind
from dispatch.planner import plan_day, with_bounds
from stations.model import PlaceKind, Registry
from tests.collision_cases import COLLISIONS, Collision
from tests.plan_cases import (
    ESCORT_PHONE,
    ID_NUMBERS,
    PHONES,
    hand_plan,
    small_day,
    with_lost_worker,
)
from tests.privacy_cases import CONTACTS, leaks

RAW = (*ID_NUMBERS, *PHONES, ESCORT_PHONE)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The hand-made plan of plan_small (tests/plan_cases.py)."""
    return hand_plan()


@pytest.fixture(scope="module")
def folder(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> PlanFiles:
    """The plan folder with default options (bilingual workbook, masked)."""
    return write_plan(plan, tmp_path_factory.mktemp("plan"))


def _workbook_text(path: Path, sheet_prefix: str | None = None) -> str:
    book = load_workbook(path)
    cells = []
    for sheet in book.worksheets:
        if sheet_prefix is None or sheet.title.startswith(sheet_prefix):
            cells += [str(v) for row in sheet.iter_rows(values_only=True) for v in row]
    return "\n".join(cells)


def test_the_folder_has_json_workbook_and_a_csv_per_sheet(folder: PlanFiles) -> None:
    assert all(p.is_file() for p in folder.paths)
    assert [p.name for p in folder.csvs] == [
        "trips.csv",
        "manifests.csv",
        "station_boards.csv",
        "employer_notices.csv",
        "vehicles.csv",
        "excluded.csv",
        "unserved.csv",
        "kpis.csv",
        "subsidy.csv",
    ]
    assert load_workbook(folder.workbook).sheetnames[0] == "行程 trips"
    assert read_plan_json(folder.folder) == folder.document


def test_bilingual_workbook_english_csv(folder: PlanFiles) -> None:
    book = load_workbook(folder.workbook)
    assert book.worksheets[0]["B1"].value == "车牌 / plate"
    header = (folder.folder / "csv" / "trips.csv").read_text(encoding="utf-8-sig")
    assert header.startswith("trip,plate,station")
    assert csv_lang("both") == "en" and csv_lang("zh") == "zh"


def test_nothing_personal_leaves_the_manifest(folder: PlanFiles) -> None:
    for path in (folder.plan_json, *folder.csvs):
        text = path.read_text(encoding="utf-8-sig")
        assert not any(n in text for n in RAW), path.name
    assert not any(n in _workbook_text(folder.workbook) for n in RAW)
    manifest = (folder.folder / "csv" / "manifests.csv").read_text(encoding="utf-8-sig")
    assert "990***********0019" in manifest and "139****0101" in manifest


def test_unmask_only_changes_the_manifest(plan: Plan, tmp_path: Path) -> None:
    files = write_plan(plan, tmp_path, lang="en", unmask=True)
    for path in (files.plan_json, *files.csvs):
        text = path.read_text(encoding="utf-8-sig")
        raw_here = any(n in text for n in RAW)
        assert raw_here == (path.name == "manifests.csv"), path.name
    assert ID_NUMBERS[0] in _workbook_text(files.workbook, "manifests")
    others = "\n".join(
        _workbook_text(files.workbook, title) for title in ("trips", "employer", "vehicles")
    )
    assert not any(n in others for n in RAW)


def test_chinese_everywhere_with_zh(plan: Plan, tmp_path: Path) -> None:
    files = write_plan(plan, tmp_path, lang="zh")
    assert load_workbook(files.workbook).sheetnames[:2] == ["行程", "乘车名单"]
    kpis = (tmp_path / "csv" / "kpis.csv").read_text(encoding="utf-8-sig")
    assert "核对：登记 = 运送 + 排除 + 未运送,11 = 7 + 3 + 1 (无遗漏)" in kpis


def test_a_plan_that_loses_a_worker_is_not_written(plan: Plan, tmp_path: Path) -> None:
    broken = with_lost_worker(plan)
    with pytest.raises(PlanInvariantError, match=r"1 worker\(s\) lost, e.g. P11"):
        write_plan(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unknown_language_is_refused(plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lang must be one of zh, en, both"):
        write_plan(plan, tmp_path, lang="fr")  # type: ignore[arg-type]


@pytest.mark.parametrize(("contact", "digits"), CONTACTS)
def test_escort_contacts_are_masked_in_every_file(
    contact: str, digits: str, tmp_path: Path
) -> None:
    """However the escort's number is written, no file keeps more of it than the mask shows,
    nor the escort's name (employer notices, in the workbook and its CSV copy)."""
    day = small_day()
    escorted = [dataclasses.replace(e, escort_contact=contact) for e in day.enterprises.values()]
    day = day.replace(enterprises=Registry.of("enterprise", escorted, "enterprise_id"))
    files = write_plan(hand_plan(day), tmp_path / "plan")
    texts = {p.name: p.read_text(encoding="utf-8-sig") for p in (files.plan_json, *files.csvs)}
    texts["plan.xlsx"] = _workbook_text(files.workbook)
    name = contact.split()[0]
    for file, text in texts.items():
        assert not leaks(digits, text), file
        assert name not in text, file
    assert "*" in (files.folder / "csv" / "employer_notices.csv").read_text(encoding="utf-8-sig")


def _position(entry: StationEntry | EnterpriseEntry | DepotEntry) -> tuple[float, float]:
    return (round(entry.lon, 6), round(entry.lat, 6))


@pytest.mark.parametrize("collision", COLLISIONS, ids=lambda c: c.name)
def test_places_that_share_an_id_keep_their_own_name_and_position(
    collision: Collision, tmp_path: Path
) -> None:
    """A bus step names and places the depot, station or employer its type says, a truck
    delivery its own end, and the sheets name each place from its own table — whichever
    ids the tables share."""
    day = read_day(collision.write(tmp_path))
    files = write_plan(plan_day(day), tmp_path / "plan", lang="en")
    document = files.document
    places = document.places
    tables: dict[PlaceKind, dict[str, StationEntry | EnterpriseEntry | DepotEntry]] = {
        PlaceKind.STATION: {s.id: s for s in places.stations},
        PlaceKind.ENTERPRISE: {e.id: e for e in places.enterprises},
        PlaceKind.DEPOT: {d.id: d for d in places.depots},
    }
    names = {
        PlaceKind.STATION: {s.id: s.name_zh for s in places.stations},
        PlaceKind.ENTERPRISE: {e.id: e.name for e in places.enterprises},
        PlaceKind.DEPOT: {d.id: d.name or d.id for d in places.depots},
    }
    assert document.routes
    for route in document.routes:
        for step in route.steps:
            kind = step.type.place_kind
            assert kind is not None
            assert step.name == names[kind][step.place], (step.type, step.place)
            assert (step.lon, step.lat) == _position(tables[kind][step.place])
    ends = {e.enterprise_id: e for e in day.enterprises.values()}
    for delivery in document.deliveries:
        shipment = next(s for s in day.shipments if s.shipment_id == delivery.shipment)
        if shipment.destination.kind is PlaceKind.ENTERPRISE:
            destination = shipment.destination.place_id
            assert destination is not None
            assert delivery.destination_name == ends[destination].name
    for route in document.truck_routes:
        for step in route.steps:
            if step.type is StepKind.UNLOAD:
                delivery = next(d for d in document.deliveries if d.shipment == step.shipment)
                assert step.name == delivery.destination_name
    with (files.folder / "csv" / "trips.csv").open(encoding="utf-8-sig") as handle:
        trips = list(csv.DictReader(handle))
    station_names = {s.name_en for s in day.stations.values()}
    employer_names = {e.name for e in day.enterprises.values()}
    assert trips and all(t["station"] in station_names for t in trips)
    assert all(t["employer"] in employer_names for t in trips)


def _bounded(plan: Plan, served: int, every: int) -> Plan:
    """``plan`` with its fleet bounds in, as ``plan_day`` finishes a provisional plan."""
    return with_bounds(plan, served, every, wall_seconds=plan.meta.wall_seconds + 1.0)


def test_begun_before_the_bounds_gives_the_same_folder(plan: Plan, tmp_path: Path) -> None:
    """Written in two steps (most of it before the bounds are in) or in one, the folder is
    the same file for file, and the bounds are those of the finished plan."""
    provisional = dataclasses.replace(
        plan, kpis=dataclasses.replace(plan.kpis, fleet_lower_bound=None, buses_needed_all=None)
    )
    final = _bounded(provisional, 3, 4)
    with PlanWriting(tmp_path / "two") as writing:
        writing.begin(provisional)
        assert not (tmp_path / "two").exists()  # nothing in place before it is finished
        two = writing.finish(final)
    one = write_plan(final, tmp_path / "one")
    assert two.plan_json.read_bytes() == one.plan_json.read_bytes()
    assert [p.name for p in two.csvs] == [p.name for p in one.csvs]
    for mine, theirs in zip(two.csvs, one.csvs, strict=True):
        assert mine.read_bytes() == theirs.read_bytes()
    assert _workbook_text(two.workbook) == _workbook_text(one.workbook)
    kpis = read_plan_json(two.plan_json).kpis()
    assert (kpis.fleet_lower_bound, kpis.buses_needed_all) == (3, 4)
    kpi_csv = (two.folder / "csv" / "kpis.csv").read_text(encoding="utf-8-sig")
    assert "(bound),3," in kpi_csv and "every request (bound),4," in kpi_csv


def test_another_plan_than_the_one_begun_is_refused(plan: Plan, tmp_path: Path) -> None:
    """Only the bounds and the wall time may change between begin and finish."""
    other = dataclasses.replace(plan, trips=plan.trips[:1] + plan.trips[1:])
    with PlanWriting(tmp_path / "out") as writing:
        writing.begin(plan)
        with pytest.raises(ValueError, match="another plan than the one begun"):
            writing.finish(other)
    assert not (tmp_path / "out").exists()


def test_an_interrupted_writing_leaves_the_earlier_folder(plan: Plan, tmp_path: Path) -> None:
    """Ctrl-C (or an error) between begin and finish: the earlier plan folder stays whole
    and nothing new is left beside it."""
    first = write_plan(plan, tmp_path / "out")
    before = first.plan_json.read_bytes()
    with pytest.raises(KeyboardInterrupt), PlanWriting(tmp_path / "out") as writing:
        writing.begin(plan)
        raise KeyboardInterrupt
    assert first.plan_json.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
