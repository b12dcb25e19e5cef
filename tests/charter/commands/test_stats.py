"""Tests of charter stats: the terminal tables, stats.xlsx and an offline stats.html with its two
charts, from days saved by charter plan --store; and (slow) charter demo --store, then stats."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from charter.cli import main
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance


@pytest.fixture(scope="module")
def three_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the hand-made plan of plan_small on 24, 25 and 26 February 2020."""
    db = tmp_path_factory.mktemp("stats") / "charter.db"
    store = opened(str(db))
    for n in range(3):
        plan = hand_plan_on(DATE + dt.timedelta(days=n))
        store.save_plan(plan, provenance=small_provenance(), options=OPTIONS)
    store.close()
    return db


def test_stats_prints_the_tables_and_writes_the_files(
    three_days: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "stats"
    args = ["stats", "--from", "2020-02-24", "--to", "2020-02-26", "--db", str(three_days)]
    assert main([*args, "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    for title in ("Days", "By district", "Key enterprises", "By station", "By reason", "Subsidy"):
        assert title in printed
    assert "Industrial Park" in printed and "employer_not_certified" in printed
    book = load_workbook(out / "stats.xlsx", read_only=True)
    assert book.sheetnames == [
        "days",
        "districts",
        "key_enterprises",
        "stations",
        "reasons",
        "subsidy",
        "employers",
        "employer_days",
        "district_days",
        "station_days",
        "reason_days",
    ]
    rows = list(book["employer_days"].iter_rows(values_only=True))
    assert len(rows) == 1 + 3 * 3  # E1, E2, E3 on each of the three days
    page = (out / "stats.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page


def test_stats_json_sums_and_the_threshold(
    three_days: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["stats", "--from", "2020-02-24", "--to", "2020-02-26", "--db", str(three_days)]
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path), "--threshold", "15", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["days"], payload["transported"]) == (3, 21)
    subsidy = {row[0]: row for row in payload["tables"]["subsidy"]["rows"]}
    assert subsidy["E1"][4:9] == [15, 15, 0, 1680.0, 840.0]  # workers, threshold, short, cost, 50 %
    assert subsidy["E2"][4:9] == [6, 15, 9, 984.0, 0.0]


def test_stats_of_an_empty_period_is_exit_code_2(
    three_days: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["stats", "--from", "2020-03-01", "--to", "2020-03-05", "--db", str(three_days)]
    assert main([*args, "--out", str(tmp_path)]) == 2
    assert "holds no plan of a day in this period" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_store_then_stats_shows_the_demo_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHARTER_DB", str(tmp_path / "charter.db"))
    assert main(["demo", "--store", "--effort", "40", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["stats", "--from", "2020-02-24", "--to", "2020-02-24", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["days"] == 1
    (day, _total) = payload["tables"]["days"]["rows"]
    assert day[0] == "2020-02-24" and day[2] == 4000
    assert (tmp_path / "stats" / "stats.html").is_file()
