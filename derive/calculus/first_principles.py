"""The derivative from first principles, as the limit of the difference quotient:

    f′(x) = lim_{h→0} (f(x + h) − f(x))/h

The quotient cannot be evaluated at h = 0 (it reads 0/0), so the working rewrites it, for
h ≠ 0, until no h is left in the denominator; the rewritten expression is continuous at
h = 0 and the limit is its value there — or, for sin, cos and exp, the standard limits give
it.  Which algebra does this depends on the function (``METHODS``): expand and cancel for a
polynomial, a common denominator for a rational function, the conjugate for √(ax + b),
the addition formulas for sin(ax + b) and cos(ax + b), the law of exponents for e^(ax + b).
A sum is worked part by part (the limit of a sum is the sum of the limits).  A function none
of them fits (tan(x²), xˣ) is refused in one line, rather than given a derivation that is
not one.

Every line is checked against the line before it — symbolically, and numerically at points
with h ≠ 0 — the step that lets h → 0 against SymPy's ``limit``, each standard limit used
against SymPy's ``limit``, and the answer against SymPy's ``diff``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

import mpmath
import sympy as sp

from derive.calculus.first_principles_algebra import (MAX_DEGREE, degree_beyond_hand,
                                                      polynomial_in,
                                                      polynomial_lines, rational_lines,
                                                      rational_parts, reads_alike, root_lines,
                                                      root_parts)
from derive.calculus.first_principles_lines import (FirstPrinciples, Line, add, minus, over,
                                                    shift, terms_of)
from derive.calculus.first_principles_standard import (cosine_lines, exponential_lines,
                                                       function_parts, sine_lines)
from derive.core.numeric import value_at
from derive.core.steps import Check
from derive.core.verify import check_answer
from derive.errors import InputError, own_errors, written
from derive.read.request import Text, Variables, read_expression, variables_to_differentiate_by

STEP_NAMES = ("h", "k", "t", "s")   # the increment: h, unless the function uses that name


@dataclass(frozen=True)
class Method:
    """A kind of function and the algebra that works its difference quotient."""

    name: str
    fits: Callable[[sp.Expr, sp.Symbol], bool]
    lines: Callable[[sp.Expr, sp.Symbol, sp.Symbol], list[Line]]


def _polynomial(f: sp.Expr, x: sp.Symbol) -> bool:
    poly = polynomial_in(f.doit(), x)
    return poly is not None and poly.degree() <= MAX_DEGREE


METHODS = (
    Method("constant", lambda f, x: not f.doit().has(x), polynomial_lines),
    Method("polynomial", _polynomial, polynomial_lines),
    Method("rational", lambda f, x: rational_parts(f, x) is not None, rational_lines),
    Method("root", lambda f, x: root_parts(f, x) is not None, root_lines),
    Method("sine", lambda f, x: function_parts(f, x, sp.sin) is not None, sine_lines),
    Method("cosine", lambda f, x: function_parts(f, x, sp.cos) is not None, cosine_lines),
    Method("exponential", lambda f, x: function_parts(f, x, sp.exp) is not None,
           exponential_lines),
)


@own_errors
def first_principles(expression: Text, wrt: Variables = None) -> FirstPrinciples:
    """f′(x) worked as lim_{h→0} (f(x + h) − f(x))/h, every line checked.

    ``wrt``: the variable (may be omitted when there is only one; other letters are then
    constants).  Raises ``InputError`` for a function none of the ``METHODS`` fits, alone or
    term by term (tan(x²), xˣ), and for a polynomial or rational function of a degree above
    ``MAX_DEGREE``: the default style works those."""
    f = read_expression(expression)
    variables = variables_to_differentiate_by(f, wrt, ())
    if len(variables) != 1:
        raise InputError("a derivative from first principles is by one variable: give one "
                         "--wrt")
    x = variables[0]
    h = _step_symbol(f)
    method = _method_for(f, x)
    if method is not None:
        return _worked(str(expression), f, x, h, method)
    parts = _parts(f, x)
    degree = degree_beyond_hand(f, x)
    if parts is None and degree is not None:
        raise InputError(f"{written(f, limit=60)} has degree {degree}: expanding its "
                         f"difference quotient takes more than a derivation by hand (derive "
                         f"works degrees up to {MAX_DEGREE} from first principles); the "
                         "default style works it: leave out --style limit")
    if parts is None:
        raise InputError(f"derive has no derivation from first principles for "
                         f"{written(f, limit=60)}: it works polynomials, rational functions, "
                         "c√(ax + b), c sin(ax + b), c cos(ax + b), c e^(ax + b) and sums of "
                         "them this way; "
                         "the default style works it: leave out --style limit")
    return _sum_worked(str(expression), f, x, h, parts)


def _method_for(f: sp.Expr, x: sp.Symbol) -> Optional[Method]:
    return next((m for m in METHODS if m.fits(f, x)), None)


def _worked(text: str, f: sp.Expr, x: sp.Symbol, h: sp.Symbol,
            method: Method) -> FirstPrinciples:
    """f′(x) by one method, its lines checked and its answer checked against ``diff``."""
    shifted = shift(f, x, h)
    lines = (Line(over(minus(shifted, f), h), "substitute"), *method.lines(f, x, h))
    checks = _checks(f, x, h, shifted, lines)
    result = lines[-1].value
    return FirstPrinciples(text, f, x, h, _name(f), method.name, shifted, lines,
                           result, checks + (check_answer(f, (x,), result),))


def _parts(f: sp.Expr, x: sp.Symbol) -> Optional[list[tuple[sp.Expr, Method]]]:
    """A sum no one method fits, as parts each method fits: its polynomial terms together,
    every other term alone, in the order typed; None when a term fits no method."""
    terms = terms_of(f)
    if len(terms) < 2:
        return None
    polynomial = [t for t in terms if _polynomial(t, x)]
    parts, placed = [], False
    for term in terms:
        if term in polynomial:
            if not placed:
                together = add(*polynomial)
                parts.append((together, _method_for(together, x)))
                placed = True
            continue
        parts.append((term, _method_for(term, x)))
    if any(method is None for _, method in parts):
        return None
    return parts


def _sum_worked(text: str, f: sp.Expr, x: sp.Symbol, h: sp.Symbol,
                parts: list[tuple[sp.Expr, Method]]) -> FirstPrinciples:
    """f = g₁ + g₂ + …: the quotient regrouped into the quotients of the parts, the limit of
    the sum written as the sum of their limits (each exists: each part is worked below), and
    f′(x) = g₁′(x) + g₂′(x) + …"""
    worked = tuple(_worked(text, part, x, h, method) for part, method in parts)
    shifted = shift(f, x, h)
    quotients = add(*(w.lines[0].expression for w in worked))
    results = add(*(w.result for w in worked))
    lines = [Line(over(minus(shifted, f), h), "substitute"),
             Line(quotients, "regroup"),
             Line(quotients, "sum-of-limits"),
             Line(results, "limits-of-parts", under_limit=False)]
    if not reads_alike(results, sp.Add(*(w.result for w in worked))):
        lines.append(Line(sp.Add(*(w.result for w in worked)), "simplify", under_limit=False))
    checks = _checks(f, x, h, shifted, tuple(lines))
    result = lines[-1].value
    checks += tuple(replace(c, rule=f"part {i}: {c.rule}")
                    for i, w in enumerate(worked, 1) for c in w.checks)
    return FirstPrinciples(text, f, x, h, _name(f), "sum", shifted, tuple(lines),
                           result, checks + (check_answer(f, (x,), result),), parts=worked)


def _name(f: sp.Expr) -> sp.Symbol:
    """What the function is called: f, unless it uses that letter."""
    used = {s.name for s in f.free_symbols}
    return sp.Symbol(next(n for n in ("f", "g", "F", "G") if n not in used))


def _step_symbol(f: sp.Expr) -> sp.Symbol:
    used = {s.name for s in f.free_symbols}
    return sp.Symbol(next(n for n in STEP_NAMES if n not in used), real=True)


# --- the checks -----------------------------------------------------------------------------

def _checks(f, x, h, shifted, lines: tuple[Line, ...]) -> tuple[Check, ...]:
    """f(x + h) against f with x + h put in; each line against the one before it (equal
    for h ≠ 0 while both are under the limit, else the limit of the one before); each
    standard limit against SymPy's limit."""
    moved = f.doit().subs(x, x + h)
    checks = [_equal("f(x + h)", shifted, moved),
              _equal("substitute", lines[0].value, (moved - f.doit()) / h)]
    for before, line in zip(lines, lines[1:]):
        if before.under_limit and not line.under_limit:
            checks.append(_equal(line.reason, line.value, sp.limit(before.value.doit(), h, 0),
                                 claim="limit"))
        else:
            checks.append(_equal(line.reason, line.value, before.value))
        checks += [_equal(f"standard limit ({known.name})", known.value,
                          sp.limit(known.expression.doit(), h, 0), claim="limit")
                   for known in line.limits]
    return tuple(checks)


def _equal(rule: str, a: sp.Expr, b: sp.Expr, claim: str = "equal") -> Check:
    """Whether a = b as functions (for h ≠ 0): shown symbolically, and at points."""
    a, b = sp.sympify(a).doit(), sp.sympify(b).doit()
    symbolic = _symbolically_equal(a, b)
    problem = _spot_check(a, b)
    passed = symbolic and problem is None
    detail = problem or ("" if symbolic else "not shown equal symbolically")
    return Check(rule, claim, passed, "symbolic and numeric", detail)


def _symbolically_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """a − b reduced to 0: as it stands, by ``cancel``, or by ``simplify`` after the
    addition formulas are expanded."""
    difference = a - b
    for reduce in (lambda d: d, sp.cancel, lambda d: sp.simplify(sp.expand_trig(d))):
        try:
            if reduce(difference) == 0:
                return True
        except (sp.PolynomialError, TypeError, ValueError):
            continue
    return False


# x-like values and h-like values (h ≠ 0, from far to close to 0): the lines are compared
# where both are defined, at no fewer than SPOT_POINTS of these points
SPOT_VALUES = ("0.37", "1.61", "2.93", "4.3", "0.81", "-0.53", "-1.87", "1.13")
SPOT_STEPS = ("0.5", "-0.25", "0.125", "-0.01", "0.001", "0.3", "-0.07", "0.02")
SPOT_POINTS = 3
TOLERANCE = mpmath.mpf(10) ** -12


def _spot_check(a: sp.Expr, b: sp.Expr) -> Optional[str]:
    """None when a and b agree at every spot point where both are defined (and there are at
    least ``SPOT_POINTS``), else what went wrong.  The increment (named h, k, t or s) takes
    the values of ``SPOT_STEPS``, every other symbol those of ``SPOT_VALUES``."""
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    agreed = 0
    for i in range(len(SPOT_VALUES)):
        point = {s: sp.Float((SPOT_STEPS if s.name in STEP_NAMES else SPOT_VALUES)[
            (i + k) % len(SPOT_VALUES)], 30) for k, s in enumerate(symbols)}
        va, vb = value_at(a, point), value_at(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > TOLERANCE * (1 + abs(va)):
            where = ", ".join(f"{s} = {v}" for s, v in point.items())
            return f"at {where}: {mpmath.nstr(va, 12)} vs {mpmath.nstr(vb, 12)}"
        agreed += 1
    if agreed < SPOT_POINTS and symbols:
        return f"only {agreed} points where both sides are defined"
    return None
