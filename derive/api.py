"""The Python interface.

``differentiate("ln(sin(x^3)^2)")`` returns a checked ``Solution``; ``gradient``,
``jacobian`` and ``hessian`` return an ``ArraySolution`` worked entry by entry.  User text is
parsed by derive's own grammar (never by ``eval``/``sympify``); SymPy expressions may be
passed instead of text.
"""

from __future__ import annotations

import sys
from typing import Iterable, Mapping, Optional, Sequence, Union

import sympy as sp

from derive.core.engine import STYLES, at_point, in_inputs, is_real_number, solve
from derive.errors import DeriveError, InputError, own_errors
from derive.core.sizes import check_number_sizes
from derive.core.timing import phase
from derive.core.multivariable import ArraySolution, array_derivative
from derive.core.numeric import require_in_range
from derive.read.parsing import (ParseError, is_vector, parse, parse_definition, parse_point,
                                 parse_symbol, parse_vector)
from derive.core.steps import Solution

Text = Union[str, sp.Expr]
Point = Union[str, Mapping[sp.Symbol, sp.Expr], None]
Variables = Union[str, Sequence[Union[str, sp.Symbol]], None]
Definitions = Union[Iterable[Union[str, tuple]], None]


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
    _check_style(style)
    _deep_enough()
    definitions = read_definitions(where)
    if _vector_text(expression):
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
    expr = read_expression(expression)
    if not isinstance(order, int) or order < 1:
        raise InputError(f"the order must be a whole number of at least 1, not {order!r}")
    variables = _sequence(expr, wrt, definitions)
    if len(variables) > 1 and order != 1:
        raise InputError("give either several variables (a mixed partial) or --order, not both")
    point = read_point(at, (expr,), definitions)
    return solve(expr, variables if len(variables) > 1 else variables[0], order=order,
                 style=style, text=str(expression), point=point, definitions=definitions)


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
    _check_style(style)
    _deep_enough()
    definitions = read_definitions(where)
    if _vector_text(expression):
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


# --- reading the pieces of a request -----------------------------------------------------

def _vector_text(expression) -> bool:
    return isinstance(expression, (list, tuple)) or (
        isinstance(expression, str) and is_vector(expression))


def read_expression(expression: Text) -> sp.Expr:
    """Text through derive's grammar (a SymPy expression or a number as it is, nothing else:
    no object's text is parsed by SymPy); numbers too large to build are refused."""
    with phase("parsing"):
        try:
            expr = parse(expression) if isinstance(expression, str) else sp.sympify(
                expression, strict=True)
        except sp.SympifyError:
            raise InputError(f"expected the function as text or a SymPy expression, not "
                             f"{type(expression).__name__}") from None
        check_number_sizes(expr)
    return expr


def read_vector(expression) -> tuple[sp.Expr, ...]:
    if isinstance(expression, (list, tuple)):
        return tuple(read_expression(e) for e in expression)
    components = parse_vector(expression)
    for c in components:
        check_number_sizes(c)
    return components


def _check_style(style):
    if style not in STYLES:
        raise InputError(f"unknown style {style!r}: choose one of {', '.join(STYLES)}")


def read_definitions(where: Definitions) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """The user's intermediate variables in an order where each comes after those it uses;
    a name defined twice or a cycle of definitions is an error."""
    if not where:
        return ()
    given: dict[sp.Symbol, sp.Expr] = {}
    for item in where:
        name, definition = parse_definition(item) if isinstance(item, str) else (
            item[0] if isinstance(item[0], sp.Symbol) else parse_symbol(item[0]),
            read_expression(item[1]))
        check_number_sizes(definition)
        if name in given:
            raise InputError(f"{name} is defined twice with --where")
        given[name] = definition
    ordered, state = [], {}

    def visit(name, trail):
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            cycle = " → ".join(str(n) for n in trail[trail.index(name):] + [name])
            raise InputError(f"the --where definitions form a cycle: {cycle}")
        state[name] = "open"
        for used in sorted(given[name].free_symbols & given.keys(), key=str):
            visit(used, trail + [name])
        state[name] = "done"
        ordered.append((name, given[name]))

    for name in given:
        visit(name, [])
    return tuple(ordered)


def read_variables(variables: Variables, expr, definitions) -> Optional[tuple[sp.Symbol, ...]]:
    """``"x,y"`` or a list into symbols; none may repeat or be a defined intermediate."""
    if variables is None or variables == ():
        return None
    if isinstance(variables, str):
        items = [v for v in variables.split(",")]
    elif isinstance(variables, sp.Symbol):
        items = [variables]
    else:
        items = list(variables)
    if any(isinstance(v, str) and not v.strip() for v in items):
        raise InputError(f"--vars expects names separated by commas, such as x,y (got {variables!r})")
    symbols = tuple(parse_symbol(v) if isinstance(v, str) else v for v in items)
    defined = {n for n, _ in definitions}
    for s in symbols:
        if s in defined:
            raise InputError(f"{s} is an intermediate defined with --where; differentiate by "
                             "the variables it is defined in")
    repeated = sorted({s.name for s in symbols if symbols.count(s) > 1})
    if repeated and expr is None:
        raise InputError(f"{', '.join(repeated)} is listed twice")
    return symbols


def default_variables(functions, definitions) -> tuple[sp.Symbol, ...]:
    """The functions' input variables in alphabetical order."""
    symbols = set()
    for f in functions:
        symbols |= in_inputs(f, definitions).free_symbols
    if not symbols:
        return (sp.Symbol("x", real=True),)
    return tuple(sorted(symbols, key=lambda s: s.name))


def _sequence(expr: sp.Expr, wrt, definitions) -> tuple[sp.Symbol, ...]:
    """The variables to differentiate by: given, or the function's only variable."""
    if wrt is not None and wrt != ():
        if isinstance(wrt, (list, tuple)):
            return tuple(read_variables(list(wrt), expr, definitions))
        return read_variables([wrt], expr, definitions)
    symbols = default_variables((expr,), definitions)
    if len(symbols) == 1:
        return symbols
    names = ", ".join(s.name for s in symbols)
    raise InputError(f"the expression has several variables ({names}): say which one with --wrt")


def read_point(at: Point, functions, definitions) -> Optional[dict]:
    """The point, which must give every input variable a value inside the domain."""
    if at is None:
        return None
    point = parse_point(at) if isinstance(at, str) else dict(at)
    for value in point.values():
        check_number_sizes(value)
    inputs = set()
    for f in functions:
        inputs |= in_inputs(f, definitions).free_symbols
    missing = sorted(s.name for s in inputs if s not in point)
    if missing:
        raise InputError(f"--at gives no value for {', '.join(missing)}")
    for f in functions:
        function = in_inputs(f, definitions).doit()
        require_in_range(function, point)   # before SymPy builds the value exactly
        if not is_real_number(at_point(function, point)):
            where = ", ".join(f"{k} = {v}" for k, v in point.items())
            raise InputError(f"{where} is outside the domain of the function: it has no real "
                             "value there")
    return point


__all__ = ["differentiate", "gradient", "jacobian", "hessian", "Solution", "ArraySolution",
           "InputError", "ParseError"]
