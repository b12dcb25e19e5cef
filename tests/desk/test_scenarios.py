"""Tests of scenarios on the desk (desk.scenarios through the app): an officer's scenario
planned in the worker and compared with the baseline, a bad file's problems shown with
nothing run, a viewer refused, the results kept in the store."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from desk.scenarios import scenario_file
from stations.errors import InputError
from store.location import parse_location
from store.sql.sqlstore import open_store
from tests.desk_cases import audit_actions, desk_client, finished, sign_in

DAY = "/days/2020-02-24"
EFFORT = 50
HALF_FLEET = b"""name: half the fleet
base: demo
description: one bus of two
changes:
  - scale_fleet: 0.5
"""
BAD = b"""name: bad
base: demo
changes:
  - scale_fleet: 0
  - delay_arrivals: {station: "<script>alert(1)</script>", minutes: 30}
"""


@pytest.fixture
def desk(seeded_db: str, tmp_path: Path) -> Iterator[TestClient]:
    """The desk on ``seeded_db`` planning with a small effort."""
    with desk_client(seeded_db, tmp_path / "desk", effort=EFFORT) as client:
        yield client


def _send(client: TestClient, csrf: str, *files: tuple[str, bytes]) -> object:
    return client.post(
        DAY + "/scenarios",
        data={"csrf": csrf},
        files=[("files", (name, content, "application/yaml")) for name, content in files],
        follow_redirects=False,
    )


def _stored(db: str) -> list[tuple[str, bool, bool]]:
    store = open_store(parse_location(db), user="test")
    try:
        return [
            (s.entry.name, s.entry.baseline, s.entry.document is not None)
            for s in store.scenarios(dt.date(2020, 2, 24))
        ]
    finally:
        store.close()


def test_an_officer_runs_a_scenario_and_sees_the_comparison(
    desk: TestClient, seeded_db: str
) -> None:
    csrf = sign_in(desk, "li")
    assert 'id="scenario-form"' in desk.get(DAY + "/scenarios").text
    started = _send(desk, csrf, ("half.yaml", HALF_FLEET))
    assert started.status_code == 303, started.text
    state = finished(desk, started.headers["location"])
    assert state["stage"] == "done", state
    comparison = desk.get(str(state["next"]))
    assert comparison.status_code == 200
    text = " ".join(comparison.text.split())
    assert 'id="comparison"' in text
    assert "baseline" in text and "half the fleet" in text
    assert "one bus of two" in text
    link = str(state["next"]) + "/1/plan.json"
    assert f'href="{link}"' in comparison.text
    plan = desk.get(link)
    assert plan.status_code == 200
    assert json.loads(plan.text)["date"] == "2020-02-24"
    assert _stored(seeded_db) == [("baseline", True, True), ("half the fleet", False, True)]
    listed = desk.get(DAY + "/v/1").text
    assert f'href="{state["next"]}"' in listed
    table = desk.get(str(state["next"]) + "/comparison.csv").content.decode("utf-8-sig")
    head, baseline, scenario = table.splitlines()
    assert head.startswith("scenario,folder,base,baseline,status,error,")
    assert baseline.startswith("baseline,0,2020-02-24 v1,True,ok,")
    assert scenario.startswith("half the fleet,1,2020-02-24 v1,False,ok,")
    assert ("li", "scenarios_started") in audit_actions(seeded_db)


def test_a_bad_scenario_file_shows_its_problems_and_runs_nothing(
    desk: TestClient, seeded_db: str
) -> None:
    csrf = sign_in(desk, "li")
    answer = _send(desk, csrf, ("bad.yaml", BAD), ("half.yaml", HALF_FLEET))
    assert answer.status_code == 422
    text = " ".join(answer.text.split())
    assert 'id="problems"' in text
    assert "bad.yaml line 4" in text
    assert "bad.yaml line 5" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert" not in text
    assert "/jobs/" not in text
    assert _stored(seeded_db) == []


def test_a_viewer_sees_the_scenarios_but_cannot_post(desk: TestClient) -> None:
    csrf = sign_in(desk, "wang")
    page = desk.get(DAY + "/scenarios")
    assert page.status_code == 200
    assert 'id="scenario-form"' not in page.text
    assert _send(desk, csrf, ("half.yaml", HALF_FLEET)).status_code == 403


def test_a_post_without_the_csrf_token_is_refused(desk: TestClient) -> None:
    sign_in(desk, "li")
    assert _send(desk, "", ("half.yaml", HALF_FLEET)).status_code == 403


def test_unknown_runs_are_error_pages(desk: TestClient) -> None:
    sign_in(desk, "wang")
    assert desk.get(DAY + "/scenarios/99").status_code == 404
    assert desk.get("/days/2020-03-01/scenarios").status_code == 404


def test_a_scenario_file_keeps_a_safe_name_and_other_files_are_refused(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    sent.write_text("name: x\n", encoding="utf-8")
    placed = scenario_file(sent, "../../etc/<late> trains.yaml", tmp_path)
    assert placed == tmp_path / "late-trains.yaml"
    other = tmp_path / "other"
    other.write_bytes(b"x")
    with pytest.raises(InputError, match="is not a scenario file"):
        scenario_file(other, "plan.xlsx", tmp_path)
