"""The generic vehicle-routing problem and its solver.

Front door: ``solve(problem, params)`` chooses a backend (``choose_backend``), solves, repairs,
and records the backend and why in the ``Solution``. ``Problem`` and its parts describe an
instance; ``servable``/``explain`` say why a job is unserved; ``routing.vrp.checker``
re-checks a solution independently. Heavy solver libraries load only when their backend runs.
"""

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
