"""Tests of charter.terminal: no escape sequence or control character from an input file
reaches the terminal — tables, messages, warnings, errors, usage errors, logs and JSON."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from charter.cli import SafeFormatter, main
from charter.console import Output
from charter.terminal import terminal_json, terminal_text
from dispatch.outputs.privacy import mask_numbers
from tests.paths import DATA

# Every way a name could drive a terminal: CSI (clear screen, colours), OSC (window title,
# hyperlink; ended by BEL or ST), DCS, 8-bit CSI and OSC, a lone ESC, C1, CR, backspace and
# the bidirectional overrides.
PAYLOADS = (
    "\x1b[2J\x1b[H",
    "\x1b[31;1mred\x1b[0m",
    "\x1b]0;owned\x07",
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x1bP+q544e\x1b\\",
    "\x9b2J",
    "\x9d0;owned\x9c",
    "\x1b",
    "\x85\x8d",
    "over\rwrite\x08\x08",
    "\u202egnp.exe",
    "\u2066x\u2069\u200f",
)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "站" + "".join(PAYLOADS) + "名"


def assert_clean(text: str) -> None:
    """Nothing a terminal would act on."""
    assert not UNSAFE.search(text), repr(text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_sequence_is_removed(payload: str) -> None:
    """Sequences go whole (their parameters too), the text around them stays."""
    shown = terminal_text(f"a{payload}\nb")
    assert_clean(shown)
    assert shown.startswith("a") and shown.endswith("b")
    assert "owned" not in shown and "2J" not in shown


def test_text_keeps_lines_and_tabs_and_masks_numbers() -> None:
    """Line feeds and tabs stay (messages have lines); personal numbers are masked."""
    assert terminal_text("a\n\tb 13812345678") == "a\n\tb 138****5678"


@given(st.text())
def test_nothing_unsafe_survives(text: str) -> None:
    """Whatever the text, what is printed holds no control character."""
    assert_clean(terminal_text(text))


@given(st.text(), st.integers())
def test_json_keeps_the_values(text: str, number: int) -> None:
    """A JSON document keeps its values (numbers masked); unsafe characters are escapes."""
    encoded = terminal_json({"name": [text], "n": number})
    assert_clean(encoded)
    assert json.loads(encoded) == {"name": [mask_numbers(text)], "n": number}


def test_tables_and_messages_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """Titles, headers, plain and styled cells, and printed messages."""
    output = Output()
    output.table(HOSTILE, [HOSTILE], [[HOSTILE], [Text(HOSTILE, style="red")]])
    output.console.print(f"wrote {HOSTILE}")
    output.console.print(Text(HOSTILE))
    printed = capsys.readouterr().out
    assert_clean(printed)
    assert "站" in printed and "名" in printed


def test_log_lines_are_clean() -> None:
    """The log formatter of ``charter -v``."""
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "scenario %s", (HOSTILE,), None)
    assert_clean(SafeFormatter("%(message)s").format(record))


@pytest.fixture
def evil_stations(tmp_path: Path) -> Path:
    """A stations table whose names carry every payload."""
    path = tmp_path / "stations.csv"
    path.write_text(
        "station_id,name_zh,name_en,kind,lon,lat\n"
        f'x1,"{HOSTILE}","{HOSTILE} 13812345678",rail,120.6,31.3\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_station_list_is_clean(
    evil_stations: Path, as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """`charter stations list` prints names from a file: clean, numbers masked."""
    args = ["stations", "list", "--stations", str(evil_stations)]
    assert main([*args, "--json"] if as_json else args) == 0
    printed = capsys.readouterr().out
    assert_clean(printed)
    assert "13812345678" not in printed and "138****5678" in printed


def test_input_errors_are_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input error quotes the bad value: without its escapes, in text and in JSON."""
    day = tmp_path / "day"
    shutil.copytree(DATA / "days" / "plan_small", day)
    arrivals = day / "arrivals.csv"
    lines = arrivals.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("yq_test", HOSTILE.replace(",", ""))
    arrivals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check", str(day)]) == 2
    captured = capsys.readouterr()
    assert_clean(captured.err)
    assert "arrivals.csv row 2" in captured.err
    assert main(["check", str(day), "--json"]) == 2
    assert_clean(capsys.readouterr().out)


def test_usage_errors_are_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is echoed by the usage error: clean."""
    assert main(["plan", str(tmp_path / HOSTILE), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert_clean(captured.err + captured.out)
