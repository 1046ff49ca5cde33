"""The worked solution: decompose, differentiate locally, combine over paths, substitute,
simplify, check.

With the computation graph of intermediates n₁, …, y (see ``graph``), the derivative of each
node along every path from x is

    dn/dx = Σ_a ∂n/∂a · da/dx        over the arguments a of n  (dx/dx = 1)

— the total-derivative rule; with one argument it is the chain rule, and for a pure chain
dy/dx is the product of the local derivatives along it.  The result, written in the names,
is substituted back into x and simplified once, at the end.  Higher derivatives work the
previous order's final answer the same way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import sympy as sp

from .graph import Graph, decompose
from .local import derivative_step
from .simplify import simplification_steps
from .steps import Factor, Intermediate, Leibniz, Solution, Step
from .verify import check_answer, check_steps

STYLES = ("method", "compact")
DEFAULT_SIMPLIFY_BUDGET = 3.0


def solve(expression: sp.Expr, wrt: sp.Symbol, *, order: int = 1, style: str = "method",
          text: str = "", point: Optional[dict] = None,
          simplify_budget: float | None = DEFAULT_SIMPLIFY_BUDGET) -> Solution:
    """The worked, checked n-th derivative of ``expression`` with respect to ``wrt``."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    blocks, checks, notes = [], [], []
    intermediates: tuple[Intermediate, ...] = ()
    current = expression
    for k in range(1, order + 1):
        steps, names, result, gave_up = _one_order(current, wrt, style, simplify_budget)
        checks += check_steps(steps, names)
        if k == 1:
            intermediates = tuple(names_in_order(steps))
        if gave_up:
            notes.append("simplify-budget")
        blocks.append(Step("order", current, result, wrt, substeps=steps))
        current = result
    top = blocks[0].substeps if order == 1 else tuple(blocks)
    checks.append(check_answer(expression, wrt, order, current))
    value = None
    point_items = tuple((point or {}).items())
    if point:
        value = evaluate_at(current, point)
    return Solution(text, expression, wrt, order, style, top, intermediates, current,
                    tuple(checks), value, point_items, tuple(notes), function_name(expression))


FUNCTION_NAMES = ("f", "F", "h", "phi")


def function_name(expression: sp.Expr) -> sp.Symbol:
    """A name for the function that the user's own symbols and functions do not use."""
    taken = {s.name for s in expression.free_symbols} | {
        type(f).__name__ for f in expression.atoms(sp.core.function.AppliedUndef)}
    return sp.Symbol(next((n for n in FUNCTION_NAMES if n not in taken), "f_0"))


def names_in_order(steps):
    for step in steps:
        if step.rule == "intermediates":
            yield from step.bindings


def evaluate_at(result: sp.Expr, point: dict) -> sp.Expr:
    """The exact value of the derivative at the point (simplified once)."""
    return sp.simplify(result.doit().subs(point))


def _one_order(expression, wrt, style, budget):
    """The steps of one differentiation, the name→x substitution they use, the simplified
    result and whether simplification ran out of time."""
    if style == "compact":
        worked = derivative_step(expression, wrt)
        tail, result, gave_up = simplification_steps(worked.result, budget)
        steps = (worked,) + _simplify_block(worked.result, result, tail)
        return steps, {}, result, gave_up

    graph = decompose(expression, wrt)
    names = graph.substitution()
    if not graph.intermediates:
        worked = replace(derivative_step(graph.output.definition, wrt), of=graph.output.name)
        tail, result, gave_up = simplification_steps(worked.result, budget)
        steps = (worked,) + _simplify_block(worked.result, result, tail)
        return steps, names, result, gave_up

    local = _local_derivatives(graph)
    combined, in_names = _combine(graph, local)
    with sp.evaluate(False):
        substituted = in_names.xreplace(names)
    tail, result, gave_up = simplification_steps(substituted, budget)
    steps = (
        Step("intermediates", expression, graph.output.name, wrt, bindings=graph.nodes),
        Step("local-derivatives", expression, expression, wrt, substeps=tuple(
            s for per_node in local.values() for s in per_node.values())),
        Step("combine", graph.output.name, combined[-1].result, wrt, substeps=tuple(combined)),
        Step("substitute", in_names, substituted, wrt, of=graph.output.name),
    ) + _simplify_block(substituted, result, tail)
    return steps, names, result, gave_up


def _simplify_block(start, result, tail):
    if not tail:
        return ()
    return (Step("simplify-all", start, result, substeps=tail),)


def _local_derivatives(graph: Graph) -> dict[sp.Symbol, dict[sp.Symbol, Step]]:
    """∂n/∂a for every node n and each of its arguments a, by the rule table."""
    return {
        node.name: {
            a: replace(derivative_step(node.definition, a), of=node.name,
                       partial=len(node.arguments) > 1)
            for a in node.arguments
        }
        for node in graph.nodes
    }


def _combine(graph: Graph, local) -> tuple[list[Step], sp.Expr]:
    """The chain / total-derivative steps, and dy/dx as it is to be substituted."""
    x = graph.wrt
    if graph.is_chain:
        factors = tuple(
            Factor(Leibniz(node.name, node.arguments[0]), local[node.name][node.arguments[0]].result)
            for node in reversed(graph.nodes))
        product = sp.Mul(*(f.value for f in factors), evaluate=False)
        step = Step("chain", graph.output.name, sp.Mul(*(f.value for f in factors)), x,
                    of=graph.output.name, terms=(factors,), expanded=product)
        return [step], product

    total = {x: sp.Integer(1)}
    steps = []
    for node in graph.nodes:
        terms = []
        for a in node.arguments:
            edge = Factor(Leibniz(node.name, a, len(node.arguments) > 1),
                          local[node.name][a].result)
            terms.append((edge,) if a == x else (edge, Factor(Leibniz(a, x), total[a])))
        total[node.name] = sp.Add(*(sp.Mul(*(f.value for f in t)) for t in terms))
        if any(len(t) > 1 for t in terms):
            expanded = sp.Add(*(sp.Mul(*(f.value for f in t), evaluate=False) for t in terms),
                              evaluate=False)
            rule = "total" if len(terms) > 1 else "chain"
            steps.append(Step(rule, node.name, total[node.name], x, of=node.name,
                              terms=tuple(terms), expanded=expanded))
    return steps, total[graph.output.name]
