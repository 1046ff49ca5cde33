"""The records of a derivative worked from first principles, and the unevaluated
expressions its lines are written with.

    f′(x) = lim_{h→0} (f(x + h) − f(x))/h

The working is a chain of lines, each equal to the one before it: first lines under the limit
(equal as functions of x and h for h ≠ 0, where the quotient is defined), then, once no h is
left in a denominator, the limit itself and its simplification.  The records hold SymPy
expressions built unevaluated, so that each line is written as a teacher writes it, in the
order its terms were made; no text is in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sympy as sp

from derive.core.display import Displayed
from derive.core.forms import rebuilt
from derive.core.steps import Check, Checked


@dataclass(frozen=True)
class StandardLimit:
    """lim_{h→0} ``expression`` = ``value``: a limit a textbook proves once and then quotes
    (``name``: "sine" for sin h/h → 1, "cosine" for (cos h − 1)/h → 0, "exponential" for
    (eʰ − 1)/h → 1)."""

    name: str
    expression: sp.Expr
    value: sp.Expr


@dataclass(frozen=True)
class Line:
    """One line of the working, ``= factor · lim_{h→0} expression`` while ``under_limit``,
    else ``= expression``; ``reason`` says why it equals the line before it.

    reason     "substitute", "constant-factor", "common-denominator", "conjugate",
               "difference-of-squares", "expand", "collect", "cancel-h",
               "expand-argument", "addition-formula", "exponent-law", "group", "split",
               "scale", "factor-out",
               "standard-limits", "let-h-to-0" or "simplify"; for a sum worked part by
               part "regroup" (the quotient as the sum of the parts' quotients),
               "sum-of-limits" (written as the sum of their limits) and
               "limits-of-parts" (the value of each)
    factor     a factor free of h written before the limit (1: none)
    subject    what the reason is about: the conjugate multiplied by, the factor taken out,
               the common factor of a group of terms
    identity   the identity the line uses, (left side, right side)
    limits     the standard limits the line uses
    """

    expression: sp.Expr
    reason: str
    under_limit: bool = True
    factor: sp.Expr = sp.S.One
    subject: Optional[sp.Expr] = None
    identity: Optional[tuple[sp.Expr, sp.Expr]] = None
    limits: tuple[StandardLimit, ...] = ()

    @property
    def value(self) -> sp.Expr:
        """What the line stands for, the factor included (as a function of x and h)."""
        return self.expression if self.factor == 1 else self.factor * self.expression


@dataclass(frozen=True, repr=False)
class FirstPrinciples(Checked, Displayed):
    """f′(x) worked as the limit of the difference quotient.

    input      the function as the user typed it
    function   f(x), as typed
    variable   x;  ``step``: h;  ``name``: f
    method     "polynomial", "rational", "root", "sine", "cosine", "exponential" or
               "constant": which algebra removes h from the denominator; "sum" for a sum
               worked part by part (``parts``: each part's own working)
    shifted    f(x + h), written out
    lines      the working after the definition f′(x) = lim_{h→0} (f(x + h) − f(x))/h
    result     f′(x)
    checks     every line against the one before it, the limit, and the answer against
               SymPy's derivative
    """

    input: str
    function: sp.Expr
    variable: sp.Symbol
    step: sp.Symbol
    name: sp.Symbol
    method: str
    shifted: sp.Expr
    lines: tuple[Line, ...]
    result: sp.Expr
    checks: tuple[Check, ...] = ()
    parts: tuple["FirstPrinciples", ...] = ()

    @property
    def style(self) -> str:
        return "limit"



# --- unevaluated arithmetic: each line written as built ---------------------------------

def add(*terms: sp.Expr) -> sp.Expr:
    """The sum of ``terms`` in this order (one term: itself)."""
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def times(*factors: sp.Expr) -> sp.Expr:
    """The product of ``factors`` in this order, factors 1 left out."""
    kept = [f for f in factors if f != 1]
    if not kept:
        return sp.S.One
    return kept[0] if len(kept) == 1 else sp.Mul(*kept, evaluate=False)


def minus(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """a − b, as written."""
    return sp.Add(a, sp.Mul(-1, b, evaluate=False), evaluate=False)


def over(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """numerator/denominator, as written (a denominator 1 left out)."""
    if denominator == 1:
        return numerator
    return sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


def shift(expr: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> sp.Expr:
    """``expr`` with x written x + h, everything else kept as built: f(x + h)."""
    return rebuilt(expr, lambda node: sp.Add(x, h, evaluate=False) if node == x else None)


def at_zero(expr: sp.Expr, h: sp.Symbol) -> sp.Expr:
    """``expr`` with h set to 0, written as a teacher writes it: a term that vanishes is
    left out of its sum (x + h becomes x, 2x + h + 3 becomes 2x + 3), nothing else is
    evaluated (1/(√(x + h) + √x) becomes 1/(√x + √x))."""
    def replace(node):
        if node == h:
            return sp.S.Zero
        if node.is_Add and node.has(h):
            kept = [at_zero(a, h) for a in node.args if not (a.has(h) and a.subs(h, 0) == 0)]
            return add(*kept) if kept else sp.S.Zero
        return None
    return rebuilt(expr, replace)


def terms_of(expr: sp.Expr) -> list[sp.Expr]:
    """The terms of a sum as written, nested sums flattened (a non-sum: itself)."""
    if not expr.is_Add:
        return [expr]
    return [t for a in expr.args for t in terms_of(a)]
