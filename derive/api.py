"""The Python interface.

``differentiate("ln(sin(x^3)^2)")`` returns a checked ``Solution``; ``gradient``,
``jacobian`` and ``hessian`` return an ``ArraySolution`` worked entry by entry.  User text is
parsed by derive's own grammar (never by ``eval``/``sympify``); SymPy expressions may be
passed instead of text.
"""

from __future__ import annotations

import sys
from typing import Union

import sympy as sp

from derive.core.engine import solve
from derive.core.multivariable import ArraySolution, array_derivative
from derive.core.steps import Solution
from derive.errors import InputError, own_errors
from derive.read.parsing import ParseError
from derive.read.request import (Definitions, Point, Text, Variables, check_style,
                                 default_variables, is_vector_request, read_definitions,
                                 read_expression, read_point, read_request, read_variables,
                                 read_vector)


# SymPy differentiates and substitutes recursively, some ten frames per level of nesting; the
# parser allows 200 levels, so the default limit of 1000 frames is not enough
RECURSION_LIMIT = 20_000


def _deep_enough():
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


@own_errors
def differentiate(expression: Text, wrt: Variables = None, *, order: int = 1,
                  style: str = "method", at: Point = None, where: Definitions = None,
                  ) -> Union[Solution, ArraySolution]:
    """The worked, checked derivative of ``expression``.

    ``wrt``: one variable (may be omitted when there is only one), or a list of variables for
    a mixed partial derivative taken in the order given.  ``order``: how many times to
    differentiate by a single variable.  ``where``: intermediate variables the user defines,
    as ``"u=x^2"`` or ``(u, x**2)``, forming a computation graph.  ``at``: also evaluate at a
    point (``"x=2"`` or a mapping).  A vector ``"[f1, f2]"`` gives the column of derivatives.
    Raises ``InputError`` (a ``ValueError``) for input that cannot be worked.
    """
    check_style(style)
    _deep_enough()
    definitions = read_definitions(where)
    if is_vector_request(expression):
        variables = read_variables(wrt, None, definitions) if wrt else None
        functions = read_vector(expression)
        if variables is None:
            variables = default_variables(functions, definitions)
        if len(variables) != 1:
            raise InputError("a vector of functions is differentiated by one variable: give "
                             "it with --wrt, or ask for --jacobian")
        return array_derivative("vector", functions, variables, text=str(expression),
                                definitions=definitions, style=style,
                                point=read_point(at, functions, definitions))
    request = read_request(expression, wrt, order=order, style=style, at=at, where=where)
    return solve(request.expression, request.wrt, **request.options)


@own_errors
def gradient(expression: Text, variables: Variables = None, **options) -> ArraySolution:
    """∇f, a column of worked partial derivatives."""
    return _array("gradient", expression, variables, **options)


@own_errors
def jacobian(expression: Text, variables: Variables = None, **options) -> ArraySolution:
    """The m×n Jacobian of a vector function ``"[f1, …, fm]"`` (rows = outputs)."""
    return _array("jacobian", expression, variables, **options)


@own_errors
def hessian(expression: Text, variables: Variables = None, **options) -> ArraySolution:
    """The n×n Hessian: the Jacobian of the gradient, with its symmetry noted."""
    return _array("hessian", expression, variables, **options)


def _array(kind, expression, variables, *, at: Point = None, where: Definitions = None,
           style: str = "method") -> ArraySolution:
    check_style(style)
    _deep_enough()
    definitions = read_definitions(where)
    if is_vector_request(expression):
        functions = read_vector(expression)
        if kind != "jacobian":
            raise InputError(f"the {kind} is of one function, not a vector: use --jacobian")
    else:
        functions = (read_expression(expression),)
    chosen = read_variables(variables, None, definitions)
    chosen = chosen or default_variables(functions, definitions)
    return array_derivative(kind, functions, chosen, text=str(expression),
                            definitions=definitions, style=style,
                            point=read_point(at, functions, definitions))


__all__ = ["differentiate", "gradient", "jacobian", "hessian", "Solution", "ArraySolution",
           "InputError", "ParseError"]
