"""Logarithmic differentiation as a method of its own, for long products, quotients and powers.

For y = c · f₁^k₁ · f₂^k₂ ⋯ (a constant c, functions fᵢ of x, exponents kᵢ) the laws of
logarithms give, wherever y ≠ 0,

    ln|y| = ln|c| + k₁ ln|f₁| + k₂ ln|f₂| + ⋯      (product, quotient and power laws)

and differentiating both sides (d/dx ln|u| = u′/u; the chain rule on the left),

    (1/y) · dy/dx = k₁ f₁′/f₁ + k₂ f₂′/f₂ + ⋯,   so   dy/dx = y · (k₁ f₁′/f₁ + k₂ f₂′/f₂ + ⋯).

A factor that is never negative where it is defined (x² + 1, √x's x, |x|) is written without
bars, as a textbook writes it; so is the base of a power whose exponent depends on x, which
must be positive: ln(f^g) = g ln f holds for f > 0, and then d/dx[g ln f] is worked by the
product rule.  A factor e^g has the logarithm g (ln eᵃ = a).  If no factor needs bars and c > 0,
y > 0 and the left side is ln y.

Every line is a ``Step`` with a claim the checker verifies: the log-law lines are EQUAL (the
two sides agree wherever both are defined), each term's derivative and the whole right side
are DERIVATIVE, and multiplying back by y is the DERIVATIVE of the function itself — checked
against SymPy's ``diff``, as is the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import sympy as sp

from derive.core.forms import split_sign
from derive.core.steps import DERIVATIVE, EQUAL, Check, Checked, Leibniz, Step
from derive.core.textbook import Planner, in_printed_order
from derive.core.verify import check_answer, check_steps, require_real_values, real_everywhere
from derive.errors import InputError, written
from derive.read.request import read_expression, variables_to_differentiate_by

# the laws of logarithms, in the order a solution names them
PRODUCT, QUOTIENT, POWER, EXPONENTIAL = "product", "quotient", "power", "exponential"


@dataclass(frozen=True)
class LogFactor:
    """One factor ``base^exponent`` of the function; ``absolute``: its logarithm is written
    ln|base| (the base may be negative where the function is defined)."""

    base: sp.Expr
    exponent: sp.Expr
    absolute: bool

    @property
    def power(self) -> sp.Expr:
        """The factor as the function has it, ``base^|exponent|`` for a denominator."""
        magnitude = -self.exponent if _negative(self.exponent) else self.exponent
        return self.base if magnitude == 1 else sp.Pow(self.base, magnitude, evaluate=False)

    @property
    def logarithm(self) -> sp.Expr:
        """ln|base| (ln base without bars; the exponent g of a base e^g)."""
        if self.base == sp.E:
            return sp.Integer(1)
        return sp.log(_bars(self.base) if self.absolute else self.base, evaluate=False)

    @property
    def split(self) -> sp.Expr:
        """The factor's term after the product and quotient laws: ±ln|base^|exponent||."""
        power = self.power
        inside = sp.Abs(power, evaluate=False) if self.absolute else power
        logarithm = sp.log(inside, evaluate=False)
        return sp.Mul(-1, logarithm, evaluate=False) if _negative(self.exponent) else logarithm

    @property
    def term(self) -> sp.Expr:
        """The factor's term of the expanded logarithm: exponent · ln|base|."""
        if self.base == sp.E:
            return self.exponent
        if self.exponent == 1:
            return self.logarithm
        return sp.Mul(self.exponent, self.logarithm, evaluate=False)


@dataclass(frozen=True, repr=False)
class LogDifferentiation(Checked):
    """The derivative of a product, quotient or power by logarithmic differentiation.

    name         what the function is called (y)
    constant     the constant factor c (1 when there is none)
    factors      the factors fᵢ^kᵢ, in the order they are written
    absolute     the left side is ln|y| (else ln y: y > 0 wherever it is defined)
    laws         the laws of logarithms the expansion uses (``PRODUCT``, ``QUOTIENT``,
                 ``POWER``, ``EXPONENTIAL``)
    positive     bases that must be positive: those of powers with exponents in x
    split        ln|y| = Σ ±ln|fᵢ^|kᵢ|| (the product and quotient laws), or None with one factor
    expanded     … = Σ kᵢ ln|fᵢ| (the power law, ln eᵃ = a), or None when nothing changes
    differentiated  d/dx of the expanded right side, term by term (its ``substeps``)
    multiplied   dy/dx = y · (the right side's derivative), y written out
    """

    input: str
    expression: sp.Expr
    wrt: sp.Symbol
    name: sp.Symbol
    constant: sp.Expr
    factors: tuple[LogFactor, ...]
    absolute: bool
    laws: tuple[str, ...]
    positive: tuple[sp.Expr, ...]
    logarithm: sp.Expr
    split: Optional[Step]
    expanded: Optional[Step]
    differentiated: Step
    multiplied: Step
    checks: tuple[Check, ...] = ()

    @property
    def result(self) -> sp.Expr:
        return self.multiplied.result

    @property
    def bracket(self) -> sp.Expr:
        """The derivative of the right side: (1/y) · dy/dx."""
        return self.differentiated.result

    @property
    def leibniz(self) -> Leibniz:
        """dy/dx."""
        return Leibniz(self.name, self.wrt)

    @property
    def left(self) -> sp.Expr:
        """The left side after taking logarithms: ln|y| (ln y when y > 0)."""
        return sp.log(_bars(self.name) if self.absolute else self.name, evaluate=False)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for s in (self.split, self.expanded, self.differentiated,
                                 self.multiplied) if s is not None)


def log_differentiation(expression, wrt=None, *, text: str = "") -> LogDifferentiation:
    """The worked, checked derivative of ``expression`` (text read by derive's grammar, or a
    SymPy expression) by logarithmic differentiation.  Refuses (``InputError``) a function
    that is not a product, quotient or power of functions of x."""
    function = read_expression(expression)
    (x,) = variables_to_differentiate_by(function, wrt, ())
    text = text or str(expression)
    if not function.has(x):
        raise InputError(f"{written(function)} does not depend on {x}: its derivative is 0, "
                         "with no logarithms to take")
    constant, factors = _factors(function, x)
    if not factors or (len(factors) == 1 and factors[0].exponent == 1):
        raise InputError(f"logarithmic differentiation needs a product, quotient or power of "
                         f"functions of {x}; {written(function)} is none: leave out --method log")
    if not real_everywhere(function):
        require_real_values(function)
    name = sp.Symbol("y" if "y" not in {s.name for s in function.free_symbols} else "Y",
                     real=True)
    absolute = any(f.absolute for f in factors) or not constant.is_positive
    lhs = sp.Abs(function, evaluate=False) if absolute else function
    logarithm = sp.log(lhs, evaluate=False)
    terms = _constant_terms(constant)
    split = expanded = None
    if len(terms) + len(factors) > 1:
        split = Step("log-laws", logarithm, _sum([f.split for f in factors] + terms), x,
                     claim=EQUAL)
    right = _sum([f.term for f in factors] + terms)
    before = split.result if split is not None else logarithm
    if sp.srepr(right) != sp.srepr(before):
        expanded = Step("power-law", before, right, x, claim=EQUAL)
    planner = Planner(x, {s.name for s in function.free_symbols} | {name.name})
    worked = tuple(_factor_step(f, x, planner) for f in factors) + tuple(
        planner.work(t) for t in terms)
    bracket = _sum([in_printed_order(s.result) for s in worked if s.result != 0]
                   or [sp.Integer(0)])
    differentiated = Step("differentiate-both-sides", right, bracket, x, of=name,
                          substeps=worked, claim=DERIVATIVE)
    multiplied = Step("multiply-back", function,
                      sp.Mul(function, _as_factor(bracket), evaluate=False), x, of=name,
                      claim=DERIVATIVE)
    positive = tuple(f.base for f in factors if f.exponent.has(x) and f.base.has(x))
    solved = LogDifferentiation(text, function, x, name, constant, factors, absolute,
                                _laws(factors, terms), positive, logarithm, split, expanded,
                                differentiated, multiplied)
    checks = check_steps(solved.steps, planner.names)
    checks.append(check_answer(function, (x,), solved.result))
    return replace(solved, checks=tuple(checks))


def _factors(function: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, tuple[LogFactor, ...]]:
    """The constant factor and the factors base^exponent of ``function``, as written: nested
    products flattened, a power of a power or of a product taken apart (√x in a denominator
    is x^(−1/2))."""
    constant, found = sp.Integer(1), []

    def walk(e, k):
        nonlocal constant
        if e.func is sp.exp:   # e^g as a power of e: its logarithm is g
            e = sp.Pow(sp.E, e.exp, evaluate=False)
        if not e.has(x):
            constant *= e ** k
        elif isinstance(e, sp.Mul):
            for a in e.args:
                walk(a, k)
        elif isinstance(e, sp.Pow) and not e.exp.has(x):
            walk(e.base, k * e.exp)
        elif isinstance(e, sp.Pow):
            found.append(LogFactor(in_printed_order(e.base), k * in_printed_order(e.exp),
                                   False))
        else:
            found.append(LogFactor(in_printed_order(e), k, _may_be_negative(e, k)))

    walk(function, sp.Integer(1))
    # the numerator's factors first, then the denominator's, each in the order written
    return constant, tuple(sorted(found, key=lambda f: _negative(f.exponent)))


def _may_be_negative(base: sp.Expr, exponent: sp.Expr) -> bool:
    """Whether ln|base| needs its bars: the base can be negative where base^exponent is real
    (an integer exponent), and is not plainly nonnegative (x² + 1, |x|, eˣ)."""
    return bool(exponent.is_integer) and not base.is_nonnegative


def _laws(factors: tuple[LogFactor, ...], terms: list) -> tuple[str, ...]:
    """The laws of logarithms that expand ln|y| into ``factors``' terms and the constant's
    ``terms``: the product law for two factors above (or below) the line, the quotient law
    for a factor below it, the power law for an exponent other than 1 (ln|1/f| = −ln|f| for a
    reciprocal alone), ln eᵃ = a for a power of e."""
    laws = []
    parts = [f.split for f in factors] + terms
    below = sum(1 for t in parts if t.could_extract_minus_sign())
    if len(parts) > 1 and max(below, len(parts) - below) > 1:
        laws.append(PRODUCT)
    if len(parts) > 1 and below:
        laws.append(QUOTIENT)
    if any(f.exponent not in (1, -1) and f.base != sp.E for f in factors) or (
            len(parts) == 1 and factors[0].exponent == -1):
        laws.append(POWER)
    if any(f.base == sp.E for f in factors):
        laws.append(EXPONENTIAL)
    return tuple(laws)


def _constant_terms(constant: sp.Expr) -> list:
    """The logarithm of the constant factor c, as a textbook writes it: ln|c| for a whole
    number, ln p − ln q for a fraction p/q."""
    numerator, denominator = sp.fraction(abs(constant))
    terms = [sp.log(numerator, evaluate=False)] if numerator != 1 else []
    if denominator != 1:
        terms.append(sp.Mul(-1, sp.log(denominator, evaluate=False), evaluate=False))
    return terms


def _factor_step(factor: LogFactor, x, planner: Planner) -> Step:
    """d/dx of one term k ln|f|: k · f′/f (d/dx ln|u| = u′/u), f′ worked as a textbook works
    it; a term g(x) ln f or the exponent of eᵍ worked by the textbook's rules."""
    if factor.exponent.has(x):
        return planner.work(factor.term)
    inner = planner.work(factor.base)
    result = factor.exponent * inner.result / factor.base
    return Step("log-term", factor.term, result, x, parts=((factor.base, factor.exponent,
                                                            inner.result),),
                substeps=(inner,), claim=DERIVATIVE)


def _as_factor(bracket: sp.Expr) -> sp.Expr:
    """``bracket`` as the second factor of y · (…): a lone reciprocal (−1/x, its sign aside)
    is kept as the fraction 1/x, so that the product reads (1/x)·(1/x), not as the division
    of y by x (1/x/x)."""
    negative, magnitude = split_sign(bracket)
    if not (magnitude.is_Pow and magnitude.exp.is_Number and magnitude.exp.is_negative):
        return bracket
    fraction = sp.Mul(sp.S.One, magnitude, evaluate=False)
    return sp.Mul(sp.S.NegativeOne, fraction, evaluate=False) if negative else fraction


def _sum(terms) -> sp.Expr:
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def _negative(e: sp.Expr) -> bool:
    return bool(e.is_number and e.is_negative)


def _bars(e: sp.Expr) -> sp.Expr:
    return sp.Abs(e, evaluate=False)
