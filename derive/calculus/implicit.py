"""Implicit differentiation: dy/dx from an equation F(x, y) = G(x, y), y a function of x.

Both sides are differentiated with respect to x term by term.  A term free of y is an
ordinary derivative; a term in y alone needs the chain rule, d/dx[g(y)] = g′(y)·dy/dx; a
product of a factor in x and a factor in y needs the product rule; a function of an inner
expression holding x and y (sin(xy), e^(xy)) needs the chain rule and then the product rule
on the inner expression.  Every derivative found is linear in dy/dx, a + b·dy/dx, so the
differentiated equation is gathered into (Σ b)·dy/dx = (Σ a) and solved:

    dy/dx = (the terms free of dy/dx) / (the coefficient of dy/dx),

which is −F_x/F_y for F = left − right (the implicit function theorem) wherever F_y ≠ 0.
The second derivative differentiates dy/dx = N/D again by the quotient rule, dy/dx
substituted in N′ and D′; when F is a polynomial the numerator is reduced modulo F, which
is where a textbook "uses the equation" (−(x² + y²)/y³ = −25/y³ on x² + y² = 25).

Every line is checked: each term's derivative against SymPy's ``diff`` of the term with y
replaced by an undefined function y(x); each rearrangement as the same linear equation in
x, y and dy/dx; the answer against SymPy's ``idiff`` and, at points of the curve found
numerically, against the slope of the curve measured by solving F = 0 near x ± h.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import mpmath
import sympy as sp

from derive.read.equations import Equation, read_equation
from derive.core.steps import Check, Checked, Leibniz
from derive.core.verify import check_equal
from derive.errors import InputError, written
from derive.read.parsing import parse_point, parse_symbol

# the rules a term's derivative is found by
CONSTANT = "constant"       # d/dx[c] = 0
EXPLICIT = "explicit"       # a term free of y: its ordinary derivative
CHAIN = "chain"             # a term in y alone: d/dx[g(y)] = g′(y)·dy/dx
PRODUCT = "product"         # u(x)·v(y): u′v + u·v′(y)·dy/dx
CHAIN_PRODUCT = "chain-product"  # f(g(x, y)): f′(g)·d/dx[g], g by the product rule
GENERAL = "general"         # any other term holding x and y (chain and product rules)

_P = sp.Symbol("implicit_dydx")   # dy/dx inside the records' linear forms, never printed


@dataclass(frozen=True)
class Piece:
    """One term of a side of an equation, written ``magnitude`` (preceded by − when
    ``negative``), followed by ·dy/dx when ``derivative``."""

    magnitude: sp.Expr
    negative: bool = False
    derivative: bool = False

    @property
    def grouped(self) -> bool:
        """The magnitude is a sum: bracketed before dy/dx or after a minus sign."""
        return isinstance(self.magnitude, sp.Add)

    @property
    def fraction(self) -> bool:
        """The magnitude is a fraction: bracketed before ·dy/dx in one-line text."""
        return sp.fraction(self.magnitude)[1] != 1

    @property
    def value(self) -> sp.Expr:
        """The term, dy/dx written as the record's placeholder."""
        v = -self.magnitude if self.negative else self.magnitude
        return v * _P if self.derivative else v


@dataclass(frozen=True)
class TermDerivative:
    """d/dx of one term of a side: ``free`` + ``coefficient``·dy/dx, shown as ``pieces``.

    rule      ``CONSTANT``, ``EXPLICIT``, ``CHAIN``, ``PRODUCT``, ``CHAIN_PRODUCT`` or
              ``GENERAL``
    factors   for ``PRODUCT``: (u, v), u the factor in x and v the factor in y
    outer     for ``CHAIN_PRODUCT``: f′(g), the derivative of the outer function
    inner     for ``CHAIN_PRODUCT``: g, and ``inner_pieces`` its derivative g_x + g_y·dy/dx
    """

    term: sp.Expr
    rule: str
    free: sp.Expr
    coefficient: sp.Expr
    pieces: tuple[Piece, ...]
    factors: tuple[sp.Expr, ...] = ()
    outer: Optional[sp.Expr] = None
    inner: Optional[sp.Expr] = None
    inner_pieces: tuple[Piece, ...] = ()
    inner_product: bool = False

    @property
    def value(self) -> sp.Expr:
        return self.free + self.coefficient * _P

    @property
    def outer_grouped(self) -> bool:
        return isinstance(self.outer, sp.Add)


@dataclass(frozen=True)
class SecondDerivative:
    """d²y/dx² = d/dx[N/D] by the quotient rule (or d/dx[N] when D = 1).

    numerator, denominator   N and D of dy/dx = N/D
    numerator_pieces, …      N′ = N_x + N_y·dy/dx and D′ likewise, before substituting
    numerator_derivative, …  N′ and D′ with dy/dx substituted
    quotient                 (D·N′ − N·D′)/D², unsimplified
    simplified               the same, simplified
    reduced                  simplified with the equation used (None when it does not help)
    """

    numerator: sp.Expr
    denominator: sp.Expr
    numerator_pieces: tuple[Piece, ...]
    denominator_pieces: tuple[Piece, ...]
    numerator_derivative: sp.Expr
    denominator_derivative: sp.Expr
    quotient: sp.Expr
    simplified: sp.Expr
    reduced: Optional[sp.Expr] = None

    @property
    def result(self) -> sp.Expr:
        return self.reduced if self.reduced is not None else self.simplified


@dataclass(frozen=True, repr=False)
class ImplicitSolution(Checked):
    """dy/dx (and d²y/dx² with order 2) of a curve given by an equation, worked and checked.

    left, right      the terms of each side, each with its derivative
    expanded         the differentiated equation, every product multiplied out, as pieces
                     (left, right)
    gathered         the dy/dx terms on the left, the others on the right (pieces)
    coefficient      the coefficient of dy/dx once factored; ``factored``: it took several
                     terms (a line (…)·dy/dx = … is shown)
    solved           the right side over the coefficient, unsimplified
    result           dy/dx simplified
    partials         (F, F_x, F_y, −F_x/F_y), the check by the implicit function theorem
    point, value, reason   at ``point``: the value of the derivative asked for, or why
                     there is none ("vertical": F_y = 0 and F_x ≠ 0; "singular": both 0)
    """

    input: str
    equation: Equation
    x: sp.Symbol
    y: sp.Symbol
    left: tuple[TermDerivative, ...]
    right: tuple[TermDerivative, ...]
    expanded: tuple[tuple[Piece, ...], tuple[Piece, ...]]
    gathered: tuple[tuple[Piece, ...], tuple[Piece, ...]]
    coefficient: sp.Expr
    factored: bool
    free: sp.Expr
    solved: sp.Expr
    result: sp.Expr
    partials: tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]
    order: int = 1
    second: Optional[SecondDerivative] = None
    point: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    value: Optional[sp.Expr] = None
    reason: str = ""
    checks: tuple[Check, ...] = ()

    @property
    def leibniz(self) -> Leibniz:
        """dy/dx."""
        return Leibniz(self.y, self.x)

    @property
    def measured(self) -> bool:
        """The answer was compared with the slope measured at points of the curve."""
        return any(c.rule == "curve" for c in self.checks)

    @property
    def sides_at_point(self) -> tuple[sp.Expr, sp.Expr]:
        """Both sides of the equation with the point put in, unevaluated (3² + 4² and 25)."""
        with sp.evaluate(False):
            return tuple(side.xreplace(dict(self.point))
                         for side in (self.equation.left, self.equation.right))

    @property
    def gathered_already(self) -> bool:
        """The differentiated equation has its dy/dx terms alone on the left already."""
        return self.expanded == self.gathered

    @property
    def solved_already(self) -> bool:
        """Gathering left dy/dx alone: nothing to solve."""
        return self.coefficient == 1 and len(self.gathered[0]) == 1

    @property
    def compound(self) -> bool:
        """The right side or the coefficient is itself a fraction: the quotient is written
        with brackets round both."""
        return any(sp.fraction(sp.together(e))[1] != 1 for e in (self.free, self.coefficient))

    @property
    def coefficient_piece(self) -> Piece:
        """The factored coefficient of dy/dx, as one piece, its terms in the order they were
        gathered."""
        return Piece(_as_written(self.gathered[0], _P), False, True)

    @property
    def quotient(self) -> tuple[sp.Expr, sp.Expr]:
        """(the right side, the coefficient), as gathered: dy/dx is the first over the
        second."""
        return _as_written(self.gathered[1], 1), _as_written(self.gathered[0], _P)

    @property
    def answer(self) -> sp.Expr:
        """The derivative asked for: dy/dx, or d²y/dx² with order 2."""
        return self.second.result if self.second is not None else self.result


def implicit(equation, wrt=None, *, dependent=None, order: int = 1, at=None,
             text: str = "") -> ImplicitSolution:
    """dy/dx of the curve ``equation`` (``"x^2 + y^2 = 25"``, read by derive's grammar),
    ``dependent`` (default y) a function of ``wrt`` (default: the other variable); ``order``
    1 or 2; ``at``: also the value at a point of the curve (``"x=3,y=4"``)."""
    if order not in (1, 2):
        raise InputError("implicit differentiation gives dy/dx (--order 1) or d²y/dx² "
                         "(--order 2)")
    eq = read_equation(equation)
    x, y = variables(eq, wrt, dependent)
    left = tuple(term_derivative(t, x, y) for t in _terms(eq.left))
    right = tuple(term_derivative(t, x, y) for t in _terms(eq.right))
    expanded = (_expanded(left), _expanded(right))
    moved = ([Piece(t.coefficient, False, True) for t in left if t.coefficient != 0]
             + [_negated(Piece(t.coefficient, False, True)) for t in right
                if t.coefficient != 0])
    kept = ([Piece(t.free) for t in right if t.free != 0]
            + [_negated(Piece(t.free)) for t in left if t.free != 0])
    moved = [_signed(p.value / _P, True) for p in moved]
    kept = [_signed(p.value, False) for p in kept]
    coefficient = sp.Add(*(p.value / _P for p in moved))
    free = sp.Add(*(p.value for p in kept))
    if coefficient == 0:
        raise InputError(f"{written(eq.function)} = 0 has no {y}-terms left after "
                         f"differentiating: {y} is not determined as a function of {x}")
    solved = sp.Mul(_as_written(kept, 1), sp.Pow(_as_written(moved, _P), -1, evaluate=False),
                    evaluate=False)
    result = _simplest(free / coefficient)
    F = eq.function
    Fx, Fy = sp.diff(F, x), sp.diff(F, y)
    partials = (F, Fx, Fy, _simplest(-Fx / Fy))
    second = _second(result, x, y, F) if order == 2 else None
    solution = ImplicitSolution(
        text or str(equation), eq, x, y, left, right, expanded,
        (tuple(moved), tuple(kept)), coefficient, len(moved) > 1, free, solved, result,
        partials, order, second)
    if at is not None:
        solution = _at_point(solution, at)
    return replace(solution, checks=tuple(_checks(solution)))


def variables(eq: Equation, wrt, dependent) -> tuple[sp.Symbol, sp.Symbol]:
    """(x, y): the independent variable and the dependent one (y unless named)."""
    symbols = eq.left.free_symbols | eq.right.free_symbols
    by_name = {s.name: s for s in symbols}
    y = _named(dependent or "y", by_name)
    if y not in symbols:
        raise InputError(f"the equation has no {y}: implicit differentiation needs the "
                         f"dependent variable in it (name it with --dependent)")
    if wrt:
        x = _named(wrt, by_name)
    else:
        others = sorted((s for s in symbols if s != y), key=lambda s: s.name)
        if len(others) > 1:
            raise InputError(f"the equation has several variables besides {y} "
                             f"({', '.join(s.name for s in others)}): say which one {y} is a "
                             "function of with --wrt")
        x = others[0] if others else sp.Symbol("x", real=True)
    if x == y:
        raise InputError(f"{y} cannot be a function of itself: --wrt and --dependent differ")
    extra = sorted(s.name for s in symbols - {x, y})
    if extra:
        raise InputError(f"the equation has other variables ({', '.join(extra)}) than "
                         f"{x} and {y}")
    return x, y


def _named(name, by_name) -> sp.Symbol:
    symbol = name if isinstance(name, sp.Symbol) else parse_symbol(str(name))
    return by_name.get(symbol.name, symbol)


def _terms(side: sp.Expr) -> tuple[sp.Expr, ...]:
    return tuple(side.as_ordered_terms()) if isinstance(side, sp.Add) else (side,)


def implicit_derivative(term: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> sp.Expr:
    """SymPy's d/dx of ``term`` with y an undefined function of x, dy/dx written as the
    records' placeholder: the oracle every term's derivative is checked against."""
    Y = sp.Function("Y")(x)
    derivative = sp.diff(term.subs(y, Y), x)
    return derivative.subs(sp.Derivative(Y, x), _P).subs(Y, y)


def term_derivative(term: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> TermDerivative:
    """d/dx of one term, by the rule a textbook names for it."""
    if not term.has(x) and not term.has(y):
        return TermDerivative(term, CONSTANT, sp.Integer(0), sp.Integer(0), (Piece(0),))
    if not term.has(y):
        free = sp.diff(term, x)
        return TermDerivative(term, EXPLICIT, free, sp.Integer(0), _pieces(free, 0))
    if not term.has(x):
        coefficient = sp.diff(term, y)
        return TermDerivative(term, CHAIN, sp.Integer(0), coefficient,
                              _pieces(0, coefficient))
    total = implicit_derivative(term, x, y)
    free, coefficient = total.subs(_P, 0), sp.diff(total, _P)
    split = _split(term, x, y)
    if split is not None:
        return TermDerivative(term, PRODUCT, free, coefficient, _pieces(free, coefficient),
                              factors=split)
    inner = _inner(term, x, y)
    if inner is not None:
        t = sp.Dummy("t")
        outer = sp.diff(term.xreplace({inner: t}), t).xreplace({t: inner})
        inner_total = implicit_derivative(inner, x, y)
        inner_free, inner_coefficient = inner_total.subs(_P, 0), sp.diff(inner_total, _P)
        return TermDerivative(term, CHAIN_PRODUCT, free, coefficient,
                              _pieces(free, coefficient), outer=outer, inner=inner,
                              inner_pieces=_pieces(inner_free, inner_coefficient),
                              inner_product=_split(inner, x, y) is not None)
    return TermDerivative(term, GENERAL, free, coefficient, _pieces(free, coefficient))


def _split(term: sp.Expr, x, y) -> Optional[tuple[sp.Expr, sp.Expr]]:
    """(u, v) when ``term`` is u·v, u free of y and v free of x, both not constant."""
    if not isinstance(term, sp.Mul):
        return None
    u = sp.Mul(*(f for f in term.args if not f.has(y)))
    v = sp.Mul(*(f for f in term.args if f.has(y)))
    if v.has(x) or not u.has(x):
        return None
    return u, v


def _inner(term: sp.Expr, x, y) -> Optional[sp.Expr]:
    """g when ``term`` is c·f(g) for one function f of an argument g holding x and y (a
    power g^n with a constant n, or e^g)."""
    _, rest = term.as_independent(x, y, as_Add=False)
    if isinstance(rest, sp.Pow) and rest.base is sp.E:
        inner = rest.exp
    elif isinstance(rest, sp.Pow) and not rest.exp.has(x, y):
        inner = rest.base
    elif isinstance(rest, sp.Function) and len(rest.args) == 1:
        inner = rest.args[0]
    else:
        return None
    return inner if inner.has(x) and inner.has(y) else None


def _pieces(free: sp.Expr, coefficient: sp.Expr) -> tuple[Piece, ...]:
    """a + b·dy/dx as pieces: each term of a, then b·dy/dx (b as one factor)."""
    pieces = [_signed(t, False) for t in _terms(sp.sympify(free)) if t != 0]
    if coefficient != 0:
        pieces.append(_signed(coefficient, True))
    return tuple(pieces) or (Piece(sp.Integer(0)),)


def _signed(e: sp.Expr, derivative: bool) -> Piece:
    if e.could_extract_minus_sign():
        return Piece(-e, True, derivative)
    return Piece(e, False, derivative)


def _negated(p: Piece) -> Piece:
    return Piece(p.magnitude, not p.negative, p.derivative)


def _as_written(pieces, unit) -> sp.Expr:
    """The sum of ``pieces`` (each divided by ``unit``: dy/dx taken off), unevaluated, in
    their order."""
    terms = [p.value / unit for p in pieces]
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def _expanded(terms) -> tuple[Piece, ...]:
    """The derivatives of ``terms`` multiplied out: the terms free of dy/dx, then those
    with it."""
    pieces = [p for t in terms for p in _pieces(t.free, 0) if p.magnitude != 0]
    coefficients = [p for t in terms for p in _pieces(0, t.coefficient) if p.derivative]
    return tuple(pieces + coefficients) or (Piece(sp.Integer(0)),)


def _simplest(e: sp.Expr) -> sp.Expr:
    """``e`` as one fraction with no common factor; a leading minus taken out of both
    numerator and denominator when both have one."""
    e = sp.cancel(sp.together(e))
    numerator, denominator = sp.fraction(e)
    if denominator.could_extract_minus_sign() and numerator.could_extract_minus_sign():
        return sp.expand(-numerator) / sp.expand(-denominator)
    return e


def _second(first: sp.Expr, x, y, F: sp.Expr) -> SecondDerivative:
    numerator, denominator = sp.fraction(first)
    dn = implicit_derivative(numerator, x, y)
    dd = implicit_derivative(denominator, x, y)
    substitute = {_P: first}
    n1, d1 = _simplest(dn.subs(substitute)), _simplest(dd.subs(substitute))
    if denominator == 1:
        quotient = n1
    else:
        top = sp.Add(sp.Mul(denominator, n1, evaluate=False),
                     sp.Mul(-1, numerator, d1, evaluate=False), evaluate=False)
        quotient = sp.Mul(top, sp.Pow(sp.Pow(denominator, 2, evaluate=False), -1,
                                      evaluate=False), evaluate=False)
    simplified = _factored(_simplest(quotient))
    return SecondDerivative(numerator, denominator,
                            _pieces(dn.subs(_P, 0), sp.diff(dn, _P)),
                            _pieces(dd.subs(_P, 0), sp.diff(dd, _P)), n1, d1, quotient,
                            simplified, _reduced(simplified, x, y, F))


def _factored(e: sp.Expr) -> sp.Expr:
    """The numerator multiplied out over the denominator factored: (−x² − y²)/y³."""
    numerator, denominator = sp.fraction(e)
    return sp.expand(numerator) / sp.factor(denominator)


def _reduced(e: sp.Expr, x, y, F: sp.Expr) -> Optional[sp.Expr]:
    """``e`` with its numerator reduced modulo the polynomial F (the equation used, as a
    textbook uses x² + y² = 25), when that makes it shorter; None otherwise."""
    numerator, denominator = sp.fraction(e)
    if not (F.is_polynomial(x, y) and numerator.is_polynomial(x, y)):
        return None
    best = None
    for gens in ((x, y), (y, x)):
        try:
            remainder = sp.reduced(sp.expand(numerator), [sp.expand(F)], *gens)[1]
        except (sp.PolynomialError, sp.GeneratorsNeeded):
            continue
        if best is None or sp.count_ops(remainder) < sp.count_ops(best):
            best = remainder
    if best is None or sp.count_ops(best) >= sp.count_ops(sp.expand(numerator)):
        return None
    return _factored(best / denominator)


def _at_point(solution: ImplicitSolution, at) -> ImplicitSolution:
    """The derivative asked for at a point of the curve (refused when the point is not on
    it); no value where F_y = 0."""
    point = parse_point(at) if isinstance(at, str) else dict(at)
    x, y = solution.x, solution.y
    values = {}
    for k, v in point.items():
        name = k.name if isinstance(k, sp.Symbol) else str(k)
        if name not in (x.name, y.name):
            raise InputError(f"--at names {name}, which is not {x} or {y}")
        values[x if name == x.name else y] = sp.sympify(v)
    missing = [s.name for s in (x, y) if s not in values]
    if missing:
        raise InputError(f"--at gives no value for {', '.join(missing)}: a point of the curve "
                         f"needs both {x} and {y}")
    off = on_curve(solution.equation, values)
    if off is not None:
        raise InputError(off)
    _, Fx, Fy, _ = solution.partials
    fy = sp.simplify(Fy.subs(values))
    ordered = tuple((s, values[s]) for s in (x, y))
    if fy == 0:
        reason = "singular" if sp.simplify(Fx.subs(values)) == 0 else "vertical"
        return replace(solution, point=ordered, reason=reason)
    value = sp.simplify(solution.answer.subs(values))
    return replace(solution, point=ordered, value=value)


def on_curve(eq: Equation, values: dict) -> Optional[str]:
    """None when the point lies on the curve, else the one line saying it does not."""
    left, right = sp.simplify(eq.left.subs(values)), sp.simplify(eq.right.subs(values))
    if sp.simplify(left - right) == 0:
        return None
    where = ", ".join(str(v) for v in values.values())
    return (f"({where}) is not on the curve {written(eq.left)} = {written(eq.right)}: the left "
            f"side is {written(left)} there and the right side {written(right)}")


# --- checks ---------------------------------------------------------------------------

def _checks(s: ImplicitSolution) -> list[Check]:
    x, y = s.x, s.y
    checks = [check_equal("term", implicit_derivative(t.term, x, y), t.value)
              for t in s.left + s.right]
    checks += [check_equal("product", implicit_derivative(t.inner, x, y) * t.outer, t.value)
               for t in s.left + s.right if t.rule == CHAIN_PRODUCT]
    differentiated = implicit_derivative(s.equation.function, x, y)
    checks.append(check_equal("differentiate", differentiated, _difference(*s.expanded)))
    checks.append(check_equal("gather", differentiated, _difference(*s.gathered)))
    checks.append(check_equal("factor", differentiated, s.coefficient * _P - s.free))
    checks.append(check_equal("solve", s.solved, s.result))
    F = s.equation.function
    checks.append(check_equal("idiff", sp.idiff(F, y, x), s.result))
    checks.append(check_equal("implicit function theorem", s.partials[3], s.result))
    checks += curvecheck_equal(F, x, y, s.result, 1)
    if s.second is not None:
        checks += _second_checks(s.second, F, x, y, s.result)
    if s.value is not None:
        checks.append(check_equal("value", s.answer.subs(dict(s.point)), s.value))
    return checks


def _second_checks(second: SecondDerivative, F, x, y, first) -> list[Check]:
    checks = [check_equal("numerator derivative", implicit_derivative(second.numerator, x, y)
                     .subs(_P, first), second.numerator_derivative),
              check_equal("denominator derivative", implicit_derivative(second.denominator, x, y)
                     .subs(_P, first), second.denominator_derivative),
              check_equal("quotient", second.quotient, second.simplified),
              check_equal("idiff", sp.idiff(F, y, x, 2), second.simplified)]
    checks += curvecheck_equal(F, x, y, second.result, 2)
    return checks


def _difference(left, right) -> sp.Expr:
    return sp.Add(*(p.value for p in left)) - sp.Add(*(p.value for p in right))



def curve_points(F: sp.Expr, x: sp.Symbol, y: sp.Symbol, wanted: int = 4):
    """Points (x₀, y₀) of the curve F = 0 found numerically, with F_y ≠ 0 there: for each of
    several x₀, every distinct root in y reached from several starting values (so that each
    branch of the curve, the upper and the lower half of a circle, has points)."""
    f = sp.lambdify((x, y), F, "mpmath")
    fy = sp.lambdify((x, y), sp.diff(F, y), "mpmath")
    found = []
    with mpmath.workdps(30):
        for x0 in map(mpmath.mpf, ("0.37", "1.13", "-0.61", "2.29", "-1.73", "0.83", "3.1",
                                   "-2.6")):
            for y0 in map(mpmath.mpf, ("0.5", "-0.5", "2", "-2", "4", "-4")):
                try:
                    root = mpmath.findroot(lambda t: f(x0, t), y0)
                    steep = abs(fy(x0, root)) < 1e-6
                except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                    continue
                if (not isinstance(root, mpmath.mpf) or steep or abs(f(x0, root)) > 1e-20
                        or any(p[0] == x0 and abs(p[1] - root) < 1e-8 for p in found)):
                    continue
                found.append((x0, root))
            if len(found) >= wanted:
                break
    return found


def _slopes(f, x0, y0, order: int):
    """y′ (or y″) of the curve at (x₀, y₀) by central differences, the curve followed by
    solving F = 0 in y near y₀ at x₀ ± h (and x₀ ± 2h)."""
    h = mpmath.mpf("1e-7") if order == 1 else mpmath.mpf("1e-5")
    ys = {}
    for k in (-1, 1) if order == 1 else (-1, 0, 1):
        xk = x0 + k * h
        ys[k] = y0 if k == 0 else mpmath.findroot(lambda t: f(xk, t), y0)
    if order == 1:
        return (ys[1] - ys[-1]) / (2 * h)
    return (ys[1] - 2 * ys[0] + ys[-1]) / h ** 2


def curvecheck_equal(F, x, y, derivative: sp.Expr, order: int) -> list[Check]:
    """The derivative at points of the curve against the curve's own slope there, measured
    numerically (``_slopes``): independent of every symbolic step.  No check where no point
    of the curve is found (the check against ``idiff`` stands alone then)."""
    f = sp.lambdify((x, y), F, "mpmath")
    g = sp.lambdify((x, y), derivative, "mpmath")
    agreed = 0
    with mpmath.workdps(40):
        for x0, y0 in curve_points(F, x, y):
            try:
                claimed = g(x0, y0)
                measured = _slopes(f, x0, y0, order)
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                continue
            if not isinstance(claimed, mpmath.mpf):
                continue
            if abs(claimed - measured) > mpmath.mpf("1e-5") * (1 + abs(claimed)):
                return [Check("curve", "derivative", False, "numeric",
                              f"at {x}={mpmath.nstr(x0, 8)}, {y}={mpmath.nstr(y0, 8)}: "
                              f"{mpmath.nstr(claimed, 10)} vs {mpmath.nstr(measured, 10)}")]
            agreed += 1
    if agreed == 0:
        return []
    return [Check("curve", "derivative", True, "numeric", f"{agreed} points of the curve")]
