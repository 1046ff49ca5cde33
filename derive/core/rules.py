"""The rule table: one small record per differentiation rule.

A rule applies to a SymPy class (looked up along the class hierarchy) and, where one class
covers several rules (``Pow`` is the power rule, the exponential rule or the general power
rule), to the operands that depend on the variable.  Each rule states its local partial
derivatives: for a node f(o₁, …, oₖ) it gives ∂f/∂oᵢ written in the operands.  The engine
multiplies them by the operands' own derivatives and adds (the chain rule and the sum over
paths), so a rule never differentiates anything itself.

Adding a function is one record here (and, for its wording, one template per format)::

    function_rule("asech", sp.asech, lambda u: -1 / (u * sp.sqrt(1 - u**2)))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.errors import written
from derive.functions import LogBase

Expr = sp.Expr
Depends = Callable[[Expr], bool]


@dataclass(frozen=True)
class Rule:
    """A differentiation rule.

    id        the rule's name in templates and JSON (``"sin"``, ``"product"``, …)
    head      the SymPy class it applies to
    partials  operands -> ∂f/∂oᵢ for each operand, in operand order
    when      (node, depends) -> whether this rule, rather than another for the same class,
              applies; ``depends(e)`` tells whether ``e`` depends on the variable
    operands  node -> the operands the rule differentiates through (default: ``node.args``)
    condition operands -> where the derivative holds (``None``: wherever f is differentiable)
    refusal   operands -> why the input is refused when ``condition`` holds nowhere (one line)
    combine   (operands, partials, derivatives) -> the derivative in the form a teacher
              writes it; default Σ ∂f/∂oᵢ · doᵢ/dx
    chain     applying it to an inner function other than the variable is the chain rule
    of_node   ``partials`` is given the node rather than its operands
    """

    id: str
    head: type
    partials: Callable[..., tuple[Expr, ...]]
    when: Optional[Callable[[Expr, Depends], bool]] = None
    operands: Callable[[Expr], tuple[Expr, ...]] = lambda node: node.args
    condition: Optional[Callable[..., Expr]] = None
    refusal: Optional[Callable[..., str]] = None
    combine: Optional[Callable[..., Expr]] = None
    chain: bool = True
    of_node: bool = False     # ``partials`` takes the node itself, not its operands


RULES: dict[type, list[Rule]] = {}


def register(rule: Rule) -> Rule:
    RULES.setdefault(rule.head, []).append(rule)
    return rule


def function_rule(rule_id: str, head: type, derivative: Callable[[Expr], Expr], **extra) -> Rule:
    """A rule for a function of one argument u whose derivative is ``derivative(u)``."""
    return register(Rule(rule_id, head, lambda u: (derivative(u),), **extra))


# --- elementary functions: d/du f(u) -----------------------------------------------------

sqrt = sp.sqrt
function_rule("exp", sp.exp, lambda u: sp.exp(u))
function_rule("ln", sp.log, lambda u: 1 / u)
function_rule("abs", sp.Abs, lambda u: u / sp.Abs(u), condition=lambda u: sp.Ne(u, 0))

function_rule("sin", sp.sin, lambda u: sp.cos(u))
function_rule("cos", sp.cos, lambda u: -sp.sin(u))
function_rule("tan", sp.tan, lambda u: sp.sec(u) ** 2)
function_rule("sec", sp.sec, lambda u: sp.sec(u) * sp.tan(u))
function_rule("csc", sp.csc, lambda u: -sp.csc(u) * sp.cot(u))
function_rule("cot", sp.cot, lambda u: -sp.csc(u) ** 2)

function_rule("asin", sp.asin, lambda u: 1 / sqrt(1 - u**2))
function_rule("acos", sp.acos, lambda u: -1 / sqrt(1 - u**2))
function_rule("atan", sp.atan, lambda u: 1 / (1 + u**2))
function_rule("acot", sp.acot, lambda u: -1 / (1 + u**2))
function_rule("asec", sp.asec, lambda u: 1 / (sp.Abs(u) * sqrt(u**2 - 1)))
function_rule("acsc", sp.acsc, lambda u: -1 / (sp.Abs(u) * sqrt(u**2 - 1)))

function_rule("sinh", sp.sinh, lambda u: sp.cosh(u))
function_rule("cosh", sp.cosh, lambda u: sp.sinh(u))
function_rule("tanh", sp.tanh, lambda u: sp.sech(u) ** 2)
function_rule("sech", sp.sech, lambda u: -sp.sech(u) * sp.tanh(u))
function_rule("csch", sp.csch, lambda u: -sp.csch(u) * sp.coth(u))
function_rule("coth", sp.coth, lambda u: -sp.csch(u) ** 2)

function_rule("asinh", sp.asinh, lambda u: 1 / sqrt(u**2 + 1))
function_rule("acosh", sp.acosh, lambda u: 1 / sqrt(u**2 - 1))
function_rule("atanh", sp.atanh, lambda u: 1 / (1 - u**2))
function_rule("acoth", sp.acoth, lambda u: 1 / (1 - u**2))
function_rule("asech", sp.asech, lambda u: -1 / (u * sqrt(1 - u**2)))
function_rule("acsch", sp.acsch, lambda u: -1 / (sp.Abs(u) * sqrt(1 + u**2)))


def _log_base_partials(u, b):
    """∂/∂u log_b u = 1/(u ln b);  ∂/∂b log_b u = −ln u / (b ln² b)."""
    return 1 / (u * sp.log(b)), -sp.log(u) / (b * sp.log(b) ** 2)


register(Rule("log-base", LogBase, _log_base_partials))


def abstract_partials(node):
    """Partials of an abstract function f(o₁, …): f's own partial derivatives evaluated at the
    operands, f′(g(x)), written as Subs so that substituting into an operand stays valid."""
    slots = tuple(sp.Dummy(f"xi{i}") for i in range(len(node.args)))
    at_slots = node.func(*slots)
    return tuple(sp.Subs(sp.Derivative(at_slots, slot), slots, node.args) for slot in slots)


# --- sums, products, quotients -----------------------------------------------------------

def _is_quotient(node: Expr) -> bool:
    """``a / b`` as typed: a two-factor product whose second factor is b⁻¹."""
    return (len(node.args) == 2 and isinstance(node.args[1], sp.Pow)
            and node.args[1].exp == -1)


def _quotient_operands(node):
    numerator, reciprocal = node.args
    return numerator, reciprocal.base


def _quotient_partials(a, b):
    """∂(a/b)/∂a = 1/b;  ∂(a/b)/∂b = −a/b²."""
    return 1 / b, -a / b**2


def _quotient_combine(operands, partials, derivatives):
    """(a/b)′ = (a′b − ab′)/b²."""
    (a, b), (da, db) = operands, derivatives
    return (da * b - a * db) / b**2


def _product_partials(*factors):
    """∂(f₁f₂…fₙ)/∂fᵢ = the product of the other factors."""
    return tuple(sp.Mul(*(factors[:i] + factors[i + 1:])) for i in range(len(factors)))


def _count_dependent(node, depends):
    return sum(1 for a in node.args if depends(a))


register(Rule("sum", sp.Add, lambda *terms: (sp.Integer(1),) * len(terms), chain=False))
register(Rule("quotient", sp.Mul, _quotient_partials, chain=False,
              when=lambda node, dep: _is_quotient(node) and dep(node.args[0])
              and dep(node.args[1].base),
              operands=_quotient_operands, combine=_quotient_combine))
register(Rule("constant-multiple", sp.Mul, _product_partials, chain=False,
              when=lambda node, dep: _count_dependent(node, dep) == 1))
register(Rule("product", sp.Mul, _product_partials, chain=False))


# --- powers: which operand carries the variable decides the rule -------------------------

def _power_partials(base, exponent):
    """∂(bᵉ)/∂b = e·bᵉ⁻¹ (the power rule);  ∂(bᵉ)/∂e = bᵉ ln b (the exponential rule)."""
    return exponent * base ** (exponent - 1), base**exponent * sp.log(base)


def _general_power_combine(operands, partials, derivatives):
    """(fᵍ)′ = fᵍ (g′ ln f + g f′/f), from ln y = g ln f by logarithmic differentiation."""
    (f, g), (df, dg) = operands, derivatives
    return f**g * (dg * sp.log(f) + g * df / f)


def _positive_base(base, exponent):
    """A power with a varying exponent is a differentiable real function where its base is
    positive: bᵉ = e^(e ln b)."""
    return sp.StrictGreaterThan(base, 0)


def _base_never_positive(base, exponent):
    """Why bᵉ is refused when its base is never positive: 0ᵉ is 0 wherever it is defined
    (e > 0), so its derivative is 0 there; a negative base to a varying power has a real
    value only at isolated exponents."""
    power = written(sp.Pow(base, exponent, evaluate=False))
    exponent = written(exponent)
    if base.is_zero:
        return (f"{power} is 0 wherever it is defined (where {exponent} > 0), so its "
                f"derivative there is 0: write 0 for it (a power with a varying exponent needs "
                f"a base greater than 0)")
    return (f"{power} has no real value for most values of {exponent}: it is not a real "
            f"function (a power with a varying exponent needs a base greater than 0)")


register(Rule("power", sp.Pow, _power_partials,
              when=lambda node, dep: not dep(node.exp)))
register(Rule("exp", sp.Pow, _power_partials,
              when=lambda node, dep: node.base == sp.E and not dep(node.base)))
register(Rule("exponential", sp.Pow, _power_partials,
              when=lambda node, dep: not dep(node.base),
              condition=_positive_base, refusal=_base_never_positive))
register(Rule("general-power", sp.Pow, _power_partials, chain=False,
              combine=_general_power_combine,
              condition=_positive_base, refusal=_base_never_positive))


# --- the rules every expression may meet -------------------------------------------------

CONSTANT = Rule("constant", sp.Basic, lambda *a: ())
VARIABLE = Rule("variable", sp.Symbol, lambda *a: ())
ABSTRACT = register(Rule("abstract", AppliedUndef, abstract_partials, of_node=True))


def _derivative_partials(node):
    """A derivative of an abstract function, f′(x) = Derivative(f(x), x), is itself a function
    of f's arguments: ∂/∂xᵢ differentiates it once more by xᵢ (f″(x))."""
    return tuple(sp.Derivative(node.expr, *node.variable_count, a) for a in node.expr.args)


def _subs_partials(node):
    """f′ evaluated at inner functions, Subs(f′(ξ), ξ, g): ∂/∂gᵢ is f″ at g (then the chain
    rule multiplies by gᵢ′)."""
    return tuple(sp.Subs(sp.Derivative(node.expr, v), node.variables, node.point)
                 for v in node.variables)


register(Rule("abstract", sp.Derivative, _derivative_partials, of_node=True,
              operands=lambda node: node.expr.args,
              when=lambda node, dep: isinstance(node.expr, AppliedUndef)
              and all(a.is_Symbol for a in node.expr.args)))
register(Rule("abstract", sp.Subs, _subs_partials, of_node=True,
              operands=lambda node: node.point,
              when=lambda node, dep: not dep(node.expr)))
# no elementary rule applies (a special function, a derivative SymPy left unevaluated): the
# step says so and takes SymPy's own derivative of the whole node
FALLBACK = Rule("fallback", sp.Basic, lambda *a: ())


def find_rule(node: Expr, depends: Depends) -> Rule:
    """The rule for ``node``: the first record for its class or a base class whose ``when``
    holds; ``FALLBACK`` when no elementary rule applies (SymPy's own derivative is used)."""
    for cls in type(node).__mro__:
        for rule in RULES.get(cls, ()):
            if rule.when is None or rule.when(node, depends):
                return rule
    return FALLBACK


def local_partials(rule: Rule, node: Expr, operands: tuple[Expr, ...]) -> tuple[Expr, ...]:
    """∂node/∂oᵢ for each operand, as the rule states them."""
    if rule.of_node:
        return tuple(rule.partials(node))
    return tuple(rule.partials(*operands))
