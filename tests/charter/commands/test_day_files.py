"""Tests for charter.commands.day_files: ``charter template`` and ``charter check``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from charter.cli import main
from tests.day_cases import DAYS, copied_day, edit


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables 200 columns wide, so labels are not wrapped."""
    monkeypatch.setenv("COLUMNS", "200")


def test_check_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """A good day: counts and exit code 0."""
    assert main(["check", str(DAYS / "screening_mix")]) == 0
    out = capsys.readouterr().out
    assert "workers registered" in out and "no input problems" in out
    assert "excluded because: high_risk_origin" in out


def test_check_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """--lang zh labels."""
    assert main(["check", str(DAYS / "screening_mix"), "--lang", "zh"]) == 0
    assert "登记人数" in capsys.readouterr().out


def test_check_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives the summary object."""
    assert main(["check", str(DAYS / "permits_mix"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["code"] == 0
    assert payload["summary"]["usable_buses"] == 2
    assert payload["summary"]["rejected_by_reason"]["permit_expired"] == 1


def test_check_reports_every_problem_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """All ten problems of bad_rows, on stderr, exit code 2."""
    assert main(["check", str(DAYS / "bad_rows")]) == 2
    err = capsys.readouterr().err
    assert "10 input problems" in err and "`station_id` 'SZN' is not a known station" in err


def test_check_json_problems(capsys: pytest.CaptureFixture[str]) -> None:
    """--json: the error envelope plus structured problems."""
    assert main(["check", str(DAYS / "bad_rows"), "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["code"] == 2 and len(payload["problems"]) == 10
    assert {"table", "row", "column", "value", "message", "fix"} == set(payload["problems"][0])


def test_check_shows_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown columns are warnings, not errors."""
    folder = tmp_path / "day"
    shutil.copytree(DAYS / "one_station_two_employers", folder)
    (folder / "risk_regions.csv").write_text("region,level,note\n湖北省,high,x\n", encoding="utf-8")
    assert main(["check", str(folder), "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert any("'note'" in w for w in warnings)


def test_check_with_policy_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--policy keys override the day's policy: a 19-seat bus carries 13 workers at 0.75."""
    policy = tmp_path / "policy.toml"
    policy.write_text("load_factor = 0.75\n", encoding="utf-8")
    day = str(DAYS / "one_station_two_employers")
    assert main(["check", day, "--policy", str(policy), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["worker_seats"] == (39 - 1) + (14 - 1)


def test_template_writes_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The blank workbook, then exit 2 instead of overwriting it."""
    out = tmp_path / "day.xlsx"
    assert main(["template", str(out)]) == 0
    assert out.exists()
    assert main(["template", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["template", str(out), "--force", "--quiet"]) == 0


def test_check_refuses_a_depot_off_the_road_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `plan` would refuse (a depot 700 km away), `check` reports, with table and row."""
    folder = copied_day(tmp_path, DAYS / "supply_small")
    edit(folder, "depots.csv", "120.6800,31.3300", "113.0,28.0")
    assert main(["check", str(folder), "--json"]) == 2
    (problem,) = json.loads(capsys.readouterr().out)["problems"]
    assert (problem["table"], problem["row"], problem["column"]) == ("depots.csv", 2, "lon, lat")
    assert "depot 'D1' cannot be routed" in problem["message"]


def test_check_warns_about_places_outside_suzhou_and_unmatched_regions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copied_day(tmp_path, DAYS / "supply_small")
    edit(folder, "enterprises.csv", "120.7300,31.3100", "121.4737,31.2304")
    (folder / "risk_regions.csv").write_text("region,level\n湖北孝感,high\n", encoding="utf-8")
    assert main(["check", str(folder), "--json"]) == 0
    notes = json.loads(capsys.readouterr().out)["warnings"]
    assert any("row 4: enterprise 'E3' 30." in note for note in notes)
    assert any("match no arrival's origin_region: row 2 '湖北孝感'" in note for note in notes)


@pytest.mark.parametrize(
    ("out", "match"),
    [
        ("missing/day.xlsx", r"is in a folder that does not exist \(.*missing\) — fix: create"),
        ("folder", r"is a folder — fix: give a file name, e.g. .*day.xlsx"),
        ("day.csv", r"is not a .xlsx file — fix: name it \*.xlsx"),
    ],
    ids=["missing-folder", "folder", "not-xlsx"],
)
def test_template_refuses_a_bad_place_with_exit_2(
    out: str, match: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Into a missing folder, onto a folder, under another suffix: exit 2 naming the path
    and the fix; nothing is made."""
    (tmp_path / "folder").mkdir()
    assert main(["template", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert re.search(match, err), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
    assert list((tmp_path / "folder").iterdir()) == []


def test_template_replaces_a_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    """A day.xlsx that is a link is refused; --force does not write through it either."""
    victim = tmp_path / "victim.xlsx"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / "day.xlsx").symlink_to(victim)
    assert main(["template", str(tmp_path / "day.xlsx"), "--force", "--quiet"]) == 2
    assert victim.read_text(encoding="utf-8") == "keep me"
