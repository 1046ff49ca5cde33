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

Problems worked by a method of their own (``Ask.method``) are asked in the method's words,
their general feedback the method's worked solution; the method's result is worked (and
checked) by the caller, which also finds the method's mistakes (this layer does not import
``derive.calculus``):

* implicit differentiation, dy/dx of a curve (order 1): stack (dy/dx in x and y; a node for
  each mistake of ``derive.calculus.implicit_mistakes``), multichoice (the options of
  ``derive.calculus.choices.implicit_choices``), numerical with a point of the curve (the
  slope there).  STACK's AlgEquiv compares the answer with dy/dx as a formula in x and y:
  an answer equal to dy/dx only on the curve (−x/y and −x/(x² + y² + y − 25) on
  x² + y² = 25) is marked wrong;
* a tangent line: stack (the right side of y = … of the tangent; a node for each line a
  mistake of ``tangent_mistakes`` gives) and numerical (its slope); a vertical tangent
  (x = a) is neither: the question is refused, and a bank's template tagged "vertical" is
  not askable;
* first principles: stack (f′; a node for each different wrong answer of
  ``derive.calculus.choices.first_principles_candidates``), multichoice
  (``first_principles_choices``), numerical (f′ at a point, chosen as for a derivative);
* a derivative by logarithmic differentiation: as a derivative by the rules (the mistakes
  and the options of the table, the point of a numerical question), the question asking for
  the method and its feedback the method's solution; the mistakes are named without the
  step of a solution the question does not show.
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
from derive.checking.quiz import choices
from derive.core.steps import PointValue, Solution
from derive.read.worked import worked_at
from derive.errors import InputError, VerificationError

QUESTION_TYPES = ("stack", "multichoice", "numerical")
ASKED_KINDS = ("derivative", "partial")   # the problems of a bank asked as f′ by the rules
# the methods of their own a question asks for (``Ask.method``; "" is f′ by the rules): the
# kinds of problem, and "log", a derivative by logarithmic differentiation
IMPLICIT, TANGENT, FIRST_PRINCIPLES, LOG = "implicit", "tangent", "first-principles", "log"
# the question types each method is asked as (with the conditions of ``askable``)
METHOD_TYPES = {IMPLICIT: QUESTION_TYPES, TANGENT: ("stack", "numerical"),
                FIRST_PRINCIPLES: QUESTION_TYPES, LOG: QUESTION_TYPES}
VERTICAL_TAG = "vertical"   # a tangent template the bank marks as having a vertical tangent
# the mistakes of a tangent line y = m(x − a) + b a STACK question tests (``tangent_mistakes``)
NORMAL_LINE, SLOPE_NOT_EVALUATED = "normal-line", "slope-not-evaluated"
POINT_Y_LEFT_OUT, Y_AS_INTERCEPT = "point-y-left-out", "y-as-intercept"
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
class MethodMistake:
    """A mistake of a method (implicit differentiation, first principles) and the answer it
    gives: its ``id``, and the mistake in a sentence (``words``) or the method's own record
    of it (``made``: a mistake of implicit differentiation, worded by the template)."""

    id: str
    answer: sp.Expr
    words: str = ""
    made: object = None


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
    solution    the worked, checked solution (shown as the general feedback): a ``Solution``,
                or the result of the method of ``method``
    prompt      the problem's own words, put before the question
    method      the method asked for (``IMPLICIT``, ``TANGENT``, ``FIRST_PRINCIPLES``, ``LOG``);
                "" for f′ by the rules
    function    stack: the function the question variable f holds (F = left − right for a
                curve given by an equation)
    answer      stack, multichoice: the answer asked for (f′, dy/dx, the tangent's right side)
    mistakes    stack: the mistaken answers the tree tests, one node each, in order
                (``Mistaken``, or ``MethodMistake`` on a method)
    choices     multichoice: the options in the order shown
    evaluation  numerical: the derivative at the point (its exact value)
    value, tolerance, relative   numerical: the value as a number, the half-width of the
                interval accepted, and whether that width is relative (0.1 %) or absolute
    """

    type: str
    name: str
    solution: object
    prompt: str = ""
    method: str = ""
    function: Optional[sp.Expr] = None
    answer: Optional[sp.Expr] = None
    mistakes: tuple = ()
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
    options (with ``seed``) when they are already worked out.

    On a method of its own (``method``), ``solution`` is the method's checked result (it
    must be given), ``asked`` its options (``MethodChoice`` of ``derive.calculus.choices``
    on implicit differentiation and first principles, the table's ``MultipleChoice`` by
    logarithms), and ``mistakes`` the method's mistakes a STACK question tests
    (``MethodMistake``, in order: implicit differentiation and first principles)."""

    text: str
    name: str
    wrt: object = None
    order: int = 1
    prompt: str = ""
    at: object = None
    seed: int = 0
    solution: object = None
    asked: object = None     # multichoice: the options, when already found
    method: str = ""
    mistakes: tuple[MethodMistake, ...] = ()


# --- the question types -------------------------------------------------------------------

def stack_question(ask: Ask) -> Question:
    """A STACK question: the derivative, then every different mistaken answer; on a method,
    the answer it asks for, then the method's different mistaken answers."""
    if ask.method:
        return _method_stack_question(ask)
    solution = _solution(ask)
    _refuse_abstract(solution, "a STACK question")
    return Question("stack", ask.name, solution, ask.prompt, function=solution.expression,
                    answer=solution.result, mistakes=tuple(mistaken_answers(solution)))


def multichoice_question(ask: Ask) -> Question:
    """A multiple-choice question: the options ``derive.checking.quiz.choices`` gives for
    the seed, each wrong one with the steps where its mistakes happen; on implicit
    differentiation or first principles, the method's options (``ask.asked``), each wrong
    one with its mistake in words."""
    _refuse_type(ask, "multichoice")
    if ask.method in (IMPLICIT, FIRST_PRINCIPLES):
        if ask.asked is None:
            raise TypeError("the options of a question on a method are found by its mistakes: "
                            "Ask.asked from derive.api.ask_choices")
        options = tuple(Choice(o.expression, o.correct, words=o.words)
                        for o in ask.asked.options)
        return Question("multichoice", ask.name, ask.solution, ask.prompt, method=ask.method,
                        answer=ask.solution.result, choices=options)
    asked = ask.asked or choices(ask.text, ask.seed, wrt=ask.wrt, order=ask.order,
                                 style=STYLE)
    solution = asked.solution
    options = []
    for option in asked.options:
        mistaken = None
        if not option.correct:
            k = option.order - 1
            steps = tuple(locate(solution, k, a) for a in option.mistakes)
            mistaken = Mistaken(Diagnosis(option.mistakes, steps, option.order),
                                option.expression)
        options.append(Choice(option.expression, option.correct, mistaken))
    shown = ask.solution if ask.method else solution
    return Question("multichoice", ask.name, shown, ask.prompt, method=ask.method,
                    answer=shown.result, choices=tuple(options))


def numerical_question(ask: Ask) -> Question:
    """A numerical question: f′ at the point (given, the problem's own, or chosen); on a
    curve, dy/dx at its point; on a tangent line, its slope; from first principles or by
    logarithms, f′ at a point as for a derivative by the rules."""
    _refuse_type(ask, "numerical")
    if ask.method in (IMPLICIT, TANGENT):
        return _slope_question(ask)
    solution = _solution(ask) if not ask.method else _worked(ask)
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
    shown = ask.solution if ask.method else solution
    return _numerical(ask, shown, evaluation.value, evaluation)


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


def method_of(kind: str, method: str = "rules") -> str:
    """The method a question on a problem of ``kind`` (worked by a bank's ``method``) asks
    for: ``IMPLICIT``, ``TANGENT``, ``FIRST_PRINCIPLES``, ``LOG``, or "" for f′ by the rules."""
    if kind in (IMPLICIT, TANGENT, FIRST_PRINCIPLES):
        return kind
    return LOG if method == LOG else ""


def askable(kind: str, where, at, question_type: str, method: str = "rules", *,
            order=1, tags=()) -> bool:
    """Whether a problem of a bank can be a Moodle question of ``question_type``, with no
    intermediate variables of its own (``where``):

    * "find f′" of one function, by the rules or by logarithms (``method``), or from first
      principles; a problem that asks for the value at a point (``at``) only as a numerical
      question;
    * dy/dx of a curve (``order`` 1): stack or multichoice without a point, numerical with
      one (the slope there);
    * a tangent line: stack or numerical, unless the bank tags it "vertical" (a vertical
      tangent has no equation y = … and no slope)."""
    if where:
        return False
    if kind == IMPLICIT:
        return order == 1 and (at is not None) == (question_type == "numerical")
    if kind == TANGENT:
        return question_type in METHOD_TYPES[TANGENT] and VERTICAL_TAG not in tags
    asked = kind == FIRST_PRINCIPLES or (kind in ASKED_KINDS and method in ("rules", LOG))
    return asked and (at is None or question_type == "numerical")


def own_point(kind: str) -> bool:
    """Whether the point of a problem of ``kind`` is its own (a point of a curve, where a
    tangent touches it), which the point of a quiz's numerical questions does not replace."""
    return kind in (IMPLICIT, TANGENT)


def category_path(*names: str) -> str:
    """``$course$/`` and the names, each with its "/" doubled (Moodle's escape: a single "/"
    would start a subcategory); empty names are left out."""
    return "/".join(["$course$"] + [n.strip().replace("/", "//") for n in names if n.strip()])


# --- methods of their own ---------------------------------------------------------------

def _method_stack_question(ask: Ask) -> Question:
    """STACK on a method: the answer it asks for (``_asked_answer``) and, one node each, the
    different answers of the table's mistakes (by logarithms: made as by the rules) or of
    the method's own (``ask.mistakes``)."""
    _refuse_type(ask, "stack")
    solution = ask.solution
    answer = _asked_answer(ask)
    function = _function(ask)
    if ask.method == LOG:
        mistakes = tuple(mistaken_answers(_worked(ask)))
    else:
        made = tangent_mistakes(solution) if ask.method == TANGENT else ask.mistakes
        mistakes = _distinct(Judge(function, answer), made)
    return Question("stack", ask.name, solution, ask.prompt, method=ask.method,
                    function=function, answer=answer, mistakes=mistakes)


def tangent_mistakes(solution) -> tuple[MethodMistake, ...]:
    """The lines the common mistakes give for the tangent y = m(x − a) + b of ``solution``
    (tangent lines at the point (a, b), the slope m): the normal line (unless it is
    vertical), f′(x) for the slope (on the graph of a function: f′ not evaluated at a),
    m(x − a) (the point's y left out) and m x + b (the point's y taken as the intercept)."""
    x, (a, b), m = solution.x, solution.point, solution.slope
    found = [(POINT_Y_LEFT_OUT, m * (x - a)), (Y_AS_INTERCEPT, m * x + b)]
    if solution.function is not None:
        found.insert(0, (SLOPE_NOT_EVALUATED, solution.derivative * (x - a) + b))
    if solution.normal is not None:
        found.insert(0, (NORMAL_LINE, solution.normal))
    return tuple(MethodMistake(mistake_id, line) for mistake_id, line in found)


def _slope_question(ask: Ask) -> Question:
    """dy/dx of a curve at its point, or the slope of a tangent line, as a number."""
    solution = ask.solution
    exact = solution.value if ask.method == IMPLICIT else solution.slope
    if exact is None:
        raise InputError(f"{ask.text}: {_vertical(ask)}: it has no slope a numerical question "
                         "can ask for")
    return _numerical(ask, solution, exact)


def _numerical(ask: Ask, solution, exact: sp.Expr,
               evaluation: Optional[PointValue] = None) -> Question:
    """The numerical question of the exact value ``exact``, accepted within the tolerance."""
    value = _number(exact)
    if value is None:
        raise InputError(f"{ask.text}: the derivative at the point is not a real number "
                         "a numerical question can take")
    tolerance = RELATIVE_TOLERANCE * abs(value)
    relative = tolerance >= ABSOLUTE_TOLERANCE
    return Question("numerical", ask.name, solution, ask.prompt, method=ask.method,
                    answer=exact, evaluation=evaluation, value=value,
                    tolerance=tolerance if relative else ABSOLUTE_TOLERANCE,
                    relative=relative)


def _asked_answer(ask: Ask) -> sp.Expr:
    """What a question on a method asks for: dy/dx, f′, or the right side of y = … of the
    tangent line (refused when the tangent is vertical, x = a)."""
    if ask.method != TANGENT:
        return ask.solution.result
    if ask.solution.tangent is None:
        raise InputError(f"{ask.text}: {_vertical(ask)}: it has no equation y = … for a "
                         "STACK question to ask for")
    return ask.solution.tangent


def _function(ask: Ask) -> sp.Expr:
    """The function of a question on a method: f, or F = left − right for a curve given by
    an equation."""
    s = ask.solution
    if ask.method == IMPLICIT:
        return s.equation.function
    if ask.method == TANGENT:
        return s.function if s.function is not None else s.implicit.equation.function
    return s.function if ask.method == FIRST_PRINCIPLES else s.expression


def _vertical(ask: Ask) -> str:
    """Where the tangent of a curve's or a tangent's question is vertical, in words."""
    s = ask.solution
    point = s.point if ask.method == IMPLICIT else ((s.x, s.point[0]), (s.y, s.point[1]))
    (x, a), (_, b) = point
    return f"the tangent at ({a}, {b}) is vertical, {x} = {a}"


def _refuse_type(ask: Ask, question_type: str) -> None:
    if ask.method and question_type not in METHOD_TYPES[ask.method]:
        raise InputError(f"{ask.text}: a {ask.method} problem is not asked as a "
                         f"{question_type} question")


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
            if _new_answer(judge, answer, kept):
                diagnosis = Diagnosis((app,), (locate(solution, k, app),), k + 1)
                found.append(Mistaken(diagnosis, answer))
    return found


def _distinct(judge: Judge, mistakes: Sequence[MethodMistake]) -> tuple[MethodMistake, ...]:
    """The mistakes of a method whose answers differ from the right one (``judge.truth``)
    and from every one kept before, as formulas: at one sample point at least."""
    kept = [Values(judge, judge.truth)]
    return tuple(m for m in mistakes if _new_answer(judge, m.answer, kept))


def _new_answer(judge: Judge, answer: sp.Expr, kept: list) -> bool:
    """Whether ``answer`` differs from every answer of ``kept`` (their ``Values``) at one
    sample point at least; it is then kept too."""
    values = Values(judge, answer)
    if not all(values.differs(other) for other in kept):
        return False
    kept.append(values)
    return True


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
           "mistaken_answers", "category_path", "askable", "ASKED_KINDS", "MethodMistake",
           "tangent_mistakes",
           "method_of", "own_point", "METHOD_TYPES", "IMPLICIT", "TANGENT", "FIRST_PRINCIPLES",
           "LOG"]
