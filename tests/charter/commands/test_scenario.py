"""Tests of charter.commands.scenario: ``charter scenario check | run | compare | sweep`` on the
plan_small day (sequential runs with a tiny solver budget; the Dask path is tested in
test_runner)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from charter.cli import main
from charter.commands.scenario import _exit_code
from scenarios.compare import Comparison, Failure, ScenarioResult
from tests.paths import DATA
from tests.scenarios.test_compare import kpis

SCENARIOS = DATA / "scenarios"
DAYS = DATA / "days"
BUDGET = ["--sequential", "--time-limit", "2", "--effort", "50"]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables 200 columns wide, so labels are not wrapped."""
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`charter scenario run` of the two small scenario files (maps drawn)."""
    out = tmp_path_factory.mktemp("run")
    files = [str(SCENARIOS / "small_load_factor.yaml"), str(SCENARIOS / "small_late.yaml")]
    assert main(["scenario", "run", *files, "--out", str(out), *BUDGET, "--quiet"]) == 0
    return out


def test_check_prints_the_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "check", str(SCENARIOS / "good.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Everything at once" in out and "2 → 0" in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "check", str(SCENARIOS / "good.yaml"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["code"] == 0 and payload["scenarios"][0]["changes"] == 12


def test_check_reports_every_problem_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "check", str(SCENARIOS / "many_problems.yaml")]) == 2
    err = capsys.readouterr().err
    assert "11 input problems" in err and "many_problems.yaml line 12" in err


def test_check_warns_about_a_change_that_does_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "check", str(SCENARIOS / "no_match.yaml")]) == 0
    assert "warning:" in capsys.readouterr().out


def test_run_writes_plan_folders_maps_and_the_comparison(run_folder: Path) -> None:
    folders = json.loads((run_folder / "run.json").read_text(encoding="utf-8"))["folders"]
    assert folders == ["baseline", "load-factor-75", "b-late-b-early"]
    for folder in folders:
        assert (run_folder / folder / "plan.json").is_file()
        assert (run_folder / folder / "map.html").is_file()
    page = (run_folder / "comparison.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Late&lt;/b&gt; &amp; [early]" in page and "<b>Late" not in page
    assert 'href="b-late-b-early/map.html"' in page
    frame = pd.read_csv(run_folder / "comparison.csv", encoding="utf-8-sig")
    assert list(frame["scenario"]) == ["baseline", "Load factor 75 %", "<b>Late</b> & [early]"]
    assert (run_folder / "comparison.xlsx").is_file()


def test_late_scenario_boards_later(run_folder: Path) -> None:
    def first_boarding(folder: str) -> str:
        plan = json.loads((run_folder / folder / "plan.json").read_text(encoding="utf-8"))
        return min(t["board_start"] for t in plan["trips"])

    assert first_boarding("b-late-b-early") > first_boarding("baseline")


def test_compare_rerenders_the_same_table(
    run_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (run_folder / "comparison.csv").read_bytes()
    (run_folder / "comparison.csv").unlink()
    assert main(["scenario", "compare", str(run_folder), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["scenarios"][0]["scenario"] == "baseline"
    assert (run_folder / "comparison.csv").read_bytes() == before


def test_run_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = str(SCENARIOS / "small_load_factor.yaml")
    args = ["scenario", "run", file, "--out", str(tmp_path), *BUDGET, "--no-map", "--json"]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["code"] == 0
    assert [s["status"] for s in payload["scenarios"]] == ["ok", "ok"]
    assert payload["scenarios"][1]["buses_used_delta"] is not None
    assert not (tmp_path / "baseline" / "map.html").exists()


def test_sweep_plots_buses_and_unserved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "scenario", "sweep", str(DAYS / "plan_small"), "--param", "load_factor",
        "--from", "0.4", "--to", "0.6", "--step", "0.1", "--out", str(tmp_path), *BUDGET,
        "--no-map", "--lang", "en",
    ]  # fmt: skip
    assert main(args) == 0
    assert "load_factor=0.6" in capsys.readouterr().out
    assert (tmp_path / "sweep.png").read_bytes().startswith(b"\x89PNG")
    page = (tmp_path / "comparison.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "Sweep of load_factor" in page
    frame = pd.read_csv(tmp_path / "comparison.csv", encoding="utf-8-sig")
    assert list(frame["load_factor"]) == [0.5, 0.4, 0.5, 0.6]


def test_sweep_rejects_a_bad_parameter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["scenario", "sweep", "demo", "--param", "colour", "--from", "1", "--to", "2",
            "--step", "1", "--out", str(tmp_path)]  # fmt: skip
    assert main(args) == 2
    assert "--param 'colour' cannot be swept" in capsys.readouterr().err


def test_unreachable_scheduler_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scenarios.runner.SCHEDULER_TIMEOUT", "1s")
    file = str(SCENARIOS / "small_load_factor.yaml")
    args = ["scenario", "run", file, "--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9"]
    assert main(args) == 2
    assert "cannot be reached" in capsys.readouterr().err


def test_exit_code_of_a_run_with_a_failure() -> None:
    ok = ScenarioResult("baseline", "baseline", "d", True, kpis())
    broken = ScenarioResult("x", "x", "d", False, None, Failure.ROUTING, "solver failed")
    assert _exit_code(Comparison((ok,))) == 0
    assert _exit_code(Comparison((ok, broken))) == 3


def test_run_without_effort_says_results_can_vary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(SCENARIOS / "small_load_factor.yaml")
    args = ["scenario", "run", file, "--out", str(tmp_path), "--sequential", "--time-limit", "1"]
    assert main([*args, "--no-map", "--lang", "en"]) == 0
    assert "no effort budget" in capsys.readouterr().out


def test_compare_table_shows_names_literally(
    run_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name with Rich markup characters is printed as written."""
    assert main(["scenario", "compare", str(run_folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "<b>Late</b> & [early]" in out and "buses used" in out


@pytest.mark.parametrize("name", ["comparison.html", "run.json", "Comparison.CSV", "sweep.png"])
def test_a_scenario_named_like_a_run_file_is_exit_2_before_planning(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its plan folder would take the place of comparison.html, run.json…: refused with the
    scenario and the fix, before anything is planned."""
    scenario = tmp_path / "clash.yaml"
    scenario.write_text(
        f"name: {name}\nbase: {DAYS / 'plan_small'}\nchanges:\n  - policy: {{load_factor: 0.75}}\n",
        encoding="utf-8",
    )

    def planned_too_early(*_: object, **__: object) -> None:
        raise AssertionError("planned before the run folder was checked")

    monkeypatch.setattr("scenarios.runner.plan_day", planned_too_early)
    out = tmp_path / "run"
    assert main(["scenario", "run", str(scenario), "--out", str(out), *BUDGET]) == 2
    err = capsys.readouterr().err
    assert f"scenario {name!r}" in err and "rename the scenario" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: p.write_text("x", encoding="utf-8"), r"is a file, not a folder"),
        (
            lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine", encoding="utf-8")),
            r"holds notes.txt, not part of a scenario run folder",
        ),
    ],
    ids=["file", "foreign"],
)
def test_a_bad_run_folder_is_exit_2_before_reading(
    make: object, match: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out checked before the scenarios are read or planned; nothing of it is touched."""
    out = tmp_path / "run"
    make(out)  # type: ignore[operator]
    files = [str(SCENARIOS / "small_load_factor.yaml")]
    assert main(["scenario", "run", *files, "--out", str(out), *BUDGET]) == 2
    assert re.search(match, capsys.readouterr().err)
    if out.is_dir():
        assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_second_run_replaces_the_first_whole(run_folder: Path, tmp_path: Path) -> None:
    """Rerun into a run folder with fewer scenarios: no plan folder of the first run stays,
    nothing is left beside the folder."""
    out = tmp_path / "run"
    shutil.copytree(run_folder, out)
    files = [str(SCENARIOS / "small_load_factor.yaml")]
    assert main(["scenario", "run", *files, "--out", str(out), *BUDGET, "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["baseline", "load-factor-75"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["folders"] == [
        "baseline",
        "load-factor-75",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
