"""The ``charter serve`` command (the duty desk: a web application on the day store) and the
``charter users`` commands (the desk's accounts: add, passwd, disable, list); see docs/desk.md.
FastAPI and uvicorn are imported only when the desk starts."""

from __future__ import annotations

import getpass
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from charter.console import Output
from charter.options import DbOption, EffortOption, JsonOption, QuietOption
from charter.store_access import current_user, day_store
from stations.errors import InputError, InputProblem

if TYPE_CHECKING:
    from store.repository import DayRepository

app = typer.Typer()
users_app = typer.Typer(help="Accounts of the duty desk (charter serve).", no_args_is_help=True)

DEMO_ADMIN = "admin"

NameArgument = Annotated[str, typer.Argument(help="The account name.", show_default=False)]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (for scripts).",
    ),
]


def ask_password(name: str, *, from_stdin: bool) -> str:
    """The new password of ``name``: asked twice on the terminal (never echoed), or the first
    line of standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        raise InputError(
            InputProblem("password", None, None, None, "the two entries differ", "type it again")
        )
    return first


def add_account(store: DayRepository, name: str, role: str, password: str) -> None:
    """Add a desk account with an Argon2 hash of ``password`` (name and password checked)."""
    from desk.accounts import Role, check_name, hash_password

    check_name(name)
    store.add_user(name, role=Role(role).value, password_hash=hash_password(password))


def _plan_demo(db: str, work: Path, effort: int | None) -> None:
    """Plan the embedded demo day, save it in the store ``db`` (as ``charter demo --store``)
    and write its plan folder where the desk serves it from (``work``)."""
    from charter.commands.planning import demo_day
    from desk.planning import PlanRequest, run_plan_request

    with demo_day() as folder:
        request = PlanRequest(
            store_url=db,
            user=current_user(),
            source=folder,
            source_name="demo",
            plans=work / "plans",
            progress=work / "demo-progress.json",
            effort=effort,
            command="demo",
        )
        outcome = run_plan_request(request)
    if outcome.problems:
        raise InputError(outcome.problems)
    if outcome.failure is not None:
        raise RuntimeError(outcome.failure)


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="A temporary SQLite store with the demo day planned, and a one-time admin "
            "password printed once.",
        ),
    ] = False,
    init_admin: Annotated[
        str | None,
        typer.Option(
            "--init-admin",
            metavar="NAME",
            help="Create the first admin account NAME (password asked) before serving.",
            show_default=False,
        ),
    ] = None,
    plans: Annotated[
        int, typer.Option("--plans", min=1, max=8, help="Plans the desk runs at once.")
    ] = 1,
    effort: EffortOption = None,
    quiet: QuietOption = False,
) -> None:
    """Serve the duty desk (web pages on the day store) until Ctrl-C."""
    import uvicorn

    from desk.app import DeskSettings, create_app

    output = Output(quiet=quiet)
    scratch = Path(tempfile.mkdtemp(prefix="charter-serve-")) if demo else None
    try:
        if scratch is not None:
            db = str(scratch / "desk.db")
            (scratch / "work").mkdir()
            output.console.print("planning the demo day for the desk …")
            _plan_demo(db, scratch / "work", effort)
            password = secrets.token_urlsafe(12)
            with day_store(db) as store:
                add_account(store, DEMO_ADMIN, "admin", password)
            output.console.print(
                f"demo desk: sign in as [bold]{DEMO_ADMIN}[/bold] with the one-time password "
                f"[bold]{escape(password)}[/bold] (the store is removed when the desk stops)"
            )
        if init_admin is not None:
            password = ask_password(init_admin, from_stdin=False)
            with day_store(db) as store:
                add_account(store, init_admin, "admin", password)
            output.console.print(f"admin account {escape(init_admin)} created")
        settings = DeskSettings(
            store_url=db,
            work_dir=scratch / "work" if scratch is not None else None,
            workers=plans,
            effort=effort,
        )
        application = create_app(settings)
        output.console.print(f"the desk is at http://{host}:{port}/ (Ctrl-C stops it)")
        uvicorn.run(application, host=host, port=port, log_level="warning")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


RoleOption = Annotated[
    str,
    typer.Option("--role", help="admin, officer or viewer.", show_default=True),
]


@users_app.command("add")
def users_add(
    name: NameArgument,
    role: RoleOption = "officer",
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Add a desk account (the password is asked twice, never shown)."""
    from desk.accounts import Role

    if role not in tuple(Role):
        raise typer.BadParameter(f"--role {role!r} is not one of admin, officer, viewer")
    password = ask_password(name, from_stdin=password_stdin)
    with day_store(db) as store:
        add_account(store, name, role, password)
    Output(quiet=quiet).console.print(f"account {escape(name)} ({role}) added")


@users_app.command("passwd")
def users_passwd(
    name: NameArgument,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Set a desk account's password (its sessions end)."""
    from desk.accounts import hash_password

    password = ask_password(name, from_stdin=password_stdin)
    with day_store(db) as store:
        store.set_password(name, hash_password(password))
    Output(quiet=quiet).console.print(f"password of {escape(name)} changed")


@users_app.command("disable")
def users_disable(
    name: NameArgument,
    enable: Annotated[bool, typer.Option("--enable", help="Enable it again instead.")] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Disable a desk account (its sessions end), or enable it again."""
    with day_store(db) as store:
        store.set_disabled(name, not enable)
    state = "enabled" if enable else "disabled"
    Output(quiet=quiet).console.print(f"account {escape(name)} {state}")


@users_app.command("list")
def users_list(
    db: DbOption = None, as_json: JsonOption = False, quiet: QuietOption = False
) -> None:
    """List the desk's accounts."""
    output = Output(quiet=quiet, as_json=as_json)
    with day_store(db) as store:
        accounts = store.users()
    if output.as_json:
        output.json(
            {
                "code": 0,
                "users": [
                    {"name": a.name, "role": a.role, "disabled": a.disabled} for a in accounts
                ],
            }
        )
        return
    rows = [(a.name, a.role, "disabled" if a.disabled else "active") for a in accounts]
    output.table("accounts", ["name", "role", "state"], rows)
