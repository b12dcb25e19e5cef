"""The desk end to end in headless Chromium against a real server (uvicorn on 127.0.0.1, a
free port, in a thread): sign in → upload the demo workbook with a seeded input error → the
check table → upload it fixed → plan with progress → the map with every bus layer → download
plan.xlsx → a late train → re-plan → the diff → a viewer sees no manifests and cannot post; a
name like an attack stays text; a POST without the CSRF token is refused. SQLite, and
PostgreSQL when there is a test server.

Without Chromium (or Playwright) every test here skips before anything is planned; with
``CHARTER_REQUIRE_BROWSER=1`` (CI) they fail instead. The demo is planned once per back end.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desk.app import DeskSettings, create_app
from tests.desk_cases import PASSWORDS, accounts_only, day_workbook
from tests.maps.test_browser import CHROMIUM, CHROMIUM_ARGS, REQUIRE, browser_or_skip
from tests.paths import ROOT
from tests.store_cases import BACKENDS, store_database

pytestmark = pytest.mark.browser

DEMO = ROOT / "scenarios" / "demo"
XSS = '<img src=x onerror=alert("desk")>'
SEEDED = ("fleet", 2, "seats", "-4")  # the third bus's seats: a negative number
EFFORT = 1  # the planner's deterministic budget: the plan only needs to exist
LATE_TRAIN = (
    "event_id,kind,known_at,station_id,train_no,minutes,worker_ids,vehicle_id,time\n"
    "late,train_delay,11:50,suzhou_north,G221,90,,,\n"
)


@dataclass
class Seen:
    """What the pages did besides drawing: requests off the desk, errors, dialogs."""

    network: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Served:
    """A desk running for the tests: its address and the workbooks to upload."""

    url: str
    bad_book: Path
    good_book: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The Debian Chromium (skip without it, fail under CHARTER_REQUIRE_BROWSER=1)."""
    return browser_or_skip(CHROMIUM, required=os.environ.get(REQUIRE, "") not in ("", "0"))


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, chromium: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The desk on a new store of each back end, with the three accounts, served by uvicorn."""
    import uvicorn

    folder = tmp_path_factory.mktemp("desk")
    bad = day_workbook(
        DEMO,
        folder / "demo-bad.xlsx",
        {SEEDED[:3]: SEEDED[3], ("enterprises", 0, "name"): XSS},  # type: ignore[dict-item]
    )
    good = day_workbook(DEMO, folder / "demo.xlsx", {("enterprises", 0, "name"): XSS})
    with store_database(request.param, folder) as db:
        accounts_only(db)
        app = create_app(DeskSettings(store_url=db, work_dir=folder / "work", effort=EFFORT))
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        try:
            yield Served(f"http://127.0.0.1:{port}", bad, good)
        finally:
            server.should_exit = True
            thread.join(timeout=60)


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless Chromium for the module."""
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Any, served: Served, seen: Seen) -> Any:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    # Listened to, not intercepted: every request must go to the desk (an offline LAN).
    page.on(
        "request",
        lambda r: None if r.url.startswith((served.url, "data:")) else seen.network.append(r.url),
    )
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    return page


def _sign_in(page: Any, served: Served, name: str) -> None:
    page.goto(served.url + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("form[action='/login'] button")
    page.wait_for_url(served.url + "/days")


@pytest.fixture(scope="module")
def planned(browser: Any, served: Served) -> Iterator[tuple[Any, Seen, list[float]]]:
    """An officer's page after uploading the bad workbook, then the good one, and planning it:
    the page on the new version, what it did, and the progress values it showed."""
    seen = Seen()
    page = _page(browser, served, seen)
    _sign_in(page, served, "li")
    page.goto(served.url + "/upload")
    page.set_input_files("input[name=day]", str(served.bad_book))
    page.click("form[action='/upload'] button")
    problems = page.locator("#problems tbody tr")
    problems.first.wait_for(timeout=120_000)
    rows = [[c.strip() for c in r.split("\t")] for r in problems.all_inner_texts()]
    assert any(r[0].startswith("demo-bad.xlsx") and "seats" in r and "-4" in r for r in rows), rows
    page.goto(served.url + "/upload")
    page.set_input_files("input[name=day]", str(served.good_book))
    page.click("form[action='/upload'] button")
    page.locator("#check-ok").wait_for(timeout=120_000)
    page.click("#plan-button")
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]+$"))
    shown: list[float] = []
    deadline = time.monotonic() + 600
    while "/days/" not in page.url and time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # the page may be moving on to the plan
            shown.append(float(page.eval_on_selector("#bar", "bar => bar.value")))
        time.sleep(0.5)
    page.wait_for_url(re.compile(r".*/days/2020-02-24/v/\d+$"), timeout=60_000)
    yield page, seen, shown
    page.context.close()


def test_the_check_table_then_a_plan_with_progress(planned: tuple[Any, Seen, list[float]]) -> None:
    page, seen, shown = planned
    assert page.locator("h1").inner_text().startswith("计划 / Plan 2020-02-24")
    assert any(0 < value < 1 for value in shown), shown  # the bar moved through the stages
    assert seen.page_errors == []
    assert seen.network == []


def test_the_map_shows_every_bus(planned: tuple[Any, Seen, list[float]], served: Served) -> None:
    page, _, _ = planned
    frame = page.frame_locator("#map")
    frame.locator(".leaflet-control-layers").first.wait_for(timeout=120_000)
    labels = " ".join(frame.locator(".leaflet-control-layers-overlays label").all_inner_texts())
    plan_json = page.context.request.get(page.url + "/files/plan.json").json()
    buses = [r["vehicle"] for r in plan_json["routes"] if r["vehicle_class"] == "bus"]
    assert buses
    assert [b for b in buses if b not in labels] == []


def test_plan_xlsx_downloads_and_opens(
    planned: tuple[Any, Seen, list[float]], tmp_path: Path
) -> None:
    page, _, _ = planned
    with page.expect_download() as download:
        page.click("#downloads a[href$='plan.xlsx']")
    download.value.save_as(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx", read_only=True)
    assert len(book.sheetnames) > 5


def test_a_name_like_an_attack_stays_text(planned: tuple[Any, Seen, list[float]]) -> None:
    page, seen, _ = planned
    cells = page.locator("#employers td").all_inner_texts()
    assert XSS in cells
    assert page.locator("img[src=x]").count() == 0
    assert seen.dialogs == []


def test_a_post_without_the_csrf_token_is_refused(planned: tuple[Any, Seen, list[float]]) -> None:
    page, _, _ = planned
    url = page.url.split("/days/")[0]
    answer = page.context.request.post(
        url + "/upload", multipart={"day": {"name": "d.xlsx", "mimeType": "x", "buffer": b"x"}}
    )
    assert answer.status == 403


def test_a_late_train_replan_shows_the_diff(
    planned: tuple[Any, Seen, list[float]], tmp_path: Path
) -> None:
    page, seen, _ = planned
    events = tmp_path / "events.csv"
    events.write_text(LATE_TRAIN, encoding="utf-8")
    page.fill("#replan-form input[name=at]", "12:00")
    page.set_input_files("#replan-form input[name=events]", str(events))
    page.click("#replan-button")
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]+$"))
    page.wait_for_url(re.compile(r".*/days/2020-02-24/v/2$"), timeout=600_000)
    diff = " ".join(page.locator("#diff").inner_text().split())
    assert "re-plan of version 1 at 12:00" in diff
    assert "train_delay" in diff
    assert seen.page_errors == []


def test_a_viewer_sees_no_manifests_and_cannot_post(
    planned: tuple[Any, Seen, list[float]], browser: Any, served: Served
) -> None:
    plan_url = planned[0].url
    seen = Seen()
    page = _page(browser, served, seen)
    try:
        _sign_in(page, served, "wang")
        page.goto(plan_url)
        hrefs = page.locator("#downloads a").evaluate_all("links => links.map(a => a.href)")
        assert [h.rsplit("/", 1)[1] for h in hrefs] == ["map.html", "plan.json"]
        for name in ("plan.xlsx", "csv.zip"):
            assert page.context.request.get(f"{plan_url}/files/{name}").status == 403
        csrf = page.locator("input[name=csrf]").first.get_attribute("value")
        answer = page.context.request.post(
            served.url + "/upload",
            multipart={
                "csrf": csrf,
                "day": {"name": "d.xlsx", "mimeType": "x", "buffer": b"x"},
            },
        )
        assert answer.status == 403
        assert page.locator("a[href='/upload']").count() == 0
        assert seen.page_errors == []
    finally:
        page.context.close()


def test_plan_json_of_the_desk_is_the_plan_of_the_store(
    planned: tuple[Any, Seen, list[float]],
) -> None:
    page, _, _ = planned
    document = page.context.request.get(page.url + "/files/plan.json").json()
    assert document["date"] == "2020-02-24"
    assert XSS in {e["name"] for e in document["places"]["enterprises"]}
