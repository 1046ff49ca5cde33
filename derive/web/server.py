"""Serving the application: uvicorn on a socket bound here, so that ``--port 0`` (any free
port) can be told to the user, and the address printed once the workers are ready."""

from __future__ import annotations

import socket
import sys
from typing import Callable

import uvicorn

from derive.web.app import create_app

MAX_CONNECTIONS = 200       # connections and requests at once; more are answered 503


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class CannotListen(Exception):
    """The address cannot be listened on (taken, or not this machine's): one line."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: a free port).  Made with its protocol
    named, IPPROTO_TCP: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on the
    connections of such a socket, and with it on, a response written in two parts on a kept
    connection waits some 40 ms for the client's delayed acknowledgement."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def serve(host: str, port: int, *, workers: int, seconds: float, margin: float,
          access_log: bool = False, say: Callable[[str], None] = print) -> None:
    """Serve the page and the API until interrupted; ``say`` tells the address."""
    try:
        sock = bind(host, port)
    except OSError as problem:
        raise CannotListen(f"cannot listen on {host}:{port}: "
                           f"{problem.strerror or problem}") from None
    where = address(host, sock.getsockname()[1])

    def ready():
        say(f"derive serve: {where}  ({workers} worker{'s' if workers != 1 else ''}, "
            f"{seconds:g} s per request; Ctrl-C stops it)")
        sys.stdout.flush()

    app = create_app(workers=workers, seconds=seconds, margin=margin, ready=ready)
    config = uvicorn.Config(app, log_level="info" if access_log else "warning",
                            access_log=access_log, lifespan="on",
                            limit_concurrency=MAX_CONNECTIONS, server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C, raised again by uvicorn once it has shut down
        say("derive serve: stopped")
