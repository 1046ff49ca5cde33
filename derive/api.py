"""The Python interface: ``differentiate("ln(sin(x^3)^2)")`` returns a checked ``Solution``.

User text is parsed by derive's own grammar (never by ``eval``/``sympify``); a SymPy
expression may be passed instead of text.
"""

from __future__ import annotations

from typing import Mapping, Optional, Union

import sympy as sp

from .engine import DEFAULT_SIMPLIFY_BUDGET, STYLES, solve
from .errors import InputError
from .parsing import ParseError, parse, parse_point, parse_symbol
from .steps import Solution

Point = Union[str, Mapping[sp.Symbol, sp.Expr], None]


def differentiate(expression: Union[str, sp.Expr], wrt: Union[str, sp.Symbol, None] = None, *,
                  order: int = 1, style: str = "method", at: Point = None,
                  simplify_budget: Optional[float] = DEFAULT_SIMPLIFY_BUDGET) -> Solution:
    """The worked, checked ``order``-th derivative of ``expression`` with respect to ``wrt``.

    ``wrt`` may be omitted when the expression has one variable.  ``at`` ("x=2" or a mapping)
    also evaluates the derivative at a point.  Raises ``InputError`` (a ``ValueError``) for
    input that cannot be worked, with a one-line message.
    """
    text = expression if isinstance(expression, str) else str(expression)
    expr = parse(expression) if isinstance(expression, str) else sp.sympify(expression)
    variable = _variable(expr, wrt)
    if not isinstance(order, int) or order < 1:
        raise InputError(f"the order must be a whole number of at least 1, not {order!r}")
    if style not in STYLES:
        raise InputError(f"unknown style {style!r}: choose one of {', '.join(STYLES)}")
    point = _point(at, expr, variable)
    return solve(expr, variable, order=order, style=style, text=text, point=point,
                 simplify_budget=simplify_budget)


def _variable(expr: sp.Expr, wrt) -> sp.Symbol:
    """The variable of differentiation: the one given, or the expression's only symbol."""
    if wrt is not None:
        return parse_symbol(wrt) if isinstance(wrt, str) else wrt
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if len(symbols) == 1:
        return symbols[0]
    if not symbols:
        return sp.Symbol("x", real=True)
    names = ", ".join(s.name for s in symbols)
    raise InputError(f"the expression has several variables ({names}): say which one with --wrt")


def _point(at: Point, expr: sp.Expr, wrt: sp.Symbol) -> Optional[dict]:
    if at is None:
        return None
    point = parse_point(at) if isinstance(at, str) else dict(at)
    missing = sorted((s.name for s in expr.free_symbols if s not in point), key=str)
    if missing:
        raise InputError(f"--at gives no value for {', '.join(missing)}")
    value = expr.doit().subs(point)
    if not _is_real_number(value):
        where = ", ".join(f"{k} = {v}" for k, v in point.items())
        raise InputError(f"{where} is outside the domain of f: f has no real value there")
    return point


def _is_real_number(value) -> bool:
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    numeric = sp.N(value)
    return numeric.is_number and numeric.is_real is not False and abs(sp.im(numeric)) < 1e-15


__all__ = ["differentiate", "Solution", "InputError", "ParseError"]
