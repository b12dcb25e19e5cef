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
    )
    from routing.vrp.servable import Reason, ReasonCode, Servability, servable
    from routing.vrp.solve import Backend, BackendChoice, choose_backend, solve

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
    "choose_backend",
    "explain",
    "servable",
    "solve",
]

_EXPORTS = {
    "Backend": "routing.vrp.solve",
    "BackendChoice": "routing.vrp.solve",
    "FirstSolution": "routing.vrp.problem",
    "Job": "routing.vrp.problem",
    "Matrix": "routing.vrp.problem",
    "Metaheuristic": "routing.vrp.problem",
    "Problem": "routing.vrp.problem",
    "Reason": "routing.vrp.servable",
    "ReasonCode": "routing.vrp.servable",
    "Route": "routing.vrp.problem",
    "Servability": "routing.vrp.servable",
    "Solution": "routing.vrp.problem",
    "SolveParams": "routing.vrp.problem",
    "Stop": "routing.vrp.problem",
    "StopKind": "routing.vrp.problem",
    "TimeWindow": "routing.vrp.problem",
    "VehicleSpec": "routing.vrp.problem",
    "choose_backend": "routing.vrp.solve",
    "explain": "routing.vrp.diagnose",
    "servable": "routing.vrp.servable",
    "solve": "routing.vrp.solve",
}


def __getattr__(name: str) -> object:
    """The public names, imported on first use (importing the package stays cheap)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
