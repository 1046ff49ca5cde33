"""Multiple-choice questions whose wrong options are the mistakes students make.

For "differentiate f", the options are the right derivative and three wrong ones, each what
a mistake of the table (``derive.checking.mistakes``) gives when made at one node of f (two mistakes
made together only when single ones do not give three different answers).  Every option is
checked numerically: each wrong option differs from the right answer and from every other
option at some point where both are defined, and the form shown is the same function as the
mistake's raw result.  Which mistakes are used and the order of the options follow from the
seed alone, so the same seed gives the same question.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations
from typing import Optional, Sequence

import sympy as sp

from derive.checking.answers import (Judge, Values, agree, differentiate_rest, differentiations,
                                     worked_solution)
from derive.core.picking import varied
from derive.errors import InputError, VerificationError
from derive.checking.mistakes import Application, applications, combined, compatible
from derive.core.simplify import simplification_steps
from derive.core.steps import Solution

WRONG_OPTIONS = 3


@dataclass(frozen=True)
class Option:
    """One option: the expression shown, whether it is right, and for a wrong one the
    mistakes that give it (``order``: in which derivative of a higher one they are made)."""

    expression: sp.Expr
    correct: bool
    mistakes: tuple[Application, ...] = ()
    order: int = 1

    @property
    def id(self) -> Optional[str]:
        return "+".join(a.id for a in self.mistakes) if self.mistakes else None


@dataclass(frozen=True)
class MultipleChoice:
    """A question "differentiate f" with its options in the order shown."""

    text: str
    solution: Solution
    options: tuple[Option, ...]
    seed: int

    @property
    def expression(self) -> sp.Expr:
        return self.solution.expression

    @property
    def key(self) -> int:
        """The index of the right option."""
        return next(i for i, o in enumerate(self.options) if o.correct)

    @property
    def wrong(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if not o.correct)


@dataclass(frozen=True)
class _Candidate:
    raw: sp.Expr
    mistakes: tuple[Application, ...]
    order: int
    values: Values

    @property
    def kind(self) -> str:
        return "+".join(a.id for a in self.mistakes)


def choices(expr_text, seed: int = 0, *, wrt=None, order: int = 1,
            wrong: int = WRONG_OPTIONS, style: str = "textbook",
            solution: Optional[Solution] = None) -> MultipleChoice:
    """The right derivative of ``expr_text`` and ``wrong`` wrong ones from the mistake table,
    shuffled reproducibly by ``seed``; ``style``: how the question's worked solution is worked
    (its answer is the right option); ``solution``: that solution when it is already worked
    (of ``expr_text``, by ``wrt``, to ``order``, in ``style``), not worked again.  Raises
    ``InputError`` when the mistakes give fewer different wrong answers than needed (``x``
    has none: no rule there can go wrong)."""
    if solution is None or solution.style != style:
        solution = worked_solution(expr_text, wrt, order=order, style=style)
    if not isinstance(solution, Solution):
        raise InputError("a multiple-choice question takes one function, not a vector")
    if not solution.verified:
        raise VerificationError("the worked solution failed its own check; this is a bug in "
                                "derive, please report it with the input")
    function = solution.expression.doit()
    judge = Judge(function, sp.diff(function, *solution.sequence), shown=solution.result)
    rng = random.Random(f"derive-quiz:{seed}:{expr_text}")

    found = _distinct_wrong_answers(solution, judge, wrong)
    if len(found) < wrong:
        raise InputError(f"the common mistakes give only {len(found)} different wrong "
                         f"answer{'s' if len(found) != 1 else ''} for {expr_text}; "
                         f"a multiple-choice question needs {wrong}")
    picked = _pick(found, wrong, rng)
    options = [Option(solution.result, True)]
    for candidate in picked:
        shown = _shown(candidate.raw, judge)
        options.append(Option(shown, False, candidate.mistakes, candidate.order))
    _check_distinct(options, judge)
    rng.shuffle(options)
    return MultipleChoice(str(expr_text), solution, tuple(options), seed)


def _distinct_wrong_answers(solution: Solution, judge: Judge, needed: int) -> list[_Candidate]:
    """Wrong answers from single mistakes, one per different function, in table order;
    pairs of mistakes only when single ones give fewer than ``needed``."""
    truth = Values(judge, judge.truth)
    found: list[_Candidate] = []
    singles = []
    for k, (target, rest) in enumerate(differentiations(solution)):
        apps = []
        for app in applications(target, solution.sequence[k]):
            apps.append(app)
            _keep(differentiate_rest(app.answer, rest), (app,), k + 1, judge, truth, found)
        singles.append((k, target, rest, apps))
    if len(found) >= needed:
        return found
    for k, target, rest, apps in singles:
        for a, b in combinations(apps, 2):
            if compatible(a, b):
                raw = differentiate_rest(combined(target, solution.sequence[k], (a, b)), rest)
                _keep(raw, (a, b), k + 1, judge, truth, found)
    return found


def _keep(raw, mistakes, order, judge: Judge, truth: Values, found: list) -> None:
    """Add the candidate if it is provably wrong and provably unlike every one kept."""
    values = Values(judge, raw)
    if not _proved_different(raw, values, None, truth, judge):
        return
    for other in found:
        if not _proved_different(raw, values, other.raw, other.values, judge):
            return
    found.append(_Candidate(raw, tuple(mistakes), order, values))


def _proved_different(a, a_values: Values, b, b_values: Values, judge: Judge) -> bool:
    """A point where both are real and differ (b None: the derivative): a sample point,
    else one the oracle finds when the samples cannot tell them apart."""
    if a_values.differs(b_values):
        return True
    if agree(a_values.signature(), b_values.signature()):
        return False
    return judge.differ_at(a, b) is not None


def _pick(found: Sequence[_Candidate], count: int, rng: random.Random) -> list[_Candidate]:
    """``count`` candidates, as many different mistakes as possible, chosen by ``rng``."""
    return varied(found, count, rng, kind=lambda c: c.kind)


def _shown(raw: sp.Expr, judge: Judge) -> sp.Expr:
    """The wrong answer simplified the way the right one is, if the oracle agrees."""
    _, simplified = simplification_steps(raw)
    if judge.equivalent(simplified, raw).passed:
        return simplified
    return raw.doit()


def _check_distinct(options: Sequence[Option], judge: Judge) -> None:
    """Every pair of options differs at some point of the domain."""
    for a, b in combinations(options, 2):
        if judge.differ_at(a.expression, b.expression) is None:
            raise VerificationError(f"two options of the question are not different: "
                                    f"{a.expression} and {b.expression}")


__all__ = ["choices", "MultipleChoice", "Option"]
