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

from itertools import combinations

import sympy as sp

from derive.functions import derivatives_as_subs
from derive.core.timing import phase
from derive.core.sizes import suits_polynomial_algorithms
from derive.present.notation import to_text

from derive.core.steps import Step

TRIG = {sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc}
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
# What SymPy's trigsimp and simplify cost grows with is the functions they look for
# identities between, far faster than with the size: trigsimp on a sum of 10 sines took
# 0.2 s, of 20 sines 1 s, of 40 sines 20 s; simplify with 7 hyperbolic functions in a
# 50-node expression did not finish in 20 s.  They run only within these counts (function
# applications in the tree, each occurrence counted), and then run to the end.
TRIG_FUNCTIONS = 12        # sin, cos, tan, cot, sec, csc
HYPERBOLIC_FUNCTIONS = 2   # sinh, cosh, tanh, coth, sech, csch
SIMPLIFY_FUNCTIONS = 16    # any function, for SymPy's simplify
HYPERBOLIC = {sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch}


class _Shape:
    """What a rewriting could act on, found in one walk over the tree, so that rewritings
    that cannot change the expression are not tried (each costs milliseconds even then):

    * ``sums``: a sum anywhere (``factor_terms`` pulls common factors out of sums);
    * ``powers``: a product with two exponentials, two factors of one base, or two factors
      with the same fractional exponent (what ``powsimp`` combines);
    * ``fractions``: a sum with a fraction among its terms or its coefficients (``together``,
      ``cancel`` clears them), or a product with
      a sum to a negative integer power and another non-constant factor, where ``cancel``
      may find a common factor;
    * ``trig_sums``: a sum where a trig identity can shorten something (see
      ``_trig_identity_possible``) — outside sums, in a single product, the only identity
      is sin/cos = tan, which ``teacher_notation`` writes anyway;
    * ``functions``, ``trig``, ``hyperbolic``: how many function applications, trig and
      hyperbolic ones among them, the tree holds (what identities cost grows with).
    """

    def __init__(self, e: sp.Expr):
        self.sums = self.powers = self.fractions = self.trig_sums = False
        self.functions = self.trig = self.hyperbolic = 0
        self._walk(e)

    @property
    def identities_affordable(self) -> bool:
        """Few enough trig and hyperbolic functions for SymPy's identity search."""
        return self.trig <= TRIG_FUNCTIONS and self.hyperbolic <= HYPERBOLIC_FUNCTIONS

    def _walk(self, e):
        if e.is_Atom:
            return
        if isinstance(e, sp.Function):
            self._count(type(e))
        if isinstance(e, sp.Add):
            self.sums = True
            if any(_has_denominator(t) or not t.as_coeff_Mul()[0].is_integer for t in e.args):
                self.fractions = True
            if not self.trig_sums and _trig_identity_possible(e):
                self.trig_sums = True
        elif isinstance(e, sp.Mul):
            self._product(e.args)
        for a in e.args:
            self._walk(a)

    def _count(self, function):
        self.functions += 1
        self.trig += function in TRIG
        self.hyperbolic += function in HYPERBOLIC

    def _product(self, factors):
        bases, fractional, exponentials = set(), set(), 0
        for f in factors:
            base, exp = f.as_base_exp()
            if isinstance(f, sp.exp):
                exponentials += 1
            elif base in bases or (not exp.is_integer and exp in fractional):
                self.powers = True
            bases.add(base)
            if not exp.is_integer:
                fractional.add(exp)
        if exponentials > 1:
            self.powers = True
        if any(isinstance(b, sp.Add) and x.is_integer and x.is_negative
               for b, x in (f.as_base_exp() for f in factors)) and \
                sum(1 for f in factors if not f.is_number) > 1:
            self.fractions = True


def _trig_identity_possible(total: sp.Add) -> bool:
    """Whether the terms of a sum hold what trig identities act on: a trig function squared
    or higher (sin²u + cos²u = 1, sec²u − 1 = tan²u), two trig functions in one term
    (2 sin u cos u = sin 2u), or arguments that are multiples of one another (cos 2u and
    sin u).  A sum like x cos x + sin x holds none, and trigsimp only spends time on it."""
    arguments = []
    for term in total.args:
        in_term = 0
        for factor in sp.Mul.make_args(term):
            base, exp = factor.as_base_exp()
            if type(base) not in TRIG:
                continue
            if exp.is_Integer and abs(exp) >= 2:
                return True
            in_term += 1
            arguments.append(base.args[0])
        if in_term >= 2:
            return True
    return any(a != b and (a / b).is_Rational for a, b in combinations(set(arguments), 2))


def _has_denominator(term) -> bool:
    return any(isinstance(f, sp.Pow) and f.exp.is_negative for f in sp.Mul.make_args(term))


def _cheap_rewritings(e, shape: _Shape):
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


def simplify_affordable(e: sp.Expr, shape: "_Shape | None" = None) -> bool:
    """Whether SymPy's ``simplify`` may run on ``e``: few enough nodes for the polynomial
    algorithms it calls (``suits_polynomial_algorithms``), and few enough function
    applications — trig and hyperbolic ones above all — for its identity searches
    (``SIMPLIFY_FUNCTIONS``, ``TRIG_FUNCTIONS``, ``HYPERBOLIC_FUNCTIONS``).  A function of
    the expression alone: the same expression gets the same answer on any machine."""
    shape = shape or _Shape(e)
    return (shape.identities_affordable and shape.functions <= SIMPLIFY_FUNCTIONS
            and suits_polynomial_algorithms(e))


def shortest_form(e: sp.Expr) -> sp.Expr:
    """The shortest allowed rewriting of ``e``.

    Cheap rewritings first, each only where it can act (see ``_Shape``: factoring out common
    factors, combining powers, one fraction); trig identities when a sum holds something they
    act on (``_trig_identity_possible``: sin²u + cos²u = 1 however short), in a form of at
    most ``TRIG_MAXIMUM`` with few enough trig and hyperbolic functions for the search to
    end soon (``_Shape.identities_affordable``); SymPy's full ``simplify`` only beyond
    ``SIMPLIFY_MINIMUM`` (most derivatives are short, and the full search costs more than
    all the worked steps) and where ``simplify_affordable``.  Every decision is a count on
    the expression, so the form is the same on an idle or a busy machine."""
    best, best_size = e, _size(e)

    def consider(candidate):
        nonlocal best, best_size
        size = _size(candidate)
        if size < best_size and _allowed(candidate, e):
            best, best_size = candidate, size

    shape = _Shape(e)
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
    variables, then functions: cos(x²)·2x is 2x cos(x²) — the sums inside kept as written."""
    if not isinstance(e, sp.Mul):
        return False
    factors = [f for a in e.args for f in sp.Mul.make_args(a)]
    usual = sp.Mul(*factors)
    if isinstance(usual, sp.Mul) and usual.args == e.args:  # stored flat and in order
        return False
    return to_text(usual, order="none") != to_text(e, order="none")


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
        steps.append(Step("multiply-out", current, multiplied))
    current = multiplied
    shorter = shortest_form(current)
    if shorter != current:
        steps.append(Step("simplify", current, shorter))
        current = shorter
    written = teacher_notation(current)
    if written != current:
        steps.append(Step("notation", current, written))
        current = written
    return tuple(steps), current
