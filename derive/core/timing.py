"""Time limits and phases: how long one request may run, and what it is doing.

``time_limit(seconds, error)`` raises ``error()`` in the block once the time is up.
A time limit only ever stops a request (exit code 4); it never chooses what is printed —
bounds that do (how far a simplification searches) count nodes and operations
(``derive.core.sizes``), so the output depends on the input and options alone.  Limits nest
(one problem of a sheet inside a whole run): a timer is armed for the nearest deadline, and
when a deadline passes the outermost expired limit's error is raised.  Timers use SIGALRM and
so work in the main thread only; elsewhere the block runs unbounded.  A limit that fires
inside a garbage-collector callback (which swallows exceptions) is armed again and fires a
moment later.

``phase(name)`` records what the work is doing, so that a request that runs out of time can
say which phase was too slow; inside ``recording_phases()`` it also adds up the time of each
phase (the benchmark reports them).
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Optional

_phase: ContextVar[str] = ContextVar("derive_phase", default="work")
_deadlines: list[tuple[float, Callable[[], BaseException]]] = []


_timings: ContextVar[Optional[dict]] = ContextVar("derive_timings", default=None)


@contextmanager
def phase(name: str):
    """Mark the work inside the block as ``name`` ("parsing", "checking the steps", …)."""
    timings = _timings.get()
    start = time.perf_counter()
    token = _phase.set(name)
    try:
        yield
    finally:
        _phase.reset(token)
        if timings is not None:  # the phase's own time, not that of phases inside it
            elapsed = time.perf_counter() - start
            timings[name] = timings.get(name, 0.0) + elapsed
            outer = _phase.get()
            timings[outer] = timings.get(outer, 0.0) - elapsed


@contextmanager
def recording_phases():
    """Seconds spent in each phase inside the block (a phase nested in another counts only
    for itself), for the benchmark: ``with recording_phases() as seconds: …``."""
    seconds: dict[str, float] = {}
    token = _timings.set(seconds)
    start = time.perf_counter()
    try:
        yield seconds
    finally:
        _timings.reset(token)
        outside = _phase.get()
        seconds[outside] = seconds.get(outside, 0.0) + time.perf_counter() - start


def current_phase() -> str:
    return _phase.get()


def _arm():
    if _deadlines:
        remaining = min(end for end, _ in _deadlines) - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-4))
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _expire(signum, frame):
    now = time.monotonic()
    for end, error in _deadlines:          # outermost first
        if now >= end:
            raised = error()
            raised.derive_time_limit = True
            raise raised
    _arm()


def _raised_again(previous):
    """An unraisable-exception hook: a time limit that fired where an exception cannot
    propagate (inside a garbage-collector callback, which swallows it) is armed again, to
    fire a moment later in the work itself; anything else goes to ``previous``."""
    def hook(unraisable):
        if getattr(unraisable.exc_value, "derive_time_limit", False):
            _arm()
        else:
            previous(unraisable)
    return hook


@contextmanager
def time_limit(seconds: float | None, error: Callable[[], BaseException]):
    """Raise ``error()`` inside the block once ``seconds`` have passed (None: no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    outermost = not _deadlines
    if outermost:
        previous = signal.signal(signal.SIGALRM, _expire)
        previous_hook = sys.unraisablehook
        sys.unraisablehook = _raised_again(previous_hook)
    entry = (time.monotonic() + seconds, error)
    _deadlines.append(entry)
    _arm()
    try:
        yield
    finally:
        _deadlines.remove(entry)
        _arm()
        if outermost:
            signal.signal(signal.SIGALRM, previous)
            sys.unraisablehook = previous_hook
