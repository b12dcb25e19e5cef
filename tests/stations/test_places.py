"""Tests for stations.places: the place readers and their validation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from stations.errors import InputError, InputWarning
from stations.model import (
    Depot,
    District,
    Enterprise,
    Exit,
    ExitKind,
    ExitStatus,
    Registry,
    Station,
    StationKind,
)
from stations.places import (
    districts_from_frame,
    exits_from_frame,
    read_depots,
    read_districts,
    read_enterprises,
    read_exits,
    read_stations,
    stations_from_frame,
)
from tests.paths import DATA

PLACES = DATA / "places"

Reader = Callable[..., Registry[object]]


@pytest.fixture
def two_stations() -> Registry[Station]:
    """Suzhou (with 4 bays) and Suzhou North (bays unknown), real OSM positions."""
    return Registry.of(
        "station",
        [
            Station("suzhou", "苏州站", "Suzhou", StationKind.RAIL, 120.60668, 31.33188, bays=4),
            Station(
                "suzhou_north", "苏州北站", "Suzhou North", StationKind.RAIL, 120.63893, 31.42372
            ),
        ],
        "station_id",
    )


@pytest.fixture
def two_enterprises() -> Registry[Enterprise]:
    """A certified key enterprise with an escort contact, and an uncertified one without."""
    return Registry.of(
        "enterprise",
        [
            Enterprise(
                "E001",
                "苏州精密制造",
                120.7102,
                31.3245,
                True,
                "suzhou_industrial_park",
                True,
                "13800001234",
            ),
            Enterprise("E002", "吴江纺织", 120.6450, 31.1600, False),
        ],
        "enterprise_id",
    )


@pytest.fixture
def two_depots() -> Registry[Depot]:
    """Two bus yards of two operators; one has a name."""
    return Registry.of(
        "depot",
        [
            Depot("D1", "苏州汽车客运集团", 120.6201, 31.3302, "北站车场"),
            Depot("D2", "昆山公交", 120.9800, 31.3850),
        ],
        "depot_id",
    )


@pytest.fixture
def three_exits() -> Registry[Exit]:
    """A green channel with no delay override, a closed boundary point, a freight-only exit."""
    return Registry.of(
        "exit",
        [
            Exit("X1", "苏州新区收费站", 120.5510, 31.3350, ExitStatus.GREEN_CHANNEL, "G2"),
            Exit(
                "X2",
                "昆山—上海",
                121.1400,
                31.3105,
                ExitStatus.CLOSED,
                "",
                None,
                ExitKind.BOUNDARY,
                True,
                "computed",
            ),
            Exit("X3", "花桥收费站", 121.0730, 31.3120, ExitStatus.FREIGHT_ONLY, "G2", 5.0),
        ],
        "exit_id",
    )


@pytest.fixture
def two_districts() -> Registry[District]:
    """Two adjacent rectangles around Gusu and the Industrial Park (not real boundaries)."""
    return Registry.of(
        "district",
        [
            District(
                "gusu",
                "姑苏区",
                "Gusu",
                "county",
                shapely.box(120.55, 31.27, 120.66, 31.35),
                code="320508",
            ),
            District(
                "sip",
                "苏州工业园区",
                "Suzhou Industrial Park",
                "development_zone",
                shapely.box(120.66, 31.25, 120.80, 31.40),
            ),
        ],
        "district_id",
    )


def _frame(registry: Registry[object]) -> pd.DataFrame:
    return pd.DataFrame([dataclasses.asdict(p) for p in registry.values()])  # type: ignore[call-overload]


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write a table of places as a user would: CSV, XLSX, or points in GeoJSON/GeoPackage."""
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="places")
    else:
        points = gpd.GeoDataFrame(
            frame.drop(columns=["lon", "lat"]),
            geometry=[Point(x, y) for x, y in zip(frame["lon"], frame["lat"], strict=True)],
            crs=4326,
        )
        points.to_file(path)


ROUND_TRIPS = [
    ("two_stations", read_stations),
    ("two_enterprises", read_enterprises),
    ("two_depots", read_depots),
    ("three_exits", read_exits),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".geojson", ".gpkg"])
@pytest.mark.parametrize(("fixture", "reader"), ROUND_TRIPS)
def test_point_places_round_trip(
    fixture: str, reader: Reader, suffix: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    registry: Registry[object] = request.getfixturevalue(fixture)
    path = tmp_path / f"places{suffix}"
    _write(_frame(registry), path)
    assert reader(path) == registry


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg"])
def test_districts_round_trip(
    two_districts: Registry[District], suffix: str, tmp_path: Path
) -> None:
    rows = [dataclasses.asdict(d) for d in two_districts.values()]
    path = tmp_path / f"districts{suffix}"
    if suffix == ".csv":
        frame = pd.DataFrame(rows)
        frame["geometry"] = [g.wkt for g in frame["geometry"]]
        frame.to_csv(path, index=False)
    else:
        gpd.GeoDataFrame(rows, geometry="geometry", crs=4326).to_file(path)
    read = read_districts(path)
    assert read == two_districts  # ids, names, levels, codes (geometry is not compared)
    for district_id, district in two_districts.items():
        assert read[district_id].geometry.equals(district.geometry)


def test_districts_in_another_crs_are_converted_to_lon_lat(
    two_districts: Registry[District], tmp_path: Path
) -> None:
    rows = [dataclasses.asdict(d) for d in two_districts.values()]
    path = tmp_path / "districts_utm.gpkg"
    gpd.GeoDataFrame(rows, geometry="geometry", crs=4326).to_crs(32651).to_file(path)
    gusu = read_districts(path)["gusu"]
    assert gusu.geometry.bounds == pytest.approx((120.55, 31.27, 120.66, 31.35), abs=1e-6)


READERS: dict[str, Reader] = {
    "stations": read_stations,
    "enterprises": read_enterprises,
    "depots": read_depots,
    "exits": read_exits,
    "districts": read_districts,
}

# One file per failure mode in tests/data/places; the name's prefix says which table it is.
FAILURES = [
    ("stations_missing_column.csv", r"`name_en` is a required column but is missing"),
    ("stations_bad_kind.csv", r"row 2: `kind` 'ship' is not one of rail, coach"),
    ("stations_swapped.csv", r"row 2: `lon, lat` '31.33188, 120.60668' look swapped"),
    ("stations_outside_china.csv", r"row 2: `lon, lat` .* are not in China"),
    ("stations_duplicate_id.csv", r"row 3: `station_id` 'suzhou' is a duplicate \(first on row 2"),
    ("stations_bad_bays.csv", r"row 2: `bays` '0' is below the minimum 1"),
    ("stations_polygon.geojson", r"row 3: `geometry` 'Polygon' is not a point"),
    ("stations_not_a_workbook.xlsx", r"stations_not_a_workbook.xlsx cannot be read"),
    ("stations.txt", r"unsupported file type '.txt'"),
    ("stations_no_such_file.csv", r"stations_no_such_file.csv cannot be read"),
    ("enterprises_bad_certified.csv", r"row 2: `certified` 'maybe' is not true or false"),
    ("enterprises_empty_lon.csv", r"row 2: `lon` is empty"),
    ("depots_bad_lat.csv", r"row 2: `lat` 'north' is not a number"),
    ("exits_bad_status.csv", r"row 2: `status` 'shut' is not one of green_channel, open"),
    ("exits_bad_delay.csv", r"row 2: `delay_min` '-5' is below the minimum 0"),
    ("districts_bad_wkt.csv", r"row 2: `geometry` .* is not a WKT geometry"),
    ("districts_bowtie.csv", r"row 2: `geometry` 'Self-intersection.*is not a valid polygon"),
    ("districts_no_geometry.csv", r"`geometry` is missing \(districts need polygons\)"),
    ("districts_points.geojson", r"`geometry` is missing \(districts need polygons\)"),
]


@pytest.mark.parametrize(("name", "match"), FAILURES, ids=[name for name, _ in FAILURES])
def test_each_failure_mode_is_an_input_error(name: str, match: str) -> None:
    reader = READERS[name.split("_")[0].split(".")[0]]
    with pytest.raises(InputError, match=match) as raised:
        reader(PLACES / name)
    assert len(raised.value.problems) == 1, raised.value


def test_bad_csv_rows_are_all_reported_at_once() -> None:
    """exits_many_problems.csv: rows 3, 4 and 6 are bad (row 5 is blank), rows 2 and 7 fine."""
    with pytest.raises(InputError, match=r"^6 input problems:") as raised:
        read_exits(PLACES / "exits_many_problems.csv")
    assert [(p.row, p.column, p.value) for p in raised.value.problems] == [
        (3, "name", None),
        (3, "status", "shut"),
        (4, "lon, lat", "31.312, 121.073"),
        (6, "exit_id", "X1"),
        (6, "lat", "abc"),
        (6, "delay_min", "2000"),
    ]
    message = str(raised.value)
    assert "row 6: `exit_id` 'X1' is a duplicate (first on row 2)" in message
    assert "row 6: `delay_min` '2000' is above the maximum 1440" in message


def test_exits_accept_chinese_status_words_and_keep_names_as_text() -> None:
    exits = read_exits(PLACES / "exits_ok.csv")
    assert [e.status for e in exits.values()] == [
        ExitStatus.GREEN_CHANNEL,
        ExitStatus.CLOSED,
        ExitStatus.FREIGHT_ONLY,
        ExitStatus.OPEN,
    ]
    assert exits["wj_south"].name == "[bold]汾湖[/bold] 收费站"
    assert exits["wj_south"].delay_min == 12.5
    assert exits["sz_west"].delay_min is None
    assert all(e.kind is ExitKind.USER and not e.illustrative for e in exits.values())


def test_a_workbook_sheet_is_read_and_named_in_problems(tmp_path: Path) -> None:
    path = tmp_path / "day.xlsx"
    with pd.ExcelWriter(path) as workbook:
        pd.DataFrame({"note": ["first sheet"]}).to_excel(workbook, sheet_name="readme", index=False)
        pd.read_csv(PLACES / "exits_bad_status.csv").to_excel(
            workbook, sheet_name="exits", index=False
        )
    with pytest.raises(InputError, match=r"day.xlsx\[exits\] row 2: `status` 'shut'"):
        read_exits(path, sheet="exits")
    with pytest.raises(InputError, match=r"day.xlsx\[checkpoints\] cannot be read"):
        read_exits(path, sheet="checkpoints")


def test_spreadsheet_numbers_become_ids_and_booleans(tmp_path: Path) -> None:
    """Excel stores typed-in ids and 1/0 flags as numbers; they read as text and booleans."""
    path = tmp_path / "enterprises.xlsx"
    pd.DataFrame(
        {
            "enterprise_id": [1001, 1002],
            "name": ["甲厂", "乙厂"],
            "lon": [120.71, 120.65],
            "lat": [31.32, 31.16],
            "certified": [1, 0],
        }
    ).to_excel(path, index=False)
    enterprises = read_enterprises(path)
    assert list(enterprises) == ["1001", "1002"]
    assert [e.certified for e in enterprises.values()] == [True, False]


def test_gbk_csv_from_chinese_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "depots.csv"
    path.write_bytes("depot_id,operator,lon,lat\nD1,苏州汽车客运集团,120.62,31.33\n".encode("gbk"))
    assert read_depots(path)["D1"].operator == "苏州汽车客运集团"


def test_unknown_columns_warn_but_read() -> None:
    frame = pd.DataFrame(
        {
            "depot_id": ["D1"],
            "operator": ["苏州汽车客运集团"],
            "lon": ["120.62"],
            "lat": ["31.33"],
            "phone": ["0512-1234"],
        }
    )
    from stations.places import depots_from_frame

    with pytest.warns(InputWarning, match=r"depots: unknown column\(s\) 'phone' ignored"):
        depots = depots_from_frame(frame)
    assert list(depots) == ["D1"]


def test_frame_readers_use_the_label_given(two_stations: Registry[Station]) -> None:
    frame = _frame(two_stations)
    frame.loc[1, "kind"] = "boat"
    with pytest.raises(InputError, match=r"^1 input problem:\n- day.xlsx\[stations\] row 3"):
        stations_from_frame(frame, label="day.xlsx[stations]")


def test_station_kind_aliases() -> None:
    frame = pd.DataFrame(
        {
            "station_id": ["a", "b"],
            "name_zh": ["甲", "乙"],
            "name_en": ["A", "B"],
            "kind": ["高铁站", "汽车站"],
            "lon": [120.6, 120.7],
            "lat": [31.3, 31.4],
        }
    )
    kinds = [s.kind for s in stations_from_frame(frame).values()]
    assert kinds == [StationKind.RAIL, StationKind.COACH]


def test_exit_with_swapped_and_bad_cells_reports_both() -> None:
    """A swapped pair is reported even when the same row has another bad cell."""
    frame = pd.DataFrame(
        {
            "exit_id": ["X1"],
            "name": ["甲"],
            "lon": ["31.3"],
            "lat": ["120.6"],
            "status": ["maybe"],
        }
    )
    with pytest.raises(InputError, match=r"^2 input problems") as raised:
        exits_from_frame(frame)
    assert {p.column for p in raised.value.problems} == {"status", "lon, lat"}


def test_district_outside_china_is_reported() -> None:
    frame = pd.DataFrame(
        {
            "district_id": ["x"],
            "name_zh": ["某地"],
            "geometry": ["POLYGON ((31.2 120.5, 31.3 120.5, 31.3 120.6, 31.2 120.5))"],
        }
    )
    with pytest.raises(
        InputError, match=r"`geometry` 'bounds 31.2, 120.5, 31.3, 120.6' look swapped"
    ):
        districts_from_frame(frame)
