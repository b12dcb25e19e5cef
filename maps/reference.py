"""Reference layers: districts, roads, railways, stations, employers, depots, exits by status."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from maps.base import (
    AreaFeature,
    AreaStyle,
    Card,
    Label,
    LegendItem,
    LineFeature,
    LineStyle,
    MapBuilder,
    PointFeature,
    Symbol,
)
from maps.geometry import ROAD_TOLERANCE, LineInput, LonLat, label_point, simplify_lines
from maps.map_labels import name_in
from routing.network.roads import RoadNetwork
from stations.model import Depot, District, Enterprise, Exit, ExitStatus, Station

T = TypeVar("T")

PREFECTURE_STYLE = AreaStyle("#4d4d4d", 2.5, "#ffffff", 0.0)
DISTRICT_STYLE = AreaStyle("#8c8c8c", 1.0, "#ffffff", 0.55)
PARK_STYLE = AreaStyle("#5b6f8f", 1.5, "#dfe6f2", 0.6, dash="6 4")
ROAD_STYLE = LineStyle("#d8a03d", 1.3, opacity=0.6, interactive=False)
RAILWAY_STYLE = LineStyle("#505050", 2.0, opacity=0.8, dash="7 5", interactive=False)

STATION_SYMBOL = Symbol("cm-station", 16, 16)
EMPLOYER_SYMBOL = Symbol("cm-emp", 10, 10)
KEY_EMPLOYER_SYMBOL = Symbol("cm-emp cm-emp-key", 14, 14)
UNCERTIFIED_SYMBOL = Symbol("cm-emp cm-emp-uncertified", 10, 10)
DEPOT_SYMBOL = Symbol("cm-depot", 16, 16)
EXIT_ORDER = (
    ExitStatus.GREEN_CHANNEL,
    ExitStatus.OPEN,
    ExitStatus.FREIGHT_ONLY,
    ExitStatus.CLOSED,
)
_PREFECTURE_LEVELS = {"prefecture", "city", "municipal", "prefecture_city"}
_PARK_LEVELS = {"park", "industrial_park", "development_zone", "zone", "special"}


def exit_symbol(status: ExitStatus, *, illustrative: bool = False) -> Symbol:
    """The symbol of an exit/checkpoint: colour and shape by status, dashed when illustrative."""
    css = f"cm-exit cm-exit-{status.value}" + (" cm-illustrative" if illustrative else "")
    return Symbol(css, 16, 16)


def _values(items: Iterable[T] | Mapping[str, T]) -> tuple[T, ...]:
    """The objects of a registry (or any mapping id → object) or of a plain iterable."""
    if isinstance(items, Mapping):
        return tuple(items.values())
    return tuple(items)


@dataclass(frozen=True, slots=True)
class MapPlaces:
    """The places and line work a map draws (roads and railways already simplified)."""

    districts: tuple[District, ...] = ()
    stations: tuple[Station, ...] = ()
    enterprises: tuple[Enterprise, ...] = ()
    depots: tuple[Depot, ...] = ()
    exits: tuple[Exit, ...] = ()
    roads: tuple[tuple[LonLat, ...], ...] = ()
    railways: tuple[tuple[LonLat, ...], ...] = ()

    @classmethod
    def of(
        cls,
        *,
        districts: Iterable[District] | Mapping[str, District] = (),
        stations: Iterable[Station] | Mapping[str, Station] = (),
        enterprises: Iterable[Enterprise] | Mapping[str, Enterprise] = (),
        depots: Iterable[Depot] | Mapping[str, Depot] = (),
        exits: Iterable[Exit] | Mapping[str, Exit] = (),
        roads: LineInput | None = None,
        railways: LineInput | None = None,
        line_tolerance: float = ROAD_TOLERANCE,
    ) -> MapPlaces:
        """Collect places from registries (or lists) and simplify roads and railways.

        Parameters
        ----------
        districts, stations, enterprises, depots, exits
            Registries (id → object) or sequences of the place objects. Default none.
        roads
            Major roads as shapely lines or lists of (lon, lat) points. Default none.
        railways
            Railway lines, same forms as ``roads``. Default none.
        line_tolerance
            Simplification tolerance for roads and railways in degrees.
            Default ``ROAD_TOLERANCE``.

        Returns
        -------
        MapPlaces
            The places, ready to draw.
        """
        return cls(
            districts=_values(districts),
            stations=_values(stations),
            enterprises=_values(enterprises),
            depots=_values(depots),
            exits=_values(exits),
            roads=_lines(roads, line_tolerance),
            railways=_lines(railways, line_tolerance),
        )

    def depot(self, depot_id: str) -> Depot | None:
        """The depot with ``depot_id`` or ``None``."""
        return next((d for d in self.depots if d.depot_id == depot_id), None)


def network_lines(network: RoadNetwork) -> list[tuple[LonLat, LonLat]]:
    """Every road segment of ``network`` as a pair of (lon, lat) points."""
    lon, lat = network.node_lon, network.node_lat
    return [
        ((float(lon[u]), float(lat[u])), (float(lon[v]), float(lat[v])))
        for u, v in zip(network.seg_u.tolist(), network.seg_v.tolist(), strict=True)
    ]


@functools.cache
def embedded_places(*, roads: bool = True) -> MapPlaces:
    """The embedded default places: districts, stations, checkpoints, railways, major roads.

    Cached: the result is immutable.
    """
    from stations import embedded

    network_roads = network_lines(RoadNetwork.embedded()) if roads else None
    return MapPlaces.of(
        districts=embedded.default_districts(),
        stations=embedded.default_stations(),
        exits=embedded.default_exits(),
        railways=embedded.railway_lines(),
        roads=network_roads,
    )


def _lines(lines: LineInput | None, tolerance: float) -> tuple[tuple[LonLat, ...], ...]:
    if lines is None:
        return ()
    return tuple(tuple(part) for part in simplify_lines(lines, tolerance))


def district_kind(district: District) -> str:
    """``prefecture``, ``park`` (the Industrial Park and similar zones) or ``district``."""
    level = district.level.lower()
    if level in _PREFECTURE_LEVELS:
        return "prefecture"
    if (
        level in _PARK_LEVELS
        or "industrial park" in district.name_en.lower()
        or "工业园" in district.name_zh
    ):
        return "park"
    return "district"


def add_districts(
    builder: MapBuilder, districts: Iterable[District], *, in_view: bool = True
) -> None:
    """The district layer: prefecture outline, county-level districts, the Industrial Park.

    With ``in_view`` false the districts do not widen the map's opening view.
    """
    items = list(districts)
    if not items:
        return
    # Draw prefecture first and parks last, so the park sits on top of its host district.
    order = {"prefecture": 0, "district": 1, "park": 2}
    items.sort(key=lambda d: order[district_kind(d)])
    styles = {"prefecture": PREFECTURE_STYLE, "district": DISTRICT_STYLE, "park": PARK_STYLE}
    layer = builder.layer(builder.t("layer.districts"))
    areas: list[AreaFeature] = []
    labels: list[Label] = []
    for district in items:
        kind = district_kind(district)
        name = name_in(district.name_zh, district.name_en, builder.lang)
        areas.append(AreaFeature(district.geometry, styles[kind], tooltip=name))
        if kind != "prefecture":
            lon, lat = label_point(district.geometry)
            labels.append(Label(lon, lat, name))
    builder.add_areas(layer, areas, in_view=in_view)
    builder.add_labels(layer, labels, css="cm-label-district")
    kinds = {district_kind(d) for d in items}
    legend = [
        LegendItem(builder.t(f"item.{key}"), area=styles[kind])
        for kind, key in (
            ("prefecture", "prefecture"),
            ("district", "district"),
            ("park", "industrial_park"),
        )
        if kind in kinds
    ]
    builder.add_legend(builder.t("legend.base"), legend)


def _add_background_lines(
    builder: MapBuilder, lines: Iterable[tuple[LonLat, ...]], what: str, style: LineStyle
) -> None:
    parts = tuple(part for part in lines if len(part) >= 2)
    if not parts:
        return
    layer = builder.layer(builder.t(f"layer.{what}s"))
    builder.add_lines(layer, [LineFeature(parts, style)], in_view=False)
    builder.add_legend(
        builder.t("legend.base"), [LegendItem(builder.t(f"item.{what}"), line=style)]
    )


def add_roads(builder: MapBuilder, roads: Iterable[tuple[LonLat, ...]]) -> None:
    """The major-road layer (background line work, not clickable)."""
    _add_background_lines(builder, roads, "road", ROAD_STYLE)


def add_railways(builder: MapBuilder, railways: Iterable[tuple[LonLat, ...]]) -> None:
    """The railway layer (background line work, not clickable)."""
    _add_background_lines(builder, railways, "railway", RAILWAY_STYLE)


def add_stations(builder: MapBuilder, stations: Iterable[Station]) -> None:
    """The arrival-station layer, with name labels."""
    items = list(stations)
    if not items:
        return
    layer = builder.layer(builder.t("layer.stations"))
    points: list[PointFeature] = []
    labels: list[Label] = []
    for station in items:
        name = name_in(station.name_zh, station.name_en, builder.lang)
        rows = [(builder.t("field.kind"), builder.t(f"kind.{station.kind.value}"))]
        if station.bays is not None:
            rows.append((builder.t("field.bays"), str(station.bays)))
        card = Card(name, subtitle=station.station_id, rows=tuple(rows))
        points.append(PointFeature(station.lon, station.lat, STATION_SYMBOL, name, card))
        labels.append(Label(station.lon, station.lat, name))
    builder.add_points(layer, points)
    builder.add_labels(layer, labels, css="cm-label-station")
    builder.add_legend(
        builder.t("legend.places"), [LegendItem(builder.t("item.station"), symbol=STATION_SYMBOL)]
    )


def employer_symbol(enterprise: Enterprise) -> Symbol:
    """Certified, key or not-certified employer symbol."""
    if not enterprise.certified:
        return UNCERTIFIED_SYMBOL
    return KEY_EMPLOYER_SYMBOL if enterprise.key_enterprise else EMPLOYER_SYMBOL


def add_employers(builder: MapBuilder, enterprises: Iterable[Enterprise]) -> None:
    """The employer layer (never shows the escort contact)."""
    items = list(enterprises)
    if not items:
        return
    layer = builder.layer(builder.t("layer.employers"))
    yes, no = builder.t("yes"), builder.t("no")
    points: list[PointFeature] = []
    for e in items:
        rows = [(builder.t("field.certified"), yes if e.certified else no)]
        if e.district:
            rows.append((builder.t("field.district"), e.district))
        if e.key_enterprise:
            rows.append((builder.t("field.key"), yes))
        card = Card(e.name, subtitle=e.enterprise_id, rows=tuple(rows))
        points.append(PointFeature(e.lon, e.lat, employer_symbol(e), e.name, card))
    builder.add_points(layer, points)
    legend = [LegendItem(builder.t("item.employer"), symbol=EMPLOYER_SYMBOL)]
    if any(e.key_enterprise and e.certified for e in items):
        legend.append(LegendItem(builder.t("item.employer.key"), symbol=KEY_EMPLOYER_SYMBOL))
    if any(not e.certified for e in items):
        legend.append(LegendItem(builder.t("item.employer.uncertified"), symbol=UNCERTIFIED_SYMBOL))
    builder.add_legend(builder.t("legend.places"), legend)


def add_depots(builder: MapBuilder, depots: Iterable[Depot]) -> None:
    """The depot layer."""
    items = list(depots)
    if not items:
        return
    layer = builder.layer(builder.t("layer.depots"))
    points = [
        PointFeature(
            d.lon,
            d.lat,
            DEPOT_SYMBOL,
            d.name or d.operator,
            Card(d.name or d.depot_id, rows=((builder.t("field.operator"), d.operator),)),
        )
        for d in items
    ]
    builder.add_points(layer, points)
    builder.add_legend(
        builder.t("legend.places"), [LegendItem(builder.t("item.depot"), symbol=DEPOT_SYMBOL)]
    )


def add_exits(builder: MapBuilder, exits: Iterable[Exit]) -> None:
    """The exits/checkpoints layer, coloured and shaped by status; illustrative ones dashed.

    The legend always lists all four statuses, so the day's notice reads the same every day.
    """
    items = sorted(exits, key=lambda x: EXIT_ORDER.index(x.status))
    if not items:
        return
    layer = builder.layer(builder.t("layer.exits"))
    points: list[PointFeature] = []
    for x in items:
        status = builder.t(f"status.{x.status.value}")
        rows = [
            (builder.t("field.status"), status),
            (builder.t("field.passes"), builder.t(f"passes.{x.status.value}")),
        ]
        if x.road:
            rows.append((builder.t("field.road"), x.road))
        if x.delay_min is not None:
            rows.append((builder.t("field.delay"), builder.t("minutes", value=f"{x.delay_min:g}")))
        notes = (builder.t("item.exit.illustrative"),) if x.illustrative else ()
        card = Card(x.name or x.exit_id, subtitle=x.exit_id, rows=tuple(rows), notes=notes)
        tip = f"{x.name or x.exit_id} · {status}"
        symbol = exit_symbol(x.status, illustrative=x.illustrative)
        points.append(PointFeature(x.lon, x.lat, symbol, tip, card))
    builder.add_points(layer, points)
    legend = [
        LegendItem(builder.t(f"status.{status.value}"), symbol=exit_symbol(status))
        for status in EXIT_ORDER
    ]
    legend.append(
        LegendItem(
            builder.t("item.exit.illustrative"),
            symbol=exit_symbol(ExitStatus.OPEN, illustrative=True),
        )
    )
    builder.add_legend(builder.t("legend.exits"), legend)
    if any(x.illustrative for x in items):
        builder.add_note(builder.t("note.illustrative"))


def add_reference_layers(
    builder: MapBuilder,
    places: MapPlaces,
    *,
    employers: bool = True,
    depots: bool = True,
    districts_in_view: bool = True,
) -> None:
    """Draw every reference layer ``places`` has, background first.

    Parameters
    ----------
    builder
        The map being built.
    places
        What to draw.
    employers
        Draw the employer layer. Default True.
    depots
        Draw the depot layer. Default True.
    districts_in_view
        Open the map on the whole district extent. Default True.
    """
    add_districts(builder, places.districts, in_view=districts_in_view)
    add_roads(builder, places.roads)
    add_railways(builder, places.railways)
    add_stations(builder, places.stations)
    if employers:
        add_employers(builder, places.enterprises)
    if depots:
        add_depots(builder, places.depots)
    add_exits(builder, places.exits)
