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


import sympy as sp

from derive.functions import derivatives_as_subs
from derive.core.timing import phase
from derive.core.sizes import TRIG, Shape, simplify_affordable, suits_polynomial_algorithms

from derive.core.forms import split_sign
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
    """Nodes of the expression tree, and two more for every fraction bar (a product with a
    denominator counts one bar, however many factors stand below it): one fraction reads
    better than a fraction inside a fraction."""
    if e.is_Atom:
        return 1
    product = isinstance(e, sp.Mul)
    bar = (product and any(_below_bar(f) for f in e.args)) or (_below_bar(e) and not in_product)
    return 1 + 2 * bool(bar) + sum(_size(a, product) for a in e.args)


def _below_bar(e) -> bool:
    return isinstance(e, sp.Pow) and bool(e.exp.is_negative)


SIMPLIFY_MINIMUM = 24  # size above which SymPy's full simplify is tried
TRIG_MAXIMUM = 300     # beyond this, trig identities cost more than they are worth
def _cheap_rewritings(e, shape: Shape):
    if shape.sums:
        yield sp.factor_terms(e)
    if shape.powers:
        combined = sp.powsimp(e)
        yield combined
        if shape.sums:
            yield sp.factor_terms(combined)
    if shape.fractions and suits_polynomial_algorithms(e):
        yield sp.cancel(e)
        together = sp.together(e)
        yield together
        yield sp.factor_terms(together)


def shortest_form(e: sp.Expr) -> sp.Expr:
    """The shortest allowed rewriting of ``e``.

    Cheap rewritings first, each only where it can act (see ``Shape``: factoring out common
    factors, combining powers, one fraction); trig identities when a sum holds something they
    act on (``trig_identity_possible`` in ``derive.core.sizes``: sin²u + cos²u = 1 however short), in a form of at
    most ``TRIG_MAXIMUM`` with few enough trig and hyperbolic functions for the search to
    end soon (``Shape.identities_affordable``); SymPy's full ``simplify`` only beyond
    ``SIMPLIFY_MINIMUM`` (most derivatives are short, and the full search costs more than
    all the worked steps) and where ``simplify_affordable``.  Every decision is a count on
    the expression, so the form is the same on an idle or a busy machine."""
    best, best_size = e, _size(e)

    def consider(candidate):
        nonlocal best, best_size
        size = _size(candidate)
        if size < best_size and _allowed(candidate, e):
            best, best_size = candidate, size

    shape = Shape(e)
    for candidate in _cheap_rewritings(e, shape):
        consider(candidate)
    if shape.trig_sums and best_size <= TRIG_MAXIMUM and shape.identities_affordable:
        consider(sp.trigsimp(best))
    if best_size > SIMPLIFY_MINIMUM and simplify_affordable(e, shape):
        consider(sp.simplify(e))
    return best


def _rewrite_product(m: sp.Expr) -> sp.Expr:
    """In one product: cosᵏu/sinᵏu → cotᵏu, sinᵏu/cosᵏu → tanᵏu (and the hyperbolic likes),
    then any remaining 1/f(u)ᵏ of a function with a named reciprocal → (1/f)(u)ᵏ."""
    powers: dict[sp.Expr, sp.Expr] = {}
    for factor in sp.Mul.make_args(m):
        base, exp = factor.as_base_exp()
        powers[base] = powers.get(base, sp.Integer(0)) + exp
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
