"""Reading a request: the function (text through derive's grammar, or a SymPy expression),
the variables, the point and the user's intermediate variables (``--where``), each checked
as it is read — numbers too large to build, names defined twice, a cycle of definitions, a
point outside the function's domain are refused with one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence, Union

import sympy as sp

from derive.core.engine import STYLES, at_point, in_inputs
from derive.core.numeric import is_real_number, require_in_range
from derive.core.sizes import check_number_sizes
from derive.core.timing import phase
from derive.errors import InputError
from derive.read.parsing import (is_vector, parse, parse_definition, parse_point, parse_symbol,
                                 parse_vector)

Text = Union[str, sp.Expr]
Point = Union[str, Mapping[sp.Symbol, sp.Expr], None]
Variables = Union[str, Sequence[Union[str, sp.Symbol]], None]
Definitions = Union[Iterable[Union[str, tuple]], None]


@dataclass(frozen=True)
class Request:
    """A derivative asked for, read and checked: what ``derive.core.engine.solve`` takes
    (``solve(request.expression, request.wrt, **request.options)``)."""

    expression: sp.Expr
    wrt: Union[sp.Symbol, tuple[sp.Symbol, ...]]   # one variable, or several in order
    options: dict = field(default_factory=dict)     # order, style, text, point, definitions


def read_request(expression: Text, wrt: Variables = None, *, order: int = 1,
                 style: str = "textbook", at: Point = None, where: Definitions = None) -> Request:
    """The derivative of one function asked for: the function, the variables (given, or its
    only one), the order, the style, the point and the user's definitions, each checked."""
    check_style(style)
    definitions = read_definitions(where)
    expr = read_expression(expression)
    if not isinstance(order, int) or order < 1:
        raise InputError(f"the order must be a whole number of at least 1, not {order!r}")
    variables = variables_to_differentiate_by(expr, wrt, definitions)
    if len(variables) > 1 and order != 1:
        raise InputError("give either several variables (a mixed partial) or --order, not both")
    point = read_point(at, (expr,), definitions)
    return Request(expr, variables if len(variables) > 1 else variables[0],
                   dict(order=order, style=style, text=str(expression), point=point,
                        definitions=definitions))


def is_vector_request(expression) -> bool:
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


def check_style(style):
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


def variables_to_differentiate_by(expr: sp.Expr, wrt, definitions) -> tuple[sp.Symbol, ...]:
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
