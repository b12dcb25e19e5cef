"""The scenario file format (YAML): reading, validating against the base day, reporting every
problem with its file, line and key path.

A scenario file::

    name: New District exit closed          # required; unique within a run
    base: demo                              # a day folder or .xlsx workbook (relative to this
                                            # file), or `demo` for the embedded demo day
    description: what the duty officer asks # optional
    seed: 0                                 # optional: seed of sampled/copied workers, vehicles
    changes:                                # applied in order; each item has one change kind
      - set_exits: {osm267701307: closed, bx30: {status: open, delay_min: 45}}
      - policy: {load_factor: 0.75}
      - delay_arrivals: {station: suzhou_north, minutes: 90, from: "14:00", to: "16:00"}

The change kinds are the classes of ``scenarios.changes`` (``CHANGE_KINDS``); docs/scenarios.md
lists their keys. Kinds with one main key accept it alone: ``remove_operator: 苏州…公司``,
``scale_fleet: 0.5``, ``scale_arrivals: 2``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import typing
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from dispatch.day import Day
from dispatch.intake.reader import read_day
from scenarios.changes import (
    CHANGE_KINDS,
    SHOWN_IDS,
    ApplyEvents,
    Change,
    ExitSetting,
    Issue,
    KeyPath,
    PolicyOverride,
    SetExits,
    apply_changes,
)
from scenarios.yaml_size import YamlSizeError, expanded_size
from stations.errors import InputError, InputProblem, InputWarning, ProblemCollector
from stations.textfile import read_text_file

DEMO = "demo"
DEMO_DAY = Path(__file__).resolve().parent / "demo"
SHORTHAND: dict[str, str] = {
    "remove_operator": "operator",
    "scale_fleet": "factor",
    "scale_arrivals": "factor",
    "scale_shipments": "factor",
}
_LINE = re.compile(r" line (\d+)$")
_INT_OR_FLOAT = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class ScenarioWarning(InputWarning):
    """A change that is valid but does nothing on its base day (e.g. delays no arrival)."""


def format_path(path: KeyPath) -> str:
    """``("changes", 2, "set_exits", "bx30")`` → ``changes[2].set_exits.bx30``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Line numbers (1-based) of the keys and items of a YAML file, by key path."""

    file: str
    lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """Line of ``path``, or of its nearest ancestor present in the file."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def where(self, path: KeyPath) -> str:
        """``file line N`` for problems."""
        line = self.line(path)
        return self.file if line is None else f"{self.file} line {line}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named what-if: a base day and the changes applied to it in order.

    Parameters
    ----------
    name
        Name shown in the comparison (unique within a run).
    base
        The base day: a day folder or workbook.
    base_label
        The base as written in the file (``demo`` or a path).
    changes
        Changes, applied in order.
    description
        What the scenario asks. Default "".
    seed
        Seed of every sampling choice of the changes. Default 0.
    source
        The scenario file. Default None (built in code).
    """

    name: str
    base: Path
    base_label: str
    changes: tuple[Change, ...] = ()
    description: str = ""
    seed: int = 0
    source: Path | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a scenario needs a name")

    def apply(self, base_day: Day) -> Day:
        """The scenario's day: ``base_day`` with the changes (``base_day`` is not modified)."""
        day = apply_changes(base_day, self.changes, seed=self.seed)
        return day.replace(source=_source(base_day, self))


@dataclass(frozen=True, slots=True)
class _Header:
    """Top-level keys of a scenario file."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    base: Annotated[str, Field(min_length=1)]
    description: str = ""
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0


_HEADER = TypeAdapter(_Header)
_EXIT = TypeAdapter(ExitSetting)
_ADAPTERS: dict[str, TypeAdapter[Change]] = {
    kind: TypeAdapter(cls)
    for kind, cls in CHANGE_KINDS.items()
    if cls not in (SetExits, PolicyOverride)
}


# --------------------------------------------------------------------------- YAML with lines


def _plain(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    report: _Report,
) -> object:
    """The Python value of ``node``, recording the line of every key and item in ``lines``."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        values: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node, deep=True))
            lines[(*path, key)] = key_node.start_mark.line + 1
            if key in values:
                report.add((*path, key), key, "is given twice", "give each key once")
            values[key] = _plain(loader, value_node, (*path, key), lines, report)
        return values
    if isinstance(node, yaml.SequenceNode):
        return [
            _plain(loader, item, (*path, i), lines, report) for i, item in enumerate(node.value)
        ]
    if node.tag in _INT_OR_FLOAT and ":" in str(node.value):
        return str(node.value)  # "14:00" is a clock time, not YAML 1.1 base-60 840
    return loader.construct_object(node, deep=True)


@dataclass(slots=True)
class _Report:
    """Collects problems of one file with their lines."""

    problems: ProblemCollector
    source: SourceMap

    def add(self, path: KeyPath, value: object, message: str, fix: str) -> None:
        shown = None if value is None else _short(value)
        self.problems.add(
            self.source.where(path), None, format_path(path) or None, shown, message, fix
        )

    def issue(self, prefix: KeyPath, issue: Issue) -> None:
        path = prefix + issue.at
        if issue.warning:
            warnings.warn(
                f"{self.source.where(path)}: `{format_path(path)}` {issue.message} — {issue.fix}",
                ScenarioWarning,
                stacklevel=4,
            )
        else:
            self.add(path, issue.value, issue.message, issue.fix)

    def pydantic(
        self, prefix: KeyPath, error: ValidationError, keys: Sequence[str], cls: type | None = None
    ) -> None:
        for item in error.errors():
            loc = tuple(item["loc"])
            bounds = _bounds_text(cls, str(loc[0])) if cls is not None and len(loc) == 1 else ""
            self.add(prefix + loc, _input(item), *_explain(item, keys, bounds))


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _input(item: ErrorDetails) -> object:
    value = item.get("input")
    return None if item["type"] == "missing" or isinstance(value, dict | list) else value


def _explain(item: ErrorDetails, keys: Sequence[str], bounds: str = "") -> tuple[str, str]:
    """Message and fix of one pydantic error (``bounds``: the field's range as text)."""
    kind = item["type"]
    if kind == "missing":
        return "is missing", f"add `{item['loc'][-1]}`"
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        key = str(item["loc"][-1])
        close = difflib.get_close_matches(key, keys, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return f"is not a known key{hint}", "remove it or use one of: " + ", ".join(keys)
    message = str(item["msg"]).removeprefix("Value error, ")
    context = item.get("ctx", {})
    if kind in ("enum", "literal_error"):
        return (
            f"is invalid: {message}",
            f"use one of {context.get('expected', 'the values listed')}",
        )
    if kind.startswith(("greater", "less")):
        return (
            f"is out of range: {message}",
            f"give a value {bounds}" if bounds else "give a value in range",
        )
    return f"is invalid: {message}", "correct the value (see docs/scenarios.md)"


def _bounds_text(cls: type, key: str) -> str:
    """The range of field ``key`` (YAML name) of ``cls`` as text, e.g. ``> 0 and <= 20``."""
    hints = typing.get_type_hints(cls, include_extras=True)
    names = dict(zip(_yaml_keys(cls), [f.name for f in dataclasses.fields(cls)], strict=True))
    if key not in names:
        return ""
    parts = []
    for meta in getattr(hints[names[key]], "__metadata__", ()):
        for item in getattr(meta, "metadata", [meta]):
            for attr, word in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
                if hasattr(item, attr):
                    parts.append(f"{word} {getattr(item, attr):g}")
    return " and ".join(parts)


def _yaml_keys(cls: type) -> list[str]:
    """The keys of a change kind as written in YAML (aliases such as ``from``/``to``)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    keys = []
    for f in dataclasses.fields(cls):
        alias = next(
            (
                m.alias
                for m in getattr(hints[f.name], "__metadata__", ())
                if getattr(m, "alias", None)
            ),
            None,
        )
        keys.append(alias or f.name)
    return keys


YAML_SIZE_FIX = "write the scenario out plainly (few or no anchors &name and aliases *name)"


def read_yaml(path: Path, problems: ProblemCollector) -> tuple[object, SourceMap] | None:
    """The plain value of a YAML file and its line map; ``None`` (with a problem) if unreadable."""
    try:
        text = read_text_file(path)
    except InputError as error:
        problems.extend(error.problems)
        return None
    loader = yaml.SafeLoader(text)
    lines: dict[KeyPath, int] = {}
    source = SourceMap(path.name, lines)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.add(
                path.name, None, None, None, "is empty", "write a scenario (see docs/scenarios.md)"
            )
            return None
        expanded_size(node)
        return _plain(loader, node, (), lines, _Report(problems, source)), source
    except YamlSizeError as error:
        problems.add(path.name, None, None, None, str(error), YAML_SIZE_FIX)
        return None
    except RecursionError:
        problems.add(path.name, None, None, None, "is nested too deeply", YAML_SIZE_FIX)
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = path.name if mark is None else f"{path.name} line {mark.line + 1}"
        problem = getattr(error, "problem", None) or str(error)
        problems.add(where, None, None, None, f"is not valid YAML: {problem}", "fix the syntax")
        return None
    finally:
        loader.dispose()


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A scenario file read and shape-checked (references not yet checked)."""

    scenario: Scenario
    source: SourceMap
    change_paths: tuple[KeyPath, ...]
    complete: bool = True
    loose: tuple[tuple[KeyPath, dict[str, object]], ...] = ()


def _base_path(text: str, file: Path) -> Path:
    if text.strip().lower() == DEMO:
        return DEMO_DAY
    given = Path(text).expanduser()
    return given if given.is_absolute() else (file.parent / given).resolve()


def _beside(change: Change, file: Path) -> Change:
    """A change that names a file (``apply_events``) with its path resolved from the scenario
    file's folder."""
    if isinstance(change, ApplyEvents) and not Path(change.file).is_absolute():
        return dataclasses.replace(change, file=str((file.parent / change.file).resolve()))
    return change


def _change(value: object, path: KeyPath, report: _Report) -> tuple[Change | None, KeyPath]:
    """One item of ``changes``: ``{kind: value}``."""
    if not isinstance(value, dict) or len(value) != 1:
        report.add(
            path,
            None,
            "must be a mapping with exactly one change kind",
            "write `- <kind>: …` with one of: " + ", ".join(CHANGE_KINDS),
        )
        return None, path
    kind, body = next(iter(value.items()))
    here = (*path, kind)
    if kind not in CHANGE_KINDS:
        close = difflib.get_close_matches(kind, list(CHANGE_KINDS), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        report.add(
            here, kind, f"is not a change kind{hint}", "use one of: " + ", ".join(CHANGE_KINDS)
        )
        return None, here
    if kind == SetExits.KIND:
        return _set_exits(body, here, report), here
    if kind == PolicyOverride.KIND:
        if not isinstance(body, dict) or not body:
            report.add(
                here, None, "must map policy keys to values", "write `policy: {load_factor: 0.75}`"
            )
            return None, here
        return PolicyOverride(tuple(body.items())), here
    if kind in SHORTHAND and not isinstance(body, dict):
        body = {SHORTHAND[kind]: body}
    if not isinstance(body, dict):
        report.add(
            here,
            _short(body),
            "must be a mapping of keys",
            "give " + ", ".join(_yaml_keys(CHANGE_KINDS[kind])),
        )
        return None, here
    try:
        return _ADAPTERS[kind].validate_python(body), here
    except ValidationError as error:
        report.pydantic(here, error, _yaml_keys(CHANGE_KINDS[kind]), CHANGE_KINDS[kind])
        return None, here


def _set_exits(body: object, here: KeyPath, report: _Report) -> SetExits | None:
    if not isinstance(body, dict) or not body:
        report.add(
            here,
            None,
            "must map exit ids to statuses",
            "write `set_exits: {exit_id: closed}` or `{exit_id: {status: open, delay_min: 30}}`",
        )
        return None
    settings: list[ExitSetting] = []
    for exit_id, value in body.items():
        data = dict(value) if isinstance(value, dict) else {"status": value}
        data["exit_id"] = exit_id
        try:
            settings.append(_EXIT.validate_python(data))
        except ValidationError as error:
            report.pydantic((*here, exit_id), error, ["status", "delay_min"], ExitSetting)
    return SetExits(tuple(settings)) if settings else None


def _header(value: dict[str, object], report: _Report) -> _Header | None:
    keys = ["name", "base", "description", "seed", "changes"]
    try:
        return _HEADER.validate_python({k: v for k, v in value.items() if k != "changes"})
    except ValidationError as error:
        report.pydantic((), error, keys, _Header)
    try:  # go on with the known keys, so that the changes are still checked
        return _HEADER.validate_python({k: v for k, v in value.items() if k in keys[:-1]})
    except ValidationError:
        return None


def parse_scenario(
    path: Path, problems: ProblemCollector, *, base: GivenBase | None = None
) -> ParsedFile | None:
    """Read ``path`` and validate its shape; problems go to ``problems``.

    Returns the scenario with the changes that are valid in themselves (``complete`` tells
    whether that is all of them), so their references can still be checked; None when the
    name or base is unusable. With ``base`` given, it replaces the file's own ``base``.
    """
    before = len(problems)
    loaded = read_yaml(path, problems)
    if loaded is None:
        return None
    value, source = loaded
    report = _Report(problems, source)
    if not isinstance(value, dict):
        report.add(
            (),
            None,
            "must be a mapping with name, base and changes",
            "see docs/scenarios.md for the format",
        )
        return None
    header = _header(value, report)
    changes: list[Change] = []
    paths: list[KeyPath] = []
    loose: list[tuple[KeyPath, dict[str, object]]] = []
    items = value.get("changes", [])
    if not isinstance(items, list):
        report.add(("changes",), None, "must be a list of changes", "write `- <kind>: …` items")
        items = []
    for i, item in enumerate(items):
        change, at = _change(item, ("changes", i), report)
        if change is not None:
            changes.append(change)
            paths.append(at)
        elif len(at) == 3 and isinstance(
            body := typing.cast(dict[str, object], item)[str(at[2])], dict
        ):
            loose.append((at, body))
    if header is None:
        return None
    changes = [_beside(change, path) for change in changes]
    if base is not None:
        where, label = base.path, base.label
    else:
        where, label = _base_path(header.base, path), header.base.strip()
        if not where.exists() or (where.is_dir() and not any(where.iterdir())):
            report.add(
                ("base",),
                header.base,
                "is not an existing day folder or workbook",
                "give a day folder or .xlsx workbook relative to this file, or `demo`",
            )
            return None
    scenario = Scenario(
        name=header.name.strip(),
        base=where,
        base_label=label,
        changes=tuple(changes),
        description=header.description,
        seed=header.seed,
        source=path,
    )
    return ParsedFile(
        scenario, source, tuple(paths), complete=len(problems) == before, loose=tuple(loose)
    )


# --------------------------------------------------------------------------- loading


def check_against(parsed: ParsedFile, day: Day, problems: ProblemCollector) -> Day | None:
    """Check each change against the day it applies to (the base with the earlier changes),
    then apply it; the changed day, or None if a problem was found."""
    report = _Report(problems, parsed.source)
    before = len(problems)
    scenario = parsed.scenario
    for number, (change, at) in enumerate(
        zip(scenario.changes, parsed.change_paths, strict=True), 1
    ):
        for issue in change.check(day):
            report.issue(at, issue)
        if len(problems) > before:
            continue  # later changes are still checked against the last good day
        try:
            day = apply_changes(day, [change], seed=scenario.seed, first=number)
        except InputError as error:
            for problem in error.problems:
                report.add(
                    at,
                    problem.value,
                    f"leaves the day inconsistent: {problem}",
                    "change or remove this change",
                )
    for at, body in parsed.loose:
        for issue in _loose_references(body, day):
            report.issue(at, issue)
    return day if len(problems) == before else None


def _loose_references(body: Mapping[str, object], day: Day) -> list[Issue]:
    """Unknown ids in a change whose shape is invalid (so all problems show at once)."""
    issues: list[Issue] = []
    known: dict[str, tuple[str, Sequence[str]]] = {
        "station": ("station", list(day.stations)),
        "reroute_to": ("station", list(day.stations)),
        "operator": ("operator in the fleet", list(dict.fromkeys(v.operator for v in day.fleet))),
        "vehicles": ("vehicle in the fleet", [v.vehicle_id for v in day.fleet]),
        "enterprises": ("enterprise", list(day.enterprises)),
    }
    for key, (what, ids) in known.items():
        value = body.get(key)
        listed = value if isinstance(value, list | dict) else [value]
        for i, item in enumerate(listed):
            if isinstance(item, str) and item not in ids:
                sub: KeyPath = (key, item) if isinstance(value, dict) else (key,)
                if isinstance(value, list) and len(value) > 1:
                    sub = (key, i)
                shown = ", ".join(ids[:SHOWN_IDS]) + (
                    f", … ({len(ids)} in all)" if len(ids) > SHOWN_IDS else ""
                )
                issues.append(Issue(sub, item, f"is not a known {what}", f"use one of: {shown}"))
    return issues


def check_changes(
    day: Day, changes: Sequence[Change], *, seed: int = 0, first: int = 1, label: str = "scenario"
) -> Day:
    """Check changes made in code (not read from a file) against ``day`` and apply them.

    Parameters
    ----------
    day
        The day the first change applies to.
    changes
        The changes, in order.
    seed
        The scenario's seed. Default 0.
    first
        Number of the first change within its scenario. Default 1.
    label
        Names the changes in problems. Default ``scenario``.

    Returns
    -------
    The changed day; ``InputError`` with every problem (key paths as columns).
    """
    problems = ProblemCollector()
    for number, change in enumerate(changes, start=first):
        for issue in change.check(day):
            if issue.warning:
                warnings.warn(f"{label}: {issue.message}", ScenarioWarning, stacklevel=2)
            else:
                column = format_path((type(change).KIND, *issue.at))
                problems.add(label, None, column, issue.value, issue.message, issue.fix)
        if not len(problems):
            day = apply_changes(day, [change], seed=seed, first=number)
    problems.raise_if_any()
    return day


def check_scenario(scenario: Scenario, base_day: Day) -> CheckedScenario:
    """A scenario made in code, checked against and applied to ``base_day``."""
    day = check_changes(base_day, scenario.changes, seed=scenario.seed, label=scenario.name)
    return CheckedScenario(scenario, base_day, day.replace(source=_source(base_day, scenario)))


def _source(base_day: Day, scenario: Scenario) -> str:
    return f"{base_day.source} + scenario {scenario.name!r}"


def load_base(
    path: Path, problems: ProblemCollector, *, cache: dict[Path, Day | None]
) -> Day | None:
    """Read a base day once per path (problems of the day's tables join ``problems``)."""
    if path not in cache:
        try:
            cache[path] = read_day(path)
        except InputError as error:
            problems.extend(error.problems)
            cache[path] = None
    return cache[path]


@dataclass(frozen=True, slots=True)
class GivenBase:
    """A base day given by the caller for every scenario file, in place of each file's own
    ``base`` (the desk runs scenarios on a day of the store).

    Parameters
    ----------
    path
        Names the base (the key of its baseline; nothing is read from it).
    label
        The base as the comparison shows it.
    day
        The base day.
    """

    path: Path
    label: str
    day: Day = field(repr=False)


@dataclass(frozen=True, slots=True)
class CheckedScenario:
    """A valid scenario with its base day and the day after its changes."""

    scenario: Scenario
    base_day: Day = field(repr=False)
    day: Day = field(repr=False)


def load_scenarios(
    paths: Iterable[Path], *, base: GivenBase | None = None
) -> tuple[CheckedScenario, ...]:
    """Read, validate and check every scenario file; raise one ``InputError`` with every
    problem of every file (file, line, key path, value and fix).

    Each distinct base day is read once (``base``, when given, is every file's base day).
    Names must be unique across the files.
    """
    problems = ProblemCollector()
    parsed = [p for path in paths if (p := parse_scenario(path, problems, base=base)) is not None]
    names: dict[str, Path] = {}
    for item in parsed:
        first = names.setdefault(item.scenario.name, item.scenario.source or Path("?"))
        if first != item.scenario.source:
            _Report(problems, item.source).add(
                ("name",),
                item.scenario.name,
                f"is also the name of {first.name}",
                "give each scenario of a run its own name",
            )
    bases: dict[Path, Day | None] = {} if base is None else {base.path: base.day}
    checked: list[CheckedScenario] = []
    for item in parsed:
        base_day = load_base(item.scenario.base, problems, cache=bases)
        if base_day is None:
            _Report(problems, item.source).add(
                ("base",),
                item.scenario.base_label,
                "could not be read (problems listed above)",
                "fix the day's tables",
            )
            continue
        day = check_against(item, base_day, problems)
        if day is not None and item.complete:
            changed = day.replace(source=_source(base_day, item.scenario))
            checked.append(CheckedScenario(item.scenario, base_day, changed))
    if len(problems):
        raise InputError(_by_line(problems.problems))
    return tuple(checked)


def _by_line(problems: Sequence[InputProblem]) -> list[InputProblem]:
    """Problems of scenario files in file order and by line (others, e.g. of a base day's
    tables, first, as found)."""
    files: dict[str, int] = {}

    def key(item: tuple[int, InputProblem]) -> tuple[int, int, int]:
        found = _LINE.search(item[1].table)
        if found is None:
            return (-1, 0, item[0])
        order = files.setdefault(item[1].table[: found.start()], len(files))
        return (order, int(found.group(1)), item[0])

    return [p for _, p in sorted(enumerate(problems), key=key)]
