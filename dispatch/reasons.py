"""Reason codes with bilingual (zh/en) texts: why a worker is excluded or unserved, why a
shipment gets no truck, why a vehicle is not dispatched."""

from __future__ import annotations

from enum import StrEnum

from stations.lang import Lang, pick


class ExclusionReason(StrEnum):
    """Why a registered worker is not eligible for a charter (screening, the Kunshan rules)."""

    EMPLOYER_NOT_CERTIFIED = "employer_not_certified"
    HEALTH_CODE_RED = "health_code_red"
    HEALTH_CODE_YELLOW = "health_code_yellow"
    NUCLEIC_TEST_POSITIVE = "nucleic_test_positive"
    HIGH_RISK_ORIGIN = "high_risk_origin"
    MEDIUM_RISK_WITHOUT_NEGATIVE_TEST = "medium_risk_without_negative_test"


class UnservedReason(StrEnum):
    """Why an eligible worker (or a trip request) gets no bus.

    The first three arise while grouping; the others are for the solving stage, but
    ``no_show``, which a re-plan records for a worker reported as not coming.
    """

    NO_USABLE_BUS = "no_usable_bus"
    BEFORE_OPERATING_HOURS = "before_operating_hours"
    AFTER_OPERATING_HOURS = "after_operating_hours"
    NO_VEHICLE_LARGE_ENOUGH = "no_vehicle_large_enough"
    ROUTE_BLOCKED_BY_EXIT = "route_blocked_by_exit"
    TIME_WINDOW_UNREACHABLE = "time_window_unreachable"
    RIDE_TOO_LONG = "ride_too_long"
    OUTSIDE_ALL_SHIFTS = "outside_all_shifts"
    FLEET_EXHAUSTED = "fleet_exhausted"
    NO_SHOW = "no_show"


class ShipmentReason(StrEnum):
    """Why a supply shipment gets no truck."""

    NO_USABLE_TRUCK = "no_usable_truck"
    NO_TRUCK_LARGE_ENOUGH = "no_truck_large_enough"
    ROUTE_BLOCKED_BY_EXIT = "route_blocked_by_exit"
    NO_ROAD_ROUTE = "no_road_route"
    DUE_TIME_UNREACHABLE = "due_time_unreachable"
    OUTSIDE_ALL_SHIFTS = "outside_all_shifts"
    TRUCKS_EXHAUSTED = "trucks_exhausted"


class VehicleReason(StrEnum):
    """Why a vehicle of the fleet is not dispatched on the planning day."""

    NO_PERMIT = "no_permit"
    PERMIT_EXPIRED = "permit_expired"
    PERMIT_NOT_YET_VALID = "permit_not_yet_valid"
    GOODS_PERMIT_ONLY = "goods_permit_only"
    PASSENGER_PERMIT_ONLY = "passenger_permit_only"
    PERMIT_OUTSIDE_WORKING_HOURS = "permit_outside_working_hours"
    NOT_AVAILABLE_IN_DAY_WINDOW = "not_available_in_day_window"
    TOO_SMALL_UNDER_LOAD_FACTOR = "too_small_under_load_factor"


_TEXTS: dict[StrEnum, tuple[str, str]] = {
    ExclusionReason.EMPLOYER_NOT_CERTIFIED: (
        "用工企业未获复工备案",
        "employer is not certified to resume work",
    ),
    ExclusionReason.HEALTH_CODE_RED: ("健康码为红码", "health code is red"),
    ExclusionReason.HEALTH_CODE_YELLOW: ("健康码为黄码", "health code is yellow"),
    ExclusionReason.NUCLEIC_TEST_POSITIVE: ("核酸检测阳性", "nucleic acid test is positive"),
    ExclusionReason.HIGH_RISK_ORIGIN: ("来自高风险地区", "comes from a high-risk region"),
    ExclusionReason.MEDIUM_RISK_WITHOUT_NEGATIVE_TEST: (
        "来自中风险地区且无核酸阴性证明",
        "comes from a medium-risk region without a negative nucleic acid test",
    ),
    UnservedReason.NO_USABLE_BUS: (
        "无可用的持证客车（限载后容纳不下随车人员和一名员工）",
        "no permitted bus can carry the escort and a worker under the load-factor cap",
    ),
    UnservedReason.BEFORE_OPERATING_HOURS: (
        "到站过早，最长等候时间内未到运营开始时间",
        "arrives so early that the operating day starts after the longest allowed wait",
    ),
    UnservedReason.AFTER_OPERATING_HOURS: (
        "到站过晚，运营时间已结束",
        "arrives after the operating day ends",
    ),
    UnservedReason.NO_VEHICLE_LARGE_ENOUGH: (
        "没有足够大的持证车辆",
        "no permitted vehicle is large enough",
    ),
    UnservedReason.ROUTE_BLOCKED_BY_EXIT: (
        "唯一道路被关闭的卡口阻断",
        "every route is blocked by a closed (or freight-only) exit",
    ),
    UnservedReason.TIME_WINDOW_UNREACHABLE: (
        "任何车辆都无法在时间窗内到达",
        "no vehicle can reach the station within the pickup window",
    ),
    UnservedReason.RIDE_TOO_LONG: ("乘车时间超过上限", "the ride would exceed max_ride_min"),
    UnservedReason.OUTSIDE_ALL_SHIFTS: (
        "不在任何车辆的工作时段内",
        "outside every vehicle's shift",
    ),
    UnservedReason.FLEET_EXHAUSTED: (
        "该时段车辆已全部派出",
        "every suitable vehicle is busy at that time",
    ),
    UnservedReason.NO_SHOW: (
        "报告未到站（未到）",
        "reported as not coming to the station (no-show)",
    ),
    VehicleReason.NO_PERMIT: ("无道路运输许可证", "has no transport permit"),
    VehicleReason.PERMIT_EXPIRED: ("许可证已过期", "permit has expired"),
    VehicleReason.PERMIT_NOT_YET_VALID: ("许可证尚未生效", "permit is not yet valid"),
    VehicleReason.GOODS_PERMIT_ONLY: (
        "仅有货运许可证，不得载客",
        "holds a goods permit only, not a passenger permit",
    ),
    VehicleReason.PASSENGER_PERMIT_ONLY: (
        "仅有客运许可证，不得运货",
        "holds a passenger permit only, not a goods permit",
    ),
    VehicleReason.PERMIT_OUTSIDE_WORKING_HOURS: (
        "许可证有效期与当日工作时段不重叠",
        "permit does not cover any of the vehicle's working hours that day",
    ),
    VehicleReason.NOT_AVAILABLE_IN_DAY_WINDOW: (
        "可用时段不在当日运营时间内",
        "available only outside the operating day window",
    ),
    VehicleReason.TOO_SMALL_UNDER_LOAD_FACTOR: (
        "限载后容纳不下随车人员和一名员工",
        "cannot hold the escort and one worker under the load-factor cap",
    ),
}


# kept apart: shipment codes share some values with worker codes (StrEnum members with equal
# values are equal dictionary keys)
_SHIPMENT_TEXTS: dict[ShipmentReason, tuple[str, str]] = {
    ShipmentReason.NO_USABLE_TRUCK: (
        "无持有效货运许可证的货车",
        "no truck with a valid goods permit can be dispatched",
    ),
    ShipmentReason.NO_TRUCK_LARGE_ENOUGH: (
        "没有载重或容积足够的持证货车",
        "no permitted truck carries its weight or volume",
    ),
    ShipmentReason.ROUTE_BLOCKED_BY_EXIT: (
        "道路被关闭的卡口阻断",
        "every route is blocked by a closed exit",
    ),
    ShipmentReason.NO_ROAD_ROUTE: (
        "路网上无连通道路",
        "the roads do not connect its origin and destination",
    ),
    ShipmentReason.DUE_TIME_UNREACHABLE: (
        "任何货车都无法在要求时间前送达",
        "no truck can deliver it by its due time",
    ),
    ShipmentReason.OUTSIDE_ALL_SHIFTS: (
        "不在任何货车的工作时段内",
        "outside every truck's shift",
    ),
    ShipmentReason.TRUCKS_EXHAUSTED: (
        "可用货车已全部派出（优先保障更高优先级的物资）",
        "every suitable truck is busy (higher-priority cargo goes first)",
    ),
}


def reason_text(
    reason: ExclusionReason | UnservedReason | VehicleReason | ShipmentReason, lang: Lang = Lang.EN
) -> str:
    """The readable text of ``reason`` in ``lang`` (``both``: ``中文 / English``). Default en."""
    return pick(
        _SHIPMENT_TEXTS[reason] if isinstance(reason, ShipmentReason) else _TEXTS[reason], lang
    )
