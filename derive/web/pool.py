"""A pool of worker processes that do the requests' work, off the server's event loop.

A derivation is bounded in time by ``derive.core.timing.time_limit``, which uses SIGALRM and
so works only in a process's main thread: each task runs in the main thread of a worker
process of its own (``multiprocessing``, started by "spawn", so that a worker never inherits
the server's threads), under the request's time limit.  Should a worker not answer within
the limit and a hard margin more — stuck where the alarm cannot reach it, in C code or a
child program — it is killed and a new one is started, and the request is answered with the
time-limit error; a worker that dies is replaced the same way.  The other requests go on in
the other workers all along.

Each worker takes one task at a time.  A request waits for a free worker; when
``max_waiting`` requests are already waiting, it is refused at once (``Busy``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import signal
from typing import Optional

from derive.errors import DeriveError

log = logging.getLogger("derive.web")

READY_SECONDS = 120.0      # how long a new worker may take to load and warm up


class TaskFailed(DeriveError):
    """A task's error, carried over from its worker: derive's one-line message, its exit
    code (2 bad input, 3 a failed check, 4 a time limit, 1 anything else) and the lines
    under it (a parse error's caret)."""

    def __init__(self, exit_code: int, message: str, detail: str = ""):
        super().__init__(message)
        self.exit_code = exit_code
        self.detail = detail

    def details(self) -> str:
        return self.detail


class Busy(Exception):
    """Too many requests are waiting for a worker."""


class WorkerGone(Exception):
    """A worker did not start, overran its hard limit or died, and was stopped."""


class WorkerOverran(WorkerGone):
    """A worker did not answer within its task's time limit and the hard margin."""


def derive_work(name: str, args: tuple, seconds):
    """The work of a request: ``derive.web.tasks.run`` (loaded in the worker)."""
    from derive.web import tasks  # deferred: heavy import (SymPy), needed in the workers only
    return tasks.run(name, args, seconds)


def derive_warm_up() -> None:
    from derive.web import tasks  # deferred: heavy import (SymPy), needed in the workers only
    tasks.warm_up()


def _serve(connection, work, warm_up) -> None:
    """A worker's life: warm up, then answer task after task on ``connection`` with
    ``work(name, args, seconds)`` until the connection is closed (or sent None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the server stops its workers itself
    if warm_up is not None:
        warm_up()
    connection.send("ready")
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, args, seconds = message
        connection.send(work(name, args, seconds))


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context, work, warm_up):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, warm_up), daemon=True,
                                       name="derive-web-worker")
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float = READY_SECONDS) -> None:
        if not self.connection.poll(seconds):
            self.stop()
            raise WorkerGone("a worker did not start in time")
        try:
            self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise WorkerGone("a worker failed to start") from None

    def call(self, message, seconds: float):
        """Send one task and wait at most ``seconds`` for its answer."""
        try:
            self.connection.send(message)
            if self.connection.poll(seconds):
                return self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise WorkerGone("a worker died") from None
        self.stop()
        raise WorkerOverran("a worker overran its time limit")

    def stop(self, *, politely: bool = False) -> None:
        if politely and self.process.is_alive():
            try:
                self.connection.send(None)
                self.process.join(2)
            except (OSError, ValueError):
                pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """``workers`` processes; each task runs under ``seconds`` (derive's own time limit in
    the worker) and is abandoned, its worker killed and replaced, after ``seconds + margin``.
    ``work(name, args, seconds)`` does a task in a worker and answers ``("ok", value)`` or
    ``("error", exit_code, message, detail)``; ``warm_up()`` readies a new worker (both
    module-level functions, which a new process can import)."""

    def __init__(self, workers: int, seconds: float, margin: float,
                 max_waiting: int = 64, *, work=derive_work, warm_up=derive_warm_up):
        self.size = max(1, workers)
        self._work, self._warm_up = work, warm_up
        self.seconds = seconds
        self.margin = margin
        self.max_waiting = max_waiting
        self._context = multiprocessing.get_context("spawn")
        self._threads = concurrent.futures.ThreadPoolExecutor(
            max_workers=2 * self.size, thread_name_prefix="derive-web-pool")
        self._idle: Optional[asyncio.Queue] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._workers: set[Worker] = set()
        self._waiting = 0
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has warmed up."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        started = await asyncio.gather(*(self._loop.run_in_executor(self._threads,
                                                                    self._new_worker)
                                         for _ in range(self.size)))
        for worker in started:
            self._idle.put_nowait(worker)

    def _new_worker(self) -> Worker:
        worker = Worker(self._context, self._work, self._warm_up)
        self._workers.add(worker)
        try:
            worker.wait_ready()
        except WorkerGone:
            self._workers.discard(worker)
            raise
        return worker

    async def run(self, name: str, *args):
        """The value of task ``name`` on ``args``; its error as ``TaskFailed``."""
        if self._closed:
            raise Busy()
        if self._waiting >= self.max_waiting:
            raise Busy()
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        done = self._threads.submit(self._call, worker, (name, args, self.seconds))
        reply = await asyncio.wrap_future(done)
        if reply[0] == "ok":
            return reply[1]
        _, code, message, detail = reply
        raise TaskFailed(code, message, detail)

    def _call(self, worker: Worker, message):
        """In a thread: the task's reply; the worker goes back to the idle ones, or is
        replaced when it overran or died (whatever became of the request meanwhile)."""
        try:
            reply = worker.call(message, self.seconds + self.margin)
        except WorkerGone as gone:
            self._workers.discard(worker)
            log.warning("derive serve: %s (task %s); starting a new one", gone, message[0])
            self._threads.submit(self._replace)
            if isinstance(gone, WorkerOverran):
                return ("error", 4, f"the time limit of {self.seconds:g} s ran out", "")
            return ("error", 1, "internal error (the worker stopped); please report it "
                    "with the input", "")
        except BaseException:
            self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)
            raise
        self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)
        return reply

    def _replace(self) -> None:
        for attempt in range(3):
            if self._closed:
                return
            try:
                worker = self._new_worker()
            except WorkerGone as gone:
                log.error("derive serve: %s (attempt %d)", gone, attempt + 1)
                continue
            if self._closed:
                worker.stop(politely=True)
                return
            self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)
            return

    async def close(self) -> None:
        """Stop every worker (a busy one is killed)."""
        self._closed = True
        workers = list(self._workers)
        self._workers.clear()
        await asyncio.gather(*(self._loop.run_in_executor(None, lambda w=w: w.stop(
            politely=True)) for w in workers))
        self._threads.shutdown(wait=False, cancel_futures=True)
