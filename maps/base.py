"""The base map builder: layers, shared styles, legend, layer control, fullscreen, attribution."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import folium
from branca.element import Figure
from shapely.geometry.base import BaseGeometry

from maps.geometry import AREA_TOLERANCE, Bounds, LonLat, area_polygons, encode_parts
from maps.map_labels import text
from maps.offline import JsCall, OfflineMap
from maps.safety import display_text, escape_html
from stations.lang import Lang

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
SUZHOU_CENTRE: LonLat = (120.62, 31.32)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CSS_CLASSES = re.compile(r"[a-z][a-z0-9_ -]*")
DETAIL_ZOOM = 11  # station labels show from this zoom on
_COLLAPSE_ABOVE = 16  # more overlays than this: the layer control opens on hover


class Tiles(StrEnum):
    """Background of the map."""

    NONE = "none"  # plain background: works offline
    OSM = "osm"  # online OpenStreetMap tiles (needs internet at view time)


def check_colour(colour: str, what: str) -> str:
    """Return ``colour`` if it is ``#rrggbb``, else raise ``ValueError``."""
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"{what}: colour must look like #1f77b4, got {colour!r}")
    return colour


@dataclass(frozen=True, slots=True)
class Symbol:
    """A point symbol: CSS classes from ``assets/charter-map.css`` and its size in pixels.

    ``anchor`` is the pixel of the symbol that sits on the point (default: its centre).
    """

    css: str
    width: int
    height: int
    anchor: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not _CSS_CLASSES.fullmatch(self.css):
            raise ValueError(f"symbol css classes must be plain class names, got {self.css!r}")
        if not (0 < self.width <= 64 and 0 < self.height <= 64):
            raise ValueError(f"symbol size must be 1..64 px, got {self.width}x{self.height}")

    def payload(self) -> dict[str, object]:
        """JSON for the JS helpers."""
        out: dict[str, object] = {"c": self.css, "w": self.width, "h": self.height}
        if self.anchor is not None:
            out["a"] = list(self.anchor)
        return out


@dataclass(frozen=True, slots=True)
class LineStyle:
    """How a line is drawn (shared by every line that uses it)."""

    colour: str
    weight: float
    opacity: float = 1.0
    dash: str = ""
    interactive: bool = True
    highlight: bool = False

    def __post_init__(self) -> None:
        check_colour(self.colour, "line style")
        if not re.fullmatch(r"[0-9 .,]*", self.dash):
            raise ValueError(f"dash must be a dash array like '8 6', got {self.dash!r}")

    def payload(self) -> dict[str, object]:
        """Leaflet path options."""
        out: dict[str, object] = {
            "color": self.colour,
            "weight": self.weight,
            "opacity": self.opacity,
            "interactive": self.interactive,
        }
        if self.dash:
            out["dashArray"] = self.dash
        if self.highlight:
            out["hl"] = True
        return out


@dataclass(frozen=True, slots=True)
class AreaStyle:
    """How an area is drawn (outline and fill)."""

    colour: str
    weight: float
    fill_colour: str
    fill_opacity: float
    opacity: float = 1.0
    dash: str = ""
    interactive: bool = False

    def __post_init__(self) -> None:
        check_colour(self.colour, "area style")
        check_colour(self.fill_colour, "area style fill")

    def payload(self) -> dict[str, object]:
        """Leaflet path options."""
        out: dict[str, object] = {
            "color": self.colour,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillColor": self.fill_colour,
            "fillOpacity": self.fill_opacity,
            "interactive": self.interactive,
        }
        if self.dash:
            out["dashArray"] = self.dash
        return out


@dataclass(frozen=True, slots=True)
class Card:
    """Popup content: title, label/value rows, an optional table and notes — all plain text."""

    title: str
    subtitle: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    head: tuple[str, ...] = ()
    body: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()

    def payload(self) -> dict[str, object]:
        """JSON for the JS helpers (every text cleaned with ``display_text``)."""
        out: dict[str, object] = {"t": display_text(self.title)}
        if self.subtitle:
            out["s"] = display_text(self.subtitle)
        if self.rows:
            out["r"] = [[display_text(k), display_text(v)] for k, v in self.rows]
        if self.body:
            out["h"] = [display_text(h) for h in self.head]
            out["b"] = [[display_text(c) for c in row] for row in self.body]
        if self.notes:
            out["n"] = [display_text(n, limit=400) for n in self.notes]
        return out


@dataclass(frozen=True, slots=True)
class PointFeature:
    """A point drawn with a symbol, an optional tooltip, popup card and badge text."""

    lon: float
    lat: float
    symbol: Symbol
    tooltip: str = ""
    card: Card | None = None
    badge: str = ""


@dataclass(frozen=True, slots=True)
class LineFeature:
    """A (multi-part) line, already simplified, with a shared style."""

    parts: tuple[tuple[LonLat, ...], ...]
    style: LineStyle
    tooltip: str = ""
    card: Card | None = None

    def __post_init__(self) -> None:
        if not self.parts or any(len(part) < 2 for part in self.parts):
            raise ValueError("a line feature needs parts of at least two points each")


@dataclass(frozen=True, slots=True)
class AreaFeature:
    """A polygon area with a shared style; simplified by ``tolerance`` degrees when drawn."""

    geometry: BaseGeometry = field(repr=False)
    style: AreaStyle
    tooltip: str = ""
    card: Card | None = None
    tolerance: float = AREA_TOLERANCE


@dataclass(frozen=True, slots=True)
class Label:
    """A text label at a point (never catches the mouse)."""

    lon: float
    lat: float
    text: str


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One legend row: a symbol, a line or an area sample, and what it means."""

    label: str
    symbol: Symbol | None = None
    line: LineStyle | None = None
    area: AreaStyle | None = None
    badge: str = ""

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.symbol, self.line, self.area)) != 1:
            raise ValueError(f"legend item {self.label!r} needs exactly one of symbol/line/area")

    def payload(self) -> dict[str, object]:
        """JSON for the JS legend."""
        if self.symbol is not None:
            out: dict[str, object] = {"k": "icon", **self.symbol.payload()}
            if self.badge:
                out["b"] = display_text(self.badge)
        elif self.line is not None:
            out = {"k": "line", "st": self.line.payload()}
        else:
            assert self.area is not None
            out = {"k": "area", "st": self.area.payload()}
        out["l"] = display_text(self.label, limit=200)
        return out


def _index(table: dict[object, int], key: object) -> int:
    if key not in table:
        table[key] = len(table)
    return table[key]


class MapBuilder:
    """Builds one self-contained map: add layers and legend entries, then ``render``.

    Parameters
    ----------
    lang
        Label language. Default English.
    tiles
        Background: ``Tiles.NONE`` (plain, offline) or ``Tiles.OSM`` (online tiles, with a
        switch back to the plain background). Default ``Tiles.NONE``.
    title
        Title shown at the top of the map and in the browser tab. Default none.
    subtitle
        Second title line. Default none.
    attribution
        Data sources shown in the attribution line besides "© OpenStreetMap contributors".
        Default none.
    """

    def __init__(
        self,
        *,
        lang: Lang = Lang.EN,
        tiles: Tiles = Tiles.NONE,
        title: str = "",
        subtitle: str = "",
        attribution: Sequence[str] = (),
    ) -> None:
        self.lang = lang
        self.tiles = tiles
        self.title = title
        self.subtitle = subtitle
        extra = tuple(a for a in attribution if a and a != OSM_ATTRIBUTION)
        credited = any(OSM_ATTRIBUTION in a for a in extra)
        self.attribution = extra if credited else (OSM_ATTRIBUTION, *extra)
        self._map = OfflineMap(
            location=[SUZHOU_CENTRE[1], SUZHOU_CENTRE[0]],
            zoom_start=10,
            tiles=None,
            control_scale=False,
            zoom_snap=0.5,
            prefer_canvas=False,
        )
        self._legend: dict[str, list[LegendItem]] = {}
        self._notes: list[str] = []
        self._view: list[LonLat] = []
        self._overlays = 0
        self._finished = False
        if tiles is Tiles.OSM:
            self._add_tile_bases()

    def _add_tile_bases(self) -> None:
        folium.TileLayer(
            "OpenStreetMap", name=escape_html(self.t("base.osm")), attr=OSM_ATTRIBUTION
        ).add_to(self._map)
        folium.FeatureGroup(
            name=escape_html(self.t("base.plain")), overlay=False, show=False
        ).add_to(self._map)

    @property
    def map(self) -> folium.Map:
        """The folium map being built."""
        return self._map

    def t(self, key: str, **values: object) -> str:
        """A fixed label in the map's language (see ``maps.map_labels.TEXTS``)."""
        return text(key, self.lang, **values)

    def layer(
        self, name: str, *, show: bool = True, swatch: LineStyle | None = None
    ) -> folium.FeatureGroup:
        """A new switchable overlay named ``name`` (escaped; a line swatch may precede it)."""
        label = escape_html(name)
        if swatch is not None:
            dashed = " cm-swatch-dashed" if swatch.dash else ""
            label = (
                f'<span class="cm-swatch{dashed}" style="border-top-color:{swatch.colour}">'
                f"</span>{label}"
            )
        group = folium.FeatureGroup(name=label, show=show)
        group.add_to(self._map)
        self._overlays += 1
        return group

    def add_points(self, layer: folium.FeatureGroup, points: Sequence[PointFeature]) -> None:
        """Draw point features on ``layer`` (symbols shared through a table)."""
        symbols: dict[object, int] = {}
        rows: list[list[object]] = []
        for p in points:
            rows.append(
                [
                    round(p.lat, 5),
                    round(p.lon, 5),
                    _index(symbols, p.symbol),
                    display_text(p.tooltip),
                    None if p.card is None else p.card.payload(),
                    display_text(p.badge, limit=8),
                ]
            )
            self._view.append((p.lon, p.lat))
        table = [s.payload() for s in symbols if isinstance(s, Symbol)]
        layer.add_child(JsCall("points", {"sym": table, "p": rows}))

    def add_lines(
        self, layer: folium.FeatureGroup, lines: Sequence[LineFeature], *, in_view: bool = True
    ) -> None:
        """Draw line features on ``layer`` (styles shared through a table)."""
        styles: dict[object, int] = {}
        rows: list[list[object]] = []
        for line in lines:
            rows.append(
                [
                    _index(styles, line.style),
                    encode_parts(line.parts),
                    display_text(line.tooltip),
                    None if line.card is None else line.card.payload(),
                ]
            )
            if in_view:
                self._view.extend(p for part in line.parts for p in part)
        table = [s.payload() for s in styles if isinstance(s, LineStyle)]
        layer.add_child(JsCall("lines", {"st": table, "l": rows}))

    def add_areas(
        self, layer: folium.FeatureGroup, areas: Sequence[AreaFeature], *, in_view: bool = True
    ) -> None:
        """Draw area features on ``layer`` (simplified; styles shared through a table)."""
        styles: dict[object, int] = {}
        rows: list[list[object]] = []
        for area in areas:
            polygons = area_polygons(area.geometry, area.tolerance)
            if not polygons:
                continue
            rows.append(
                [
                    _index(styles, area.style),
                    polygons,
                    display_text(area.tooltip),
                    None if area.card is None else area.card.payload(),
                ]
            )
            if in_view:
                west, south, east, north = area.geometry.bounds
                self._view.extend([(west, south), (east, north)])
        table = [s.payload() for s in styles if isinstance(s, AreaStyle)]
        layer.add_child(JsCall("polygons", {"st": table, "g": rows}))

    def add_labels(self, layer: folium.FeatureGroup, labels: Sequence[Label], *, css: str) -> None:
        """Draw text labels on ``layer`` with the label class ``css``."""
        if not _CSS_CLASSES.fullmatch(css):
            raise ValueError(f"label css must be plain class names, got {css!r}")
        rows = [[round(x.lat, 5), round(x.lon, 5), display_text(x.text, limit=60)] for x in labels]
        layer.add_child(JsCall("labels", {"c": css, "l": rows}))

    def add_legend(self, section: str, items: Iterable[LegendItem]) -> None:
        """Add legend rows under the heading ``section`` (rows with a known label are skipped)."""
        rows = self._legend.setdefault(section, [])
        known = {row.label for row in rows}
        for item in items:
            if item.label not in known:
                rows.append(item)
                known.add(item.label)

    def add_note(self, note: str) -> None:
        """Add a note under the legend (once)."""
        if note not in self._notes:
            self._notes.append(note)

    def include_in_view(self, points: Iterable[LonLat]) -> None:
        """Make sure the initial view shows ``points``."""
        self._view.extend(points)

    def view_bounds(self) -> Bounds | None:
        """The box the map opens on (everything drawn, unless excluded)."""
        return Bounds.around(self._view)

    def finish(self) -> folium.Map:
        """Add the legend, fullscreen button, title, attribution and layer control (once)."""
        if self._finished:
            return self._map
        self._finished = True
        legend = {
            "t": self.t("legend.title"),
            "s": [
                {"h": display_text(heading), "items": [item.payload() for item in items]}
                for heading, items in self._legend.items()
                if items
            ],
            "n": [display_text(n, limit=400) for n in self._notes],
        }
        labels = {"enter": self.t("fullscreen.enter"), "exit": self.t("fullscreen.exit")}
        self._map.add_child(JsCall("fullscreen", labels))
        self._map.add_child(JsCall("legend", legend))
        bounds = self.view_bounds()
        frame: dict[str, object] = {
            "t": display_text(self.title),
            "s": display_text(self.subtitle),
            "attribution": [display_text(a, limit=300) for a in self.attribution],
            "bounds": None if bounds is None else bounds.padded().leaflet(),
            "detailZoom": DETAIL_ZOOM,
        }
        self._map.add_child(JsCall("frame", frame))
        folium.LayerControl(position="topright", collapsed=self._overlays > _COLLAPSE_ABOVE).add_to(
            self._map
        )
        root = self._map.get_root()
        if self.title and isinstance(root, Figure):
            root.title = escape_html(self.title)
        return self._map

    def render(self) -> str:
        """The complete, self-contained HTML document."""
        self.finish()
        return str(self._map.get_root().render())

    def save(self, path: Path) -> Path:
        """Write the HTML document to ``path`` (UTF-8) and return the path."""
        path.write_text(self.render(), encoding="utf-8")
        return path
