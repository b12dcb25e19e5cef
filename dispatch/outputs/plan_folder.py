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

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dispatch.outputs.atomic import replaced_folder
from dispatch.outputs.plan_json import PlanDocument, idle_reasons, write_plan_json
from dispatch.outputs.sheets import Sheet, plan_sheets, write_csvs, write_workbook
from dispatch.outputs.truck_sheets import supply_sheets
from dispatch.plan import Plan
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
    if lang not in tuple(Lang):
        raise ValueError(f"lang must be one of {', '.join(tuple(Lang))}, got {lang!r}")
    plan.check_nothing_lost()
    with replaced_folder(out_dir) as staging:
        files = _write_files(plan, staging, lang=lang, unmask=unmask)
        if after is not None:
            after(plan, files)
    logger.info("wrote plan folder %s (%d files)", out_dir, 2 + len(files.csvs))
    return files.moved(out_dir)


def _write_files(plan: Plan, out_dir: Path, *, lang: Lang, unmask: bool) -> PlanFiles:
    document = write_plan_json(plan, out_dir / PLAN_JSON)
    codes = idle_reasons(plan.day)
    idle_codes = {i.vehicle_id: i.code or codes[i.vehicle_id].value for i in plan.idle}
    workbook = write_workbook(
        all_sheets(plan, lang, idle_codes=idle_codes, unmask=unmask), out_dir / PLAN_XLSX, lang
    )
    tables = all_sheets(plan, csv_lang(lang), idle_codes=idle_codes, unmask=unmask)
    csvs = write_csvs(tables, out_dir / CSV_DIR, csv_lang(lang))
    return PlanFiles(out_dir, out_dir / PLAN_JSON, workbook, csvs, document)
