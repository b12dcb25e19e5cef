"""Tests of charter.cli: the command groups joined into one app, shared options declared once,
and a quick start that leaves the solvers, Dask, folium and geopandas unimported."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import typer

from charter.cli import app, main
from tests.fresh import HEAVY, run_fresh
from tests.paths import ROOT

# Options whose one name means different things in different commands (a plan folder, a run
# folder, an HTML file, where a comparison goes; a swept value or a day of a period).
MEANS_OTHER_THINGS = frozenset({"--out", "-o", "--from", "--to"})
RUN_CHARTER = "import sys\nfrom charter.cli import main\nprint('exit', main(sys.argv[1:]))"


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["check", str(ROOT / "scenarios" / "demo"), "--quiet"],
        ["template", "day.xlsx", "--quiet"],
        ["stations", "list", "--quiet"],
        ["plan", "--help"],
        ["scenario", "run", "--help"],
        ["days", "--help"],
        ["days", "show", "--help"],
        ["stats", "--help"],
        ["purge", "--help"],
        ["serve", "--help"],
        ["users", "add", "--help"],
    ],
    ids=[
        "help",
        "check",
        "template",
        "stations-list",
        "plan-help",
        "scenario-help",
        "days-help",
        "days-show-help",
        "stats-help",
        "purge-help",
        "serve-help",
        "users-add-help",
    ],
)
def test_quick_commands_leave_the_heavy_libraries_unimported(
    args: list[str], tmp_path: Path
) -> None:
    printed, modules = run_fresh(RUN_CHARTER, *args, cwd=tmp_path)
    assert printed.rstrip().endswith("exit 0")
    assert modules & HEAVY == set()


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    """Every command under ``group`` by its full name (Typer's own click: duck-typed)."""
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found |= _commands(command, f"{prefix}{name} ")
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_group_is_joined() -> None:
    assert set(_commands(typer.main.get_command(app))) == {
        "plan",
        "demo",
        "replan",
        "template",
        "check",
        "map",
        "scenario check",
        "scenario run",
        "scenario compare",
        "scenario sweep",
        "stations list",
        "exits list",
        "days list",
        "days show",
        "days export",
        "days import",
        "days log",
        "stats",
        "purge",
        "serve",
        "users add",
        "users passwd",
        "users disable",
        "users list",
    }


def test_a_shared_option_has_one_help_text() -> None:
    texts: dict[str, set[str]] = defaultdict(set)
    for command in _commands(typer.main.get_command(app)).values():
        for param in command.params:
            if param.param_type_name == "option":
                for name in param.opts:
                    texts[name].add(param.help or "")
    differing = {
        name: sorted(helps)
        for name, helps in texts.items()
        if len(helps) > 1 and name not in MEANS_OTHER_THINGS
    }
    assert differing == {}


def test_no_command_module_imports_the_app_back() -> None:
    for module in sorted((ROOT / "charter" / "commands").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "charter.cli" not in imported, module.name


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("charter-dispatch ")


def test_an_unknown_command_is_exit_2_with_the_json_envelope(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["replay", "--json"]) == 2
    error = json.loads(capsys.readouterr().out)
    assert error["code"] == 2 and "replay" in error["error"]


PLAN_DEMO = (sys.executable, "-m", "charter", "plan", str(ROOT / "scenarios" / "demo"))


def _plan_demo(out: Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*PLAN_DEMO, "--out", str(out), "--quiet"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job ignores SIGINT, and the child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.fixture(scope="module")
def demo_plan_s(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long planning the demo day takes here, end to end (a new interpreter)."""
    folder = tmp_path_factory.mktemp("timed")
    started = time.monotonic()
    process = _plan_demo(folder / "plan", folder)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return time.monotonic() - started


@pytest.mark.parametrize("share", [0.06, 0.18, 0.36, 0.5, 0.75])
def test_ctrl_c_stops_a_plan_cleanly_and_writes_nothing(
    tmp_path: Path, demo_plan_s: float, share: float
) -> None:
    """SIGINT while the demo day is being planned — while the command line's modules load,
    inside a compiled kernel or a solver, at any stage (a share of the time a whole plan takes
    on this machine, so that the signal never comes after the plan is done): exit code 130, a
    one-line message, no traceback, and no plan folder."""
    out = tmp_path / "plan"
    process = _plan_demo(out, tmp_path)
    after_s = share * demo_plan_s
    time.sleep(after_s)  # reading, preparing, solving or writing
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    # 130, or killed by SIGINT as Python may end itself after a KeyboardInterrupt it saw in a
    # callback (a shell shows both as 130)
    assert process.returncode in (130, -signal.SIGINT), stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not (out / "plan.json").exists()
