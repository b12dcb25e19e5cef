"""Sweeping one parameter over a range: the scenarios (one per value) and the plot of buses and
unserved workers against the parameter.

The parameter is a numeric policy key (``load_factor``, ``max_wait_min``, …) or a scaling
factor, ``scale_fleet`` or ``scale_arrivals``. Each value becomes a scenario named
``<param>=<value>`` whose last change sets it, after the changes of the scenario the sweep
starts from (if any). The baseline is the base day as it is; its value of the parameter
(the base policy's value, or 1 for a scaling factor) is marked on the plot.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dispatch.day import Day
from dispatch.policy import POLICY_KEYS, Policy
from scenarios.changes import Change, PolicyOverride, ScaleArrivals, ScaleFleet
from scenarios.compare import Comparison
from scenarios.spec import CheckedScenario, Scenario, check_changes
from stations.errors import InputError, ProblemCollector

MAX_VALUES = 200
SCALES = ("scale_fleet", "scale_arrivals")
_NOT_NUMERIC = frozenset({"planning_date", "mixing"})
_WHOLE = frozenset(
    {"escort_seats", "subsidy_min_workers", "seed", "effort", "day_start_min", "day_end_min"}
)
SWEEP_PARAMS: tuple[str, ...] = (
    *(k for k in POLICY_KEYS if k not in _NOT_NUMERIC),
    *SCALES,
)


def sweep_values(start: float, stop: float, step: float) -> tuple[float, ...]:
    """``start``, ``start + step``, … up to ``stop`` inclusive (rounded to 10 decimals, so
    0.3 … 1.0 step 0.1 gives eight values). ``InputError`` for an empty or huge range."""
    problems = ProblemCollector()
    count = 0
    for option, value in (("--from", start), ("--to", stop)):
        if not math.isfinite(value):
            problems.add(option, None, None, value, "is not a finite number", "give a number")
    if not (math.isfinite(step) and step > 0):
        problems.add("--step", None, None, step, "must be a positive number", "give e.g. 0.1")
    elif len(problems):
        pass  # a bound is not a number: no range to check
    elif stop < start:
        problems.add(
            "--to", None, None, stop, f"is before --from ({start:g})", "give --to >= --from"
        )
    else:
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > MAX_VALUES:
            problems.add(
                "--step",
                None,
                None,
                step,
                f"gives {count} values (at most {MAX_VALUES})",
                "give a larger step or a shorter range",
            )
    problems.raise_if_any()
    return tuple(round(start + i * step, 10) for i in range(count))


def sweep_change(param: str, value: float) -> Change:
    """The change that sets ``param`` to ``value``."""
    if param == "scale_fleet":
        return ScaleFleet(value)
    if param == "scale_arrivals":
        return ScaleArrivals(value)
    shown: float | int = round(value) if param in _WHOLE else value
    return PolicyOverride(((param, shown),))


def base_value(param: str, policy: Policy) -> float:
    """The parameter's value on the base day (1 for a scaling factor, 0 if unset)."""
    if param in SCALES:
        return 1.0
    value = getattr(policy, param)
    return float(value) if value is not None else 0.0


def check_param(param: str, values: Sequence[float]) -> None:
    """``InputError`` unless ``param`` can be swept over ``values``."""
    problems = ProblemCollector()
    if param not in SWEEP_PARAMS:
        problems.add(
            "--param",
            None,
            None,
            param,
            "cannot be swept",
            "use one of: " + ", ".join(SWEEP_PARAMS),
        )
    elif param in _WHOLE:
        for value in values:
            if abs(value - round(value)) > 1e-9:
                problems.add(
                    "--param",
                    None,
                    param,
                    value,
                    "takes whole numbers only",
                    "give whole --from, --to and --step",
                )
    problems.raise_if_any()


def sweep_scenarios(
    start: CheckedScenario, param: str, values: Sequence[float]
) -> list[CheckedScenario]:
    """One scenario per value: ``start``'s changes, then ``param`` set to the value.

    Raises ``InputError`` listing every value the parameter does not accept.
    """
    check_param(param, values)
    problems = ProblemCollector()
    swept: list[CheckedScenario] = []
    for value in values:
        change = sweep_change(param, value)
        scenario = dataclasses.replace(
            start.scenario,
            name=f"{param}={value:g}",
            changes=(*start.scenario.changes, change),
            description=f"{start.scenario.description} {param} = {value:g}".strip(),
        )
        try:
            day = check_changes(
                start.day,
                [change],
                seed=scenario.seed,
                first=len(scenario.changes),
                label=f"{param}={value:g}",
            )
        except InputError as error:
            problems.extend(error.problems)
            continue
        swept.append(
            CheckedScenario(
                scenario,
                start.base_day,
                day.replace(source=f"{start.base_day.source} + {scenario.name}"),
            )
        )
    problems.raise_if_any()
    return swept


def start_from_day(base: Path, base_label: str, day: Day) -> CheckedScenario:
    """The starting point of a sweep on a plain day (no changes of its own)."""
    scenario = Scenario(name=base_label, base=base, base_label=base_label)
    return CheckedScenario(scenario, day, day)


def plot_sweep(comparison: Comparison, path: Path) -> Path:
    """Plot buses used and unserved workers against the swept parameter (PNG at ``path``).

    Failed values are left out; the baseline is a star at its own value. Labels are English
    (the plot must not depend on fonts with Chinese glyphs).
    """
    param = comparison.param or "value"
    points = sorted(
        (r.value, r.kpis.buses_used, r.kpis.workers_unserved)
        for r in comparison.results
        if not r.baseline and r.kpis is not None and r.value is not None
    )
    figure = Figure(figsize=(7.5, 4.2), dpi=100, layout="constrained")
    buses_axis = figure.add_subplot()
    unserved_axis = buses_axis.twinx()
    xs = [p[0] for p in points]
    buses_axis.plot(xs, [p[1] for p in points], marker="o", color="tab:blue", label="buses used")
    unserved_axis.plot(
        xs, [p[2] for p in points], marker="s", color="tab:red", label="unserved workers"
    )
    for result in comparison.results:
        if result.baseline and result.kpis is not None and result.value is not None:
            buses_axis.plot(
                [result.value],
                [result.kpis.buses_used],
                marker="*",
                markersize=14,
                color="tab:blue",
                linestyle="none",
                label="baseline",
            )
            unserved_axis.plot(
                [result.value],
                [result.kpis.workers_unserved],
                marker="*",
                markersize=14,
                color="tab:red",
                linestyle="none",
            )
    buses_axis.set_xlabel(param)
    buses_axis.set_ylabel("buses used", color="tab:blue")
    unserved_axis.set_ylabel("unserved workers", color="tab:red")
    buses_axis.set_ylim(bottom=0)
    unserved_axis.set_ylim(bottom=0)
    buses_axis.grid(True, alpha=0.3)
    handles = buses_axis.get_legend_handles_labels()
    more = unserved_axis.get_legend_handles_labels()
    buses_axis.legend(handles[0] + more[0], handles[1] + more[1], loc="best", fontsize=9)
    buses_axis.set_title(f"Sweep of {param}: buses and unserved workers")
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure).print_png(str(path), metadata={"Software": None})  # type: ignore[no-untyped-call]
    return path
