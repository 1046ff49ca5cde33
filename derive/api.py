"""The Python interface.

``differentiate("ln(sin(x^3)^2)")`` returns a checked ``Solution``; ``gradient``,
``jacobian`` and ``hessian`` return an ``ArraySolution`` worked entry by entry.  User text is
parsed by derive's own grammar (never by ``eval``/``sympify``); SymPy expressions may be
passed instead of text.
"""

from __future__ import annotations

from typing import Union

from derive.read.equations import is_equation
from derive.core.steps import ArraySolution
from derive.core.steps import Solution
from derive.errors import InputError, own_errors
from derive.read.parsing import ParseError
from derive.read.request import Definitions, Point, Text, Variables
from derive.read.worked import worked, worked_array


@own_errors
def differentiate(expression: Text, wrt: Variables = None, *, order: int = 1,
                  style: str = "textbook", at: Point = None, where: Definitions = None,
                  picture: bool = False) -> Union[Solution, ArraySolution]:
    """The worked, checked derivative of ``expression``.

    ``wrt``: one variable (may be omitted when there is only one), or a list of variables for
    a mixed partial derivative taken in the order given.  ``order``: how many times to
    differentiate by a single variable.  ``where``: intermediate variables the user defines,
    as ``"u=x^2"`` or ``(u, x**2)``, forming a computation graph.  ``at``: also evaluate at a
    point (``"x=2"`` or a mapping).  A vector ``"[f1, f2]"`` gives the column of derivatives.
    ``picture``: work the computation graph even in the compact style, for a drawing of it.
    Raises ``InputError`` (a ``ValueError``) for input that cannot be worked.
    """
    return worked(expression, wrt, order=order, style=style, at=at, where=where,
                  picture=picture)


@own_errors
def gradient(expression: Text, variables: Variables = None, **options) -> ArraySolution:
    """∇f, a column of worked partial derivatives."""
    return worked_array("gradient", expression, variables, **options)


@own_errors
def jacobian(expression: Text, variables: Variables = None, **options) -> ArraySolution:
    """The m×n Jacobian of a vector function ``"[f1, …, fm]"`` (rows = outputs)."""
    return worked_array("jacobian", expression, variables, **options)


@own_errors
def hessian(expression: Text, variables: Variables = None, **options) -> ArraySolution:
    """The n×n Hessian: the Jacobian of the gradient, with its symmetry noted."""
    return worked_array("hessian", expression, variables, **options)


# --- the features: each loaded when first used (deferred so that `derive EXPR` does not
# import them at start-up)

def trace(expression, mode: str = "reverse", **options):
    """The forward- or reverse-mode evaluation trace (``derive.ad.traces.trace``)."""
    from derive.ad.traces import trace as make_trace  # deferred: heavy import at start-up
    return make_trace(expression, mode, **options)


def log_differentiation(expression, wrt=None):
    """The derivative of a product, quotient or power by logarithmic differentiation
    (``derive.calculus.log_method.log_differentiation``)."""
    from derive.calculus import log_method  # deferred: heavy import at start-up
    return log_method.log_differentiation(expression, wrt)


@own_errors
def implicit(equation, wrt=None, *, dependent=None, order: int = 1, at=None):
    """dy/dx (d²y/dx² with ``order=2``) of the curve ``equation`` (``"x^2 + y^2 = 25"``) by
    implicit differentiation, ``dependent`` (y) a function of ``wrt``
    (``derive.calculus.implicit.implicit``)."""
    from derive.calculus.implicit import implicit as work  # deferred: heavy import at start-up
    return work(equation, wrt, dependent=dependent, order=order, at=at)


@own_errors
def tangent(curve, at, wrt=None):
    """The tangent and normal lines to ``curve`` (a function ``"x^3 - 2x"`` or an equation
    ``"x^2 + y^2 = 25"``) at the point ``at`` (``derive.calculus.tangent.tangent``)."""
    from derive.calculus.tangent import tangent as work  # deferred: heavy import at start-up
    return work(curve, at, wrt)


def first_principles(expression, wrt=None):
    """f′(x) worked from first principles, as lim_{h→0} (f(x + h) − f(x))/h
    (``derive.calculus.first_principles.first_principles``; ``derive EXPR --style limit``)."""
    import derive.calculus.first_principles as limits  # deferred: heavy import at start-up
    return limits.first_principles(expression, wrt)


def check(expression, answer: str, wrt=None, *, style: str = "textbook", **options):
    """The verdict on a student's answer (``derive.checking.answers.check``); a diagnosis
    names the step of the solution worked in ``style``.  For an equation
    (``"x^2 + y^2 = 25"``) the answer is judged as dy/dx on the curve (``check_implicit``)."""
    if is_equation(expression):
        return check_implicit(expression, answer, wrt, **options)
    from derive.checking.answers import check as judge  # deferred: heavy import at start-up
    return judge(expression, answer, wrt, style=style, **options)


@own_errors
def check_implicit(equation, answer: str, wrt=None, *, dependent=None, order: int = 1):
    """The verdict on an answer for dy/dx on the curve ``equation``: compared at points of
    the curve, the mistakes of implicit differentiation named
    (``derive.checking.implicit_answers.judge``)."""
    from derive.calculus import implicit as curves  # deferred: heavy import at start-up
    from derive.calculus.implicit_mistakes import mistakes  # deferred: heavy import at start-up
    from derive.checking.implicit_answers import judge  # deferred: heavy import at start-up
    if order != 1:
        raise InputError("an answer on a curve is checked as dy/dx: leave out --order")
    solution = curves.implicit(equation, wrt, dependent=dependent)
    points = curves.curve_points(solution.equation.function, solution.x, solution.y, 12)
    return judge(solution, answer, points, mistakes(solution))


def check_array(kind: str, expression, answer: str, variables=None, **options):
    """The verdict on a gradient or Jacobian, entry by entry
    (``derive.checking.array_answers.check_array``)."""
    from derive.checking.array_answers import check_array as judge  # deferred: heavy import at start-up
    return judge(kind, expression, answer, variables, **options)


def matrix(expression: str, wrt: str, shapes, **options):
    """A derivative by a vector or matrix (``derive.matrices.solution.matrix``)."""
    from derive.matrices.solution import matrix as solve_matrix  # deferred: heavy import at start-up
    return solve_matrix(expression, wrt, shapes, **options)


def make_sheet(banks, *, style: str = "textbook", **options):
    """A randomized sheet (``derive.sheets.sheet.make_sheet``), its solutions worked in
    ``style`` (a problem of a method of its own by that method,
    ``derive.calculus.methods.work``); its multiple-choice options come from the mistakes
    students make (``ask_choices``)."""
    from derive.calculus.methods import work  # deferred: heavy import at start-up
    from derive.sheets.sheet import make_sheet as make  # deferred: heavy import at start-up
    return make(banks, choices=ask_choices, methods=work, style=style, **options)


def ask_choices(expression, seed: int = 0, *, wrt=None, order: int = 1,
                style: str = "textbook", solution=None):
    """A multiple-choice question: the right answer and three wrong ones from the mistakes
    of the way ``solution`` is worked — dy/dx of a curve (``derive.calculus.choices``,
    implicit differentiation), f′ from first principles (the same), or f′ by the rules or
    by logarithms (the table of ``derive.checking.quiz.choices``)."""
    from derive.calculus.first_principles_lines import FirstPrinciples  # deferred: heavy import at start-up
    from derive.calculus.implicit import ImplicitSolution  # deferred: heavy import at start-up
    from derive.checking.quiz import choices  # deferred: heavy import at start-up
    if isinstance(solution, (ImplicitSolution, FirstPrinciples)):
        from derive.calculus import choices as methods  # deferred: heavy import at start-up
        ask = (methods.implicit_choices if isinstance(solution, ImplicitSolution)
               else methods.first_principles_choices)
        return ask(solution, seed)
    if not isinstance(solution, Solution):
        solution = None         # by logarithms: the options are those of f′ by the rules
    return choices(expression, seed, wrt=wrt, order=order, style=style, solution=solution)


def moodle_question(expression, question_type: str = "stack", *, wrt=None, order: int = 1,
                    at=None, title: str = "Derivatives", course: str = ""):
    """A quiz of one question "differentiate ``expression``" (``derive.checking.moodle``), in
    the category ``$course$/course/title``; ``at``: the point of a numerical question."""
    from derive.checking.moodle import Ask, category_path, quiz  # deferred: heavy import at start-up
    ask = Ask(str(expression), "", wrt=wrt, order=order, at=at)
    return quiz([(category_path(course, title), [ask])], question_type)


def moodle_sheet(banks, question_type: str = "stack", *, at=None, **options):
    """A quiz drawn as ``make_sheet`` draws a sheet (``options`` are its options), from the
    problems of ``banks`` that can be asked as ``question_type`` questions
    (``derive.checking.moodle.askable``): one category ``$course$/course/title``, or with
    several variants one category per problem holding its variants, so that a quiz can draw
    one of them at random.  ``at``: the point of every numerical question (each problem is
    drawn at it: one whose function is undefined there is drawn again; a curve's and a
    tangent's points are their own).  Problems of a method of their own are asked for by
    that method, where the question type makes sense (``askable``): dy/dx of a curve,
    tangent lines, f′ from first principles and by logarithmic differentiation."""
    from dataclasses import replace  # deferred: only a quiz needs it
    from derive.calculus.methods import work  # deferred: heavy import at start-up
    from derive.checking.moodle import STYLE, askable, own_point  # deferred: heavy import at start-up
    from derive.sheets.sheet import make_sheet as make  # deferred: heavy import at start-up
    point = None if at is None else at if isinstance(at, str) else ",".join(
        f"{name}={value}" for name, value in dict(at).items())
    usable = [replace(bank, templates=tuple(
        t if point is None or own_point(t.kind) else replace(t, at=point)
        for t in bank.templates
        if askable(t.kind, t.where, t.at, question_type, t.method, order=t.order,
                   tags=t.tags)))
              for bank in banks]
    if not any(bank.templates for bank in usable):
        names = ", ".join(bank.name for bank in banks)
        raise InputError(f"no problem in {names} can be asked as a {question_type} question "
                         "(Moodle questions ask for f' of one function, dy/dx of a curve "
                         "or a tangent line, where the question type fits)")
    sheet = make([b for b in usable if b.templates], style=STYLE, choices=ask_choices,
                 methods=work, multiple_choice=question_type == "multichoice", **options)
    return _sheet_quiz(sheet, question_type)


def _sheet_quiz(sheet, question_type: str):
    """The questions of a drawn sheet, by category (a multiple-choice question asked with
    the options the sheet found; a problem of a method of its own asked for by its method,
    a STACK question testing the method's mistakes)."""
    import derive.checking.moodle as records  # deferred: heavy import at start-up
    from derive.sheets.sheet import Slot  # deferred: heavy import at start-up
    several = len(sheet.variants) > 1

    def mistakes(method: str, solution) -> tuple:
        if question_type != "stack" or method not in (records.IMPLICIT,
                                                      records.FIRST_PRINCIPLES):
            return ()
        if method == records.IMPLICIT:
            from derive.calculus.implicit_mistakes import mistakes as made  # deferred: heavy import at start-up
            return tuple(records.MethodMistake(m.kind, m.derivative, made=m)
                         for m in made(solution))
        from derive.calculus.choices import first_principles_candidates  # deferred: heavy import at start-up
        return tuple(records.MethodMistake(c.id, c.raw, c.words)
                     for c in first_principles_candidates(solution))

    def ask(variant: int, label: str, problem):
        filled = problem.filled
        wrt = (list(filled.wrt) if len(filled.wrt) > 1
               else filled.wrt[0] if filled.wrt else None)
        seed = Slot(variant, problem.number, (), sheet.seed, True).quiz_seed
        method = records.method_of(problem.kind, filled.method)
        return records.Ask(filled.expression, f"Problem {problem.number}"
                   + (f" (version {label})" if several else ""),
                   wrt=wrt, order=filled.order, prompt=problem.prompt, seed=seed,
                   at=filled.at if method else None, solution=problem.solution,
                   asked=problem.choices.asked if problem.choices else None,
                   method=method, mistakes=mistakes(method, problem.solution))

    if not several:
        asks = [ask(0, "A", p) for p in sheet.variants[0].problems]
        groups = [(records.category_path(sheet.course, sheet.title), asks)]
    else:
        groups = [(records.category_path(sheet.course, sheet.title, f"Problem {n}"),
                   [ask(i, v.label, v.problems[n - 1]) for i, v in enumerate(sheet.variants)])
                  for n in range(1, sheet.count + 1)]
    return records.quiz(groups, question_type)


__all__ = ["differentiate", "gradient", "jacobian", "hessian", "trace", "check", "check_array",
           "matrix", "make_sheet", "moodle_question", "moodle_sheet", "Solution",
           "ArraySolution", "InputError", "ParseError", "first_principles", "implicit",
           "tangent", "check_implicit", "is_equation"]
