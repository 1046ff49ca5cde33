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
"""

from __future__ import annotations

from typing import Callable, Optional

import mpmath
import sympy as sp

from .functions import LogBase

DIGITS = 30


class Undefined(Exception):
    """The expression has no finite real value at the point."""


def _real(value, digits):
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > abs(value) * mpmath.mpf(10) ** (-digits + 5) + mpmath.mpf(10) ** (-digits):
            raise Undefined()
        value = value.real
    if not mpmath.isfinite(value):
        raise Undefined()
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
    return mpmath.power(base, exponent)


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
    sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.tanh: mpmath.tanh,
    sp.sech: _reciprocal(mpmath.cosh), sp.csch: _reciprocal(mpmath.sinh),
    sp.coth: _reciprocal(mpmath.tanh),
    sp.asinh: mpmath.asinh, sp.acosh: mpmath.acosh, sp.atanh: mpmath.atanh,
    sp.acoth: lambda u: mpmath.atanh(1 / u),
    sp.asech: lambda u: mpmath.acosh(1 / u), sp.acsch: lambda u: mpmath.asinh(1 / u),
    sp.exp: mpmath.exp, sp.log: _log, sp.Abs: abs,
    sp.sign: lambda u: mpmath.sign(u),
}


def value_at(e: sp.Expr, point: dict) -> Optional[mpmath.mpf]:
    """``e`` at ``point`` (symbol → number) as a real mpmath number, or None where it is not
    defined, not real, or not reliably computable."""
    rough, fine = _at_precision(e, point, DIGITS), _at_precision(e, point, 2 * DIGITS)
    if rough is None or fine is None:
        return None
    if abs(rough - fine) > mpmath.mpf(10) ** (-(DIGITS // 2)) * (1 + abs(fine)):
        return None
    return +fine


def _at_precision(e, point, digits):
    with mpmath.workdps(digits):
        known = {s: mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for s, v in point.items()}
        try:
            return _evaluate(e, known, {}, digits)
        except (Undefined, ZeroDivisionError, ValueError, OverflowError):
            return None


def _evaluate(e, known, memo, digits):
    if e in memo:
        return memo[e]
    if e in known:
        value = known[e]
    elif e.is_Number or e.is_NumberSymbol:
        value = mpmath.mpf(sp.Float(e, digits + 5)) if e.is_real else None
        if value is None:
            raise Undefined()
    elif isinstance(e, sp.Add):
        value = mpmath.fsum(_evaluate(a, known, memo, digits) for a in e.args)
    elif isinstance(e, sp.Mul):
        value = mpmath.fprod(_evaluate(a, known, memo, digits) for a in e.args)
    elif isinstance(e, sp.Pow):
        value = _power(_evaluate(e.base, known, memo, digits), _evaluate(e.exp, known, memo, digits))
    elif isinstance(e, LogBase):
        value = _log(_evaluate(e.args[0], known, memo, digits)) / _log(_evaluate(e.args[1], known, memo, digits))
    elif type(e) in FUNCTIONS:
        value = FUNCTIONS[type(e)](*(_evaluate(a, known, memo, digits) for a in e.args))
    else:
        value = _by_sympy(e, known, digits)
    value = _real(value, digits)
    memo[e] = value
    return value


def _by_sympy(e, known, digits):
    """Anything else (special functions, derivatives left unevaluated): SymPy's evalf."""
    result = e.evalf(digits, subs={s: sp.Float(v, digits) for s, v in known.items()})
    if not result.is_number or result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Undefined()
    re, im = result.as_real_imag()
    if abs(im) > 1e-20 * (1 + abs(re)):
        raise Undefined()
    return mpmath.mpf(sp.Float(re, digits))
