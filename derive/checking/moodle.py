"""Moodle quiz questions as plain data: what each question asks, its worked solution, and the
answers the common mistakes give.  ``derive.present.moodle`` writes them as Moodle XML.

Three kinds of question ask "differentiate f":

* ``stack`` – the student types f′; STACK's potential-response tree tests the answer first
  against the derivative, then, node by node, against the answer each mistake of the table
  (``derive.checking.mistakes``) gives where it applies, and names the mistake and the step of
  the worked solution where it happens.  Every mistake made at every node where it applies is
  a candidate, in the order ``derive check`` tries them (table order, outermost node first);
  one that changes nothing, or gives an answer an earlier node already tests (they agree at
  every sample point of the domain), has no node: each mistaken answer reaches its own node;
* ``multichoice`` – the right derivative and three mistaken ones, as ``derive sheet
  --multiple-choice`` chooses them (``derive.checking.quiz.choices``);
* ``numerical`` – the value of f′ at a point: the point given, else the problem's own, else
  the first of the readable points 1, 2, ½, −1, 3, … where f and f′ have real values (one
  where f′ ≠ 0 when there is one among them).  The answer is accepted within 0.1 % of the
  value, or within 10⁻⁶ where the value is that close to 0.

Every solution is worked in the computation-graph style, and a feedback says where a mistake
happens in the words of ``derive check --style graph``: the steps it names are the steps of
the worked solution the question shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.checking.answers import (NICE, Diagnosis, Judge, Values, differentiate_rest,
                                     differentiations, locate, worked_solution)
from derive.checking.mistakes import applications
from derive.checking.quiz import MultipleChoice, choices
from derive.core.steps import PointValue, Solution
from derive.read.worked import worked_at
from derive.errors import InputError, VerificationError

QUESTION_TYPES = ("stack", "multichoice", "numerical")
ASKED_KINDS = ("derivative", "partial")   # the problems of a bank a Moodle question asks
# the problems of a method of its own asked as multiple choice (dy/dx of a curve, f′ from
# first principles: their options are the method's mistakes, ``derive.calculus.choices``)
CHOICE_METHOD_KINDS = ("implicit", "first-principles")
STYLE = "textbook"   # the worked solution of the feedback, as derive prints it
RELATIVE_TOLERANCE = 1e-3
ABSOLUTE_TOLERANCE = 1e-6
POINT_TRIES = 5          # points of the readable list solved at before giving up


@dataclass(frozen=True)
class Mistaken:
    """An answer a mistake gives: the mistakes made (with the steps where they happen) and
    the derivative they give."""

    diagnosis: Diagnosis
    answer: sp.Expr

    @property
    def id(self) -> str:
        return self.diagnosis.id


@dataclass(frozen=True)
class Choice:
    """An option of a multiple-choice question; a wrong one says which mistakes give it
    (``mistaken``: a mistake of the table, with its step; ``words``: a mistake of a method,
    in a sentence)."""

    expression: sp.Expr
    correct: bool
    mistaken: Optional[Mistaken] = None
    words: str = ""


@dataclass(frozen=True)
class Question:
    """One question "differentiate f".

    type        "stack", "multichoice" or "numerical"
    name        its name in the question bank
    solution    the worked, checked solution (shown as the general feedback)
    prompt      the problem's own words, put before the question
    mistakes    stack: the mistaken answers the tree tests, one node each, in order
    choices     multichoice: the options in the order shown
    evaluation  numerical: the derivative at the point (its exact value)
    value, tolerance, relative   numerical: the value as a number, the half-width of the
                interval accepted, and whether that width is relative (0.1 %) or absolute
    """

    type: str
    name: str
    solution: Solution
    prompt: str = ""
    mistakes: tuple[Mistaken, ...] = ()
    choices: tuple[Choice, ...] = ()
    evaluation: Optional[PointValue] = None
    value: Optional[float] = None
    tolerance: Optional[float] = None
    relative: bool = True


@dataclass(frozen=True)
class Category:
    """A category of the question bank: its path (``$course$/…``) and its questions."""

    path: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Quiz:
    """What a Moodle XML file holds: categories of questions, in order."""

    categories: tuple[Category, ...]

    @property
    def questions(self):
        for category in self.categories:
            yield from category.questions


@dataclass(frozen=True)
class Ask:
    """What one question asks: the function as text, the variables, the order, the problem's
    words, a point (numerical), and the solution (graph style) and the multiple-choice
    options (with ``seed``) when they are already worked out."""

    text: str
    name: str
    wrt: object = None
    order: int = 1
    prompt: str = ""
    at: object = None
    seed: int = 0
    solution: Optional[Solution] = None
    asked: Optional[MultipleChoice] = None     # multichoice: the options, when already found


# --- the question types -------------------------------------------------------------------

def stack_question(ask: Ask) -> Question:
    """A STACK question: the derivative, then every different mistaken answer."""
    solution = _solution(ask)
    _refuse_abstract(solution, "a STACK question")
    return Question("stack", ask.name, solution, ask.prompt,
                    mistakes=tuple(mistaken_answers(solution)))


def multichoice_question(ask: Ask) -> Question:
    """A multiple-choice question: the options ``derive.checking.quiz.choices`` gives for
    the seed, each wrong one with the steps where its mistakes happen."""
    asked = ask.asked or choices(ask.text, ask.seed, wrt=ask.wrt, order=ask.order,
                                 style=STYLE)
    solution = asked.solution
    if not isinstance(solution, Solution):      # a method's question: its own mistakes
        options = tuple(Choice(o.expression, o.correct, words=o.words)
                        for o in asked.options)
        return Question("multichoice", ask.name, solution, ask.prompt, choices=options)
    options = []
    for option in asked.options:
        mistaken = None
        if not option.correct:
            k = option.order - 1
            steps = tuple(locate(solution, k, a) for a in option.mistakes)
            mistaken = Mistaken(Diagnosis(option.mistakes, steps, option.order),
                                option.expression)
        options.append(Choice(option.expression, option.correct, mistaken))
    return Question("multichoice", ask.name, solution, ask.prompt, choices=tuple(options))


def numerical_question(ask: Ask) -> Question:
    """A numerical question: f′ at the point (given, the problem's own, or chosen)."""
    solution = _solution(ask)
    if ask.at is not None:
        solution = worked_at(solution, ask.at)
    elif solution.evaluation is None:
        solution = _at_chosen_point(solution, ask)
    evaluation = solution.evaluation
    if evaluation.value is None:
        where = ", ".join(f"{s} = {v}" for s, v in evaluation.point)
        why = {"corner": "a corner", "unbounded": "it grows without bound"}.get(
            evaluation.reason, "it is not defined")
        raise InputError(f"{ask.text}: the derivative has no value at {where} ({why}): "
                         "choose another point with --at")
    value = _number(evaluation.value)
    if value is None:
        raise InputError(f"{ask.text}: the derivative at the point is not a real number "
                         "a numerical question can take")
    tolerance = RELATIVE_TOLERANCE * abs(value)
    relative = tolerance >= ABSOLUTE_TOLERANCE
    return Question("numerical", ask.name, solution, ask.prompt, evaluation=evaluation,
                    value=value, tolerance=tolerance if relative else ABSOLUTE_TOLERANCE,
                    relative=relative)


BUILDERS: dict[str, Callable[[Ask], Question]] = {
    "stack": stack_question, "multichoice": multichoice_question,
    "numerical": numerical_question}


def question(question_type: str, ask: Ask) -> Question:
    """The question of ``question_type`` (one of ``QUESTION_TYPES``) that ``ask`` describes."""
    if question_type not in BUILDERS:
        raise InputError(f"unknown question type {question_type!r}: the types are "
                         f"{', '.join(QUESTION_TYPES)}")
    return BUILDERS[question_type](ask)


def quiz(groups: Sequence[tuple[str, Sequence[Ask]]], question_type: str = "stack") -> Quiz:
    """A quiz of ``(category path, questions asked)`` groups, each made a ``question_type``."""
    return Quiz(tuple(Category(path, tuple(question(question_type, a) for a in asks))
                      for path, asks in groups))


def askable(kind: str, where, at, question_type: str, method: str = "rules") -> bool:
    """Whether a problem of a bank can be a Moodle question of ``question_type``: "find f′"
    for one function, worked by the rules, with no intermediate variables of its own
    (``where``); a problem that asks for the value at a point (``at``) only as a numerical
    question.  dy/dx of a curve and f′ from first principles are asked as multiple choice
    (with no point), the options the mistakes of the method."""
    if kind in CHOICE_METHOD_KINDS:
        return question_type == "multichoice" and at is None and not where
    return (kind in ASKED_KINDS and method == "rules" and not where
            and (at is None or question_type == "numerical"))


def category_path(*names: str) -> str:
    """``$course$/`` and the names, each with its "/" doubled (Moodle's escape: a single "/"
    would start a subcategory); empty names are left out."""
    return "/".join(["$course$"] + [n.strip().replace("/", "//") for n in names if n.strip()])


# --- mistaken answers ---------------------------------------------------------------------

def mistaken_answers(solution: Solution) -> list[Mistaken]:
    """Every single mistake of the table at every node where it applies that changes the
    answer, each giving an answer no earlier one gives, with the step where it happens.

    Answers are told apart by their values at the oracle's sample points of the domain
    (``Judge.samples``, as ``Judge.signature`` takes them): an answer is kept when it
    differs from the derivative and from every answer kept before at one of them at least,
    so that a test of it against any of them cannot pass."""
    function = solution.expression.doit()
    judge = Judge(function, sp.diff(function, *solution.sequence), shown=solution.result)
    kept = [Values(judge, judge.truth)]
    found: list[Mistaken] = []
    for k, (target, rest) in enumerate(differentiations(solution)):
        for app in applications(target, solution.sequence[k]):
            answer = differentiate_rest(app.answer, rest)
            values = Values(judge, answer)
            if not all(values.differs(other) for other in kept):
                continue
            kept.append(values)
            diagnosis = Diagnosis((app,), (locate(solution, k, app),), k + 1)
            found.append(Mistaken(diagnosis, answer))
    return found


# --- solutions and points -----------------------------------------------------------------

def _solution(ask: Ask) -> Solution:
    """The solution given, when it is worked in the style of the questions; else worked."""
    given = ask.solution
    return given if given is not None and given.style == STYLE else _worked(ask)


def _worked(ask: Ask) -> Solution:
    solution = worked_solution(ask.text, ask.wrt, order=ask.order, style=STYLE)
    if not isinstance(solution, Solution):
        raise InputError("a Moodle question takes one function, not a vector of functions")
    if not solution.verified:
        raise VerificationError("the worked solution failed its own check; this is a bug in "
                                "derive, please report it with the input")
    return solution


def _refuse_abstract(solution: Solution, what: str) -> None:
    abstract = solution.expression.atoms(AppliedUndef)
    if abstract:
        name = sorted(type(f).__name__ for f in abstract)[0]
        raise InputError(f"{what} needs concrete functions for Maxima: {name} is abstract")


def _at_chosen_point(solution: Solution, ask: Ask) -> Solution:
    """The solution evaluated at the first readable point where f′ has a value, one where it
    is not 0 when there is one (at most ``POINT_TRIES`` points are tried)."""
    function = solution.expression.doit()
    judge = Judge(function, sp.diff(function, *solution.sequence))
    zeros, tries = [], 0
    for point in list(judge.candidates(solution.sequence))[:len(NICE)]:
        value = judge.defined(point)
        if value is None:
            continue
        if value == 0:
            zeros.append(point)
            continue
        worked, tries = worked_at(solution, point), tries + 1
        if worked.evaluation is not None and worked.evaluation.value is not None:
            return worked
        if tries >= POINT_TRIES:
            break
    for point in zeros[:POINT_TRIES]:
        worked = worked_at(solution, point)
        if worked.evaluation is not None and worked.evaluation.value is not None:
            return worked
    raise InputError(f"{ask.text}: no readable point where the derivative has a value: "
                     "give one with --at")


def _number(value: sp.Expr) -> Optional[float]:
    try:
        number = complex(sp.N(value, 20))
    except (TypeError, ValueError, OverflowError):
        return None
    if abs(number.imag) > 1e-12 * (1 + abs(number.real)) or not math.isfinite(number.real):
        return None
    return number.real


__all__ = ["QUESTION_TYPES", "Ask", "Question", "Choice", "Mistaken", "Category", "Quiz",
           "question", "quiz", "stack_question", "multichoice_question", "numerical_question",
           "mistaken_answers", "category_path", "askable", "ASKED_KINDS"]
