"""An equation ``LEFT = RIGHT`` read with derive's own grammar: the input of implicit
differentiation (``x^2 + y^2 = 25``) and of a tangent to a curve."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.errors import InputError
from derive.read.parsing import ParseError, parse
from derive.read.request import read_expression


@dataclass(frozen=True)
class Equation:
    """``left = right``; ``function`` is F = left − right, the curve being F = 0."""

    left: sp.Expr
    right: sp.Expr

    @property
    def function(self) -> sp.Expr:
        return self.left - self.right


def is_equation(text) -> bool:
    """Whether ``text`` is written as an equation: one ``=`` (not ``<=``, ``>=``, ``!=``)."""
    return isinstance(text, str) and _equals(text) is not None


def _equals(text: str):
    at = [i for i, ch in enumerate(text) if ch == "="]
    if len(at) != 1:
        return None
    i = at[0]
    if i > 0 and text[i - 1] in "<>!":
        return None
    return i


def read_equation(text) -> Equation:
    """``"x^2 + y^2 = 25"`` into (x² + y², 25); each side read by derive's grammar."""
    if isinstance(text, Equation):
        return text
    if isinstance(text, sp.Equality):
        return Equation(text.lhs, text.rhs)
    if not isinstance(text, str):
        return Equation(read_expression(text), sp.Integer(0))
    equals = _equals(text)
    if equals is None:
        raise InputError(f"expected an equation LEFT = RIGHT with one '=', not {text!r}")
    sides = []
    for start, end in ((0, equals), (equals + 1, len(text))):
        if not text[start:end].strip():
            raise ParseError("a side of the equation is empty", text, start)
        try:
            sides.append(parse(text[start:end]))
        except ParseError as err:
            raise ParseError(err.message, text, start + err.column) from None
    return Equation(*sides)
