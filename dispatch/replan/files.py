"""A re-plan's folder: the new version's plan folder, the diff against its parent and the
amended notices.

Layout of ``out_dir`` (``map.html`` is added by the command, against the parent)::

    plan.json, plan.xlsx, csv/     the new version, whole (``dispatch.outputs.plan_folder``)
    diff.json                      what changed (docs/API.md, "diff.json")
    diff.xlsx                      the same as sheets: summary, workers, trips, buses
    amendments.xlsx                only what changed, marked as amendments: station boards
                                   and employer notices of the changed trips (cancelled
                                   ones included), trip sheets of the buses whose duty or
                                   one of whose trips changed
    amendments/<sheet>.csv         a copy of each amendment sheet

Privacy as in every output: worker ids only, but on the trip sheets (masked names, id
numbers and phones, as the manifests).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dispatch.outputs.labels import text
from dispatch.outputs.plan_folder import (
    AMENDMENTS_DIR,
    AMENDMENTS_XLSX,
    DIFF_JSON,
    DIFF_XLSX,
    PlanFiles,
    PlanHook,
    csv_lang,
    write_plan,
)
from dispatch.outputs.sheets import (
    Sheet,
    clock,
    employer_notices_sheet,
    manifests_sheet,
    rows_frame,
    station_boards_sheet,
    write_csvs,
    write_workbook,
)
from dispatch.plan import Plan, Trip
from dispatch.replan.diff import Assignment, PlanDiff, TripChange, TripChangeKind
from dispatch.replan.replanner import Replan
from stations.lang import Lang

DIFF_FORMAT = "charter-diff/1"


@dataclass(frozen=True, slots=True)
class ReplanFiles:
    """What :func:`write_replan` wrote."""

    plan: PlanFiles
    diff_json: Path
    diff_workbook: Path
    amendments: Path | None
    amendment_csvs: tuple[Path, ...]

    @property
    def folder(self) -> Path:
        """The folder."""
        return self.plan.folder

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file written."""
        extra = () if self.amendments is None else (self.amendments,)
        return (*self.plan.paths, self.diff_json, self.diff_workbook, *extra, *self.amendment_csvs)

    def moved(self, folder: Path) -> ReplanFiles:
        """The same files in ``folder`` (where the written folder was swapped in)."""

        def there(path: Path) -> Path:
            return folder / path.relative_to(self.plan.folder)

        return ReplanFiles(
            self.plan.moved(folder),
            there(self.diff_json),
            there(self.diff_workbook),
            None if self.amendments is None else there(self.amendments),
            tuple(there(p) for p in self.amendment_csvs),
        )


# --------------------------------------------------------------------------- diff.json


def _time(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _assignment(entry: Assignment) -> dict[str, object]:
    if entry.riding:
        return {
            "trip": entry.trip_id,
            "vehicle": entry.vehicle_id,
            "board_start": _time(entry.board_start),
        }
    return {"reason": entry.reason} if entry.reason else {}


def _trip(trip: Trip | None) -> dict[str, object] | None:
    if trip is None:
        return None
    return {
        "vehicle": trip.vehicle_id,
        "station": trip.station_id,
        "enterprise": trip.enterprise_id,
        "board_start": _time(trip.board_start),
        "depart": _time(trip.depart),
        "headcount": trip.headcount,
    }


def diff_document(replan: Replan) -> dict[str, object]:
    """diff.json as a JSON object (worker ids only; keys as in docs/API.md)."""
    diff = replan.diff
    plan = replan.plan
    return {
        "format": DIFF_FORMAT,
        "date": plan.day.date.isoformat(),
        "parent": diff.parent,
        "at": _time(diff.at),
        "events": {
            "applied": replan.applied.counts(),
            "pending": len(replan.pending),
        },
        "notes": list(replan.notes),
        "summary": {
            **diff.counts(),
            "changed_share": round(diff.changed_share, 4),
            "chosen_share": round(diff.chosen_share, 4),
        },
        "sums": {
            "workers_registered": plan.kpis.workers_registered,
            "workers_transported": plan.kpis.workers_transported,
            "workers_excluded": plan.kpis.workers_excluded,
            "workers_unserved": plan.kpis.workers_unserved,
            "nothing_lost": plan.kpis.nothing_lost,
        },
        "workers": [
            {
                "worker": w.worker_id,
                "change": w.kind.value,
                "forced": w.forced,
                "before": _assignment(w.before),
                "after": _assignment(w.after),
            }
            for w in diff.workers
        ],
        "trips": [
            {
                "trip": t.trip_id,
                "changes": [k.value for k in t.kinds],
                "before": _trip(t.before),
                "after": _trip(t.after),
            }
            for t in diff.trips
        ],
        "buses": [
            {
                "vehicle": b.vehicle_id,
                "change": b.kind.value,
                "trips_before": list(b.trips_before),
                "trips_after": list(b.trips_after),
            }
            for b in diff.buses
        ],
    }


def diff_json_text(replan: Replan) -> str:
    """The text of diff.json (indented, ending in a newline), as written and as the day store
    keeps it with the version."""
    document = _without_none(diff_document(replan))
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_diff_json(replan: Replan, path: Path) -> Path:
    """Write diff.json (UTF-8)."""
    path.write_text(diff_json_text(replan), encoding="utf-8")
    return path


def _without_none(value: object) -> object:
    """Optional keys are left out, never ``null`` (as in plan.json)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


# --------------------------------------------------------------------------- diff.xlsx


def _hhmm(moment: dt.datetime | None, date: dt.date) -> str:
    return clock(moment, date) if moment is not None else ""


def _trip_changes(change: TripChange, lang: Lang) -> str:
    """The amendment text of a trip: what changed, with what it was."""
    before, parts = change.before, []
    for kind in change.kinds:
        if kind is TripChangeKind.MOVED and before is not None:
            parts.append(text("amend.moved", lang, vehicle=before.vehicle_id))
        elif kind is TripChangeKind.RETIMED and before is not None:
            was = clock(before.board_start, before.board_start.date())
            parts.append(text("amend.retimed", lang, time=was))
        elif kind is TripChangeKind.RESIZED and before is not None:
            parts.append(text("amend.resized", lang, count=before.headcount))
        else:
            parts.append(text(f"amend.{kind.value}", lang))
    return "; ".join(parts)


def diff_sheets(replan: Replan, lang: Lang) -> tuple[Sheet, ...]:
    """diff.xlsx: the summary, then the workers, trips and buses that changed."""
    diff: PlanDiff = replan.diff
    date = replan.plan.day.date
    items: list[tuple[str, object]] = [("parent", diff.parent), ("at", _hhmm(diff.at, date))]
    items += [(f"events_{kind}", n) for kind, n in replan.applied.counts().items()]
    items += [("events_pending", len(replan.pending)), *diff.counts().items()]
    items += [("changed_share", round(diff.changed_share, 4))]
    items += [("chosen_share", round(diff.chosen_share, 4))]
    items += [("note", note) for note in replan.notes]
    summary = [{"item": item, "value": value} for item, value in items]
    workers = [
        {
            "worker_id": w.worker_id,
            "change": text(f"change.{w.kind.value}", lang),
            "forced": text("yes" if w.forced else "no", lang),
            "before_vehicle": w.before.vehicle_id or "",
            "before_trip": w.before.trip_id or w.before.reason,
            "before_board": _hhmm(w.before.board_start, date),
            "after_vehicle": w.after.vehicle_id or "",
            "after_trip": w.after.trip_id or w.after.reason,
            "after_board": _hhmm(w.after.board_start, date),
        }
        for w in diff.workers
    ]
    trips = [
        {
            "trip_id": t.trip_id,
            "amendment": _trip_changes(t, lang),
            "before_vehicle": t.before.vehicle_id if t.before else "",
            "after_vehicle": t.after.vehicle_id if t.after else "",
            "before_board": _hhmm(t.before.board_start if t.before else None, date),
            "after_board": _hhmm(t.after.board_start if t.after else None, date),
            "before_depart": _hhmm(t.before.depart if t.before else None, date),
            "after_depart": _hhmm(t.after.depart if t.after else None, date),
            "before_headcount": t.before.headcount if t.before else 0,
            "after_headcount": t.after.headcount if t.after else 0,
        }
        for t in diff.trips
    ]
    buses = [
        {
            "vehicle": b.vehicle_id,
            "change": text(f"change.{b.kind.value}", lang),
            "trips_before": " ".join(b.trips_before),
            "trips_after": " ".join(b.trips_after),
        }
        for b in diff.buses
    ]
    worker_keys = ["worker_id", "change", "forced", "before_vehicle", "before_trip"]
    worker_keys += ["before_board", "after_vehicle", "after_trip", "after_board"]
    trip_keys = ["trip_id", "amendment", "before_vehicle", "after_vehicle", "before_board"]
    trip_keys += ["after_board", "before_depart", "after_depart", "before_headcount"]
    return (
        Sheet("diff_summary", rows_frame(summary, ["item", "value"])),
        Sheet("diff_workers", rows_frame(workers, worker_keys)),
        Sheet("diff_trips", rows_frame(trips, [*trip_keys, "after_headcount"])),
        Sheet(
            "diff_buses", rows_frame(buses, ["vehicle", "change", "trips_before", "trips_after"])
        ),
    )


# --------------------------------------------------------------------------- amendments


def _amended(
    frame: pd.DataFrame, notes: Mapping[str, str], *, key: str = "trip_id"
) -> pd.DataFrame:
    """The rows of ``frame`` whose ``key`` has a note, with the note as a first column."""
    kept = frame[frame[key].isin(list(notes))].copy()
    kept.insert(0, "amendment", [notes[k] for k in kept[key]])
    return kept


def _cancelled_rows(
    replan: Replan, cancelled: Sequence[Trip], lang: Lang
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Station-board and employer-notice rows of the cancelled trips (as they were)."""
    day = replan.plan.day
    word = text("amend.cancelled", lang)
    boards, notices = [], []
    for trip in cancelled:
        station = day.stations[trip.station_id]
        name = {Lang.EN: station.name_en, Lang.ZH: station.name_zh}.get(
            lang, f"{station.name_zh} / {station.name_en}"
        )
        common = {
            "amendment": word,
            "vehicle": trip.vehicle_id,
            "enterprise": day.enterprises[trip.enterprise_id].name,
            "headcount": trip.headcount,
            "station": name,
            "depart": clock(trip.depart, day.date),
            "trip_id": trip.trip_id,
        }
        boards.append(
            {
                **common,
                "board_start": clock(trip.board_start, day.date),
                "escort_seats": trip.escort_seats,
            }
        )
        notices.append(
            {**common, "enterprise_id": trip.enterprise_id, "eta": clock(trip.arrive, day.date)}
        )
    return boards, notices


def amendment_sheets(replan: Replan, lang: Lang, *, unmask: bool = False) -> tuple[Sheet, ...]:
    """The amended notices: station boards and employer notices of every changed trip
    (cancelled ones as they were), trip sheets of every bus whose duty changed."""
    plan, diff = replan.plan, replan.diff
    notes = {t.trip_id: _trip_changes(t, lang) for t in diff.trips if t.after is not None}
    cancelled = [t.before for t in diff.trips if t.after is None and t.before is not None]
    all_boards = station_boards_sheet(plan, lang).frame
    all_notices = employer_notices_sheet(plan, lang).frame
    boards, notices = _amended(all_boards, notes), _amended(all_notices, notes)
    lost_boards, lost_notices = _cancelled_rows(replan, cancelled, lang)
    if lost_boards:
        boards = pd.concat([boards, pd.DataFrame(lost_boards)], ignore_index=True)
        notices = pd.concat([notices, pd.DataFrame(lost_notices)], ignore_index=True)
    boards = boards.reindex(columns=["amendment", *all_boards.columns])
    notices = notices.reindex(columns=["amendment", *all_notices.columns])
    manifests = manifests_sheet(plan, lang, unmask=unmask).frame
    changed = diff.changed_vehicles | {t.after.vehicle_id for t in diff.trips if t.after}
    sheets = manifests[manifests["vehicle"].isin(list(changed))].copy()
    unchanged = text("amend.unchanged", lang)
    sheets.insert(0, "amendment", [notes.get(t, unchanged) for t in sheets["trip_id"]])
    return (
        Sheet("amended_station_boards", boards.fillna("")),
        Sheet("amended_employer_notices", notices.fillna("")),
        Sheet("amended_trip_sheets", sheets),
    )


def _write_changes(replan: Replan, files: PlanFiles, *, lang: Lang, unmask: bool) -> ReplanFiles:
    """diff.json, diff.xlsx and the amendments into the folder of ``files``."""
    folder = files.folder
    diff_json = write_diff_json(replan, folder / DIFF_JSON)
    diff_workbook = write_workbook(diff_sheets(replan, lang), folder / DIFF_XLSX, lang)
    amendments: Path | None = None
    csvs: tuple[Path, ...] = ()
    if replan.diff.trips or replan.diff.buses:
        amendments = write_workbook(
            amendment_sheets(replan, lang, unmask=unmask), folder / AMENDMENTS_XLSX, lang
        )
        single = csv_lang(lang)
        csvs = write_csvs(
            amendment_sheets(replan, single, unmask=unmask), folder / AMENDMENTS_DIR, single
        )
    return ReplanFiles(files, diff_json, diff_workbook, amendments, csvs)


def write_replan(
    replan: Replan,
    out_dir: Path,
    *,
    lang: Lang = Lang.BOTH,
    unmask: bool = False,
    after: PlanHook | None = None,
) -> ReplanFiles:
    """Write the re-plan's folder whole (see the module docstring): the plan folder of the
    new version with the diff and the amendments, swapped in at once
    (``dispatch.outputs.plan_folder.write_plan``).

    Parameters
    ----------
    replan
        The re-plan.
    out_dir
        The folder (created if missing; an earlier plan folder there is replaced whole).
    lang
        ``zh``, ``en`` or ``both`` (CSV copies: English for ``both``). Default ``both``.
    unmask
        Names, id numbers and phones in full on the manifests and trip sheets only.
        Default False.
    after
        Called with the plan and its files in the new folder before it replaces ``out_dir``
        (the map against the parent). Default None.

    Returns
    -------
    ReplanFiles
        The paths written (in ``out_dir``).
    """
    written: list[ReplanFiles] = []

    def changes(plan: Plan, files: PlanFiles) -> None:
        written.append(_write_changes(replan, files, lang=lang, unmask=unmask))
        if after is not None:
            after(plan, files)

    plan_files = write_plan(replan.plan, out_dir, lang=lang, unmask=unmask, after=changes)
    return written[0].moved(plan_files.folder)
