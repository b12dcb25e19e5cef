"""The plan folder: plan.json, plan.xlsx and csv/ written together, never for a plan that
loses a worker.

Layout of ``out_dir`` (``map.html`` is drawn by the caller's ``after`` hook, since maps build
on dispatch)::

    plan.json        the machine-readable plan (docs/API.md)
    plan.xlsx        the sheets for the duty staff (with shipments: truck trips, consignee
                     notices and unserved shipments after the worker sheets)
    csv/<sheet>.csv  a copy of each sheet (UTF-8 with BOM)
    map.html         the route map (by the hook)

The folder is written whole (``dispatch.outputs.atomic``): into a new folder beside
``out_dir`` that then replaces it, under a lock against a second writer. A killed run leaves
the previous folder; nothing of an earlier plan stays in a new one.

Header language: ``lang="both"`` (default) gives bilingual ``中文 / English`` headers in the
workbook and English headers in the CSV copies (stable for scripts); ``zh`` or ``en`` gives
that language in both.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from xlsxwriter.worksheet import Worksheet

from dispatch.outputs.atomic import replaced_folder
from dispatch.outputs.plan_json import PlanDocument, idle_reasons, write_plan_json
from dispatch.outputs.sheets import (
    Sheet,
    WorkbookWriter,
    kpis_sheet,
    plan_sheets,
    write_csvs,
)
from dispatch.outputs.truck_sheets import supply_sheets
from dispatch.plan import Plan, only_bounds_differ
from stations.lang import Lang

logger = logging.getLogger(__name__)

PLAN_JSON = "plan.json"
PLAN_XLSX = "plan.xlsx"
CSV_DIR = "csv"
MAP_HTML = "map.html"
SCENARIO_JSON = "scenario.json"  # written in a plan folder by a scenario run
# written in a plan folder by a re-plan (dispatch.replan.files)
DIFF_JSON = "diff.json"
DIFF_XLSX = "diff.xlsx"
AMENDMENTS_XLSX = "amendments.xlsx"
AMENDMENTS_DIR = "amendments"
# What a plan folder may hold: a folder holding anything else is not replaced.
PLAN_ENTRIES = frozenset(
    {PLAN_JSON, PLAN_XLSX, CSV_DIR, MAP_HTML, SCENARIO_JSON, DIFF_JSON, DIFF_XLSX, AMENDMENTS_XLSX}
)
CSV_FOLDERS = frozenset({CSV_DIR, AMENDMENTS_DIR})  # folders of *.csv a plan folder may hold


@dataclass(frozen=True, slots=True)
class PlanFiles:
    """What :func:`write_plan` wrote, and the plan.json document it holds."""

    folder: Path
    plan_json: Path
    workbook: Path
    csvs: tuple[Path, ...]
    document: PlanDocument

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file written."""
        return (self.plan_json, self.workbook, *self.csvs)

    def moved(self, folder: Path) -> PlanFiles:
        """The same files in ``folder`` (where the written folder was swapped in)."""

        def there(path: Path) -> Path:
            return folder / path.relative_to(self.folder)

        return dataclasses.replace(
            self,
            folder=folder,
            plan_json=there(self.plan_json),
            workbook=there(self.workbook),
            csvs=tuple(there(p) for p in self.csvs),
        )


PlanHook = Callable[[Plan, PlanFiles], object]


def csv_lang(lang: Lang) -> Lang:
    """Header language of the CSV copies: English for ``both``, else ``lang``."""
    return Lang.EN if lang == Lang.BOTH else lang


def all_sheets(
    plan: Plan, lang: Lang, *, idle_codes: dict[str, str], unmask: bool
) -> tuple[Sheet, ...]:
    """The worker-charter sheets, then (on a day with shipments) the supply sheets."""
    return (
        *plan_sheets(plan, lang, idle_codes=idle_codes, unmask=unmask),
        *supply_sheets(plan, lang),
    )


def write_plan(
    plan: Plan,
    out_dir: Path,
    *,
    lang: Lang = Lang.BOTH,
    unmask: bool = False,
    after: PlanHook | None = None,
) -> PlanFiles:
    """Write the plan folder whole: into a new folder that then replaces ``out_dir``.

    Parameters
    ----------
    plan
        The plan to write.
    out_dir
        The folder (created if missing; an earlier plan folder there is replaced whole).
    lang
        ``zh``, ``en`` or ``both``: headers and fixed texts of the workbook (and of the CSV
        copies, which use English for ``both``). Default ``both``.
    unmask
        Show names, id numbers and phone numbers in full on the manifest sheet (and its CSV
        copy) only. Default False.
    after
        Called with the plan and the files written, in the new folder before it replaces
        ``out_dir``, to add more (``maps.from_plan.write_plan_map``). Default None.

    Returns
    -------
    PlanFiles
        The paths written (in ``out_dir``) and the plan.json document.

    Raises
    ------
    PlanInvariantError
        If the plan loses or double-counts a worker or a shipment (a bug; nothing is written).
    InputError
        If another run is writing ``out_dir``, or its folder cannot be written.
    ValueError
        If ``lang`` is not one of zh, en, both.
    """
    with PlanWriting(out_dir, lang=lang, unmask=unmask, after=after) as writing:
        return writing.finish(plan)


# Sheets that show the fleet bounds, by key, and how to build them: written by ``finish``.
BOUND_SHEETS: dict[str, Callable[[Plan, Lang], Sheet]] = {"kpis": kpis_sheet}


class PlanWriting:
    """The plan folder written in two steps, so that most of it is written while the fleet
    bounds are still being computed (``plan_day(meanwhile=…)``): ``begin`` with the
    provisional plan writes every sheet and CSV copy that does not show the bounds into the
    new folder; ``finish`` with the plan writes plan.json, the KPI sheet, the workbook and the
    ``after`` hook's files, then swaps the folder in (``write_plan``, the same in one step).
    Until ``finish`` returns the folder is not in place: an error or Ctrl-C before (the block
    left by an exception) removes it, so nothing half-written ever looks complete.

    Use as a context manager; ``finish`` accepts only the plan begun or one that differs from
    it in the fleet bounds and wall time alone (``dispatch.plan.with_bounds``).
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        lang: Lang = Lang.BOTH,
        unmask: bool = False,
        after: PlanHook | None = None,
    ) -> None:
        if lang not in tuple(Lang):
            raise ValueError(f"lang must be one of {', '.join(tuple(Lang))}, got {lang!r}")
        self.out_dir, self.lang, self.unmask, self.after = out_dir, lang, unmask, after
        self._stack = contextlib.ExitStack()
        self._stack_open = False  # the new folder exists and is not swapped in yet
        self._begun: _Begun | None = None

    def __enter__(self) -> PlanWriting:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._begun is not None and self._stack_open:  # harmless on a written workbook
            self._begun.book.abandon()
        if kind is None and self._stack_open:  # left without ``finish``: drop the new folder
            kind, error = RuntimeError, RuntimeError("plan folder: not finished")
        self._stack.__exit__(kind, error, trace)  # never swallows what the block raised

    def begin(self, provisional: Plan) -> None:
        """Write what does not show the fleet bounds (once; a second call is refused)."""
        if self._begun is not None:
            raise RuntimeError("plan folder: begun twice")
        provisional.check_nothing_lost()
        staging = self._stack.enter_context(replaced_folder(self.out_dir))
        self._stack_open = True
        codes = idle_reasons(provisional.day)
        idle_codes = {i.vehicle_id: i.code or codes[i.vehicle_id].value for i in provisional.idle}
        book = WorkbookWriter(staging / PLAN_XLSX, self.lang)
        pending: list[tuple[str, Worksheet]] = []
        for sheet in all_sheets(provisional, self.lang, idle_codes=idle_codes, unmask=self.unmask):
            worksheet = book.add(sheet.key)
            if sheet.key in BOUND_SHEETS:
                pending.append((sheet.key, worksheet))
            else:
                book.fill(worksheet, sheet)
        tables = all_sheets(
            provisional, csv_lang(self.lang), idle_codes=idle_codes, unmask=self.unmask
        )
        written = write_csvs(
            [t for t in tables if t.key not in BOUND_SHEETS], staging / CSV_DIR, csv_lang(self.lang)
        )
        order = [t.key for t in tables]
        self._begun = _Begun(provisional, staging, book, pending, written, order)

    def finish(self, plan: Plan) -> PlanFiles:
        """Write the rest for ``plan`` and swap the folder in; the files written (in
        ``out_dir``)."""
        if self._begun is None:
            self.begin(plan)
        begun = self._begun
        assert begun is not None
        if not only_bounds_differ(begun.plan, plan):
            raise ValueError("plan folder: finished with another plan than the one begun")
        staging = begun.staging
        document = write_plan_json(plan, staging / PLAN_JSON)
        for key, worksheet in begun.pending:
            begun.book.fill(worksheet, BOUND_SHEETS[key](plan, self.lang))
        workbook = begun.book.close()
        late = write_csvs(
            [
                BOUND_SHEETS[key](plan, csv_lang(self.lang))
                for key in begun.order
                if key in BOUND_SHEETS
            ],
            staging / CSV_DIR,
            csv_lang(self.lang),
        )
        by_key = {path.stem: path for path in (*begun.written, *late)}
        csvs = tuple(by_key[key] for key in begun.order)
        files = PlanFiles(staging, staging / PLAN_JSON, workbook, csvs, document)
        if self.after is not None:
            self.after(plan, files)
        self._stack_open = False
        self._stack.close()  # the new folder replaces out_dir
        logger.info("wrote plan folder %s (%d files)", self.out_dir, 2 + len(files.csvs))
        return files.moved(self.out_dir)


@dataclass(slots=True)
class _Begun:
    plan: Plan
    staging: Path
    book: WorkbookWriter
    pending: list[tuple[str, Worksheet]]  # bound sheets placed in the workbook, not filled
    written: tuple[Path, ...]  # CSV copies written (all but the bound sheets')
    order: list[str]  # every CSV copy's key, in sheet order
