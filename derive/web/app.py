"""The web application (Starlette, an ASGI application served by uvicorn): one page, its
static files, and a JSON API that answers what the command line answers.

Routes::

    GET  /                     the page (templates/web/page.html.j2)
    GET  /static/…             its script, style sheet and KaTeX (derive/web/static)
    POST /api/differentiate    {"expression", "wrt"?, "order"?, "style"?}
                               → derive EXPR --format json
    POST /api/check            {"expression", "answer", "wrt"?, "order"?, "style"?}
                               → derive check EXPR --answer ANSWER --format json
    GET  /api/problem?bank=…&difficulty=…&seed=…&style=…   a problem drawn from a bank
    POST /view/solution, /view/check; GET /view/problem     the page's own: HTML to typeset
    GET  /view/graph.svg, /view/plot.svg                    the pictures, as SVG

Statuses: 200 done (for ``/api/check`` whether the answer is right or not: see "correct");
400 bad input, ``{"error": derive's one-line message}`` (a parse error adds "detail", the
text with a caret under the fault); 413 a body over ``MAX_BODY`` bytes; 422 the request ran
out of its time limit (the same input would again: it asks for too much work); 500 a bug in
derive (a failed check included); 503 too many requests waiting, with Retry-After.  The
page's own ``/view/`` routes answer a user's mistake with 200 and ``{"error", "detail"}``,
since to the page a parse error is an answer to show under the box.

Every request is bounded: its body (``MAX_BODY``), each text in it (derive's
``MAX_LENGTH``), and its time (the pool's limit, ``derive.web.pool``).  The server keeps no
state but a cache of answers.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from derive import __version__
from derive.core.engine import STYLES
from derive.present.render import templates_root
from derive.read.parsing import MAX_LENGTH
from derive.web.pool import Busy, TaskFailed, WorkerPool


STATIC = Path(__file__).resolve().parent / "static"   # the page's script, style and KaTeX

MAX_BODY = 64 * 1024        # bytes of a request's body
MAX_NAME = 100              # characters of a variable's name
MAX_ORDER = 20              # as the command line's --order
MAX_SEED = 10**12
CACHE_SIZE = 256            # answers kept
STATUS = {2: 400, 3: 500, 4: 422}       # exit code → HTTP status (anything else: 500)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; "
                               "style-src 'self'; font-src 'self'; script-src 'self'; "
                               "connect-src 'self'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class BadRequest(Exception):
    """A request derive cannot read: its status and one line."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# --- reading a request --------------------------------------------------------------------

async def json_body(request: Request, fields) -> dict:
    """The request's JSON object, at most ``MAX_BODY`` bytes, with no field but ``fields``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BadRequest(f"the request is larger than {MAX_BODY} bytes", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadRequest(f"the request is larger than {MAX_BODY} bytes", 413)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadRequest(f"unknown field {unknown[0]!r}: the fields are {', '.join(fields)}")
    return data


def text(data, name: str, *, required: bool = True, limit: int = MAX_LENGTH) -> Optional[str]:
    value = data.get(name)
    if value is None or (not required and value == ""):
        if required:
            raise BadRequest(f"the field {name!r} is missing")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"the field {name!r} must be text")
    if len(value) > limit:
        raise BadRequest(f"the {name} is longer than {limit} characters")
    if required and not value.strip():
        raise BadRequest(f"the {name} is empty")
    return value


def whole(data, name: str, low: int, high: int, default: Optional[int]) -> Optional[int]:
    value = data.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequest(f"the {name} must be a whole number from {low} to {high}")
    return value


def style(data) -> str:
    chosen = data.get("style") or "textbook"
    if chosen not in STYLES:
        raise BadRequest(f"unknown style {chosen!r}: choose one of {', '.join(STYLES)}")
    return chosen


def derivative_request(data) -> tuple:
    """(expression, wrt, order, style) of a request for a derivative."""
    return (text(data, "expression"), text(data, "wrt", required=False, limit=MAX_NAME),
            whole(data, "order", 1, MAX_ORDER, 1), style(data))


def problem_request(query) -> tuple:
    """(bank, difficulty, seed, style) of a request for a problem."""
    return (text(query, "bank", limit=MAX_NAME), whole(query, "difficulty", 1, 3, None),
            whole(query, "seed", 0, MAX_SEED, None), style(query))


DERIVATIVE_FIELDS = ("expression", "wrt", "order", "style")
CHECK_FIELDS = ("expression", "answer", "wrt", "order", "style")
PROBLEM_FIELDS = ("bank", "difficulty", "seed", "style")


# --- answers ------------------------------------------------------------------------------

def error_json(message: str, detail: str = "") -> dict:
    return {"error": message, **({"detail": detail} if detail else {})}


@dataclass(frozen=True)
class Refused:
    """Bad input, as the cache keeps it: the same input is refused the same way."""

    message: str
    detail: str


class Answers:
    """The pool's answers, the deterministic ones (a result, or bad input) kept in a
    least-recently-used cache."""

    def __init__(self, pool: WorkerPool, size: int = CACHE_SIZE):
        self.pool = pool
        self.size = size
        self._kept: OrderedDict = OrderedDict()

    async def get(self, name: str, *args, cache: bool = True):
        key = (name, args)
        if cache and key in self._kept:
            self._kept.move_to_end(key)
            kept = self._kept[key]
            if isinstance(kept, Refused):
                raise TaskFailed(2, kept.message, kept.detail)
            return kept
        try:
            value = await self.pool.run(name, *args)
        except TaskFailed as failed:
            if cache and failed.exit_code == 2:
                self._keep(key, Refused(str(failed), failed.detail))
            raise
        if cache:
            self._keep(key, value)
        return value

    def _keep(self, key, value) -> None:
        self._kept[key] = value
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


def api_route(work: Callable) -> Callable:
    """An /api/ endpoint: ``work(request)`` gives the response; errors are JSON."""
    async def endpoint(request: Request) -> Response:
        try:
            return await work(request)
        except BadRequest as bad:
            return JSONResponse(error_json(str(bad)), status_code=bad.status)
        except TaskFailed as failed:
            return JSONResponse(error_json(str(failed), failed.detail),
                                status_code=STATUS.get(failed.exit_code, 500))
        except Busy:
            return JSONResponse(error_json("the server is busy: try again in a moment"),
                                status_code=503, headers={"Retry-After": "1"})
    return endpoint


def view_route(work: Callable) -> Callable:
    """A /view/ endpoint of the page: a user's mistake (bad input) is an answer, 200 with
    ``{"error", "detail"}``; everything else is answered as the API answers it."""
    async def mistakes_answered(request: Request) -> Response:
        try:
            return await work(request)
        except BadRequest as bad:
            if bad.status != 400:
                raise
            return JSONResponse(error_json(str(bad)))
        except TaskFailed as failed:
            if failed.exit_code != 2:
                raise
            return JSONResponse(error_json(str(failed), failed.detail))
    return api_route(mistakes_answered)


def json_text(body: str, status: int = 200) -> Response:
    """JSON the command line wrote, sent as it is."""
    return Response(body, status_code=status, media_type="application/json")


def svg(body: str) -> Response:
    return Response(body, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": "default-src 'none'; style-src "
                             "'unsafe-inline'"})


# --- the application ----------------------------------------------------------------------

def page_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_root())),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def create_app(*, workers: int, seconds: float, margin: float, max_waiting: int = 64,
               ready: Optional[Callable[[], None]] = None) -> "SecurityHeaders":
    """The application, with a pool of ``workers`` processes (each request's time limit
    ``seconds``; a worker killed after ``seconds + margin``); ``ready()`` is called once the
    workers are up."""
    pool = WorkerPool(workers, seconds, margin, max_waiting)
    answers = Answers(pool)
    page = page_environment().get_template("web/page.html.j2")
    offered: dict = {"banks": []}

    @asynccontextmanager
    async def lifespan(app):
        await pool.start()
        offered["banks"] = await answers.get("banks")
        if ready is not None:
            ready()
        try:
            yield
        finally:
            await pool.close()

    async def home(request: Request) -> Response:
        return HTMLResponse(page.render(styles=list(STYLES), banks=offered["banks"],
                                        max_length=MAX_LENGTH, max_order=MAX_ORDER,
                                        version=__version__))

    async def differentiate(request: Request) -> Response:
        data = await json_body(request, DERIVATIVE_FIELDS)
        return json_text(await answers.get("differentiate", *derivative_request(data)))

    async def check_request(request: Request) -> tuple:
        """The function, the answer, the variable, the order and the style of a check."""
        data = await json_body(request, CHECK_FIELDS)
        expression, wrt, order, chosen = derivative_request(
            {k: v for k, v in data.items() if k != "answer"})
        return expression, text(data, "answer"), wrt, order, chosen

    async def check(request: Request) -> Response:
        return json_text(await answers.get("check", *await check_request(request)))

    async def problem(request: Request) -> Response:
        query = dict(request.query_params)
        unknown = sorted(set(query) - set(PROBLEM_FIELDS))
        if unknown:
            raise BadRequest(f"unknown parameter {unknown[0]!r}: the parameters are "
                             f"{', '.join(PROBLEM_FIELDS)}")
        bank, difficulty, seed, chosen = problem_request(query)
        drawn = await answers.get("problem", bank, difficulty, seed, chosen,
                                  cache=seed is not None)
        again = {"bank": bank, "difficulty": difficulty, "seed": drawn["seed"]}
        drawn = dict(drawn, query="&".join(f"{k}={v}" for k, v in again.items()
                                           if v is not None))
        return JSONResponse(drawn)

    async def view_solution(request: Request) -> Response:
        data = await json_body(request, DERIVATIVE_FIELDS)
        return JSONResponse(await answers.get("view_solution", *derivative_request(data)))

    async def view_check(request: Request) -> Response:
        return JSONResponse(await answers.get("view_check", *await check_request(request)))

    def picture(task: str) -> Callable:
        async def drawn(request: Request) -> Response:
            query = dict(request.query_params)
            return svg(await answers.get(task, *derivative_request(query)))
        return drawn

    async def not_found(request: Request, problem: HTTPException) -> Response:
        return JSONResponse(error_json(problem.detail), status_code=problem.status_code,
                            headers=getattr(problem, "headers", None))

    routes = [
        Route("/", home),
        Route("/api/differentiate", api_route(differentiate), methods=["POST"]),
        Route("/api/check", api_route(check), methods=["POST"]),
        Route("/api/problem", api_route(problem), methods=["GET"]),
        Route("/view/solution", view_route(view_solution), methods=["POST"]),
        Route("/view/check", view_route(view_check), methods=["POST"]),
        Route("/view/problem", view_route(problem), methods=["GET"]),
        Route("/view/graph.svg", api_route(picture("graph_svg")), methods=["GET"]),
        Route("/view/plot.svg", api_route(picture("plot_svg")), methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: not_found})
    return SecurityHeaders(app)


class SecurityHeaders:
    """ASGI middleware: every response says what the page may load (only its own files)
    and that its types are not to be guessed; a response that sets its own policy keeps it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()
                         if k.lower().encode() not in present]
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        await self.app(scope, receive, with_headers)
