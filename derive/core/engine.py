"""The worked solution: decompose, differentiate locally, combine over paths, substitute,
simplify, check.

With the computation graph of intermediates n₁, …, y (see ``graph``), the derivative of each
node along every path from x is

    dn/dx = Σ_a ∂n/∂a · da/dx        over the arguments a of n  (dx/dx = 1)

— the total-derivative rule; with one argument it is the chain rule, and for a pure chain
dy/dx is the product of the local derivatives along it.  The result, written in the names,
is substituted back into x and simplified once, at the end.  Higher derivatives work the
previous order's final answer the same way: d²y/dx² = d/dx[dy/dx], dy/dx as it was found and
simplified — in the textbook style each order by the textbook's rules while it is no larger
than an exercise (``TEXTBOOK_NODES``), else by the computation graph.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

import sympy as sp

from derive.functions import derivatives_as_subs
from derive.core.graph import MAX_PATHS, OUTPUT_NAMES, Graph, arguments_of, decompose, paths
from derive.core.local import Refused, derivative_step
from derive.core.textbook import in_printed_order, textbook_steps
from derive.core.timing import phase
from derive.core.simplify import simplification_steps
from derive.core.sizes import simplify_affordable, within_nodes
from derive.core.numeric import is_real_number, require_in_range, value_at, values_kept
from derive.errors import VerificationError
from derive.core.steps import (EQUAL, TOTAL, Factor, Intermediate, Leibniz, PointValue,
                               Solution, Step)
from derive.core.verify import check_answer, check_steps, real_everywhere, require_real_values

STYLES = ("textbook", "graph", "compact")
TEXTBOOK_NODES = 60   # the textbook style for functions of at most this many tree nodes (an
                      # exercise has some 5 to 25; beyond, the graph method)


@values_kept()  # the checks of one solution share their values at each point
def solve(expression: sp.Expr, wrt, *, order: int = 1, style: str = "graph",
          text: str = "", point: Optional[dict] = None,
          definitions: Sequence[tuple[sp.Symbol, sp.Expr]] = (),
          name: Optional[sp.Symbol] = None, partial: Optional[bool] = None,
          reserved: frozenset = frozenset(), picture: bool = False) -> Solution:
    """The worked, checked derivative of ``expression``.

    ``wrt`` is one variable (differentiated ``order`` times) or a sequence of variables for a
    mixed partial derivative, taken in the order given: ∂²f/∂y∂x is ``(x, y)``.
    ``definitions`` are intermediate variables the user names (``u = x²``): the expression is
    written in them, and they form the first order's computation graph as given.  ``name`` is
    what the function is called (default: f, or a letter the user's symbols leave free);
    ``partial`` forces ∂ notation (default: when the function has several variables);
    ``reserved`` names are not given to intermediates (names the reader already knows).
    ``picture``: also work the computation graph of a compact-style solution, which works
    none of its own (the graph and local derivatives a picture draws; the method style
    always has them).
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    sequence = tuple(wrt) if isinstance(wrt, (tuple, list)) else (wrt,) * order
    function = in_inputs(expression, definitions)
    notes: list = []
    searched = real_everywhere(function)  # then only a failed check asks for the search
    if not searched:
        with phase("looking for points where the function is real"):
            require_real_values(function)
    partial = len(function.free_symbols) > 1 if partial is None else partial
    if style == "textbook" and (partial or definitions or len(set(sequence)) > 1
                                or not within_nodes(function, TEXTBOOK_NODES)):
        # several variables (a mixed partial derivative) and the user's own graph keep the
        # computation-graph method; so does a function larger than any exercise, whose
        # nested rule-by-rule layout would print each inner derivative again at every level
        style = "graph"
        notes.append("graph-method")
    elif style == "textbook" and name is None and "y" not in {
            s.name for s in function.free_symbols} | {str(r) for r in reserved}:
        name = sp.Symbol("y")   # a textbook writes y = f(x) and works dy/dx
    if name is None and definitions:  # the user's graph: the function is its output node
        name = user_graph(expression, definitions, sequence[0]).output.name
    name = name or function_name(function)
    blocks, checks = [], []
    if not function.has(sequence[0]):
        notes.append("independent")
    intermediates: tuple[Intermediate, ...] = ()
    nodes: tuple[Intermediate, ...] = ()
    local: tuple[Step, ...] = ()
    current, orders = expression, []
    for k, variable in enumerate(sequence):
        current = derivatives_as_subs(current)  # f′(g(x)) as SymPy's doit() writes it
        if style == "textbook" and k > 0:    # the previous answer, its sums as printed
            current = in_printed_order(current)
        graph = user_graph(current, definitions, variable) if definitions and k == 0 else None
        worked_as = order_style(style, current, k + 1)
        if worked_as != style:
            notes.append(f"graph-method-order-{k + 1}")
        steps, names, result, drawn = _one_order(current, variable, worked_as, graph=graph,
                                                 partial=partial, name=name,
                                                 reserved=reserved, order=k + 1)
        with phase("checking the steps"):
            checks += check_steps(steps, names)
        if k == 0:
            intermediates = tuple(names_in_order(steps))
            if drawn or picture:
                nodes, local = drawn or _graph_for_picture(current, variable, name, partial,
                                                           reserved)
        blocks.append(Step("order", current, result, variable, substeps=steps, partial=partial))
        orders.append((function if k == 0 else current, variable, result,
                       conditions(steps, names)))
        current = result
    top = blocks[0].substeps if len(sequence) == 1 else tuple(blocks)
    with phase("checking the answer"):
        checks.append(check_answer(function, sequence, current))
    if searched and not all(c.passed for c in checks):
        # no usable point for a check: a value too large to compute everywhere (a tower
        # of exponentials) is refused in one line, not reported as a failed step
        with phase("looking for points where the function is real"):
            require_real_values(function)
    with phase("evaluating at the point"):
        evaluation = evaluate_at(orders, point, name, partial) if point else None
    return Solution(text, expression, sequence[0], len(sequence), style, top, intermediates,
                    current, tuple(checks), evaluation and evaluation.value,
                    tuple((point or {}).items()), tuple(notes), name, sequence, partial,
                    tuple(definitions),
                    tuple(sorted(function.free_symbols, key=lambda v: v.name)) or (sequence[0],),
                    evaluation, function, nodes, local, tuple(orders))


def evaluated(solution: Solution, point: dict) -> Solution:
    """The solution with its derivative at ``point`` (a point of the function's domain that
    gives every input a value), as ``solve`` with that point gives it, from the formulas the
    solution found: nothing is worked again."""
    with phase("evaluating at the point"):
        evaluation = evaluate_at(list(solution.orders), point, solution.name, solution.partial)
    return replace(solution, value=evaluation.value, point=tuple(point.items()),
                   evaluation=evaluation)


def order_style(style: str, expression: sp.Expr, order: int) -> str:
    """The style the ``order``-th differentiation, of ``expression``, is worked in: the
    solution's, except that a higher derivative in the textbook style larger than an exercise
    (``TEXTBOOK_NODES``) is worked by the computation graph (the first order's size decided
    the solution's style)."""
    if style == "textbook" and order > 1 and not within_nodes(expression, TEXTBOOK_NODES):
        return "graph"
    return style


def in_inputs(expression: sp.Expr, definitions) -> sp.Expr:
    """The expression with the user's intermediate variables replaced by their definitions,
    written in the input variables alone."""
    if not definitions:
        return expression
    expanded = expand_definitions(definitions)
    with sp.evaluate(False):
        return expression.xreplace(expanded)


def expand_definitions(definitions) -> dict[sp.Symbol, sp.Expr]:
    """name -> definition in the inputs alone (definitions in topological order)."""
    expanded: dict[sp.Symbol, sp.Expr] = {}
    with sp.evaluate(False):
        for name, definition in definitions:
            expanded[name] = definition.xreplace(expanded)
    return expanded


def user_graph(expression: sp.Expr, definitions, wrt: sp.Symbol) -> Graph:
    """The computation graph the user defined: each definition one node, as written, and the
    expression the output; a definition's arguments are the names and ``wrt`` it uses."""
    names = [n for n, _ in definitions]
    expanded = expand_definitions(definitions)
    taken = {s.name for s in expression.free_symbols} | {m.name for m in names} | {
        s.name for value in expanded.values() for s in value.free_symbols}
    output = sp.Symbol(next(n for n in OUTPUT_NAMES if n not in taken), real=True)
    variables = set(names) | {wrt}
    nodes = [Intermediate(name, definition, expanded[name], arguments_of(definition, variables))
             for name, definition in definitions]
    with sp.evaluate(False):
        in_x = expression.xreplace(expanded)
    nodes.append(Intermediate(output, expression, in_x, arguments_of(expression, variables)))
    return Graph(wrt, tuple(nodes))


FUNCTION_NAMES = ("f", "F", "h", "phi")


def function_name(expression: sp.Expr) -> sp.Symbol:
    """A name for the function that the user's own symbols and functions do not use."""
    taken = {s.name for s in expression.free_symbols} | {
        type(f).__name__ for f in expression.atoms(sp.core.function.AppliedUndef)}
    return sp.Symbol(next((n for n in FUNCTION_NAMES if n not in taken), "f_0"))


def names_in_order(steps):
    """The intermediate variables the steps name, in the order they are named: the graph
    method's list, or (the textbook style) each composition's layers, outside in."""
    for top in steps:
        for step in top.walk():
            if step.rule in ("intermediates", "chain") and step.bindings:
                yield from step.bindings


def conditions(steps, names) -> tuple[sp.Expr, ...]:
    """Where the rules the steps were worked with hold (x ≠ 0 for d|x|/dx), in the inputs."""
    return tuple(step.condition.xreplace(names) if names else step.condition
                 for top in steps for step in top.walk() if step.condition is not None)


def evaluate_at(orders, point: dict, name: sp.Symbol, partial: bool) -> PointValue:
    """The derivative at the point, order by order: the exact value of the last order, or the
    first order that has none and why.  ``orders`` holds, for each order, what it
    differentiates, by which variable, the formula it found and the conditions of its rules;
    an order has a value only where the one before it has one."""
    sequence = tuple(variable for _, variable, _, _ in orders)
    found: dict = {}
    for k, (of, variable, formula, holds) in enumerate(orders, 1):
        found = dict(formula=formula.doit(), of=of)
        found.update(_derivative_at(of, variable, found["formula"], holds, point))
        if found.get("value") is None:
            found["order"] = k
            break
    return PointValue(name, sequence, partial, tuple(point.items()), **found)


def _derivative_at(of, wrt, formula, holds, point) -> dict:
    """d(of)/d(wrt) at the point, from its formula: the formula's value where it has one and
    the rules hold there; else, by the derivative limit theorem (``of`` is continuous at the
    point), the one-sided limits of the formula: equal and finite, they are the value
    (``limit``); finite and different, a corner; infinite, the derivative grows without
    bound.  The fields of a ``PointValue``."""
    require_in_range(formula, point)
    value = exact_value(formula, point)
    rules_hold = not any(at_point(c, point) is sp.false for c in holds)
    if value is not None and rules_hold:
        return dict(value=value)
    left, right = (_one_sided(of, formula, wrt, point, side) for side in (-1, 1))
    sides = [s for s in (left, right) if s is not _OUTSIDE]
    if any(s is not None and s.is_infinite for s in sides):
        return dict(reason="unbounded")
    if not sides or any(s is None or not s.is_real for s in sides):
        return dict(reason="undefined")
    if len(sides) == 2 and sp.simplify(left - right) != 0:
        return dict(reason="corner", left=left, right=right)
    if value is not None and sp.simplify(sides[0] - value) == 0:
        return dict(value=value)
    return dict(value=sides[0], limit=True)


_OUTSIDE = object()   # a side of the point outside the function's domain
NEAR = (sp.Rational(1, 10**3), sp.Rational(1, 10**6), sp.Rational(1, 10**9))


def _one_sided(of, formula, wrt, point, side):
    """The limit of the formula as ``wrt`` tends to the point from the left (``side`` −1) or
    the right (+1), the other variables held at the point: ``_OUTSIDE`` when the function
    has no value on that side close to the point, None when SymPy finds no limit."""
    at = point[wrt]
    if all(value_at(of, {**point, wrt: at + side * h}) is None for h in NEAR):
        return _OUTSIDE
    others = {v: x for v, x in point.items() if v != wrt}
    try:
        limit = sp.limit(at_point(formula, others), wrt, at, "+" if side > 0 else "-")
    except (NotImplementedError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        return None
    return limit if limit.is_number and not limit.has(sp.nan, sp.AccumBounds) else None


def exact_value(e: sp.Expr, point: dict) -> Optional[sp.Expr]:
    """The exact value of ``e`` at the point (simplified once where ``simplify_affordable``),
    or None where it has no finite real value."""
    value = at_point(e, point)
    if not is_real_number(value):
        return None
    return sp.simplify(value) if simplify_affordable(value) else value


def at_point(e: sp.Expr, point: dict) -> sp.Expr:
    """``e`` with every variable of the point replaced at once (one after the other, x/√(x² + y²)
    at x = 0 would be 0 before y = 0 makes it 0/0)."""
    return e.subs(point, simultaneous=True)


def _one_order(expression, wrt, style, graph=None, partial=False, name=None,
               reserved=frozenset(), order=1):
    """The steps of the ``order``-th differentiation (of ``expression``, the derivative of
    order ``order`` − 1), the name→x substitution they use, the simplified result, and the
    computation graph with its local derivative steps (None for the compact and textbook
    styles, which work without one)."""
    with phase("differentiating"):
        return _work(expression, wrt, style, graph, partial, name, reserved, order)


def _work(expression, wrt, style, graph, partial, name, reserved, order=1):
    if style == "textbook" and graph is None:
        worked, names, found = textbook_steps(expression, wrt, name, reserved, order=order)
        tail, result = simplification_steps(found)
        return worked + _simplify_block(found, result, tail), names, result, None

    if style == "compact" and graph is None:
        worked = derivative_step(expression, wrt)
        tail, result = simplification_steps(worked.result)
        steps = (worked,) + _simplify_block(worked.result, result, tail)
        return steps, {}, result, None

    graph = graph or decompose(expression, wrt, reserved | {str(name)})
    names = graph.substitution()
    if not graph.intermediates:
        worked = replace(derivative_step(graph.output.definition, wrt),
                         of=name or graph.output.name, partial=partial)
        tail, result = simplification_steps(worked.result)
        steps = (worked,) + _simplify_block(worked.result, result, tail)
        return steps, names, result, (_named(graph.nodes, name), (worked,))

    try:
        local = _local_derivatives(graph, partial)
    except Refused as refused:  # say it in the user's terms, not the intermediates'
        raise refused.in_inputs(names) from None
    combined, in_names = _combine(graph, local, partial)
    substituted = graph.written_back(in_names)
    tail, result = simplification_steps(substituted)
    worked = tuple(s for per_node in local.values() for s in per_node.values())
    steps = (
        Step("intermediates", expression, graph.output.name, wrt, bindings=graph.nodes),
        Step("local-derivatives", expression, expression, wrt, substeps=worked),
        Step("combine", graph.output.name, combined[-1].result, wrt, substeps=tuple(combined)),
        Step("substitute", in_names, substituted, wrt, of=graph.output.name, partial=partial,
             claim=EQUAL),
    ) + _simplify_block(substituted, result, tail)
    return steps, names, result, (graph.nodes, worked)


def _named(nodes, name):
    """A graph of one node: the output is the function itself, called by its name."""
    if name is None or len(nodes) != 1:
        return nodes
    only = nodes[0]
    return (Intermediate(name, only.definition, only.expanded, only.arguments),)


def _graph_for_picture(expression, wrt, name, partial, reserved):
    """The computation graph of a solution worked without one (the compact style), for its
    picture: each local derivative worked by the rule table and checked against SymPy's own
    derivative, as every step the solution shows is."""
    graph = decompose(expression, wrt, reserved | {str(name)})
    nodes = _named(graph.nodes, name)
    local = tuple(
        replace(derivative_step(node.definition, a), of=node.name,
                partial=partial or len(node.arguments) > 1)
        for node in nodes for a in node.arguments)
    with phase("checking the steps"):
        for step in local:
            if not all(c.passed for c in check_steps((step,), {})):  # only checked ones drawn
                raise VerificationError(f"the local derivative ∂{step.of}/∂{step.wrt} failed "
                                        "its check; this is a bug in derive, please report it "
                                        "with the input")
    return nodes, local


def _simplify_block(start, result, tail):
    if not tail:
        return ()
    return (Step("simplify-all", start, result, substeps=tail),)


def _local_derivatives(graph: Graph, partial: bool) -> dict[sp.Symbol, dict[sp.Symbol, Step]]:
    """∂n/∂a for every node n and each of its arguments a, by the rule table."""
    return {
        node.name: {
            a: replace(derivative_step(node.definition, a), of=node.name,
                       partial=partial or len(node.arguments) > 1)
            for a in node.arguments
        }
        for node in graph.nodes
    }


def _combine(graph: Graph, local, partial: bool) -> tuple[list[Step], sp.Expr]:
    """The chain / total-derivative steps, and dy/dx as it is to be substituted."""
    x = graph.wrt
    if graph.is_chain:
        factors = tuple(
            Factor(Leibniz(node.name, node.arguments[0], partial),
                   local[node.name][node.arguments[0]].result)
            for node in reversed(graph.nodes))
        product = sp.Mul(*(f.value for f in factors), evaluate=False)
        step = Step("chain", graph.output.name, sp.Mul(*(f.value for f in factors)), x,
                    of=graph.output.name, partial=partial, terms=(factors,), expanded=product,
                    claim=TOTAL)
        return [step], product

    total = {x: sp.Integer(1)}
    steps = []
    for node in graph.nodes:
        terms = []
        for a in node.arguments:
            edge = Factor(Leibniz(node.name, a, partial or len(node.arguments) > 1),
                          local[node.name][a].result)
            terms.append((edge,) if a == x else (edge, Factor(Leibniz(a, x, partial), total[a])))
        total[node.name] = sp.Add(*(sp.Mul(*(f.value for f in t)) for t in terms))
        if any(len(t) > 1 for t in terms):
            expanded = sp.Add(*(sp.Mul(*(f.value for f in t), evaluate=False) for t in terms),
                              evaluate=False)
            rule = "total" if len(terms) > 1 else "chain"
            steps.append(Step(rule, node.name, total[node.name], x, of=node.name, partial=partial,
                              terms=tuple(terms), expanded=expanded, claim=TOTAL))
    summed = _paths_step(graph, local, partial)
    if summed is not None and summed.terms != steps[-1].terms:
        steps.append(summed)
    return steps, total[graph.output.name]


def _paths_step(graph: Graph, local, partial: bool) -> Optional[Step]:
    """dy/dx as the sum over every path from x to y of the product of the edge derivatives
    along it — shown when there are several paths and not too many to read."""
    x, output = graph.wrt, graph.output.name
    arguments = {node.name: node.arguments for node in graph.nodes}
    walked, count = paths(x, graph.nodes)
    if not 1 < count <= MAX_PATHS:
        return None
    # each path as its edge factors from the output back to x: ∂y/∂a · … · ∂b/∂x
    factors = tuple(
        tuple(Factor(Leibniz(head, tail, partial or len(arguments[head]) > 1),
                     local[head][tail].result)
              for tail, head in reversed(list(zip(path, path[1:]))))
        for path in walked)
    expanded = sp.Add(*(sp.Mul(*(f.value for f in p), evaluate=False) for p in factors),
                      evaluate=False)
    return Step("paths", output, sp.Add(*(sp.Mul(*(f.value for f in p)) for p in factors)), x,
                of=output, partial=partial, terms=factors, expanded=expanded, claim=TOTAL)
