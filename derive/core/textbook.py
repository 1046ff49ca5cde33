"""The textbook style: the derivative worked as a calculus textbook works it.

* the sum and constant-multiple rules term by term, with no intermediate for a term;
* the product and quotient rules named, with f, g, f′ and g′ written out (``parts``);
* an intermediate variable only for a composition, one per layer, each naming the whole inner
  function: tan(6x³ + 8) is u = 6x³ + 8, y = tan u, and dy/dx = dy/du · du/dx;
* logarithmic differentiation for f(x)^g(x) (the rule table's general-power rule);
* a rewrite that shortens the work said first (x·x² = x³);
* a power of a power as one power: 1/x² is x⁻² and 1/√(2x + 3) is (2x + 3)^(-1/2), each a
  power rule (through one chain for the second), not the reciprocal of a composition.

Every step is a ``Step`` with a claim the checker verifies: each derivative (DERIVATIVE), each
chain of a composition (TOTAL, through the intermediates' definitions in x), each
substitution and rewriting (EQUAL).  The names of the intermediates, written in x, are
returned for the checker.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import sympy as sp

from derive.core.local import Refused, derivative_step, times as _times
from derive.core.rules import FALLBACK, find_rule
from derive.core.steps import (DERIVATIVE, EQUAL, TOTAL, Factor, Intermediate, Leibniz,
                               Step)

# letters for intermediates, in the order they are given out; then u₁, u₂, …
LETTERS = ("u", "v", "w", "p", "q", "r", "s", "t")
# the labels of the two factors of a product or quotient (f, g; F, G when f or g is taken)
FACTOR_LABELS = (("f", "g"), ("F", "G"), ("p", "q"))


class Planner:
    """Works one expression in one variable; hands out names that clash with nothing."""

    def __init__(self, wrt: sp.Symbol, taken: set[str]):
        self.wrt = wrt
        self.taken = set(taken)
        self.names: dict[sp.Symbol, sp.Expr] = {}
        self._subscript = 0
        self.labels = next((pair for pair in FACTOR_LABELS
                            if not ({*pair} & self.taken)), FACTOR_LABELS[-1])
        self.taken |= set(self.labels)
        self._pairs = [self.labels]   # the factor labels at each depth of nesting
        self._depth = 0

    # --- names ----------------------------------------------------------------------------

    def fresh(self) -> sp.Symbol:
        for letter in LETTERS:
            if letter not in self.taken:
                self.taken.add(letter)
                return sp.Symbol(letter, real=True)
        while True:
            self._subscript += 1
            name = f"u_{self._subscript}"
            if name not in self.taken:
                self.taken.add(name)
                return sp.Symbol(name, real=True)

    def factor_labels(self) -> tuple[str, str]:
        """The labels of the two factors of a product or quotient: f and g; inside a factor
        of another product or quotient the next free pair (F and G), so that no letter
        stands for two things at once (siblings at the same depth share theirs)."""
        while len(self._pairs) <= self._depth:
            free = [pair for pair in FACTOR_LABELS if not ({*pair} & self.taken)]
            self._pairs.append(free[0] if free else self._pairs[-1])
            self.taken |= set(self._pairs[-1])
        return self._pairs[self._depth]

    # --- what the rules see ---------------------------------------------------------------

    def depends(self, e) -> bool:
        return e.has(self.wrt)

    def composition(self, e) -> Optional[sp.Expr]:
        """The inner function of a composition F(g(x)) (g not x itself), else None."""
        if not self.depends(e) or e == self.wrt or isinstance(e, (sp.Add, sp.Mul)):
            return None
        rule = find_rule(e, self.depends)
        if rule is FALLBACK or not rule.chain:
            return None
        try:
            operands = tuple(rule.operands(e))
        except (TypeError, ValueError):
            return None
        dependent = [o for o in operands if self.depends(o)]
        if len(dependent) != 1 or dependent[0] == self.wrt:
            return None
        if isinstance(e, sp.Subs) or any(isinstance(o, (sp.Subs, sp.Derivative))
                                         for o in operands):
            return None
        return dependent[0]

    # --- the work -------------------------------------------------------------------------

    def work(self, e: sp.Expr, of: Optional[sp.Symbol] = None) -> Step:
        """d e/dx as a textbook works it; ``of`` labels the quantity (y, f, g, u) if named."""
        x = self.wrt
        if e == x:
            return Step("variable", e, sp.Integer(1), x, of=of, claim=DERIVATIVE)
        if not self.depends(e):
            return Step("constant", e, sp.Integer(0), x, of=of, claim=DERIVATIVE)
        if isinstance(e, sp.Add):
            return self._sum(e, of)
        if isinstance(e, sp.Mul):
            constant, rest = e.as_independent(x, as_Add=False)
            while isinstance(rest, sp.Mul):   # -(x/2) typed: one constant, -1/2
                more, inner = rest.as_independent(x, as_Add=False)
                if more == 1:
                    break
                constant, rest = constant * more, inner
            if constant != 1:
                return self._constant_multiple(e, constant, rest, of)
            if rest is not e and not isinstance(rest, sp.Mul):   # 1/x² typed: 1·x⁻², one factor
                return replace(self.work(rest, of), target=e)
            rule = find_rule(e, self.depends)
            if rule.id == "quotient":
                return self._two_factors(e, "quotient", *rule.operands(e), of=of)
            factors = [a for a in e.args]
            if len(factors) >= 2:
                return self._two_factors(e, "product", factors[0],
                                         sp.Mul(*factors[1:]), of=of)
        power = one_power(e)
        if power is not None:     # 1/x², 1/√(2x + 3): one power, x⁻², (2x + 3)^(-1/2)
            return replace(self.work(power, of), target=e)
        inner = self.composition(e)
        if inner is not None:
            return self._chain(e, inner, of)
        step = derivative_step(e, x)
        if step.rule == "general-power":   # logarithmic differentiation, parts worked here
            return replace(step, of=of, substeps=tuple(
                self.work(operand) for operand, _, _ in step.parts if operand != x))
        return replace(step, of=of)   # one rule, or (abstract functions) rule by rule

    def _sum(self, e, of):
        """The sum rule term by term; a constant term's 0 is not written in the sum of the
        terms' derivatives (d/dx[x² + 1] = 2x, not 2x + 0)."""
        terms = tuple(self.work(t) for t in e.args)
        written = [s.result for s in terms if s.result != 0] or [sp.Integer(0)]
        expanded = sp.Add(*written, evaluate=False)
        return Step("sum", e, sp.Add(*(s.result for s in terms)), self.wrt, of=of,
                    expanded=expanded, substeps=terms, claim=DERIVATIVE)

    def _constant_multiple(self, e, constant, rest, of):
        inner = self.work(rest)
        expanded = _times(constant, inner.result)
        return Step("constant-multiple", e, constant * inner.result, self.wrt, of=of,
                    parts=((rest, constant, inner.result),), expanded=expanded,
                    substeps=(inner,), claim=DERIVATIVE)

    def _two_factors(self, e, rule, f, g, of):
        """The product rule (fg)′ = f′g + fg′ or the quotient rule (f/g)′ = (f′g − fg′)/g²."""
        labels = self.factor_labels()
        self._depth += 1
        try:
            df, dg = (self.work(part, of=sp.Symbol(label)) for part, label in zip((f, g), labels))
        finally:
            self._depth -= 1
        a, b = df.result, dg.result
        written_a, written_b = in_printed_order(a), in_printed_order(b)  # as f′, g′ are shown
        if rule == "product":
            expanded = sp.Add(_times(written_a, g), _times(f, written_b), evaluate=False)
            result = _multiplied_out(a * g + f * b, self.wrt)
        else:
            numerator = sp.Add(_times(written_a, g),
                               sp.Mul(-1, _times(f, written_b), evaluate=False),
                               evaluate=False)
            expanded = sp.Mul(numerator, sp.Pow(sp.Pow(g, 2, evaluate=False), -1,
                                                evaluate=False), evaluate=False)
            result = _multiplied_out(a * g - f * b, self.wrt) / g**2
        return Step(rule, e, result, self.wrt, of=of, expanded=expanded,
                    parts=((f, g, a), (g, f, b)), substeps=(df, dg), claim=DERIVATIVE)

    def _chain(self, e, inner, of):
        """y = F(g(x)): one intermediate per layer of composition, each naming the whole
        inner function, innermost first; dy/dx the product of the layers' derivatives."""
        layers = [e]
        while True:
            deeper = self.composition(inner)
            layers.append(inner)
            if deeper is None:
                break
            inner = deeper
        # layers: e, its inner, …, the innermost (not a composition); name them inside out
        innermost = layers[-1]
        names = [self.fresh() for _ in layers[1:]]      # names[0] the innermost
        output = of if of is not None else self.fresh()
        nodes, previous = [], None
        for k in range(len(layers) - 1, -1, -1):          # innermost first
            layer = layers[k]
            name = output if k == 0 else names[len(layers) - 1 - k]
            definition = layer if previous is None else _with_inner(layer, layers[k + 1],
                                                                    previous)
            nodes.append(Intermediate(name, definition, layer,
                                      (previous,) if previous is not None else (self.wrt,)))
            previous = name
        for node in nodes[:-1]:
            self.names[node.name] = node.expanded
        try:
            local = tuple(replace(derivative_step(node.definition, node.arguments[0]),
                                  of=node.name, claim=DERIVATIVE)
                          for node in reversed(nodes[1:]))
        except Refused as refused:  # say it in the user's terms, not the intermediates'
            raise refused.in_inputs({n.name: n.expanded for n in nodes[:-1]}) from None
        below = self.work(innermost, of=nodes[0].name)
        factors = tuple(Factor(Leibniz(s.of, s.wrt), s.result) for s in local) + (
            Factor(Leibniz(nodes[0].name, self.wrt), in_printed_order(below.result)),)
        product = sp.Mul(*(f.value for f in factors), evaluate=False)
        names_in_x = {node.name: node.expanded for node in nodes[:-1]}
        with sp.evaluate(False):
            substituted = product.xreplace(names_in_x)
        result = sp.Mul(*(f.value for f in factors)).xreplace(names_in_x)
        back = Step("substitute", product, substituted, self.wrt, claim=EQUAL)
        return Step("chain", e, result, self.wrt, of=output, bindings=tuple(nodes),
                    terms=(factors,), expanded=product, inner=innermost,
                    substeps=local + (below, back), claim=TOTAL)


def one_power(e: sp.Expr) -> Optional[sp.Expr]:
    """A power of a power with numbers for exponents, the outer one whole, as the one power
    it is: (gᵃ)ⁿ = g^(an) for whole n, so 1/x² = x⁻², 1/√(2x + 3) = (2x + 3)^(-1/2) — worked
    by the power rule, not as the reciprocal of a square; None for anything else."""
    if not (isinstance(e, sp.Pow) and e.exp.is_Integer and isinstance(e.base, sp.Pow)
            and e.base.exp.is_Rational):
        return None
    return sp.Pow(e.base.base, e.base.exp * e.exp)


def _multiplied_out(e, wrt):
    """A polynomial in x multiplied out and collected, as a textbook finishes the product
    rule's f′g + fg′ and the quotient rule's numerator f′g − fg′ (2x(x − 1) − (x² + 1) is
    x² − 2x − 1); anything else as it is, and so is a polynomial with a power of a sum in it
    (x²(2x + 1)⁴ differentiated keeps its factor (2x + 1)³)."""
    if e.is_polynomial(wrt) and e.has(wrt) and not any(
            isinstance(p.base, sp.Add) and p.exp != 1 for p in e.atoms(sp.Pow)):
        return sp.expand(e)
    return e


def single(step: Step) -> bool:
    """A derivative needing no work of its own: one rule, or a constant times one rule."""
    return not step.substeps or (step.rule == "constant-multiple"
                                 and not step.substeps[0].substeps)


def one_line(step: Step) -> bool:
    """A derivative written in one line where it is part of a larger one: ``single``, a sum
    of such terms (f′ = 2x for f = x² + 1), or the chain rule through a polynomial
    (f′ = e²ˣ·2 = 2e²ˣ for f = e²ˣ, g′ = 2(x² + 1)·2x = 4x(x² + 1) for g = (x² + 1)²);
    the function's own derivative is worked out in full, whatever it is."""
    return _terms_of_one_rule(step) or short_chain(step)


def _terms_of_one_rule(step: Step) -> bool:
    """``single``, or a sum of ``single`` terms."""
    return single(step) or (step.rule == "sum" and all(single(s) for s in step.substeps))


def short_chain(step: Step) -> bool:
    """A composition F(p(x)) of one layer through a polynomial whose derivative is one line
    (ax + b, x² + 1), F′ itself one rule: written F′(p)·p′ = …, as the general power rule
    is (2(x² + 1)·2x)."""
    return (step.rule == "chain" and len(step.bindings) == 2 and step.inner is not None
            and step.inner.is_polynomial(step.wrt) and single(step.substeps[0])
            and _terms_of_one_rule(step.substeps[-2]))


def _with_inner(layer, inner, name):
    """``layer`` with its dependent operand ``inner`` written as ``name`` (nothing else in it
    changes: u² stays a power, e^u an exponential)."""
    return layer.xreplace({inner: name})



def rewrite(e: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """The expression with the rewritings that shorten the work: a product of powers of x
    written as one power (x·x² = x³), in every term of a sum."""
    if isinstance(e, sp.Add):
        return sp.Add(*(rewrite(t, wrt) for t in e.args), evaluate=False)
    if isinstance(e, sp.Mul):
        constant, rest = e.as_independent(wrt, as_Add=False)
        factors = sp.Mul.make_args(rest)
        powers = [f for f in factors if f == wrt or (isinstance(f, sp.Pow) and f.base == wrt
                                                     and not f.exp.has(wrt))]
        if len(factors) >= 2 and len(powers) == len(factors):
            exponent = sum((f.exp if isinstance(f, sp.Pow) else sp.Integer(1)
                            for f in powers), sp.Integer(0))
            power = wrt ** exponent
            return power if constant == 1 else sp.Mul(constant, power, evaluate=False)
    return e


def in_printed_order(e: sp.Expr) -> sp.Expr:
    """``e`` with the terms of every sum in the order they are printed (SymPy's ordered
    terms), held unevaluated, and nothing else changed: a higher derivative works the
    previous order's answer term by term as it was printed (d/dx[4x³] − d/dx[6x] for
    4x³ − 6x, not −6x first as SymPy stores it)."""
    if isinstance(e, sp.Add):
        with sp.evaluate(False):
            return sp.Add(*(in_printed_order(t) for t in e.as_ordered_terms()))
    if not isinstance(e, (sp.Mul, sp.Pow, sp.Function)) or isinstance(e, sp.Subs):
        return e
    args = tuple(in_printed_order(a) for a in e.args)
    if args == e.args:
        return e
    with sp.evaluate(False):
        return e.func(*args)


def textbook_steps(expression: sp.Expr, wrt: sp.Symbol, name: sp.Symbol,
                   reserved=frozenset(), order: int = 1
                   ) -> tuple[tuple[Step, ...], dict, sp.Expr]:
    """The steps of one differentiation in the textbook style (before simplification), the
    intermediates' definitions in x, and the derivative found.

    ``expression`` is the function ``name`` (``order`` 1) or its derivative of order
    ``order`` − 1, which the ``order``-th differentiation works: d²y/dx² = d/dx[dy/dx].  The
    top step is of ``name`` (its label says which order it is), except a composition in a
    higher order: its outer layer is a quantity of its own (v = sec²(x), dv/dx = dv/du ·
    du/dx), not y, which is the function itself."""
    taken = {s.name for s in expression.free_symbols} | {str(n) for n in reserved} | {
        str(name)}
    planner = Planner(wrt, taken)
    steps = []
    shorter = rewrite(expression, wrt)
    if sp.srepr(shorter) != sp.srepr(expression):  # a sum is rebuilt even when unchanged
        steps.append(Step("rewrite", expression, shorter, wrt, claim=EQUAL))
    composed = order > 1 and planner.composition(shorter) is not None
    worked = planner.work(shorter, of=None if composed else name)
    steps.append(worked)
    return tuple(steps), planner.names, worked.result
