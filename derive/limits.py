"""Bounds on the work one request may cause: time, and the size of the numbers it builds.

Time: ``time_limit(seconds, error)`` raises ``error()`` in the block once the time is up.
A time limit only ever stops a request (exit code 4); it never chooses what is printed —
bounds that do (how far a simplification searches) count nodes and operations, so the
output depends on the input and options alone.  Limits nest (one problem of a sheet inside
a whole run): a timer is armed for the
nearest deadline, and when a deadline passes the outermost expired limit's error is raised.
Timers use SIGALRM and so work in the main thread only; elsewhere the block runs unbounded.
A limit that fires inside a garbage-collector callback (which swallows exceptions) is armed
again and fires a moment later.

``phase(name)`` records what the work is doing, so that a request that runs out of time can
say which phase was too slow; inside ``recording_phases()`` it also adds up the time of each
phase (the benchmark reports them).

Numbers: an integer power aᵇ with a, b numbers is never built when it would have more than
``MAX_DIGITS`` digits (``10^10^10^10``): the parser keeps it unevaluated and
``check_number_sizes`` refuses it before anything evaluates it.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Optional

import sympy as sp

from .errors import InputError

MAX_DIGITS = 10_000
LARGE_POWER = 8     # integer powers of sums above this are not multiplied out
POLYNOMIAL_NODES = 150  # expression trees above this size skip polynomial algorithms
MAX_COUNT = 200     # problems on one sheet
MAX_VARIANTS = 26   # variants of one sheet (A to Z)

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


def _log10_size(e: sp.Expr) -> float:
    """log₁₀ of |e| for a number written with + · ^ (inf when it is beyond floats)."""
    if e.is_Integer or e.is_Rational:
        p, q = abs(int(e.p)), int(e.q)
        return (math.log10(p) if p else 0.0) + (math.log10(q) if q > 1 else 0.0)
    if isinstance(e, sp.Pow):
        base = _log10_size(e.base)
        try:
            exponent = 10 ** _log10_size(e.exp)
        except OverflowError:
            return math.inf
        return base * exponent
    if isinstance(e, (sp.Mul, sp.Add)):
        return sum(_log10_size(a) for a in e.args) + 1
    if e.is_NumberSymbol:                      # π, e: their own size
        return math.log10(float(e))
    return 1.0


def check_number_sizes(expr: sp.Expr) -> None:
    """Refuse numbers too large to build, such as 10^10^10^10, with a clear message."""
    for p in sp.preorder_traversal(expr):
        if isinstance(p, sp.Pow) and p.base.is_number and p.exp.is_number:
            if _log10_size(p) > MAX_DIGITS:
                raise InputError(f"a number in the expression is too large to work with "
                                 f"(more than {MAX_DIGITS} digits): {_short(p)}")


def _short(p) -> str:
    from .notation import to_text
    text = to_text(p, order="none")
    return text if len(text) <= 40 else text[:37] + "..."


def has_large_powers(e: sp.Expr) -> bool:
    """Multiplying out would be costly: an integer power above ``LARGE_POWER`` of a sum or
    of a non-number (nothing expands (x + 1)¹⁰⁰⁰ unasked)."""
    return any(p.exp.is_Integer and abs(p.exp) > LARGE_POWER and not p.base.is_number
               for p in e.atoms(sp.Pow))


def within_nodes(e: sp.Expr, bound: int) -> bool:
    """Whether the tree of ``e`` has at most ``bound`` nodes (counting stops past it)."""
    nodes = 0
    for _ in sp.preorder_traversal(e):
        nodes += 1
        if nodes > bound:
            return False
    return True


def suits_polynomial_algorithms(e: sp.Expr) -> bool:
    """Small enough, and free of large powers, for ``cancel``/``together``: their cost grows
    far faster than the expression (a derivative of a 25-fold composition spent 5 s in them)."""
    return within_nodes(e, POLYNOMIAL_NODES) and not has_large_powers(e)
