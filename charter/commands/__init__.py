"""The command groups of ``charter``, one Typer app per module, joined in ``charter.cli``.

Each module imports only Typer, Rich and light project modules at the top; what a command
needs to do its work (pandas, the planner, the solvers, folium, Dask) is imported in the
command's body, so ``charter --help`` and the quick commands start fast.
"""
