"""The verdict on an answer for dy/dx on a curve F(x, y) = 0.

An answer is right when it equals dy/dx at the points of the curve — not necessarily as a
formula in x and y: −x/y and −x/√(25 − x²) are both dy/dx on the upper half of
x² + y² = 25, where y = √(25 − x²).  So the answer is compared with dy/dx at points of the
curve found numerically (every branch of it: both halves of a circle), with 30 digits:

* equal at every point: right (``identical`` when it is even the same formula in x and y);
* equal exactly at the points on one side of y = 0: right on that part of the curve only
  (``where``, said so);
* otherwise wrong, with a point of the curve where it differs, and the mistake that gives it
  when one of ``mistakes`` (forgetting dy/dx on a term, a sign lost while solving) agrees
  with the answer at every point.

The solution, its points and its mistakes come from the caller (``derive.api.check``), so
this module judges and does not solve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import mpmath
import sympy as sp

from derive.checking.answers import read_answer
from derive.core.verify import equivalent
from derive.errors import InputError

_TOLERANCE = mpmath.mpf("1e-15")
_MIN_POINTS = 3


@dataclass(frozen=True, repr=False)
class ImplicitAnswerCheck:
    """The verdict on ``answer`` for dy/dx on the curve of ``solution``.

    correct         equal to dy/dx on the curve (everywhere, or on the part ``where``)
    identical       the same function of x and y as dy/dx (not only on the curve)
    where           "" (all of the curve tried) or ``y > 0`` / ``y < 0``: the part of the
                    curve where a right answer holds
    counterexample  (x₀, y₀, the answer there, dy/dx there) at a point of the curve where
                    they differ (for a wrong answer, or outside ``where``)
    mistake         the mistake (``derive.calculus.implicit_mistakes.ImplicitMistake``)
                    whose dy/dx the answer is, when one is
    """

    input: str
    answer_text: str
    answer: sp.Expr
    solution: Any
    correct: bool
    identical: bool
    where: str = ""
    counterexample: Optional[tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]] = None
    mistake: Any = None

    @property
    def expected(self) -> sp.Expr:
        return self.solution.result


def judge(solution, answer: str, points: Sequence[tuple], mistakes: Sequence = ()
          ) -> ImplicitAnswerCheck:
    """The verdict on ``answer`` (text) for dy/dx = ``solution.result`` on the curve through
    ``points`` (pairs of mpmath numbers on F = 0)."""
    if not isinstance(answer, str) or not answer.strip():
        raise InputError("the answer is empty: give it with --answer")
    x, y, truth = solution.x, solution.y, solution.result
    given = read_answer(answer)
    strangers = sorted(s.name for s in given.free_symbols - {x, y})
    if strangers:
        raise InputError(f"the answer has variables that the curve has not: "
                         f"{', '.join(strangers)}")
    identical = equivalent(given, truth).passed
    agree, differ = _compare(given, truth, x, y, points)
    made = dict(input=solution.input, answer_text=answer, answer=given, solution=solution,
                identical=identical)
    if identical or (len(agree) >= _MIN_POINTS and not differ):
        return ImplicitAnswerCheck(correct=True, **made)
    where = _branch(agree, differ, y)
    example = _example(given, truth, x, y, differ)
    if where and len(agree) >= _MIN_POINTS:
        return ImplicitAnswerCheck(correct=True, where=where, counterexample=example, **made)
    mistake = next((m for m in mistakes if _same_on(given, m.derivative, x, y, points)), None)
    return ImplicitAnswerCheck(correct=False, counterexample=example, mistake=mistake, **made)


def _values(e: sp.Expr, x, y, points):
    f = sp.lambdify((x, y), e, "mpmath")
    for x0, y0 in points:
        try:
            v = f(x0, y0)
        except (ValueError, ZeroDivisionError, TypeError, OverflowError):
            v = None
        yield (x0, y0), (v if isinstance(v, mpmath.mpf) else None)


def _compare(given, truth, x, y, points):
    """The points where the two agree and where they differ (both defined and real)."""
    agree, differ = [], []
    with mpmath.workdps(30):
        for (p, g), (_, t) in zip(_values(given, x, y, points), _values(truth, x, y, points)):
            if g is None or t is None:
                continue
            (agree if abs(g - t) <= _TOLERANCE * (1 + abs(t)) else differ).append(p)
    return agree, differ


def _same_on(given, other, x, y, points) -> bool:
    if other is None:
        return False
    agree, differ = _compare(given, other, x, y, points)
    return len(agree) >= _MIN_POINTS and not differ


def _branch(agree, differ, y) -> str:
    """``y > 0`` when the answer holds at exactly the points above y = 0, ``y < 0`` below."""
    if not agree or not differ:
        return ""
    if all(p[1] > 0 for p in agree) and all(p[1] < 0 for p in differ):
        return f"{y} > 0"
    if all(p[1] < 0 for p in agree) and all(p[1] > 0 for p in differ):
        return f"{y} < 0"
    return ""


def _example(given, truth, x, y, differ):
    """The first point where the two differ: its coordinates and both values, to 6
    significant digits."""
    if not differ:
        return None
    x0, y0 = differ[0]
    with mpmath.workdps(30):
        values = [v for _, v in _values(given, x, y, [differ[0]])] + [
            v for _, v in _values(truth, x, y, [differ[0]])]
    return tuple(sp.Float(mpmath.nstr(v, 6), 15) for v in (x0, y0, *values))
