"""A bounded load check of the duty desk (``bench/results/desk_load.md``): simulated users
browsing plan pages on 127.0.0.1, first with nothing else running, then while one plan runs.

1. A new SQLite store in a temporary folder with the demo day planned as version 1 (a small
   effort: only the pages matter) and its plan folder written; ``users`` viewer accounts and
   one officer.
2. The desk served by uvicorn in a child process on a free port of 127.0.0.1 (so the clients'
   threads do not share its interpreter).
3. ``users`` threads, each signed in as its own account, loop over the days list, the plan
   page and the run's progress (pausing ``--think`` seconds on average between two pages, as a
   person reading them; ``--think 0`` is a stress test), for ``--idle`` seconds; then the
   officer uploads the demo day (zipped) and plans it (the day's own effort), and the same
   browsing goes on until the plan is saved, or ``--limit`` seconds.

Every address is 127.0.0.1; the script stops by itself (``--limit``) and removes its folder.
Run: ``python -m bench.desk_load [--users 20] [--think 1] [--idle 15] [--limit 300] [--out F]``.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
DATE = "2020-02-24"
PASSWORD = "load-test-password"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PREP_EFFORT = 1


@dataclass
class Tally:
    """Latencies (seconds) by page kind and the errors, of one phase."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error is not None:
                self.errors.append(f"{kind}: {error}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _prepare(folder: Path, users: int) -> str:
    """The store with the demo planned as version 1 and the accounts; its path."""
    from charter.commands.planning import demo_day
    from desk.accounts import hash_password
    from desk.planning import PlanRequest, run_plan_request
    from store.location import resolve_location
    from store.sql.sqlstore import open_store

    db = str(folder / "desk.db")
    with demo_day() as demo:
        outcome = run_plan_request(
            PlanRequest(
                store_url=db,
                user="bench",
                source=demo,
                source_name="demo",
                plans=folder / "work" / "plans",
                progress=folder / "prep.json",
                effort=PREP_EFFORT,
                command="demo",
            )
        )
    if outcome.version != 1:
        raise RuntimeError(f"the demo was not planned: {outcome}")
    store = open_store(resolve_location(db), user="bench")
    try:
        hashed = hash_password(PASSWORD)
        for n in range(users):
            store.add_user(f"viewer{n:02d}", role="viewer", password_hash=hashed)
        store.add_user("officer", role="officer", password_hash=hashed)
    finally:
        store.close()
    return db


def _serve(db: str, work: Path, port: int) -> None:
    """The desk on ``db`` (child process mode)."""
    import uvicorn

    from desk.app import DeskSettings, create_app
    from desk.security import RateLimit

    settings = DeskSettings(store_url=db, work_dir=work, rate_limit=RateLimit(1000, 60.0))
    uvicorn.run(create_app(settings), host=HOST, port=port, log_level="warning")


def _client(base: str, name: str) -> tuple[object, str]:
    import httpx2 as httpx

    client = httpx.Client(base_url=base, timeout=60.0)
    token = CSRF.search(client.get("/login").text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf": token.group(1)},
        follow_redirects=True,
    )
    found = CSRF.search(answer.text)
    if answer.status_code != 200 or found is None:
        raise RuntimeError(f"{name} could not sign in: {answer.status_code}")
    return client, found.group(1)


def _browse(
    client: object,
    stop: threading.Event,
    tally: list[Tally],
    job: list[str],
    think: float,
    seed: int,
) -> None:
    pages = [("days", "/days"), ("plan page", f"/days/{DATE}/v/1")]
    pause = random.Random(seed)
    turn = 0
    while not stop.is_set():
        if think > 0:
            stop.wait(pause.uniform(0.5 * think, 1.5 * think))
        kind, path = pages[turn % len(pages)]
        if job and turn % 3 == 2:
            kind, path = "progress", job[0] + "/progress"
        turn += 1
        started = time.perf_counter()
        error = None
        try:
            answer = client.get(path)  # type: ignore[attr-defined]
            if answer.status_code != 200:
                error = f"HTTP {answer.status_code}"
        except Exception as failure:  # a timeout or a refused connection is an error here
            error = type(failure).__name__
        tally[0].add(kind, time.perf_counter() - started, error)


def _demo_zip() -> bytes:
    from charter.commands.planning import demo_day

    buffer = io.BytesIO()
    with demo_day() as demo, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(demo.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    return buffer.getvalue()


def _start_plan(base: str) -> tuple[object, str]:
    """The officer uploads the demo zipped and plans it; the client and the run's path."""
    client, csrf = _client(base, "officer")
    checked = client.post(  # type: ignore[attr-defined]
        "/upload", data={"csrf": csrf}, files={"day": ("demo.zip", _demo_zip())}
    )
    action = re.search(r'action="(/uploads/[0-9a-f]+/plan)"', checked.text)
    if action is None:
        raise RuntimeError(f"the upload was not accepted: {checked.status_code}")
    started = client.post(action.group(1), data={"csrf": csrf}, follow_redirects=False)  # type: ignore[attr-defined]
    return client, str(started.headers["location"])


def _p(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _rows(name: str, tally: Tally, seconds: float) -> list[str]:
    everything = [v for values in tally.latencies.values() for v in values]
    rows = []
    for kind, values in [*sorted(tally.latencies.items()), ("all", everything)]:
        rows.append(
            f"| {name} | {kind} | {len(values)} | {len(values) / seconds:.1f} | "
            f"{1000 * statistics.median(values):.0f} | {1000 * _p(values, 0.95):.0f} | "
            f"{1000 * max(values):.0f} |"
        )
    return rows


def run(users: int, idle: float, limit: float, think: float) -> str:
    """Measure; the markdown table."""
    folder = Path(tempfile.mkdtemp(prefix="desk-load-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        db = _prepare(folder, users)
        port = _free_port()
        base = f"http://{HOST}:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.desk_load",
                "--serve",
                db,
                str(folder / "work"),
                str(port),
            ]
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the desk did not start") from None
                time.sleep(0.2)
        clients = [_client(base, f"viewer{n:02d}")[0] for n in range(users)]
        clients[0].get(f"/days/{DATE}/v/1/files/map.html")  # type: ignore[attr-defined]
        job: list[str] = []
        phases: list[tuple[str, Tally, float]] = []
        current = [Tally()]
        stop = threading.Event()
        threads = [
            threading.Thread(target=_browse, args=(c, stop, current, job, think, n), daemon=True)
            for n, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(idle)
        phases.append(("nothing else running", current[0], idle))
        current[0] = Tally()
        officer, job_path = _start_plan(base)
        job.append(job_path)
        started = time.monotonic()
        outcome = "not finished"
        while time.monotonic() - started < limit:
            state = officer.get(job_path + "/progress").json()  # type: ignore[attr-defined]
            if state["stage"] in ("done", "failed"):
                outcome = f"{state['stage']} ({state.get('next', '')})"
                break
            time.sleep(1.0)
        planning = time.monotonic() - started
        phases.append(("while one plan runs", current[0], planning))
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    lines = [
        f"{users} users on {HOST}, each in its own session, looping over the days list, the plan "
        f"page of the demo ({DATE} v1, 4,000 workers) and, during the plan, its progress; "
        + (
            f"between two pages a user waits {0.5 * think:.1f}-{1.5 * think:.1f} s."
            if think > 0
            else "no pause between pages (a stress test, not browsing)."
        ),
        f"The plan (the demo uploaded as a zip, its own effort) ran {planning:.0f} s: {outcome}.",
        "",
        "| phase | page | requests | per s | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, tally, seconds in phases:
        lines += _rows(name, tally, seconds)
    errors = [e for _, tally, _ in phases for e in tally.errors]
    lines += [
        "",
        f"errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors))[:5])})" if errors else ""),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, measure, write the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--idle", type=float, default=15.0, help="seconds without a plan")
    parser.add_argument("--limit", type=float, default=300.0, help="longest wait for the plan")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between pages, s")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--serve", nargs=3, metavar=("DB", "WORK", "PORT"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve:
        _serve(options.serve[0], Path(options.serve[1]), int(options.serve[2]))
        return
    table = run(options.users, options.idle, options.limit, options.think)
    sys.stdout.write(table)
    if options.out is not None:
        options.out.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
