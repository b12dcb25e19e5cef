"""Re-planning through the day store: what a re-plan of a stored version starts from (the day's
inputs as first imported, the version's plan.json as the base), which stored version a plan
folder is, and what a re-plan version keeps besides its plan (the clock time, the events as
given, the diff against its parent).

The day a re-plan starts from is the one the chain of re-plans goes back to: the inputs of the
version's first ancestor (the ``charter plan`` it re-plans), not the version's own — a re-plan
version's inputs already carry its events (trains moved, walk-ins added, exits at their final
status), and the events file of the day is applied again by every re-plan of the chain.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dispatch.replan.base import BasePlan, base_of_document, check_base
from store.provenance import file_sha256
from store.repository import (
    DayRepository,
    EventFile,
    Provenance,
    ReplanRecord,
    RunOptions,
    SourceFile,
    StaleBase,
    VersionInfo,
)

if TYPE_CHECKING:
    from dispatch.day import Day
    from dispatch.outputs.plan_json import PlanDocument
    from dispatch.replan.replanner import Replan

TEXT_SUFFIXES = (".csv", ".yaml", ".yml", ".txt")
EVENT_FILES = ("events.csv", "walk_ins.csv")  # of an events folder (dispatch.replan.event_tables)


@dataclass(frozen=True, slots=True)
class ReplanSource:
    """What a re-plan of a stored version starts from.

    Parameters
    ----------
    day
        The day's inputs as imported for ``root`` (personal data put back when asked).
    base
        The version's plan.json as the base (``parent``: ``store version N``).
    document
        The version's plan.json (the map draws the new version against it).
    version
        The base version.
    root
        The version whose inputs are ``day``: the first of the chain of parents.
    stale
        What is newer than the base version, if it is not the latest of its day.
    """

    day: Day
    base: BasePlan
    document: PlanDocument
    version: VersionInfo
    root: int
    stale: StaleBase | None


def store_parent(number: int) -> str:
    """How a re-plan names a stored parent version in ``meta.parent``."""
    return f"store version {number}"


def root_version(versions: Sequence[VersionInfo], number: int) -> int:
    """The first version of the chain of parents of version ``number``.

    Parameters
    ----------
    versions
        The day's versions (``DayRepository.versions``).
    number
        A version among them.
    """
    parents = {v.version: v.parent_version for v in versions}
    seen = {number}
    while (parent := parents.get(number)) is not None and parent not in seen:
        seen.add(parent)
        number = parent
    return number


def stale_of(versions: Sequence[VersionInfo], number: int) -> StaleBase | None:
    """None if version ``number`` is the latest of ``versions``; else it and the latest."""
    base = next(v for v in versions if v.version == number)
    return None if versions[-1].version == number else StaleBase(base, versions[-1])


def replan_source(
    store: DayRepository, date: dt.date, number: int | None = None, *, personal: bool
) -> ReplanSource:
    """The day and base a re-plan of version ``number`` of ``date`` starts from.

    Parameters
    ----------
    store
        The day store.
    date
        The planning date.
    number
        The base version. Default None (the latest).
    personal
        Put the stored personal data back into the day (for the re-plan's manifests and trip
        sheets, which mask it; the reading is audited).

    Raises
    ------
    NotFoundError
        If the day or the version is not stored.
    InputError
        If the version's plan.json does not plan the day of its first ancestor's inputs.
    """
    stored = store.version(date, number)
    info = stored.info
    versions = store.versions(date)
    root = root_version(versions, info.version)
    day = store.load_plan(date, root, personal=personal).day
    base = base_of_document(stored.document, day, parent=store_parent(info.version))
    check_base(base, day, label=f"version {info.version} of {date.isoformat()}", walk_ins=None)
    return ReplanSource(day, base, stored.document, info, root, stale_of(versions, info.version))


def plan_folder_version(store: DayRepository, date: dt.date, folder: Path) -> VersionInfo | None:
    """The stored version of ``date`` whose plan.json is the one in ``folder`` (byte for byte:
    the store keeps the text ``charter plan --store`` wrote); None if none is."""
    plan_json = folder / "plan.json" if folder.is_dir() else folder
    return store.version_of_document(date, file_sha256(plan_json))


def event_files(path: Path | None) -> tuple[EventFile, ...]:
    """The events files as given: a folder's events.csv (and walk_ins.csv), or the file;
    text as text, a workbook as base64."""
    if path is None:
        return ()
    files = [path / n for n in EVENT_FILES if (path / n).is_file()] if path.is_dir() else [path]
    kept = []
    for file in files:
        raw = file.read_bytes()
        sha = file_sha256(file)
        if file.suffix.lower() in TEXT_SUFFIXES:
            try:
                kept.append(EventFile(file.name, sha, raw.decode("utf-8")))
                continue
            except UnicodeDecodeError:
                pass
        kept.append(EventFile(file.name, sha, base64.b64encode(raw).decode("ascii"), "base64"))
    return tuple(kept)


def event_bytes(item: EventFile) -> bytes:
    """The bytes of a kept events file, as given."""
    if item.encoding == "base64":
        return base64.b64decode(item.content)
    return item.content.encode("utf-8")


def replan_record(replan: Replan, events: Sequence[EventFile] = ()) -> ReplanRecord:
    """What the store keeps of a re-plan beside its plan: the clock time, the parent's name,
    the events as given, the events applied and pending, the diff's figures and diff.json."""
    from dispatch.replan.files import diff_json_text

    return ReplanRecord(
        at=replan.at,
        base=replan.base.parent,
        events=tuple(events),
        applied=tuple(replan.applied.counts().items()),
        pending=len(replan.pending),
        changes=tuple(replan.diff.counts().items()),
        diff=diff_json_text(replan),
    )


def save_replan(
    store: DayRepository,
    replan: Replan,
    *,
    parent: int,
    events: Sequence[EventFile] = (),
    options: tuple[tuple[str, str], ...] = (),
    document: PlanDocument | None = None,
    latest_parent: bool = True,
) -> VersionInfo:
    """Save a re-plan as the day's next version, child of stored version ``parent``.

    Parameters
    ----------
    store
        The day store.
    replan
        The re-plan (of ``parent``).
    parent
        The stored version it re-planned.
    events
        The events files as given (:func:`event_files`). Default none.
    options
        The command's options as given. Default none.
    document
        The new version's plan.json, already made. Default None (made here).
    latest_parent
        Refuse (``StaleBaseError``) unless ``parent`` is still the day's latest version when
        the new one is written. Default True.
    """
    at = replan.at.strftime("%H:%M")
    provenance = Provenance(
        f"re-plan of version {parent} at {at}",
        tuple(SourceFile(f.name, f.sha256, len(event_bytes(f))) for f in events),
    )
    return store.save_plan(
        replan.plan,
        provenance=provenance,
        options=RunOptions("replan", options, replan_record(replan, events)),
        parent=parent,
        document=document,
        latest_parent=latest_parent,
    )
