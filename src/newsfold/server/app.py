"""The newsfold HTTP API and web UI: a FastAPI app over the same library calls as the CLI.

Build one with :func:`create_app` (tests do) or run ``newsfold serve``. The JSON API lives at the root
(``/articles``, ``/events``, ``/stories``, ``/search``, ``/copies``, ``/healthz``; the schema at
``/openapi.json``, browsable at ``/docs``); the web UI at ``/`` and ``/ui/...``; static files at
``/static``. ``docs/api.md`` and ``docs/ui.md`` describe both.

Contracts:

- **Writes need the token.** ``POST /articles`` wants ``Authorization: Bearer <token>``; the ingest form
  wants the token in its ``token`` field (or the same header). With no token configured the server is
  read-only and every write is answered 403 with the reason.
- **Limits.** A body over ``max_body_bytes`` or a batch over ``max_batch`` articles is answered 413 and
  nothing of it is stored.
- **Errors** are JSON ``{"error", "reason", "status"}`` on the API and an HTML page on the UI.
- **Untrusted text** (article texts, titles, ids, card fields) reaches HTML only through Jinja's
  autoescaping; pages are sent with a Content-Security-Policy that allows no inline script.
- **Concurrency.** Requests run in a thread pool. All writes (storing a batch and running the stages over
  it) hold one lock, so batches are folded one after another and each is stored in the store's
  transactions; reads use their own connections (WAL), so they never wait for a fold, and each request
  reads one snapshot: a page built from several queries never mixes the states before and after a commit.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import queue
import threading
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsfold.errors import UsageError
from newsfold.model import Article, RawDocument, Skipped
from newsfold.pipeline import STAGE_ORDER, fold_records, make_stages
from newsfold.server.ingest import BodyError, parse_body, record_to_document
from newsfold.server.render import shared_fraction, snippet_segments, split_by_passages, timeline_layout
from newsfold.store import Store
from newsfold.views import (
    article_view,
    assignments_of,
    card_summary,
    copy_pair_view,
    event_card_view,
    filter_events,
    story_view,
)

__all__ = ["create_app", "DEFAULT_MAX_BODY_BYTES", "DEFAULT_MAX_BATCH", "LOOPBACK_HOSTS"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 10_000_000
"""The largest request body accepted (bytes); larger ones are answered 413."""
DEFAULT_MAX_BATCH = 1000
"""The most articles one ``POST /articles`` may carry; more are answered 413."""
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
"""Host names of this machine; ``newsfold serve`` on one of them answers only requests addressed to them."""
MAX_PAGE = 200
"""The largest ``limit`` a listing accepts."""

HERE = Path(__file__).resolve().parent

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page size")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class ArticleIn(BaseModel):
    """One article as ``POST /articles`` takes it (documentation of the body; other fields go to meta)."""

    text: str = Field(description="the article's text (required, non-empty)")
    id: str | int | None = Field(None, description="your id; when absent, api- and a hash of the text")
    title: str | None = None
    published: str | None = Field(None, description="publication date or datetime (also accepted as 'date')")
    outlet: str | None = None
    language: str | None = None
    url: str | None = None


# -- stores ----------------------------------------------------------------------------------------------


class StorePool:
    """One writer :class:`Store` behind a lock, and reader stores (one connection each) lent to threads.

    A ``":memory:"`` database cannot be shared between connections, so there every read also goes
    through the writer, under the lock.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.writer = Store(self.path)
        self.write_lock = threading.Lock()
        self._idle: queue.SimpleQueue[Store] = queue.SimpleQueue()
        self._opened: list[Store] = []
        self._opened_lock = threading.Lock()

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A store to read from for the duration of the block, all of it one snapshot
        (:meth:`Store.snapshot`): a page built from several queries never mixes a fold's commits."""
        if self.path == ":memory:":
            with self.write_lock, self.writer.snapshot():
                yield self.writer
            return
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = Store(self.path)
            with self._opened_lock:
                self._opened.append(store)
        try:
            with store.snapshot():
                yield store
        finally:
            self._idle.put(store)

    def close(self) -> None:
        with self._opened_lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
        self.writer.close()


def available_stages(names: Sequence[str] = STAGE_ORDER) -> tuple[str, ...]:
    """Those of ``names`` whose stage can be built here (a stage not yet installed is left out, logged)."""
    found: list[str] = []
    for name in names:
        try:
            make_stages([name])
        except ImportError as error:
            log.warning("stage %s is not available (%s); the server folds without it", name, error)
        else:
            found.append(name)
    return tuple(found)


@dataclass(slots=True)
class ServerState:
    """What the routes share: the stores, the token, the limits and the stages run on ingest."""

    pool: StorePool
    token: str | None
    max_body_bytes: int
    max_batch: int
    stages: tuple[str, ...]
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def writable(self) -> bool:
        return bool(self.token)


# -- errors ----------------------------------------------------------------------------------------------

_TITLES = {
    400: "bad request",
    401: "token needed",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    413: "too large",
    422: "invalid request",
    500: "internal error",
}


def _wants_html(request_path: str, accept: str) -> bool:
    if request_path == "/" or request_path.startswith("/ui"):
        return True
    return "text/html" in accept and not request_path.startswith(("/articles", "/events", "/stories"))


class BodyLimitMiddleware:
    """Answers 413 to a request whose body is over ``max_body_bytes``, before the app reads it whole.

    A declared ``Content-Length`` over the limit is refused at once; a body without one (chunked) is
    counted as it arrives and refused when it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def _reason(self) -> str:
        return f"the request body is over {self.max_body_bytes:,} bytes (the server's limit); send less"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            accept = headers.get(b"accept", b"").decode("latin-1")
            if _wants_html(scope.get("path", ""), accept):
                response: Response = HTMLResponse(_plain_error_page(413, self._reason()), status_code=413)
            else:
                response = JSONResponse(_error_body(413, self._reason()), status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, self._reason())
            return message

        await self.app(scope, counted_receive, send)


def _error_body(status: int, reason: str) -> dict[str, Any]:
    return {"error": _TITLES.get(status, "error"), "reason": reason, "status": status}


def _plain_error_page(status: int, reason: str) -> str:
    from html import escape

    return (
        "<!doctype html><meta charset=utf-8><title>newsfold: error</title>"
        f"<h1>{status} {escape(_TITLES.get(status, 'error'))}</h1><p>{escape(reason)}</p>"
    )


def _validation_reason(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = " ".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {item.get('msg', 'invalid')}" if where else str(item.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


# -- the app ---------------------------------------------------------------------------------------------


def create_app(
    db_path: str | Path,
    token: str | None = None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_batch: int = DEFAULT_MAX_BATCH,
    stages: Sequence[str] | None = None,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The newsfold app over the store at ``db_path`` (created if missing).

    ``token`` enables writes (``None`` or empty: read-only). ``max_body_bytes`` (≥ 1) and ``max_batch``
    (≥ 1) bound each request. ``stages`` are run over each ingested batch (default: every stage that is
    installed, in pipeline order). ``allowed_hosts``, when given, are the only ``Host`` header names
    answered (others get 400), which keeps a loopback server out of reach of DNS-rebinding pages. The
    stores are closed when the app shuts down.
    """
    if max_body_bytes < 1 or max_batch < 1:
        raise ValueError(f"max_body_bytes and max_batch must be at least 1 (got {max_body_bytes}, {max_batch})")
    stage_names = available_stages(STAGE_ORDER if stages is None else stages)
    state = ServerState(
        pool=StorePool(db_path),
        token=token or None,
        max_body_bytes=max_body_bytes,
        max_batch=max_batch,
        stages=stage_names,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.pool.close()

    app = FastAPI(
        title="newsfold",
        version=_version(),
        summary="Fold news articles into copies, events and storylines.",
        description="Browse stories, events and copies; ingest articles live. See docs/api.md.",
        lifespan=lifespan,
        # The bundled docs pages load their scripts from a CDN, which a loopback-only machine cannot reach.
        docs_url=None,
        redoc_url=None,
    )
    app.state.newsfold = state
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=max_body_bytes)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["q"] = lambda value: quote(str(value), safe="")
    templates = Jinja2Templates(env=environment)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    def error_response(request: Request, status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
        if _wants_html(request.url.path, request.headers.get("accept", "")):
            return templates.TemplateResponse(
                request,
                "error.html",
                page_context(request, status=status, title=_TITLES.get(status, "error"), reason=reason),
                status_code=status,
                headers=headers,
            )
        return JSONResponse(_error_body(status, reason), status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, error: HTTPException) -> Response:
        return error_response(request, error.status_code, str(error.detail), dict(error.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_reason(error))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(_error_body(500, f"internal error ({type(error).__name__}); the server log has it"),
                            status_code=500)

    def page_context(request: Request, **values: Any) -> dict[str, Any]:
        return {"writable": state.writable, "path": request.url.path, **values}

    def page(request: Request, name: str, status: int = 200, **values: Any) -> Response:
        return templates.TemplateResponse(request, name, page_context(request, **values), status_code=status)

    # -- writes ------------------------------------------------------------------------------------------

    def check_token(presented: str | None) -> None:
        if state.token is None:
            raise HTTPException(403, "this server is read-only: start it with NEWSFOLD_TOKEN set to allow writes")
        if not presented:
            raise HTTPException(401, "writes need the token: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(presented.encode("utf-8"), state.token.encode("utf-8")):
            raise HTTPException(403, "the token does not match the server's NEWSFOLD_TOKEN")

    def bearer(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None

    def ingest(records: list[Any]) -> dict[str, Any]:
        """Map, normalize, store and fold ``records``; the answer of ``POST /articles``."""
        from newsfold.normalize import build_article

        batch = f"api:{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}:{uuid.uuid4().hex[:8]}"
        items: list[Article | Skipped] = []
        for index, record in enumerate(records):
            document = record_to_document(record, f"{batch}#{index}")
            items.append(build_article(document) if isinstance(document, RawDocument) else document)
        article_ids = [item.id for item in items if isinstance(item, Article)]
        conflicts: dict[str, Skipped] = {}

        def on_skipped(skipped: Skipped) -> None:
            if skipped.kind == "id_conflict":
                conflicts[skipped.location] = skipped

        with state.pool.write_lock:
            known = {a.id for a in state.pool.writer.get_articles(article_ids)}
            report = fold_records(items, state.pool.writer, stages=state.stages, on_skipped=on_skipped)
            assignments = assignments_of(state.pool.writer, article_ids)
        answers: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            answer: dict[str, Any] = {"index": index}
            if isinstance(item, Skipped):
                answer.update(status="skipped", kind=item.kind, reason=item.reason)
            elif item.source in conflicts:
                conflict = conflicts[item.source]
                answer.update(id=item.id, status="skipped", kind=conflict.kind, reason=conflict.reason)
            else:
                status = "unchanged" if item.id in known or item.id in seen else "stored"
                answer.update(id=item.id, status=status, **assignments.get(item.id, {}))
                seen.add(item.id)
            answers.append(answer)
        return {**report.as_dict(), "articles": answers}

    article_schema = ArticleIn.model_json_schema()

    @app.post(
        "/articles",
        tags=["articles"],
        summary="Ingest one article or a batch",
        responses={
            200: {"description": "Each article's status and assignments, in the order sent"},
            400: {"description": "Malformed body (nothing stored)"},
            401: {"description": "No token sent"},
            403: {"description": "Wrong token, or the server is read-only"},
            413: {"description": "Body or batch over the server's limits (nothing stored)"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [article_schema, {"type": "array", "items": article_schema}]}
                    },
                    "application/x-ndjson": {"schema": {"type": "string", "description": "one article a line"}},
                },
            }
        },
    )
    async def post_articles(request: Request) -> dict[str, Any]:
        """Store and fold articles; answer each one's status (``stored``, ``unchanged``, ``skipped``) and
        its ``copy_group``, ``copy_role``, ``event`` and ``story`` (``null`` where a stage has not run)."""
        check_token(bearer(request))
        body = await request.body()
        try:
            records = parse_body(body, request.headers.get("content-type"), max_batch=state.max_batch)
        except BodyError as error:
            raise HTTPException(error.status, error.reason) from error
        return await run_in_threadpool(ingest, records)

    # -- reads -------------------------------------------------------------------------------------------

    @app.get("/healthz", tags=["server"], summary="Liveness and what the store holds")
    def healthz() -> dict[str, Any]:
        with state.pool.reader() as store:
            counts = store.stats()
        return {
            "status": "ok",
            "writable": state.writable,
            "stages": list(state.stages),
            "started": state.started,
            "counts": counts,
        }

    @app.get("/articles", tags=["articles"], summary="Articles in ingestion order")
    def list_articles(limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        with state.pool.reader() as store:
            items = store.list_articles(limit=limit, offset=offset)
        return {"items": items, "limit": limit, "offset": offset}

    @app.get("/articles/{article_id:path}", tags=["articles"], summary="An article with its copies, event, story")
    def get_article(article_id: str) -> dict[str, Any]:
        with state.pool.reader() as store:
            article = store.get_article(article_id)
            if article is None:
                raise HTTPException(404, f"no article with id {article_id!r}")
            return article_view(store, article)

    @app.get("/copies", tags=["copies"], summary="Two copies and their shared passages")
    def get_copies(
        a: Annotated[str, Query(min_length=1, description="one article id")],
        b: Annotated[str, Query(min_length=1, description="the other article id")],
    ) -> dict[str, Any]:
        with state.pool.reader() as store:
            view = copy_pair_view(store, a, b)
        if view is None:
            raise HTTPException(404, f"no copy pair of {a!r} and {b!r}")
        return view

    @app.get("/events", tags=["events"], summary="Events, filtered and paged")
    def list_events(
        date_from: Annotated[dt.date | None, Query(alias="from", description="first day (ISO)")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to", description="last day (ISO)")] = None,
        entity: Annotated[str | None, Query(description="a person, place or organization")] = None,
        q: Annotated[str | None, Query(description="full-text query over the member articles")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
        after: Annotated[str | None, Query(max_length=2000, description="the 'next' cursor of the page before")] = None,
    ) -> dict[str, Any]:
        with state.pool.reader() as store:
            try:
                return filter_events(store, date_from=date_from, date_to=date_to, entity=entity, query=q,
                                     limit=limit, offset=offset, after=after)
            except UsageError as error:
                raise HTTPException(422, str(error)) from error

    @app.get("/events/{event_id:path}", tags=["events"], summary="The event card")
    def get_event(event_id: str) -> dict[str, Any]:
        with state.pool.reader() as store:
            view = event_card_view(store, event_id)
        if view is None:
            raise HTTPException(404, f"no event with id {event_id!r}")
        return view

    @app.get("/stories", tags=["stories"], summary="Storylines, paged")
    def list_stories(limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        with state.pool.reader() as store:
            rows = store.list_stories(limit=limit, offset=offset)
        items = [{"id": r["id"], "size": r["size"], **card_summary(r["summary"])} for r in rows]
        return {"items": items, "limit": limit, "offset": offset}

    @app.get("/stories/{story_id:path}", tags=["stories"], summary="A storyline's events over time")
    def get_story(story_id: str) -> dict[str, Any]:
        with state.pool.reader() as store:
            view = story_view(store, story_id)
        if view is None:
            raise HTTPException(404, f"no storyline with id {story_id!r}")
        return view

    @app.get("/search", tags=["search"], summary="Full-text search (SQLite FTS5) over titles and texts")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=500, description="FTS5 query; plain words are ANDed")],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        with state.pool.reader() as store:
            hits = store.search(q, limit=limit, offset=offset)
            placed = assignments_of(store, [h["id"] for h in hits])
        items = [{**hit, **placed.get(hit["id"], {})} for hit in hits]
        return {"q": q, "items": items, "limit": limit, "offset": offset}

    # -- the web UI --------------------------------------------------------------------------------------

    def timeline_data(store: Store) -> dict[str, Any]:
        lanes: list[dict[str, Any]] = []
        in_stories: set[str] = set()
        for row in store.list_stories(limit=MAX_PAGE):
            view = story_view(store, row["id"])
            if view is None:
                continue
            for event in view["events"]:
                event["href"] = "/ui/events/" + quote(event["id"], safe="")
                in_stories.add(event["id"])
            lanes.append({"id": view["id"], "headline": view["headline"], "href": "/ui/stories/" +
                          quote(view["id"], safe=""), "events": view["events"], "start": view["start"],
                          "end": view["end"]})
        lanes.sort(key=lambda lane: (lane["start"] is None, lane["start"] or "", lane["id"]))
        # A bounded page of events, not a scan of all of them: the home page must stay fast on big stores.
        rows = store.list_events(limit=MAX_PAGE)
        linked = store.story_of_events([r["id"] for r in rows])
        loose = [{"id": r["id"], "size": r["size"], **card_summary(r["card"])} for r in rows
                 if r["id"] not in in_stories and r["id"] not in linked]
        loose.sort(key=lambda e: (e["start"] is None, e["start"] or "", e["id"]))
        for event in loose:
            event["href"] = "/ui/events/" + quote(event["id"], safe="")
        if loose:
            lanes.append({"id": "", "headline": "Events in no storyline", "href": None, "events": loose,
                          "start": None, "end": None})
        return {"lanes": lanes, "layout": timeline_layout(lanes), "loose": loose}

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def ui_home(request: Request) -> Response:
        with state.pool.reader() as store:
            counts = store.stats()
            data = timeline_data(store)
            recent = store.list_articles(limit=8, offset=max(0, counts["articles"] - 8))[::-1]
            groups = store.list_copy_groups(limit=8)
        return page(request, "timeline.html", title="Timeline", counts=counts, recent=recent, groups=groups,
                    **data)

    @app.get("/ui/stories/{story_id:path}", include_in_schema=False, response_class=HTMLResponse)
    def ui_story(request: Request, story_id: str) -> Response:
        with state.pool.reader() as store:
            view = story_view(store, story_id)
        if view is None:
            raise HTTPException(404, f"no storyline with id {story_id!r}")
        for event in view["events"]:
            event["href"] = "/ui/events/" + quote(event["id"], safe="")
        lane = {"id": view["id"], "headline": view["headline"], "href": None, "events": view["events"]}
        return page(request, "story.html", title=view["headline"] or view["id"], story=view,
                    layout=timeline_layout([lane]))

    @app.get("/ui/events", include_in_schema=False, response_class=HTMLResponse)
    def ui_events(
        request: Request,
        date_from: Annotated[str, Query(alias="from")] = "",
        date_to: Annotated[str, Query(alias="to")] = "",
        entity: str = "",
        q: str = "",
        offset: Offset = 0,
    ) -> Response:
        try:
            first = dt.date.fromisoformat(date_from) if date_from else None
            last = dt.date.fromisoformat(date_to) if date_to else None
        except ValueError as error:
            raise HTTPException(400, f"dates are written YYYY-MM-DD ({error})") from error
        with state.pool.reader() as store:
            result = filter_events(store, date_from=first, date_to=last, entity=entity or None, query=q or None,
                                   limit=50, offset=offset)
        filters = {"from": date_from, "to": date_to, "entity": entity, "q": q}
        return page(request, "events.html", title="Events", result=result, filters=filters)

    @app.get("/ui/events/{event_id:path}", include_in_schema=False, response_class=HTMLResponse)
    def ui_event(request: Request, event_id: str) -> Response:
        with state.pool.reader() as store:
            view = event_card_view(store, event_id)
            story = story_view(store, view["story"]) if view and view["story"] else None
        if view is None:
            raise HTTPException(404, f"no event with id {event_id!r}")
        return page(request, "event.html", title=view["headline"] or view["id"], event=view, story=story)

    @app.get("/ui/articles/{article_id:path}", include_in_schema=False, response_class=HTMLResponse)
    def ui_article(request: Request, article_id: str, ingested: str = "") -> Response:
        with state.pool.reader() as store:
            article = store.get_article(article_id)
            if article is None:
                raise HTTPException(404, f"no article with id {article_id!r}")
            view = article_view(store, article)
            others = {a.id: a for a in store.get_articles([c["other"] for c in view["copies"]])}
            event = event_card_view(store, view["event"]) if view["event"] else None
        for copy in view["copies"]:
            other = others.get(copy["other"])
            copy["title"] = other.title if other else None
            copy["outlet"] = other.outlet if other else None
        return page(request, "article.html", title=view["title"] or view["id"], article=view, event=event,
                    ingested=ingested)

    @app.get("/ui/compare", include_in_schema=False, response_class=HTMLResponse)
    def ui_compare(
        request: Request,
        a: Annotated[str, Query(min_length=1)],
        b: Annotated[str, Query(min_length=1)],
    ) -> Response:
        with state.pool.reader() as store:
            view = copy_pair_view(store, a, b)
        if view is None:
            raise HTTPException(404, f"no copy pair of {a!r} and {b!r}")
        text_a, text_b = view["a"]["text"], view["b"]["text"]
        spans_a = [(p["a_start"], p["a_end"], i) for i, p in enumerate(view["passages"])]
        spans_b = [(p["b_start"], p["b_end"], i) for i, p in enumerate(view["passages"])]
        if not spans_a and text_a == text_b:
            # Exact copies may be stored without passages: the whole text is the one shared passage.
            spans_a = spans_b = [(0, len(text_a), 0)]
        sides = [
            {"article": view["a"], "segments": split_by_passages(text_a, spans_a),
             "shared": shared_fraction(text_a, spans_a)},
            {"article": view["b"], "segments": split_by_passages(text_b, spans_b),
             "shared": shared_fraction(text_b, spans_b)},
        ]
        return page(request, "compare.html", title="Compare copies", pair=view, sides=sides)

    @app.get("/ui/search", include_in_schema=False, response_class=HTMLResponse)
    def ui_search(request: Request, q: str = "", offset: Offset = 0) -> Response:
        hits: list[dict[str, Any]] = []
        if q.strip():
            with state.pool.reader() as store:
                hits = store.search(q[:500], limit=25, offset=offset)
                placed = assignments_of(store, [h["id"] for h in hits])
            for hit in hits:
                hit.update(placed.get(hit["id"], {}))
                hit["pieces"] = snippet_segments(hit["snippet"] or "")
        return page(request, "search.html", title="Search", q=q, hits=hits, offset=offset)

    @app.get("/ui/ingest", include_in_schema=False, response_class=HTMLResponse)
    def ui_ingest_form(request: Request) -> Response:
        return page(request, "ingest.html", title="Ingest", form={}, error=None)

    @app.post("/ui/ingest", include_in_schema=False, response_class=HTMLResponse)
    async def ui_ingest(request: Request) -> Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        shown = {k: v for k, v in values.items() if k != "token"}
        try:
            check_token(values.get("token") or bearer(request))
        except HTTPException as error:
            return page(request, "ingest.html", status=error.status_code, title="Ingest", form=shown,
                        error=str(error.detail))
        record = {k: v for k, v in shown.items() if v.strip()}
        result = await run_in_threadpool(ingest, [record])
        answer = result["articles"][0]
        if answer["status"] == "skipped":
            return page(request, "ingest.html", status=422, title="Ingest", form=shown,
                        error=f"not stored: {answer['reason']}")
        target = "/ui/articles/" + quote(answer["id"], safe="") + "?ingested=" + answer["status"]
        return RedirectResponse(target, status_code=303)

    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("newsfold")
    except Exception:
        return "0"
