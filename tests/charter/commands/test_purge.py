"""Tests of charter purge: personal data of the days before a date removed (and audited), whole
days with --everything."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from charter.cli import main
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance


def test_purge_removes_personal_data_then_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "charter.db"
    store = opened(str(db))
    for n in range(2):
        plan = hand_plan_on(DATE + dt.timedelta(days=n))
        store.save_plan(plan, provenance=small_provenance(), options=OPTIONS)
    store.close()
    assert main(["purge", "--before", "2020-02-25", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["personal_rows"] == 12
    assert main(["days", "list", "--db", str(db), "--json"]) == 0
    days = json.loads(capsys.readouterr().out)["days"]
    assert [d["personal_rows"] for d in days] == [0, 12]
    assert main(["purge", "--before", "2020-02-25", "--everything", "--db", str(db)]) == 0
    assert "1 day(s) removed" in " ".join(capsys.readouterr().out.split())
    assert main(["days", "log", "--db", str(db), "--json"]) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out)["entries"]]
    assert actions[:2] == ["purge", "purge"]
