"""A function and its derivative, sampled for a plot: plain data for the templates to draw.

The curves are cut into continuous pieces so that no line is drawn across a pole or a jump
and nothing where the function is undefined or not real:

* candidate break points are the ends of the intervals where SymPy finds the function
  continuous (``continuous_domain``); each is approached from both sides;
* every sample is evaluated numerically, and a sample where the value is not a finite real
  number ends a piece (its edge is then located by bisection, so a curve such as √(1 − x²)
  reaches the edge of its domain);
* between two neighbouring samples whose values differ by much of the plot's height, the
  interval is halved until either the difference shrinks (a steep piece: more samples) or it
  stays while the interval vanishes (a jump or a pole: the piece ends there).

The derivative plotted is the solution's checked answer.  Its zeros in the range (the
points where the tangent to f is horizontal) come from SymPy's ``solveset`` on the interval
where it answers, else from a numeric search (sign changes, then ``findroot``); every zero is
kept only if the derivative evaluates to 0 there (to 25 digits) and f is real there.

Without ``range`` the window is chosen from the function: a period either side of 0 for a
periodic function, else an interval around the zeros of f′ and the poles and edges of the
domain, or when there are none the widest of [−5, 5], [−2.5, 2.5], … on which f′ changes
sign at most 8 times and |f| stays below 10⁴; then cut to where f is defined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

import mpmath
import sympy as sp
from sympy.calculus.util import continuous_domain

from derive.errors import InputError, VerificationError
from derive.core.timing import phase
from derive.core.sizes import within_nodes
from derive.present.notation import to_text
from derive.core.sizes import TRIG, simplify_affordable
from derive.core.steps import Solution
from derive.read.parsing import parse

SAMPLES = 240               # evenly spaced samples over the whole range
APPROACH = tuple(10.0 ** -k for k in range(2, 9))   # relative steps towards a break point
REFINE_DEPTH = 6            # halvings where the curve bends
MAX_SAMPLES = 3000
JUMP_FRACTION = 0.25        # of the plot height: a difference that must shrink when halved
MARGIN = 0.08               # of the plot height, above and below the curves
SYMBOLIC_NODES = 40         # SymPy's domain, zeros and period searches only within these
SYMBOLIC_FUNCTIONS = 6      # bounds (``solvable``): their cost is not bounded by time
SYMBOLIC_PERIODS = 8        # periods of the trig functions across the interval
SYMBOLIC_DEGREE = 4         # degree of a polynomial in x (beyond: no formula, huge radicals)
EXACT_DIGITS = 60           # an exact zero's label is checked with this many digits ...
EXACT_TOLERANCE = 1e-50     # ... and |f′| must be below this there
DEFAULT_HALF_WIDTH = 5
INTEREST_LIMIT = 50         # zeros and poles farther out than this don't set the default range
MAX_ZEROS_SHOWN = 8         # an oscillating function's default range has at most this many
MAX_MAGNITUDE = 1e4         # |f| on a default range without zeros or poles stays below this
ZERO_DIGITS = 30            # a zero is checked with this many digits ...
ZERO_TOLERANCE = 1e-25      # ... and |f′| must be below this there
MAX_EXACT_LABEL = 12        # characters: a longer exact zero is labelled by its decimal value
ZEROS_LISTED = 12           # under the plot; more are counted
LABEL_CHAR_WIDTH = 0.0125   # of the plot's width: one character of a zero's label


@dataclass(frozen=True)
class Zero:
    """A zero of the plotted derivative (of f′: where the tangent to f is horizontal)."""

    x: sp.Expr              # exact when SymPy found it, else a Float
    exact: bool
    at: float               # x as a float
    value: float            # f at x
    rising: Optional[bool]  # the derivative goes from − to + (True), + to − (False), or neither
    label: str = "below right"   # where its label sits (beside the point on the x axis),
                                 # or "" where it would overlap another label


@dataclass(frozen=True)
class Plot:
    """f and its derivative on [a, b], each as continuous pieces of (x, y) points."""

    name: sp.Symbol
    wrt: sp.Symbol
    order: int
    function: sp.Expr
    derivative: sp.Expr
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    ends: tuple[sp.Expr, sp.Expr]           # the range as given or chosen, exactly
    function_pieces: tuple[tuple[tuple[float, float], ...], ...]
    derivative_pieces: tuple[tuple[tuple[float, float], ...], ...]
    zeros: tuple[Zero, ...]
    ticks: tuple[tuple[float, sp.Expr], ...] = ()   # x ticks at multiples of π, when fitting

    @property
    def pieces(self):
        """(curve, pieces): "function" then "derivative"."""
        return (("function", self.function_pieces), ("derivative", self.derivative_pieces))


def plot_data(function: Solution, range=None) -> Plot:
    """The plot of f and its derivative from a solution (its function, its checked answer
    the derivative); ``range`` is ``"a,b"``, a pair of numbers, or None for a range chosen
    from the function."""
    solution = _solution(function)
    f, x = _plottable(solution)
    derivative = solution.result.doit()
    with phase("plotting"):
        if range is None:
            a, b = default_range(f, derivative, x)
        else:
            a, b = read_range(range)
        lo, hi = float(a), float(b)
        value = numeric(f, x)
        slope = numeric(derivative, x)
        breaks = _break_points(f, x, a, b) | _break_points(derivative, x, a, b)
        raw_f = _sample(value, lo, hi, breaks)
        raw_d = _sample(slope, lo, hi, breaks)
        raw_d = [kept for piece in raw_d
                 if len(kept := [(t, y) for t, y in piece if value(t) is not None]) >= 2]
        if not raw_f:
            raise InputError(f"the function has no real values for {x} between {a} and {b}: "
                             "give a --range where it has")
        zeros = find_zeros(derivative, f, x, a, b, raw_d)
        defined_slope = lambda t: slope(t) if value(t) is not None else None  # noqa: E731
        bottom, top = _window((value, defined_slope), lo, hi, [z.value for z in zeros])
        height = top - bottom
        f_pieces = _finish(value, raw_f, height, bottom, top)
        d_pieces = _finish(slope, raw_d, height, bottom, top)
    return Plot(solution.name, x, solution.order, f, derivative, (lo, hi), (bottom, top),
                (a, b), f_pieces, d_pieces, zeros, _pi_ticks(a, b))


def _solution(function: Solution) -> Solution:
    if not isinstance(function, Solution):
        raise InputError("a plot shows a function of one variable and its derivative, not a "
                         "gradient, Jacobian or Hessian")
    if not function.verified:
        raise VerificationError("the derivative failed its check, so it is not plotted")
    return function


def _plottable(solution: Solution) -> tuple[sp.Expr, sp.Symbol]:
    f = solution.function.doit()
    if f.atoms(sp.core.function.AppliedUndef):
        raise InputError("a function such as f(x) that is not given cannot be plotted")
    others = sorted(s.name for s in f.free_symbols if s != solution.wrt)
    if others or len(set(solution.sequence or (solution.wrt,))) > 1:
        names = ", ".join([solution.wrt.name] + others)
        raise InputError(f"a plot shows a function of one variable; this one has {names}")
    return f, solution.wrt


# --- numbers ------------------------------------------------------------------------------

def numeric(expr: sp.Expr, x: sp.Symbol) -> Callable[[float], Optional[float]]:
    """x ↦ the value of ``expr`` as a float, or None where it is undefined, infinite or not
    real."""
    compiled = sp.lambdify(x, expr, modules="mpmath")

    def value(t: float) -> Optional[float]:
        try:
            v = compiled(mpmath.mpf(t))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError):
            return None
        return real_float(v)

    return value


def real_float(v, tolerance: float = 1e-9) -> Optional[float]:
    """A computed value as a finite real float: a complex one whose imaginary part is below
    ``tolerance`` (relative) counts as real; None for anything else."""
    try:
        if isinstance(v, (complex, mpmath.mpc)):
            if abs(v.imag) > tolerance * (1 + abs(v.real)):
                return None
            v = v.real
        result = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def read_range(text) -> tuple[sp.Expr, sp.Expr]:
    """``"a,b"`` (numbers or expressions such as ``-pi``, ``2pi``) or a pair: a < b, finite."""
    if isinstance(text, str):
        parts = text.split(",")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise InputError(f"--range expects two numbers a,b such as -2,3 (got {text!r})")
        ends = [parse(p.strip()) for p in parts]
    else:
        ends = [sp.sympify(e) for e in text]
        if len(ends) != 2:
            raise InputError("a range is two numbers a < b")
    ends = [e.doit() for e in ends]
    for e in ends:
        if e.free_symbols or not e.is_number or not e.is_finite or not e.is_extended_real:
            raise InputError(f"--range ends must be real numbers, not {e}")
    a, b = ends
    if not float(a) < float(b):
        raise InputError(f"--range must go from a smaller to a larger number (got {a}, {b})")
    return a, b


def _bounded(call, default, about: sp.Expr, x: sp.Symbol, interval=None):
    """``call()``, a SymPy call about the expression ``about`` on ``interval`` (a pair, or
    None for a call that looks at all x), when ``about`` is small enough for it
    (``solvable``); ``default`` when it is not, or when SymPy cannot answer."""
    if not solvable(about, x, interval):
        return default
    try:
        return call()
    except (NotImplementedError, ValueError, TypeError, AttributeError, RecursionError,
            ZeroDivisionError):
        return default


def solvable(e: sp.Expr, x: sp.Symbol, interval=None) -> bool:
    """Whether SymPy's symbolic domain, zero and period searches may run on ``e`` (on
    ``interval``): at most ``SYMBOLIC_NODES`` nodes and ``SYMBOLIC_FUNCTIONS`` function
    applications, what ``simplify_affordable`` asks, trig functions only of a linear
    argument (sec(x²) has poles ever closer together) with at most ``SYMBOLIC_PERIODS``
    periods across the interval (None: a call that looks at no interval), and polynomials of degree at most ``SYMBOLIC_DEGREE``:
    the cost of these searches grows with each far faster than linearly (tan x on
    [−98, 98] took 15 s).  Beyond them the plot finds zeros and breaks numerically; the
    choice is the expression's alone, so a function gets the same plot on any machine."""
    if not within_nodes(e, SYMBOLIC_NODES) or not simplify_affordable(e):
        return False
    functions = [a for a in sp.preorder_traversal(e) if isinstance(a, sp.Function)]
    if len(functions) > SYMBOLIC_FUNCTIONS:
        return False
    periods = sp.Integer(0)
    for f in functions:
        if type(f) in TRIG:
            slope = _slope(f.args[0], x)
            if slope is None:
                return False
            periods += abs(slope) / (2 * sp.pi)
    if interval is not None and periods * (interval[1] - interval[0]) > SYMBOLIC_PERIODS:
        return False
    return all(sp.degree(a, x) <= SYMBOLIC_DEGREE for a in sp.preorder_traversal(e)
               if isinstance(a, (sp.Add, sp.Pow)) and a.is_polynomial(x))


def _slope(argument: sp.Expr, x: sp.Symbol) -> Optional[sp.Expr]:
    """k for an argument k·x + c (numbers k, c), else None."""
    if not argument.is_polynomial(x) or sp.degree(argument, x) > 1:
        return None
    slope = argument.coeff(x) if argument.has(x) else sp.Integer(0)
    return slope if slope.is_number else None


# --- the range ----------------------------------------------------------------------------

def default_range(f: sp.Expr, derivative: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """A period either side of 0 for a periodic f; otherwise the zeros
    of f′ and the poles and domain edges within ±50 with room around them (half their
    spread, at least 1; 2 around a single point), or [−5, 5] when there are none, cut to
    where f is defined."""
    period = _bounded(lambda: sp.periodicity(f, x), None, f, x)
    if period is not None and period.is_positive and period.is_finite:
        return -period, period
    window = sp.Interval(-INTEREST_LIMIT, INTEREST_LIMIT)
    points = _finite_points(_bounded(lambda: sp.solveset(derivative, x, window), None,
                                     derivative, x, (-INTEREST_LIMIT, INTEREST_LIMIT)))
    domain = _bounded(lambda: continuous_domain(f, x, window), None, f, x,
                      (-INTEREST_LIMIT, INTEREST_LIMIT))
    value = numeric(f, x)
    points += [p for p in _boundaries(domain)
               if abs(p) < INTEREST_LIMIT and not _removable(value, p)]
    if points:
        lo, hi = min(points), max(points)
        pad = max(1, (hi - lo) / 2) if hi > lo else 2
        a, b = _round_down(lo - pad), _round_up(hi + pad)
    else:
        a, b = _calm(f, derivative, x, DEFAULT_HALF_WIDTH)
    return _defined_part(f, x, a, b)


def _calm(f, derivative, x, half: int) -> tuple[sp.Expr, sp.Expr]:
    """[−h, h] for the largest h ≤ ``half`` (halving) on which f′ changes sign at most
    MAX_ZEROS_SHOWN times and |f| stays below MAX_MAGNITUDE: an oscillating function is shown
    over a few of its waves, a fast-growing one before it leaves every scale."""
    value, slope = numeric(f, x), numeric(derivative, x)
    h = sp.Integer(half)
    while h > 1:
        ts = [float(h) * (2 * i / SAMPLES - 1) for i in range(SAMPLES + 1)]
        ys = [y for t in ts if (y := slope(t)) is not None]
        changes = sum(1 for y1, y2 in zip(ys, ys[1:]) if y1 * y2 < 0)
        largest = max((abs(v) for t in ts if (v := value(t)) is not None), default=0.0)
        if changes <= MAX_ZEROS_SHOWN and largest <= MAX_MAGNITUDE:
            break
        h = h / 2
    return -h, h


def _removable(value, p: float) -> bool:
    """f tends to one finite value from both sides of ``p`` (sin(x)/x at 0): not a pole, a
    jump or an edge of the domain worth centring a plot on."""
    near = [value(p + h) for h in (-1e-4, -1e-7, 1e-7, 1e-4)]
    if any(v is None for v in near):
        return False
    return max(near) - min(near) < 1e-3 * (1 + max(abs(v) for v in near))


def _finite_points(found) -> list[float]:
    if not isinstance(found, sp.FiniteSet):
        return []
    return [float(p) for p in found if p.is_extended_real and p.is_finite]


def _boundaries(domain) -> list[float]:
    if domain is None:
        return []
    try:
        return [float(p) for p in domain.boundary if p.is_finite and p.is_extended_real]
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return []


def _round_down(v: float) -> sp.Integer:
    return sp.Integer(math.floor(v))


def _round_up(v: float) -> sp.Integer:
    return sp.Integer(math.ceil(v))


def _defined_part(f, x, a, b) -> tuple[sp.Expr, sp.Expr]:
    """[a, b] cut to the hull of the samples where f is defined (ends rounded outwards to
    a tenth of the width, or to the edge of the domain when that is a simple number)."""
    value = numeric(f, x)
    lo, hi = float(a), float(b)
    step = (hi - lo) / SAMPLES
    ts = [lo + i * step for i in range(SAMPLES + 1)]
    ok = [value(t) is not None for t in ts]
    defined = [t for i, t in enumerate(ts)        # in a run of two or more, not isolated
               if ok[i] and ((i > 0 and ok[i - 1]) or (i < SAMPLES and ok[i + 1]))]
    if len(defined) < 2:
        raise InputError(f"the function has no real values for {x} between {a} and {b}: "
                         "give a --range where it has")
    first, last = defined[0], defined[-1]
    if first - lo > 2 * step:
        a = _edge(value, first - step, first, a)
    if hi - last > 2 * step:
        b = _edge(value, last + step, last, b)
    return a, b


def _edge(value, outside, inside, fallback):
    """The edge of the domain between a point outside and one inside, as a simple number
    when it is one (0, 1, −2.5), else rounded outwards to a tenth."""
    edge = _bisect_edge(value, outside, inside)
    nearest = round(edge * 10) / 10
    if abs(edge - nearest) < 1e-6:
        return sp.nsimplify(nearest)
    return sp.nsimplify(math.floor(edge * 10) / 10 if outside < inside
                        else math.ceil(edge * 10) / 10)


# --- sampling -----------------------------------------------------------------------------

def _break_points(expr, x, a, b) -> set[float]:
    """Inside (a, b): the ends of the intervals where SymPy finds ``expr`` continuous."""
    domain = _bounded(lambda: continuous_domain(expr, x, sp.Interval(a, b)), None, expr, x,
                      (a, b))
    lo, hi = float(a), float(b)
    return {p for p in _boundaries(domain) if lo < p < hi}


def _sample(value, lo: float, hi: float, breaks) -> list[list[tuple[float, float]]]:
    """Samples of ``value`` on [lo, hi], uniform plus approaches to each break point, cut
    into runs of defined values (break points end a run)."""
    width = hi - lo
    ts = {lo + (hi - lo) * i / SAMPLES for i in range(SAMPLES + 1)}
    for c in breaks:
        for r in APPROACH:
            ts.update(t for t in (c - r * width, c + r * width) if lo <= t <= hi)
    for end, direction in ((lo, 1), (hi, -1)):       # an open end of the domain
        ts.update(end + direction * r * width for r in APPROACH)
    points = sorted(ts)
    pieces, current = [], []
    cuts = sorted(breaks)
    for t in points:
        y = value(t)
        crossed = cuts and current and any(current[-1][0] < c <= t for c in cuts)
        if y is None or crossed:
            if current:
                pieces.append(current)
            current = [] if y is None else [(t, y)]
            continue
        if current and value((current[-1][0] + t) / 2) is None:   # a gap between samples
            pieces.append(current)
            current = []
        current.append((t, y))
    if current:
        pieces.append(current)
    return [_reach_edges(value, p, lo, hi) for p in pieces if len(p) >= 2]


def _reach_edges(value, piece, lo, hi):
    """A piece that stops because the next sample is undefined is extended to the edge of
    the domain found by bisection (√(1 − x²) reaches ±1)."""
    step = (hi - lo) / SAMPLES
    start, end = piece[0][0], piece[-1][0]
    before, after = [], []
    if start - step >= lo and value(start - step) is None:
        edge = _bisect_edge(value, start - step, start)
        before = [(t, value(t)) for t in _approach(edge, start) if value(t) is not None]
    if end + step <= hi and value(end + step) is None:
        edge = _bisect_edge(value, end + step, end)
        after = [(t, value(t)) for t in reversed(_approach(edge, end)) if value(t) is not None]
    return before + piece + after


def _approach(edge: float, inside: float) -> list[float]:
    """Points from ``edge`` towards ``inside``, geometrically closer to the edge."""
    span = inside - edge
    return sorted(edge + span * r for r in (0.0,) + APPROACH + (0.03, 0.1, 0.3))


def _bisect_edge(value, outside: float, inside: float) -> float:
    """The last point (to about 1e-12 of the range) where ``value`` is defined between an
    undefined sample ``outside`` and a defined one ``inside``."""
    for _ in range(50):
        mid = (outside + inside) / 2
        if value(mid) is None:
            outside = mid
        else:
            inside = mid
    return inside


def _window(curves, lo: float, hi: float, extra: Sequence[float]) -> tuple[float, float]:
    """The y range shown: the values of the curves at evenly spaced points, except outliers
    (near poles) beyond the 10th–90th percentile band by more than its width; 0 and
    ``extra`` always included; a margin above and below."""
    ts = [lo + (hi - lo) * i / SAMPLES for i in range(SAMPLES + 1)]
    values = sorted(y for curve in curves for t in ts if (y := curve(t)) is not None)
    if not values:
        return -1.0, 1.0
    p_lo = values[int(0.1 * (len(values) - 1))]
    p_hi = values[int(0.9 * (len(values) - 1))]
    span = max(p_hi - p_lo, 1e-9)
    kept = [v for v in values if p_lo - span <= v <= p_hi + span] + list(extra) + [0.0]
    bottom, top = min(kept), max(kept)
    if top - bottom < 1e-9:
        bottom, top = bottom - 1, top + 1
    margin = MARGIN * (top - bottom)
    return _nice(bottom - margin), _nice(top + margin)


def _nice(v: float) -> float:
    return float(f"{v:.4g}")


def _finish(value, pieces, height, bottom, top):
    """Refine where the curve bends or jumps, cut at jumps, clip to a band just beyond the
    window (what lies beyond is not drawn)."""
    done = []
    for piece in pieces:
        for run in _split_jumps(value, _refine(value, piece, height), height):
            done.extend(_clip(run, bottom - 0.1 * height, top + 0.1 * height))
    return tuple(tuple((_coordinate(t), _coordinate(y)) for t, y in run)
                 for run in done if len(run) >= 2)


def _coordinate(v: float) -> float:
    return float(f"{v:.6g}")


def _refine(value, piece, height):
    """Midpoints inserted where the curve departs from the chord by more than 0.2% of the
    plot height (up to REFINE_DEPTH halvings)."""
    points = list(piece)
    for _ in range(REFINE_DEPTH):
        if len(points) > MAX_SAMPLES:
            break
        out, changed = [points[0]], False
        for (t1, y1), (t2, y2) in zip(points, points[1:]):
            mid = (t1 + t2) / 2
            y = value(mid)
            if y is not None and abs(y - (y1 + y2) / 2) > 0.002 * height and \
                    min(abs(y1), abs(y2)) < 10 * height:
                out.append((mid, y))
                changed = True
            out.append((t2, y2))
        points = out
        if not changed:
            break
    return points


def _split_jumps(value, points, height):
    """Runs of ``points`` with no jump between neighbours (see the module docstring)."""
    runs, current = [], [points[0]]
    for (t1, y1), (t2, y2) in zip(points, points[1:]):
        if abs(y2 - y1) > JUMP_FRACTION * height and _jumps(value, t1, y1, t2, y2, height):
            runs.append(current)
            current = []
        current.append((t2, y2))
    runs.append(current)
    return runs


def _jumps(value, t1, y1, t2, y2, height) -> bool:
    for _ in range(40):
        mid = (t1 + t2) / 2
        y = value(mid)
        if y is None:
            return True
        if abs(y - y1) >= abs(y2 - y):
            t2, y2 = mid, y
        else:
            t1, y1 = mid, y
        if abs(y2 - y1) < JUMP_FRACTION * height / 4:
            return False
    return True


def _clip(run, low, high):
    """The parts of a run inside [low, high]; where it leaves or enters, the crossing point
    of the chord with the band's edge ends or starts the part."""
    parts, current, previous = [], [], None
    for t, y in run:
        inside = low <= y <= high
        if previous is not None:
            t0, y0 = previous
            crossings = [edge for edge in (low, high) if min(y0, y) < edge < max(y0, y)]
            crossings.sort(reverse=y < y0)
            for edge in crossings:
                point = (t0 + (edge - y0) * (t - t0) / (y - y0), edge)
                if current:
                    current.append(point)
                    parts.append(current)
                    current = []
                else:
                    current = [point]
        if inside:
            current.append((t, y))
        previous = (t, y)
    if current:
        parts.append(current)
    return [p for p in parts if len(p) >= 2]


# --- zeros of the derivative --------------------------------------------------------------

def find_zeros(derivative, f, x, a, b, pieces) -> tuple[Zero, ...]:
    """The zeros of ``derivative`` in [a, b] where f is real, each checked numerically:
    SymPy's exact solutions where it finds them, the others from the samples."""
    if derivative.is_zero or _bounded(lambda: sp.simplify(derivative) == 0, False, derivative,
                                      x, (a, b)):
        return ()                       # f is constant: no point is special
    found = _bounded(lambda: sp.solveset(derivative, x, sp.Interval(a, b)), None, derivative, x,
                     (a, b))
    parts = found.args if isinstance(found, sp.Union) else (found,)
    candidates = [p for part in parts if isinstance(part, sp.FiniteSet) for p in part]
    if not isinstance(found, sp.FiniteSet):
        candidates += [_recognised(derivative, x, r)
                       for r in _numeric_zeros(derivative, x, pieces)]
    value, slope = numeric(f, x), numeric(derivative, x)
    width = float(b) - float(a)
    zeros = []
    for point in candidates:
        if not _vanishes(derivative, x, point):
            continue
        at = float(point)
        fx = value(at)
        if fx is None or any(abs(z.at - at) < 1e-9 * width for z in zeros):
            continue
        zeros.append(Zero(point, not isinstance(point, sp.Float), at, fx,
                          _direction(slope, at, width)))
    zeros.sort(key=lambda z: z.at)
    return _fit_labels(zeros, float(a), width)


def _fit_labels(zeros, start: float, width: float) -> tuple[Zero, ...]:
    """Where each zero's label goes: beside its point on the x axis, below where f′ rises
    through 0 and above where it falls (the quarters the f′ curve leaves free), on the right
    unless that runs past the edge; from left to right, a label that would overlap the
    previous one on its side is left off (the list under the plot gives every zero)."""
    reach = {"below": start - width, "above": start - width}
    fitted = []
    for z in zeros:
        size = (len(_label_text(z)) + 4) * LABEL_CHAR_WIDTH * width
        vertical = "above" if z.rising is False else "below"
        if z.rising is None:
            horizontal, left = "", z.at - size / 2
        elif z.at + size <= start + width:
            horizontal, left = " right", z.at
        else:
            horizontal, left = " left", z.at - size
        place = ""
        if left >= reach[vertical] and start <= left and left + size <= start + width:
            reach[vertical] = left + size
            place = vertical + horizontal
        fitted.append(replace(z, label=place))
    return tuple(fitted)


def _label_text(zero: Zero) -> str:
    exact = zero_label(zero)
    return zero_text(zero) if exact is None else to_text(exact)


def _recognised(derivative, x, root: sp.Float) -> sp.Expr:
    """A numeric zero as a simple exact number (−1/2, π/4) when the derivative vanishes
    there exactly, else as it is."""
    guess = sp.nsimplify(root, [sp.pi], tolerance=1e-20)
    if not isinstance(guess, sp.Float) and len(str(guess)) <= 12 and \
            _vanishes(derivative, x, guess, EXACT_DIGITS, EXACT_TOLERANCE):
        return guess
    return root


def _vanishes(derivative, x, point, digits=ZERO_DIGITS, tolerance=ZERO_TOLERANCE) -> bool:
    """|f′(point)| below ``tolerance`` when evaluated with ``digits`` digits (by default
    1e-25 with 30 digits: a decimal zero is found to 35 digits)."""
    try:
        v = derivative.evalf(digits, subs={x: point})   # no exact power of the point is built
    except (ValueError, TypeError, ZeroDivisionError):
        return False
    if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    return abs(v) < tolerance


def _direction(slope, at, width) -> Optional[bool]:
    h = 1e-4 * width
    left, right = slope(at - h), slope(at + h)
    if left is None or right is None:
        return None
    if left < 0 < right:
        return True
    if left > 0 > right:
        return False
    return None


def _numeric_zeros(derivative, x, pieces) -> list[sp.Float]:
    """Zeros from the samples: a sign change between neighbours, or a sample where |f′| is a
    small local minimum (a zero that touches), refined by ``findroot`` to 35 digits."""
    compiled = sp.lambdify(x, derivative, modules="mpmath")
    found = []
    for piece in pieces:
        top = max(abs(y) for _, y in piece)
        for k in range(len(piece) - 1):
            (t1, y1), (t2, y2) = piece[k], piece[k + 1]
            if y1 == 0:
                start = (t1,)
            elif y1 * y2 < 0:
                start = (t1, t2)
            elif 0 < k and abs(y1) < min(abs(piece[k - 1][1]), abs(y2), 1e-3 * (1 + top)):
                start = (t1,)
            else:
                continue
            root = _root(compiled, start)
            if root is not None and piece[0][0] <= root <= piece[-1][0]:
                found.append(root)
    return found


def _root(compiled, start) -> Optional[sp.Float]:
    with mpmath.workdps(ZERO_DIGITS + 5):
        try:
            if len(start) == 2:
                root = mpmath.findroot(compiled, tuple(mpmath.mpf(t) for t in start),
                                       solver="anderson")
            else:
                root = mpmath.findroot(compiled, mpmath.mpf(start[0]), solver="secant")
        except (ValueError, ZeroDivisionError, TypeError, OverflowError):
            return None
        if isinstance(root, mpmath.mpc):
            if abs(root.imag) > 1e-20:
                return None
            root = root.real
        return sp.Float(mpmath.nstr(root, ZERO_DIGITS + 5), ZERO_DIGITS + 5)


def zero_label(zero: Zero) -> Optional[sp.Expr]:
    """The exact x of a zero when it is short enough to read on a plot, else None (the
    decimal value is shown)."""
    if zero.exact and len(to_text(zero.x)) <= MAX_EXACT_LABEL and not zero.x.has(sp.CRootOf):
        return zero.x
    return None


def _pi_ticks(a, b) -> tuple[tuple[float, sp.Expr], ...]:
    """x ticks at multiples of π/2 (or of π on a wide range) when the range is given in
    multiples of π."""
    if not any(sp.sympify(e).has(sp.pi) for e in (a, b)):
        return ()
    ends = [sp.nsimplify(e / sp.pi) for e in (a, b)]
    if not all(e.is_Rational for e in ends):
        return ()
    step = sp.pi / 2 if ends[1] - ends[0] <= 4 else sp.pi
    first = math.ceil(float(a / step) - 1e-9)
    last = math.floor(float(b / step) + 1e-9)
    return tuple((float(k * step), k * step) for k in range(first, last + 1))


def zero_text(zero: Zero) -> str:
    """The decimal value of a zero for labels: three significant digits."""
    return f"{zero.at:.3g}"
