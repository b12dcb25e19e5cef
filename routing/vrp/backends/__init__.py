"""Solver backends behind routing.vrp.solve: OR-Tools, PyVRP and trip chaining."""
