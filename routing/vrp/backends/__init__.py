"""Solver backends behind routing.vrp.solver: OR-Tools, PyVRP and trip chaining."""
