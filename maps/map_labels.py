"""Bilingual (zh-CN / en) texts shown on the maps: layer names, legend entries, popup labels."""

from __future__ import annotations

from stations.lang import Lang

# key → (zh-CN, en). Every fixed text on a map comes from here, so both languages stay complete.
TEXTS: dict[str, tuple[str, str]] = {
    # layers
    "layer.districts": ("行政区划", "Districts"),
    "layer.roads": ("主要道路", "Major roads"),
    "layer.railways": ("铁路", "Railways"),
    "layer.stations": ("到达站点", "Arrival stations"),
    "layer.employers": ("用工企业", "Employers"),
    "layer.depots": ("车场", "Depots"),
    "layer.exits": ("高速出入口 / 检查站", "Highway exits / checkpoints"),
    "layer.permits.valid": ("车辆：许可有效", "Vehicles: permit valid"),
    "layer.permits.expiring": ("车辆：许可即将到期", "Vehicles: permit expiring"),
    "layer.permits.idle": ("车辆：无有效许可（停驶）", "Vehicles: no valid permit (idle)"),
    "layer.unserved": ("未满足需求", "Unserved requests"),
    "layer.unserved_shipments": ("未承运物资", "Unserved shipments"),
    "layer.supply_places": ("物资装卸点", "Supply loading and unloading points"),
    "layer.route.bus": ("客车", "Bus"),
    "layer.route.truck": ("货车", "Truck"),
    "base.plain": ("空白底图（离线）", "Plain background (offline)"),
    "base.osm": ("OpenStreetMap 在线底图", "OpenStreetMap tiles (online)"),
    # legend sections
    "legend.title": ("图例", "Legend"),
    "legend.base": ("底图", "Base map"),
    "legend.places": ("地点", "Places"),
    "legend.exits": ("出入口 / 检查站状态", "Exit / checkpoint status"),
    "legend.permits": ("车辆许可状态（按车场）", "Vehicle permits (per depot)"),
    "legend.routes": ("线路", "Routes"),
    "legend.changes": ("与上一版本相比", "Against the parent version"),
    "layer.changes.cancelled": ("已取消的路段（灰色）", "Cancelled legs (grey)"),
    "layer.changes.new": ("新增的路段（加粗）", "New legs (bold)"),
    "item.changes.cancelled": ("已取消的路段", "cancelled leg"),
    "item.changes.new": ("新增的路段", "new leg"),
    "tip.changes.cancelled": (
        "{plate}：已取消 {start} → {end}",
        "{plate}: cancelled {start} → {end}",
    ),
    "tip.changes.new": ("{plate}：新增 {start} → {end}", "{plate}: new {start} → {end}"),
    "legend.unserved": ("未满足需求", "Unserved"),
    # legend items
    "item.prefecture": ("苏州市界", "Suzhou prefecture boundary"),
    "item.district": ("县级行政区", "County-level district"),
    "item.industrial_park": ("苏州工业园区", "Suzhou Industrial Park"),
    "item.road": ("主要道路", "Major road"),
    "item.railway": ("铁路", "Railway"),
    "item.station": ("到达站点（铁路 / 汽车 / 机场）", "Arrival station (rail / coach / airport)"),
    "item.employer": ("用工企业（已复工认证）", "Employer (certified)"),
    "item.employer.key": ("重点企业", "Key employer"),
    "item.employer.uncertified": ("用工企业（未认证）", "Employer (not certified)"),
    "item.depot": ("车场", "Depot (operator's yard)"),
    "item.exit.illustrative": ("示意位置（非实测）", "Illustrative position (not surveyed)"),
    "item.route.bus": (
        "客车线路（每车一色，见图层列表）",
        "Bus route (one colour per bus, see layers)",
    ),
    "item.route.truck": ("货车线路（虚线）", "Truck route (dashed)"),
    "item.unserved": ("未满足需求（点击查看原因）", "Unserved request (click for the reason)"),
    "item.supply_place": (
        "物资装卸点（港口、物流园、医院、配送中心等）",
        "Supply point (port, logistics park, hospital, distribution centre, …)",
    ),
    "item.unserved_shipment": (
        "未承运物资（标在装货地，点击查看原因）",
        "Unserved shipment (at its origin, click for the reason)",
    ),
    # exit statuses
    "status.green_channel": ("绿色通道", "Green channel"),
    "status.open": ("开放（设卡检查）", "Open (checkpoint)"),
    "status.freight_only": ("仅限货车", "Freight only"),
    "status.closed": ("关闭", "Closed"),
    # who passes an exit of each status
    "passes.green_channel": (
        "客车、优先物资货车快速通行；其他货车正常检查",
        "buses and trucks with priority cargo: short check; other trucks: normal check",
    ),
    "passes.open": ("客车、货车均可通行（设卡检查）", "buses and trucks, after the check"),
    "passes.freight_only": ("货车可通行，客车禁行", "trucks pass, buses do not"),
    "passes.closed": ("禁止通行", "nobody"),
    # permit states
    "permit.valid": ("许可有效", "Permit valid"),
    "permit.expiring": ("许可 {days} 天内到期", "Permit expires within {days} days"),
    "permit.idle": ("无有效许可，停驶", "No valid permit: idle"),
    # popup labels
    "field.kind": ("类型", "Kind"),
    "field.road": ("道路", "Road"),
    "field.status": ("状态", "Status"),
    "field.delay": ("检查延误", "Checkpoint delay"),
    "field.operator": ("运营单位", "Operator"),
    "field.plate": ("车牌", "Plate"),
    "field.class": ("车型", "Vehicle class"),
    "field.permit_no": ("许可证号", "Permit no."),
    "field.valid": ("有效期", "Valid"),
    "field.permit_state": ("许可状态", "Permit state"),
    "field.district": ("所在区", "District"),
    "field.certified": ("复工认证", "Certified"),
    "field.key": ("重点企业", "Key employer"),
    "field.bays": ("上车位", "Boarding bays"),
    "field.vehicles": ("车辆", "Vehicles"),
    "field.reason": ("原因", "Reason"),
    "field.headcount": ("人数", "Workers"),
    "field.trips": ("趟次", "Trips"),
    "field.workers": ("人数合计", "Workers carried"),
    "field.load": ("载货", "Load"),
    "field.detail": ("说明", "Detail"),
    "field.depot": ("车场", "Depot"),
    "field.passes": ("通行车辆", "Who passes"),
    "field.shipment": ("运单", "Shipment"),
    "field.cargo": ("物资", "Cargo"),
    "field.destination": ("收货地", "Destination"),
    "field.time": ("时间", "Time"),
    "field.action": ("作业", "Action"),
    "action.load": ("装货", "load"),
    "action.unload": ("卸货", "unload"),
    "col.from": ("起点", "From"),
    "col.to": ("终点", "To"),
    "col.depart": ("发车", "Depart"),
    "col.arrive": ("到达", "Arrive"),
    "col.load": ("人数 / 货物", "Workers / cargo"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "minutes": ("{value} 分钟", "{value} min"),
    "tonnes": ("{value} 吨", "{value} t"),
    "no_permit": ("无", "none"),
    "count.trip": ("{value} 趟", "{value} trip"),
    "count.trips": ("{value} 趟", "{value} trips"),
    "count.workers": ("{value} 人", "{value} workers"),
    "kind.rail": ("铁路车站", "Railway station"),
    "kind.coach": ("汽车客运站", "Coach station"),
    "kind.airport": ("机场", "Airport"),
    "class.bus": ("客车", "bus"),
    "class.truck": ("货车", "truck"),
    "cargo.epidemic_supplies": ("防疫物资", "epidemic supplies"),
    "cargo.necessities": ("生活必需品", "daily necessities"),
    "cargo.production_materials": ("重点生产物资", "production materials"),
    "cargo.other": ("其他物资", "other cargo"),
    # notes and controls
    "note.illustrative": (
        "虚线框标记的出入口 / 检查站为示意位置（由道路与市界交点等计算得出），非实测坐标。",
        "Exits / checkpoints with a dashed outline are illustrative positions "
        "(computed, e.g. where a road crosses the boundary), not surveyed.",
    ),
    "note.freight_only": (
        "仅限货车的出入口：货车（持货运许可）可通行，客车须绕行；货车线路为虚线。",
        "Freight-only exits let trucks (goods permit) through; buses must go round. "
        "Truck routes are dashed.",
    ),
    "note.offline": (
        "离线地图：底图为内置的行政区划与主要道路。",
        "Offline map: the background is the embedded districts and major roads.",
    ),
    "note.bounds": (
        "使用客车 {used} 辆；已运送行程最少需 {served} 辆（任何方案运送这些行程都不少于此数）；"
        "服务全部需求最少需 {needed} 辆（可派 {usable} 辆）。",
        "Buses used {used}; the trips served need at least {served} (no plan serves them with "
        "fewer); serving every request needs at least {needed} ({usable} usable).",
    ),
    "note.parent": (
        "本版本于 {at} 由上一版本（{parent}）重新规划：灰色为取消的路段，加粗为新增的路段。",
        "Re-planned at {at} from the parent version ({parent}): grey legs are cancelled, "
        "bold legs are new.",
    ),
    "note.advice": (
        "建议：{text}，可多运送 {workers} 人（客车 {buses:+d} 辆）。",
        "Advice: {text} serves {workers} more workers ({buses:+d} buses).",
    ),
    "fullscreen.enter": ("全屏", "Full screen"),
    "fullscreen.exit": ("退出全屏", "Exit full screen"),
    "title.day": ("高速通道与车辆许可日报", "Highway channels and vehicle permits"),
    "title.plan": ("包车线路图", "Charter route map"),
    "title.plan_supply": ("包车与物资运输线路图", "Charter and supply route map"),
    "title.reference": ("参考地图", "Reference map"),
    "subtitle.plan": (
        "客车 {buses} 辆 · 货车 {trucks} 辆 · 未运送 {unserved} 人",
        "buses: {buses} · trucks: {trucks} · workers unserved: {unserved}",
    ),
    "subtitle.shipments": (" · 未承运运单 {value} 件", " · shipments unserved: {value}"),
}


def text(key: str, lang: Lang, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key
        A key of ``TEXTS``.
    lang
        Label language.
    **values
        Values for the placeholders of the label.

    Returns
    -------
    str
        The label.

    Raises
    ------
    KeyError
        If ``key`` is not a known label.
    """
    try:
        zh, en = TEXTS[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a known map label") from None
    label = en if lang == Lang.EN else zh
    return label.format(**values) if values else label


def name_in(zh: str, en: str, lang: Lang) -> str:
    """The name in ``lang`` (Chinese for ``both``), falling back to the other when empty."""
    first, second = (en, zh) if lang == Lang.EN else (zh, en)
    return first or second
