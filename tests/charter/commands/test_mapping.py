"""Tests for charter.commands.mapping: ``charter map --layers-only``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from charter.cli import main
from tests.dispatch.outputs.test_atomic import lock_held_elsewhere
from tests.map_cases import XSS_IMG, read_rendered
from tests.paths import DATA

PERMITS_MIX = DATA / "days" / "permits_mix"
EXITS = (
    "exit_id,name,road,lon,lat,status\n"
    "X1,苏州新区收费站,G2,120.5510,31.3350,green_channel\n"
    f'X2,"{XSS_IMG}",G42,120.7000,31.3000,closed\n'
    "X3,昆山收费站,S48,120.9500,31.3500,freight_only\n"
)


def test_layers_only_writes_the_embedded_reference_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "maps" / "reference.html"
    assert main(["map", "--layers-only", "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["out"] == str(out) and report["bytes"] == out.stat().st_size
    assert report["bytes"] < 1_500_000
    rendered = read_rendered(out.read_text(encoding="utf-8"))
    assert list(rendered.overlays) == [
        "Districts",
        "Major roads",
        "Railways",
        "Arrival stations",
        "Highway exits / checkpoints",
    ]
    assert rendered.map_calls["frame"]["attribution"][0].startswith("© OpenStreetMap contributors")


def test_the_days_exits_file_replaces_the_embedded_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exits = tmp_path / "exits.csv"
    exits.write_text(EXITS, encoding="utf-8")
    out = tmp_path / "day.html"
    args = ["map", "--layers-only", "--exits", str(exits), "--date", "2020-02-17"]
    assert main([*args, "--out", str(out), "--lang", "zh", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    document = out.read_text(encoding="utf-8")
    assert XSS_IMG not in document
    rendered = read_rendered(document)
    ((_, data),) = rendered.layer("高速出入口")
    assert sorted(p[4]["t"] for p in data["p"]) == sorted(["苏州新区收费站", XSS_IMG, "昆山收费站"])
    assert rendered.map_calls["frame"]["t"] == "高速通道与车辆许可日报 · 2020-02-17"
    assert rendered.map_calls["frame"]["s"] == "1 绿色通道 · 1 仅限货车 · 1 关闭"


def test_osm_tiles_option(tmp_path: Path) -> None:
    out = tmp_path / "osm.html"
    assert main(["map", "--layers-only", "--tiles", "osm", "--out", str(out), "-q"]) == 0
    assert read_rendered(out.read_text(encoding="utf-8")).base_layers == [
        "OpenStreetMap tiles (online)",
        "Plain background (offline)",
    ]


def test_a_bad_exits_file_is_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exits = tmp_path / "exits.csv"
    exits.write_text("exit_id,name,lon,lat,status\nX1,a,120.5,31.3,shut\n", encoding="utf-8")
    assert (
        main(["map", "--layers-only", "--exits", str(exits), "-o", str(tmp_path / "m.html")]) == 2
    )
    assert "shut" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists()


def test_a_day_folder_shows_its_fleet_by_permit_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "day.html"
    args = ["map", str(PERMITS_MIX), "--layers-only", "--expiring-days", "3", "-o", str(out)]
    assert main(args) == 0
    assert "wrote" in capsys.readouterr().out
    rendered = read_rendered(out.read_text(encoding="utf-8"))
    assert rendered.map_calls["frame"]["t"] == "Highway channels and vehicle permits · 2020-02-24"
    for name in (
        "Vehicles: permit valid (4)",
        "Vehicles: permit expiring (1)",
        "Vehicles: no valid permit (idle) (5)",
        "Depots",
        "Employers",
    ):
        assert name in rendered.overlays
    ((_, idle),) = rendered.layer("Vehicles: no valid permit")
    rows = {row[0]: row for row in idle["p"][0][4]["b"]}
    assert rows["苏E·20003"][4:] == [
        "2019-02-21 – 2020-02-20",
        "permit has expired (valid through 2020-02-20)",
    ]
    assert rows["苏E·20005"][3:5] == ["none", "none"]
    assert "Permit expires within 3 days" in rendered.legend_labels()


def test_a_folder_without_a_plan_needs_layers_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["map", str(tmp_path), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)
    assert error["code"] == 2 and "--layers-only" in error["error"]
    assert "is not a plan folder (no plan.json)" in error["error"]


def test_a_day_folder_brings_its_own_exits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["map", str(PERMITS_MIX), "--layers-only", "--date", "2020-02-24", "--json"]
    assert main(args) == 2
    assert "brings its own exits table and date" in json.loads(capsys.readouterr().out)["error"]


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: p.mkdir(), r"is a folder — fix: give a file name, e.g. .*map.html"),
        (os.mkfifo, r"is a FIFO \(named pipe\) — fix: give the name of a regular file"),
        (lambda p: p.symlink_to(p.parent / "elsewhere.html"), r"is a symbolic link"),
    ],
    ids=["folder", "fifo", "link"],
)
def test_a_bad_out_is_exit_2_before_the_map_is_drawn(
    make: object,
    match: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`charter map --out` a folder, a FIFO or a link: exit 2 naming it, nothing drawn."""
    out = tmp_path / "map.html"
    make(out)  # type: ignore[operator]

    def drawn_too_early(*_: object, **__: object) -> None:
        raise AssertionError("drawn before --out was checked")

    monkeypatch.setattr("maps.day_map.embedded_reference_map", drawn_too_early)
    assert main(["map", "--layers-only", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert re.search(match, err) and str(out) in err
    assert not (tmp_path / "elsewhere.html").exists()


def test_the_map_is_written_whole_under_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another run writing the same map: exit 2; afterwards the map is written whole."""
    out = tmp_path / "map.html"
    with lock_held_elsewhere(out):
        assert main(["map", "--layers-only", "--out", str(out)]) == 2
    assert "is being written by another charter run" in capsys.readouterr().err
    assert main(["map", "--layers-only", "--out", str(out), "--quiet"]) == 0
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
