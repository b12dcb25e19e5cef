"""Tests for dispatch.intake.reader (+ sources, moments): reading a day, every problem at once."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from dispatch.day import HealthCode, NucleicTest, RiskLevel
from dispatch.intake.day_tables import DAY_TABLES
from dispatch.intake.reader import read_day
from dispatch.intake.risk import RiskMatchWarning
from dispatch.policy import Policy
from stations.errors import InputError, InputWarning
from stations.model import ExitStatus, PlaceKind
from stations.tabular import Kind
from tests.collision_cases import COLLISIONS
from tests.day_cases import DAYS, at, copied_day, edit

GOOD = DAYS / "one_station_two_employers"


def copy_day(tmp_path: Path, source: Path = GOOD) -> Path:
    """A writable copy of a fixture day (``one_station_two_employers`` unless given)."""
    return copied_day(tmp_path, source)


def to_workbook(folder: Path, book: Path) -> Path:
    """Write a day folder as one workbook with a ``policy`` key/value sheet."""
    policy = tomllib.loads((folder / "policy.toml").read_text(encoding="utf-8"))
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for csv in sorted(folder.glob("*.csv")):
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=csv.stem, index=False
            )
        rows = [{"key": k, "value": str(v)} for k, v in policy.items()]
        pd.DataFrame(rows).to_excel(writer, sheet_name="policy", index=False)
    return book


def test_reads_the_fixture_day() -> None:
    """Counts, types, defaults for optional tables, embedded places merged in."""
    day = read_day(GOOD)
    assert day.date == dt.date(2020, 2, 24)
    assert day.policy.planning_date == day.date
    assert len(day.arrivals) == 6 and len(day.fleet) == 2 and len(day.permits) == 2
    first = day.arrivals[0]
    assert (first.worker_id, first.arrival_time) == ("W01", at("08:00"))
    assert (first.health_code, first.nucleic_test) == (HealthCode.GREEN, NucleicTest.NEGATIVE)
    assert first.id_number == "990000199001010017" and first.train_no == "G7001"
    assert day.arrivals[1].nucleic_test is NucleicTest.NONE
    assert "yq_test" in day.stations and "suzhou_north" in day.stations  # file + embedded
    assert len(day.exits) > 0 and {e.status for e in day.exits.values()} == {ExitStatus.OPEN}
    assert day.risk_of("湖北省武汉市")[0] is RiskLevel.HIGH
    assert day.fleet[0].cost_per_km == 4.5 and day.fleet[0].seats == 53
    assert day.enterprises["E1"].key_enterprise and day.enterprises["E1"].certified


def test_workbook_reads_the_same_day(tmp_path: Path) -> None:
    """One .xlsx with a sheet per table and a policy sheet gives the same day."""
    from_folder = read_day(GOOD)
    from_book = read_day(to_workbook(GOOD, tmp_path / "day.xlsx"))
    assert from_book.date == from_folder.date
    assert from_book.arrivals == from_folder.arrivals
    assert from_book.fleet == from_folder.fleet
    assert from_book.permits == from_folder.permits
    assert dict(from_book.enterprises) == dict(from_folder.enterprises)


def test_bad_rows_reports_all_ten_problems_at_once() -> None:
    """One problem per table (see tests/data/days/bad_rows/README.md), one error."""
    with pytest.raises(InputError, match="10 input problems") as caught:
        read_day(DAYS / "bad_rows")
    tables = sorted(p.table for p in caught.value.problems)
    assert tables == sorted(
        [
            "policy.toml",
            "arrivals.csv",
            "enterprises.csv",
            "stations.csv",
            "depots.csv",
            "fleet.csv",
            "permits.csv",
            "exits.csv",
            "risk_regions.csv",
            "shipments.csv",
        ]
    )
    assert all(p.fix for p in caught.value.problems)


BAD_INPUTS = [
    (
        "arrivals.csv",
        ",E1,yq_test,2020-02-24T08:05",
        ",E9,yq_test,2020-02-24T08:05",
        r"row 3: `enterprise_id` 'E9' is not a known enterprise — fix: use one of: E1, E2",
    ),
    (
        "arrivals.csv",
        "W02,E1",
        "W01,E1",
        r"row 3: `worker_id` 'W01' is a duplicate \(first on row 2\)",
    ),
    (
        "arrivals.csv",
        "2020-02-24T08:30",
        "24/02/2020 8am",
        r"row 4: `arrival_time` '24/02/2020 8am' is not a valid time",
    ),
    (
        "arrivals.csv",
        "2020-02-24T09:30",
        "2020-02-25T09:30",
        r"row 5: `arrival_time` '2020-02-25T09:30' is not on the planning day 2020-02-24",
    ),
    (
        "arrivals.csv",
        "green,none,D3021",
        "blue,none,D3021",
        r"`health_code` 'blue' is not one of green, yellow, red",
    ),
    (
        "arrivals.csv",
        "green,none,D3021",
        "green,maybe,D3021",
        r"`nucleic_test` 'maybe' is not one of negative, positive, none",
    ),
    ("fleet.csv", "bus,53", "bus,-53", r"fleet.csv row 2: `seats` '-53' is below the minimum 1"),
    ("fleet.csv", "bus,53", "bus,", r"fleet.csv row 2: `seats` is empty for a bus"),
    (
        "fleet.csv",
        "D1,bus,53",
        "D7,bus,53",
        r"fleet.csv row 2: `depot_id` 'D7' is not a known depot — fix: use one of: D1",
    ),
    ("fleet.csv", "bus,53", "lorry,53", r"`class` 'lorry' is not one of bus, truck"),
    (
        "permits.csv",
        "2020-01-01,2020-12-31",
        "2020-12-31,2020-01-01",
        r"row 2: `valid_to` '2020-01-01' ends before the permit starts \(2020-12-31\)",
    ),
    (
        "permits.csv",
        "苏E·10002,passenger",
        "苏E·99999,passenger",
        r"row 3: `vehicle_id` '苏E·99999' is not a known vehicle in the fleet",
    ),
    (
        "permits.csv",
        "2020-01-01,2020-12-31",
        "2020-01-01,someday",
        r"`valid_to` 'someday' is not a valid time",
    ),
    (
        "permits.csv",
        "passenger,2020-01-01",
        "cargo,2020-01-01",
        r"`kind` 'cargo' is not one of passenger, goods",
    ),
    (
        "enterprises.csv",
        "120.7400,31.3200",
        "31.3200,120.7400",
        r"enterprises.csv row 2: `lon, lat`",
    ),
    ("enterprises.csv", "E2,", "E1,", r"`enterprise_id` 'E1' is a duplicate"),
    ("depots.csv", "D1,", ",", r"depots.csv row 2: `depot_id` is empty"),
    (
        "risk_regions.csv",
        "high",
        "very high",
        r"`level` 'very high' is not one of low, medium, high",
    ),
    (
        "policy.toml",
        "planning_date = 2020-02-24",
        "planning_date = 2020-02-24\nload_factr = 0.5",
        r"policy.toml: `load_factr` '0.5' is not a policy key",
    ),
    (
        "policy.toml",
        "planning_date = 2020-02-24",
        "planning_date = 2020-02-24\nmax_wait_min = -5",
        r"policy.toml: `max_wait_min` '-5' is invalid",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "match"), BAD_INPUTS)
def test_bad_input_is_reported(tmp_path: Path, file: str, old: str, new: str, match: str) -> None:
    """Each single mistake gives an InputError that names table, row, column, value and fix."""
    folder = copy_day(tmp_path)
    edit(folder, file, old, new)
    with pytest.raises(InputError, match=match):
        read_day(folder)


def test_missing_required_table_and_column(tmp_path: Path) -> None:
    """A missing file and a missing column are both reported, with what to add."""
    folder = copy_day(tmp_path)
    (folder / "permits.csv").unlink()
    edit(folder, "arrivals.csv", ",health_code,", ",health,")
    with (
        pytest.raises(InputError, match="2 input problems") as caught,
        pytest.warns(InputWarning, match="unknown column"),
    ):
        read_day(folder)
    text = str(caught.value)
    assert "permits.csv is missing" in text
    assert "`health_code` is a required column but is missing" in text


def test_unknown_column_and_file_warn(tmp_path: Path) -> None:
    """Extra columns and stray CSV files are ignored with a warning."""
    folder = copy_day(tmp_path)
    edit(
        folder,
        "depots.csv",
        "depot_id,operator,lon,lat,name",
        "depot_id,operator,lon,lat,name,colour",
    )
    edit(folder, "depots.csv", "园区车场", "园区车场,blue")
    (folder / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.warns(InputWarning) as caught:
        read_day(folder)
    messages = " ".join(str(w.message) for w in caught)
    assert "'colour'" in messages and "notes.csv" in messages


def test_new_exit_without_position_and_embedded_exit_update(tmp_path: Path) -> None:
    """An embedded id updates that checkpoint; a new id needs name, lon and lat."""
    folder = copy_day(tmp_path)
    (folder / "exits.csv").write_text(
        "exit_id,name,road,lon,lat,status,delay_min\nbx01,,,,,closed,\n"
        "new1,新卡口,G2,120.9,31.4,freight_only,12\n",
        encoding="utf-8",
    )
    day = read_day(folder)
    assert day.exits["bx01"].status is ExitStatus.CLOSED
    assert day.exits["bx02"].status is ExitStatus.OPEN
    assert (day.exits["new1"].status, day.exits["new1"].delay_min) == (ExitStatus.FREIGHT_ONLY, 12)
    edit(folder, "exits.csv", "new1,新卡口,G2,120.9,31.4", "new1,新卡口,G2,,")
    with pytest.raises(InputError, match="`lon` is empty and 'new1' is not an embedded checkpoint"):
        read_day(folder)


def test_clock_times_use_the_policy_date(tmp_path: Path) -> None:
    """With planning_date set, arrivals may be plain HH:MM."""
    folder = copy_day(tmp_path)
    for clock in ("08:00", "08:05", "08:30", "09:30", "08:10", "08:15"):
        edit(folder, "arrivals.csv", f"2020-02-24T{clock}", clock)
    assert [a.arrival_time for a in read_day(folder).arrivals][:2] == [at("08:00"), at("08:05")]
    (folder / "policy.toml").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="planning day is unknown"):
        read_day(folder)


def test_planning_date_is_the_most_common_arrival_date(tmp_path: Path) -> None:
    """Without planning_date, the majority date wins; the odd one out is reported."""
    folder = copy_day(tmp_path)
    (folder / "policy.toml").write_text("", encoding="utf-8")
    assert read_day(folder).date == dt.date(2020, 2, 24)
    edit(folder, "arrivals.csv", "2020-02-24T09:30", "2020-02-23T09:30")
    with pytest.raises(InputError, match=r"row 5: `arrival_time` .* is not on the planning day"):
        read_day(folder)


def test_arrivals_after_midnight_fit_a_window_past_midnight(tmp_path: Path) -> None:
    """An operating day ending at 26:00 accepts a 00:40 arrival of the next date."""
    folder = copy_day(tmp_path)
    edit(folder, "arrivals.csv", "2020-02-24T09:30", "2020-02-25T00:40")
    with pytest.raises(InputError, match="not on the planning day"):
        read_day(folder)
    edit(
        folder,
        "policy.toml",
        "planning_date = 2020-02-24",
        'planning_date = 2020-02-24\nday_end_min = "26:00"',
    )
    assert read_day(folder).arrivals[3].arrival_time == at("24:40")


def test_policy_override_replaces_the_days_policy() -> None:
    """``read_day(policy=…)`` is how the CLI applies resolved flags."""
    from dispatch.policy import Policy

    day = read_day(GOOD, policy=Policy(planning_date=dt.date(2020, 2, 24), load_factor=0.7))
    assert day.policy.load_factor == 0.7


def test_resolve_turns_the_days_own_policy_into_the_one_read_with(tmp_path: Path) -> None:
    """``read_day(resolve=…)`` applies flags and a --policy file over the day's policy before
    the tables are read (so the day is read once); a window past midnight set there already
    admits the 00:40 arrival."""
    from dispatch.policy import resolve_policy

    folder = copy_day(tmp_path)
    edit(folder, "arrivals.csv", "2020-02-24T09:30", "2020-02-25T00:40")
    override = tmp_path / "late.toml"
    override.write_text('day_end_min = "26:00"\n', encoding="utf-8")
    seen = []

    def resolve(own: Policy) -> Policy:
        seen.append(own)
        return resolve_policy({"seed": 9}, file=override, base=own)

    day = read_day(folder, resolve=resolve)
    assert [own.planning_date for own in seen] == [dt.date(2020, 2, 24)]  # the day's own
    assert (day.policy.seed, day.policy.day_end_min) == (9, 26 * 60)
    assert day.arrivals[3].arrival_time == at("24:40")


def test_a_bad_override_joins_the_days_problems(tmp_path: Path) -> None:
    """A bad --policy file is reported together with the tables' problems, not first alone."""
    from dispatch.policy import resolve_policy

    override = tmp_path / "bad.toml"
    override.write_text("load_factor = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="11 input problems") as caught:
        read_day(DAYS / "bad_rows", resolve=lambda own: resolve_policy(file=override, base=own))
    assert "bad.toml" in {p.table for p in caught.value.problems}


def test_gbk_csv_is_read(tmp_path: Path) -> None:
    """Excel on a Chinese Windows saves CSV as GBK."""
    folder = copy_day(tmp_path)
    path = folder / "enterprises.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    assert read_day(folder).enterprises["E1"].name == "合成测试精密制造有限公司"


def test_not_a_day_is_an_input_error(tmp_path: Path) -> None:
    """A file that is neither folder nor workbook."""
    path = tmp_path / "day.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"neither a day folder nor an \.xlsx workbook"):
        read_day(path)


def test_workbook_missing_sheet_and_bad_policy_row(tmp_path: Path) -> None:
    """Sheets are the tables; the policy sheet is key/value."""
    book = to_workbook(GOOD, tmp_path / "day.xlsx")
    sheets = pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False)
    sheets.pop("fleet")
    sheets["policy"] = pd.DataFrame(
        {"key": ["planning_date", "escort_seats"], "value": ["2020-02-24", "two"]}
    )
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    with pytest.raises(InputError) as caught:
        read_day(book)
    text = str(caught.value)
    assert "day.xlsx has no sheet `fleet`" in text
    assert "not a known vehicle" not in text  # no echo of the missing sheet
    assert "day.xlsx[policy]: `escort_seats` 'two' is invalid" in text


# --------------------------------------------------------------------------- matching

SUPPLY = DAYS / "supply_small"
# (file, text to disguise): every kind of id one table refers to in another
REFERENCES = [
    ("arrivals.csv", ",E1,yq_test,"),  # enterprise and station ids
    ("fleet.csv", ",D1,bus"),  # depot id
    ("permits.csv", ",苏E·30001,passenger"),  # plate
    ("shipments.csv", ",E1,other"),  # a shipment end as a place id
    ("shipments.csv", "S3,bx08,E2"),  # an exit id as a shipment end
    ("exits.csv", "bx08,"),  # an embedded exit id updated by the day
]
DISGUISES = {
    "zero_width": lambda text: "\u200b".join(text),
    "full_width": lambda text: "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and c != "," else c for c in text
    ),
    "padding": lambda text: ",".join(
        f" \u3000{part}\u00a0 " if part else "" for part in text.split(",")
    ),
    "bom_and_soft_hyphen": lambda text: text.replace("1", "\ufeff1\u00ad"),
}


@pytest.mark.parametrize("disguise", DISGUISES, ids=list(DISGUISES))
@pytest.mark.parametrize(("file", "text"), REFERENCES, ids=[f"{f}:{t}" for f, t in REFERENCES])
def test_disguised_references_still_match(
    tmp_path: Path, file: str, text: str, disguise: str
) -> None:
    """Invisible characters, full-width forms and padding around an id do not make it another
    id: the day reads as if the reference were written plainly."""
    folder = copy_day(tmp_path, SUPPLY)
    plain = read_day(folder)
    edit(folder, file, text, DISGUISES[disguise](text))
    day = read_day(folder)
    assert day.arrivals == plain.arrivals and day.fleet == plain.fleet
    assert day.permits == plain.permits and day.shipments == plain.shipments
    assert day.exits["bx08"].status is plain.exits["bx08"].status


@pytest.mark.parametrize(
    "origin",
    ["湖北省孝感市", "湖\u200b北省孝感市", "湖北／孝感", " 湖北孝感市 ", "湖北省孝感市孝南区"],
)
def test_a_high_risk_region_catches_every_spelling_of_its_origin(
    tmp_path: Path, origin: str
) -> None:
    """The red-team case: `湖北孝感` is high risk; however the origin is written, the worker
    is high risk, not quietly low."""
    folder = copy_day(tmp_path)
    (folder / "risk_regions.csv").write_text("region,level\n湖北孝感,high\n", encoding="utf-8")
    edit(folder, "arrivals.csv", "08:00,河南省信阳市", f"08:00,{origin}")
    with pytest.warns(RiskMatchWarning):
        day = read_day(folder)
    assert day.risk_of(day.arrivals[0].origin_region)[0] is RiskLevel.HIGH


def test_two_rows_for_one_region_are_an_error(tmp_path: Path) -> None:
    folder = copy_day(tmp_path)
    (folder / "risk_regions.csv").write_text(
        "region,level\n湖北省孝感市,high\n湖北孝感,low\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"row 3: `region` '湖北孝感' is the same region as "):
        read_day(folder)


# --------------------------------------------------------------------------- one mistake


def test_a_missing_fleet_column_gives_one_problem(tmp_path: Path) -> None:
    """Not one more per permit ("not a known vehicle … use one of: (none)")."""
    folder = copy_day(tmp_path, SUPPLY)
    frame = pd.read_csv(folder / "fleet.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="class").to_csv(folder / "fleet.csv", index=False)
    with pytest.raises(InputError, match=r"^1 input problem:\n- fleet.csv: `class` is a required"):
        read_day(folder)


@pytest.mark.parametrize("table", ["fleet", "enterprises", "depots", "stations"])
def test_an_unreadable_table_gives_one_problem(tmp_path: Path, table: str) -> None:
    """Not one more per reference to it, nor "the planning day is unknown"."""
    folder = copy_day(tmp_path, SUPPLY)
    (folder / "policy.toml").write_text("seed = 1\n", encoding="utf-8")  # the day from arrivals
    (folder / f"{table}.csv").write_bytes(b'id,"unclosed\n1,2,3\n')
    with pytest.raises(InputError, match=rf"^1 input problem:\n- {table}.csv cannot be read"):
        read_day(folder)


def test_unreadable_arrivals_do_not_add_an_unknown_planning_day(tmp_path: Path) -> None:
    folder = copy_day(tmp_path)
    (folder / "policy.toml").write_text("seed = 1\n", encoding="utf-8")
    (folder / "arrivals.csv").write_bytes(b'worker_id,"unclosed\n1,2,3\n')
    with pytest.raises(InputError, match=r"^1 input problem:\n- arrivals.csv cannot be read"):
        read_day(folder)


def test_a_bad_key_cell_is_not_reported_again_by_references(tmp_path: Path) -> None:
    folder = copy_day(tmp_path, SUPPLY)
    edit(folder, "fleet.csv", "苏E·30001,合成客运公司", ",合成客运公司")
    with pytest.raises(InputError, match=r"^1 input problem:\n- fleet.csv row 2: `vehicle_id` is"):
        read_day(folder)


# --------------------------------------------------------------------------- ranges


def _set_cell(folder: Path, table: str, column: str, value: str) -> None:
    """Put ``value`` in ``column`` of the first row of ``table`` (adding the column)."""
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if column not in frame.columns:
        frame[column] = ""
    frame.loc[0, column] = value
    frame.to_csv(path, index=False)


NUMBER_COLUMNS = [
    (table.name, column.name)
    for table in DAY_TABLES
    for column in table.spec.columns
    if column.kind in (Kind.INT, Kind.FLOAT)
]


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e14", "nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("table", "column"), NUMBER_COLUMNS, ids=[".".join(c) for c in NUMBER_COLUMNS]
)
def test_every_number_column_refuses_huge_and_non_finite_values(
    tmp_path: Path, table: str, column: str, value: str
) -> None:
    """Each number column has a documented range, checked by `check` (not an overflow in the
    solver's objective later)."""
    folder = copy_day(tmp_path, SUPPLY)
    _set_cell(folder, table, column, value)
    with pytest.raises(InputError) as caught:
        read_day(folder)
    assert [(p.table, p.row, p.column) for p in caught.value.problems] == [
        (f"{table}.csv", 2, column)
    ]


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("permits", "valid_to", "9999-12-31"),
        ("permits", "valid_from", "0001-01-01"),
        ("arrivals", "arrival_time", "9999-02-24T08:00"),
        ("fleet", "available_to", "9999-12-31T23:00"),
        ("shipments", "due_time", "9999-12-31T10:00"),
    ],
)
def test_dates_far_in_the_future_or_past_are_refused(
    tmp_path: Path, table: str, column: str, value: str
) -> None:
    folder = copy_day(tmp_path, SUPPLY)
    _set_cell(folder, table, column, value)
    with pytest.raises(InputError, match=rf"`{column}` '{value}' is outside the years 1900–2100"):
        read_day(folder)


def test_a_planning_date_in_year_9999_is_refused(tmp_path: Path) -> None:
    folder = copy_day(tmp_path)
    edit(folder, "policy.toml", "2020-02-24", "9999-12-31")
    with pytest.raises(InputError, match=r"`planning_date` '9999-12-31' is invalid: is outside"):
        read_day(folder)


@pytest.mark.parametrize("clock", ["30:59", "31:00", "30:00:01", "24:60"])
def test_clock_times_stop_at_30_00(tmp_path: Path, clock: str) -> None:
    folder = copy_day(tmp_path)
    edit(folder, "arrivals.csv", "2020-02-24T08:00", clock)
    with pytest.raises(InputError, match=rf"`arrival_time` '{clock}' is not a valid time"):
        read_day(folder)


def test_a_far_cell_in_a_workbook_is_one_more_row(tmp_path: Path) -> None:
    """A cell at XFD1048576 is read as what it is: a row with one unknown cell."""
    from openpyxl import load_workbook

    book = to_workbook(GOOD, tmp_path / "day.xlsx")
    workbook = load_workbook(book)
    workbook["arrivals"]["XFD1048576"] = "x"
    workbook.save(book)
    with pytest.raises(InputError) as caught, pytest.warns(InputWarning, match="'column XFD'"):
        read_day(book)
    assert {p.row for p in caught.value.problems} == {1_048_576}


@pytest.mark.parametrize(
    ("typed", "bare", "match"),
    [
        (
            "enterprise:yq_test",
            "yq_test",
            r"shipments.csv row 2: `destination` 'yq_test' is the id of a station and an "
            r"employer — fix: write the kind before the id: station:yq_test or enterprise:yq_test",
        ),
        (
            "enterprise:yq_test",
            "depot:yq_test",
            r"`destination` 'depot:yq_test' names no depot 'yq_test' — fix: use "
            r"station:yq_test or enterprise:yq_test",
        ),
        (
            "enterprise:yq_test",
            "Employer:nowhere",
            r"`destination` 'Employer:nowhere' names no employer 'nowhere' — fix: use the id "
            r"of an employer of the day",
        ),
    ],
)
def test_a_shipment_end_names_the_kind_of_a_shared_id(
    tmp_path: Path, typed: str, bare: str, match: str
) -> None:
    """An id that two tables share is refused at a shipment end until the kind is written
    (``enterprise:E1``), and a written kind must have that id."""
    collision = next(c for c in COLLISIONS if c.name == "employer_is_station")
    folder = collision.write(tmp_path)
    day = read_day(folder)
    (s1,) = [s for s in day.shipments if s.shipment_id == "S1"]
    assert s1.destination.kind is PlaceKind.ENTERPRISE
    assert (s1.destination.lon, s1.destination.lat) == (120.74, 31.32)  # the employer's
    edit(folder, "shipments.csv", typed, bare)
    with pytest.raises(InputError, match=match):
        read_day(folder)
