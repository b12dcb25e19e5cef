"""Tests of charter plan --store and the charter days commands on plan_small (solver limit
1 s): versions listed and shown, the plan folder written again from the store, export and
import, the audit log, and every store problem as exit code 2 without a traceback."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from charter.cli import main
from tests.paths import DATA
from tests.plan_cases import ESCORT_PHONE, ID_NUMBERS, PHONES, PLAN_SMALL
from tests.store_cases import opened

FAST = ["--time-limit", "1", "--seed", "1"]
DATE = "2020-02-24"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store holding plan_small planned twice by `charter plan --store` (versions 1 and 2),
    and the plan folder of the second run."""
    folder = tmp_path_factory.mktemp("days")
    db = folder / "charter.db"
    for run in ("first", "second"):
        out = folder / run
        args = ["plan", str(PLAN_SMALL), "--out", str(out), *FAST, "--store", "--db", str(db)]
        assert main([*args, "--quiet"]) == 0
    return db, folder / "second"


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    payload: dict[str, object] = json.loads(capsys.readouterr().out)
    return payload


def test_plan_store_saves_versions_that_days_list_shows(
    stored: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    db, _ = stored
    payload = _json(capsys, ["days", "list", "--db", str(db)])
    (day,) = payload["days"]  # type: ignore[misc]
    assert day["date"] == DATE and day["versions"] == 2
    assert day["latest"]["workers_registered"] == 11
    assert day["latest"]["command"] == "plan"
    assert day["personal_rows"] == 12
    assert main(["days", "list", "--db", str(db), "--lang", "en"]) == 0
    assert "12 rows (masked)" in capsys.readouterr().out


def test_days_show_writes_the_plan_folder_again(
    stored: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, planned = stored
    out = tmp_path / "again"
    payload = _json(capsys, ["days", "show", DATE, "--db", str(db), "--out", str(out)])
    assert payload["version"]["version"] == 2  # type: ignore[index]
    assert [v["version"] for v in payload["versions"]] == [1, 2]  # type: ignore[attr-defined]
    assert payload["options"]["options"][0] == ["--out", str(planned)]  # type: ignore[index]
    assert (out / "plan.json").read_bytes() == (planned / "plan.json").read_bytes()
    for csv in (planned / "csv").glob("*.csv"):
        assert (out / "csv" / csv.name).read_bytes() == csv.read_bytes(), csv.name
    assert (out / "map.html").is_file() and (out / "plan.xlsx").is_file()
    written = " ".join(p.read_text(encoding="utf-8-sig") for p in (out / "csv").glob("*.csv"))
    for number in (*ID_NUMBERS, *PHONES, ESCORT_PHONE):
        assert number not in written
    assert main(["days", "show", DATE, "--version", "1", "--db", str(db), "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert "Plan 2020-02-24 v1" in shown and "workers transported" in shown
    assert "plan_small" in shown  # the inputs' source


def test_days_export_and_import_restore_the_day(
    stored: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = stored
    file = tmp_path / "day.json.gz"
    exported = _json(capsys, ["days", "export", DATE, str(file), "--db", str(db)])
    assert (exported["versions"], exported["personal_data"]) == (2, False)
    other = tmp_path / "other.db"
    imported = _json(capsys, ["days", "import", str(file), "--db", str(other)])
    assert (imported["added"], imported["personal_rows"]) == ([1, 2], 0)
    again = _json(capsys, ["days", "import", str(file), "--db", str(other)])
    assert (again["added"], again["present"]) == ([], [1, 2])
    log = _json(capsys, ["days", "log", "--db", str(other), "--day", DATE])
    assert [e["action"] for e in log["entries"]] == ["import_day", "import_day"]  # type: ignore[union-attr]


def test_charter_db_makes_plan_save_unless_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("CHARTER_DB", str(db))
    day = DATA / "days" / "plan_small"
    payload = _json(capsys, ["plan", str(day), "--out", str(tmp_path / "p"), *FAST])
    assert payload["store"] == {"date": DATE, "version": 1}
    payload = _json(capsys, ["plan", str(day), "--out", str(tmp_path / "p"), *FAST, "--no-store"])
    assert "store" not in payload
    listed = _json(capsys, ["days", "list"])
    assert listed["store"] == str(db)


def _newer(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0099'")


def _read_only(db: Path) -> None:
    db.chmod(stat.S_IRUSR)


def _garbage(db: Path) -> None:
    db.write_bytes(b"not a database " * 500)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_newer, "has a schema revision from a newer charter-dispatch"),
        (_read_only, "is read-only — fix: make it writable"),
        (_garbage, "is not a readable charter store"),
    ],
    ids=["newer", "read-only", "corrupt"],
)
def test_a_store_problem_is_exit_code_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: object, message: str
) -> None:
    db = tmp_path / "charter.db"
    assert main(["days", "list", "--db", str(db), "--quiet"]) == 0  # creates an empty store
    damage(db)  # type: ignore[operator]
    capsys.readouterr()
    assert main(["days", "list", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: day store: {db}") and message in err
    assert "Traceback" not in err
    assert main(["days", "list", "--db", str(db), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == 2


def test_an_unanswering_server_and_an_unknown_day_are_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://desk:s3cret@127.0.0.1:1/charter?connect_timeout=2"
    assert main(["days", "list", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "does not answer" in err and "s3cret" not in err and "Traceback" not in err
    db = tmp_path / "charter.db"
    assert main(["days", "show", "2020-03-01", "--db", str(db)]) == 2
    assert "holds no plan of this day" in capsys.readouterr().err


def test_plan_store_checks_the_store_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "charter.db"
    _garbage(db)
    out = tmp_path / "plan"
    assert main(["plan", str(PLAN_SMALL), "--out", str(out), *FAST, "--db", str(db)]) == 2
    assert "is not a readable charter store" in capsys.readouterr().err
    assert not out.exists()  # nothing planned or written


def test_scenario_run_store_keeps_the_results_by_day(
    stored: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = stored
    scenario = DATA / "scenarios" / "small_load_factor.yaml"
    run = ["scenario", "run", str(scenario), "--out", str(tmp_path / "run")]
    budget = ["--sequential", "--time-limit", "2", "--effort", "50", "--no-map"]
    assert main([*run, *budget, "--db", str(db), "--quiet"]) == 0
    shown = _json(capsys, ["days", "show", DATE, "--db", str(db)])
    names = [(s["name"], s["baseline"]) for s in shown["scenarios"]]  # type: ignore[union-attr]
    assert len(names) == 2 and sum(baseline for _, baseline in names) == 1
    store = opened(str(db))
    (baseline, changed) = sorted(
        store.scenarios(dt.date(2020, 2, 24)), key=lambda s: not s.entry.baseline
    )
    store.close()
    assert changed.entry.spec == scenario.read_text(encoding="utf-8")
    assert (
        changed.entry.document is not None
        and '"format": "charter-plan/1"' in changed.entry.document
    )
    assert baseline.entry.kpis is not None and baseline.entry.kpis.workers_registered == 11
