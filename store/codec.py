"""How the store writes texts: compact JSON, zlib-compressed with the SHA-256 of the text
(checked when read back), and a plan's command-line options as JSON. Light: no domain imports,
so the commands that only list or count open the store quickly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import zlib
from typing import Any

from store.errors import StoreError, problem
from store.repository import EventFile, ReplanRecord, RunOptions

COMPRESSION_LEVEL = 6


def checksum(text: str) -> str:
    """SHA-256 of ``text`` (UTF-8) in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack(text: str) -> tuple[bytes, str]:
    """``text`` compressed, and its checksum."""
    return zlib.compress(text.encode("utf-8"), COMPRESSION_LEVEL), checksum(text)


def unpack(blob: bytes, expected: str, what: str) -> str:
    """The text of a packed ``blob``; ``StoreError`` naming ``what`` if it does not match its
    checksum (a damaged store)."""
    try:
        text = zlib.decompress(blob).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise _damaged(what, str(error)) from None
    if checksum(text) != expected:
        raise _damaged(what, "its checksum does not match")
    return text


def _damaged(what: str, why: str) -> StoreError:
    return StoreError(
        problem(what, None, f"is damaged in the store ({why})", "restore the day from a backup")
    )


def dumps(value: object) -> str:
    """Compact JSON of plain values (keys kept in order)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def options_json(options: RunOptions) -> str:
    """The options as stored: ``{"command": …, "options": [[name, value], …]}``, and for a
    re-plan ``"replan": {"at", "base", "events": [{name, sha256, content, encoding}, …],
    "applied", "pending", "changes", "diff"}``."""
    value: dict[str, object] = {
        "command": options.command,
        "options": [list(p) for p in options.options],
    }
    if options.replan is not None:
        value["replan"] = _replan_value(options.replan)
    return dumps(value)


def _replan_value(record: ReplanRecord) -> dict[str, object]:
    return {
        "at": record.at.isoformat(timespec="seconds"),
        "base": record.base,
        "events": [dataclasses.asdict(f) for f in record.events],
        "applied": dict(record.applied),
        "pending": record.pending,
        "changes": dict(record.changes),
        "diff": record.diff,
    }


def options_of(text: str) -> RunOptions:
    """The options of their stored JSON."""
    value = json.loads(text)
    replan = value.get("replan")
    return RunOptions(
        value["command"],
        tuple((str(k), str(v)) for k, v in value["options"]),
        None if replan is None else _replan_of(replan),
    )


def _replan_of(value: dict[str, Any]) -> ReplanRecord:
    return ReplanRecord(
        at=dt.datetime.fromisoformat(value["at"]),
        base=str(value["base"]),
        events=tuple(EventFile(**f) for f in value["events"]),
        applied=tuple((str(k), int(n)) for k, n in value["applied"].items()),
        pending=int(value["pending"]),
        changes=tuple((str(k), int(n)) for k, n in value["changes"].items()),
        diff=str(value["diff"]),
    )
