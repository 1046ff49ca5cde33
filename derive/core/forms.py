"""How an expression is written, decided from its structure: what the notation prints and
the simplifier must foresee (whether reordering a product changes what the reader sees)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

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


# --- numbers typed as decimals ------------------------------------------------------------

#: Digits after the point a number may have to be written as a decimal (0.0003, 1.9).
DECIMAL_PLACES = 8

_decimals: ContextVar[bool] = ContextVar("derive_decimals", default=False)


@contextmanager
def decimal_numbers(on: bool = True):
    """Inside the block, numbers are written as decimals where the function was typed with
    them (0.0001x³ − 0.02x², not x³/10000 − x²/50): a terminating fraction p/q (q = 2ᵃ5ᵇ) is
    a decimal, read back by the parser as the same exact fraction.  The simplifier counts such
    a number as one symbol, so it keeps 0.0003x² − 0.04x + 3 rather than pulling 1/10000 out."""
    token = _decimals.set(on)
    try:
        yield
    finally:
        _decimals.reset(token)


def in_decimals() -> bool:
    """Whether numbers are written as decimals here (see ``decimal_numbers``)."""
    return _decimals.get()


def decimal_places(number: sp.Rational) -> int | None:
    """Digits after the point of ``number`` written as a terminating decimal (0 for an
    integer), or None when it has none within ``DECIMAL_PLACES`` (1/3, 1/7)."""
    q = int(number.q)
    for places in range(DECIMAL_PLACES + 1):
        if 10 ** places % q == 0:
            return places
    return None


def written_as_decimal(number) -> bool:
    """A fraction that decimal mode writes as a decimal: not an integer, terminating within
    ``DECIMAL_PLACES`` digits."""
    return (in_decimals() and number.is_Rational and not number.is_Integer
            and decimal_places(number) is not None)


def _decimal(number: sp.Rational) -> sp.Float:
    """The exact decimal of a terminating fraction, as a Float that prints its digits."""
    places = decimal_places(number)
    digits = abs(int(number.p)) * 10 ** places // int(number.q)
    text = str(digits).rjust(places + 1, "0")
    text = f"{text[:-places]}.{text[-places:]}" if places else text
    return sp.Float(("-" if number < 0 else "") + text, max(15, len(text)))


def as_decimals(expr: sp.Basic) -> sp.Basic:
    """``expr`` as decimal mode writes it: each terminating fraction a decimal, except the ½
    of a square root (√x stays √x, 1/√x stays 1/√x); unchanged outside decimal mode."""
    if not in_decimals():
        return expr

    def decimal(node):
        if isinstance(node, sp.Pow) and node.exp in (sp.S.Half, -sp.S.Half):
            return node.func(as_decimals(node.base), node.exp, evaluate=False)
        return _decimal(node) if written_as_decimal(node) else None

    return rebuilt(expr, decimal)


def rebuilt(expr: sp.Basic, replace) -> sp.Basic:
    """``expr`` with every node for which ``replace(node)`` gives an expression replaced by it
    (its own subtree is then not visited), every other node kept as built: a node is rebuilt,
    unevaluated, only where something below it changed."""
    new = replace(expr)
    if new is not None:
        return new
    if expr.is_Atom:
        return expr
    args = tuple(rebuilt(a, replace) for a in expr.args)
    if args == expr.args:
        return expr
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:  # a node that takes no evaluate flag
        return expr.func(*args)
