"""The generic vehicle-routing problem and its solver.

Front door: ``solve(problem, params)`` chooses a backend (``choose_backend``), solves, repairs,
and records the backend and why in the ``Solution``. ``Problem`` and its parts describe an
instance; ``servable``/``explain`` say why a job is unserved; ``routing.vrp.checker``
re-checks a solution independently. Names load on first use; solver libraries load only when
their backend runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routing.vrp.diagnose import explain
    from routing.vrp.problem import (
        FirstSolution,
        Job,
        Matrix,
        Metaheuristic,
        Problem,
        Route,
        Solution,
        SolveParams,
        Stop,
        StopKind,
        TimeWindow,
        VehicleSpec,
        WarmStart,
    )
    from routing.vrp.servability import Reason, ReasonCode, Servability, servable
    from routing.vrp.solver import Backend, BackendChoice, choose_backend, solve

__all__ = [
    "Backend",
    "BackendChoice",
    "FirstSolution",
    "Job",
    "Matrix",
    "Metaheuristic",
    "Problem",
    "Reason",
    "ReasonCode",
    "Route",
    "Servability",
    "Solution",
    "SolveParams",
    "Stop",
    "StopKind",
    "TimeWindow",
    "VehicleSpec",
    "WarmStart",
    "choose_backend",
    "explain",
    "servable",
    "solve",
]

_EXPORTS = {
    "Backend": "routing.vrp.solver",
    "BackendChoice": "routing.vrp.solver",
    "FirstSolution": "routing.vrp.problem",
    "Job": "routing.vrp.problem",
    "Matrix": "routing.vrp.problem",
    "Metaheuristic": "routing.vrp.problem",
    "Problem": "routing.vrp.problem",
    "Reason": "routing.vrp.servability",
    "ReasonCode": "routing.vrp.servability",
    "Route": "routing.vrp.problem",
    "Servability": "routing.vrp.servability",
    "Solution": "routing.vrp.problem",
    "SolveParams": "routing.vrp.problem",
    "Stop": "routing.vrp.problem",
    "StopKind": "routing.vrp.problem",
    "TimeWindow": "routing.vrp.problem",
    "VehicleSpec": "routing.vrp.problem",
    "WarmStart": "routing.vrp.problem",
    "choose_backend": "routing.vrp.solver",
    "explain": "routing.vrp.diagnose",
    "servable": "routing.vrp.servability",
    "solve": "routing.vrp.solver",
}


def __getattr__(name: str) -> object:
    """The public names, imported on first use (importing the package stays cheap)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
