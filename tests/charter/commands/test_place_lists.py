"""Tests for charter.commands.place_lists: ``charter stations list`` and ``charter exits list``."""

from __future__ import annotations

import json

import pytest

from charter.cli import main
from tests.paths import DATA

PLACES = DATA / "places"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables 200 columns wide, so ids and names are not wrapped."""
    monkeypatch.setenv("COLUMNS", "200")


def test_stations_list_shows_the_embedded_stations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stations", "list"]) == 0
    out = capsys.readouterr().out
    assert "Arrival stations" in out
    assert "suzhou_industrial_park" in out and "苏州北站" in out
    assert "© OpenStreetMap contributors" in out


def test_stations_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stations", "list", "--json"]) == 0
    stations = json.loads(capsys.readouterr().out)
    assert len(stations) == 10
    assert stations[1] == {
        "station_id": "suzhou_north",
        "name_zh": "苏州北站",
        "name_en": "Suzhou North",
        "kind": "rail",
        "lon": 120.63893,
        "lat": 31.42372,
        "bays": None,
        "source": stations[1]["source"],
    }


def test_exits_list_json_flags_illustrative_checkpoints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["exits", "list", "--json"]) == 0
    exits = json.loads(capsys.readouterr().out)
    kinds = {e["kind"] for e in exits}
    assert kinds == {"junction", "boundary"}
    assert all(e["illustrative"] == (e["kind"] == "boundary") for e in exits)
    assert all(e["status"] == "open" for e in exits)


def test_exits_list_table_shows_status_kind_and_illustrative(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["exits", "list"]) == 0
    out = capsys.readouterr().out
    assert "bx01" in out and "osm267701263" in out
    assert "illustrative" in out and "boundary" in out and "junction" in out
    assert "computed positions, not surveyed toll stations" in out


def test_exits_list_of_a_users_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exits", "list", "--exits", str(PLACES / "exits_ok.csv")]) == 0
    out = capsys.readouterr().out
    assert "sz_east" in out and "closed" in out and "freight_only" in out
    assert "[bold]汾湖[/bold] 收费站" in out  # a name from a file is shown as text
    assert "bx01" not in out
    assert "4 checkpoints (1 green_channel, 1 open, 1 freight_only, 1 closed)" in out


def test_exits_list_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exits", "list", "--exits", str(PLACES / "exits_ok.csv"), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "绿色通道" in out and "关闭" in out and "仅货车" in out
    assert "共 4 个卡口" in out


def test_quiet_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exits", "list", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_bad_exits_file_exits_2_with_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exits", "list", "--exits", str(PLACES / "exits_many_problems.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: 6 input problems:")
    assert "exits_many_problems.csv row 4: `lon, lat` '31.312, 121.073' look swapped" in (
        captured.err
    )


def test_bad_file_with_json_gives_the_error_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["stations", "list", "--json", "--stations", str(PLACES / "stations_swapped.csv")]
    assert main(args) == 2
    envelope = json.loads(capsys.readouterr().out)
    assert envelope["code"] == 2
    assert "stations_swapped.csv row 2: `lon, lat`" in envelope["error"]


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exits", "list", "--exits", str(PLACES / "no_such.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["exits", "list", "--json", "--exits", str(PLACES / "no_such.csv")]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == 2


@pytest.mark.parametrize("command", ["stations", "exits"])
def test_both_languages_side_by_side(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang both`` (every command takes it) gives ``中文 / English`` headers."""
    assert main([command, "list", "--lang", "both"]) == 0
    out = capsys.readouterr().out
    assert "编号 / id" in out and "经度 / lon" in out
