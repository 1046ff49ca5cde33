"""Evaluating an expression at a real point, at fixed precision, in time linear in its size.

SymPy's ``evalf`` raises its working precision whenever a sum cancels and evaluates again,
level by level, so its cost grows exponentially with nesting (a 40-fold composition took
minutes), and it evaluates a subexpression as often as it occurs.  Here every distinct
subexpression is evaluated once, bottom-up, with mpmath at ``DIGITS`` significant digits.

A value that is not a finite real number (a pole, a logarithm of a negative number, a
square root of one) makes the whole value ``None``: the point is outside the real domain.
So does a value that fixed precision cannot give reliably: the expression is evaluated at
``DIGITS`` and at twice as many digits, and the point is used only when the two agree to half
the digits (tan(cosh 80) needs the 35-digit cosh 80 to more than 35 digits: at 30 it is noise).

Values are bounded: a value beyond 2^``MAX_BITS`` in size (e^(e^(e^(e^x))) at x = 3, a tower of
powers) is not usable either, and a power or exponential that would exceed the bound is not
computed at all — with an exact whole exponent mpmath builds the integer, which for 2^(2^(2^x))
at x = 10 does not fit in memory.  ``out_of_range_at`` tells such a point from one outside the
domain.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Optional

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.errors import InputError, written
from derive.functions import LogBase

DIGITS = 30
MAX_BITS = 2**14   # values of at most 2^16384 in size (about 10^4932, a long double's range)


class Undefined(Exception):
    """The expression has no finite real value at the point."""


class OutOfRange(Undefined):
    """The expression has a real value at the point, but one beyond 2^±``MAX_BITS``."""


def _real(value, digits):
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > abs(value) * mpmath.mpf(10) ** (-digits + 5) + mpmath.mpf(10) ** (-digits):
            raise Undefined()
        value = value.real
    if not mpmath.isfinite(value):
        raise Undefined()
    if mpmath.mag(value) > MAX_BITS:
        raise OutOfRange()
    return value


def _reciprocal(f):
    def g(u):
        d = f(u)
        if d == 0:
            raise Undefined()
        return 1 / d
    return g


def _power(base, exponent):
    if base == 0 and exponent <= 0:
        raise Undefined()
    if base < 0 and not mpmath.isint(exponent):
        raise Undefined()      # no real value (odd roots are written as real roots by SymPy)
    if base != 0 and abs(exponent * mpmath.log(abs(base), 2)) > MAX_BITS:
        raise OutOfRange()     # beyond the bound, either way: not computed
    return mpmath.power(base, exponent)


def _bounded(f):
    """f (exp, sinh, cosh) refusing an argument whose value would be beyond the bound."""
    def g(u):
        if abs(u) > MAX_BITS:
            raise OutOfRange()
        return f(u)
    return g


def _log(u):
    if u <= 0:
        raise Undefined()
    return mpmath.log(u)


FUNCTIONS: dict[type, Callable] = {
    sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
    sp.sec: _reciprocal(mpmath.cos), sp.csc: _reciprocal(mpmath.sin),
    sp.cot: _reciprocal(mpmath.tan),
    sp.asin: mpmath.asin, sp.acos: mpmath.acos, sp.atan: mpmath.atan,
    sp.acot: lambda u: mpmath.atan(1 / u) if u != 0 else mpmath.pi / 2,
    sp.asec: lambda u: mpmath.acos(1 / u), sp.acsc: lambda u: mpmath.asin(1 / u),
    sp.sinh: _bounded(mpmath.sinh), sp.cosh: _bounded(mpmath.cosh), sp.tanh: mpmath.tanh,
    sp.sech: _reciprocal(_bounded(mpmath.cosh)), sp.csch: _reciprocal(_bounded(mpmath.sinh)),
    sp.coth: _reciprocal(mpmath.tanh),
    sp.asinh: mpmath.asinh, sp.acosh: mpmath.acosh, sp.atanh: mpmath.atanh,
    sp.acoth: lambda u: mpmath.atanh(1 / u),
    sp.asech: lambda u: mpmath.acosh(1 / u), sp.acsch: lambda u: mpmath.asinh(1 / u),
    sp.exp: _bounded(mpmath.exp), sp.log: _log, sp.Abs: abs,
    sp.sign: lambda u: mpmath.sign(u),
}


def value_at(e: sp.Expr, point: dict) -> Optional[mpmath.mpf]:
    """``e`` at ``point`` (symbol → number) as a real mpmath number, or None where it is not
    defined, not real, or not reliably computable."""
    rough, fine = _at_precision(e, point, DIGITS), _at_precision(e, point, 2 * DIGITS)
    if isinstance(rough, type) or isinstance(fine, type):
        return None
    if abs(rough - fine) > mpmath.mpf(10) ** (-(DIGITS // 2)) * (1 + abs(fine)):
        return None
    return +fine


def out_of_range_at(e: sp.Expr, point: dict) -> bool:
    """Whether ``e`` has no usable value at ``point`` because a value in it is beyond
    2^±``MAX_BITS`` (real there, but too large to work with) rather than undefined."""
    return _at_precision(e, point, DIGITS) is OutOfRange


def require_in_range(e: sp.Expr, point: dict) -> None:
    """Refuse (``InputError``) a point where ``e`` is real but beyond 2^``MAX_BITS``: its
    value would be too large to build (2^(2^(2^x)) at x = 10)."""
    if out_of_range_at(e, point):
        where = ", ".join(f"{k} = {written(v, order=None)}" for k, v in point.items())
        raise InputError(f"at {where} the value of {written(e)} is beyond "
                         f"2^{MAX_BITS} (about 10^4932), too large to work with")


def _coordinate(v) -> mpmath.mpf:
    """A coordinate of a point as an mpmath number: a rational exactly, anything else (π, √2)
    at the working precision."""
    if isinstance(v, sp.Rational) or isinstance(v, int):
        return mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q
    return mpmath.mpf(sp.N(v, mpmath.mp.dps + 5))    # π/3 as typed: Float() refuses it


class _Values:
    """The values found at one point and precision: the point's coordinates and every
    subexpression evaluated there so far (the class ``Undefined`` or ``OutOfRange`` where it
    has no usable value)."""

    def __init__(self, point, digits):
        with mpmath.workdps(digits):
            self.known = {s: _coordinate(v) for s, v in point.items()}
        self.memo = dict(self.known)


KEPT_POINTS = 256  # points whose values are kept; the oldest half is dropped beyond this
_kept: ContextVar[Optional[dict]] = ContextVar("derive_kept_values", default=None)


@contextmanager
def values_kept():
    """Inside the block, values at a point are kept from one evaluation to the next.

    The checks of one solution compare many expressions that share subexpressions (the two
    sides of each rewriting, the answer and SymPy's derivative) at the same points; within
    one solution each is evaluated once.  Nothing is kept after the block (nor outside
    one), so a long session does not accumulate the expressions of every solution."""
    if _kept.get() is not None:  # already inside: share the outer block's values
        yield
        return
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def _values(point, digits) -> _Values:
    kept = _kept.get()
    if kept is None:
        return _Values(point, digits)
    key = (tuple(point.items()), digits)
    found = kept.get(key)
    if found is None:
        if len(kept) >= KEPT_POINTS:
            for old in list(kept)[:KEPT_POINTS // 2]:
                del kept[old]
        found = kept[key] = _Values(point, digits)
    return found


def _at_precision(e, point, digits):
    """The value of ``e`` at the point, or the class ``Undefined`` or ``OutOfRange`` saying
    why there is none."""
    values = _values(point, digits)
    with mpmath.workdps(digits):
        try:
            return _evaluate(e, values.known, values.memo, digits)
        except OutOfRange:
            return OutOfRange
        except (Undefined, ZeroDivisionError, ValueError, OverflowError):
            return Undefined


def _evaluate(e, known, memo, digits):
    value = memo.get(e)
    if value is not None:
        if isinstance(value, type):   # no value here, and why
            raise value()
        return value
    try:
        value = _real(_value_of(e, known, memo, digits), digits)
    except OutOfRange:
        memo[e] = OutOfRange
        raise
    except (Undefined, ZeroDivisionError, ValueError, OverflowError):
        memo[e] = Undefined
        raise
    memo[e] = value
    return value


def _value_of(e, known, memo, digits):
    if e.is_Number or e.is_NumberSymbol:
        if not e.is_real:
            raise Undefined()
        return mpmath.mpf(sp.Float(e, digits + 5))
    if isinstance(e, sp.Add):
        return mpmath.fsum(_evaluate(a, known, memo, digits) for a in e.args)
    if isinstance(e, sp.Mul):
        return mpmath.fprod(_evaluate(a, known, memo, digits) for a in e.args)
    if isinstance(e, sp.Pow):
        return _power(_evaluate(e.base, known, memo, digits),
                      _evaluate(e.exp, known, memo, digits))
    if isinstance(e, LogBase):
        return (_log(_evaluate(e.args[0], known, memo, digits))
                / _log(_evaluate(e.args[1], known, memo, digits)))
    if type(e) in FUNCTIONS:
        return FUNCTIONS[type(e)](*(_evaluate(a, known, memo, digits) for a in e.args))
    return _by_sympy(e, known, digits)


def _by_sympy(e, known, digits):
    """Anything else (special functions, derivatives left unevaluated): SymPy's evalf."""
    result = e.evalf(digits, subs={s: sp.Float(v, digits) for s, v in known.items()})
    if not result.is_number or result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Undefined()
    re, im = result.as_real_imag()
    if abs(im) > 1e-20 * (1 + abs(re)):
        raise Undefined()
    return mpmath.mpf(sp.Float(re, digits))


def is_real_number(value: sp.Expr) -> bool:
    """Whether ``value`` is a finite real number."""
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    numeric = sp.N(value)
    return numeric.is_number and numeric.is_real is not False and abs(sp.im(numeric)) < 1e-15


def real_float(value, digits: int = 17) -> Optional[float]:
    """``value`` as a float where it is a finite real number (evaluated to ``digits``
    digits; an imaginary part below 10⁻¹⁴ of it is rounding and is dropped), else None."""
    if not isinstance(value, sp.Expr) or not value.is_number or value.has(AppliedUndef):
        return None
    number = sp.N(value, digits)
    real, imaginary = number.as_real_imag()
    if not real.is_Number or abs(imaginary) > 1e-14 * (1 + abs(real)):
        return None
    as_float = float(real)                          # beyond a float's range: inf
    return as_float if math.isfinite(as_float) else None
