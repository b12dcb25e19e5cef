"""Tests of scenarios.spec: reading scenario files, every problem at once with file, line, key
path and fix, and the changed day they describe."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.intake.reader import read_day
from scenarios.changes import CHANGE_KINDS, DelayArrivals, PolicyOverride, SetExits
from scenarios.spec import (
    DEMO_DAY,
    GivenBase,
    Scenario,
    ScenarioWarning,
    SourceMap,
    format_path,
    load_scenarios,
    parse_scenario,
)
from stations.errors import InputError, ProblemCollector
from stations.model import ExitStatus
from tests.paths import DATA, ROOT
from tests.scenario_cases import SMALL_DAY

SCENARIOS = DATA / "scenarios"
EXAMPLES = ROOT / "scenarios" / "examples"


def test_good_file_gives_each_change_kind_in_order() -> None:
    (checked,) = load_scenarios([SCENARIOS / "good.yaml"])
    scenario = checked.scenario
    assert scenario.name == "Everything at once"
    assert scenario.seed == 4
    assert scenario.base == SMALL_DAY.resolve()
    kinds = [type(c).KIND for c in scenario.changes]
    assert kinds[:2] == ["set_exits", "policy"] and kinds[-1] == "remove_operator"
    assert set(kinds) == set(CHANGE_KINDS)
    exits = scenario.changes[0]
    assert isinstance(exits, SetExits)
    assert [(s.exit_id, s.status, s.delay_min) for s in exits.exits] == [
        ("bx30", ExitStatus.CLOSED, None),
        ("bx34", ExitStatus.OPEN, 45.0),
    ]
    delay = scenario.changes[5]
    assert isinstance(delay, DelayArrivals)
    assert (delay.start, delay.end) == (8 * 60, 9 * 60)  # unquoted 8:00 is a clock, not 480 s
    day = checked.day
    assert day.policy.load_factor == 0.75
    assert not day.fleet  # the only operator was removed last
    assert {a.station_id for a in day.arrivals} == {"suzhou"}
    assert "scenario 'Everything at once'" in day.source


def test_base_day_read_from_the_file_is_not_modified() -> None:
    (checked,) = load_scenarios([SCENARIOS / "good.yaml"])
    assert checked.base_day == read_day(SMALL_DAY)
    before = copy.deepcopy(checked.base_day)
    checked.scenario.apply(checked.base_day)
    assert checked.base_day == before


def test_every_problem_of_a_bad_file_is_reported_at_once() -> None:
    """Shape, range, unknown kind, unknown key and unknown id problems, each with its line."""
    with pytest.raises(InputError) as caught:
        load_scenarios([SCENARIOS / "many_problems.yaml"])
    shown = [str(p) for p in caught.value.problems]
    expected = [
        ("line 3", "`colour`", "is not a known key"),
        ("line 6", "`changes[0].set_exits.bx99`", "is not a known exit"),
        ("line 7", "`changes[0].set_exits.bx30.status`", "'shut' is invalid"),
        ("line 8", "`changes[1].policy.lod_factor`", "did you mean `load_factor`"),
        ("line 8", "`changes[1].policy.load_factor`", "less than or equal to 1"),
        ("line 9", "`changes[2].remove_operators`", "did you mean `remove_operator`"),
        ("line 10", "`changes[3].scale_fleet.factor`", "greater than 0"),
        ("line 10", "`changes[3].scale_fleet.operator`", "'Nobody' is not a known operator"),
        ("line 11", "`changes[4].delay_arrivals.minutes`", "less than or equal to 720"),
        ("line 11", "`changes[4].delay_arrivals.station`", "'suzhou_nort' is not a known station"),
        ("line 12", "`changes[5].add_arrivals.enterprises.E999`", "is not a known enterprise"),
    ]
    assert len(shown) == len(expected)
    for text, (line, key, message) in zip(shown, expected, strict=True):
        assert text.startswith(f"many_problems.yaml {line}: {key}"), text
        assert message in text and "— fix:" in text


@pytest.mark.parametrize(
    ("name", "match"),
    [
        (
            "unknown_kind.yaml",
            r"line 4: `changes\[0\].close_exit` 'close_exit' is not a change kind",
        ),
        ("not_yaml.yaml", r"not_yaml.yaml line 3 .*is not valid YAML"),
        ("empty.yaml", r"empty.yaml is empty"),
        ("not_mapping.yaml", r"must be a mapping with name, base and changes"),
        ("missing_base.yaml", r"line 2: `base` '../days/no_such_day' is not an existing day"),
        ("bad_base_day.yaml", r"line 2: `base` '../days/bad_rows' could not be read"),
        ("duplicate_key.yaml", r"line 6: `changes\[0\].set_exits.bx30` 'bx30' is given twice"),
        ("two_kinds_in_one_item.yaml", r"`changes\[0\]` must be a mapping with exactly one"),
        ("bad_window.yaml", r"`to` \(14:00\) must be after `from` \(16:00\)"),
        ("bad_clock.yaml", r"`changes\[0\].add_arrivals.time` '25:70' is invalid"),
        ("missing_name.yaml", r"line 1: `name` is missing — fix: add `name`"),
    ],
)
def test_one_failure_mode_per_file(name: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        load_scenarios([SCENARIOS / name])


def test_bad_base_day_reports_the_days_own_problems_too() -> None:
    with pytest.raises(InputError) as caught:
        load_scenarios([SCENARIOS / "bad_base_day.yaml"])
    tables = {p.table.split(" ")[0] for p in caught.value.problems}
    assert "bad_base_day.yaml" in tables and len(tables) > 1


def test_problems_of_several_files_come_together() -> None:
    with pytest.raises(InputError) as caught:
        load_scenarios([SCENARIOS / "unknown_kind.yaml", SCENARIOS / "missing_name.yaml"])
    files = [p.table.split(" ")[0] for p in caught.value.problems]
    assert files == ["unknown_kind.yaml", "missing_name.yaml"]


def test_names_must_be_unique_within_a_run(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(f"name: Same\nbase: {SMALL_DAY}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"b.yaml line 1: `name` 'Same' is also the name of a"):
        load_scenarios([tmp_path / "a.yaml", tmp_path / "b.yaml"])


def test_a_change_that_matches_nothing_warns() -> None:
    with pytest.warns(ScenarioWarning, match=r"no_match.yaml line 4: .*delays no arrival"):
        (checked,) = load_scenarios([SCENARIOS / "no_match.yaml"])
    assert checked.day.arrivals == checked.base_day.arrivals


def test_demo_base_and_every_example_file_are_valid() -> None:
    """The shipped examples load against the demo day and together use every change kind."""
    files = sorted(EXAMPLES.glob("*.yaml"))
    checked = load_scenarios(files)
    assert len(checked) == len(files) >= 10
    assert all(c.scenario.base == DEMO_DAY for c in checked)
    kinds = {type(change).KIND for c in checked for change in c.scenario.changes}
    assert kinds == set(CHANGE_KINDS)
    assert len({id(c.base_day) for c in checked}) == 1  # the demo day is read once


def test_scenario_apply_equals_the_checked_day() -> None:
    (checked,) = load_scenarios([SCENARIOS / "good.yaml"])
    assert checked.scenario.apply(checked.base_day) == checked.day


def test_scenario_in_code() -> None:
    scenario = Scenario("lf", SMALL_DAY, "small", (PolicyOverride((("load_factor", 0.6),)),))
    day = scenario.apply(read_day(SMALL_DAY))
    assert day.policy.load_factor == 0.6
    with pytest.raises(ValueError, match="needs a name"):
        Scenario(" ", SMALL_DAY, "small")


def test_source_map_falls_back_to_the_nearest_key() -> None:
    lines = SourceMap("s.yaml", {(): 1, ("changes",): 3, ("changes", 0): 4})
    assert lines.where(("changes", 0, "policy", "x")) == "s.yaml line 4"
    assert format_path(("changes", 0, "policy", "x")) == "changes[0].policy.x"


@given(hours=st.integers(0, 29), minutes=st.integers(0, 59), quoted=st.booleans())
def test_clock_times_are_read_as_clocks(hours: int, minutes: int, quoted: bool) -> None:
    """``H:MM`` quoted or not (YAML 1.1 would read 14:30 as the base-60 number 870) is a
    clock time on the planning day."""
    clock = f"{hours}:{minutes:02d}"
    shown = f'"{clock}"' if quoted else clock
    text = (
        f"name: t\nbase: {SMALL_DAY}\nchanges:\n"
        f"  - delay_arrivals: {{station: yq_test, minutes: 5, from: {shown}}}\n"
    )
    problems = ProblemCollector()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clock.yaml"
        path.write_text(text, encoding="utf-8")
        parsed = parse_scenario(path, problems)
    assert not problems.problems and parsed is not None
    change = parsed.scenario.changes[0]
    assert isinstance(change, DelayArrivals) and change.start == hours * 60 + minutes


def test_permits_dates_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        f"name: p\nbase: {SMALL_DAY}\nchanges:\n"
        "  - add_permits: {vehicles: 苏E·10002, valid_from: 2020-02-24, valid_to: 2020-02-25}\n",
        encoding="utf-8",
    )
    (checked,) = load_scenarios([path])
    added = [p for p in checked.day.permits if p.permit_no.startswith("SCN-")]
    assert (added[0].valid_from, added[0].valid_to) == (
        dt.datetime(2020, 2, 24),
        dt.datetime(2020, 2, 26),
    )


def _scenario_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\nbase: {SMALL_DAY}\n{body}", encoding="utf-8")
    return path


def test_a_billion_laughs_scenario_is_refused() -> None:
    """The alias bomb is counted, not expanded: one problem naming the file and the fix."""
    levels = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "laughs.yaml"
        path.write_text("\n".join(levels) + "\nname: x\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"^1 input problem:\n- laughs.yaml expands to more"):
            load_scenarios([path])


def test_a_self_referring_or_deeply_nested_scenario_is_refused(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").write_text("name: &a [1, *a]\n", encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("name: " + "[" * 3000 + "]" * 3000 + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_scenarios([tmp_path / "loop.yaml", tmp_path / "deep.yaml"])
    assert [(p.table, p.message) for p in caught.value.problems] == [
        ("loop.yaml", "has an alias (*name) inside the value it names"),
        ("deep.yaml", "is nested too deeply"),
    ]


def test_a_gbk_scenario_gets_the_encoding_fix(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(f"name: 夜班\nbase: {SMALL_DAY}\nchanges: []\n".encode("gbk"))
    with pytest.raises(InputError, match=r"gbk.yaml is GBK/GB 18030 text, not UTF-8.*UTF-8"):
        load_scenarios([path])


def test_a_permit_date_in_year_9999_is_refused(tmp_path: Path) -> None:
    path = _scenario_file(
        tmp_path,
        "changes:\n  - add_permits: {vehicles: 苏E·10002, valid_to: 9999-12-31}\n",
    )
    with pytest.raises(InputError, match=r"`changes\[0\].add_permits.valid_to` .* is outside"):
        load_scenarios([path])


def test_ids_and_words_in_a_scenario_match_like_the_day_s(tmp_path: Path) -> None:
    """An exit id with a zero-width space and a status in capitals set that exit."""
    path = _scenario_file(tmp_path, 'changes:\n  - set_exits: {"bx30\\u200b": CLOSED}\n')
    (checked,) = load_scenarios([path])
    assert checked.day.exits["bx30"].status is ExitStatus.CLOSED


def test_a_given_base_replaces_the_files_own(tmp_path: Path) -> None:
    day = read_day(SMALL_DAY)
    given = GivenBase(tmp_path / "stored", "2020-02-24 v1", day)
    scenario = tmp_path / "late.yaml"
    scenario.write_text(
        "name: late\nbase: no/such/day\nchanges:\n  - policy: {load_factor: 0.5}\n",
        encoding="utf-8",
    )
    (checked,) = load_scenarios([scenario], base=given)
    assert (checked.scenario.base, checked.scenario.base_label) == (given.path, given.label)
    assert checked.base_day is day
    assert checked.day.policy.load_factor == 0.5
    with pytest.raises(InputError, match="is not an existing day folder"):
        load_scenarios([scenario])
