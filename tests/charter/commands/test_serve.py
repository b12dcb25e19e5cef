"""Tests of charter serve and charter users: accounts added, their passwords changed and
disabled from the command line; the first admin of --init-admin (password asked, never
printed); the desk handed to uvicorn on the address given."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from charter.cli import main
from desk.accounts import verify_password
from tests.store_cases import opened


def _users(db: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[str, bool]]:
    capsys.readouterr()
    assert main(["users", "list", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["users"]
    return {u["name"]: (u["role"], u["disabled"]) for u in listed}


def test_users_add_passwd_disable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "charter.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("first-password\n"))
    assert (
        main(["users", "add", "li", "--role", "officer", "--password-stdin", "--db", str(db)]) == 0
    )
    assert "first-password" not in capsys.readouterr().out
    assert _users(db, capsys) == {"li": ("officer", False)}
    monkeypatch.setattr("sys.stdin", io.StringIO("second-password\n"))
    assert main(["users", "passwd", "li", "--password-stdin", "--db", str(db)]) == 0
    store = opened(str(db))
    account = store.account("li")
    store.close()
    assert account is not None
    assert verify_password(account.password_hash, "second-password")
    assert main(["users", "disable", "li", "--db", str(db)]) == 0
    assert _users(db, capsys) == {"li": ("officer", True)}
    assert main(["users", "disable", "li", "--enable", "--db", str(db)]) == 0
    assert _users(db, capsys) == {"li": ("officer", False)}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "li"], "short\n", "at least 10 characters"),
        (["users", "add", "l i"], "long-enough-1\n", "is not a valid account name"),
        (["users", "add", "li", "--role", "boss"], "long-enough-1\n", "is not one of admin"),
        (["users", "disable", "ghost"], "", "is not an account"),
    ],
    ids=["short-password", "bad-name", "bad-role", "unknown"],
)
def test_users_refuse_bad_input(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    extra = ["--password-stdin"] if args[1] == "add" else []
    assert main([*args, *extra, "--db", str(tmp_path / "c.db")]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_serve_init_admin_asks_the_password_and_starts_the_desk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[object, str, int]] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "root-password-1")
    monkeypatch.setattr(
        "uvicorn.run", lambda app, host, port, **_: served.append((app, host, port))
    )
    db = tmp_path / "charter.db"
    assert main(["serve", "--db", str(db), "--init-admin", "root", "--port", "8765"]) == 0
    printed = capsys.readouterr().out
    assert "root-password-1" not in printed
    assert "http://127.0.0.1:8765/" in printed
    assert [(host, port) for _, host, port in served] == [("127.0.0.1", 8765)]
    assert _users(db, capsys) == {"root": ("admin", False)}


def test_init_admin_refuses_two_different_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["root-password-1", "root-password-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["serve", "--db", str(tmp_path / "c.db"), "--init-admin", "root"]) == 2
    assert "the two entries differ" in capsys.readouterr().err
