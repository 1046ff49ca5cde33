"""Differentiation of one expression by the rule table, rule by rule.

For a node f(o₁, …, oₖ) whose rule states the partials ∂f/∂oᵢ,

    d f / d x = Σᵢ ∂f/∂oᵢ · doᵢ/dx          (operands free of x contribute nothing)

and each doᵢ/dx is a substep worked the same way.  With one operand other than x itself this
is the chain rule.  The same function gives the classical rule-by-rule solution of a whole
expression and the local derivative of one node of the computation graph with respect to one
of its arguments (every other symbol held constant).
"""

from __future__ import annotations

import sympy as sp

from .rules import FALLBACK, find_rule, local_partials
from .steps import Step


def depends_on(wrt: sp.Symbol):
    """A test for 'this expression changes with ``wrt``'."""
    return lambda e: e.has(wrt)


def derivative_step(expr: sp.Expr, wrt: sp.Symbol) -> Step:
    """The step d(expr)/d(wrt), worked by the rule table, with its substeps."""
    depends = depends_on(wrt)
    if expr == wrt:
        return Step("variable", expr, sp.Integer(1), wrt)
    if not depends(expr):
        return Step("constant", expr, sp.Integer(0), wrt)
    rule = find_rule(expr, depends)
    if rule is FALLBACK:
        return Step(rule.id, expr, sp.diff(expr, wrt), wrt)
    operands = tuple(rule.operands(expr))
    partials = local_partials(rule, expr, operands)

    substeps, parts = [], []
    for operand, partial in zip(operands, partials):
        if not depends(operand):
            if rule.id == "sum":  # d/dx of a constant term is shown as 0
                substeps.append(derivative_step(operand, wrt))
            continue
        inner = derivative_step(operand, wrt)
        if operand != wrt:
            substeps.append(inner)
        parts.append((operand, partial, inner.result))

    expanded = sp.Add(*(_times(p, d) for _, p, d in parts), evaluate=False)
    if rule.combine is not None:
        result = rule.combine(operands, partials,
                              tuple(_derivative_in(parts, o) for o in operands))
    else:
        result = sp.Add(*(p * d for _, p, d in parts))
    chained = [o for o, _, _ in parts if o != wrt]
    return Step(
        rule.id, expr, result, wrt,
        expanded=expanded,
        condition=rule.condition(*operands) if rule.condition else None,
        inner=chained[0] if rule.chain and len(parts) == 1 and chained else None,
        parts=tuple(parts),
        substeps=tuple(substeps),
    )


def _derivative_in(parts, operand):
    for o, _, d in parts:
        if o == operand:
            return d
    return sp.Integer(0)


def _times(a, b):
    """a·b as written, leaving out a factor 1."""
    if a == 1:
        return b
    if b == 1:
        return a
    return sp.Mul(a, b, evaluate=False)
