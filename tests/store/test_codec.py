"""Tests of store.codec: packed text is checked when read back; options (and a re-plan's
record) round-trip."""

from __future__ import annotations

import datetime as dt

import pytest

from store.codec import options_json, options_of, pack, unpack
from store.errors import StoreError
from store.repository import EventFile, ReplanRecord, RunOptions


def test_packed_text_is_checked_when_read_back() -> None:
    blob, checksum = pack("派车计划 plan")
    assert unpack(blob, checksum, "x") == "派车计划 plan"
    with pytest.raises(StoreError, match=r"x is damaged in the store .its checksum does not match"):
        unpack(blob, "0" * 64, "x")
    with pytest.raises(StoreError, match="y is damaged in the store"):
        unpack(b"not zlib", checksum, "y")


def test_options_round_trip() -> None:
    options = RunOptions("plan", (("--seed", "1"), ("--policy", "政策.toml")))
    assert options_of(options_json(options)) == options


def test_a_plan_s_options_are_stored_as_before() -> None:
    """Options without a re-plan keep their JSON (no ``replan`` key)."""
    text = options_json(RunOptions("plan", (("--seed", "1"),)))
    assert text == '{"command":"plan","options":[["--seed","1"]]}'


def test_a_replan_record_round_trips_with_its_events_and_diff() -> None:
    record = ReplanRecord(
        at=dt.datetime(2020, 2, 24, 12, 0),
        base="store version 1",
        events=(
            EventFile("events.csv", "a" * 64, "kind,known_at\nno_show,11:50\n"),
            EventFile("events.xlsx", "b" * 64, "UEsDBA==", "base64"),
        ),
        applied=(("no_show", 1),),
        pending=2,
        changes=(("workers_changed", 3), ("trips_changed", 2), ("buses_changed", 1)),
        diff='{\n  "format": "charter-diff/1"\n}\n',
    )
    options = RunOptions("replan", (("--at", "12:00"),), record)
    assert options_of(options_json(options)) == options
    assert record.summary(1) == "re-plan of version 1 at 12:00: 3 workers, 2 trips, 1 buses changed"
    assert record.summary(None).startswith("re-plan of store version 1 at 12:00")


def test_an_event_file_is_text_or_base64() -> None:
    with pytest.raises(ValueError, match="encoding 'latin-1' is not utf-8 or base64"):
        EventFile("events.csv", "a" * 64, "x", "latin-1")
