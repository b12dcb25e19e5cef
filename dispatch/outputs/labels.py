"""Bilingual labels of plan outputs: sheet names, column headers, KPI rows, fixed cell texts.

``lang`` is ``zh``, ``en`` or ``both``; ``both`` gives ``中文 / English``.
"""

from __future__ import annotations

from collections.abc import Sequence

from dispatch.plan import Advice, Kpis
from stations.lang import Lang, pick

# sheet key → (zh, en); the key is also the CSV file name
SHEETS: dict[str, tuple[str, str]] = {
    "trips": ("行程", "trips"),
    "manifests": ("乘车名单", "manifests"),
    "station_boards": ("站点发车", "station boards"),
    "employer_notices": ("企业通知", "employer notices"),
    "vehicles": ("车辆", "vehicles"),
    "excluded": ("不符合条件", "excluded"),
    "unserved": ("未运送", "unserved"),
    "kpis": ("指标", "KPIs"),
    "subsidy": ("补贴", "subsidy"),
    "truck_trips": ("货车行程单", "truck trips"),
    "consignee_notices": ("收货通知", "consignee notices"),
    "unserved_shipments": ("未承运物资", "unserved shipments"),
    # a re-plan's diff.xlsx and amendments.xlsx (dispatch.replan.files)
    "diff_summary": ("变更概要", "changes"),
    "diff_workers": ("员工变更", "workers changed"),
    "diff_trips": ("行程变更", "trips changed"),
    "diff_buses": ("车辆变更", "buses changed"),
    "amended_station_boards": ("站点发车（更正）", "station boards (amended)"),
    "amended_employer_notices": ("企业通知（更正）", "employer notices (amended)"),
    "amended_trip_sheets": ("乘车名单（更正）", "trip sheets (amended)"),
}

COLUMNS: dict[str, tuple[str, str]] = {
    "trip_id": ("行程编号", "trip"),
    "vehicle": ("车牌", "plate"),
    "operator": ("运输企业", "operator"),
    "depot": ("车场", "depot"),
    "vehicle_class": ("车型", "class"),
    "seats": ("座位数", "seats"),
    "capacity": ("限载人数（含随车人员）", "places under cap (incl. escort)"),
    "permit_no": ("道路运输证号", "permit no."),
    "permit_valid_from": ("许可起始", "permit valid from"),
    "permit_valid_to": ("许可截止", "permit valid to"),
    "driver": ("驾驶员（填写）", "driver (fill in)"),
    "station": ("上车站点", "station"),
    "station_id": ("站点编号", "station id"),
    "enterprise": ("用工企业", "employer"),
    "enterprise_id": ("企业编号", "employer id"),
    "headcount": ("员工人数", "workers"),
    "escort_seats": ("随车人员座位", "escort seats"),
    "passengers": ("乘车人数", "passengers"),
    "board_start": ("开始上车", "boarding starts"),
    "depart": ("发车时间", "departs"),
    "arrive": ("到达时间", "arrives"),
    "eta": ("预计到达", "ETA"),
    "alight_start": ("开始下车", "unloading starts"),
    "wait_mean_min": ("平均等候（分钟）", "mean wait (min)"),
    "wait_max_min": ("最长等候（分钟）", "longest wait (min)"),
    "ride_min": ("乘车时间（分钟）", "ride (min)"),
    "distance_km": ("里程（公里）", "distance (km)"),
    "loaded_km": ("载客里程（公里）", "loaded (km)"),
    "empty_km": ("空驶里程（公里）", "empty (km)"),
    "cost_cny": ("包车费用（元）", "charter cost (CNY)"),
    "seat": ("座号", "seat"),
    "role": ("身份", "role"),
    "worker_id": ("员工编号", "worker id"),
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "id number"),
    "phone": ("手机号", "phone"),
    "train_no": ("车次", "train"),
    "health_code": ("健康码（已查验）", "health code (screened)"),
    "nucleic_test": ("核酸检测（已查验）", "nucleic test (screened)"),
    "bay": ("上车位", "bay"),
    "escort": ("随车人员", "escort"),
    "escort_contact": ("企业联系人", "employer contact"),
    "status": ("状态", "status"),
    "trips": ("趟数", "trips"),
    "workers": ("运送员工", "workers carried"),
    "start": ("出车", "leaves depot"),
    "end": ("收车", "back at depot"),
    "reason": ("原因代码", "reason code"),
    "reason_text": ("原因", "reason"),
    "detail": ("说明", "detail"),
    "exits": ("相关卡口", "exits involved"),
    "request_id": ("需求编号", "request"),
    "arrival_time": ("到站时间", "arrives at station"),
    "item": ("指标", "item"),
    "value": ("数值", "value"),
    "unit": ("单位", "unit"),
    "workers_transported": ("运送员工", "workers transported"),
    "eligible": ("符合补贴条件", "eligible"),
    "subsidy_cny": ("补贴（元）", "subsidy (CNY)"),
    "capacity_t": ("核定载质量（吨）", "payload (t)"),
    "capacity_m3": ("货厢容积（立方米）", "cargo volume (m³)"),
    "run": ("趟次", "run"),
    "green_channel": ("绿色通道通行", "green channel"),
    "shipment_id": ("运单编号", "shipment"),
    "cargo": ("物资类别", "cargo"),
    "priority": ("优先级", "priority"),
    "weight_t": ("重量（吨）", "weight (t)"),
    "volume_m3": ("体积（立方米）", "volume (m³)"),
    "origin": ("装货地", "origin"),
    "origin_id": ("装货地编号", "origin id"),
    "destination": ("收货地", "destination"),
    "destination_id": ("收货地编号", "destination id"),
    "consignee": ("收货单位", "consignee"),
    "load_start": ("开始装货", "loading starts"),
    "unload_start": ("开始卸货", "unloading starts"),
    "ready_time": ("可装货时间", "ready"),
    "due_time": ("要求送达", "due"),
    "on_time": ("按时", "on time"),
    "slack_min": ("提前（分钟）", "ahead of due (min)"),
    "shipments": ("运单数", "shipments"),
    "tonnes": ("载货（吨）", "tonnes"),
    "amendment": ("更正", "amendment"),
    "change": ("变更", "change"),
    "forced": ("因事件", "forced by an event"),
    "before_vehicle": ("原车牌", "plate before"),
    "after_vehicle": ("现车牌", "plate now"),
    "before_trip": ("原行程", "trip before"),
    "after_trip": ("现行程", "trip now"),
    "before_board": ("原上车时间", "boarding before"),
    "after_board": ("现上车时间", "boarding now"),
    "before_depart": ("原发车", "departs before"),
    "after_depart": ("现发车", "departs now"),
    "before_headcount": ("原人数", "workers before"),
    "after_headcount": ("现人数", "workers now"),
    "trips_before": ("原行程", "trips before"),
    "trips_after": ("现行程", "trips now"),
}

TEXTS: dict[str, tuple[str, str]] = {
    "role.worker": ("员工", "worker"),
    "role.escort": ("随车人员（企业派员，填写）", "escort (employer's, fill in)"),
    "status.used": ("已派车", "used"),
    "status.idle": ("未派车", "idle"),
    "class.bus": ("客车", "bus"),
    "class.truck": ("货车", "truck"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "health.green": ("绿码", "green"),
    "health.yellow": ("黄码", "yellow"),
    "health.red": ("红码", "red"),
    "test.negative": ("阴性", "negative"),
    "test.positive": ("阳性", "positive"),
    "test.none": ("无", "none"),
    "escort.needed": (
        "需派 {seats} 名随车人员，{time} 前到 {station}",
        "{seats} escort(s) at {station} by {time}",
    ),
    "nothing_lost.ok": ("无遗漏", "nothing lost"),
    "nothing_lost.failed": ("有遗漏！", "workers lost!"),
    "nothing_lost.shipments_failed": ("有遗漏！", "shipments lost!"),
    "cargo.epidemic_supplies": ("防疫物资", "epidemic supplies"),
    "cargo.necessities": ("生活必需品", "daily necessities"),
    "cargo.production_materials": ("重点生产物资", "production materials"),
    "cargo.other": ("其他物资", "other cargo"),
    "amend.added": ("新增", "new"),
    "amend.cancelled": ("取消", "cancelled"),
    "amend.moved": ("改派车辆（原 {vehicle}）", "other bus (was {vehicle})"),
    "amend.retimed": ("时间调整（原 {time}）", "new time (was {time})"),
    "amend.resized": ("人数调整（原 {count} 人）", "new headcount (was {count})"),
    "amend.unchanged": ("不变", "unchanged"),
    "change.moved": ("改派车辆", "other bus"),
    "change.retimed": ("时间调整", "new time"),
    "change.unserved": ("未能运送", "no bus now"),
    "change.served": ("已安排车辆", "has a bus now"),
    "change.no_show": ("未到", "no-show"),
    "change.walk_in": ("未登记到站", "walk-in"),
    "change.changed": ("任务调整", "duty changed"),
    "change.added": ("新派车辆", "newly used"),
    "change.released": ("不再派用", "no longer used"),
    "change.broken_down": ("故障", "broke down"),
}

# KPI key → (zh, en, unit)
KPI_LABELS: dict[str, tuple[str, str, str]] = {
    "workers_registered": ("登记人数", "workers registered", ""),
    "workers_eligible": ("符合条件", "workers eligible", ""),
    "workers_transported": ("已运送", "workers transported", ""),
    "workers_excluded": ("不符合条件", "workers excluded", ""),
    "workers_unserved": ("未运送", "workers unserved", ""),
    "nothing_lost": (
        "核对：登记 = 运送 + 排除 + 未运送",
        "check: registered = transported + excluded + unserved",
        "",
    ),
    "requests": ("派车需求（趟）", "trip requests", ""),
    "requests_unserved": ("未满足需求", "requests unserved", ""),
    "buses_usable": ("可派客车", "buses usable", ""),
    "buses_rejected": ("不可派客车", "buses not dispatchable", ""),
    "buses_used": ("使用客车", "buses used", ""),
    "fleet_lower_bound": (
        "已运送行程最少所需客车（下界）",
        "fewest buses for the trips served (bound)",
        "",
    ),
    "buses_needed_all": (
        "全部需求最少所需客车（下界）",
        "fewest buses to serve every request (bound)",
        "",
    ),
    "priority_workers_eligible": (
        "重点企业符合条件人数",
        "priority employers' workers eligible",
        "",
    ),
    "priority_workers_transported": (
        "重点企业已运送",
        "priority employers' workers transported",
        "",
    ),
    "trips": ("行程数", "trips", ""),
    "bus_km": ("总里程", "bus-km", "km"),
    "bus_km_loaded": ("载客里程", "bus-km loaded", "km"),
    "bus_km_empty": ("空驶里程", "bus-km empty", "km"),
    "empty_share": ("空驶比例", "empty share", "%"),
    "wait_mean_min": ("平均等候", "mean wait", "min"),
    "wait_max_min": ("最长等候", "longest wait", "min"),
    "ride_mean_min": ("平均乘车", "mean ride", "min"),
    "ride_max_min": ("最长乘车", "longest ride", "min"),
    "seat_use": ("座位使用率", "seat use", "%"),
    "load_factor_cap": ("客座率上限", "load-factor cap", "%"),
    "cost_cny": ("包车费用", "charter cost", "CNY"),
    "subsidy_cny": ("补贴金额", "subsidy", "CNY"),
    "solve_seconds": ("求解用时", "solve time", "s"),
    # supply transport (shown when the day has shipments)
    "shipments": ("物资运单", "shipments", ""),
    "shipments_delivered": ("已送达运单", "shipments delivered", ""),
    "shipments_unserved": ("未承运运单", "shipments unserved", ""),
    "shipments_nothing_lost": (
        "核对：运单 = 送达 + 未承运",
        "check: shipments = delivered + unserved",
        "",
    ),
    "tonnes": ("货物总量", "tonnes to move", "t"),
    "tonnes_delivered": ("送达货物", "tonnes delivered", "t"),
    "trucks_usable": ("可派货车", "trucks usable", ""),
    "trucks_rejected": ("不可派货车", "trucks not dispatchable", ""),
    "trucks_used": ("使用货车", "trucks used", ""),
    "truck_km": ("货车里程", "truck-km", "km"),
    "truck_km_loaded": ("货车载货里程", "truck-km loaded", "km"),
    "truck_cost_cny": ("货运费用", "truck cost", "CNY"),
    "on_time_share": ("按时送达率（全部运单）", "on-time share (all shipments)", "%"),
    "on_time_by_cargo": ("按时送达率", "on-time share", "%"),
}
SUPPLY_KPIS = frozenset(list(KPI_LABELS)[list(KPI_LABELS).index("shipments") :])


def column(key: str, lang: Lang) -> str:
    """Header of column ``key`` in ``lang``."""
    return pick(COLUMNS[key], lang)


def sheet_title(key: str, lang: Lang) -> str:
    """Worksheet title of sheet ``key`` (``中文 English`` for both: no ``/`` in sheet names)."""
    zh, en = SHEETS[key]
    if lang == Lang.BOTH:
        return f"{zh} {en}"[:31]
    return pick((zh, en), lang)[:31]


def text(key: str, lang: Lang, **values: object) -> str:
    """Fixed cell text ``key`` in ``lang`` with ``values`` filled in; a value given as a
    ``(zh, en)`` pair is filled in per language."""
    zh, en = TEXTS[key]
    zh_values = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    en_values = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    return pick((zh.format(**zh_values), en.format(**en_values)), lang)


def _number(value: float | int | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{100.0 * value:.1f}"
    if isinstance(value, int):
        return str(value)
    return f"{value:,.1f}"


def kpi_rows(kpis: Kpis, lang: Lang) -> list[tuple[str, str, str]]:
    """The KPI table: (label, value, unit) in display order, the nothing-lost check included.

    Parameters
    ----------
    kpis
        The plan's figures.
    lang
        Label language.

    Returns
    -------
    list of tuple
        One row per figure; the nothing-lost row reads e.g. ``11 = 8 + 2 + 1 (nothing lost)``.
        On a day with shipments the supply figures follow, with their own nothing-lost row
        and the on-time share per cargo kind.
    """
    rows: list[tuple[str, str, str]] = []
    for key, (zh, en, unit) in KPI_LABELS.items():
        if key in SUPPLY_KPIS and not kpis.shipments:
            continue
        label = pick((zh, en), lang)
        if key == "shipments_nothing_lost":
            ok = kpis.shipments == kpis.shipments_delivered + kpis.shipments_unserved
            verdict = text("nothing_lost.ok" if ok else "nothing_lost.shipments_failed", lang)
            value = (
                f"{kpis.shipments} = {kpis.shipments_delivered} + "
                f"{kpis.shipments_unserved} ({verdict})"
            )
            rows.append((label, value, unit))
            continue
        if key == "on_time_by_cargo":
            for cargo, share in kpis.on_time_by_cargo:
                kind = text(f"cargo.{cargo}", lang)
                rows.append(
                    (
                        f"{label}: {kind}" if lang != "zh" else f"{label}：{kind}",
                        _number(share, unit),
                        unit,
                    )
                )
            continue
        if key == "nothing_lost":
            ok = kpis.workers_registered == (
                kpis.workers_transported + kpis.workers_excluded + kpis.workers_unserved
            )
            verdict = text("nothing_lost.ok" if ok else "nothing_lost.failed", lang)
            value = (
                f"{kpis.workers_registered} = {kpis.workers_transported} + "
                f"{kpis.workers_excluded} + {kpis.workers_unserved} ({verdict})"
            )
            rows.append((label, value, unit))
            continue
        if key == "empty_share":
            rows.append((label, _number(kpis.empty_share, unit), unit))
            continue
        rows.append((label, _number(getattr(kpis, key), unit), unit))
    return rows


def advice_rows(advice: Sequence[Advice], lang: Lang) -> list[tuple[str, str, str]]:
    """The measured advice as KPI-table rows: (the change in words, workers more, unit)."""
    label = pick(("建议", "advice"), lang)
    rows: list[tuple[str, str, str]] = []
    for item in advice:
        words = pick((item.text_zh, item.text_en), lang)
        extra = pick(
            (
                f"（客车 {item.buses_more:+d} 辆，费用 {item.cost_more_cny:+.0f} 元）",
                f" ({item.buses_more:+d} buses, {item.cost_more_cny:+.0f} CNY)",
            ),
            lang,
        )
        more = pick(("多运送人数", "more workers"), lang)
        rows.append((f"{label}: {words}{extra}", f"+{item.workers_more}", more))
    return rows
