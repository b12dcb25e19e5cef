"""A real-browser check of the plan map: headless Chromium, file:// URL, network cut off.

Without Chromium (or Playwright) every test here skips before anything is planned or drawn;
with ``CHARTER_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from charter.cli import main
from maps.map_labels import text
from maps.plan_map import plan_map
from maps.reference import MapPlaces, embedded_places
from stations.lang import Lang
from stations.model import ExitStatus
from tests.map_cases import (
    DAY,
    XSS_IMG,
    depot_fleet_permits,
    grid_town_places,
    two_buses_one_truck,
    unserved_at_central,
)
from tests.paths import ROOT

DEMO = ROOT / "scenarios" / "demo"
INJECTED = "E001"  # the demo employer renamed like an attack

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE = "CHARTER_REQUIRE_BROWSER"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@dataclass
class Seen:
    """What the page did besides drawing: requests off the file, errors, dialogs."""

    network: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.network == []
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []


@contextmanager
def offline_page(chromium: Path, html: Path, profile: Path) -> Iterator[tuple[Any, Seen]]:
    """``html`` opened in headless Chromium with every http(s) request refused; the page
    (once its layer control is drawn) and what it did."""
    from playwright import sync_api

    seen = Seen()
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:

            def refuse(route: Any) -> None:
                seen.network.append(route.request.url)
                route.abort()

            context.route("http://**/*", refuse)
            context.route("https://**/*", refuse)
            page = context.new_page()
            page.on(
                "request",
                lambda r: (
                    None if r.url.startswith(("file:", "data:")) else seen.network.append(r.url)
                ),
            )
            page.on(
                "console",
                lambda m: seen.console_errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
            page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
            page.goto(html.as_uri())
            page.wait_for_selector(".leaflet-control-layers")
            yield page, seen
        finally:
            context.close()


def browser_or_skip(chromium: Path, *, required: bool) -> Path:
    """``chromium`` if it and Playwright are installed; else skip, or fail when ``required``."""
    missing = []
    if not chromium.exists():
        missing.append(f"{chromium} is not installed")
    if importlib.util.find_spec("playwright") is None:
        missing.append("playwright is not installed")
    if missing and required:
        pytest.fail(f"{REQUIRE} is set but " + " and ".join(missing))
    if missing:
        pytest.skip(" and ".join(missing))
    return chromium


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The Debian Chromium. Module-scoped, and asked for first by every fixture that plans or
    draws, so a machine without it skips before any work (CI sets CHARTER_REQUIRE_BROWSER=1:
    there it fails)."""
    return browser_or_skip(CHROMIUM, required=os.environ.get(REQUIRE, "") not in ("", "0"))


@pytest.fixture
def plan_file(chromium: Path, tmp_path: Path) -> Path:
    """The plan map of the grid-town day drawn on the embedded Suzhou districts, roads and
    railways (two buses, one truck, unserved requests, permits, an employer named like XSS)."""
    town = grid_town_places()
    suzhou = embedded_places()
    places = MapPlaces(
        districts=suzhou.districts,
        roads=suzhou.roads,
        railways=suzhou.railways,
        stations=town.stations,
        enterprises=town.enterprises,
        depots=town.depots,
        exits=town.exits,
    )
    builder = plan_map(
        places,
        two_buses_one_truck(),
        day=DAY,
        unserved=unserved_at_central(),
        permits=depot_fleet_permits(),
    )
    return builder.save(tmp_path / "map.html")


def test_plan_map_in_headless_chromium_offline(
    chromium: Path, plan_file: Path, tmp_path: Path
) -> None:
    with offline_page(chromium, plan_file, tmp_path / "profile") as (page, seen):
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any("苏E10001" in label for label in labels)
        assert any(label.strip().startswith("Districts") for label in labels)
        assert page.locator(".cm-legend").is_visible()
        assert page.locator(".cm-fullscreen-button").count() == 1
        # the three routes are SVG paths in their own colours
        strokes = page.locator("path.leaflet-interactive").evaluate_all(
            "paths => paths.map(p => p.getAttribute('stroke'))"
        )
        assert {"#1f77b4", "#d62728", "#2ca02c"} <= set(strokes)
        assert page.locator("text=© OpenStreetMap contributors").count() >= 1

        # open the popup of the route to the employer named like an attack
        opened = page.evaluate(
            """() => {
                let opened = 0;
                for (const name of Object.keys(window)) {
                    const group = window[name];
                    if (!name.startsWith('feature_group_') || !group.eachLayer) continue;
                    group.eachLayer(layer => {
                        if (layer.getPopup && layer.getPopup()
                            && layer.options.color === '#1f77b4') {
                            layer.openPopup();
                            opened += 1;
                        }
                    });
                }
                return opened;
            }"""
        )
        assert opened == 1
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert XSS_IMG in popup.inner_text()  # shown as text...
        assert popup.locator("img").count() == 0  # ...never parsed as markup
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "plan-map.png"))
    seen.assert_clean()
    assert (tmp_path / "plan-map.png").stat().st_size > 10_000


@pytest.fixture(scope="module")
def demo_map(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo day's map from ``charter plan`` (short search: effort 40), with employer
    E001 renamed like an attack so that the injection is checked on the real map."""
    root = tmp_path_factory.mktemp("demo-map")
    day = root / "day"
    shutil.copytree(DEMO, day)
    employers = pd.read_csv(day / "enterprises.csv", dtype=str, keep_default_na=False)
    employers.loc[employers["enterprise_id"] == INJECTED, "name"] = XSS_IMG
    employers.to_csv(day / "enterprises.csv", index=False)
    out = root / "plan"
    assert main(["plan", str(day), "--out", str(out), "--effort", "40", "-q"]) == 0
    return out


def test_demo_map_in_headless_chromium_offline(
    chromium: Path, demo_map: Path, tmp_path: Path
) -> None:
    """The demo map opens offline with every route drawn, a legend row per exit status, no
    console error, and the injected employer name shown as text (no dialog fires)."""
    plan = json.loads((demo_map / "plan.json").read_text(encoding="utf-8"))
    plates = {route["vehicle"] for route in plan["routes"]}
    assert plates and INJECTED in {trip["enterprise"] for trip in plan["trips"]}
    with offline_page(chromium, demo_map / "map.html", tmp_path / "profile") as (page, seen):
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        drawn = {plate for plate in plates if any(plate in label for label in labels)}
        assert drawn == plates  # one layer per used bus
        legend = page.locator(".cm-legend").inner_text()
        for status in ExitStatus:  # the plan's default language is Chinese
            assert text(f"status.{status.value}", Lang.ZH) in legend
        assert page.locator("path.leaflet-interactive").count() >= len(plates)

        # open popups until one names the injected employer: a route that serves it
        opened = page.evaluate(
            """() => {
                for (const name of Object.keys(window)) {
                    const group = window[name];
                    if (!name.startsWith('feature_group_') || !group.getLayers) continue;
                    for (const layer of group.getLayers()) {
                        if (!layer.getPopup || !layer.getPopup()) continue;
                        layer.openPopup();
                        const shown = layer.getPopup().getElement();
                        if (shown && shown.innerText.includes('onerror')) return 1;
                        layer.closePopup();
                    }
                }
                return 0;
            }"""
        )
        assert opened == 1
        popup = page.locator(".leaflet-popup-content").last
        popup.wait_for()
        assert XSS_IMG in popup.inner_text()
        assert popup.locator("img").count() == 0
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "demo-map.png"))
    seen.assert_clean()


def test_without_a_browser_the_tests_skip(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match=r"nowhere/chromium is not installed"):
        browser_or_skip(tmp_path / "nowhere" / "chromium", required=False)


def test_without_a_browser_ci_fails(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"CHARTER_REQUIRE_BROWSER is set but .*"):
        browser_or_skip(tmp_path / "nowhere" / "chromium", required=True)
