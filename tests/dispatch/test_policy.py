"""Tests for dispatch.policy: defaults, capacity rule, TOML reading, precedence."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.policy import (
    POLICY_KEYS,
    Mixing,
    Policy,
    parse_clock,
    policy_from_toml,
    resolve_policy,
)
from stations.errors import InputError


def test_defaults_follow_the_seed_documents() -> None:
    """load factor 0.5, one escort seat, point-to-point, 60 min wait, 120 min ride, 50 %."""
    policy = Policy()
    assert (policy.load_factor, policy.escort_seats, policy.mixing) == (0.5, 1, Mixing.NONE)
    assert (policy.max_wait_min, policy.max_ride_min) == (60, 120)
    assert policy.subsidy_rate == 0.5
    assert (policy.day_start_min, policy.day_end_min) == (5 * 60, 24 * 60)


@pytest.mark.parametrize(
    ("seats", "capacity", "workers"),
    [(53, 26, 25), (45, 22, 21), (19, 9, 8), (4, 2, 1), (3, 1, 0), (1, 0, 0)],
)
def test_capacity_is_floor_of_seats_times_load_factor_including_escort(
    seats: int, capacity: int, workers: int
) -> None:
    """53 seats at 0.5 → 26 places → 25 workers and the escort; 3 seats hold the escort only."""
    policy = Policy()
    assert policy.bus_capacity(seats) == capacity
    assert policy.workers_per_bus(seats) == workers


@given(
    seats=st.integers(min_value=0, max_value=120),
    load_factor=st.floats(min_value=0.01, max_value=1.0),
    escort=st.integers(min_value=0, max_value=3),
)
def test_capacity_never_exceeds_the_cap(seats: int, load_factor: float, escort: int) -> None:
    """Places never exceed seats × load factor, and are the largest whole number that doesn't."""
    policy = Policy(load_factor=load_factor, escort_seats=escort)
    capacity = policy.bus_capacity(seats)
    assert capacity <= seats * load_factor + 1e-6
    assert capacity + 1 > seats * load_factor - 1e-6
    assert policy.workers_per_bus(seats) == max(0, capacity - escort)


def test_negative_seats_are_refused() -> None:
    """A negative seat count is a programming error here (intake reports it for files)."""
    with pytest.raises(ValueError, match="seats must be >= 0"):
        Policy().bus_capacity(-1)


def test_pickup_service_counts_health_check_and_everyone_boarding() -> None:
    """5 min health check + 0.5 min × (10 workers + 1 escort)."""
    assert Policy().pickup_service_min(10) == pytest.approx(10.5)


def test_from_toml_reads_keys_and_clock_times(tmp_path: Path) -> None:
    """Clock times are HH:MM and may pass midnight; dates are TOML dates."""
    path = tmp_path / "policy.toml"
    path.write_text(
        'planning_date = 2020-02-24\nload_factor = 0.6\nmixing = "multi_drop"\n'
        'day_start_min = "06:30"\nday_end_min = "25:00"\n',
        encoding="utf-8",
    )
    policy = Policy.from_toml(path)
    assert policy.planning_date == dt.date(2020, 2, 24)
    assert policy.load_factor == 0.6
    assert policy.mixing is Mixing.MULTI_DROP
    assert (policy.day_start_min, policy.day_end_min) == (390, 1500)


def test_from_toml_reports_every_bad_and_unknown_key(tmp_path: Path) -> None:
    """Three problems, one message, each naming the file and the key."""
    path = tmp_path / "policy.toml"
    path.write_text("load_factor = 1.5\nescort_seats = -1\nloadfactor = 0.5\n", encoding="utf-8")
    with pytest.raises(InputError, match="3 input problems") as caught:
        policy_from_toml(path)
    columns = {p.column for p in caught.value.problems}
    assert columns == {"load_factor", "escort_seats", "loadfactor"}
    assert all(p.table == "policy.toml" for p in caught.value.problems)
    assert "is not a policy key" in str(caught.value)


def test_from_toml_reports_bad_syntax(tmp_path: Path) -> None:
    """A TOML syntax error is an input problem, not a crash."""
    path = tmp_path / "policy.toml"
    path.write_text("load_factor = = 0.5\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not valid TOML"):
        policy_from_toml(path)


def test_conflicting_values_are_reported_with_the_key() -> None:
    """A transfer longer than the longest wait could never be grouped."""
    with pytest.raises(InputError, match=r"`transfer_min`.*longer than max_wait_min"):
        Policy().replace(transfer_min=90)
    with pytest.raises(InputError, match=r"`day_end_min`.*is not after day_start_min"):
        Policy().replace(day_end_min="04:00")


def test_direct_construction_checks_bounds() -> None:
    """Bounds hold even without going through a file."""
    with pytest.raises(ValueError, match="`load_factor` 3 is out of range"):
        Policy(load_factor=3)


def test_replace_validates_like_a_file() -> None:
    """``replace`` returns a new policy and reports bad or unknown keys as input problems."""
    base = Policy()
    changed = base.replace(load_factor=0.75, mixing="multi_drop")
    assert changed.load_factor == 0.75 and changed.mixing is Mixing.MULTI_DROP
    assert base.load_factor == 0.5
    with pytest.raises(InputError, match=r"`max_wait` .* is not a policy key"):
        base.replace(max_wait=30)


def test_precedence_is_flag_over_file_over_base(tmp_path: Path) -> None:
    """The file overrides the base only for the keys it names; flags override both."""
    path = tmp_path / "policy.toml"
    path.write_text("load_factor = 0.6\nmax_wait_min = 45\n", encoding="utf-8")
    base = Policy(escort_seats=2, load_factor=0.4)
    resolved = resolve_policy({"max_wait_min": 30, "seed": None}, file=path, base=base)
    assert resolved.escort_seats == 2  # base
    assert resolved.load_factor == 0.6  # file
    assert resolved.max_wait_min == 30  # flag
    assert resolved.seed == 0  # a None flag means "not given"


def test_bad_flags_are_input_errors() -> None:
    """Command-line values are checked like file values."""
    with pytest.raises(InputError, match="command line: `load_factor`"):
        resolve_policy({"load_factor": 0})


@given(
    load_factor=st.floats(min_value=0.05, max_value=1.0),
    wait=st.integers(min_value=10, max_value=300),
    start=st.integers(min_value=0, max_value=600),
)
def test_to_toml_round_trips(load_factor: float, wait: int, start: int) -> None:
    """Writing a policy as TOML and reading it back gives the same policy."""
    policy = Policy(
        load_factor=load_factor,
        max_wait_min=wait,
        day_start_min=start,
        planning_date=dt.date(2020, 2, 24),
    )
    assert Policy.from_mapping(tomllib.loads(policy.to_toml())) == policy


@pytest.mark.parametrize(("text", "minutes"), [("05:00", 300), ("24:00", 1440), ("7:05", 425)])
def test_parse_clock(text: str, minutes: int) -> None:
    """HH:MM → minutes after midnight."""
    assert parse_clock(text) == minutes


def test_parse_clock_rejects_bad_minutes() -> None:
    """Minutes must be 00–59."""
    with pytest.raises(ValueError, match="more than 59 minutes"):
        parse_clock("05:75")


def test_solve_params_carry_seed_and_limit() -> None:
    """Every solver call gets the policy's time limit and seed."""
    params = Policy(seed=7, time_limit_s=12).solve_params()
    assert (params.seed, params.time_limit_s) == (7, 12)


def test_a_clash_between_file_and_base_names_the_file(tmp_path: Path) -> None:
    """A file transfer longer than the base's wait is the file's problem, not the flags'."""
    path = tmp_path / "override.toml"
    path.write_text("transfer_min = 50\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"override\.toml: `transfer_min`"):
        resolve_policy({"seed": 3}, file=path, base=Policy(max_wait_min=40))


NUMBER_KEYS = [
    name
    for name in POLICY_KEYS
    if name
    not in (
        "planning_date",
        "mixing",
        "pool_area",
        "priority_employers",
        "advice",
        "day_start_min",
        "day_end_min",
    )
]


@pytest.mark.parametrize("key", NUMBER_KEYS)
@pytest.mark.parametrize("value", ["true", "false"])
def test_a_boolean_is_not_a_number(tmp_path: Path, key: str, value: str) -> None:
    """`escort_seats = true` is not 1: every number key refuses true/false."""
    path = tmp_path / "policy.toml"
    path.write_text(f"{key} = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"`{key}` '{value.title()}' is invalid: is true/false"):
        policy_from_toml(path)


@pytest.mark.parametrize("key", NUMBER_KEYS)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-1e308"])
def test_every_number_key_has_a_finite_range(tmp_path: Path, key: str, value: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(f"{key} = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"`{key}`"):
        policy_from_toml(path)


@pytest.mark.parametrize(
    "word", ["MULTI_DROP", "Multi_Drop", " multi_drop ", "ｍｕｌｔｉ＿ｄｒｏｐ"]
)
def test_mixing_is_case_insensitive(word: str) -> None:
    assert Policy.from_mapping({"mixing": word}).mixing is Mixing.MULTI_DROP


@pytest.mark.parametrize("clock", ["30:59", "30:01", "31:00", "99:00"])
def test_clock_times_stop_at_30_00(clock: str) -> None:
    with pytest.raises(InputError, match=rf"`day_end_min` '{clock}' .*later than 30:00"):
        Policy.from_mapping({"day_end_min": clock})
    assert Policy.from_mapping({"day_end_min": "30:00"}).day_end_min == 30 * 60


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_a_planning_date_far_away_is_refused(day: dt.date) -> None:
    with pytest.raises(InputError, match=r"`planning_date` .* is outside 1900-01-01 … 2100-12-31"):
        Policy.from_mapping({"planning_date": day})


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_gbk_policy_file_gets_the_encoding_fix(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes("# 客座率（复工期间）\nload_factor = 0.5\n".encode(encoding))
    with pytest.raises(InputError, match=r"is GBK/GB 18030 text, not UTF-8 .* save it as UTF-8"):
        policy_from_toml(path)


def test_a_deeply_nested_policy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("seed = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"policy.toml"):
        policy_from_toml(path)
