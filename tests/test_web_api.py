"""``derive serve``'s JSON API over real HTTP (uvicorn in a process of its own, on a free
port of this machine): the same JSON as the command line, one-line errors with their
statuses, bounded bodies and texts, a time limit that answers 422 while every other request
is still answered correctly, and a worker pool that replaces a worker that overruns or dies.

The server and its client are the extra ``derive[web]`` and httpx (both in ``derive[test]``);
where they are missing these tests fail on CI (the environment variable CI is set) and are
skipped elsewhere, saying how to install them.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sympy as sp

from conftest import assert_same_function, from_sympy, load_corpus

ROOT = Path(__file__).resolve().parent.parent
INSTALL = 'pip install -e ".[test]" (Starlette, uvicorn, httpx)'
SERVER_MODULES = ("starlette", "uvicorn", "markdown_it", "mdit_py_plugins", "httpx")


def require(modules, install: str) -> None:
    """Fail on CI, skip elsewhere, when a module these tests need is missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        message = f"{', '.join(missing)} not installed: {install}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def start_server(*options: str, ready_seconds: float = 240.0):
    """``derive serve --port 0 OPTIONS`` in a process of its own: (the process, its address)
    once it has printed the address (the workers are then ready)."""
    command = [sys.executable, "-c", "from derive.cli.serve import serve; serve()",
               "--port", "0", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    try:
        first = lines.get(timeout=ready_seconds)
    except queue.Empty:
        first = ""
    found = re.search(r"http://\S+/", first)
    if not found:
        process.kill()
        raise AssertionError(f"the server did not start: {first!r} "
                             f"{process.stderr.read()[-2000:]}")
    process.lines = lines
    return process, found.group(0)


def stop_server(process) -> int:
    """Ctrl-C, as a user stops it; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    return process.returncode


@contextmanager
def running_server(*options: str):
    """The address of ``derive serve --port 0 OPTIONS``, stopped afterwards."""
    process, address = start_server(*options)
    try:
        yield address
    finally:
        stop_server(process)


# a request the time limit stops: a product of 90 factors (its derivative has 90 terms of
# 89 factors; it takes several seconds, far more than the 3 s the server gives it)
SLOW = " * ".join(f"(x + {k})" for k in range(1, 91))
TIMEOUT = 3


@pytest.fixture(scope="module")
def server():
    require(SERVER_MODULES, INSTALL)
    with running_server("--workers", "2", "--timeout", str(TIMEOUT)) as address:
        yield address


@pytest.fixture(scope="module")
def client(server):
    import httpx
    with httpx.Client(base_url=server, timeout=60) as http:
        yield http


def command_line_json(capsys, *args) -> dict:
    """What ``derive ARGS --format json`` prints."""
    from derive.cli.main import run
    run([*args, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def command_line_error(capsys, *args) -> str:
    """The one-line error ``derive ARGS`` writes, without its "derive: error: "."""
    from derive.cli.main import run
    run(list(args))
    return capsys.readouterr().err.splitlines()[0].removeprefix("derive: error: ")


# --- the same JSON as the command line ------------------------------------------------------

@pytest.mark.parametrize("expression, style", [("x^2 sin(x)", "textbook"),
                                               ("sin(x + x^2)", "graph"),
                                               ("x^x", "compact")])
def test_differentiate_answers_the_command_lines_json(client, capsys, expression, style):
    answer = client.post("/api/differentiate", json={"expression": expression, "style": style})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == command_line_json(capsys, expression, "--style", style)


def test_differentiate_by_a_chosen_variable_and_order(client, capsys):
    answer = client.post("/api/differentiate",
                         json={"expression": "x^3 y^2", "wrt": "y", "order": 2})
    assert answer.status_code == 200
    data = answer.json()
    assert data == command_line_json(capsys, "x^3 y^2", "--wrt", "y", "--order", "2")
    x, y = sp.symbols("x y", real=True)
    assert_same_function(from_sympy(data["result"]), 2 * x**3)


def test_the_derivatives_are_right(client):
    """Functions of the corpus, answered by the server, against SymPy's own derivative."""
    rows = [r for r in load_corpus() if r.family in ("chain", "product", "quotient")][:12]
    assert len(rows) >= 8
    for row in rows:
        data = client.post("/api/differentiate",
                           json={"expression": row.input, "wrt": row.wrt}).json()
        assert data["verified"] is True, row.input
        expected = sp.diff(from_sympy(row.sympy), sp.Symbol(row.wrt, real=True))
        assert_same_function(from_sympy(data["result"]), expected, label=row.input)


def test_check_names_the_mistake_as_the_command_line_does(client, capsys):
    body = {"expression": "x^2 sin(x)", "answer": "2x cos(x)"}
    answer = client.post("/api/check", json=body)
    assert answer.status_code == 200
    data = answer.json()
    assert data == command_line_json(capsys, "check", "x^2 sin(x)", "--answer", "2x cos(x)")
    assert data["correct"] is False
    assert data["mistake"] == "product-of-derivatives"
    assert data["step"] == 1 and "product rule" in data["line"]


def test_check_accepts_a_right_answer_written_otherwise(client):
    data = client.post("/api/check", json={"expression": "ln(sin(x^3)^2)",
                                           "answer": "6x^2 cos(x^3)/sin(x^3)"}).json()
    assert data["correct"] is True


# --- problems ---------------------------------------------------------------------------------

def test_a_seeded_problem_is_the_same_every_time(client):
    url = "/api/problem?bank=chain-rule&difficulty=2&seed=17"
    first, again = client.get(url), client.get(url)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    problem = first.json()
    assert problem["bank"] == "chain-rule" and problem["difficulty"] == 2
    assert problem["seed"] == 17
    assert problem["query"] == "bank=chain-rule&difficulty=2&seed=17"
    assert "chain" in problem["tags"]
    # the drawn function's worked derivative is right
    solution = problem["solution"]
    assert solution["input"] == problem["expression"] and solution["verified"] is True
    x = sp.Symbol("x", real=True)
    from derive.read.parsing import parse
    assert_same_function(from_sympy(solution["result"]), sp.diff(parse(problem["expression"]), x))


def test_a_problem_without_a_seed_says_the_seed_that_draws_it_again(client):
    problem = client.get("/api/problem?bank=product-rule").json()
    again = client.get(f"/api/problem?{problem['query']}").json()
    assert again["expression"] == problem["expression"]
    assert again["id"] == problem["id"]


def test_seeds_draw_different_problems(client):
    drawn = {client.get(f"/api/problem?bank=chain-rule&seed={seed}").json()["expression"]
             for seed in range(6)}
    assert len(drawn) >= 4


@pytest.mark.parametrize("query, message", [
    ("bank=no-such-bank", "unknown bank 'no-such-bank'"),
    ("bank=/etc/passwd.toml", "unknown bank '/etc/passwd.toml'"),
    ("bank=jacobians-hessians", "no problem of one derivative"),
    ("bank=chain-rule&difficulty=4", "the difficulty must be a whole number from 1 to 3"),
    ("bank=chain-rule&seed=-1", "the seed must be a whole number"),
    ("difficulty=1", "the field 'bank' is missing"),
    ("bank=chain-rule&colour=red", "unknown parameter 'colour'"),
])
def test_a_problem_that_cannot_be_drawn_is_a_400(client, query, message):
    answer = client.get(f"/api/problem?{query}")
    assert answer.status_code == 400
    assert message in answer.json()["error"]


# --- bad input: one line, status 400 ----------------------------------------------------------

@pytest.mark.parametrize("expression", ["sin(x", "x +", "foo(x)", "1/0", "|x"])
def test_bad_input_is_derives_one_line_message(client, capsys, expression):
    answer = client.post("/api/differentiate", json={"expression": expression})
    assert answer.status_code == 400
    data = answer.json()
    assert data["error"] == command_line_error(capsys, expression)
    assert "\n" not in data["error"]


def test_a_parse_error_carries_its_caret(client):
    data = client.post("/api/differentiate", json={"expression": "sin(x"}).json()
    text, caret = data["detail"].splitlines()
    assert text.strip() == "sin(x"
    assert caret.index("^") == text.index("(")  # under the bracket never closed


def test_an_answer_that_cannot_be_read_is_a_400(client):
    answer = client.post("/api/check", json={"expression": "x^2", "answer": "2x+"})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("the answer is malformed")


@pytest.mark.parametrize("body, message", [
    (b"not json", "the request body is not JSON"),
    (b"[1, 2]", "the request body must be a JSON object"),
    (b'{"wrt": "x"}', "the field 'expression' is missing"),
    (b'{"expression": 3}', "the field 'expression' must be text"),
    (b'{"expression": "  "}', "the expression is empty"),
    (b'{"expression": "x", "style": "fancy"}', "unknown style 'fancy'"),
    (b'{"expression": "x", "order": 0}', "the order must be a whole number from 1 to 20"),
    (b'{"expression": "x", "order": true}', "the order must be a whole number"),
    (b'{"expression": "x", "expresion": "y"}', "unknown field 'expresion'"),
    (b'{"expression": "x y"}', "several variables (x, y)"),
])
def test_a_malformed_request_is_a_400(client, body, message):
    answer = client.post("/api/differentiate", content=body,
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert message in answer.json()["error"]


def test_the_body_is_bounded(client):
    from derive.web.app import MAX_BODY
    answer = client.post("/api/differentiate",
                         json={"expression": "x" + " + x" * (MAX_BODY // 4)})
    assert answer.status_code == 413
    assert "larger than" in answer.json()["error"]


def test_the_expression_is_bounded(client):
    from derive.read.parsing import MAX_LENGTH
    answer = client.post("/api/differentiate", json={"expression": "x+" * MAX_LENGTH + "x"})
    assert answer.status_code == 400
    assert answer.json()["error"] == f"the expression is longer than {MAX_LENGTH} characters"


def test_user_text_is_never_evaluated(client):
    """Python in the input is a parse error, not code run on the server."""
    for text in ("__import__('os').system('true')", "().__class__", "lambda: 1"):
        answer = client.post("/api/differentiate", json={"expression": text})
        assert answer.status_code == 400, text


def test_unknown_routes_and_methods_answer_json(client):
    missing = client.get("/api/nothing")
    assert missing.status_code == 404 and "error" in missing.json()
    wrong = client.get("/api/differentiate")
    assert wrong.status_code == 405 and "error" in wrong.json()


# --- the page and its files -------------------------------------------------------------------

def test_the_page_loads_only_its_own_files(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not re.match(r"[a-z]+:|//", s) for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "static/katex/katex.min.js" in sources


def test_the_shipped_katex_is_the_pinned_release(client):
    pinned = json.loads((ROOT / "tests" / "js" / "package.json").read_text())
    version = pinned["dependencies"]["katex"]
    script = client.get("/static/katex/katex.min.js")
    assert script.status_code == 200
    assert f'version:"{version}"' in script.text
    css = client.get("/static/katex/katex.min.css").text
    fonts = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css))
    assert len(fonts) >= 15
    for font in fonts:
        answer = client.get(f"/static/katex/{font}")
        assert answer.status_code == 200 and answer.content[:4] == b"wOF2", font
    assert "MIT" in client.get("/static/katex/LICENSE").text


def test_static_files_stay_in_their_folder(client):
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py"):
        assert client.get(path).status_code == 404, path


def drawable() -> list[str]:
    """The pictures this machine can draw: the graph with Graphviz, the plot with matplotlib
    (on CI both are installed, and a missing one fails)."""
    programs = {"graph": shutil.which("dot"), "plot": importlib.util.find_spec("matplotlib")}
    missing = [name for name, found in programs.items() if found is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"cannot draw the {' and the '.join(missing)}: .ci/run installs Graphviz "
                    "and derive[test] matplotlib")
    return [name for name, found in programs.items() if found is not None]


def test_the_pictures_are_svg(client):
    query = "expression=sin(x%20%2B%20x%5E2)&order=1&style=graph"
    for picture in drawable():
        answer = client.get(f"/view/{picture}.svg?{query}")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in answer.text and "<script" not in answer.text
    if "graph" in drawable():
        graph = client.get(f"/view/graph.svg?{query}").text
        assert "u₁ = x²" in graph and "u₂ = x + u₁" in graph


def test_the_page_says_a_users_mistake_with_status_200(client):
    data = client.post("/view/solution", json={"expression": "sin(x"}).json()
    assert data["error"].startswith("column 4") and "^" in data["detail"]


def test_the_page_offers_a_variable_when_there_are_several(client):
    data = client.post("/view/solution", json={"expression": "x^2 y^3"}).json()
    assert data["variables"] == ["x", "y"] and data["wrt"] == "x"
    by_y = client.post("/view/solution", json={"expression": "x^2 y^3", "wrt": "y"}).json()
    assert by_y["wrt"] == "y" and "3 x^{2} y^{2}" in by_y["html"]


# --- time limits and load ---------------------------------------------------------------------

def test_a_request_that_runs_out_of_time_is_a_422(client):
    start = time.monotonic()
    answer = client.post("/api/differentiate", json={"expression": SLOW})
    elapsed = time.monotonic() - start
    assert answer.status_code == 422
    assert answer.json()["error"].startswith(f"the time limit of {TIMEOUT} s ran out while ")
    assert elapsed < TIMEOUT + 5


def test_twenty_requests_are_answered_while_a_slow_one_runs_out_of_time(server):
    """20 requests at once, while one slow request runs into its time limit: every one of
    the 20 is answered, rightly, and the slow one with the time-limit error."""
    import httpx
    rows = [r for r in load_corpus() if r.family not in ("constant", "abstract")][:20]
    assert len(rows) == 20

    async def burst():
        async with httpx.AsyncClient(base_url=server, timeout=120) as http:
            slow = asyncio.create_task(http.post("/api/differentiate",
                                                 json={"expression": SLOW}))
            await asyncio.sleep(0.2)      # the slow one holds a worker

            async def timed(row):
                start = time.monotonic()
                answer = await http.post("/api/differentiate",
                                         json={"expression": row.input, "wrt": row.wrt})
                return row, answer, time.monotonic() - start

            answers = await asyncio.gather(*(timed(row) for row in rows))
            return await slow, answers

    slow, answers = asyncio.run(burst())
    assert slow.status_code == 422 and "time limit" in slow.json()["error"]
    for row, answer, _ in answers:
        assert answer.status_code == 200, (row.input, answer.text)
        data = answer.json()
        assert data["input"] == row.input and data["verified"] is True
        expected = sp.diff(from_sympy(row.sympy), sp.Symbol(row.wrt, real=True))
        assert_same_function(from_sympy(data["result"]), expected, label=row.input)
    # they went through the other worker, not after the slow one
    assert sorted(seconds for *_, seconds in answers)[len(answers) // 2] < TIMEOUT


# --- the worker pool --------------------------------------------------------------------------

def stubborn_work(name, args, seconds):
    """Work that the alarm cannot stop (SIGALRM blocked, as in C code that never returns to
    Python), or that kills its own worker, or that answers at once."""
    if name == "stuck":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(args[0])
        return ("ok", "finished")
    if name == "die":
        os._exit(3)
    return ("ok", (name, args, os.getpid()))


def test_a_worker_that_overruns_is_killed_and_replaced():
    require(SERVER_MODULES, INSTALL)
    from derive.web.pool import TaskFailed, WorkerPool

    async def scenario():
        pool = WorkerPool(1, 0.5, 0.5, work=stubborn_work, warm_up=None)
        await pool.start()
        try:
            _, _, before = await pool.run("echo", 1)
            start = time.monotonic()
            with pytest.raises(TaskFailed) as stopped:
                await pool.run("stuck", 30)
            waited = time.monotonic() - start
            assert stopped.value.exit_code == 4
            assert str(stopped.value) == "the time limit of 0.5 s ran out"
            assert waited < 10
            name, args, after = await pool.run("echo", 2)
            assert (name, args) == ("echo", (2,)) and after != before
            with pytest.raises(TaskFailed) as died:
                await pool.run("die")
            assert died.value.exit_code == 1 and "internal error" in str(died.value)
            assert (await pool.run("echo", 3))[:2] == ("echo", (3,))
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_a_full_queue_is_refused_at_once():
    require(SERVER_MODULES, INSTALL)
    from derive.web.pool import Busy, WorkerPool

    async def scenario():
        pool = WorkerPool(1, 5, 5, max_waiting=1, work=stubborn_work, warm_up=None)
        await pool.start()
        try:
            busy = asyncio.create_task(pool.run("stuck", 1.0))   # holds the worker
            await asyncio.sleep(0.2)
            waiting = asyncio.create_task(pool.run("echo", 1))   # waits for it
            await asyncio.sleep(0.1)
            with pytest.raises(Busy):
                await pool.run("echo", 2)
            assert await busy == "finished"
            assert (await waiting)[:2] == ("echo", (1,))
        finally:
            await pool.close()

    asyncio.run(scenario())


# --- the command ------------------------------------------------------------------------------

def test_serve_without_the_extra_says_how_to_install_it(monkeypatch):
    from click.testing import CliRunner
    import derive.cli.serve as serve_command
    monkeypatch.setattr(serve_command, "NEEDED", ("starlette", "no_such_module_for_derive"))
    result = CliRunner().invoke(serve_command.serve, [])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert 'pip install "derive[web]"' in lines[0] and "no_such_module_for_derive" in lines[0]


def test_serve_on_a_taken_port_is_a_one_line_error(server):
    require(SERVER_MODULES, INSTALL)
    from click.testing import CliRunner
    import derive.cli.serve as serve_command
    port = re.search(r":(\d+)/", server).group(1)
    result = CliRunner().invoke(serve_command.serve, ["--port", port])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_binds_this_machine_only_by_default(server):
    assert server.startswith("http://127.0.0.1:")


def test_connections_send_without_waiting_for_acknowledgements():
    """The server's socket hands asyncio connections with Nagle's algorithm off, so that a
    response written in parts on a kept connection is not held back ~40 ms."""
    require(SERVER_MODULES, INSTALL)
    import socket
    from derive.web.server import bind

    async def scenario():
        accepted = asyncio.get_running_loop().create_future()

        def connected(reader, writer):
            accepted.set_result(writer.get_extra_info("socket"))

        listening = bind("127.0.0.1", 0)
        server = await asyncio.start_server(connected, sock=listening)
        _, writer = await asyncio.open_connection(*listening.getsockname())
        sock = await asyncio.wait_for(accepted, 10)
        nodelay = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        server.close()
        await server.wait_closed()
        return nodelay

    assert asyncio.run(scenario()) != 0


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_ctrl_c_stops_the_server_and_its_workers():
    require(SERVER_MODULES, INSTALL)
    process, _ = start_server("--workers", "2")
    workers = children_of(process.pid)
    assert len(workers) >= 2
    assert stop_server(process) == 0
    assert process.lines.get(timeout=10).strip() == "derive serve: stopped"
    assert process.stderr.read() == ""
    deadline = time.monotonic() + 20
    while workers and time.monotonic() < deadline:
        workers = {pid for pid in workers if running(pid)}
        time.sleep(0.2)
    assert not workers, "worker processes left running"


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (exited, not yet reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
