"""``derive serve``: the practice page and the JSON API in the browser, served on this
machine (Starlette and uvicorn, the optional extra ``derive[web]``).  Thin: it checks that
the extra is installed, reads the options and starts ``derive.web.server``."""

from __future__ import annotations

import importlib.util
import os

import click

NEEDED = ("starlette", "uvicorn", "markdown_it", "mdit_py_plugins")
INSTALL = 'pip install "derive[web]"'

EXAMPLES = """
\b
Examples:
  derive serve                            the page at http://127.0.0.1:8000/
  derive serve --port 8080 --workers 4    four worker processes
  derive serve --host 0.0.0.0             reachable from other machines (mind who can)
"""


class CannotServe(click.ClickException):
    """The web extra is missing, or the address cannot be listened on: one line (exit 2)."""

    exit_code = 2


def missing_modules() -> list[str]:
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every system
        return max(1, os.cpu_count() or 1)


@click.command("serve", epilog=EXAMPLES)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Worker processes that do the work (default: one per processor).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              metavar="SECONDS", help="Time limit of one request (answered with status 422 "
              "when it runs out).")
@click.option("--kill-after", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              metavar="SECONDS", help="A worker that has not stopped this long after a "
              "time limit is killed and replaced.")
@click.option("--access-log", is_flag=True, help="Log every request.")
def serve(host, port, workers, timeout, kill_after, access_log):
    """Serve the practice page and the JSON API (needs derive[web]).

    The page: type a function and see its worked, checked solution, typeset; ask for hints
    one step at a time; check your own answer; draw a problem from the banks.  The API
    (POST /api/differentiate, POST /api/check, GET /api/problem) answers the command line's
    JSON.  Every address in the page is relative: behind a reverse proxy that serves it
    under a path of its own (/derive/, the prefix stripped), it needs no option."""
    missing = missing_modules()
    if missing:
        raise CannotServe(f"derive serve needs {', '.join(missing)}: {INSTALL}")
    from derive.web import server  # deferred: heavy import (uvicorn, Starlette)
    try:
        server.serve(host, port, workers=workers or default_workers(), seconds=timeout,
                     margin=kill_after, access_log=access_log, say=click.echo)
    except server.CannotListen as problem:
        raise CannotServe(str(problem)) from None
