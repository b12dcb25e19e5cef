"""A desk for the tests: a store holding plan_small's hand-made plan and one account of each
role, the app on it, and signing in as a browser would (the sign-in form's CSRF token)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from desk.accounts import hash_password
from desk.app import DeskSettings, create_app
from desk.security import RateLimit
from tests.store_cases import OPTIONS, hand_plan_on, opened, small_provenance

PASSWORDS = {
    "root": "root-password-1",
    "li": "officer-password-1",
    "wang": "viewer-password-1",
}
ROLES = {"root": "admin", "li": "officer", "wang": "viewer"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def seed_store(db: str) -> None:
    """plan_small's hand-made plan as version 1 of 2020-02-24, and the three accounts."""
    store = opened(db)
    try:
        store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
        for name, role in ROLES.items():
            store.add_user(name, role=role, password_hash=hash_password(PASSWORDS[name]))
    finally:
        store.close()


@contextmanager
def desk_client(db: str, work: Path, **settings: object) -> Iterator[TestClient]:
    """The desk on ``db`` (plans and uploads in ``work``) as a test client (not signed in)."""
    options: dict[str, object] = {"rate_limit": RateLimit(3, 60.0)} | settings
    app = create_app(DeskSettings(store_url=db, work_dir=work, **options))  # type: ignore[arg-type]
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        yield client


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str | None = None) -> str:
    """Sign in as ``name``; the session's CSRF token (from the days page)."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"name": name, "password": password or PASSWORDS[name], "csrf": token},
        follow_redirects=True,
    )
    assert answer.status_code == 200, answer.text
    return csrf_of(answer.text)


def accounts_only(db: str) -> None:
    """The three accounts in the store ``db`` (no day)."""
    store = opened(db)
    try:
        for name, role in ROLES.items():
            store.add_user(name, role=role, password_hash=hash_password(PASSWORDS[name]))
    finally:
        store.close()


def day_workbook(
    folder: Path, book: Path, edits: dict[tuple[str, int, str], str] | None = None
) -> Path:
    """The day folder ``folder`` as one workbook (a sheet per table, a ``policy`` key/value
    sheet), with ``edits`` applied: ``(table, data row index from 0, column) → value``."""
    import tomllib

    import pandas as pd

    policy = tomllib.loads((folder / "policy.toml").read_text(encoding="utf-8"))
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for csv in sorted(folder.glob("*.csv")):
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
            for (table, row, column), value in (edits or {}).items():
                if table == csv.stem:
                    frame.loc[row, column] = value
            frame.to_excel(writer, sheet_name=csv.stem, index=False)
        rows = [{"key": k, "value": str(v)} for k, v in policy.items()]
        pd.DataFrame(rows).to_excel(writer, sheet_name="policy", index=False)
    return book


def finished(client: TestClient, job: str) -> dict[str, object]:
    """The progress of the run ``job`` (its page's address) once it has ended."""
    state: dict[str, object] = {}
    for _ in range(900):  # waits for the worker; no timing is asserted
        state = client.get(job + "/progress").json()
        if state["stage"] in ("done", "failed"):
            break
        time.sleep(0.2)
    return state


def audit_actions(db: str, limit: int = 20) -> list[tuple[str, str]]:
    """``(user, action)`` of the latest audit entries of the store ``db``."""
    store = opened(db, user="test")
    try:
        return [(e.user, e.action) for e in store.audit(limit=limit)]
    finally:
        store.close()
