"""Tests of desk.app through a test client: signing in and out, sessions and cookies, CSRF on
every form, roles, the sign-in rate limit, error pages, the days and plan pages, downloads and
what a viewer may not do."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from store.location import parse_location
from store.sql.sqlstore import open_store
from tests.desk_cases import PASSWORDS, audit_actions, csrf_of, finished, sign_in
from tests.paths import DATA

PLAN = "/days/2020-02-24/v/1"


def test_pages_need_a_sign_in(client: TestClient) -> None:
    answer = client.get("/days", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    assert client.get(PLAN + "/files/plan.xlsx", follow_redirects=False).status_code == 303


def test_signing_in_sets_a_strict_http_only_cookie_and_is_audited(
    client: TestClient, seeded_db: str
) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"name": "li", "password": PASSWORDS["li"], "csrf": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "desk_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http here; https sets it
    days = client.get("/days")
    assert "2020-02-24" in days.text
    assert ("li", "sign_in") in audit_actions(seeded_db)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: TestClient, seeded_db: str
) -> None:
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"name": "li", "password": "nope", "csrf": token})
    token = csrf_of(client.get("/login").text)
    nobody = client.post("/login", data={"name": "zz", "password": "nope", "csrf": token})
    assert wrong.status_code == nobody.status_code == 401
    assert "Wrong name or password" in wrong.text
    assert ("li", "sign_in_failed") in audit_actions(seeded_db)
    assert client.get("/days", follow_redirects=False).status_code == 303


def test_sign_in_is_rate_limited(client: TestClient) -> None:
    for _ in range(3):
        token = csrf_of(client.get("/login").text)
        client.post("/login", data={"name": "li", "password": "wrong", "csrf": token})
    token = csrf_of(client.get("/login").text)
    limited = client.post("/login", data={"name": "li", "password": PASSWORDS["li"], "csrf": token})
    assert limited.status_code == 429
    assert "Too many failed sign-ins" in limited.text


def test_a_sign_in_without_its_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/login", data={"name": "li", "password": PASSWORDS["li"]})
    assert answer.status_code == 403
    assert client.get("/days", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/logout", {}),
        ("/upload", {}),
        ("/admin/users", {"name": "x1", "role": "viewer", "password": "long-enough-1"}),
    ],
    ids=["logout", "upload", "add-user"],
)
def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, path: str, data: dict[str, str]
) -> None:
    sign_in(client, "root")
    answer = client.post(path, data=data | {"csrf": "forged"})
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    assert client.post(path, data=data).status_code == 403


def test_signing_out_ends_the_session(client: TestClient, seeded_db: str) -> None:
    csrf = sign_in(client, "li")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/days", follow_redirects=False).status_code == 303
    assert ("li", "sign_out") in audit_actions(seeded_db)


def test_the_plan_page_shows_kpis_unserved_excluded_vehicles_and_the_map(
    client: TestClient,
) -> None:
    sign_in(client, "li")
    page = client.get(PLAN)
    assert page.status_code == 200
    for table in ("kpis", "employers", "unserved", "excluded", "vehicles", "map"):
        assert f'id="{table}"' in page.text
    assert "Content-Security-Policy" in page.headers
    for name in ("map.html", "plan.json", "plan.xlsx", "csv.zip"):
        assert f"/files/{name}" in page.text


def test_downloads_are_the_plan_folder_of_the_stored_version(
    client: TestClient, seeded_db: str
) -> None:
    sign_in(client, "li")
    book = client.get(PLAN + "/files/plan.xlsx")
    assert book.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True).sheetnames
    assert len(sheets) > 3
    plan_json = client.get(PLAN + "/files/plan.json").json()
    assert plan_json["date"] == "2020-02-24"
    names = zipfile.ZipFile(io.BytesIO(client.get(PLAN + "/files/csv.zip").content)).namelist()
    assert names and all(n.endswith(".csv") for n in names)
    mapped = client.get(PLAN + "/files/map.html")
    assert "leaflet" in mapped.text.lower()
    assert "frame-ancestors 'self'" in mapped.headers["Content-Security-Policy"]
    assert ("li", "download") in audit_actions(seeded_db)


def test_a_viewer_cannot_download_manifests_or_post(client: TestClient) -> None:
    csrf = sign_in(client, "wang")
    page = client.get(PLAN)
    assert page.status_code == 200
    assert "/files/plan.xlsx" not in page.text
    assert "/upload" not in page.text
    for name in ("plan.xlsx", "csv.zip"):
        assert client.get(f"{PLAN}/files/{name}").status_code == 403
    assert client.get(PLAN + "/files/map.html").status_code == 200
    assert client.get("/upload").status_code == 403
    refused = client.post("/upload", data={"csrf": csrf}, files={"day": ("d.xlsx", b"x")})
    assert refused.status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_an_admin_adds_and_disables_accounts(client: TestClient) -> None:
    csrf = sign_in(client, "root")
    added = client.post(
        "/admin/users",
        data={"csrf": csrf, "name": "zhao", "role": "viewer", "password": "zhao-password-1"},
    )
    assert added.status_code == 200
    assert "zhao" in added.text
    client.post("/admin/users/zhao/disable", data={"csrf": csrf})
    other = TestClient(client.app, base_url="http://127.0.0.1")
    token = csrf_of(other.get("/login").text)
    refused = other.post(
        "/login", data={"name": "zhao", "password": "zhao-password-1", "csrf": token}
    )
    assert refused.status_code == 401


def test_unknown_days_versions_and_files_are_error_pages(client: TestClient) -> None:
    sign_in(client, "li")
    for path in ("/days/2020-03-01/v/1", PLAN[:-1] + "9", "/days/not-a-date", PLAN + "/files/x"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "Traceback" not in answer.text
        assert "There is no such page" in answer.text


def test_an_internal_error_shows_a_page_without_the_trace(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "li")
    desk = client.app.state.desk  # type: ignore[attr-defined]

    def broken(*_: object) -> None:
        raise RuntimeError("SELECT secret FROM users")

    monkeypatch.setattr(desk.store, "days", broken)
    answer = client.get("/days")
    assert answer.status_code == 500
    assert "SELECT" not in answer.text
    assert "Traceback" not in answer.text
    assert "Internal error" in answer.text


def test_the_language_is_chosen_by_a_cookie_and_only_local_redirects(client: TestClient) -> None:
    sign_in(client, "li")
    answer = client.get("/lang/zh?next=//evil.example/", follow_redirects=False)
    assert answer.headers["location"] == "/days"
    client.get("/lang/zh?next=/days")
    assert "计划日" in client.get("/days").text
    assert "Planning days" not in client.get("/days").text


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def _upload(client: TestClient, csrf: str, name: str, content: bytes) -> Response:
    return client.post("/upload", data={"csrf": csrf}, files={"day": (name, content)})


def test_an_upload_with_problems_shows_the_check_table(client: TestClient) -> None:
    csrf = sign_in(client, "li")
    answer = _upload(client, csrf, "bad.zip", _zip(DATA / "days" / "bad_rows"))
    assert answer.status_code == 422
    assert 'id="problems"' in answer.text
    assert "station_id" in answer.text
    assert "SZN" in answer.text
    assert "plan-button" not in answer.text


def test_an_unsafe_zip_is_refused_with_its_member_named(client: TestClient) -> None:
    csrf = sign_in(client, "li")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/cron.d/x", "boom")
    answer = _upload(client, csrf, "x.zip", buffer.getvalue())
    assert answer.status_code == 422
    assert "names a place outside the day folder" in answer.text


def test_an_upload_is_planned_in_a_worker_and_saved_as_the_next_version(
    client: TestClient, seeded_db: str
) -> None:
    csrf = sign_in(client, "li")
    checked = _upload(client, csrf, "small.zip", _zip(DATA / "days" / "plan_small"))
    assert checked.status_code == 200
    assert "plan-button" in checked.text
    action = re.search(r'action="(/uploads/[0-9a-f]+/plan)"', checked.text)
    assert action is not None
    started = client.post(action.group(1), data={"csrf": csrf}, follow_redirects=False)
    assert started.status_code == 303
    state = finished(client, started.headers["location"])
    assert state["stage"] == "done", state
    assert state["next"] == "/days/2020-02-24/v/2"
    page = client.get(str(state["next"]))
    assert page.status_code == 200
    assert "saved by li" in " ".join(page.text.split())
    assert client.get("/days/2020-02-24/v/1").text.count('id="not-latest"') == 1
    assert ("li", "save_plan") in audit_actions(seeded_db)


LATE_TRAIN = (
    "event_id,kind,known_at,station_id,train_no,window_from,window_to,minutes,worker_ids,"
    "share,vehicle_id,time,depot_id,seats,note\n"
    "late,train_delay,07:30,yq_test,G7001,,,60,,,,,,,G7001 an hour late\n"
)


def test_a_replan_with_a_late_train_saves_a_child_version_with_its_diff(
    client: TestClient, seeded_db: str
) -> None:
    csrf = sign_in(client, "li")
    started = client.post(
        PLAN + "/replan",
        data={"csrf": csrf, "at": "07:45"},
        files={"events": ("events.csv", LATE_TRAIN.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    state = finished(client, started.headers["location"])
    assert state.get("next") == "/days/2020-02-24/v/2", state
    page = client.get("/days/2020-02-24/v/2")
    text = " ".join(page.text.split())
    assert 'id="diff"' in page.text
    assert "re-plan of version 1 at 07:45" in text
    assert "train_delay" in text
    assert client.get("/days/2020-02-24/v/2/files/diff.xlsx").status_code == 200
    assert ("li", "replan_started") in audit_actions(seeded_db)


def test_a_replan_of_an_older_version_says_so_and_offers_to_rebase(
    client: TestClient, seeded_db: str
) -> None:
    store = open_store(parse_location(seeded_db), user="colleague")
    try:
        from tests.store_cases import OPTIONS, hand_plan_on, small_provenance

        store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
    finally:
        store.close()
    csrf = sign_in(client, "li")
    stale = client.post(PLAN + "/replan", data={"csrf": csrf, "at": "07:45"})
    assert stale.status_code == 409
    assert 'id="rebase"' in stale.text
    assert "the latest is" in " ".join(stale.text.split())
    action = re.search(r'action="(/replans/[0-9a-f]+/start)"', stale.text)
    assert action is not None
    started = client.post(
        action.group(1), data={"csrf": csrf, "base": "latest"}, follow_redirects=False
    )
    state = finished(client, started.headers["location"])
    assert state.get("next") == "/days/2020-02-24/v/3", state
    assert "derived from v2" in " ".join(client.get("/days/2020-02-24/v/3").text.split())


def test_a_viewer_cannot_replan(client: TestClient) -> None:
    csrf = sign_in(client, "wang")
    assert 'id="replan-form"' not in client.get(PLAN).text
    assert client.post(PLAN + "/replan", data={"csrf": csrf, "at": "07:45"}).status_code == 403


def test_the_statistics_page_has_its_charts_and_tables(client: TestClient) -> None:
    sign_in(client, "wang")
    page = client.get("/stats")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2
    assert 'id="stats-days"' in page.text
    assert "2020-02-24" in page.text
    empty = client.get("/stats?start=2021-01-01&end=2021-01-31")
    assert "No stored day in this period" in empty.text
    assert client.get("/stats?start=2021-02-01&end=2021-01-01").status_code == 400
