"""Differentiation of one expression by the rule table, rule by rule.

For a node f(o₁, …, oₖ) whose rule states the partials ∂f/∂oᵢ,

    d f / d x = Σᵢ ∂f/∂oᵢ · doᵢ/dx          (operands free of x contribute nothing)

and each doᵢ/dx is a substep worked the same way.  With one operand other than x itself this
is the chain rule.  The same function gives the classical rule-by-rule solution of a whole
expression and the local derivative of one node of the computation graph with respect to one
of its arguments (every other symbol held constant).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.errors import InputError
from derive.core.rules import FALLBACK, Rule, find_rule, local_partials
from derive.core.steps import DERIVATIVE, Step


class Refused(InputError):
    """A rule that holds nowhere for its operands (0ˣ, (−2)ˣ): the input is refused with the
    rule's reason."""

    def __init__(self, rule: Rule, node: sp.Expr, operands: tuple[sp.Expr, ...]):
        self.rule, self.node, self.operands = rule, node, operands
        super().__init__(rule.refusal(*operands) if rule.refusal else
                         f"{node} has no derivative as a real function: the {rule.id} rule "
                         "holds nowhere for it")

    def in_inputs(self, names: dict) -> "Refused":
        """The same refusal with intermediate names replaced by what they stand for."""
        with sp.evaluate(False):
            return Refused(self.rule, self.node.xreplace(names),
                           tuple(o.xreplace(names) for o in self.operands))


def depends_on(wrt: sp.Symbol):
    """A test for 'this expression changes with ``wrt``'."""
    return lambda e: e.has(wrt)


def derivative_step(expr: sp.Expr, wrt: sp.Symbol) -> Step:
    """The step d(expr)/d(wrt), worked by the rule table, with its substeps."""
    depends = depends_on(wrt)
    if expr == wrt:
        return Step("variable", expr, sp.Integer(1), wrt, claim=DERIVATIVE)
    if not depends(expr):
        return Step("constant", expr, sp.Integer(0), wrt, claim=DERIVATIVE)
    if isinstance(expr, sp.Mul) and len(expr.args) == 2 and sp.S.One in expr.args:
        # 1·g, as 1/g is typed (Mul(1, g⁻¹)): no constant multiple, the rule is g's own
        (rest,) = [a for a in expr.args if a != 1]
        return replace(derivative_step(rest, wrt), target=expr)
    rule = find_rule(expr, depends)
    if rule is FALLBACK:
        return Step(rule.id, expr, sp.diff(expr, wrt), wrt, claim=DERIVATIVE)
    operands = tuple(rule.operands(expr))
    condition = _condition(rule, expr, operands)
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

    expanded = sp.Add(*(times(p, d) for _, p, d in parts), evaluate=False)
    if rule.combine is not None:
        result = rule.combine(operands, partials,
                              tuple(_derivative_in(parts, o) for o in operands))
    else:
        result = sp.Add(*(p * d for _, p, d in parts))
    chained = [o for o, _, _ in parts if o != wrt]
    return Step(
        rule.id, expr, result, wrt,
        expanded=expanded,
        condition=condition,
        inner=chained[0] if rule.chain and len(parts) == 1 and chained else None,
        parts=tuple(parts),
        substeps=tuple(substeps),
        claim=DERIVATIVE,
    )


def _condition(rule: Rule, node: sp.Expr, operands) -> sp.Expr | None:
    """Where the rule holds for these operands; ``None`` when it holds wherever the node is
    defined.  A rule that holds nowhere (0ˣ, (−2)ˣ: a power with a varying exponent and a base
    that is never positive) refuses the input with the rule's reason."""
    if rule.condition is None:
        return None
    holds = rule.condition(*operands)
    if holds is sp.true:
        return None
    if holds is sp.false:
        raise Refused(rule, node, tuple(operands))
    return holds


def _derivative_in(parts, operand):
    for o, _, d in parts:
        if o == operand:
            return d
    return sp.Integer(0)


def times(a, b):
    """a·b as written, leaving out a factor 1."""
    if a == 1:
        return b
    if b == 1:
        return a
    return sp.Mul(a, b, evaluate=False)
