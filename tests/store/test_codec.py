"""Tests of store.codec: packed text is checked when read back; options round-trip."""

from __future__ import annotations

import pytest

from store.codec import options_json, options_of, pack, unpack
from store.errors import StoreError
from store.repository import RunOptions


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
