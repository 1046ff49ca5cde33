"""The independent check: every step against SymPy's own ``diff``, never against the engine.

Two claims are checked:

* ``derivative``: ``result = d target / d wrt`` — SymPy differentiates the target itself;
* ``equal``: ``result = target`` (a substitution or a rewriting).

Equivalence is decided symbolically where that is immediate (the difference evaluates to 0),
otherwise numerically: both sides are evaluated with 30 significant digits at fixed
pseudo-random real points where both are defined and real, and must agree at every such point
(at least ``MIN_POINTS`` of them).  The numeric test costs time linear in the size of the
expressions, less than ``cancel``; ``cancel`` and ``simplify`` decide where too few points are
defined.  Abstract functions f, g, … are replaced by fixed concrete functions for the numeric
test.  A disagreement is reported with the point and both values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.functions import derivatives_as_subs
from derive.errors import InputError, written
from derive.core.numeric import DIGITS, MAX_BITS, out_of_range_at, value_at
from derive.core.sizes import suits_polynomial_algorithms
from derive.core.sizes import simplify_affordable
from derive.core.steps import DERIVATIVE, EQUAL, TOTAL, Check, Step

MIN_POINTS = 4
TRIES = 40
NEAR_TRIES = 60
TOLERANCE = sp.Float("1e-12")
TOLERANCE_MP = mpmath.mpf("1e-12")

@dataclass(frozen=True)
class Verdict:
    passed: bool
    method: str
    detail: str = ""

    def check(self, rule: str, claim: str) -> Check:
        """The verdict as the check of a step that claims ``claim`` by ``rule``."""
        return Check(rule, claim, self.passed, self.method, self.detail)


def stand_in(k: int, arity: int) -> sp.Lambda:
    """A fixed smooth function of ``arity`` arguments, different for each k."""
    t = sp.symbols(f"t0:{arity}", cls=sp.Dummy)
    body = sum((sp.sin(ti + k + i + 1) + ti**2 / (k + 3) + sp.Rational(1, 7) * ti
                for i, ti in enumerate(t)), sp.Integer(0))
    if arity > 1:
        body += sp.Rational(k + 1, 10) * sp.Mul(*t)
    return sp.Lambda(t, body)


def stand_ins_for(*exprs: sp.Expr) -> tuple[tuple[sp.FunctionClass, sp.Lambda], ...]:
    """(abstract function, its stand-in) for every abstract function f, g, … of the
    expressions, each given the same fixed smooth function (``stand_in``) wherever it
    appears; numbered by the functions' names in alphabetical order."""
    undefined = {}
    for e in exprs:
        for f in sorted(sp.sympify(e).atoms(AppliedUndef), key=sp.default_sort_key):
            undefined.setdefault(f.func.__name__, (f.func, len(f.args)))
    return tuple((func, stand_in(k, arity))
                 for k, (func, arity) in enumerate(undefined[n] for n in sorted(undefined)))


def _concrete(*exprs: sp.Expr) -> tuple[sp.Expr, ...]:
    """The expressions with each abstract function replaced by the same fixed smooth function
    in all of them (``stand_in``), derivatives carried out."""
    stand_ins = stand_ins_for(*exprs)
    if not stand_ins:
        return exprs
    concrete = []
    for e in exprs:
        e = derivatives_as_subs(e)
        for func, replacement in stand_ins:
            e = e.replace(func, replacement)
        concrete.append(e.doit())
    return tuple(concrete)


SCALES = (1, 3, 10, 100)
SEED = 20261123


def _points(symbols, rng, found):
    """Rational points at mixed scales, so that functions defined only on a narrow interval
    (arcsin) or only far out (arcosh, √(x − 10)) are still evaluated somewhere; then points
    near those in ``found`` (the caller's list of points where both sides were defined)."""
    for _ in range(TRIES):
        yield {s: sp.Rational(rng.randint(-997, 997) * rng.choice(SCALES), 997) for s in symbols}
    for _ in range(NEAR_TRIES):
        if not found:
            return
        centre = rng.choice(found)
        yield {s: v + sp.Rational(rng.randint(-500, 500), 10_000) * (abs(v) + 1) / 10
               for s, v in centre.items()}


# where the checker's points find no real value: scales from 10⁻⁶ (√(10⁻⁶ − x²)) to 10⁹
SEARCH_SCALES = (sp.Rational(1, 10**6), sp.Rational(1, 1000), 1, 10, 100, 10**3, 10**4, 10**6,
                 10**9)
SEARCH_TRIES = 400


def _search_points(symbols):
    """The checker's own points, then many more at scales from 10⁻⁶ to 10⁹: a function real
    only on a narrow interval or only far out (ln(x − 1000)) is still found real somewhere."""
    rng = random.Random(SEED)
    yield from _points(symbols, rng, [])
    for _ in range(SEARCH_TRIES):
        yield {s: rng.randint(-997, 997) * rng.choice(SEARCH_SCALES) / sp.Integer(997)
               for s in symbols}


# functions real at every real point where they are defined, and defined on whole intervals:
# built from these alone (with integer powers, powers of a positive base and real numbers),
# a function is real somewhere without looking for a point
REAL_EVERYWHERE = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc, sp.exp, sp.sinh, sp.cosh,
                   sp.tanh, sp.coth, sp.sech, sp.csch, sp.atan, sp.acot, sp.asinh, sp.Abs,
                   sp.sign)


def real_everywhere(function: sp.Expr) -> bool:
    """Whether ``function`` is plainly real wherever it is defined, and defined on intervals
    (its singularities are isolated points): every function in it is one of
    ``REAL_EVERYWHERE`` or an abstract f(x) (checked through a smooth real stand-in), every
    power has an integer exponent or a positive base, every number is real.  A conservative
    test, decided from the expression alone: ``False`` only means "look for a point"."""
    for node in sp.preorder_traversal(function):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_integer or node.base.is_positive):
                return False
        elif isinstance(node, sp.Function):
            if not isinstance(node, REAL_EVERYWHERE + (AppliedUndef,)):
                return False
        elif node.is_number and node.is_Atom and node.is_real is not True:
            return False
    return True


def require_real_values(function: sp.Expr) -> None:
    """Refuse (``InputError``) a function with no usable real value at any point looked at:
    one that takes no real values (√(−1 − x²), arccos(x² + 2)), and one whose values are all
    beyond what the numeric checks can compute (a tower of powers that grows too fast)."""
    (concrete,) = _concrete(sp.sympify(function).doit())
    symbols = sorted(concrete.free_symbols, key=str)
    too_large = False
    for point in _search_points(symbols):
        if value_at(concrete, point) is not None:
            return
        too_large = too_large or out_of_range_at(concrete, point)
        if not symbols:
            break
    text = written(function)
    if too_large:
        raise InputError(f"{text} grows too fast to check numerically: its values are beyond "
                         f"2^{MAX_BITS} (about 10^4932) at every point tried")
    if not symbols:
        raise InputError(f"{text} is not a real number: derive works with real functions")
    raise InputError(f"{text} is not real on any interval: derive works with real functions")


def equivalent(a: sp.Expr, b: sp.Expr, domain: sp.Expr | None = None) -> Verdict:
    """Whether ``a`` and ``b`` are equal as real functions where both are defined (and,
    given ``domain``, where that function is real too: a derivative is compared on the
    domain of the function it is the derivative of)."""
    a, b = sp.sympify(a).doit(), sp.sympify(b).doit()
    if a == b or (a - b) == 0:
        return Verdict(True, "symbolic")
    domain = sp.sympify(domain).doit() if domain is not None else sp.Integer(0)
    verdict = _numeric(*_concrete(a, b, domain))
    if verdict.method == "inconclusive" and suits_polynomial_algorithms(a - b) and (
            _cancels(a - b) or _simplifies_to_zero(a - b)):
        return Verdict(True, "symbolic")
    return verdict


def _cancels(d) -> bool:
    try:
        return sp.cancel(d) == 0
    except (sp.PolynomialError, TypeError, ValueError, RecursionError):
        return False


def _simplifies_to_zero(d) -> bool:
    """``simplify(d) == 0``, asked only where ``simplify_affordable`` (decided by the
    expression alone, so the method a check reports never depends on the machine's load)."""
    if not simplify_affordable(d):
        return False
    try:
        return sp.simplify(d) == 0
    except (RecursionError, TypeError, ValueError):
        return False


def _numeric(a, b, domain=None) -> Verdict:
    """Compare at random points; where the domain is narrow (arcosh(artanh x) lives on
    [tanh 1, 1)) and few random points land in it, look again close to those that did."""
    # the domain's variables too: d(|x| + y)/dx = sign(x) is free of y, but is compared
    # where |x| + y is defined, which asks for y as well
    symbols = sorted(a.free_symbols | b.free_symbols
                     | (domain.free_symbols if domain is not None else set()), key=str)
    rng = random.Random(SEED)
    agreed, found = 0, []
    for point in _points(symbols, rng, found):
        if domain is not None and value_at(domain, point) is None:
            continue
        va, vb = value_at(a, point), value_at(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > TOLERANCE_MP * (1 + abs(va)):
            where = ", ".join(f"{s}={v}" for s, v in point.items())
            return Verdict(False, "numeric", f"at {where}: {va} vs {vb}")
        agreed += 1
        found.append(point)
        if agreed >= MIN_POINTS * 2:
            break
    if agreed >= MIN_POINTS:
        return Verdict(True, "numeric")
    if not symbols:
        return Verdict(False, "inconclusive", "neither side has a value")
    return Verdict(False, "inconclusive", f"only {agreed} points where both sides are defined")


def real_value_at(e, point):
    """e at the point as a real SymPy Float, or None where undefined or not real."""
    value = value_at(e, point)
    return None if value is None else sp.Float(value, DIGITS)


def check_equal(rule: str, expected: sp.Expr, shown: sp.Expr) -> Check:
    """The check that a line shows ``expected``: ``shown`` equal to it (``equivalent``)."""
    return equivalent(shown, expected).check(rule, "equal")


def check_step(step: Step, names: dict[sp.Symbol, sp.Expr]) -> Check | None:
    """Check what the step claims (its ``claim``, written by the engine that built it);
    ``names`` maps the intermediates to their definitions in x."""
    if step.claim == EQUAL:
        verdict = equivalent(_in_x(step.result, names), _in_x(step.target, names))
        return verdict.check(step.rule, "equal")
    if step.claim not in (DERIVATIVE, TOTAL) or step.wrt is None:
        return None
    if step.claim == DERIVATIVE and (step.target == step.wrt or not step.target.has(step.wrt)):
        # d c/du = 0 exactly when c is free of u, du/du = 1: decided without differentiating
        # (a sum of n names has n − 1 constant terms in each of its n partials)
        holds = step.result == (1 if step.target == step.wrt else 0)
        return Check(step.rule, "derivative", holds, "symbolic",
                     "" if holds else f"{step.target} and {step.wrt}")
    if step.claim == TOTAL:
        # d(target)/dx along all paths: the node written in x, differentiated by SymPy
        function = _in_x(step.target, names).doit()
        verdict = equivalent(_in_x(step.result, names), _derivative(function, step.wrt),
                             function)
    else:
        # a local derivative: every other variable and name is held constant
        function = step.target.doit()
        verdict = equivalent(step.result, _partial(function, step.wrt), function)
    return verdict.check(step.rule, "derivative")


@lru_cache(maxsize=32)
def _derivative(function: sp.Expr, *variables: sp.Symbol) -> sp.Expr:
    """SymPy's derivative, once per function: the last chain step and the answer of a
    solution both compare with the derivative of the whole function."""
    return sp.diff(function, *variables)


def _partial(function: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """SymPy's ∂function/∂wrt, with the factors (of a product) or terms (of a sum) free of
    ``wrt`` set aside first — ∂(c·g)/∂u = c·∂g/∂u, ∂(c + g)/∂u = ∂g/∂u — so that the
    partial of a product of n names by one of them is one derivative, not n."""
    if isinstance(function, sp.Mul):
        constant, rest = function.as_independent(wrt, as_Add=False)
        return constant * sp.diff(rest, wrt)
    if isinstance(function, sp.Add):
        return sp.diff(function.as_independent(wrt, as_Add=True)[1], wrt)
    return sp.diff(function, wrt)


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
    verdict = equivalent(result, _derivative(function, *sequence), function)
    return verdict.check("answer", "derivative")
