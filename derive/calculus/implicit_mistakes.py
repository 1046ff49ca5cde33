"""The mistakes of implicit differentiation, each as the wrong dy/dx it leads to: what a
verdict on an answer names, and what a multiple-choice question offers beside the answer.

With every term's derivative written a + b·dy/dx, the differentiated equation is
Σ_left (a + b·dy/dx) = Σ_right (a + b·dy/dx), solved as

    dy/dx = (Σ_right a − Σ_left a) / (Σ_left b − Σ_right b).

* ``FORGOT_DYDX``: the dy/dx of one term left off (d/dx[y²] written 2y): that term's
  a + b·dy/dx becomes a + b;
* ``LOST_SIGN``: one term moved across the equals sign without its sign changed (its b or
  a counted with the wrong sign), or the whole answer's sign lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sympy as sp

from derive.calculus.implicit import ImplicitSolution, TermDerivative

FORGOT_DYDX = "forgot-dydx"
LOST_SIGN = "lost-sign"


@dataclass(frozen=True)
class ImplicitMistake:
    """A mistake and the dy/dx it gives; ``term``: the term it was made on (None when the
    whole answer's sign is lost), ``shown`` that term's derivative as the mistake writes it."""

    kind: str
    derivative: sp.Expr
    term: Optional[sp.Expr] = None
    shown: Optional[sp.Expr] = None


def mistakes(solution: ImplicitSolution) -> tuple[ImplicitMistake, ...]:
    """The distinct wrong answers, each different from the right one."""
    left, right = solution.left, solution.right
    found: list[ImplicitMistake] = []
    for side in (left, right):
        for t in side:
            if t.coefficient == 0:
                continue
            forgot = TermDerivative(t.term, t.rule, t.free + t.coefficient, sp.Integer(0), ())
            changed = tuple(forgot if u is t else u for u in left), tuple(
                forgot if u is t else u for u in right)
            found.append(ImplicitMistake(FORGOT_DYDX, _solved(*changed), t.term,
                                         t.free + t.coefficient))
    coefficient, free = solution.coefficient, solution.free
    for t in right:
        if t.coefficient != 0:
            found.append(ImplicitMistake(LOST_SIGN, _ratio(free, coefficient
                                                           + 2 * t.coefficient), t.term))
    for t in left:
        if t.free != 0:
            found.append(ImplicitMistake(LOST_SIGN, _ratio(free + 2 * t.free, coefficient),
                                         t.term))
    found.append(ImplicitMistake(LOST_SIGN, -solution.result))
    distinct, seen = [], {sp.srepr(solution.result)}
    for m in found:
        if m.derivative is None or sp.srepr(m.derivative) in seen:
            continue
        seen.add(sp.srepr(m.derivative))
        distinct.append(m)
    return tuple(distinct)


def _solved(left, right) -> Optional[sp.Expr]:
    free = sum((t.free for t in right), sp.Integer(0)) - sum((t.free for t in left),
                                                             sp.Integer(0))
    coefficient = sum((t.coefficient for t in left), sp.Integer(0)) - sum(
        (t.coefficient for t in right), sp.Integer(0))
    return _ratio(free, coefficient)


def _ratio(free, coefficient) -> Optional[sp.Expr]:
    if sp.simplify(coefficient) == 0:
        return None
    return sp.cancel(sp.together(free / coefficient))
