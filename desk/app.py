"""The desk's web application: ``create_app`` builds the FastAPI app on a day store — sign in
and out, the days and plan pages, downloads, upload and check, planning in a worker with a
progress bar, the audit log and the accounts (admin). Pages are rendered on the server
(Jinja2, autoescaped); one small script of our own polls the progress."""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import tempfile
import threading
import uuid
import zipfile
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from desk.accounts import Role, check_name, hash_password, verify_password
from desk.jobs import JobBoard
from desk.pages import Pages
from desk.planning import FolderCache, PlanRequest, read_progress, run_plan_request
from desk.replanning import events_source
from desk.security import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    RateLimit,
    SignInLimiter,
    new_token,
    same_token,
    token_hash,
)
from desk.uploads import MAX_UPLOAD, DayCheck, check_source, day_source
from stations.errors import InputError
from stations.lang import Lang
from store.repository import DeskSession  # at run time: FastAPI reads the annotations

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from desk.views import PlanView
    from store.repository import DayRepository, StoredScenario, StoredVersion

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 12.0
LANG_COOKIE = "desk_lang"
DOWNLOADS = {  # file → (media type, holds manifests)
    "map.html": ("text/html; charset=utf-8", False),
    "plan.json": ("application/json", False),
    "plan.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
    "csv.zip": ("application/zip", True),
    "diff.json": ("application/json", True),  # a re-plan's: names the workers moved
    "diff.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
    "amendments.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
    ),
}
REPLAN_FILES = frozenset({"diff.json", "diff.xlsx", "amendments.xlsx"})
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
MAP_POLICY = (
    "frame-ancestors 'self'; base-uri 'none'; object-src 'none'"  # the page frames it sandboxed
)
VERSION_CACHE = 16  # stored versions kept parsed in memory (versions never change)


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """How the desk runs.

    Parameters
    ----------
    store_url
        The day store (``--db``: a SQLite path or a URL).
    work_dir
        Where uploads and plan folders go (None: a temporary folder removed at shutdown).
    workers
        Plans run at once (more wait in a queue). Default 1.
    session_hours
        How long a sign-in lasts. Default 12.
    rate_limit
        Failed sign-ins allowed per name and address. Default 5 per 5 minutes.
    effort
        The planner's effort for plans of the desk (None: the day's policy). Default None.
    """

    store_url: str | None
    work_dir: Path | None = None
    workers: int = 1
    session_hours: float = SESSION_HOURS
    rate_limit: RateLimit = field(default_factory=RateLimit)
    effort: int | None = None


@dataclass(frozen=True, slots=True)
class PendingReplan:
    """A re-plan asked for from a version that is no longer the latest: held until the
    officer chooses to re-base it on the latest or to branch from the version asked."""

    id: str
    user: str
    date: str
    asked: int
    latest: int
    at: str
    events: Path | None


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded day and what its check said."""

    id: str
    user: str
    filename: str
    source: Path | None
    check: DayCheck


class SignInNeededError(Exception):
    """A page asked for without a session: go to the sign-in page."""


class Desk:
    """The application's state: the store, the plan folders, uploads, jobs, the limiter."""

    def __init__(self, settings: DeskSettings, store: DayRepository, work_dir: Path) -> None:
        self.settings = settings
        self.store = store
        self.work_dir = work_dir
        self.plans = FolderCache(work_dir / "plans")
        self.jobs = JobBoard(workers=settings.workers)
        self.limiter = SignInLimiter(settings.rate_limit)
        self.uploads: dict[str, Upload] = {}
        self.pending: dict[str, PendingReplan] = {}
        self._versions: OrderedDict[tuple[dt.date, int], StoredVersion] = OrderedDict()
        self._views: OrderedDict[tuple[dt.date, int, Lang], PlanView] = OrderedDict()
        self._lock = threading.Lock()

    def version(self, date: dt.date, number: int) -> StoredVersion:
        """A stored version (kept parsed: versions never change)."""
        key = (date, number)
        with self._lock:
            if key in self._versions:
                self._versions.move_to_end(key)
                return self._versions[key]
        found = self.store.version(date, number)
        with self._lock:
            self._versions[key] = found
            while len(self._versions) > VERSION_CACHE:
                self._versions.popitem(last=False)
        return found

    def view(self, date: dt.date, number: int, lang: Lang) -> PlanView:
        """The plan page's tables of a version in ``lang`` (kept: versions never change)."""
        from desk.views import plan_view
        from dispatch.outputs.labels import kpi_rows

        key = (date, number, lang)
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        stored = self.version(date, number)
        made = plan_view(stored.document, kpi_rows(stored.kpis, lang), lang)
        with self._lock:
            self._views[key] = made
            while len(self._views) > VERSION_CACHE:
                self._views.popitem(last=False)
        return made


def _lang(request: Request) -> Lang:
    try:
        return Lang(request.cookies.get(LANG_COOKIE, Lang.BOTH.value))
    except ValueError:
        return Lang.BOTH


def _desk(request: Request) -> Desk:
    desk = request.app.state.desk
    assert isinstance(desk, Desk)
    return desk


def _session(request: Request) -> DeskSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return _desk(request).store.session(token_hash(token), now=now)


def signed_in(request: Request) -> DeskSession:
    """The session of a page request (``SignInNeededError`` without one)."""
    found = _session(request)
    if found is None:
        if request.method == "GET":
            raise SignInNeededError
        raise HTTPException(403, "sign in first")
    return found


Session = Annotated[DeskSession, Depends(signed_in)]


async def _checked_form(request: Request, session: DeskSession) -> dict[str, Any]:
    """The form of a POST whose CSRF token is the session's (403 otherwise)."""
    form = await request.form()
    if not same_token(str(form.get(CSRF_FIELD) or ""), session.csrf):
        raise HTTPException(403, "the form has no valid CSRF token")
    return dict(form)


async def posted(request: Request, session: Session) -> DeskSession:
    """Any signed-in account's POST with a valid CSRF token."""
    await _checked_form(request, session)
    return session


def _role(session: DeskSession) -> Role:
    return Role(session.user.role)


async def officer_post(request: Request, session: Session) -> DeskSession:
    """A POST of an officer or admin with a valid CSRF token (403 for a viewer)."""
    if not _role(session).can_plan:
        raise HTTPException(403, "a viewer account cannot change anything")
    await _checked_form(request, session)
    return session


async def admin_post(request: Request, session: Session) -> DeskSession:
    """A POST of an admin with a valid CSRF token."""
    if _role(session) is not Role.ADMIN:
        raise HTTPException(403, "only an admin may do this")
    await _checked_form(request, session)
    return session


def admin_page(session: Session) -> DeskSession:
    """A page only an admin sees."""
    if _role(session) is not Role.ADMIN:
        raise HTTPException(403, "only an admin may see this")
    return session


def officer_page(session: Session) -> DeskSession:
    """A page only an officer or admin sees."""
    if not _role(session).can_plan:
        raise HTTPException(403, "a viewer account cannot change anything")
    return session


def _as(desk: Desk, session: DeskSession) -> DayRepository:
    return desk.store.acting_as(session.user.name)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HTTPException(404, "no such day") from None


def _local_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/days"


def create_app(settings: DeskSettings, *, store: DayRepository | None = None) -> FastAPI:
    """The desk on the store of ``settings`` (opened and migrated now, unless ``store`` is
    given: then that one is used, and closed with the app)."""
    if store is None:
        from store.location import resolve_location
        from store.sql.sqlstore import open_store

        store = open_store(resolve_location(settings.store_url), user="desk")
    own_dir = settings.work_dir is None
    work_dir = settings.work_dir or Path(tempfile.mkdtemp(prefix="charter-desk-"))
    desk = Desk(settings, store, work_dir)
    pages = Pages()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            desk.jobs.shutdown()
            desk.store.close()
            if own_dir:
                shutil.rmtree(work_dir, ignore_errors=True)

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.desk = desk
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def page(
        request: Request,
        name: str,
        session: DeskSession | None,
        status: int = 200,
        **context: object,
    ) -> HTMLResponse:
        return HTMLResponse(
            pages.render(
                name, lang=_lang(request), session=session, path=request.url.path, **context
            ),
            status_code=status,
        )

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method == "POST":
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return page(request, "error.html", None, 411, message=ERRORS[411])
            if int(length) > MAX_UPLOAD + 64 * 1024:
                return page(request, "error.html", None, 413, message=ERRORS[413])
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(SignInNeededError)
    async def _sign_in(request: Request, _: SignInNeededError) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        message = ERRORS.get(error.status_code, ERRORS[400])
        return page(
            request,
            "error.html",
            _session(request),
            error.status_code,
            message=message,
            detail=str(error.detail),
        )

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, _: RequestValidationError) -> Response:
        return page(request, "error.html", None, 400, message=ERRORS[400], detail="")

    @app.exception_handler(InputError)
    async def _input_error(request: Request, error: InputError) -> Response:
        from store.errors import NotFoundError

        status = 404 if isinstance(error, NotFoundError) else 400
        return page(
            request, "error.html", None, status, message=ERRORS[status], problems=error.problems
        )

    @app.exception_handler(Exception)
    async def _internal(request: Request, error: Exception) -> Response:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return page(request, "error.html", None, 500, message=ERRORS[500], detail="")

    # ------------------------------------------------------------------ sign in and out

    @app.get("/")
    def home(session: Session) -> Response:
        return RedirectResponse("/days", status_code=303)

    @app.get("/login")
    def login_page(request: Request) -> Response:
        token = new_token()
        response = page(request, "login.html", None, csrf_login=token)
        _cookie(response, request, LOGIN_COOKIE, token, max_age=3600)
        return response

    @app.post("/login")
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=200)],
        password: Annotated[str, Form(max_length=1000)],
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        if not same_token(csrf, request.cookies.get(LOGIN_COOKIE)):
            raise HTTPException(403, "the sign-in form has no valid CSRF token")
        address = request.client.host if request.client else "unknown"
        keys = (f"name:{name}", f"addr:{address}")
        wait = desk.limiter.blocked(*keys)
        if wait > 0:
            desk.store.acting_as(name).record("sign_in_limited", address=address)
            return page(
                request, "error.html", None, 429, message=ERRORS[429], detail=f"{wait:.0f} s"
            )
        account = desk.store.account(name)
        good = verify_password(account.password_hash if account else None, password)
        if account is None or not good or account.disabled:
            desk.limiter.failed(*keys)
            desk.store.acting_as(name).record("sign_in_failed", address=address)
            token = new_token()
            response = page(request, "login.html", None, 401, csrf_login=token, failed=True)
            _cookie(response, request, LOGIN_COOKIE, token, max_age=3600)
            return response
        desk.limiter.succeeded(keys[0])
        token = new_token()
        hours = desk.settings.session_hours
        expires = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=hours)
        desk.store.open_session(
            name, token_hash=token_hash(token), csrf=new_token(), expires_at=expires
        )
        desk.store.acting_as(name).record("sign_in", address=address)
        done = RedirectResponse("/days", status_code=303)
        _cookie(done, request, SESSION_COOKIE, token, max_age=int(hours * 3600))
        done.delete_cookie(LOGIN_COOKIE, path="/")
        return done

    @app.post("/logout")
    def logout(request: Request, session: Annotated[DeskSession, Depends(posted)]) -> Response:
        token = request.cookies.get(SESSION_COOKIE, "")
        desk.store.close_session(token_hash(token))
        _as(desk, session).record("sign_out")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/lang/{code}")
    def choose_lang(request: Request, code: str, next: str = "/days") -> Response:
        try:
            lang = Lang(code)
        except ValueError:
            raise HTTPException(404, "no such language") from None
        response = RedirectResponse(_local_next(next), status_code=303)
        _cookie(response, request, LANG_COOKIE, lang.value, max_age=365 * 86400, http_only=False)
        return response

    # ------------------------------------------------------------------ days and plans

    @app.get("/days")
    def days(request: Request, session: Session) -> Response:
        return page(request, "days.html", session, days=desk.store.days(), jobs=desk.jobs.recent())

    @app.get("/days/{date}")
    def day(date: str, session: Session) -> Response:
        versions = desk.store.versions(_date(date))
        return RedirectResponse(f"/days/{date}/v/{versions[-1].version}", status_code=303)

    @app.get("/days/{date}/v/{number}")
    def plan_page(request: Request, date: str, number: int, session: Session) -> Response:
        from desk.views import plan_view
        from dispatch.outputs.labels import kpi_rows

        lang = _lang(request)
        stored = desk.version(_date(date), number)
        versions = desk.store.versions(stored.info.date)
        view = plan_view(stored.document, kpi_rows(stored.kpis, lang), lang)
        return page(
            request,
            "plan.html",
            session,
            stored=stored,
            versions=versions,
            latest=versions[-1].version,
            view=view,
            downloads=[
                name
                for name, (_, manifests) in DOWNLOADS.items()
                if (not manifests or _role(session).can_download_manifests)
                and (name not in REPLAN_FILES or stored.options.replan is not None)
            ],
            replan=stored.options.replan,
            can_plan=_role(session).can_plan,
            scenario_runs=scenario_runs(desk.store.scenarios(stored.info.date)),
        )

    @app.post("/days/{date}/v/{number}/replan")
    def replan(
        request: Request,
        date: str,
        number: int,
        session: Annotated[DeskSession, Depends(officer_post)],
        at: Annotated[str, Form(max_length=20)],
        events: UploadFile | None = None,
    ) -> Response:
        day = _date(date)
        desk.version(day, number)  # 404 for an unknown version
        replan_id = uuid.uuid4().hex
        folder = desk.work_dir / "jobs" / replan_id
        folder.mkdir(parents=True)
        given: Path | None = None
        if events is not None and events.filename:
            sent = folder / "sent"
            with sent.open("wb") as sink:
                shutil.copyfileobj(events.file, sink)
            given = events_source(sent, events.filename[-200:], folder)
        latest = desk.store.versions(day)[-1].version
        pending = PendingReplan(replan_id, session.user.name, date, number, latest, at, given)
        if latest != number:
            desk.pending[replan_id] = pending
            return page(request, "stale.html", session, 409, pending=pending)
        return _start_replan(desk, pending, base=number, latest_parent=True)

    @app.post("/replans/{replan_id}/start")
    def replan_anyway(
        replan_id: str,
        session: Annotated[DeskSession, Depends(officer_post)],
        base: Annotated[str, Form(max_length=20)],
    ) -> Response:
        pending = desk.pending.pop(replan_id, None)
        if pending is None or pending.user != session.user.name:
            raise HTTPException(404, "no such re-plan waiting")
        if base == "latest":
            latest = desk.store.versions(dt.date.fromisoformat(pending.date))[-1].version
            return _start_replan(desk, pending, base=latest, latest_parent=True)
        return _start_replan(desk, pending, base=pending.asked, latest_parent=False)

    @app.get("/days/{date}/v/{number}/files/{name}")
    def download(date: str, number: int, name: str, session: Session) -> Response:
        if name not in DOWNLOADS:
            raise HTTPException(404, "no such file")
        media, manifests = DOWNLOADS[name]
        if manifests and not _role(session).can_download_manifests:
            raise HTTPException(403, "a viewer account cannot download manifests")
        day = _date(date)
        desk.version(day, number)  # 404 for an unknown version
        folder = desk.plans.folder(desk.store, date, number)
        if not (folder / name).is_file() and name != "csv.zip":
            raise HTTPException(404, "this version has no such file on this desk")
        if name != "map.html":
            _as(desk, session).record("download", day=day, version=number, file=name)
        filename = f"{date}-v{number}-{name}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        if name == "map.html":
            headers = {"Content-Security-Policy": MAP_POLICY}
        if name == "csv.zip":
            return Response(_zipped_csv(folder / "csv"), media_type=media, headers=headers)
        return FileResponse(folder / name, media_type=media, headers=headers)

    # ------------------------------------------------------------------ upload, check, plan

    @app.get("/upload")
    def upload_page(
        request: Request, session: Annotated[DeskSession, Depends(officer_page)]
    ) -> Response:
        return page(request, "upload.html", session)

    @app.post("/upload")
    def upload(
        request: Request,
        session: Annotated[DeskSession, Depends(officer_post)],
        day: UploadFile,
    ) -> Response:
        upload_id = uuid.uuid4().hex
        folder = desk.work_dir / "uploads" / upload_id
        folder.mkdir(parents=True)
        filename = (day.filename or "upload")[-200:]
        sent = folder / "sent"
        with sent.open("wb") as sink:
            shutil.copyfileobj(day.file, sink)
        try:
            checked = day_source(sent, filename, folder)
            source: Path | None = checked
            check = check_source(checked)
        except InputError as error:
            source, check = None, DayCheck(error.problems, (), (), None)
        sent.unlink(missing_ok=True)
        desk.uploads[upload_id] = Upload(upload_id, session.user.name, filename, source, check)
        _as(desk, session).record(
            "upload", file=filename, problems=len(check.problems), date=check.date
        )
        status = 200 if check.ok else 422
        return page(request, "check.html", session, status, upload=desk.uploads[upload_id])

    @app.post("/uploads/{upload_id}/plan")
    def plan_upload(
        upload_id: str, session: Annotated[DeskSession, Depends(officer_post)]
    ) -> Response:
        found = desk.uploads.get(upload_id)
        if found is None or found.source is None or not found.check.ok:
            raise HTTPException(404, "no such checked upload")
        job_id = uuid.uuid4().hex
        job_dir = desk.work_dir / "jobs" / job_id
        job_dir.mkdir(parents=True)
        request = PlanRequest(
            store_url=desk.settings.store_url,
            user=session.user.name,
            source=found.source,
            source_name=found.filename,
            plans=desk.work_dir / "plans",
            progress=job_dir / "progress.json",
            effort=desk.settings.effort,
            options=(("--upload", found.filename),),
        )
        desk.jobs.submit(
            job_id,
            run_plan_request,
            request,
            progress=request.progress,
            user=session.user.name,
            title=found.filename,
        )
        _as(desk, session).record(
            "plan_started", file=found.filename, date=found.check.date, job=job_id
        )
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/jobs/{job_id}")
    def job_page(request: Request, job_id: str, session: Session) -> Response:
        job = desk.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such plan run")
        return page(
            request,
            "job.html",
            session,
            job=job,
            progress=read_progress(job.progress),
            outcome=desk.jobs.outcome(job_id),
        )

    @app.get("/jobs/{job_id}/progress")
    def job_progress(job_id: str, session: Session) -> Response:
        job = desk.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such plan run")
        state = read_progress(job.progress)
        outcome = desk.jobs.outcome(job_id)
        if outcome is None and state.get("stage") in ("done", "failed"):
            state["stage"] = "write"  # the worker is handing its outcome back
        if outcome is not None and outcome.version is not None:
            state |= {
                "stage": "done",
                "fraction": 1.0,
                "next": f"/days/{outcome.date}/v/{outcome.version}",
            }
        elif outcome is not None and outcome.run is not None:
            state |= {
                "stage": "done",
                "fraction": 1.0,
                "next": f"/days/{outcome.date}/scenarios/{outcome.run}",
            }
        elif outcome is not None:
            state |= {"stage": "failed", "fraction": 1.0, "next": f"/jobs/{job_id}"}
        return JSONResponse(state)

    # ------------------------------------------------------------------ scenarios

    def scenarios_of(
        request: Request, date: str, session: DeskSession, **context: object
    ) -> HTMLResponse:
        day = _date(date)
        latest = desk.store.versions(day)[-1].version  # 404 for an unknown day
        status = 422 if context.get("problems") else 200
        return page(
            request,
            "scenarios.html",
            session,
            status,
            **({"problems": ()} | context),
            date=date,
            latest=latest,
            runs=scenario_runs(desk.store.scenarios(day)),
            can_plan=_role(session).can_plan,
        )

    @app.get("/days/{date}/scenarios")
    def scenarios_page(request: Request, date: str, session: Session) -> Response:
        return scenarios_of(request, date, session)

    @app.post("/days/{date}/scenarios")
    def scenarios_run(
        request: Request,
        date: str,
        session: Annotated[DeskSession, Depends(officer_post)],
        files: Annotated[list[UploadFile], File()],
    ) -> Response:
        from desk.scenarios import (
            MAX_FILES,
            ScenarioRequest,
            check_scenarios,
            run_scenario_request,
            scenario_file,
        )

        day = _date(date)
        version = desk.store.versions(day)[-1].version
        sent_files = [f for f in files if f.filename][:MAX_FILES]
        if not sent_files:
            raise HTTPException(400, "send one or more scenario files")
        job_id = uuid.uuid4().hex
        folder = desk.work_dir / "jobs" / job_id
        (folder / "scenarios").mkdir(parents=True)
        names = [(f.filename or "")[-200:] for f in sent_files]
        try:
            paths = []
            for sent_file, name in zip(sent_files, names, strict=True):
                sent = folder / "sent"
                with sent.open("wb") as sink:
                    shutil.copyfileobj(sent_file.file, sink)
                paths.append(scenario_file(sent, name, folder / "scenarios"))
            check_scenarios(desk.store, day, version, tuple(paths))
        except InputError as error:
            _as(desk, session).record(
                "scenarios_refused",
                day=day,
                version=version,
                files=", ".join(names),
                problems=len(error.problems),
            )
            shutil.rmtree(folder, ignore_errors=True)
            return scenarios_of(request, date, session, problems=error.problems)
        scenario_request = ScenarioRequest(
            store_url=desk.settings.store_url,
            user=session.user.name,
            date=date,
            version=version,
            files=tuple(paths),
            work=folder,
            progress=folder / "progress.json",
            effort=desk.settings.effort,
        )
        desk.jobs.submit(
            job_id,
            run_scenario_request,
            scenario_request,
            progress=scenario_request.progress,
            user=session.user.name,
            title=f"{date} v{version}: " + ", ".join(p.name for p in paths),
        )
        _as(desk, session).record(
            "scenarios_started", day=day, version=version, files=", ".join(names), job=job_id
        )
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/days/{date}/scenarios/{run}")
    def comparison_page(request: Request, date: str, run: int, session: Session) -> Response:
        from scenarios.stored import stored_comparison

        stored = run_results(desk.store, _date(date), run)
        header, rows = stored_comparison(stored).side_by_side(_lang(request))
        return page(
            request,
            "comparison.html",
            session,
            date=date,
            run=run,
            stored=stored,
            header=header,
            rows=rows,
        )

    @app.get("/days/{date}/scenarios/{run}/comparison.csv")
    def comparison_csv(date: str, run: int, session: Session) -> Response:
        from dispatch.outputs.cells import safe_frame
        from scenarios.compare import CSV_ENCODING
        from scenarios.stored import stored_comparison

        frame = stored_comparison(run_results(desk.store, _date(date), run)).frame()
        filename = f"{date}-scenarios-{run}-comparison.csv"
        return Response(
            safe_frame(frame).to_csv(index=False).encode(CSV_ENCODING),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @app.get("/days/{date}/scenarios/{run}/{number}/plan.json")
    def scenario_plan(date: str, run: int, number: int, session: Session) -> Response:
        day = _date(date)
        stored = run_results(desk.store, day, run)
        if not 0 <= number < len(stored) or stored[number].entry.document is None:
            raise HTTPException(404, "this scenario has no plan")
        _as(desk, session).record(
            "download", day=day, file=f"scenario run {run}: {stored[number].entry.name} plan.json"
        )
        filename = f"{date}-scenarios-{run}-{number}-plan.json"
        return Response(
            stored[number].entry.document,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @app.get("/stats")
    def stats_page(request: Request, session: Session, start: str = "", end: str = "") -> Response:
        from markupsafe import Markup

        from store.errors import StoreError
        from store.statistics.files import district_chart, workers_chart
        from store.statistics.tables import stats_tables

        lang = _lang(request)
        stored = [d.date for d in desk.store.days()]
        first = _date(start) if start else (min(stored) if stored else dt.date.today())
        last = _date(end) if end else (max(stored) if stored else first)
        if last < first:
            raise HTTPException(400, "the period ends before it starts")
        try:
            stats = desk.store.stats(first, last)
        except StoreError:  # no stored day in the period
            start, end = first.isoformat(), last.isoformat()
            return page(request, "stats.html", session, stats=None, start=start, end=end)
        charts = workers_chart(stats, lang) + district_chart(stats, lang)
        return page(
            request,
            "stats.html",
            session,
            stats=stats,
            start=first.isoformat(),
            end=last.isoformat(),
            charts=Markup(charts),  # store.statistics.svg escapes every text it draws
            tables=[t for t in stats_tables(stats, lang) if not t.detail],
        )

    # ------------------------------------------------------------------ admin

    @app.get("/audit")
    def audit(request: Request, session: Annotated[DeskSession, Depends(admin_page)]) -> Response:
        return page(request, "audit.html", session, entries=desk.store.audit(limit=200))

    @app.get("/admin/users")
    def users(request: Request, session: Annotated[DeskSession, Depends(admin_page)]) -> Response:
        return page(request, "users.html", session, users=desk.store.users(), roles=list(Role))

    @app.post("/admin/users")
    def add_user(
        session: Annotated[DeskSession, Depends(admin_post)],
        name: Annotated[str, Form(max_length=64)],
        role: Annotated[Role, Form()],
        password: Annotated[str, Form(max_length=1000)],
    ) -> Response:
        check_name(name)
        _as(desk, session).add_user(name, role=role.value, password_hash=hash_password(password))
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{name}/disable")
    def disable_user(name: str, session: Annotated[DeskSession, Depends(admin_post)]) -> Response:
        if name == session.user.name:
            raise HTTPException(400, "you cannot disable your own account")
        _as(desk, session).set_disabled(name, True)
        return RedirectResponse("/admin/users", status_code=303)

    return app


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """A stored scenario run of a day as the pages list it."""

    id: int
    created_at: dt.datetime
    created_by: str
    names: tuple[str, ...]
    failed: int


def scenario_runs(stored: Sequence[StoredScenario]) -> list[ScenarioRun]:
    """The runs of a day's stored scenario results, newest first."""
    runs: dict[int, list[StoredScenario]] = {}
    for found in stored:
        runs.setdefault(found.run_id, []).append(found)
    return [
        ScenarioRun(
            run,
            results[0].created_at,
            results[0].created_by,
            tuple(r.entry.name for r in results if not r.entry.baseline),
            sum(r.entry.kpis is None for r in results),
        )
        for run, results in sorted(runs.items(), reverse=True)
    ]


def run_results(store: DayRepository, day: dt.date, run: int) -> tuple[StoredScenario, ...]:
    """The stored results of scenario run ``run`` of ``day`` (404 when there are none)."""
    found = tuple(s for s in store.scenarios(day) if s.run_id == run)
    if not found:
        raise HTTPException(404, "no such scenario run")
    return found


def _start_replan(
    desk: Desk, pending: PendingReplan, *, base: int, latest_parent: bool
) -> Response:
    """Queue the re-plan of version ``base``; the run's page."""
    from desk.replanning import ReplanRequest, run_replan_request

    folder = desk.work_dir / "jobs" / pending.id
    request = ReplanRequest(
        store_url=desk.settings.store_url,
        user=pending.user,
        date=pending.date,
        base_version=base,
        at=pending.at,
        events=pending.events,
        plans=desk.work_dir / "plans",
        work=folder,
        progress=folder / "progress.json",
        latest_parent=latest_parent,
        effort=desk.settings.effort,
    )
    title = f"{pending.date} v{base} @ {pending.at}"
    desk.jobs.submit(
        pending.id,
        run_replan_request,
        request,
        progress=request.progress,
        user=pending.user,
        title=title,
    )
    desk.store.acting_as(pending.user).record(
        "replan_started",
        day=dt.date.fromisoformat(pending.date),
        version=base,
        clock=pending.at,
        events=pending.events.name if pending.events else None,
        stale_base=not latest_parent,
    )
    return RedirectResponse(f"/jobs/{pending.id}", status_code=303)


ERRORS: dict[int, tuple[str, str]] = {
    400: ("请求有误。", "The request was not understood."),
    403: (
        "您的账户无权执行此操作，或表单已过期：请返回、刷新页面后重试。",
        "Your account may not do this, or the form has expired: "
        "go back, reload the page and try again.",
    ),
    404: ("找不到该页面、计划日或版本。", "There is no such page, day or version."),
    409: ("该版本已不是最新版本。", "That version is no longer the latest."),
    411: ("请求缺少长度。", "The request has no length."),
    413: ("上传文件过大（上限 20 MB）。", "The upload is too large (at most 20 MB)."),
    422: ("输入有误。", "The input has problems."),
    429: ("登录失败次数过多，请稍后再试。", "Too many failed sign-ins: wait and try again."),
    500: (
        "服务器内部错误，已记录在服务器日志中；请重试或联系管理员。",
        "Internal error, written to the server log: try again or tell the administrator.",
    ),
}


def _cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int,
    http_only: bool = True,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=http_only,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _zipped_csv(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, path.name)
    return buffer.getvalue()
