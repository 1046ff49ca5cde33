"""Size limits: the numbers a request may build and the expressions costly algorithms may take.

Numbers: an integer power aᵇ with a, b numbers is never built when it would have more than
``MAX_DIGITS`` digits (``10^10^10^10``): the parser keeps it unevaluated and
``check_number_sizes`` refuses it before anything evaluates it.

Expressions: multiplying out and the polynomial algorithms (cancel, factor) are tried only
on expressions small enough for them (``has_large_powers``, ``suits_polynomial_algorithms``,
``within_nodes``), and SymPy's simplify and trig identities only where few enough functions
make their search affordable (``Shape``, ``simplify_affordable``) — bounds counted in nodes
and operations, never in time.
"""

from __future__ import annotations

import math
import sys
from itertools import combinations

import sympy as sp

from derive.errors import InputError, written

MAX_DIGITS = 10_000
LARGE_POWER = 8     # integer powers of sums above this are not multiplied out
POLYNOMIAL_NODES = 150  # expression trees above this size skip polynomial algorithms


def _log10_size(e: sp.Expr) -> float:
    """log₁₀ of |e| for a number written with + · ^ (inf when it is beyond floats)."""
    if e.is_Integer or e.is_Rational:
        p, q = abs(int(e.p)), int(e.q)
        return (math.log10(p) if p else 0.0) + (math.log10(q) if q > 1 else 0.0)
    if isinstance(e, sp.Pow):
        base = _log10_size(e.base)
        try:
            exponent = 10 ** _log10_size(e.exp)
        except OverflowError:
            return math.inf
        return base * exponent
    if isinstance(e, (sp.Mul, sp.Add)):
        return sum(_log10_size(a) for a in e.args) + 1
    if e.is_NumberSymbol:                      # π, e: their own size
        return math.log10(float(e))
    return 1.0


def check_number_sizes(expr: sp.Expr) -> None:
    """Refuse numbers too large to build, such as 10^10^10^10, with a clear message."""
    for p in sp.preorder_traversal(expr):
        if isinstance(p, sp.Pow) and p.base.is_number and p.exp.is_number:
            if _log10_size(p) > MAX_DIGITS:
                raise InputError(f"a number in the expression is too large to work with "
                                 f"(more than {MAX_DIGITS} digits): {written(p, limit=40)}")



def has_large_powers(e: sp.Expr) -> bool:
    """Multiplying out would be costly: an integer power above ``LARGE_POWER`` of a sum or
    of a non-number (nothing expands (x + 1)¹⁰⁰⁰ unasked)."""
    return any(p.exp.is_Integer and abs(p.exp) > LARGE_POWER and not p.base.is_number
               for p in e.atoms(sp.Pow))


def within_nodes(e: sp.Expr, bound: int) -> bool:
    """Whether the tree of ``e`` has at most ``bound`` nodes (counting stops past it)."""
    nodes = 0
    for _ in sp.preorder_traversal(e):
        nodes += 1
        if nodes > bound:
            return False
    return True


def suits_polynomial_algorithms(e: sp.Expr) -> bool:
    """Small enough, and free of large powers, for ``cancel``/``together``: their cost grows
    far faster than the expression (a derivative of a 25-fold composition spent 5 s in them)."""
    return within_nodes(e, POLYNOMIAL_NODES) and not has_large_powers(e)


# --- what SymPy's simplify and trigsimp may take -------------------------------------------

TRIG = {sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc}
# What SymPy's trigsimp and simplify cost grows with is the functions they look for
# identities between, far faster than with the size: trigsimp on a sum of 10 sines took
# 0.2 s, of 20 sines 1 s, of 40 sines 20 s; simplify with 7 hyperbolic functions in a
# 50-node expression did not finish in 20 s.  They run only within these counts (function
# applications in the tree, each occurrence counted), and then run to the end.
TRIG_FUNCTIONS = 12        # sin, cos, tan, cot, sec, csc
HYPERBOLIC_FUNCTIONS = 2   # sinh, cosh, tanh, coth, sech, csch
SIMPLIFY_FUNCTIONS = 16    # any function, for SymPy's simplify
HYPERBOLIC = {sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch}


class Shape:
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
      ``trig_identity_possible``) — outside sums, in a single product, the only identity
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
            if not self.trig_sums and trig_identity_possible(e):
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


def trig_identity_possible(total: sp.Add) -> bool:
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


def simplify_affordable(e: sp.Expr, shape: "Shape | None" = None) -> bool:
    """Whether SymPy's ``simplify`` may run on ``e``: few enough nodes for the polynomial
    algorithms it calls (``suits_polynomial_algorithms``), and few enough function
    applications — trig and hyperbolic ones above all — for its identity searches
    (``SIMPLIFY_FUNCTIONS``, ``TRIG_FUNCTIONS``, ``HYPERBOLIC_FUNCTIONS``).  A function of
    the expression alone: the same expression gets the same answer on any machine."""
    shape = shape or Shape(e)
    return (shape.identities_affordable and shape.functions <= SIMPLIFY_FUNCTIONS
            and suits_polynomial_algorithms(e))


# --- how deep an expression may nest ---------------------------------------------------------

# SymPy differentiates and substitutes recursively, some ten frames per level of nesting; the
# parser allows 200 levels, so the default limit of 1000 frames is not enough
RECURSION_LIMIT = 20_000


def deep_enough() -> None:
    """Let Python's stack hold the deepest expression the parser accepts."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
