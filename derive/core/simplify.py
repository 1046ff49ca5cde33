"""Choosing the final form of a derivative, and the steps that lead to it.

From the substituted expression:

1. *multiply out*: carry out the arithmetic left written out (1·2x → 2x, v²/v → v);
2. *simplify*: the shortest of a few standard rewritings (factoring out common terms, trig
   identities, SymPy's ``simplify``), each tried only where the expression is small enough
   for it (counted in nodes and function applications, never in seconds: the form printed
   depends on the expression alone), keeping only forms that use no function the
   expression did not have (so eˣ/(1 + eˣ)² does not turn into cosh);
3. *notation*: the way a teacher writes it — cos u / sin u as cot u, 1/cos u as sec u.

Each rewriting is one ``Step`` claiming ``result == target``; the checker verifies it.
This runs once per solution, never inside the per-step work.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from derive.functions import derivatives_as_subs
from derive.core.timing import phase
from derive.core.sizes import (TRIG, Shape, simplify_affordable, suits_polynomial_algorithms,
                               trig_identity_possible, within_nodes)

from derive.core.forms import split_sign, written_as_decimal
from derive.core.steps import EQUAL, Step

RECIPROCAL = {sp.tan: sp.cot, sp.cot: sp.tan, sp.sin: sp.csc, sp.cos: sp.sec,
              sp.sinh: sp.csch, sp.cosh: sp.sech, sp.tanh: sp.coth, sp.coth: sp.tanh}
QUOTIENTS = {(sp.cos, sp.sin): sp.cot, (sp.sin, sp.cos): sp.tan,
             (sp.cosh, sp.sinh): sp.coth, (sp.sinh, sp.cosh): sp.tanh}


def _functions(e):
    return {type(f) for f in e.atoms(sp.Function)}


def _allowed(candidate, original):
    """No function the original did not have, except trig functions where it had trig."""
    extra = _functions(candidate) - _functions(original)
    if _functions(original) & TRIG:
        extra -= TRIG
    return not extra


def _size(e, in_product: bool = False):
    """Nodes of the expression tree as it is printed: two more for every fraction bar (a
    product with a denominator counts one bar, however many factors stand below it: one
    fraction reads better than a fraction inside a fraction), two more for a fraction p/q
    written as a number (none for one written as a decimal, see ``decimal_numbers``), one
    more for a coefficient written with its own minus sign (−3x, not −x; x − 5, not x + 5),
    three more for a power lowered
    by a number, with the base's variable in the exponent (x^(sin x − 1) reads worse than
    x^(sin x)/x: a book writes no negative exponent; x^(n − 1) stays)."""
    if e.is_Atom:
        if e.is_Rational and not e.is_Integer and not written_as_decimal(e):
            return 3
        return 1
    product = isinstance(e, sp.Mul)
    bar = ((product and any(_below_bar(f) for f in e.args[product and e.args[0].is_Rational:])
            or product and not e.args[0].is_Integer and e.args[0].is_Rational
            and not written_as_decimal(e.args[0]))
           or (_below_bar(e) and not in_product))
    sign = product and e.args[0].is_Number and e.args[0].is_negative and e.args[0] != -1
    lowered = (isinstance(e, sp.Pow) and isinstance(e.exp, sp.Add)
               and e.exp.free_symbols & e.base.free_symbols
               and e.exp.as_coeff_Add()[0].is_negative
               and not e.exp.as_coeff_Add()[1].could_extract_minus_sign())
    subtracted = isinstance(e, sp.Add) and sum(1 for a in e.args if a.is_Number and a.is_negative)
    return (1 + 2 * bool(bar) + bool(sign) + subtracted + 3 * bool(lowered)
            + _uncollected(e) + sum(_size(a, product) for a in e.args))


COLLECTED_NODES = 60   # forms judged by how a book collects them: an exercise's size


@lru_cache(maxsize=4096)
def _uncollected(e) -> int:
    """More for a polynomial a book prints multiplied out and collected: one for a whole
    number taken out of it (6x² + 2x − 6, not 2(3x² + x − 3); but −3(2t + 3) sin(t) stays, the
    number the coefficient of a product), one for a factor of a product that keeps a common
    number inside (2x(2x + 1)³(6x + 1), not x(2x + 1)³(12x + 2); 4e²ˣ(x + 1)), three for a
    polynomial holding a product with a sum in it (2x² + 2x + 1, not 2x(x + 1) + 1), which is
    longer written out; four for a fraction inside a bracket of a product (eˣ(x − 1/2)/√x,
    not eˣ(2x − 1)/(2√x))."""
    if not isinstance(e, (sp.Mul, sp.Add)) or not within_nodes(e, COLLECTED_NODES):
        return 0
    if isinstance(e, sp.Mul):
        above = [a for a in e.args if not _below_bar(a)]   # 2(3x² + x − 3)/(x + 1)² too
        taken_out = int(len(above) == 2 and any(a.is_Integer and abs(a) != 1 for a in above)
                        and any(_polynomial_sum(a) for a in above))
        left_in = sum(1 for a in above if _polynomial_sum(a)
                      and any(not f.is_number for f in above if f is not a)
                      and sp.factor_terms(a).as_coeff_Mul()[0] not in (1, -1))
        halves = sum(1 for a in above if isinstance(a, sp.Add) and _half_numbers(a))
        # and one for x(12x + 2)(2x + 1)³: its 2 left inside; four for a fraction inside a
        # bracket of a product, eˣ(x − 1/2), which a book clears: eˣ(2x − 1)/2
        return taken_out + left_in + 4 * halves
    if _polynomial_sum(e):
        return 3 * int(any(isinstance(t, sp.Mul) and any(_polynomial_sum(f) for f in t.args)
                           for t in e.args))
    return 0


@lru_cache(maxsize=4096)
def _polynomial_sum(e) -> bool:
    return isinstance(e, sp.Add) and bool(e.free_symbols) and e.is_polynomial()


def _below_bar(e) -> bool:
    return isinstance(e, sp.Pow) and bool(e.exp.is_negative)


def _weight(e):
    """The order in which forms are preferred: the shorter (``_size``); of the same size, the
    one with fewer minus signs (4/(1 − 16x²), not −4/(16x² − 1)), then the one with smaller
    numbers in it (6(3x² − x + 3), not 3(6x² − 2x + 6))."""
    minus = numbers = 0
    for node in sp.preorder_traversal(e):
        if isinstance(node, (sp.Add, sp.Mul)):
            for a in node.args:
                if a.is_Rational:
                    minus += a.is_negative
                    numbers += abs(a.p) + a.q
    return _size(e), minus, numbers


PARTIAL_FRACTIONS = 8  # size a sum of partial fractions must save over one fraction
SIMPLIFY_MINIMUM = 24  # size above which SymPy's full simplify is tried
TRIG_MAXIMUM = 300     # beyond this, trig identities cost more than they are worth


def _cheap_rewritings(e, shape: Shape):
    if shape.sums:
        factored = sp.factor_terms(e)
        yield factored
        yield _polynomials_multiplied_out(factored)
        if (_products_of_sums(e) or shape.fractions) and suits_polynomial_algorithms(e):
            # 2e²ˣ(2x + 1) + 2e²ˣ is 4e²ˣ(x + 1)
            yield sp.factor_terms(sp.expand(e, power_exp=False, power_base=False, log=False))
    if shape.powers:
        combined = sp.powsimp(e)
        yield combined
        if shape.sums:
            yield sp.factor_terms(combined)
    if shape.fractions and suits_polynomial_algorithms(e):
        yield _factored_below(sp.cancel(e))
        together = sp.together(e)
        yield together
        yield sp.factor_terms(together)


def _products_of_sums(e) -> bool:
    """A sum with a term that is a product holding a sum: something to multiply out."""
    return isinstance(e, sp.Add) and any(
        isinstance(t, sp.Mul) and any(isinstance(f, sp.Add) for f in t.args) for t in e.args)


def _polynomials_multiplied_out(e):
    """``e`` with every polynomial that holds a product with a sum in it multiplied out and
    collected: e^(x² + 1)(2x(x + 1) + 1) is e^(x² + 1)(2x² + 2x + 1)."""
    return e.replace(lambda a: _uncollected(a) > 1, sp.expand)


APART_DEGREE = 4  # partial fractions only of denominators up to this degree


def _fractions(e: sp.Expr, variables):
    """One reduced fraction as a book prints it: the numerator multiplied out and collected,
    with (or without) its common factor pulled out, over the denominator factored
    ((x − 1)², not x² − 2x + 1); and, for a rational function of one variable, its partial
    fractions (270x⁴ + 39/(x + 1)², 10/(x² + 100) − 40/(x² + 1600))."""
    reduced = sp.cancel(e)
    numerator, denominator = sp.fraction(reduced)
    if denominator.is_number:
        yield sp.factor_terms(reduced)
        return
    below = _factored(denominator)
    yield numerator / below
    yield sp.factor_terms(numerator) / below
    if len(variables) == 1:
        (x,) = variables
        if (reduced.is_rational_function(x) and numerator.is_polynomial(x)
                and denominator.is_polynomial(x)
                and sp.degree(denominator, x) <= APART_DEGREE
                and sp.degree(numerator, x) <= 2 * APART_DEGREE):
            # apart's cost grows steeply with the degree of the denominator
            yield sp.Add(*(sp.factor_terms(t) for t in sp.Add.make_args(sp.apart(reduced, x))))


def _factored_below(e: sp.Expr) -> sp.Expr:
    """A fraction with its denominator factored: (x² − 2x − 1)/(x − 1)², never over
    x² − 2x + 1."""
    numerator, denominator = sp.fraction(e)
    if denominator.is_number or not isinstance(denominator, sp.Add):
        return e
    return numerator / _factored(denominator)


def _factored(e: sp.Expr) -> sp.Expr:
    """``e`` factored over the rationals, what stands under a root left as it is."""
    roots = {p: sp.Dummy() for p in e.atoms(sp.Pow) if not p.exp.is_Integer}
    factored = sp.factor(e.xreplace(roots))
    return factored.xreplace({d: p for p, d in roots.items()})


def _power_bases(e: sp.Expr):
    """For each power with a variable exponent, b^(g + k) with the largest k (at least 0) the
    expression holds: what logarithmic differentiation leaves as the factor in front."""
    found = {}
    for p in e.atoms(sp.Pow):
        if p.base.is_number and p.base is not sp.E or not p.exp.free_symbols:
            continue
        if p.base is sp.E:
            continue
        k, rest = p.exp.as_coeff_Add()
        found.setdefault((p.base, rest), {sp.Integer(0)}).add(k)
    for (base, rest), shifts in sorted(found.items(), key=lambda i: sp.default_sort_key(i[0])):
        yield sp.Pow(base, rest + max(shifts))


def _logs_of_numbers_combined(e: sp.Expr) -> sp.Expr:
    """ln a − ln b as ln(a/b) for positive numbers a, b: ln 3 − ln 2 = ln(3/2)."""
    def one_log(total):
        value = sp.Integer(1)
        for t in total.args:
            sign, rest = (-1, -t) if t.could_extract_minus_sign() else (1, t)
            value *= rest.args[0] ** sign
        return sp.log(value)
    return e.replace(
        lambda n: isinstance(n, sp.Add) and all(
            isinstance(t, sp.log) and t.args[0].is_Rational and t.args[0].is_positive
            or isinstance(-t, sp.log) and (-t).args[0].is_Rational and (-t).args[0].is_positive
            for t in n.args),
        one_log)


def _half_numbers(e: sp.Add) -> bool:
    """A sum with a fraction for a coefficient or a term (x − 1/2, x/2 + 1; not a number
    typed as a decimal, x + 0.5)."""
    coefficients = (t.as_coeff_Mul()[0] for t in e.args)
    return any(c.is_Rational and not c.is_Integer and not written_as_decimal(c)
               for c in coefficients)


def _one_radical(e: sp.Expr) -> sp.Expr:
    """A product whose factors are all under the same fractional power as one power, kept
    as written: √2/(2√x) = 1/√(2x), −√2/(4x^(3/2)) = −1/(2x)^(3/2)."""
    if not isinstance(e, sp.Mul):
        return e
    number, rest = e.as_coeff_Mul()
    powers = {}
    for factor in sp.Mul.make_args(rest):
        base, exp = factor.as_base_exp()
        if base.is_Integer and base > 0:
            for prime, times in sp.factorint(base).items():
                powers[sp.Integer(prime)] = powers.get(sp.Integer(prime), 0) + times * exp
        elif base.is_Symbol:
            powers[base] = powers.get(base, 0) + exp
        else:
            return e
    for prime, times in sp.factorint(abs(number.p)).items():
        powers[sp.Integer(prime)] = powers.get(sp.Integer(prime), 0) + times
    for prime, times in sp.factorint(number.q).items():
        powers[sp.Integer(prime)] = powers.get(sp.Integer(prime), 0) - times
    exponents = set(powers.values())
    if len(exponents) != 1 or len(powers) < 2:
        return e
    (exp,) = exponents
    if not (exp.is_Rational and not exp.is_Integer):
        return e
    inside = sp.Mul(*sorted(powers, key=sp.default_sort_key), evaluate=False)
    joined = sp.Pow(inside, exp, evaluate=False)
    return sp.Mul(-1, joined, evaluate=False) if number < 0 else joined


def _distributed(e: sp.Mul):
    """The number in front of a product multiplied into one of its sums, where that is
    shorter: (120x² − 10)(4x³ − x)⁹."""
    number, rest = e.as_coeff_Mul()
    factors = sp.Mul.make_args(rest)
    for i, f in enumerate(factors):
        if isinstance(f, sp.Add):
            inside = sp.Add(*(number * t for t in f.args))
            yield sp.Mul(*factors[:i], inside, *factors[i + 1:], evaluate=False)


def _pulled_out(e: sp.Expr, factor: sp.Expr):
    """``factor`` written in front of the rest: y·(…) after logarithmic differentiation."""
    rest = sp.expand(sp.powsimp(sp.expand(e / factor, log=False)), mul=True, power_base=False,
                     power_exp=False, log=False, multinomial=False)
    for rest in (rest, sp.factor_terms(rest), _over_denominators(rest), sp.together(rest)):
        yield sp.Mul(factor, rest)
        yield sp.powsimp(sp.Mul(factor, rest))


def _over_denominators(e: sp.Expr) -> sp.Expr:
    """The terms of a sum over the same denominator written as one fraction:
    cos x ln x + (sin x + 2)/x."""
    groups: dict[sp.Expr, list] = {}
    for term in sp.Add.make_args(e):
        numerator, denominator = term.as_numer_denom()
        groups.setdefault(denominator, []).append(numerator)
    return sp.Add(*(sp.Add(*tops) / bottom for bottom, tops in groups.items()))


def _square_roots_split(e: sp.Expr) -> sp.Expr:
    """√(p/q) as √p/√q where q is not negative (a square of a real, a positive number; where
    q = 0 neither side is defined):
    √(x⁻² − 1) = √(1 − x²)/|x|."""
    def split(p):
        if not (isinstance(p, sp.Pow) and p.exp.is_Rational and p.exp.q == 2):
            return p
        numerator, denominator = sp.fraction(sp.together(p.base))
        if denominator == 1 or not denominator.is_nonnegative:
            return p
        return sp.Pow(numerator, p.exp) / sp.Pow(denominator, p.exp)
    return e.replace(lambda p: isinstance(p, sp.Pow) and p.exp.is_Rational and p.exp.q == 2
                     and isinstance(p.base, sp.Add), split)


def shortest_form(e: sp.Expr) -> sp.Expr:
    """The shortest allowed rewriting of ``e``.

    Cheap rewritings first, each only where it can act (see ``Shape``: factoring out common
    factors, combining powers, one fraction with its denominator factored, a power with a
    variable exponent pulled out in front); trig identities when a sum holds something they
    act on (``trig_identity_possible`` in ``derive.core.sizes``: sin²u + cos²u = 1 however
    short), in a form of at most ``TRIG_MAXIMUM`` with few enough trig and hyperbolic
    functions for the search to end soon (``Shape.identities_affordable``); SymPy's full
    ``simplify`` only beyond ``SIMPLIFY_MINIMUM`` (most derivatives are short, and the full
    search costs more than all the worked steps) and where ``simplify_affordable``.  Forms
    of the same size are told apart by ``_weight``.  Every decision is a count on the
    expression, so the form is the same on an idle or a busy machine."""
    best, best_weight = e, _weight(teacher_notation(e))

    def consider(candidate, penalty=0):
        nonlocal best, best_weight
        weight = _weight(teacher_notation(candidate))
        weight = (weight[0] + penalty,) + weight[1:]
        if weight < best_weight and _allowed(candidate, e):
            best, best_weight = candidate, weight

    shape = Shape(e)
    polynomial = suits_polynomial_algorithms(e)
    for candidate in _cheap_rewritings(e, shape):
        consider(candidate)
    if (polynomial and isinstance(e, sp.Add) and len(e.free_symbols) == 1
            and (_products_of_sums(e) or any(isinstance(p.base, sp.Add) for p in e.atoms(sp.Pow)))
            and e.is_polynomial()):
        consider(sp.factor(e))   # 2x(2x + 1)³(6x + 1): the number out of (12x + 2) too
    if e.has(sp.Abs) or any(isinstance(p.base, sp.Add) and p.exp.is_Rational and p.exp.q == 2
                            for p in e.atoms(sp.Pow)):
        split = _square_roots_split(e)
        if split != e:
            consider(split)
            if polynomial:
                consider(sp.cancel(split))
    if polynomial and (shape.fractions or any(_below_bar(p) and isinstance(p.base, sp.Add)
                                              for p in e.atoms(sp.Pow))):
        variables = e.free_symbols
        if isinstance(e, sp.Add):  # term by term, as the sum rule leaves it
            consider(sp.Add(*(_factored_below(sp.cancel(t)) for t in e.args)))
        for candidate in _fractions(best, variables):
            # partial fractions only where clearly shorter than the one fraction a book prints
            consider(candidate, PARTIAL_FRACTIONS if isinstance(candidate, sp.Add) else 0)
    exponents = [p.exp for p in e.atoms(sp.Pow) if p.base.is_Number and p.exp.free_symbols]
    if len(exponents) > 1:  # aʷ/bʷ = (a/b)ʷ, also 6ʷ/2²ʷ = (3/2)ʷ
        consider(_logs_of_numbers_combined(sp.powsimp(best, combine="base")))
    if any(isinstance(a, sp.Add) and _half_numbers(a) for a in sp.Mul.make_args(best)):
        consider(sp.together(best))    # eˣ(x − 1/2)/x^(3/2) is eˣ(2x − 1)/(2x^(3/2))
    joined = _one_radical(best)
    if joined is not best:
        consider(joined)
    if isinstance(best, sp.Mul) and best.args[0].is_Number:
        for candidate in _distributed(best):
            consider(candidate)
    if shape.sums and polynomial:
        for factor in _power_bases(e):
            for candidate in _pulled_out(e, factor):
                consider(candidate)
    written = teacher_notation(e)
    if written != e:
        consider(written)
        if shape.sums:
            consider(sp.factor_terms(written))
        if (best_weight[0] <= TRIG_MAXIMUM and shape.identities_affordable
                and isinstance(written, sp.Add) and trig_identity_possible(written)):
            consider(sp.trigsimp(written))
    if shape.trig_sums and best_weight[0] <= TRIG_MAXIMUM and shape.identities_affordable:
        consider(sp.trigsimp(best))
    if best_weight[0] > SIMPLIFY_MINIMUM and simplify_affordable(e, shape):
        consider(sp.simplify(e))
    return best


SINES = {sp.tan: ((sp.sin, 1), (sp.cos, -1)), sp.cot: ((sp.cos, 1), (sp.sin, -1)),
         sp.sec: ((sp.cos, -1),), sp.csc: ((sp.sin, -1),),
         sp.tanh: ((sp.sinh, 1), (sp.cosh, -1)), sp.coth: ((sp.cosh, 1), (sp.sinh, -1)),
         sp.sech: ((sp.cosh, -1),), sp.csch: ((sp.sinh, -1),)}


def _in_sines(base):
    """A factor's base as powers of sines and cosines (tan u = sin u · cos⁻¹u), so that a
    product is rewritten from them alone: sec²u/tan u = 1/(sin u cos u) = csc u sec u."""
    if type(base) in SINES:
        return tuple((f(*base.args), k) for f, k in SINES[type(base)])
    return ((base, 1),)


def _rewrite_product(m: sp.Expr) -> sp.Expr:
    """In one product: cosᵏu/sinᵏu → cotᵏu, sinᵏu/cosᵏu → tanᵏu (and the hyperbolic likes),
    then any remaining 1/f(u)ᵏ of a function with a named reciprocal → (1/f)(u)ᵏ."""
    powers: dict[sp.Expr, sp.Expr] = {}
    for factor in sp.Mul.make_args(m):
        base, exp = factor.as_base_exp()
        for part, times in _in_sines(base):
            powers[part] = powers.get(part, sp.Integer(0)) + times * exp
    zero = sp.Integer(0)
    for (top, bottom), quotient in QUOTIENTS.items():
        for arg in {f.args[0] for f in powers if isinstance(f, top)}:
            p, q = powers.get(top(arg), zero), powers.get(bottom(arg), zero)
            if p.is_integer and q.is_integer and p > 0 and q < 0:
                k = min(p, -q)
                powers[top(arg)] = p - k
                powers[bottom(arg)] = q + k
                powers[quotient(arg)] = powers.get(quotient(arg), zero) + k
    plain = {f.args for f, k in powers.items()
             if isinstance(f, (sp.sin, sp.cos, sp.sinh, sp.cosh)) and k.is_positive}
    for base, exp in list(powers.items()):
        if (type(base) in RECIPROCAL and exp.is_integer and exp.is_negative
                and base.args not in plain):
            powers[base] = zero
            other = RECIPROCAL[type(base)](*base.args)
            powers[other] = powers.get(other, zero) - exp
    return sp.Mul(*(b**e for b, e in powers.items()))


def teacher_notation(e: sp.Expr) -> sp.Expr:
    """The notation a teacher writes: cot u for cos u/sin u, sec u for 1/cos u, …
    (no sin or cos of the same argument left above the line: cos²u/sin u stays)."""
    if e.is_Atom or not e.atoms(*RECIPROCAL):
        return e
    return _in_notation(e, False, {})


def _in_notation(e, in_product, done):
    """``teacher_notation`` below the top: each distinct subtree once, rebuilt only where
    something in it changes."""
    if e.is_Atom:
        return e
    key = (e, in_product)
    if key in done:
        return done[key]
    product = isinstance(e, sp.Mul)
    args = tuple(_in_notation(a, product, done) for a in e.args)
    written = e.func(*args) if args != e.args else e
    if (product or (isinstance(written, sp.Pow) and not in_product)) and any(
            type(f.as_base_exp()[0]) in RECIPROCAL for f in sp.Mul.make_args(written)):
        written = _rewrite_product(written)
    done[key] = written
    return written


def _ordered(e: sp.Expr) -> sp.Expr:
    """``e`` with nested sums and products flattened and their terms in one fixed order."""
    if e.is_Atom:
        return e
    args = [_ordered(a) for a in e.args]
    if isinstance(e, (sp.Add, sp.Mul)):
        flat = []
        for a in args:
            flat.extend(a.args if type(a) is type(e) else (a,))
        args = sorted(flat, key=sp.default_sort_key)
    return e.func(*args, evaluate=False)


def same_up_to_order(a: sp.Expr, b: sp.Expr) -> bool:
    """The same expression but for the order and grouping of terms and factors."""
    return _ordered(a) == _ordered(b)


def _reads_better_reordered(e: sp.Expr) -> bool:
    """Whether a product, as stored (the substituted line shows it so), reads differently
    with its factors in SymPy's order, which is the usual one — numbers, then powers of the
    variables, then functions: cos(x²)·2x is 2x cos(x²) — the sums inside kept as written.

    Decided from the factors as a product is printed (the notation's ``_print_Mul``): the
    sign in front, then the factors of what is left, as stored — so a product differs from
    SymPy's when, signs aside, its factors are grouped or ordered otherwise."""
    if not isinstance(e, sp.Mul):
        return False
    factors = [f for a in e.args for f in sp.Mul.make_args(a)]
    usual = sp.Mul(*factors)
    if isinstance(usual, sp.Mul) and usual.args == e.args:  # stored flat and in order
        return False
    (negative, shown), (usual_negative, usual_shown) = split_sign(e), split_sign(usual)
    return negative != usual_negative or _shown_factors(shown) != _shown_factors(usual_shown)


def _shown_factors(e: sp.Expr) -> tuple[sp.Expr, ...]:
    """The factors a product is shown with, in the order shown (a product within is one)."""
    return e.args if e.is_Mul else (e,)


def _derivatives_written_alike(e: sp.Expr) -> sp.Expr:
    """``e`` with f′ at a point written one way: f′(x) and f′(ξ) at ξ = x, or f′(g(x)) as a
    derivative by g(x) and as f′(ξ) at ξ = g(x), print the same and are not a step."""
    if not e.has(sp.Subs, sp.Derivative):
        return e
    return derivatives_as_subs(e.replace(lambda s: isinstance(s, sp.Subs), lambda s: s.doit()))


def simplification_steps(e: sp.Expr) -> tuple[tuple[Step, ...], sp.Expr]:
    """The rewriting steps from ``e`` to its final form, and the final form."""
    with phase("simplifying"):
        return _simplification_steps(e)


def _simplification_steps(e):
    steps = []
    current = e
    multiplied = e.doit()
    # a step when something is carried out, or when a product reads better coefficient first
    if (not same_up_to_order(_derivatives_written_alike(multiplied),
                             _derivatives_written_alike(current))
            or _reads_better_reordered(current)):
        steps.append(Step("multiply-out", current, multiplied, claim=EQUAL))
    current = multiplied
    shorter = shortest_form(current)
    if shorter != current:
        steps.append(Step("simplify", current, shorter, claim=EQUAL))
        current = shorter
    written = teacher_notation(current)
    if written != current:
        steps.append(Step("notation", current, written, claim=EQUAL))
        current = written
    return tuple(steps), current
