"""The derivatives of sin, cos and exp from first principles: an identity writes f(x + h)
through f(x), the quotient is rearranged around h, and the standard limits take the limit

    lim_{t→0} sin(t)/t = 1,    lim_{t→0} (cos(t) − 1)/t = 0,    lim_{t→0} (eᵗ − 1)/t = 1

(t = h, or t = ah for an argument u = ax + b: t → 0 as h → 0, and the quotient by h is a
times the quotient by t — multiplied above and below by a).

sine    sin(u + t) = sin(u) cos(t) + cos(u) sin(t)  (the addition formula), the terms in sin(u)
        grouped, the fraction split:  sin(x)·(cos(h) − 1)/h + cos(x)·sin(h)/h → cos(x)
cosine  cos(u + t) = cos(u) cos(t) − sin(u) sin(t), the same way:  → −sin(x)
exp     e^(u + t) = eᵘ eᵗ; eᵘ, free of h, comes out of the limit:  eˣ · (eʰ − 1)/h → eˣ

Each function returns the lines after the difference quotient (``derive.calculus.
first_principles`` writes that one and checks them all).
"""

from __future__ import annotations

from typing import Optional

import sympy as sp

from derive.calculus.first_principles_algebra import constant_factor_lines, polynomial_in
from derive.calculus.first_principles_lines import Line, StandardLimit, add, minus, over, times


def standard_limits(t: sp.Expr) -> dict[str, StandardLimit]:
    """The three standard limits, by name, in t (h, or a multiple ah of it: t → 0 as
    h → 0)."""
    return {
        "sine": StandardLimit("sine", over(sp.sin(t), t), sp.S.One),
        "cosine": StandardLimit("cosine", over(add(sp.cos(t), sp.S.NegativeOne), t),
                                sp.S.Zero),
        "exponential": StandardLimit("exponential", over(add(sp.exp(t), sp.S.NegativeOne), t),
                                     sp.S.One),
    }


def function_parts(f: sp.Expr, x: sp.Symbol, kind) -> Optional[tuple[sp.Expr, sp.Expr]]:
    """(c, u) with f = c·kind(u), c free of x and u = ax + b (a ≠ 0); None otherwise."""
    coefficient, rest = f.doit().as_independent(x, as_Add=False)
    if not isinstance(rest, kind):
        return None
    poly = polynomial_in(rest.args[0], x)
    if poly is None or poly.degree() != 1:
        return None
    return coefficient, _typed_argument(f, x, kind, rest.args[0])


def _typed_argument(f: sp.Expr, x: sp.Symbol, kind, u: sp.Expr) -> sp.Expr:
    """The argument u as typed (2x + 1, not 1 + 2x), where the typed function shows it."""
    typed = f.as_independent(x, as_Add=False)[1]
    if kind is sp.exp and typed.is_Pow and typed.base is sp.E:
        return typed.exp if typed.exp.doit() == u else u
    if isinstance(typed, kind) and typed.args[0].doit() == u:
        return typed.args[0]
    return u


def _argument_lines(c: sp.Expr, u: sp.Expr, x: sp.Symbol, h: sp.Symbol, kind
                    ) -> tuple[list[Line], sp.Expr]:
    """The constant factor out of the limit, and kind(u(x + h)) written kind(u + ah) where
    a ≠ 1; with the increment ah of the argument."""
    lines = constant_factor_lines(c, kind(u), x, h)
    step = sp.diff(u, x) * h
    if step != h:
        lines.append(Line(over(minus(kind(add(u, step)), kind(u)), h), "expand-argument",
                          factor=c))
    return lines, step


def _scaled(limit: StandardLimit, h: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """A standard limit in t = ah as a quotient by h: (its expression with h below, a)."""
    a = limit.expression.args[-1].base / h   # the t of expression/t, divided by h
    return over(limit.expression.args[0], h), a


def _addition_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol, kind, sign: int) -> list[Line]:
    """sin or cos (``kind``) of u + t, t = ah, by its addition formula, then grouped, split
    (multiplied above and below by a when a ≠ 1) and the limit taken:
    kind(u + t) = kind(u) cos(t) + sign · g(u) sin(t), g the other function."""
    c, u = function_parts(f, x, kind)
    other = sp.cos if kind is sp.sin else sp.sin
    lines, t = _argument_lines(c, u, x, h, kind)
    first, second = times(kind(u), sp.cos(t)), times(other(u), sp.sin(t))
    formula = add(first, second) if sign > 0 else minus(first, second)
    lines.append(Line(over(minus(formula, kind(u)), h), "addition-formula", factor=c,
                      identity=(kind(add(u, t)), formula)))
    grouped = times(kind(u), add(sp.cos(t), sp.S.NegativeOne))
    joined = add(grouped, second) if sign > 0 else minus(grouped, second)
    lines.append(Line(over(joined, h), "group", factor=c, subject=kind(u)))
    limits = standard_limits(t)
    cosine, sine = limits["cosine"], limits["sine"]
    (cosine_by_h, a), (sine_by_h, _) = _scaled(cosine, h), _scaled(sine, h)
    split = (times(kind(u), cosine_by_h), times(other(u), sine_by_h))
    lines.append(Line(add(*split) if sign > 0 else minus(*split), "split", factor=c))
    if a != 1:
        scaled = (times(a, kind(u), cosine.expression), times(a, other(u), sine.expression))
        lines.append(Line(add(*scaled) if sign > 0 else minus(*scaled), "scale", factor=c,
                          subject=a))
    taken = (times_kept(*_factors(a, kind(u)), cosine.value),
             times_kept(*_factors(a, other(u)), sine.value))
    value = add(*taken) if sign > 0 else minus(*taken)
    lines.append(Line(times_kept(c, value) if c != 1 else value, "standard-limits",
                      under_limit=False, limits=(cosine, sine)))
    lines.append(Line(sign * c * a * other(u), "simplify", under_limit=False))
    return lines


def _factors(a: sp.Expr, g: sp.Expr) -> tuple[sp.Expr, ...]:
    return (g,) if a == 1 else (a, g)


def times_kept(*factors: sp.Expr) -> sp.Expr:
    """The product as written, factors 0 and 1 kept (sin(x)·0 + cos(x)·1)."""
    return sp.Mul(*factors, evaluate=False)


def sine_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    return _addition_lines(f, x, h, sp.sin, 1)


def cosine_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    return _addition_lines(f, x, h, sp.cos, -1)


def exponential_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    """e^(u + t) = eᵘ eᵗ (t = ah), eᵘ out of the limit, (eᵗ − 1)/t → 1."""
    c, u = function_parts(f, x, sp.exp)
    lines, t = _argument_lines(c, u, x, h, _power_of_e)
    eu, et = _power_of_e(u), _power_of_e(t)
    product = sp.Mul(eu, et, evaluate=False)
    lines.append(Line(over(minus(product, eu), h), "exponent-law", factor=c,
                      identity=(_power_of_e(add(u, t)), product)))
    limit = standard_limits(t)["exponential"]
    by_h, a = _scaled(limit, h)
    outside = times(c, eu)
    lines.append(Line(by_h, "factor-out", factor=outside, subject=eu))
    if a != 1:
        outside = sp.Mul(c * a, eu)
        lines.append(Line(limit.expression, "scale", factor=outside, subject=a))
    lines.append(Line(times_kept(outside, limit.value), "standard-limits", under_limit=False,
                      limits=(limit,)))
    lines.append(Line(c * a * sp.exp(u), "simplify", under_limit=False))
    return lines


def _power_of_e(u: sp.Expr) -> sp.Expr:
    """eᵘ as written (SymPy's exp would fold e^(u + t) into one power)."""
    return sp.Pow(sp.E, u, evaluate=False)
