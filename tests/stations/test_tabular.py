"""Tests for stations.tabular: the shared table validator and file reading."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from stations.errors import InputError, InputWarning
from stations.tabular import (
    Column,
    Kind,
    TableSpec,
    parse_cell,
    read_frame,
    read_raw,
    read_table,
    row_numbers,
    rows_as_records,
    table_label,
    validate_frame,
)
from stations.workbook import Formula

# A small fleet table: id (key), seats 1..80, electric flag, class, optional cost per km.
FLEET = TableSpec(
    "fleet",
    (
        Column("vehicle_id", Kind.TEXT),
        Column("seats", Kind.INT, minimum=1, maximum=80),
        Column("electric", Kind.BOOL),
        Column("class", Kind.CHOICE, choices=("bus", "truck"), aliases=(("客车", "bus"),)),
        Column("cost_per_km", Kind.FLOAT, required=False, default=3.5, minimum=0),
    ),
    key="vehicle_id",
)


@pytest.fixture
def fleet_spec() -> TableSpec:
    """The small fleet table spec ``FLEET``."""
    return FLEET


# --- single cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("  苏E12345 ", Kind.TEXT, "苏E12345"),
        (1001.0, Kind.TEXT, "1001"),  # an id typed as a number in a spreadsheet
        ("42", Kind.INT, 42),
        (42.0, Kind.INT, 42),
        ("12,500", Kind.FLOAT, 12500.0),
        ("1,234.5", Kind.FLOAT, 1234.5),
        ("是", Kind.BOOL, True),
        ("No", Kind.BOOL, False),
        (1, Kind.BOOL, True),
        (0.0, Kind.BOOL, False),
        ("120.62", Kind.LON, 120.62),
        ("2020-02-24T08:30", Kind.DATETIME, pd.Timestamp("2020-02-24 08:30")),
        ("2020-02-24T00:30Z", Kind.DATETIME, pd.Timestamp("2020-02-24 08:30")),
        ("2020-02-24T08:30+08:00", Kind.DATETIME, pd.Timestamp("2020-02-24 08:30")),
        ("2020-02-24T08:30", Kind.DATE, pd.Timestamp("2020-02-24")),
    ],
)
def test_parse_cell_converts_good_values(value: object, kind: Kind, expected: object) -> None:
    assert parse_cell(value, Column("c", kind)) == (expected, None)


@pytest.mark.parametrize(
    ("value", "column", "why"),
    [
        ("1,5", Column("c", Kind.FLOAT), "is not a number"),  # a decimal comma is not 15
        ("abc", Column("c", Kind.INT), "is not a number"),
        ("1.5", Column("c", Kind.INT), "is not a whole number"),
        ("inf", Column("c", Kind.FLOAT), "is not a number"),
        (2, Column("c", Kind.BOOL), "is not true or false"),
        ("maybe", Column("c", Kind.BOOL), "is not true or false"),
        ("ship", Column("c", Kind.CHOICE, choices=("bus",)), "is not one of bus"),
        ("2020-02-30", Column("c", Kind.DATE), "is not a valid ISO 8601 date"),
        ("half past eight", Column("c", Kind.DATETIME), "is not a valid ISO 8601 time"),
        ("181", Column("c", Kind.LON), "is above the maximum 180"),
        ("-91", Column("c", Kind.LAT), "is below the minimum -90"),
        ("0", Column("c", Kind.INT, minimum=1), "is below the minimum 1"),
    ],
)
def test_parse_cell_explains_bad_values(value: object, column: Column, why: str) -> None:
    assert parse_cell(value, column) == (None, why)


def test_choice_is_case_insensitive_and_takes_aliases(fleet_spec: TableSpec) -> None:
    column = fleet_spec.column("class")
    assert parse_cell("BUS", column) == ("bus", None)
    assert parse_cell("客车", column) == ("bus", None)


def test_spec_column_lookup_names_the_table(fleet_spec: TableSpec) -> None:
    assert fleet_spec.required_names == ("vehicle_id", "seats", "electric", "class")
    with pytest.raises(KeyError, match="table fleet has no column 'plate'"):
        fleet_spec.column("plate")


# --- whole tables ---------------------------------------------------------------------------


def test_missing_required_columns_are_all_reported(fleet_spec: TableSpec) -> None:
    frame = pd.DataFrame({"vehicle_id": ["苏E1"], "class": ["bus"]})
    converted, problems = validate_frame(frame, fleet_spec, label="fleet.csv")
    assert [(p.row, p.column) for p in problems] == [(None, "seats"), (None, "electric")]
    assert problems[0].fix == "add a `seats` column (a whole number)"
    assert list(converted.columns) == [c.name for c in fleet_spec.columns]
    assert converted.empty


def test_cells_are_converted_and_optional_blanks_take_the_default(fleet_spec: TableSpec) -> None:
    frame = pd.DataFrame(
        {
            "vehicle_id": ["苏E1", "苏E2"],
            "seats": ["45", "19"],
            "electric": ["true", "否"],
            "class": ["bus", "Bus"],
            "cost_per_km": ["", "4.2"],
        }
    )
    converted, problems = validate_frame(frame, fleet_spec)
    assert problems == []
    assert rows_as_records(converted, ["vehicle_id", "seats", "electric", "cost_per_km"]) == [
        {"vehicle_id": "苏E1", "seats": 45, "electric": True, "cost_per_km": 3.5},
        {"vehicle_id": "苏E2", "seats": 19, "electric": False, "cost_per_km": 4.2},
    ]


def test_problems_name_row_column_value_and_fix_in_row_order(fleet_spec: TableSpec) -> None:
    frame = pd.DataFrame(
        {
            "vehicle_id": ["苏E1", "苏E2", "苏E1"],
            "seats": ["45", "120", ""],
            "electric": ["yes", "no", "perhaps"],
            "class": ["bus", "plane", "truck"],
        }
    )
    _, problems = validate_frame(frame, fleet_spec, label="fleet.csv")
    assert [str(p) for p in problems] == [
        "fleet.csv row 3: `seats` '120' is above the maximum 80 — fix: give a whole number "
        "from 1 to 80",
        "fleet.csv row 3: `class` 'plane' is not one of bus, truck — fix: give one of bus, truck",
        "fleet.csv row 4: `vehicle_id` '苏E1' is a duplicate (first on row 2) — fix: give each "
        "row its own `vehicle_id`",
        "fleet.csv row 4: `seats` is empty — fix: fill in a whole number",
        "fleet.csv row 4: `electric` 'perhaps' is not true or false — fix: give true or false",
    ]


def test_unknown_columns_warn(fleet_spec: TableSpec) -> None:
    frame = pd.DataFrame(
        {
            "vehicle_id": ["苏E1"],
            "seats": [45],
            "electric": [True],
            "class": ["bus"],
            "driver": ["x"],
        }
    )
    with pytest.warns(InputWarning, match=r"fleet: unknown column\(s\) 'driver' ignored"):
        validate_frame(frame, fleet_spec)


def test_blank_rows_are_skipped_and_row_numbers_kept(fleet_spec: TableSpec) -> None:
    """Rows 3 and 5 of the sheet are blank; the bad cell on sheet row 6 is reported as row 6."""
    frame = pd.DataFrame(
        {
            "vehicle_id": ["苏E1", "", "苏E2", None, "苏E3"],
            "seats": ["45", "", "19", None, "x"],
            "electric": ["no", "", "no", None, "no"],
            "class": ["bus", "", "bus", None, "bus"],
        }
    )
    converted, problems = validate_frame(frame, fleet_spec)
    assert [(p.row, p.column) for p in problems] == [(6, "seats")]
    assert row_numbers(converted) == [2, 4, 6]
    assert list(converted["vehicle_id"]) == ["苏E1", "苏E2", "苏E3"]


def test_frames_without_an_integer_index_are_numbered_by_position(fleet_spec: TableSpec) -> None:
    frame = pd.DataFrame(
        {"vehicle_id": ["苏E1", "苏E2"], "seats": ["x", "19"], "electric": ["no", "no"],
         "class": ["bus", "bus"]},
        index=["a", "b"],
    )  # fmt: skip
    _, problems = validate_frame(frame, fleet_spec)
    assert [(p.row, p.column) for p in problems] == [(2, "seats")]


# --- the property: every bad cell reported exactly once, good rows convert -------------------

GOOD = {
    "seats": st.integers(1, 80).map(str),
    "electric": st.sampled_from(["true", "false", "yes", "no", "是", "否", "1", "0"]),
    "class": st.sampled_from(["bus", "truck", "BUS", "客车"]),
    "cost_per_km": st.floats(0, 100, allow_nan=False).map(repr),
}
BAD = {
    "seats": st.sampled_from(["0", "81", "1.5", "abc", "-3", ""]),
    "electric": st.sampled_from(["maybe", "2", "", "yess"]),
    "class": st.sampled_from(["plane", "", "bike"]),
    "cost_per_km": st.sampled_from(["-1", "cheap", "1,5"]),
}
EXPECTED = {
    "electric": {"true": True, "yes": True, "是": True, "1": True},
    "class": {"bus": "bus", "truck": "truck", "BUS": "bus", "客车": "bus"},
}


@st.composite
def fleet_rows(draw: st.DrawFn) -> tuple[list[dict[str, str]], set[tuple[int, str]]]:
    """Rows with unique ids and some bad cells; returns the rows and the (row, column) of each
    bad cell (spreadsheet numbering)."""
    count = draw(st.integers(1, 12))
    rows: list[dict[str, str]] = []
    bad: set[tuple[int, str]] = set()
    for index in range(count):
        row = {"vehicle_id": f"苏E{index:04d}"}
        for name in GOOD:
            if draw(st.booleans()) and draw(st.booleans()):
                row[name] = draw(BAD[name])
                bad.add((index + 2, name))
            else:
                row[name] = draw(GOOD[name])
        rows.append(row)
    return rows, bad


@settings(max_examples=150, deadline=None)
@given(fleet_rows())
def test_every_bad_cell_is_reported_exactly_once(
    drawn: tuple[list[dict[str, str]], set[tuple[int, str]]],
) -> None:
    rows, bad = drawn
    converted, problems = validate_frame(pd.DataFrame(rows), FLEET, label="fleet.csv")
    reported = [(p.row, p.column) for p in problems]
    # a blank optional cost is not a problem: it takes the default
    expected = {(r, c) for r, c in bad if not (c == "cost_per_km" and rows[r - 2][c] == "")}
    assert sorted(reported) == sorted(expected)
    assert len(reported) == len(set(reported))
    assert all(p.table == "fleet.csv" and p.fix for p in problems)
    bad_rows = {r for r, _ in expected}
    records = dict(zip(row_numbers(converted), converted.to_dict("records"), strict=True))
    for number, row in enumerate(rows, start=2):
        if number in bad_rows:
            continue
        record = records[number]
        assert record["vehicle_id"] == row["vehicle_id"]
        assert record["seats"] == int(row["seats"])
        assert record["electric"] == EXPECTED["electric"].get(row["electric"], False)
        assert record["class"] == EXPECTED["class"][row["class"]]
        assert math.isclose(float(record["cost_per_km"]), float(row["cost_per_km"]))


# --- files ----------------------------------------------------------------------------------


def test_csv_blank_lines_keep_file_row_numbers(fleet_spec: TableSpec, tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    path.write_text(
        "vehicle_id,seats,electric,class\n苏E1,45,no,bus\n\n苏E2,many,no,bus\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"fleet.csv row 4: `seats` 'many' is not a number"):
        read_table(path, fleet_spec)


def test_csv_with_bom_and_gbk_csv_read_the_same(tmp_path: Path) -> None:
    text = "vehicle_id,seats\n苏E1,45\n"
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "gbk.csv").write_bytes(text.encode("gbk"))
    first = read_raw(tmp_path / "bom.csv")
    assert list(first.columns) == ["vehicle_id", "seats"]
    pd.testing.assert_frame_equal(first, read_raw(tmp_path / "gbk.csv"))


def test_geo_points_become_lon_lat_and_other_shapes_stay(tmp_path: Path) -> None:
    path = tmp_path / "places.geojson"
    gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[Point(120.6, 31.3), Point(120.7, 31.4).buffer(0.01)],
        crs=4326,
    ).to_file(path)  # fmt: skip
    raw = read_raw(path)
    assert raw["lon"].tolist()[0] == pytest.approx(120.6)
    assert math.isnan(raw["lon"].tolist()[1])
    assert raw["geometry"].tolist()[0] is None
    assert raw["geometry"].tolist()[1].geom_type == "Polygon"


def test_geopackage_layer_is_chosen_by_sheet(tmp_path: Path) -> None:
    path = tmp_path / "places.gpkg"
    for layer, name in (("depots", "yard"), ("stations", "station")):
        gpd.GeoDataFrame({"name": [name]}, geometry=[Point(120.6, 31.3)], crs=4326).to_file(
            path, layer=layer
        )
    assert read_raw(path, sheet="stations")["name"].tolist() == ["station"]


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("fleet.xlsx", b"not a workbook", r"fleet.xlsx cannot be read"),
        ("fleet.geojson", b'{"foo": 1}', r"fleet.geojson cannot be read"),
        ("fleet.txt", b"vehicle_id", r"unsupported file type '.txt'"),
    ],
)
def test_unreadable_files_are_input_errors(
    name: str, content: bytes, match: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        read_frame(path)


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "day.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="arrivals", index=False)
    with pytest.raises(InputError, match=r"day.xlsx\[fleet\] cannot be read.*sheet or layer named"):
        read_frame(path, sheet="fleet")
    assert table_label(path, sheet="fleet") == "day.xlsx[fleet]"
    assert table_label(path) == "day.xlsx"


# --- matching headers and ids ---------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["Vehicle_ID", " vehicle_id ", "vehicle_id\u200b", "ｖｅｈｉｃｌｅ＿ｉｄ"]
)
def test_headers_match_ignoring_case_width_space_and_invisibles(
    fleet_spec: TableSpec, header: str
) -> None:
    frame = pd.DataFrame({header: ["B1"], "seats": ["45"], "electric": ["no"], "class": ["bus"]})
    converted, problems = validate_frame(frame, fleet_spec)
    assert problems == [] and converted["vehicle_id"].tolist() == ["B1"]


@pytest.mark.parametrize(
    ("first", "second"), [("seats", "seats"), ("seats", "Seats "), ("seats", "ｓｅａｔｓ")]
)
def test_two_headers_that_map_to_one_column_are_an_error(
    fleet_spec: TableSpec, first: str, second: str
) -> None:
    """Not "the second one wins": the table cannot be trusted, so no row is read."""
    frame = pd.DataFrame(
        [["B1", "45", "60", "no", "bus"]],
        columns=["vehicle_id", first, second, "electric", "class"],
    )
    converted, problems = validate_frame(frame, fleet_spec)
    assert [str(p) for p in problems] == [
        f"fleet: `seats` is given 2 times (headers {first!r} and {second!r}) — fix: keep one "
        "`seats` column"
    ]
    assert converted.empty


def test_a_repeated_csv_header_is_not_renamed_away(fleet_spec: TableSpec, tmp_path: Path) -> None:
    """pandas would read `seats,seats` as `seats` and `seats.1`; the reader keeps both."""
    path = tmp_path / "fleet.csv"
    path.write_text("vehicle_id,seats,seats,electric,class\nB1,45,60,no,bus\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"`seats` is given 2 times"):
        read_table(path, fleet_spec)


@pytest.mark.parametrize("value", ["E1\u200b", " E1 ", "Ｅ１", "\ufeffE1", "E\u00ad1"])
def test_id_cells_are_normalised(value: str) -> None:
    assert parse_cell(value, Column("enterprise_id", Kind.ID)) == ("E1", None)


@pytest.mark.parametrize("value", ["BUS", " Bus ", "ｂｕｓ", "bus\u200b", "客车"])
def test_choices_ignore_case_width_and_invisibles(fleet_spec: TableSpec, value: str) -> None:
    assert parse_cell(value, fleet_spec.column("class")) == ("bus", None)


@pytest.mark.parametrize("value", ["ＹＥＳ", "true\u200b", " 是 "])
def test_booleans_ignore_width_and_invisibles(fleet_spec: TableSpec, value: str) -> None:
    assert parse_cell(value, fleet_spec.column("electric")) == (True, None)


def test_a_formula_cell_is_reported_as_a_formula(fleet_spec: TableSpec) -> None:
    """Not as "empty": the cell holds a formula whose value was never saved."""
    frame = pd.DataFrame(
        {"vehicle_id": ["B1"], "seats": [Formula("=50+3")], "electric": ["no"], "class": ["bus"]}
    )
    _, problems = validate_frame(frame, fleet_spec)
    assert [(p.column, p.value, p.message) for p in problems] == [
        ("seats", "=50+3", "is a formula without a saved value")
    ]
    assert "save it" in problems[0].fix


@pytest.mark.parametrize("value", ["1e308", "nan", "inf", "-inf", "NaN", "1e14"])
def test_out_of_range_and_non_finite_numbers_name_the_range(
    fleet_spec: TableSpec, value: str
) -> None:
    frame = pd.DataFrame(
        {"vehicle_id": ["B1"], "seats": [value], "electric": ["no"], "class": ["bus"]}
    )
    _, problems = validate_frame(frame, fleet_spec)
    assert [p.column for p in problems] == ["seats"]
    assert problems[0].fix == "give a whole number from 1 to 80"
