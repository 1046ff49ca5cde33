"""From text to a worked solution: a request read (``derive.read.request``) and handed to
the engine — the one path the Python interface, answer checking and problem sheets share.

A single function gives a ``Solution`` (by one variable, ``order`` times, or by several in
turn); a vector ``[f1, f2]`` its column of derivatives by one variable; ``worked_array``
a gradient, Jacobian or Hessian, worked entry by entry.
"""

from __future__ import annotations

from typing import Union

from derive.core.engine import evaluated, solve
from derive.core.forms import decimal_numbers
from derive.core.multivariable import array_derivative
from derive.core.steps import ArraySolution
from derive.core.sizes import deep_enough
from derive.core.steps import Solution
from derive.errors import InputError
from derive.read.parsing import typed_decimals
from derive.read.request import (Definitions, Point, Text, Variables, check_style,
                                 default_variables, is_vector_request, read_definitions,
                                 read_expression, read_point, read_request, read_variables,
                                 read_vector)


def worked(expression: Text, wrt: Variables = None, *, order: int = 1, style: str = "textbook",
           at: Point = None, where: Definitions = None,
           picture: bool = False) -> Union[Solution, ArraySolution]:
    """The worked, checked derivative of ``expression`` (``derive.api.differentiate`` says
    what each argument means)."""
    check_style(style)
    deep_enough()
    if is_vector_request(expression):
        definitions = read_definitions(where)
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
    with decimal_numbers(typed_decimals(expression)):
        return solve(request.expression, request.wrt, **request.options, picture=picture)


def worked_at(solution: Solution, at: Point) -> Solution:
    """``solution`` (of one function) with its derivative at the point ``at``, read as
    ``worked`` reads it (every input given a value inside the domain), without working the
    solution again."""
    point = read_point(at, (solution.expression,), solution.definitions)
    return evaluated(solution, point)


def worked_array(kind: str, expression: Text, variables: Variables = None, *,
                 at: Point = None, where: Definitions = None,
                 style: str = "graph") -> ArraySolution:
    """The ``kind`` ("gradient", "jacobian" or "hessian") of ``expression`` by ``variables``
    (default: the function's variables in alphabetical order), worked entry by entry."""
    check_style(style)
    deep_enough()
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
