"""The table of common mistakes: one small record per mistake, like the rules.

A mistake replaces one rule application by a faulty one at one node of the expression.  At a
node f(o₁, …, oₖ) the rule table states the partials ∂f/∂oᵢ; the derivative is

    df/dx = Σᵢ ∂f/∂oᵢ · doᵢ/dx        (or the rule's own combination: quotient, fᵍ)

and a mistake changes one ingredient of that formula at that node:

* ``partials``    a wrong local derivative: cos u ↦ +sin u, sin u ↦ −cos u, tan u ↦ sec u,
                  uⁿ ↦ n·uⁿ or n·uⁿ⁺¹, √u ↦ 1/√u, aᵘ ↦ u·aᵘ⁻¹ or aᵘ, log_b u ↦ 1/u;
* ``derivatives`` a wrong inner derivative: u′ left out (taken as 1), one path left out
                  (its du/dx taken as 0);
* ``combine``     a wrong combination: (uv)′ = u′v′, (u/v)′ = (uv′ − u′v)/v², (u′v − uv′)/v,
                  (u′v + uv′)/v², (ln u)′ = 1/u′, a constant term's derivative taken as the
                  constant itself (d/dx (x² + 5) = 2x + 5); or, at an operand
                  that should be held constant, its derivative taken as if every other
                  variable changed with x at rate 1 (d/dx (x·y) = y + x).

Everything else is the ordinary rule-by-rule differentiation (the rules of ``derive.core.rules``,
worked as ``derive.core.local.derivative_step`` works them), so a mistake applies to any expression
at any node where its rule is used: it *generates* the wrong answer a student would get, and
the checker *recognises* an answer by generating them all and comparing.  Two mistakes may be
made together, at two nodes, or at one node when they change different ingredients (the sign
of d/dx cos and the inner derivative of cos(3x), giving sin(3x)).

Adding a mistake is one record in ``TABLE`` (and its words in ``templates/mistakes/<id>.j2``
and ``templates/<format>/mistakes.j2``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterator, Optional, Sequence

import sympy as sp

from derive.core.sizes import has_large_powers
from derive.core.rules import CONSTANT, Rule, find_rule, local_partials

Expr = sp.Expr
Path = tuple[int, ...]


@dataclass(frozen=True)
class Site:
    """One application of a rule: ``node`` at ``path`` (operand indices from the root), its
    ``rule``, the ``operands`` it differentiates through, their partials ∂node/∂oᵢ and their
    derivatives doᵢ/dx (0 for an operand free of x)."""

    path: Path
    node: Expr
    wrt: sp.Symbol
    rule: Rule
    operands: tuple[Expr, ...]
    partials: tuple[Expr, ...]
    derivatives: tuple[Expr, ...]

    @property
    def dependent(self) -> tuple[int, ...]:
        """Indices of the operands that change with the variable."""
        return tuple(i for i, o in enumerate(self.operands) if o.has(self.wrt))

    @property
    def inner(self) -> Optional[Expr]:
        """The one operand the variable enters through, when it is not the variable itself:
        the inner function of a chain rule."""
        dependent = self.dependent
        if len(dependent) == 1 and self.operands[dependent[0]] != self.wrt:
            return self.operands[dependent[0]]
        return None


def combination(site: Site, partials=None, derivatives=None) -> Expr:
    """The rule's derivative of the node from its partials and its operands' derivatives:
    the rule's own combination, else Σ ∂f/∂oᵢ · doᵢ/dx over the operands that change."""
    partials = site.partials if partials is None else partials
    derivatives = site.derivatives if derivatives is None else derivatives
    if site.rule.combine is not None:
        return site.rule.combine(site.operands, partials, derivatives)
    return sp.Add(*(p * d for p, d in zip(partials, derivatives) if d != 0))


@dataclass(frozen=True)
class Mistake:
    """A common mistake: a faulty version of one ingredient of a rule application.

    id          its name in templates and JSON
    rules       ids of the rules whose application it spoils (``"constant"``: an operand that
                should be held constant); None: any rule, as ``when`` decides
    phase       where the worked solution (intermediate-variable method) does what it spoils:
                ``"local"`` (a local derivative) or ``"combine"`` (chain / total-derivative rule)
    when        site -> whether it applies there (beyond the rule)
    variants    site -> the ways it can be made there (which path is left out), default one
    partials    (site, variant) -> the wrong partials
    derivatives (site, variant) -> the wrong operand derivatives
    combine     (site, variant, partials, derivatives) -> the wrong derivative of the node
    detail      (site, variant) -> the quantity the mistake concerns, for its words (the
                inner derivative left out, the dropped term, the variable not held constant)
    """

    id: str
    rules: Optional[tuple[str, ...]]
    phase: str
    when: Optional[Callable[[Site], bool]] = None
    variants: Callable[[Site], tuple] = lambda site: (None,)
    partials: Optional[Callable[..., tuple[Expr, ...]]] = None
    derivatives: Optional[Callable[..., tuple[Expr, ...]]] = None
    combine: Optional[Callable[..., Expr]] = None
    detail: Optional[Callable[..., Expr]] = None

    def __reduce__(self):
        """A mistake of the table crosses to another process by its id (its functions are
        the table's own)."""
        return (mistake, (self.id,))

    def applies(self, site: Site) -> bool:
        return ((self.rules is None or site.rule.id in self.rules)
                and (self.when is None or self.when(site)))

    @property
    def changes(self) -> frozenset[str]:
        """The ingredients it changes: two mistakes at one node must change different ones."""
        return frozenset(k for k in ("partials", "derivatives", "combine")
                         if getattr(self, k) is not None)


# --- the faulty ingredients ---------------------------------------------------------------

def _without_inner(site: Site, variant) -> tuple[Expr, ...]:
    """u′ left out: the inner derivative taken as 1 (f(u)′ = f′(u))."""
    return tuple(sp.Integer(1) if i in site.dependent else d
                 for i, d in enumerate(site.derivatives))


def _inner_derivative(site: Site, variant) -> Expr:
    return site.derivatives[site.dependent[0]]


def _has_inner(site: Site) -> bool:
    return site.inner is not None


def _inner_to_leave_out(site: Site) -> bool:
    """An inner function u ≠ x whose derivative is not plainly 1: leaving out u′ = 1 (sin(x + 1))
    changes nothing."""
    return _has_inner(site) and _inner_derivative(site, None) != 1


def _product_of_derivatives(site, variant, partials, derivatives) -> Expr:
    """(f·g)′ = f′·g′: each factor that changes replaced by its derivative."""
    return sp.Mul(*(d if o.has(site.wrt) else o for o, d in zip(site.operands, derivatives)))


def _quotient_swapped(site, variant, partials, derivatives) -> Expr:
    """(a/b)′ = (a·b′ − a′·b)/b²: the two terms the wrong way round."""
    (a, b), (da, db) = site.operands, derivatives
    return (a * db - da * b) / b**2


def _quotient_unsquared(site, variant, partials, derivatives) -> Expr:
    """(a/b)′ = (a′·b − a·b′)/b: the denominator not squared."""
    (a, b), (da, db) = site.operands, derivatives
    return (da * b - a * db) / b


def _power_not_lowered(site: Site, variant) -> tuple[Expr, ...]:
    """d/du uⁿ = n·uⁿ: the exponent kept."""
    base, exponent = site.operands
    return (exponent * base**exponent,) + site.partials[1:]


def _exponent_is_not_trivial(site: Site) -> bool:
    return isinstance(site.node, sp.Pow) and site.operands[1] not in (0, 1)


def _power_raised(site: Site, variant) -> tuple[Expr, ...]:
    """d/du uⁿ = n·uⁿ⁺¹: the exponent raised by one instead of lowered (x⁻² ↦ −2x⁻¹)."""
    base, exponent = site.operands
    return (exponent * base ** (exponent + 1),) + site.partials[1:]


def _is_square_root(site: Site) -> bool:
    return isinstance(site.node, sp.Pow) and site.operands[1] == sp.Rational(1, 2)


def _sqrt_without_half(site: Site, variant) -> tuple[Expr, ...]:
    """d/du √u = 1/√u: the factor ½ of 1/(2√u) lost."""
    return (1 / sp.sqrt(site.operands[0]),) + site.partials[1:]


def _exponential_as_power(site: Site, variant) -> tuple[Expr, ...]:
    """d/du aᵘ = u·aᵘ⁻¹ (and d/du eᵘ = u·eᵘ⁻¹): the exponential differentiated as if it
    were a power."""
    if isinstance(site.node, sp.Pow):
        base, exponent = site.operands
        return (site.partials[0], exponent * base ** (exponent - 1))
    (exponent,) = site.operands
    return (exponent * sp.exp(exponent - 1),)


def _exponential_without_ln(site: Site, variant) -> tuple[Expr, ...]:
    """d/du aᵘ = aᵘ: the factor ln a left out, as if a were e."""
    base, exponent = site.operands
    return (site.partials[0], base**exponent)


def _log_base_without_ln(site: Site, variant) -> tuple[Expr, ...]:
    """d/du log_b u = 1/u: the factor 1/ln b left out, as if b were e."""
    argument, base = site.operands
    return (1 / argument,) + site.partials[1:]


def _base_is_constant(site: Site) -> bool:
    """log_b u with a base b free of x other than e (for which 1/u is right)."""
    base = site.operands[1]
    return not base.has(site.wrt) and base != sp.E


def _cos_sign(site: Site, variant) -> tuple[Expr, ...]:
    """d/du cos u = sin u: the minus sign lost."""
    return (sp.sin(site.operands[0]),)


def _sin_sign(site: Site, variant) -> tuple[Expr, ...]:
    """d/du sin u = −cos u: a minus sign added (as in d/du cos u = −sin u)."""
    return (-sp.cos(site.operands[0]),)


def _tan_unsquared(site: Site, variant) -> tuple[Expr, ...]:
    """d/du tan u = sec u: the square of sec² u lost."""
    return (sp.sec(site.operands[0]),)


def _quotient_plus(site, variant, partials, derivatives) -> Expr:
    """(a/b)′ = (a′·b + a·b′)/b²: the quotient rule with the product rule's plus."""
    (a, b), (da, db) = site.operands, derivatives
    return (da * b + a * db) / b**2


def _ln_reciprocal_of_inner(site, variant, partials, derivatives) -> Expr:
    """(ln u)′ = 1/u′: the reciprocal of the inner derivative instead of u′/u."""
    return 1 / derivatives[site.dependent[0]]


def _reciprocal_differs(site: Site) -> bool:
    """1/u′ ≠ u′/u: an inner function u ≠ x that is not u′² (u = x²/4 has 1/u′ = u′/u = 2/x)."""
    if not _has_inner(site):
        return False
    difference = site.inner - _inner_derivative(site, None) ** 2
    return has_large_powers(difference) or sp.expand(difference) != 0


def _constant_terms(site: Site) -> tuple[int, ...]:
    """The terms of a sum free of x (the 5 of x² + 5), whose derivative 0 drops them."""
    return tuple(i for i, term in enumerate(site.operands)
                 if not term.has(site.wrt) and term != 0)


def _kept_constants(site: Site) -> tuple[tuple[int, ...], ...]:
    """Which constant terms are kept: each one alone, and all of them together."""
    terms = _constant_terms(site)
    return tuple((i,) for i in terms) + ((terms,) if len(terms) > 1 else ())


def _constant_kept(site, variant, partials, derivatives) -> Expr:
    """d/dx (u + c) = u′ + c: the derivative of each constant term of ``variant`` taken as
    the constant itself."""
    return combination(site, partials, derivatives) + _constant(site, variant)


def _constant(site: Site, variant) -> Expr:
    return sp.Add(*_constants(site, variant))


def _constants(site: Site, variant) -> Expr:
    return sp.Tuple(*(site.operands[i] for i in variant))


def _not_held_constant(site, variant, partials, derivatives) -> Expr:
    """An operand free of x differentiated as if each of its variables changed with x at
    rate 1: Σ_s ∂(operand)/∂s."""
    return sp.Add(*(derivative(site.node, s) for s in _other_variables(site)))


def _other_variables(site: Site) -> list[sp.Symbol]:
    return sorted((s for s in site.node.free_symbols if isinstance(s, sp.Symbol)),
                  key=lambda s: s.name)


def _held_variables(site: Site, variant) -> Expr:
    return sp.Tuple(*_other_variables(site))


def _paths(site: Site) -> tuple[int, ...]:
    return site.dependent


def _without_path(site: Site, variant) -> tuple[Expr, ...]:
    """One path left out: the derivative of operand ``variant`` taken as 0."""
    return tuple(sp.Integer(0) if i == variant else d for i, d in enumerate(site.derivatives))


def _dropped_term(site: Site, variant) -> Expr:
    right = combination(site)
    wrong = combination(site, derivatives=_without_path(site, variant))
    difference = right - wrong
    if not has_large_powers(difference):
        difference = sp.expand(difference)
    return sp.factor_terms(difference)


def _several_paths(site: Site) -> bool:
    return len(site.dependent) > 1


def _varies_elsewhere(site: Site) -> bool:
    return bool(_other_variables(site))


#: rules whose left-out inner derivative is a mistake of its own in the table
OWN_INNER_MISTAKE = ("ln", "exp")


def _chain_without_inner(site: Site) -> bool:
    """A rule applied through the chain rule to an inner function u ≠ x."""
    return (site.rule.chain and site.rule.id not in OWN_INNER_MISTAKE
            and _inner_to_leave_out(site))


TABLE: tuple[Mistake, ...] = (
    Mistake("inner-derivative", None, "combine", when=_chain_without_inner,
            derivatives=_without_inner, detail=_inner_derivative),
    Mistake("product-of-derivatives", ("product",), "combine",
            combine=_product_of_derivatives),
    Mistake("quotient-swapped", ("quotient",), "combine", combine=_quotient_swapped),
    Mistake("quotient-unsquared", ("quotient",), "combine", combine=_quotient_unsquared),
    Mistake("power-not-lowered", ("power",), "local", when=_exponent_is_not_trivial,
            partials=_power_not_lowered),
    Mistake("exponential-as-power", ("exponential", "exp"), "local",
            partials=_exponential_as_power),
    Mistake("ln-without-inner", ("ln",), "combine", when=_inner_to_leave_out,
            derivatives=_without_inner, detail=_inner_derivative),
    Mistake("cos-sign", ("cos",), "local", partials=_cos_sign),
    Mistake("exp-without-inner", ("exp",), "combine", when=_inner_to_leave_out,
            derivatives=_without_inner, detail=_inner_derivative),
    Mistake("partial-not-constant", (CONSTANT.id,), "local", when=_varies_elsewhere,
            combine=_not_held_constant, detail=_held_variables),
    Mistake("missing-path", None, "combine", when=_several_paths, variants=_paths,
            derivatives=_without_path, detail=_dropped_term),
    Mistake("constant-not-dropped", ("sum",), "local", when=_constant_terms,
            variants=_kept_constants, combine=_constant_kept, detail=_constants),
    Mistake("quotient-plus", ("quotient",), "combine", combine=_quotient_plus),
    Mistake("sqrt-without-half", ("power",), "local", when=_is_square_root,
            partials=_sqrt_without_half),
    Mistake("sin-sign", ("sin",), "local", partials=_sin_sign),
    Mistake("tan-unsquared", ("tan",), "local", partials=_tan_unsquared),
    Mistake("power-raised", ("power",), "local", when=_exponent_is_not_trivial,
            partials=_power_raised),
    Mistake("exponential-without-ln", ("exponential",), "local",
            partials=_exponential_without_ln),
    Mistake("log-base-without-ln", ("log-base",), "local", when=_base_is_constant,
            partials=_log_base_without_ln),
    Mistake("ln-reciprocal-of-inner", ("ln",), "combine", when=_reciprocal_differs,
            combine=_ln_reciprocal_of_inner, detail=_inner_derivative),
)

BY_ID = {m.id: m for m in TABLE}


# --- the rule-by-rule walk, with faults at chosen nodes -----------------------------------

@dataclass(frozen=True)
class Fault:
    """A mistake made at the node at ``path`` (``variant``: which way, where it matters)."""

    mistake: Mistake
    path: Path
    variant: object = None


def derivative(expr: Expr, wrt: sp.Symbol, faults: Sequence[Fault] = ()) -> Expr:
    """d(expr)/d(wrt) by the rule table, rule by rule, with the given faults made."""
    at: dict[Path, list[Fault]] = {}
    for fault in faults:
        at.setdefault(fault.path, []).append(fault)
    return _walk(expr, wrt, (), at, None)


def _walk(node, wrt, path, faults, visit) -> Expr:
    if node == wrt:
        return sp.Integer(1)
    if not node.has(wrt):
        here = faults.get(path)
        if not here and visit is None:
            return sp.Integer(0)
        site = Site(path, node, wrt, CONSTANT, (), (), ())
        if visit is not None:
            visit(site)
        return _faulty(site, here) if here else sp.Integer(0)
    rule = find_rule(node, lambda e: e.has(wrt))
    operands = tuple(rule.operands(node))
    partials = local_partials(rule, node, operands)
    derivatives = tuple(_walk(o, wrt, path + (i,), faults, visit)
                        if (o.has(wrt) or _under(path + (i,), faults, visit)) else sp.Integer(0)
                        for i, o in enumerate(operands))
    site = Site(path, node, wrt, rule, operands, partials, derivatives)
    if visit is not None:
        visit(site)
    here = faults.get(path)
    return _faulty(site, here) if here else combination(site)


def _under(path, faults, visit) -> bool:
    """Whether an operand free of x must still be walked: to list it as a site, or because
    a fault is made there."""
    return visit is not None or any(p[:len(path)] == path for p in faults)


def _faulty(site: Site, faults: list[Fault]) -> Expr:
    partials, derivatives, combine = site.partials, site.derivatives, None
    for f in faults:
        m = f.mistake
        if m.partials is not None:
            partials = m.partials(site, f.variant)
        if m.derivatives is not None:
            derivatives = m.derivatives(_with(site, partials=partials), f.variant)
        if m.combine is not None:
            combine = (m.combine, f.variant)
    if combine is not None:
        function, variant = combine
        return function(site, variant, partials, derivatives)
    return combination(site, partials, derivatives)


def _with(site: Site, **changes) -> Site:
    return replace(site, **changes)


def sites(expr: Expr, wrt: sp.Symbol) -> list[Site]:
    """Every rule application of the rule-by-rule differentiation, outermost first, with the
    operands free of x that it holds constant."""
    found: list[Site] = []
    _walk(expr, wrt, (), {}, found.append)
    found.sort(key=lambda s: (len(s.path), s.path))
    return found


# --- applying the table -------------------------------------------------------------------

@dataclass(frozen=True)
class Application:
    """One mistake made at one node, and what it gives.

    node          the subexpression whose derivative goes wrong
    wrt           the variable of differentiation
    right, wrong  its derivative worked correctly and with the mistake
    detail        what the mistake concerns (see ``Mistake.detail``), or None
    answer        the derivative of the whole expression with this mistake (and ``with_``)
    """

    mistake: Mistake
    path: Path
    node: Expr
    wrt: sp.Symbol
    variant: object
    right: Expr
    wrong: Expr
    detail: Optional[Expr]
    answer: Expr

    @property
    def fault(self) -> Fault:
        return Fault(self.mistake, self.path, self.variant)

    @property
    def id(self) -> str:
        return self.mistake.id


def applications(expr: Expr, wrt: sp.Symbol, table: Sequence[Mistake] = TABLE
                 ) -> Iterator[Application]:
    """Every mistake of the table at every node where it applies, in table order, outermost
    node first.  Each record's ``when`` keeps it from nodes where it plainly changes nothing
    (a constant term 0, an inner derivative 1); whether the result really differs from the
    right derivative is still for the caller to decide (an inner derivative 1 in disguise)."""
    all_sites = sites(expr, wrt)
    for mistake in table:
        for site in all_sites:
            if not mistake.applies(site):
                continue
            for variant in mistake.variants(site):
                fault = Fault(mistake, site.path, variant)
                yield Application(
                    mistake, site.path, site.node, wrt, variant, combination(site),
                    _faulty(site, [fault]),
                    mistake.detail(site, variant) if mistake.detail else None,
                    derivative(expr, wrt, [fault]))


def compatible(a: Application, b: Application) -> bool:
    """Whether two mistakes can be made together: at different nodes, or at one node when
    they spoil different ingredients of the rule."""
    if a.path != b.path:
        return True
    return not (a.mistake.changes & b.mistake.changes)


def combined(expr: Expr, wrt: sp.Symbol, made: Sequence[Application]) -> Expr:
    """The derivative with several mistakes made at once."""
    return derivative(expr, wrt, [a.fault for a in made])


def mistake(mistake_id: str) -> Mistake:
    """The table's record of a mistake, by id."""
    return BY_ID[mistake_id]


__all__ = ["Mistake", "Site", "Fault", "Application", "TABLE", "BY_ID", "applications",
           "derivative", "sites", "combination", "compatible", "combined", "mistake"]
