"""Size limits: the numbers a request may build and the expressions costly algorithms may take.

Numbers: an integer power aᵇ with a, b numbers is never built when it would have more than
``MAX_DIGITS`` digits (``10^10^10^10``): the parser keeps it unevaluated and
``check_number_sizes`` refuses it before anything evaluates it.

Expressions: multiplying out and the polynomial algorithms (cancel, factor) are tried only
on expressions small enough for them (``has_large_powers``, ``suits_polynomial_algorithms``,
``within_nodes``) — bounds counted in nodes and operations, never in time.
"""

from __future__ import annotations

import math

import sympy as sp

from derive.errors import InputError, written

MAX_DIGITS = 10_000
LARGE_POWER = 8     # integer powers of sums above this are not multiplied out
POLYNOMIAL_NODES = 150  # expression trees above this size skip polynomial algorithms


def _log10_size(e: sp.Expr) -> float:
    """log₁₀ of |e| for a number written with + · ^ (inf when it is beyond floats)."""
    if e.is_Integer or e.is_Rational:
        p, q = abs(int(e.p)), int(e.q)
        return (math.log10(p) if p else 0.0) + (math.log10(q) if q > 1 else 0.0)
    if isinstance(e, sp.Pow):
        base = _log10_size(e.base)
        try:
            exponent = 10 ** _log10_size(e.exp)
        except OverflowError:
            return math.inf
        return base * exponent
    if isinstance(e, (sp.Mul, sp.Add)):
        return sum(_log10_size(a) for a in e.args) + 1
    if e.is_NumberSymbol:                      # π, e: their own size
        return math.log10(float(e))
    return 1.0


def check_number_sizes(expr: sp.Expr) -> None:
    """Refuse numbers too large to build, such as 10^10^10^10, with a clear message."""
    for p in sp.preorder_traversal(expr):
        if isinstance(p, sp.Pow) and p.base.is_number and p.exp.is_number:
            if _log10_size(p) > MAX_DIGITS:
                raise InputError(f"a number in the expression is too large to work with "
                                 f"(more than {MAX_DIGITS} digits): {written(p, limit=40)}")



def has_large_powers(e: sp.Expr) -> bool:
    """Multiplying out would be costly: an integer power above ``LARGE_POWER`` of a sum or
    of a non-number (nothing expands (x + 1)¹⁰⁰⁰ unasked)."""
    return any(p.exp.is_Integer and abs(p.exp) > LARGE_POWER and not p.base.is_number
               for p in e.atoms(sp.Pow))


def within_nodes(e: sp.Expr, bound: int) -> bool:
    """Whether the tree of ``e`` has at most ``bound`` nodes (counting stops past it)."""
    nodes = 0
    for _ in sp.preorder_traversal(e):
        nodes += 1
        if nodes > bound:
            return False
    return True


def suits_polynomial_algorithms(e: sp.Expr) -> bool:
    """Small enough, and free of large powers, for ``cancel``/``together``: their cost grows
    far faster than the expression (a derivative of a 25-fold composition spent 5 s in them)."""
    return within_nodes(e, POLYNOMIAL_NODES) and not has_large_powers(e)
