"""The planning policy: capacity cap, escort seat, waiting and ride limits, service times, subsidy.

One frozen ``Policy`` holds every tunable of a planning day. It is read from ``policy.toml``
(unknown keys rejected, every bad value reported at once as an ``InputError``) and resolved with
the precedence *command-line flag > file > default* in :func:`resolve_policy`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import annotated_types
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from routing.network.checkpoints import CheckpointDelays
from routing.vrp.problem import SolveParams
from stations.errors import InputError, InputProblem, ProblemCollector
from stations.tabular import FIRST_DAY, LAST_DAY
from stations.text import clean_text, word_key
from stations.textfile import read_text_file

LATEST_CLOCK_MIN = 30 * 60  # "30:00" = 06:00 next morning: the day window may run past midnight


class Mixing(StrEnum):
    """Whether a bus may carry several employers' groups at once (docs/planning.md, "Pooling").

    ``multi_drop`` (the first wave's name) is read as ``pooled``.
    """

    NONE = "none"  # point-to-point: one employer's group on board at a time (点对点)
    POOLED = "pooled"  # several groups from one station on one bus, dropped in turn
    AUTO = "auto"  # groups of pool_below workers or more ride alone, smaller ones are pooled

    MULTI_DROP = "pooled"  # alias of POOLED (the first wave's name)

    @classmethod
    def _missing_(cls, value: object) -> Mixing | None:
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "multi_drop":
                return cls.POOLED
            for member in cls:
                if member.value == text:
                    return member
        return None


class PoolArea(StrEnum):
    """Which employers' groups may share a pooled bus besides sharing the station."""

    ANY = "any"  # any employers (the detour limit keeps the ride short)
    DISTRICT = "district"  # employers of the same district or park only


class PolicyValueError(ValueError):
    """A policy value that conflicts with another one (names the offending ``key``)."""

    def __init__(self, key: str, value: object, message: str, fix: str) -> None:
        self.key = key
        self.value = value
        self.reason = message
        self.fix = fix
        super().__init__(f"`{key}` {value!r} {message} — fix: {fix}")


def parse_clock(value: object) -> object:
    """Convert ``"HH:MM"`` (hours may reach 30 for times after midnight) to minutes.

    Integers (minutes after midnight) and anything else pass through for validation.
    """
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if not isinstance(value, str):
        return value
    text = value.strip()
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        if text.isdigit():
            return int(text)
        raise ValueError(f"{value!r} is not a clock time HH:MM")
    if int(minutes) >= 60:
        raise ValueError(f"{value!r} has more than 59 minutes")
    total = int(hours) * 60 + int(minutes)
    if total > LATEST_CLOCK_MIN:
        raise ValueError(f"{value!r} is later than 30:00 (06:00 the next morning), the latest")
    return total


def format_clock(minutes: float) -> str:
    """Minutes after midnight as ``HH:MM`` (``24:00`` and later stay past midnight)."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def plain_number(value: object) -> object:
    """Refuse a boolean where a number is meant (``escort_seats = true`` is not 1); text is
    cleaned (full-width digits, spaces) before pydantic reads it as a number."""
    if isinstance(value, bool):
        raise ValueError("is true/false, not a number")
    return clean_text(value) if isinstance(value, str) else value


def plain_word(value: object) -> object:
    """An enumeration word as it is matched: case, width and spaces do not matter."""
    return word_key(value) if isinstance(value, str) else value


def date_in_range(value: dt.date | None) -> dt.date | None:
    """Refuse a planning date outside ``FIRST_DAY`` … ``LAST_DAY``."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"is outside {FIRST_DAY.isoformat()} … {LAST_DAY.isoformat()}")
    return value


Number = BeforeValidator(plain_number)
Clock = Annotated[int, BeforeValidator(parse_clock), Field(ge=0, le=LATEST_CLOCK_MIN)]


def parse_ids(value: object) -> object:
    """A list of ids from a workbook cell: ``"E001, E017"`` (comma, 、 or ; separated)."""
    if isinstance(value, str):
        text = value
        for separator in ("、", ";", "；", "，"):
            text = text.replace(separator, ",")
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return value


Ids = Annotated[tuple[str, ...], BeforeValidator(parse_ids)]


@dataclass(frozen=True, slots=True)
class Policy:
    """Every tunable of a planning day (defaults follow the seed documents).

    Parameters
    ----------
    planning_date
        The planning day. Default None: the most common date among the arrival times.
    load_factor
        Largest share of a bus's seats that may be occupied (客座率), escort included.
        Default 0.5.
    escort_seats
        Seats per trip for the employer's escort (用工企业派员随车). Default 1.
    mixing
        ``none``: one employer's group on board at a time (点对点, the seed documents' rule);
        ``pooled``: several employers' groups from one station on one bus, dropped in turn,
        one escort seat per group (``multi_drop`` is read as ``pooled``); ``auto``: groups of
        ``pool_below`` workers or more ride point to point, smaller ones are pooled.
        Default ``none``.
    pool_below
        Under ``mixing = auto``: groups with fewer workers than this may be pooled.
        Default 10.
    pool_max_detour_min
        A pooled worker's ride may exceed the direct ride from the station to the employer
        by at most this (``max_ride_min`` still holds). Default 45.
    pool_area
        ``any``: any employers' groups may share a pooled bus; ``district``: only employers of
        the same district or park (employers without a district ride only with their own
        district-less kind). Default ``any``.
    priority_weight
        When the buses cannot serve everyone, a worker of a priority employer (a key
        enterprise, or one listed in ``priority_employers``) counts this many times a worker
        of another employer. 1 means no priority. Default 3.
    priority_employers
        Employer ids served with ``priority_weight`` besides the key enterprises (hospitals,
        epidemic-supply producers the centre names). Default none.
    advice
        When workers are left unserved, measure what would serve them (pooling, a later end
        of the operating day, more buses at a depot) by planning the changed day again and
        report it. Default true.
    max_wait_min
        Longest a worker waits at the station, from arrival until boarding starts. Default 60.
    max_ride_min
        Longest ride, from the end of boarding to the start of alighting. Default 120.
    transfer_min
        Walk from the platform to the bus bay (and gathering the group) after the train
        arrives; a group's bus cannot start boarding before its last member's arrival plus
        this. Default 10.
    health_check_min
        Fixed time per trip at boarding: checking the group list and health codes. Default 5.
    board_min_per_person
        Boarding time per person (temperature check, seat), escort included. Default 0.5.
    alight_min
        Time per trip at the employer to unload the group. Default 5.
    shift_hours
        Longest shift of one vehicle, depot to depot. Default 10.
    day_start_min, day_end_min
        Operating day window in minutes after midnight (``"HH:MM"`` in files; the end may pass
        midnight up to ``"30:00"``): no boarding starts outside it and every shift lies in it.
        Default 05:00 and 24:00.
    subsidy_rate
        Share of an employer's charter cost that is subsidised. Default 0.5.
    subsidy_min_workers
        Fewest workers an employer must have transported to receive the subsidy (the Gusu
        rule names a threshold without fixing it; 20 is an assumption). Default 20.
    checkpoint_delay_open_min, checkpoint_delay_green_min
        Override the network's default delay at an open / green-channel checkpoint (an exit's
        own ``delay_min`` still wins). Default None (network defaults).
    seed
        Seed of every randomised choice; same seed, same plan. Default 0.
    time_limit_s
        Wall-clock limit of the whole solve stage (shared among time slices). Default 30.
    effort
        Deterministic search budget of the whole solve stage (see
        ``routing.vrp.problem.SolveParams``): with it the same seed gives the same plan whenever
        it is reached before ``time_limit_s``. Default None (time limit only, not repeatable).
    """

    __pydantic_config__ = ConfigDict(extra="forbid")

    planning_date: Annotated[dt.date | None, AfterValidator(date_in_range)] = None
    load_factor: Annotated[float, Number, Field(gt=0, le=1)] = 0.5
    escort_seats: Annotated[int, Number, Field(ge=0, le=10)] = 1
    mixing: Annotated[Mixing, BeforeValidator(plain_word)] = Mixing.NONE
    pool_below: Annotated[int, Number, Field(ge=1, le=1000)] = 10
    pool_max_detour_min: Annotated[float, Number, Field(ge=0, le=720)] = 45.0
    pool_area: Annotated[PoolArea, BeforeValidator(plain_word)] = PoolArea.ANY
    priority_weight: Annotated[float, Number, Field(ge=1, le=100)] = 3.0
    priority_employers: Ids = ()
    advice: bool = True
    max_wait_min: Annotated[float, Number, Field(gt=0, le=720)] = 60.0
    max_ride_min: Annotated[float, Number, Field(gt=0, le=720)] = 120.0
    transfer_min: Annotated[float, Number, Field(ge=0, le=720)] = 10.0
    health_check_min: Annotated[float, Number, Field(ge=0, le=120)] = 5.0
    board_min_per_person: Annotated[float, Number, Field(ge=0, le=10)] = 0.5
    alight_min: Annotated[float, Number, Field(ge=0, le=120)] = 5.0
    shift_hours: Annotated[float, Number, Field(gt=0, le=24)] = 10.0
    day_start_min: Clock = 5 * 60
    day_end_min: Clock = 24 * 60
    subsidy_rate: Annotated[float, Number, Field(ge=0, le=1)] = 0.5
    subsidy_min_workers: Annotated[int, Number, Field(ge=1, le=100_000)] = 20
    checkpoint_delay_open_min: Annotated[float, Number, Field(ge=0, le=1440)] | None = None
    checkpoint_delay_green_min: Annotated[float, Number, Field(ge=0, le=1440)] | None = None
    seed: Annotated[int, Number, Field(ge=0, le=2**31 - 1)] = 0
    time_limit_s: Annotated[float, Number, Field(gt=0, le=86400)] = 30.0
    effort: Annotated[int, Number, Field(ge=1, le=10**9)] | None = None

    def __post_init__(self) -> None:
        _check_bounds(self)
        if isinstance(self.mixing, str) and not isinstance(self.mixing, Mixing):
            object.__setattr__(self, "mixing", Mixing(self.mixing))
        if isinstance(self.pool_area, str) and not isinstance(self.pool_area, PoolArea):
            object.__setattr__(self, "pool_area", PoolArea(self.pool_area))
        if not isinstance(self.priority_employers, tuple):
            object.__setattr__(self, "priority_employers", tuple(self.priority_employers))
        if self.transfer_min > self.max_wait_min:
            raise PolicyValueError(
                "transfer_min",
                self.transfer_min,
                f"is longer than max_wait_min ({self.max_wait_min:g}): nobody could be grouped",
                "make transfer_min at most max_wait_min",
            )
        if self.day_end_min <= self.day_start_min:
            raise PolicyValueError(
                "day_end_min",
                format_clock(self.day_end_min),
                f"is not after day_start_min ({format_clock(self.day_start_min)})",
                "give an end later than the start (up to 30:00 for after midnight)",
            )

    @classmethod
    def from_toml(cls, path: Path) -> Policy:
        """Read a ``policy.toml``; raise ``InputError`` listing every bad or unknown key."""
        return policy_from_toml(path)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], *, source: str = "policy") -> Policy:
        """Build from key/value pairs over the defaults; ``InputError`` on bad values."""
        return _validate(dict(values), source)

    def replace(self, **changes: object) -> Policy:
        """A copy with ``changes`` applied (validated like a file; ``InputError`` if bad)."""
        merged = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        merged.update(changes)
        return _validate(merged, "policy")

    def bus_capacity(self, seats: int) -> int:
        """Places on a bus of ``seats`` seats: floor(seats × load_factor), escort included."""
        if seats < 0:
            raise ValueError(f"seats must be >= 0, got {seats}")
        return math.floor(seats * self.load_factor + 1e-9)

    def workers_per_bus(self, seats: int) -> int:
        """Workers a bus of ``seats`` seats may carry on one trip (capacity minus escort seats).

        Zero means the bus is unusable under this policy (it cannot hold the escort and one
        worker).
        """
        return max(0, self.bus_capacity(seats) - self.escort_seats)

    def pickup_service_min(self, passengers: int) -> float:
        """Boarding time for a group of ``passengers`` workers (plus the escort)."""
        return self.health_check_min + self.board_min_per_person * (passengers + self.escort_seats)

    def checkpoint_delays(self) -> CheckpointDelays:
        """The network's default checkpoint delays with this policy's overrides."""
        defaults = CheckpointDelays()
        open_min, green_min = self.checkpoint_delay_open_min, self.checkpoint_delay_green_min
        return CheckpointDelays(
            open_min=defaults.open_min if open_min is None else open_min,
            green_channel_min=defaults.green_channel_min if green_min is None else green_min,
        )

    def pools(self, workers: int) -> bool:
        """Whether a group of ``workers`` may share a bus with other groups."""
        if self.mixing is Mixing.POOLED:
            return True
        return self.mixing is Mixing.AUTO and workers < self.pool_below

    def solve_params(self) -> SolveParams:
        """The solver settings of this policy."""
        return SolveParams(time_limit_s=self.time_limit_s, seed=self.seed, effort=self.effort)

    def to_toml(self) -> str:
        """The policy as ``policy.toml`` text (keys that are None are left out)."""
        lines = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if field.name in ("day_start_min", "day_end_min"):
                lines.append(f'{field.name} = "{format_clock(value)}"')
            elif isinstance(value, tuple):
                items = ", ".join(f'"{item}"' for item in value)
                lines.append(f"{field.name} = [{items}]")
            elif isinstance(value, bool | int | float):
                lines.append(f"{field.name} = {str(value).lower()}")
            elif isinstance(value, dt.date):
                lines.append(f"{field.name} = {value.isoformat()}")
            else:
                lines.append(f'{field.name} = "{value}"')
        return "\n".join(lines) + "\n"


_ADAPTER: TypeAdapter[Policy] = TypeAdapter(Policy)
_HINTS = typing.get_type_hints(Policy, include_extras=True)
POLICY_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Policy))


def _bounds(name: str) -> list[object]:
    hint = _HINTS[name]
    parts = [hint, *typing.get_args(hint)]  # an optional key's bounds sit in its union
    metadata: list[object] = []
    for part in parts:
        for item in getattr(part, "__metadata__", ()):
            metadata.extend(getattr(item, "metadata", [item]))
    return metadata


def _check_bounds(policy: Policy) -> None:
    """Enforce the ``Field`` bounds also on direct construction (not only through files)."""
    for name in POLICY_KEYS:
        value = getattr(policy, name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        for bound in _bounds(name):
            ok = True
            if isinstance(bound, annotated_types.Gt):
                ok = value > typing.cast(float, bound.gt)
            elif isinstance(bound, annotated_types.Ge):
                ok = value >= typing.cast(float, bound.ge)
            elif isinstance(bound, annotated_types.Lt):
                ok = value < typing.cast(float, bound.lt)
            elif isinstance(bound, annotated_types.Le):
                ok = value <= typing.cast(float, bound.le)
            if not ok:
                raise PolicyValueError(name, value, "is out of range", describe_key(name))


def describe_key(name: str) -> str:
    """How to give a valid value of policy key ``name`` (range and default)."""
    default = next(f.default for f in dataclasses.fields(Policy) if f.name == name)
    parts: list[str] = []
    for bound in _bounds(name):
        for attr, word in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            if hasattr(bound, attr):
                parts.append(f"{word} {getattr(bound, attr):g}")
    if name in ("day_start_min", "day_end_min"):
        kind = 'a clock time "HH:MM" (up to "30:00")'
        shown = format_clock(typing.cast(int, default))
    elif name == "mixing":
        kind = "one of " + ", ".join(m.value for m in Mixing)
        shown = str(default)
    elif name == "pool_area":
        kind = "one of " + ", ".join(m.value for m in PoolArea)
        shown = str(default)
    elif name == "priority_employers":
        kind = 'a list of employer ids such as ["E001", "E017"]'
        shown = "none"
    elif name == "advice":
        kind = "true or false"
        shown = "true"
    elif name == "planning_date":
        kind = "a date such as 2020-02-24"
        shown = "none"
    else:
        kind = "a number" + (" " + " and ".join(parts) if parts else "")
        shown = "none" if default is None else f"{default}"
    return f"give {kind} (default {shown})"


def _validate(values: dict[str, object], source: str) -> Policy:
    try:
        return _ADAPTER.validate_python(values)
    except ValidationError as error:
        problems = ProblemCollector()
        for item in error.errors():
            key = str(item["loc"][0]) if item["loc"] else None
            cause = item.get("ctx", {}).get("error")
            if isinstance(cause, PolicyValueError):
                problems.add(source, None, cause.key, cause.value, cause.reason, cause.fix)
                continue
            if item["type"] == "unexpected_keyword_argument":
                problems.add(
                    source,
                    None,
                    key,
                    item["input"],
                    "is not a policy key",
                    "remove it or use one of " + ", ".join(POLICY_KEYS),
                )
                continue
            message = str(item["msg"]).replace("Value error, ", "")
            fix = describe_key(key) if key in POLICY_KEYS else "correct the value"
            problems.add(source, None, key, item["input"], f"is invalid: {message}", fix)
        problems.raise_if_any()
        raise AssertionError("unreachable") from error


def toml_values(path: Path) -> dict[str, object]:
    """The keys of a TOML file; ``InputError`` if it cannot be read or is not TOML."""
    text = read_text_file(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = f"is not valid TOML: {error}"
    except RecursionError:
        message = "is nested too deeply to be a policy"
    raise InputError(
        [InputProblem(path.name, None, None, None, message, "fix the syntax (see docs/API.md)")]
    )


def policy_from_toml(path: Path) -> Policy:
    """Read ``path`` (TOML, flat keys); raise ``InputError`` with every problem found."""
    return _validate(toml_values(path), path.name)


def resolve_policy(
    flags: Mapping[str, object | None] | None = None,
    *,
    file: Path | None = None,
    base: Policy | None = None,
) -> Policy:
    """The one place where precedence is decided: flag > file > base (or the defaults).

    Parameters
    ----------
    flags
        Values given on the command line; ``None`` values mean "not given". Default None.
    file
        A ``policy.toml`` whose keys override ``base``. Default None.
    base
        Starting policy, e.g. the one a day folder carries. Default None (the defaults).

    Returns
    -------
    The resolved policy; ``InputError`` if any value is bad.
    """
    values: dict[str, object] = {}
    if base is not None:
        values.update({f.name: getattr(base, f.name) for f in dataclasses.fields(base)})
    if file is not None:
        from_file = policy_from_toml(file)
        explicit = toml_values(file)
        values.update({key: getattr(from_file, key) for key in explicit})
        _validate(values, file.name)  # a clash between the file and the base is the file's
    given = {key: value for key, value in (flags or {}).items() if value is not None}
    values.update(given)
    return _validate(values, "command line" if given else (file.name if file else "policy"))


def key_help() -> dict[str, str]:
    """One line of help per policy key, taken from the ``Policy`` docstring."""
    lines = (Policy.__doc__ or "").split("Parameters\n    ----------\n", 1)[-1].splitlines()
    help_text: dict[str, list[str]] = {}
    current: list[str] = []
    for line in lines:
        if line.startswith("    ") and not line.startswith("        ") and line.strip():
            current = []
            for name in line.strip().split(", "):
                help_text[name] = current
        elif line.strip():
            current.append(line.strip())
    return {name: " ".join(words) for name, words in help_text.items() if name in POLICY_KEYS}
