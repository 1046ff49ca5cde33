"""How an expression is written, decided from its structure: what the notation prints and
the simplifier must foresee (whether reordering a product changes what the reader sees)."""

from __future__ import annotations

import sympy as sp


def split_sign(expr: sp.Expr) -> tuple[bool, sp.Expr]:
    """``(negative, magnitude)`` as a product is printed: every -1 and every negative number
    of a (possibly unevaluated, nested) product pulled out in front; factors that were only
    -1 disappear, the others keep their stored order."""
    if expr.is_Number:
        return (True, -expr) if expr.is_extended_negative else (False, expr)
    if not expr.is_Mul:
        return False, expr
    negative, changed, rest = False, False, []
    for arg in expr.args:
        neg, magnitude = split_sign(arg)
        if neg:
            negative, changed = not negative, True
            if magnitude == 1:
                continue
        rest.append(magnitude)
    if not changed:
        return False, expr
    if not rest:
        return negative, sp.S.One
    return negative, rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
