"""plan.xlsx and its CSV copies: the sheets the duty staff print and hand out.

Sheets: trips, manifests, station boards, employer notices, vehicles, excluded, unserved,
KPIs, subsidy. Times are shown as local ``HH:MM`` (``+1`` after midnight of the planning day).

Privacy: only the manifest sheet names workers, and there names, id numbers and phone numbers
are masked unless ``unmask``; health data appears only there, as the screened values (green
code, test result). Every other sheet shows worker ids only; exclusions for health reasons use
the public code of ``dispatch.outputs.disclosure``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dispatch.day import Arrival
from dispatch.outputs.cells import safe_cell, safe_frame, safe_text
from dispatch.outputs.disclosure import describe_public, public_codes
from dispatch.outputs.labels import advice_rows, column, kpi_rows, sheet_title, text
from dispatch.outputs.privacy import mask_contact, mask_id_number, mask_name, mask_phone
from dispatch.plan import Plan, Trip
from dispatch.reasons import reason_text
from routing.network.speed import VehicleClass
from stations.lang import Lang

CSV_ENCODING = "utf-8-sig"  # with a BOM, so Excel opens Chinese text correctly
MAX_WIDTH = 48


@dataclass(frozen=True, slots=True)
class Sheet:
    """One output table: its key (also the CSV file name) and rows keyed by column key."""

    key: str
    frame: pd.DataFrame

    def headed(self, lang: Lang) -> pd.DataFrame:
        """The table with column headers in ``lang``."""
        return self.frame.rename(columns={k: column(k, lang) for k in self.frame.columns})


def clock(moment: dt.datetime | None, date: dt.date) -> str:
    """``HH:MM`` of ``moment``, with ``(+N)`` when it falls N days after ``date``."""
    if moment is None:
        return ""
    shown = moment.strftime("%H:%M")
    days = (moment.date() - date).days
    return shown if days == 0 else f"{shown} ({days:+d})"


def _day_text(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def permit_from_text(start: dt.datetime) -> str:
    """First valid moment of a permit: the date alone when it starts at midnight."""
    return start.date().isoformat() if start.time() == dt.time() else _day_text(start)


def permit_to_text(end: dt.datetime) -> str:
    """Last valid day of a permit valid until ``end`` (midnight → the day before)."""
    if end.time() == dt.time():
        return (end - dt.timedelta(days=1)).date().isoformat()
    return _day_text(end)


def _column_values(values: list[object]) -> pd.Series:
    """One column: integers (with gaps) as nullable integers, anything else as objects."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Int64")
    return pd.Series(values, dtype=object)


def rows_frame(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows (column key → value; missing keys blank) as a table with columns in order."""
    return pd.DataFrame(
        {key: _column_values([row.get(key) for row in rows]) for key in columns},
        columns=list(columns),
    )


def _station_name(plan: Plan, station_id: str, lang: Lang) -> str:
    station = plan.day.stations[station_id]
    if lang == Lang.EN:
        return station.name_en
    if lang == Lang.ZH:
        return station.name_zh
    return f"{station.name_zh} / {station.name_en}"


def _station_pair(plan: Plan, station_id: str) -> tuple[str, str]:
    station = plan.day.stations[station_id]
    return station.name_zh, station.name_en


def _employer(plan: Plan, enterprise_id: str) -> str:
    return plan.day.enterprises[enterprise_id].name


def trips_sheet(plan: Plan, lang: Lang) -> Sheet:
    """One row per served trip, in departure order."""
    date = plan.day.date
    rows = [
        {
            "trip_id": t.trip_id,
            "vehicle": t.vehicle_id,
            "station": _station_name(plan, t.station_id, lang),
            "enterprise": _employer(plan, t.enterprise_id),
            "enterprise_id": t.enterprise_id,
            "headcount": t.headcount,
            "escort_seats": t.escort_seats,
            "passengers": t.passengers,
            "board_start": clock(t.board_start, date),
            "depart": clock(t.depart, date),
            "arrive": clock(t.arrive, date),
            "alight_start": clock(t.alight_start, date),
            "wait_mean_min": round(t.wait_mean_min, 1),
            "wait_max_min": round(t.wait_max_min, 1),
            "ride_min": round(t.ride_min, 1),
            "distance_km": round(t.distance_km, 1),
        }
        for t in sorted(plan.trips, key=lambda t: (t.depart, t.trip_id))
    ]
    keys = ["trip_id", "vehicle", "station", "enterprise", "enterprise_id", "headcount"]
    keys += ["escort_seats", "passengers", "board_start", "depart", "arrive", "alight_start"]
    keys += ["wait_mean_min", "wait_max_min", "ride_min", "distance_km"]
    return Sheet("trips", rows_frame(rows, keys))


MANIFEST_KEYS = (
    "vehicle",
    "permit_no",
    "driver",
    "trip_id",
    "station",
    "board_start",
    "depart",
    "enterprise",
    "seat",
    "role",
    "worker_id",
    "name",
    "id_number",
    "phone",
    "train_no",
    "health_code",
    "nucleic_test",
)


def _personal(arrival: Arrival, *, unmask: bool) -> tuple[str, str, str]:
    """Name, id number and phone of a worker as the manifest shows them."""
    if unmask:
        return arrival.name or "", arrival.id_number or "", arrival.phone or ""
    return (
        mask_name(arrival.name) or "",
        mask_id_number(arrival.id_number) or "",
        mask_phone(arrival.phone) or "",
    )


def manifests_sheet(plan: Plan, lang: Lang, *, unmask: bool = False) -> Sheet:
    """Per bus and trip: plate, permit, a blank driver cell, the escort seat(s) to fill in,
    then the workers with masked names, id numbers and phones (in full with ``unmask``)."""
    date = plan.day.date
    arrivals = {a.worker_id: a for a in plan.day.arrivals}
    rows: list[dict[str, object]] = []
    for route in plan.routes:
        for trip_id in route.trip_ids:
            trip = plan.trip(trip_id)
            common: dict[str, object] = {
                "vehicle": route.vehicle_id,
                "permit_no": route.permit_no,
                "driver": "",
                "trip_id": trip.trip_id,
                "station": _station_name(plan, trip.station_id, lang),
                "board_start": clock(trip.board_start, date),
                "depart": clock(trip.depart, date),
                "enterprise": _employer(plan, trip.enterprise_id),
            }
            seat = 0
            for _ in range(trip.escort_seats):
                seat += 1
                rows.append({**common, "seat": seat, "role": text("role.escort", lang)})
            for worker_id in trip.worker_ids:
                seat += 1
                arrival = arrivals[worker_id]
                name, id_number, phone = _personal(arrival, unmask=unmask)
                rows.append(
                    {
                        **common,
                        "seat": seat,
                        "role": text("role.worker", lang),
                        "worker_id": worker_id,
                        "name": name,
                        "id_number": id_number,
                        "phone": phone,
                        "train_no": arrival.train_no or "",
                        "health_code": text(f"health.{arrival.health_code.value}", lang),
                        "nucleic_test": text(f"test.{arrival.nucleic_test.value}", lang),
                    }
                )
    return Sheet("manifests", rows_frame(rows, MANIFEST_KEYS))


def _free(moment: dt.datetime | None) -> dt.datetime:
    return moment or dt.datetime.min


def assign_bays(trips: Sequence[Trip], bays: int | None) -> dict[str, int]:
    """Bus bay per trip at one station: the lowest-numbered bay free at boarding start.

    A bay is taken from the start of boarding until departure. When every bay is taken, the
    bay that frees first is given (that bus waits for it). ``bays`` None or 0 gives no bays.
    """
    if not bays:
        return {}
    free_at: list[dt.datetime | None] = [None] * bays
    assigned: dict[str, int] = {}
    for trip in sorted(trips, key=lambda t: (t.board_start, t.trip_id)):
        open_bays = [i for i, end in enumerate(free_at) if end is None or end <= trip.board_start]
        bay = open_bays[0] if open_bays else min(range(bays), key=lambda i: _free(free_at[i]))
        free_at[bay] = trip.depart
        assigned[trip.trip_id] = bay + 1
    return assigned


def station_boards_sheet(plan: Plan, lang: Lang) -> Sheet:
    """Departures per station, in boarding order: time, bay, bus, employer, headcount."""
    date = plan.day.date
    by_station: dict[str, list[Trip]] = defaultdict(list)
    for trip in plan.trips:
        by_station[trip.station_id].append(trip)
    rows: list[dict[str, object]] = []
    for station_id in plan.day.stations:
        trips = sorted(by_station.get(station_id, []), key=lambda t: (t.board_start, t.trip_id))
        bays = assign_bays(trips, plan.day.stations[station_id].bays)
        for trip in trips:
            rows.append(
                {
                    "station": _station_name(plan, station_id, lang),
                    "board_start": clock(trip.board_start, date),
                    "depart": clock(trip.depart, date),
                    "bay": bays.get(trip.trip_id, ""),
                    "vehicle": trip.vehicle_id,
                    "enterprise": _employer(plan, trip.enterprise_id),
                    "headcount": trip.headcount,
                    "escort_seats": trip.escort_seats,
                    "trip_id": trip.trip_id,
                }
            )
    keys = ["station", "board_start", "depart", "bay", "vehicle", "enterprise", "headcount"]
    return Sheet("station_boards", rows_frame(rows, [*keys, "escort_seats", "trip_id"]))


def employer_notices_sheet(plan: Plan, lang: Lang) -> Sheet:
    """Per employer, each bus on its way: station, departure, ETA, headcount, escort needed."""
    date = plan.day.date
    rows: list[dict[str, object]] = []
    order = {e: i for i, e in enumerate(plan.day.enterprises)}
    for trip in sorted(plan.trips, key=lambda t: (order[t.enterprise_id], t.arrive, t.trip_id)):
        enterprise = plan.day.enterprises[trip.enterprise_id]
        station = _station_name(plan, trip.station_id, lang)
        escort = (
            text(
                "escort.needed",
                lang,
                seats=trip.escort_seats,
                station=_station_pair(plan, trip.station_id),
                time=clock(trip.board_start, date),
            )
            if trip.escort_seats
            else ""
        )
        rows.append(
            {
                "enterprise": enterprise.name,
                "enterprise_id": enterprise.enterprise_id,
                "eta": clock(trip.arrive, date),
                "headcount": trip.headcount,
                "station": station,
                "depart": clock(trip.depart, date),
                "vehicle": trip.vehicle_id,
                "trip_id": trip.trip_id,
                "escort": escort,
                "escort_contact": mask_contact(enterprise.escort_contact) or "",
            }
        )
    keys = ["enterprise", "enterprise_id", "eta", "headcount", "station", "depart", "vehicle"]
    return Sheet(
        "employer_notices", rows_frame(rows, [*keys, "trip_id", "escort", "escort_contact"])
    )


def vehicles_sheet(plan: Plan, lang: Lang, idle_codes: dict[str, str]) -> Sheet:
    """Used vehicles with their day (buses, then trucks: trips are shipments), then idle
    vehicles with the reason."""
    date = plan.day.date
    rows: list[dict[str, object]] = []
    for route in (*plan.routes, *plan.truck_routes):
        bus = route.vehicle_class is VehicleClass.BUS
        rows.append(
            {
                "vehicle": route.vehicle_id,
                "operator": route.operator,
                "depot": route.depot_id,
                "vehicle_class": text(f"class.{route.vehicle_class.value}", lang),
                "seats": route.seats,
                "capacity": route.capacity if bus else None,
                "capacity_t": route.capacity_t,
                "permit_no": route.permit_no,
                "permit_valid_from": permit_from_text(route.permit_valid_from),
                "permit_valid_to": permit_to_text(route.permit_valid_to),
                "status": text("status.used", lang),
                "trips": len(route.trip_ids),
                "workers": sum(plan.trip(t).headcount for t in route.trip_ids) if bus else None,
                "start": clock(route.start, date),
                "end": clock(route.end, date),
                "distance_km": round(route.distance_km, 1),
                "loaded_km": round(route.loaded_km, 1),
                "empty_km": round(route.empty_km, 1),
                "cost_cny": round(route.cost_cny, 2),
            }
        )
    for idle in plan.idle:
        vehicle = plan.day.vehicle(idle.vehicle_id)
        reason = {"zh": idle.reason_zh, "en": idle.reason_en}
        rows.append(
            {
                "vehicle": idle.vehicle_id,
                "operator": idle.operator,
                "depot": idle.depot_id,
                "vehicle_class": text(f"class.{idle.vehicle_class.value}", lang),
                "seats": vehicle.seats,
                "capacity_t": vehicle.capacity_t,
                "permit_no": idle.permit_no or "",
                "status": text("status.idle", lang),
                "trips": 0,
                "workers": 0,
                "reason": idle_codes.get(idle.vehicle_id, ""),
                "reason_text": (
                    reason[lang] if lang != "both" else f"{idle.reason_zh} / {idle.reason_en}"
                ),
            }
        )
    keys = ["vehicle", "operator", "depot", "vehicle_class", "seats", "capacity", "capacity_t"]
    keys += ["permit_no", "permit_valid_from", "permit_valid_to", "status", "trips", "workers"]
    keys += ["start", "end"]
    keys += ["distance_km", "loaded_km", "empty_km", "cost_cny", "reason", "reason_text"]
    return Sheet("vehicles", rows_frame(rows, keys))


def _both(zh: str, en: str, lang: Lang) -> str:
    if lang == Lang.ZH:
        return zh
    if lang == Lang.EN:
        return en
    return f"{zh} / {en}"


def excluded_sheet(plan: Plan, lang: Lang) -> Sheet:
    """Workers screened out, with the published reason codes and texts (no health data)."""
    rows = [
        {
            "worker_id": e.worker_id,
            "station": _station_name(plan, e.arrival.station_id, lang),
            "enterprise": _employer(plan, e.arrival.enterprise_id),
            "arrival_time": _day_text(e.arrival.arrival_time),
            "reason": ", ".join(code.value for code in public_codes(e)),
            "reason_text": _both(describe_public(e, Lang.ZH), describe_public(e, Lang.EN), lang),
        }
        for e in plan.excluded
    ]
    keys = ["worker_id", "station", "enterprise", "arrival_time", "reason", "reason_text"]
    return Sheet("excluded", rows_frame(rows, keys))


def unserved_sheet(plan: Plan, lang: Lang) -> Sheet:
    """Eligible workers without a bus, with the reason, detail and exits involved."""
    rows = [
        {
            "worker_id": u.worker_id,
            "station": _station_name(plan, u.station_id, lang),
            "enterprise": _employer(plan, u.enterprise_id),
            "arrival_time": _day_text(u.arrival_time),
            "request_id": u.request_id or "",
            "reason": u.reason.value,
            "reason_text": _both(
                reason_text(u.reason, Lang.ZH), reason_text(u.reason, Lang.EN), lang
            ),
            "detail": u.detail,
            "exits": ", ".join(u.exits),
        }
        for u in plan.unserved
    ]
    keys = ["worker_id", "station", "enterprise", "arrival_time", "request_id", "reason"]
    return Sheet("unserved", rows_frame(rows, [*keys, "reason_text", "detail", "exits"]))


def kpis_sheet(plan: Plan, lang: Lang) -> Sheet:
    """The KPI table, the nothing-lost check included."""
    table = [*kpi_rows(plan.kpis, lang), *advice_rows(plan.advice, lang)]
    rows = [{"item": i, "value": v, "unit": u} for i, v, u in table]
    return Sheet("kpis", rows_frame(rows, ["item", "value", "unit"]))


def subsidy_sheet(plan: Plan, lang: Lang) -> Sheet:
    """Charter cost per employer and the subsidy where the worker threshold is reached."""
    rows = [
        {
            "enterprise_id": s.enterprise_id,
            "enterprise": s.name,
            "workers_transported": s.workers_transported,
            "trips": s.trips,
            "cost_cny": round(s.cost_cny, 2),
            "eligible": text("yes" if s.eligible else "no", lang),
            "subsidy_cny": round(s.subsidy_cny, 2),
        }
        for s in plan.subsidy
    ]
    keys = ["enterprise_id", "enterprise", "workers_transported", "trips", "cost_cny"]
    return Sheet("subsidy", rows_frame(rows, [*keys, "eligible", "subsidy_cny"]))


def plan_sheets(
    plan: Plan, lang: Lang, *, idle_codes: dict[str, str], unmask: bool = False
) -> tuple[Sheet, ...]:
    """Every sheet of the plan, in workbook order.

    Parameters
    ----------
    plan
        The plan.
    lang
        Language of names and fixed texts in the cells (headers are set when writing).
    idle_codes
        Reason code per idle plate (see ``dispatch.outputs.plan_json.idle_reasons``).
    unmask
        Show names, id numbers and phones in full on the manifest sheet. Default False.
    """
    return (
        trips_sheet(plan, lang),
        manifests_sheet(plan, lang, unmask=unmask),
        station_boards_sheet(plan, lang),
        employer_notices_sheet(plan, lang),
        vehicles_sheet(plan, lang, idle_codes),
        excluded_sheet(plan, lang),
        unserved_sheet(plan, lang),
        kpis_sheet(plan, lang),
        subsidy_sheet(plan, lang),
    )


def write_workbook(sheets: Sequence[Sheet], path: Path, lang: Lang) -> Path:
    """Write ``sheets`` to one workbook, headers in ``lang``, bold frozen header row.

    Streams the rows (XlsxWriter's constant-memory mode: each row is written out as soon as
    the next begins); a demo day's manifests are thousands of rows. Every text cell goes
    through :func:`dispatch.outputs.cells.safe_text` and is written as text, never as a formula.
    """
    book = WorkbookWriter(path, lang)
    for sheet in sheets:
        book.fill(book.add(sheet.key), sheet)
    return book.close()


class WorkbookWriter:
    """A workbook written sheet by sheet (see ``write_workbook``): ``add`` places a sheet
    (tabs keep the order they were added in), ``fill`` writes its rows, possibly later and
    after other sheets were filled, ``close`` writes the file."""

    def __init__(self, path: Path, lang: Lang) -> None:
        self.path, self.lang = path, lang
        # the rows stream into temporary files beside the workbook until ``close``
        options = {"constant_memory": True, "nan_inf_to_errors": True, "tmpdir": str(path.parent)}
        self.book = Workbook(str(path), options)
        self.header = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.moment = self.book.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})

    def add(self, key: str) -> Worksheet:
        """Place the sheet of ``key`` after those added so far (empty until filled)."""
        return self.book.add_worksheet(sheet_title(key, self.lang))

    def fill(self, ws: Worksheet, sheet: Sheet) -> None:
        """Write ``sheet``'s column widths, frozen header and rows into ``ws``."""
        frame = sheet.headed(self.lang)
        for index, name in enumerate(frame.columns):
            longest = max([len(str(name))] + [len(str(v)) for v in frame.iloc[:200, index]])
            ws.set_column(index, index, min(MAX_WIDTH, longest + 2))
        ws.freeze_panes(1, 0)
        for col, name in enumerate(frame.columns):
            ws.write_string(0, col, safe_text(str(name)), self.header)
        for row, values in enumerate(frame.itertuples(index=False), start=1):
            for col, value in enumerate(values):
                _write_cell(ws, row, col, safe_cell(value), self.moment)

    def close(self) -> Path:
        """Write the workbook file; its path."""
        self.book.close()
        return self.path

    def abandon(self) -> None:
        """Drop the workbook unwritten: close and remove the rows streamed so far (the
        worksheets' row files of XlsxWriter's constant-memory mode)."""
        for ws in self.book.worksheets():
            handle = getattr(ws, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
            name = getattr(ws, "row_data_filename", None)
            if name:
                Path(name).unlink(missing_ok=True)


def _write_cell(ws: Worksheet, row: int, col: int, value: object, moment: Format) -> None:
    """One guarded cell by its type: text as text, numbers as numbers, blanks (None and
    empty text) not at all."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        ws.write_string(row, col, value)
    elif isinstance(value, bool | np.bool_):
        ws.write_boolean(row, col, bool(value))
    elif isinstance(value, int | float | np.integer | np.floating):
        ws.write_number(row, col, float(value) if isinstance(value, np.floating) else value)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(row, col, value, moment)
    else:
        ws.write_string(row, col, safe_text(str(value)))


def write_csvs(sheets: Sequence[Sheet], folder: Path, lang: Lang) -> tuple[Path, ...]:
    """One CSV per sheet in ``folder`` (``<key>.csv``, UTF-8 with BOM), headers in ``lang``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = folder / f"{sheet.key}.csv"
        safe_frame(sheet.headed(lang)).to_csv(path, index=False, encoding=CSV_ENCODING)
        written.append(path)
    return tuple(written)
