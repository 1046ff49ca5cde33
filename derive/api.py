"""The Python interface.

``differentiate("ln(sin(x^3)^2)")`` returns a checked ``Solution``; ``gradient``,
``jacobian`` and ``hessian`` return an ``ArraySolution`` worked entry by entry.  User text is
parsed by derive's own grammar (never by ``eval``/``sympify``); SymPy expressions may be
passed instead of text.
"""

from __future__ import annotations

from typing import Union

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


def check(expression, answer: str, wrt=None, **options):
    """The verdict on a student's answer (``derive.checking.answers.check``)."""
    from derive.checking.answers import check as judge  # deferred: heavy import at start-up
    return judge(expression, answer, wrt, **options)


def check_array(kind: str, expression, answer: str, variables=None, **options):
    """The verdict on a gradient or Jacobian, entry by entry
    (``derive.checking.array_answers.check_array``)."""
    from derive.checking.array_answers import check_array as judge  # deferred: heavy import at start-up
    return judge(kind, expression, answer, variables, **options)


def matrix(expression: str, wrt: str, shapes, **options):
    """A derivative by a vector or matrix (``derive.matrices.solution.matrix``)."""
    from derive.matrices.solution import matrix as solve_matrix  # deferred: heavy import at start-up
    return solve_matrix(expression, wrt, shapes, **options)


def make_sheet(banks, **options):
    """A randomized sheet (``derive.sheets.sheet.make_sheet``); its multiple-choice options
    come from the mistake catalogue (``derive.checking.quiz.choices``)."""
    from derive.checking.quiz import choices  # deferred: heavy import at start-up
    from derive.sheets.sheet import make_sheet as make  # deferred: heavy import at start-up
    return make(banks, choices=choices, **options)


__all__ = ["differentiate", "gradient", "jacobian", "hessian", "trace", "check", "check_array",
           "matrix", "make_sheet", "Solution", "ArraySolution",
           "InputError", "ParseError"]
