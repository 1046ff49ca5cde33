"""The independent check: every step against SymPy's own ``diff``, never against the engine.

Two claims are checked:

* ``derivative``: ``result = d target / d wrt`` — SymPy differentiates the target itself;
* ``equal``: ``result = target`` (a substitution or a rewriting).

Equivalence is decided symbolically where that is cheap (the difference evaluates to 0), and
otherwise numerically: both sides are evaluated with 30 significant digits at fixed
pseudo-random real points where both are defined and real, and must agree at every such point
(at least ``MIN_POINTS`` of them).  Abstract functions f, g, … are replaced by fixed concrete
functions for the numeric test.  A disagreement is reported with the point and both values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable

import sympy as sp
from sympy.core.function import AppliedUndef

from .limits import has_large_powers
from .steps import Check, Step

MIN_POINTS = 4
TRIES = 40
DIGITS = 30
TOLERANCE = sp.Float("1e-12")
SIMPLIFY_BUDGET = 2.0

# steps that only group others: nothing to check of their own
GROUPING = {"intermediates", "local-derivatives", "combine", "order", "simplify-all"}
EQUALITIES = {"substitute", "multiply-out", "simplify", "notation"}


@dataclass(frozen=True)
class Verdict:
    passed: bool
    method: str
    detail: str = ""


def _concrete(e: sp.Expr) -> sp.Expr:
    """Abstract functions replaced by fixed smooth functions, derivatives carried out."""
    undefined = {f.func for f in e.atoms(AppliedUndef)}
    if not undefined:
        return e
    t = sp.Dummy("t")
    for k, f in enumerate(sorted(undefined, key=str)):
        stand_in = sp.Lambda(t, sp.sin(t + k + 1) + t**2 / (k + 3) + sp.Rational(1, 7) * t)
        e = e.replace(f, stand_in)
    return e.doit()


SCALES = (1, 3, 10, 100)


def _points(symbols, rng):
    """Rational points at mixed scales, so that functions defined only on a narrow interval
    (arcsin) or only far out (arcosh, √(x − 10)) are still evaluated somewhere."""
    for _ in range(TRIES):
        yield {s: sp.Rational(rng.randint(-997, 997) * rng.choice(SCALES), 997) for s in symbols}


def equivalent(a: sp.Expr, b: sp.Expr, domain: sp.Expr | None = None) -> Verdict:
    """Whether ``a`` and ``b`` are equal as real functions where both are defined (and,
    given ``domain``, where that function is real too: a derivative is compared on the
    domain of the function it is the derivative of)."""
    a, b = sp.sympify(a).doit(), sp.sympify(b).doit()
    if a == b or (a - b) == 0:
        return Verdict(True, "symbolic")
    if not has_large_powers(a) and not has_large_powers(b) and _cancels(a - b):
        return Verdict(True, "symbolic")
    verdict = _numeric(_concrete(a), _concrete(b),
                       _concrete(sp.sympify(domain).doit()) if domain is not None else None)
    if (verdict.method == "inconclusive" and not has_large_powers(a - b)
            and _simplifies_to_zero(a - b)):
        return Verdict(True, "symbolic")
    return verdict


def _cancels(d) -> bool:
    try:
        return sp.cancel(d) == 0
    except (sp.PolynomialError, TypeError, ValueError, RecursionError):
        return False


def _simplifies_to_zero(d) -> bool:
    from .simplify import BudgetExceeded, time_budget
    try:
        with time_budget(SIMPLIFY_BUDGET):
            return sp.simplify(d) == 0
    except (BudgetExceeded, RecursionError, TypeError, ValueError):
        return False


def _numeric(a, b, domain=None) -> Verdict:
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = random.Random(20261123)
    agreed = 0
    for point in _points(symbols, rng):
        if domain is not None and _value(domain, point) is None:
            continue
        va, vb = _value(a, point), _value(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > TOLERANCE * (1 + abs(va)):
            where = ", ".join(f"{s}={v}" for s, v in point.items())
            return Verdict(False, "numeric", f"at {where}: {va} vs {vb}")
        agreed += 1
        if agreed >= MIN_POINTS * 2:
            break
    if agreed >= MIN_POINTS:
        return Verdict(True, "numeric")
    if not symbols:
        return Verdict(False, "inconclusive", "neither side has a value")
    return Verdict(False, "inconclusive", f"only {agreed} points where both sides are defined")


def _value(e, point):
    """e at the point as a real mpmath-backed Float, or None where undefined or not real."""
    try:
        v = e.evalf(DIGITS, subs=point)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not v.is_number:
        return None
    re, im = v.as_real_imag()
    if not re.is_Number or abs(im) > TOLERANCE * (1 + abs(re)):
        return None
    return re


def check_step(step: Step, names: dict[sp.Symbol, sp.Expr]) -> Check | None:
    """Check one step; ``names`` maps the intermediates to their definitions in x."""
    if step.rule in GROUPING:
        return None
    if step.rule in EQUALITIES:
        verdict = equivalent(_in_x(step.result, names), _in_x(step.target, names))
        return Check(step.rule, "equal", verdict.passed, verdict.method, verdict.detail)
    if step.wrt is None:
        return None
    if step.rule in ("chain", "total", "paths"):
        # d(of)/dx along all paths: the node written in x, differentiated by SymPy
        function = _in_x(step.of, names).doit()
        verdict = equivalent(_in_x(step.result, names), sp.diff(function, step.wrt), function)
    else:
        # a local derivative: every other variable and name is held constant
        function = step.target.doit()
        verdict = equivalent(step.result, sp.diff(function, step.wrt), function)
    return Check(step.rule, "derivative", verdict.passed, verdict.method, verdict.detail)


def _in_x(e, names):
    """e with every intermediate replaced by its definition in the input variables."""
    return e.xreplace(names) if names else e


def check_steps(steps: Iterable[Step], names: dict[sp.Symbol, sp.Expr]) -> list[Check]:
    checks = []
    for top in steps:
        for step in top.walk():
            check = check_step(step, names)
            if check is not None:
                checks.append(check)
    return checks


def check_answer(expression: sp.Expr, sequence, result: sp.Expr) -> Check:
    """The final answer against SymPy's derivative of the whole expression by the variables
    of ``sequence``, in order."""
    function = expression.doit()
    verdict = equivalent(result, sp.diff(function, *sequence), function)
    return Check("answer", "derivative", verdict.passed, verdict.method, verdict.detail)
