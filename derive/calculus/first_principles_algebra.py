"""The algebra that takes h out of the denominator of the difference quotient of an algebraic
function — the numerator N(x, h) vanishes at h = 0, so it is h times a polynomial and the h
cancels:

polynomial  expand f(x + h) − f(x), collect like terms (those without h cancel), cancel h
            from every term:  ((x + h)² − x²)/h = (2hx + h²)/h = 2x + h → 2x
rational    f = P/Q: one fraction over the common denominator h·Q(x)·Q(x + h),
            (P(x + h)Q(x) − P(x)Q(x + h))/(h Q(x) Q(x + h)), then the numerator as above
root        f = c√p(x): multiply above and below by the conjugate √p(x + h) + √p(x); the
            numerator becomes p(x + h) − p(x) (a difference of squares), then as above

Each function returns the lines after the difference quotient (``derive.calculus.
first_principles`` writes that one and checks them all) and the value of the limit.
"""

from __future__ import annotations

from typing import Optional

import sympy as sp

from derive.calculus.first_principles_lines import (Line, add, at_zero, minus, over, shift,
                                                    terms_of, times)

MAX_DEGREE = 6   # beyond this the expansion of (x + h)ⁿ fills lines no teacher would write


def polynomial_in(f: sp.Expr, x: sp.Symbol) -> Optional[sp.Poly]:
    """``f`` as a polynomial in x (its coefficients free of x), or None."""
    try:
        poly = sp.Poly(f, x)
    except sp.PolynomialError:
        return None
    if any(c.has(x) for c in poly.coeffs()) or not poly.domain.is_Exact:
        return None
    if any(not c.is_finite for c in poly.coeffs() if c.is_number):
        return None
    return poly


def expanded_terms(expr: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[sp.Expr]:
    """The terms of ``expr`` multiplied out, term by term in the order written: a sum's
    terms in turn, a multiple of a sum spread over its terms, a power of x + h by the
    binomial theorem (descending powers of x)."""
    if expr.is_Add:
        return [t for a in expr.args for t in expanded_terms(a, x, h)]
    coefficient, rest = expr.as_independent(x, h, as_Add=False)
    if rest.is_Add:
        return [sp.expand(coefficient * t) for a in rest.args
                for t in expanded_terms(a, x, h)]
    expanded = sp.expand(expr)
    if not expanded.is_Add:
        return [expanded]
    return sorted(expanded.args, key=lambda t: (-sp.degree(t, x), sp.degree(t, h)))


def collected_terms(terms: list[sp.Expr], x: sp.Symbol, h: sp.Symbol) -> list[sp.Expr]:
    """Like terms combined, each where its first one stood; terms that cancel left out."""
    sums: dict[sp.Expr, sp.Expr] = {}
    for term in terms:
        coefficient, monomial = term.as_independent(x, h, as_Add=False)
        sums[monomial] = sums.get(monomial, sp.S.Zero) + coefficient
    return [c * m for m, c in sums.items() if c != 0]


def cancel_h(numerator: sp.Expr, rest: sp.Expr, x: sp.Symbol, h: sp.Symbol,
             factor: sp.Expr = sp.S.One) -> list[Line]:
    """The lines that take h out of numerator/(h·rest), a numerator polynomial in x and h
    that vanishes at h = 0: expand, collect (what is left has the factor h in every term),
    cancel h.  A line that would change nothing is left out."""
    lines = []
    written = [t.doit() for t in terms_of(numerator)]
    expanded = expanded_terms(numerator, x, h)
    if expanded != written:
        lines.append(Line(over(add(*expanded), _with_h(h, rest)), "expand", factor=factor))
    collected = collected_terms(expanded, x, h)
    if collected != expanded:
        top = add(*collected) if collected else sp.S.Zero
        lines.append(Line(over(top, _with_h(h, rest)), "collect", factor=factor))
    quotients = [sp.expand(t / h) for t in collected]
    top = add(*quotients) if quotients else sp.S.Zero
    lines.append(Line(over(top, rest), "cancel-h", factor=factor))
    return lines


def _with_h(h: sp.Symbol, rest: sp.Expr) -> sp.Expr:
    """h·rest, written so that it cannot read as a function h applied to something (derive
    reads h(…) as one): h·x(x + h), h·(x − 1)(x + h − 1), but (√(x + h) + √x)h."""
    if rest == 1:
        return h
    return sp.Mul(h, rest, evaluate=False) if rest.is_Mul else sp.Mul(rest, h, evaluate=False)


def limit_lines(last: Line, h: sp.Symbol, simplified=sp.factor) -> list[Line]:
    """Let h → 0 in ``last`` (continuous at h = 0 once h has left the denominator): the
    value with h set to 0 as written, then ``simplified`` of it when that reads
    differently."""
    value = at_zero(last.expression, h)
    if last.factor != 1:
        top, bottom = _division(value)
        numerator = last.factor * top if top.is_number else times(last.factor, top)
        value = over(numerator, bottom) if bottom != 1 else times(last.factor, value)
    final = simplified(value.doit())
    lines = [Line(value, "let-h-to-0", under_limit=False)]
    if not reads_alike(value, final):
        lines.append(Line(final, "simplify", under_limit=False))
    return lines


def _division(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(a, b) of a division a/b as written (``over``); (expr, 1) for anything else."""
    if expr.is_Mul and expr.args[-1].is_Pow and expr.args[-1].exp == -1:
        return times(*expr.args[:-1]), expr.args[-1].base
    return expr, sp.S.One


def reads_alike(written: sp.Expr, final: sp.Expr) -> bool:
    """Whether ``written`` is ``final`` with the same terms, maybe in another order (a line
    that would only reorder them is left out)."""
    if written == final:
        return True
    return written.is_Add and final.is_Add and set(written.args) == set(final.args)


def polynomial_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    """Expand and cancel: f a polynomial in x."""
    lines = cancel_h(minus(shift(f, x, h), f), sp.S.One, x, h)
    return lines + limit_lines(lines[-1], h, sp.expand)


def rational_parts(f: sp.Expr, x: sp.Symbol) -> Optional[tuple[sp.Expr, sp.Expr]]:
    """(P, Q) with f = P/Q, both polynomials in x and Q not constant; None otherwise."""
    numerator, denominator = sp.fraction(f)   # as typed: x − 1 stays x − 1
    poly_p, poly_q = polynomial_in(numerator.doit(), x), polynomial_in(denominator.doit(), x)
    if poly_p is None or poly_q is None or poly_q.degree() < 1:
        return None
    if poly_p.degree() + poly_q.degree() > MAX_DEGREE:
        return None
    return numerator, denominator


def degree_beyond_hand(f: sp.Expr, x: sp.Symbol) -> Optional[int]:
    """The degree of a polynomial or rational function (numerator and denominator together)
    too high to expand by hand (above ``MAX_DEGREE``); None for any other function."""
    numerator, denominator = sp.fraction(sp.together(f.doit()))
    poly_p, poly_q = polynomial_in(numerator, x), polynomial_in(denominator, x)
    if poly_p is None or poly_q is None:
        return None
    degree = poly_p.degree() + poly_q.degree()
    return degree if degree > MAX_DEGREE else None


def rational_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    """A common denominator, then expand and cancel: f = P/Q."""
    p, q = rational_parts(f, x)
    top = minus(times(shift(p, x, h), q), times(p, shift(q, x, h)))
    rest = times(q, shift(q, x, h))
    lines = [Line(over(top, _with_h(h, rest)), "common-denominator")]
    lines += cancel_h(top, rest, x, h)
    return lines + limit_lines(lines[-1], h, lambda value: sp.factor(sp.cancel(value)))


def root_parts(f: sp.Expr, x: sp.Symbol) -> Optional[tuple[sp.Expr, sp.Expr]]:
    """(c, p) with f = c√p, c free of x and p a polynomial in x of degree 1 or 2."""
    coefficient, rest = f.as_independent(x, as_Add=False)   # as typed: √(2x + 1)
    if not (rest.is_Pow and rest.exp == sp.S.Half):
        return None
    poly = polynomial_in(rest.base, x)
    if poly is None or not 1 <= poly.degree() <= 2:
        return None
    return coefficient, rest.base


def root_lines(f: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    """Multiply by the conjugate: f = c√p."""
    c, p = root_parts(f, x)
    lines = constant_factor_lines(c, sp.sqrt(p), x, h)
    moved, shifted = sp.sqrt(shift(p, x, h), evaluate=False), sp.sqrt(p, evaluate=False)
    conjugate = add(moved, shifted)
    lines.append(Line(over(times(minus(moved, shifted), conjugate), _with_h(h, conjugate)),
                      "conjugate", factor=c, subject=conjugate))
    difference = minus(shift(p, x, h), p)
    lines.append(Line(over(difference, _with_h(h, conjugate)), "difference-of-squares",
                      factor=c))
    lines += cancel_h(difference, conjugate, x, h, factor=c)
    return lines + limit_lines(lines[-1], h)


def constant_factor_lines(c: sp.Expr, g: sp.Expr, x: sp.Symbol, h: sp.Symbol) -> list[Line]:
    """f = c·g with c ≠ 1 a constant: c · lim_{h→0} (g(x + h) − g(x))/h, the constant factor
    taken out of the limit (none when c = 1)."""
    if c == 1:
        return []
    return [Line(over(minus(shift(g, x, h), g), h), "constant-factor", factor=c, subject=c)]
