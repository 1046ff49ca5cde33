"""Expressions written in Maxima, the language of STACK's question variables and answer tests.

Maxima's syntax, as this printer writes it:

* ``+``, ``-``, ``*``, ``/`` and ``^`` (right-associative, binding tighter than the unary
  minus: ``-x^2`` is −(x²)); a power's exponent is bracketed unless it is a name, a whole
  number or a function call (``x^2``, ``x^n``, ``x^(1/3)``, ``x^(-2)``, ``%e^sin(x)``);
* a product is written numerator over denominator, ``3*x/2``, ``sin(x)/(x*(x + 1))``;
  rationals as ``1/2`` (never decimals), decimals as typed (``0.5``);
* constants ``%e``, ``%pi``; ``exp``, ``log`` (the natural logarithm), ``sqrt`` (for the
  power ½; the power −½ is ``1/sqrt(…)``), ``abs``, ``signum``; the trigonometric and
  hyperbolic functions and their inverses under Maxima's names (``sin`` … ``csc``, ``asin`` …
  ``acsc``, ``sinh`` … ``csch``, ``asinh`` … ``acsch``); log₍b₎(x) as ``log(x)/log(b)``.

What Maxima cannot be given this way – an abstract function f(x), a derivative left
unevaluated, a name that is not a Maxima identifier or is one of Maxima's own words – is
refused with an ``InputError`` saying so, rather than written wrong.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.errors import InputError
from derive.functions import LogBase

# binding strength of what a printed piece is, loosest first
SUM, NEGATIVE, PRODUCT, POWER, ATOM = 1, 2, 3, 4, 5

FUNCTIONS = {
    sp.exp: "exp", sp.log: "log", sp.Abs: "abs", sp.sign: "signum",
    sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.cot: "cot", sp.sec: "sec", sp.csc: "csc",
    sp.asin: "asin", sp.acos: "acos", sp.atan: "atan", sp.acot: "acot", sp.asec: "asec",
    sp.acsc: "acsc",
    sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.coth: "coth", sp.sech: "sech",
    sp.csch: "csch",
    sp.asinh: "asinh", sp.acosh: "acosh", sp.atanh: "atanh", sp.acoth: "acoth",
    sp.asech: "asech", sp.acsch: "acsch",
}

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# Maxima's own words (its syntax, constants and functions a name would stand for) and the
# letters STACK reads as constants (e, i, pi), which a variable may not be called
RESERVED = frozenset("""
    e i pi
    and or not if then else elseif do for from thru step while unless in next lambda block
    true false inf minf ind und infinity zeroa zerob done all none
    sin cos tan cot sec csc asin acos atan acot asec acsc sinh cosh tanh coth sech csch
    asinh acosh atanh acoth asech acsch exp log sqrt abs signum diff integrate limit sum
    product gamma beta zeta erf
""".split())


def to_maxima(expr: sp.Expr) -> str:
    """``expr`` written in Maxima."""
    return _print(sp.sympify(expr))[0]


def check_name(name: str) -> None:
    """Refuse a variable name Maxima cannot take as a plain variable."""
    if not IDENTIFIER.match(name) or name in RESERVED:
        raise InputError(f"the variable {name!r} cannot be written in Maxima (STACK): "
                         "rename it")


def _print(e) -> tuple[str, int]:
    """(text, binding strength) of ``e``."""
    if e.is_Symbol:
        if isinstance(e, sp.Dummy):
            raise InputError("an expression with a bound variable cannot be written in Maxima")
        check_name(e.name)
        return e.name, ATOM
    if e.is_Number:
        return _number(e)
    if e is sp.E:
        return "%e", ATOM
    if e is sp.pi:
        return "%pi", ATOM
    if e.is_Add:
        return _sum(e)
    if e.is_Mul:
        return _product(e)
    if e.is_Pow:
        return _power(e)
    if isinstance(e, LogBase):
        argument, base = e.args
        return f"log({to_maxima(argument)})/{_wrapped(sp.log(base), PRODUCT)}", PRODUCT
    if isinstance(e, AppliedUndef):
        raise InputError(f"Maxima (STACK) needs concrete functions: {type(e).__name__} is "
                         "an abstract one")
    name = FUNCTIONS.get(type(e))
    if name is not None and e.args:
        return f"{name}({', '.join(to_maxima(a) for a in e.args)})", ATOM
    raise InputError(f"Maxima (STACK) has no writing of {type(e).__name__} here")


def _number(e: sp.Number) -> tuple[str, int]:
    if e in (sp.oo, -sp.oo):
        return ("inf" if e is sp.oo else "minf"), ATOM
    if not e.is_finite:
        raise InputError("an undefined number cannot be written in Maxima")
    negative = e < 0
    if e.is_Integer:
        text, strength = str(abs(int(e))), ATOM
    elif e.is_Rational:
        text, strength = f"{abs(e.p)}/{e.q}", PRODUCT
    else:
        text, strength = _decimal(abs(e)), ATOM
    return ("-" + text, NEGATIVE) if negative else (text, strength)


def _decimal(e: sp.Float) -> str:
    """A decimal as Python writes it shortest (``0.5``, ``2.5e-07``)."""
    return repr(float(e))


def _wrapped(e, loosest: int) -> str:
    """``e`` printed, bracketed when it binds more loosely than ``loosest``."""
    text, strength = _print(e)
    return text if strength >= loosest else f"({text})"


def _sum(e: sp.Add) -> tuple[str, int]:
    out = ""
    for i, term in enumerate(e.as_ordered_terms()):
        text, _ = _print(term)
        if i == 0:
            out = text
        elif text.startswith("-"):
            out += " - " + text[1:]
        else:
            out += " + " + text
    return out, SUM


def _factors(e) -> list:
    """The factors of a product, nested products flattened (as stored, unevaluated kept)."""
    if e.is_Mul:
        return [f for a in e.args for f in _factors(a)]
    return [e]


def _product(e: sp.Mul) -> tuple[str, int]:
    """Sign, then numerator factors, then ``/`` and the denominator: −3x²/(2 sin(x))."""
    negative, numerator, denominator = False, [], []
    for factor in _factors(e):
        if factor.is_Rational:
            if factor < 0:
                negative, factor = not negative, -factor
            if factor.p != 1:
                numerator.append(sp.Integer(factor.p))
            if factor.q != 1:
                denominator.append(sp.Integer(factor.q))
        elif factor.is_Number and factor < 0:
            negative = not negative
            numerator.append(-factor)
        elif factor.is_Pow and factor.exp.is_Rational and factor.exp < 0:
            denominator.append(_reciprocal(factor))
        else:
            numerator.append(factor)
    if len(numerator) == 1 and not denominator:
        text, strength = _print(numerator[0])
        if strength < PRODUCT:
            text, strength = f"({text})", ATOM
    else:
        # each factor bracketed as a factor: the numerator is then safe before `/`
        text = "*".join(_wrapped(f, PRODUCT) for f in numerator) or "1"
        strength = PRODUCT
    if denominator:
        if len(denominator) > 1:
            bottom = "(" + "*".join(_wrapped(f, PRODUCT) for f in denominator) + ")"
        else:
            bottom = _wrapped(denominator[0], POWER)
        text, strength = f"{text}/{bottom}", PRODUCT
    return ("-" + text, NEGATIVE) if negative else (text, strength)


def _reciprocal(power: sp.Pow) -> sp.Expr:
    """b^(-n) → b^n: the factor as it stands under a fraction bar."""
    exponent = -power.exp
    return power.base if exponent == 1 else sp.Pow(power.base, exponent, evaluate=False)


def _power(e: sp.Pow) -> tuple[str, int]:
    base, exponent = e.args
    if exponent == sp.Rational(1, 2):
        return f"sqrt({to_maxima(base)})", ATOM
    if exponent.is_Rational and exponent < 0:
        return f"1/{_wrapped(_reciprocal(e), POWER)}", PRODUCT
    shown_base = _wrapped(base, ATOM) if not base.is_Pow else f"({to_maxima(base)})"
    shown_exponent = _print(exponent)
    exponent_text = (shown_exponent[0] if shown_exponent[1] == ATOM
                     and not shown_exponent[0].startswith("-") else f"({shown_exponent[0]})")
    return f"{shown_base}^{exponent_text}", POWER


__all__ = ["to_maxima", "check_name", "FUNCTIONS", "RESERVED"]
