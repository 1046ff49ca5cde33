"""Multiple-choice questions on two methods — implicit differentiation and the derivative
from first principles — whose wrong options are what named mistakes of the method give.

A question is the right answer and ``wrong`` wrong ones.  Each wrong option is the answer a
student reaches by making one mistake and otherwise working correctly; it is kept only when
it is provably different from the right answer and from every option kept before it, and
the options shown are checked once more, pairwise, before the question is made.  Which
mistakes are shown and in which order follow from the seed alone (``random.Random`` seeded
with the seed and the question's text), so the same seed gives the same question.

Implicit differentiation (F(x, y) = G(x, y), dy/dx = N/D)
----------------------------------------------------------

With each term's derivative written a + b·dy/dx, the differentiated equation is solved as

    dy/dx = (Σ_right a − Σ_left a) / (Σ_left b − Σ_right b).

The mistakes, each changing one thing in that working:

* ``forgot-dydx``: the dy/dx of one y-term left off (d/dx[y³] written 3y²: a + b·dy/dx
  becomes a + b), from ``derive.calculus.implicit_mistakes``.  When the term left off
  carries the only dy/dx of the equation (y² in x² + y² = 25) nothing is left to solve for,
  so the mistake gives no answer and no option;
* ``lost-sign``: a term moved across the equals sign without its sign changed, or the
  whole answer's sign lost (also from ``implicit_mistakes``);
* ``upside-down``: the equation b·dy/dx = a solved as dy/dx = b/a, the division the wrong
  way round (it gives dx/dy: −y/x for the circle);
* ``power-not-lowered``: the power rule on one term c·yⁿ (or c·xⁿ) with the power kept,
  d/dx[c·yⁿ] written n·c·yⁿ·dy/dx (n·c·xⁿ): that term's a or b multiplied by y (by x).

The answer and the options are functions of x and y, and what matters is their value on the
curve: −x/y and −x/(x² + y² + y − 25) are the same answer on x² + y² = 25.  So two of them
are compared at points of the curve, found numerically (``curve_points``: roots of
F(x₀, y) = 0 at several x₀, every branch).  They are the same when they agree, to 12
digits, at three points or more where both are real and differ at none; different when they
differ at one such point; not told apart otherwise (such a candidate is not used).

First principles (f′(x) = lim_{h→0} (f(x + h) − f(x))/h)
--------------------------------------------------------

Each mistake is worked honestly to the limit it leads to (SymPy's ``limit``, from both
sides); only finite, real limits that differ from f′ as functions of x are kept:

* ``f-of-x-plus-h``: f(x) + h written for f(x + h).  The quotient is
  (f(x) + h − f(x))/h = h/h = 1, so the "derivative" is 1 for every f.
* ``f-of-x-plus-f-of-h``: f(x + h) written f(x) + f(h) (f taken to be additive).  The
  quotient is f(h)/h: 0 for xⁿ with n ≥ 2, 1 for sin, infinite when f(0) ≠ 0.
* ``cross-terms-dropped`` (a polynomial): each (x + h)ⁿ written xⁿ + hⁿ.  For
  f = Σ aₙxⁿ the quotient is Σ aₙhⁿ⁻¹ → a₁, only the coefficient of x is left
  (x² gives 0, 3x² + 2x gives 2).
* ``sign-not-distributed`` (f a sum t₁ + t₂ + …): f(x + h) − f(x) written
  f(x + h) − t₁ + t₂ + …, the minus sign not carried through the bracket.  The numerator
  tends to 2(t₂ + …), usually not 0, so the quotient usually diverges and the mistake gives
  no option.
* ``h-cancelled-first-term-only``: the numerator f(x + h) − f(x), multiplied out and
  written by falling degree (6xh + 3h² + 2h for 3x² + 2x − 5), with h cancelled from its
  first term only.  That term becomes its coefficient, the others keep their h and vanish:
  the limit is 6x there, the coefficient of xh alone; for a single power xⁿ the first term
  nxⁿ⁻¹h is all of f′, and the mistake gives no option.
* ``cosine-limit-as-1`` and ``sine-limit-as-0`` (sin or cos of ax + b): after the addition
  formula the quotient holds (cos ah − 1)/h and (sin ah)/h, whose limits are 0 and a.
  Taking the first to be a (as if it were the second), or the second to be 0, gives the
  limits sin x + cos x and 0 for sin x.
* ``exponential-limit-as-0`` (e^(ax + b)): the quotient holds (e^(ah) − 1)/h, whose limit
  is a; taking it to be 0 gives 0.
* ``power-not-lowered``: the power rule with the power kept, d/dx[c·xⁿ] written n·c·xⁿ
  (for c·(ax + b)ⁿ: n·c·(ax + b)ⁿ·a).
* ``exponent-not-brought-down``: the power lowered but n not brought down, c·xⁿ⁻¹.
* ``inner-derivative-forgotten``: the chain rule without its last factor, d/dx[g(u)]
  written g′(u) (u = ax + b: the a left off).
* ``trig-derivative-sign``: d/dx[sin u] taken as −cos u·u′ and d/dx[cos u] as sin u·u′.
* ``exponential-as-power``: eᵘ differentiated as if it were a power of e with the power
  rule, u·eᵘ⁻¹·u′ (x·eˣ⁻¹ for eˣ).

The last five are the ordinary mistakes of differentiation, made on f directly.  Two
functions of x are the same when ``simplify`` makes their difference 0, or when they agree
at every sample point where both are real; different when they differ at one such point.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Optional, Sequence

import mpmath
import sympy as sp

from derive.calculus.first_principles_lines import FirstPrinciples, terms_of
from derive.calculus.implicit import ImplicitSolution, curve_points
from derive.calculus.implicit_mistakes import FORGOT_DYDX, LOST_SIGN, mistakes
from derive.core.numeric import value_at
from derive.core.picking import varied
from derive.errors import InputError, VerificationError, written

WRONG_OPTIONS = 3
UPSIDE_DOWN = "upside-down"
POWER_NOT_LOWERED = "power-not-lowered"

_TOLERANCE = mpmath.mpf("1e-12")
_MIN_POINTS = 3
_SAMPLES = ("0.37", "1.13", "2.29", "3.1", "-0.61", "-1.73", "0.83", "4.7")
_PARAMETERS = ("1.31", "-0.77", "2.17", "0.59")   # the values given to a function's constants

# how two answers compare: True provably different, False the same, None not told apart
Differ = Callable[[sp.Expr, sp.Expr], Optional[bool]]


@dataclass(frozen=True)
class MethodOption:
    """One option: the expression shown, whether it is right, and for a wrong one the
    mistake's ``id`` and the mistake in a sentence (``words``)."""

    expression: sp.Expr
    correct: bool
    id: Optional[str] = None
    words: str = ""


@dataclass(frozen=True)
class MethodChoice:
    """A question on a method: ``text`` as typed, its worked ``solution``, the options in
    the order shown."""

    text: str
    solution: object
    options: tuple[MethodOption, ...]
    seed: int

    @property
    def key(self) -> int:
        """The index of the right option."""
        return next(i for i, o in enumerate(self.options) if o.correct)

    @property
    def wrong(self) -> tuple[MethodOption, ...]:
        return tuple(o for o in self.options if not o.correct)


@dataclass(frozen=True)
class _Candidate:
    """A wrong answer as the mistake gives it (``raw``), before it is simplified to be
    shown."""

    raw: sp.Expr
    id: str
    words: str


# --- the question, whatever the method --------------------------------------------------

def _question(text: str, solution, right: sp.Expr, candidates: Sequence[_Candidate],
              seed: int, wrong: int, differ: Differ, shown: Callable[[sp.Expr], sp.Expr],
              what: str) -> MethodChoice:
    """The right answer and ``wrong`` of the distinct ``candidates``, shuffled by ``seed``."""
    rng = random.Random(f"derive-quiz:{seed}:{text}")
    found = _distinct(right, candidates, differ)
    if len(found) < wrong:
        raise InputError(f"the mistakes of {what} give only {len(found)} different wrong "
                         f"answer{'s' if len(found) != 1 else ''} for {text}; a "
                         f"multiple-choice question needs {wrong}")
    options = [MethodOption(right, True)]
    for c in _pick(found, wrong, rng):
        options.append(MethodOption(_as_shown(c.raw, shown, differ), False, c.id, c.words))
    _check_distinct(options, differ)
    rng.shuffle(options)
    return MethodChoice(text, solution, tuple(options), seed)


def _distinct(right: sp.Expr, candidates: Sequence[_Candidate], differ: Differ
              ) -> list[_Candidate]:
    """The candidates provably unlike the right answer and every candidate kept before."""
    kept: list[_Candidate] = []
    for c in candidates:
        if differ(c.raw, right) and all(differ(c.raw, k.raw) for k in kept):
            kept.append(c)
    return kept


def _pick(found: Sequence[_Candidate], count: int, rng: random.Random) -> list[_Candidate]:
    """``count`` candidates, as many different mistakes as possible, chosen by ``rng``."""
    return varied(found, count, rng, kind=lambda c: c.id)


def _as_shown(raw: sp.Expr, shown: Callable[[sp.Expr], sp.Expr], differ: Differ) -> sp.Expr:
    """``raw`` simplified as the right answer is, when that is provably the same answer."""
    simpler = shown(raw)
    return simpler if differ(simpler, raw) is False else raw


def _check_distinct(options: Sequence[MethodOption], differ: Differ) -> None:
    """Every pair of options shown is provably different."""
    for a, b in combinations(options, 2):
        if not differ(a.expression, b.expression):
            raise VerificationError(f"two options of the question are not different: "
                                    f"{written(a.expression)} and {written(b.expression)}")


def _agreement(pairs) -> Optional[bool]:
    """From (value, value) pairs (None: undefined there): True when they differ at one
    point, False when they agree at ``_MIN_POINTS`` or more, None otherwise."""
    agree = 0
    for a, b in pairs:
        if a is None or b is None:
            continue
        if abs(a - b) > _TOLERANCE * (1 + abs(b)):
            return True
        agree += 1
    return False if agree >= _MIN_POINTS else None


# --- implicit differentiation -----------------------------------------------------------

def implicit_choices(solution: ImplicitSolution, seed: int, wrong: int = WRONG_OPTIONS
                     ) -> MethodChoice:
    """A question "find dy/dx" on the curve of ``solution`` (from
    ``derive.calculus.implicit.implicit``): dy/dx and ``wrong`` wrong answers, each what a
    mistake of implicit differentiation gives, all different on the curve.  Raises
    ``InputError`` when the mistakes give fewer different wrong answers."""
    if not solution.verified:
        raise VerificationError("the worked solution failed its own check; this is a bug in "
                                "derive, please report it with the input")
    differ = _on_curve(solution)
    return _question(solution.input, solution, solution.result, implicit_candidates(solution),
                     seed, wrong, differ, _simplest, "implicit differentiation")


def implicit_candidates(solution: ImplicitSolution) -> list[_Candidate]:
    """Every wrong dy/dx the mistakes give (repeats included), in a fixed order."""
    found = [_Candidate(m.derivative, m.kind, _implicit_words(m, solution))
             for m in mistakes(solution) if m.derivative is not None]
    upside = _upside_down(solution)
    if upside is not None:
        found.append(_Candidate(upside, UPSIDE_DOWN, f"d{solution.y}/d{solution.x} found "
                                "upside down: its coefficient divided by the other terms"))
    found += _powers_kept(solution)
    return found


def _implicit_words(m, solution: ImplicitSolution) -> str:
    d = f"d{solution.y}/d{solution.x}"
    if m.kind == FORGOT_DYDX:
        return (f"{d} left off the derivative of {written(m.term)} "
                f"(written {written(m.shown)})")
    if m.kind == LOST_SIGN and m.term is not None:
        return (f"the {written(m.term)} term moved across the equals sign without its sign "
                "changed")
    return f"the sign of the whole answer lost while solving for {d}"


def _upside_down(solution: ImplicitSolution) -> Optional[sp.Expr]:
    """b/a for the equation b·dy/dx = a: the division the wrong way round."""
    if sp.simplify(solution.free) == 0:
        return None
    return sp.cancel(sp.together(solution.coefficient / solution.free))


def _powers_kept(solution: ImplicitSolution) -> list[_Candidate]:
    """For each term c·yⁿ (c·xⁿ), n ≠ 0, 1: dy/dx with that term's derivative written
    n·c·yⁿ·dy/dx (n·c·xⁿ)."""
    x, y = solution.x, solution.y
    found = []
    for t in solution.left + solution.right:
        base = (y if t.free == 0 and t.coefficient != 0 else
                x if t.coefficient == 0 and t.free != 0 else None)
        if base is None or _power(t.term, base) is None:
            continue
        free, coefficient = (t.free, t.coefficient * y) if base == y else (t.free * x,
                                                                           t.coefficient)
        answer = _solved(solution, t, free, coefficient)
        if answer is not None:
            kept = written(_power(t.term, base) * t.term) + (f"·d{y}/d{x}" if base == y else "")
            found.append(_Candidate(answer, POWER_NOT_LOWERED,
                                    f"the power of {written(t.term)} not lowered: its "
                                    f"derivative written {kept}"))
    return found


def _power(term: sp.Expr, base: sp.Symbol) -> Optional[sp.Expr]:
    """n when ``term`` is c·baseⁿ, c free of base and n a number other than 0 and 1."""
    c, n = term.as_coeff_exponent(base)
    if c.has(base) or not n.is_number or n in (0, 1) or sp.expand(c * base ** n - term) != 0:
        return None
    return n


def _solved(solution: ImplicitSolution, changed, free, coefficient) -> Optional[sp.Expr]:
    """dy/dx = (Σ_right a − Σ_left a)/(Σ_left b − Σ_right b) with the term ``changed``'s
    a and b replaced by ``free`` and ``coefficient``."""
    def parts(t):
        return (free, coefficient) if t is changed else (t.free, t.coefficient)
    a = sum((parts(t)[0] for t in solution.right), sp.S.Zero) - sum(
        (parts(t)[0] for t in solution.left), sp.S.Zero)
    b = sum((parts(t)[1] for t in solution.left), sp.S.Zero) - sum(
        (parts(t)[1] for t in solution.right), sp.S.Zero)
    if sp.simplify(b) == 0:
        return None
    return sp.cancel(sp.together(a / b))


def _simplest(e: sp.Expr) -> sp.Expr:
    """One fraction with no common factor, a minus sign taken out of both numerator and
    denominator when both have one (as dy/dx is shown)."""
    e = sp.cancel(sp.together(e))
    numerator, denominator = sp.fraction(e)
    if denominator.could_extract_minus_sign() and numerator.could_extract_minus_sign():
        return sp.expand(-numerator) / sp.expand(-denominator)
    return e


def _on_curve(solution: ImplicitSolution) -> Differ:
    """Comparison at points of the curve (found once, on first use)."""
    x, y = solution.x, solution.y
    points: list = []

    def differ(a: sp.Expr, b: sp.Expr) -> Optional[bool]:
        if not points:
            points.extend(curve_points(solution.equation.function, x, y, 12))
        return _agreement((_at(a, {x: p[0], y: p[1]}), _at(b, {x: p[0], y: p[1]}))
                          for p in points)
    return differ


def _at(e: sp.Expr, point: dict) -> Optional[mpmath.mpf]:
    return value_at(e, {k: sp.Float(v, 30) for k, v in point.items()})


# --- first principles -------------------------------------------------------------------

def first_principles_choices(result: FirstPrinciples, seed: int, wrong: int = WRONG_OPTIONS
                             ) -> MethodChoice:
    """A question "find f′(x) from first principles" on ``result`` (from
    ``derive.calculus.first_principles.first_principles``): f′ and ``wrong`` wrong answers,
    each the limit a mistake of the method leads to (or an ordinary mistake of
    differentiation), all different as functions of x.  Raises ``InputError`` when the
    mistakes give fewer different wrong answers (a constant, x + c)."""
    if not result.verified:
        raise VerificationError("the worked solution failed its own check; this is a bug in "
                                "derive, please report it with the input")
    x = result.variable
    differ = _as_functions(x)
    return _question(result.input, result, result.result, first_principles_candidates(result),
                     seed, wrong, differ, lambda e: _tidy(e, x), "first principles")


def first_principles_candidates(result: FirstPrinciples) -> list[_Candidate]:
    """Every finite, real wrong answer the mistakes give (repeats included), in a fixed
    order."""
    f, x, h = result.function.doit(), result.variable, result.step
    made = [
        ("f-of-x-plus-h", "f(x) + h written for f(x + h)", _plus_h(f, x, h)),
        ("cross-terms-dropped", "each (x + h)ⁿ written xⁿ + hⁿ, the cross terms dropped",
         _cross_terms_dropped(f, x, h)),
        ("f-of-x-plus-f-of-h", "f(x + h) written f(x) + f(h)", _additive(f, x, h)),
        ("sign-not-distributed", "the minus sign before f(x) not carried through the "
         "bracket: only its first term subtracted", _sign_not_distributed(result, x, h)),
        ("h-cancelled-first-term-only", "h cancelled from the first term of the numerator "
         "only", _first_term_only(f, x, h)),
        ("cosine-limit-as-1", "(cos h − 1)/h taken to tend to 1 (it tends to 0)",
         _standard_limits(f, x, h, 1, 1)),
        ("sine-limit-as-0", "sin h/h taken to tend to 0 (it tends to 1)",
         _standard_limits(f, x, h, 0, 0)),
        ("exponential-limit-as-0", "(eʰ − 1)/h taken to tend to 0 (it tends to 1)",
         _exponential_limit(f, x, h)),
        (POWER_NOT_LOWERED, "the power not lowered: d/dx[xⁿ] written n·xⁿ",
         _termwise(f, x, _power_kept)),
        ("exponent-not-brought-down", "the power lowered but not brought down: d/dx[xⁿ] "
         "written xⁿ⁻¹", _termwise(f, x, _power_not_multiplied)),
        ("inner-derivative-forgotten", "the chain rule's factor u′ left off: d/dx[g(u)] "
         "written g′(u)", _termwise(f, x, _inner_forgotten)),
        ("trig-derivative-sign", "the sign of the derivative of sin or cos wrong",
         _termwise(f, x, _trig_sign)),
        ("exponential-as-power", "eᵘ differentiated as a power: u·eᵘ⁻¹·u′",
         _termwise(f, x, _exponential_as_power)),
    ]
    return [_Candidate(raw, id, words) for id, words, raw in made
            if raw is not None and _finite_real(raw, x)]


def _limit(quotient: sp.Expr, h: sp.Symbol) -> Optional[sp.Expr]:
    """lim_{h→0} of ``quotient`` from both sides, or None where there is no finite one (a
    quotient in which h cancels is its own limit, kept in the form it cancels to)."""
    cancelled = sp.expand(sp.cancel(quotient))
    if not cancelled.has(h):
        return cancelled
    try:
        value = sp.limit(quotient, h, 0, "+-")
    except (ValueError, NotImplementedError, sp.PoleError):
        return None
    if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan, sp.AccumBounds, sp.Limit, h):
        return None
    return value


def _plus_h(f, x, h):
    """(f(x) + h − f(x))/h → 1."""
    return _limit((f + h - f) / h, h)


def _additive(f, x, h):
    """(f(x) + f(h) − f(x))/h = f(h)/h."""
    return _limit((f + f.subs(x, h) - f) / h, h)


def _cross_terms_dropped(f, x, h):
    """Σ aₙ(xⁿ + hⁿ) for f(x + h), f = Σ aₙxⁿ of degree 2 or more: the limit is a₁."""
    if not f.is_polynomial(x):
        return None
    poly = sp.Poly(f, x)
    if poly.degree() < 2:
        return None
    shifted = sum((a * (x ** n + h ** n) if n else a for (n,), a in poly.terms()), sp.S.Zero)
    return _limit((shifted - f) / h, h)


def _sign_not_distributed(result: FirstPrinciples, x, h):
    """(f(x + h) − t₁ + t₂ + …)/h for f = t₁ + t₂ + … as written."""
    terms = [t.doit() for t in terms_of(result.function)]
    if len(terms) < 2:
        return None
    f = sp.Add(*terms)
    return _limit((f.subs(x, x + h) - terms[0] + sp.Add(*terms[1:])) / h, h)


def _first_term_only(f, x, h):
    """f(x + h) − f(x) multiplied out, its terms in the order written (a polynomial in x
    and h by falling degree, x before h: 6xh + 3h² + 2h), h cancelled from the first only:
    first/h + the rest."""
    numerator = sp.expand(f.subs(x, x + h) - f)
    terms = _written_terms(numerator, x, h)
    if len(terms) < 2:
        return None
    return _limit(terms[0] / h + sp.Add(*terms[1:]), h)


def _written_terms(e: sp.Expr, x, h) -> list[sp.Expr]:
    if e.is_polynomial(x, h):
        poly = sp.Poly(e, x, h)
        return [c * x**i * h**j for (i, j), c in poly.terms(order="grlex")]
    return list(e.as_ordered_terms())


def _standard_limits(f, x, h, cosine: int, sine: int):
    """The quotient with sin(u + d) and cos(u + d) split by the addition formulas (d the
    part of the argument holding h), cos d written 1 + cosine·d and sin d written sine·d:
    (cos d − 1)/d and sin d/d taken to tend to ``cosine`` and ``sine`` (rightly 0 and 1)."""
    if not f.has(sp.sin, sp.cos) or (cosine, sine) == (0, 1):
        return None

    def split(kind):
        def rewrite(argument):
            u = argument.subs(h, 0)
            d = sp.expand(argument - u)
            if d == 0:
                return kind(argument)
            c, s = 1 + cosine * d, sine * d
            if kind is sp.sin:
                return sp.sin(u) * c + sp.cos(u) * s
            return sp.cos(u) * c - sp.sin(u) * s
        return rewrite
    shifted = f.subs(x, x + h).replace(sp.sin, split(sp.sin)).replace(sp.cos, split(sp.cos))
    return _limit(sp.expand(shifted - f) / h, h)


def _exponential_limit(f, x, h):
    """The quotient with e^(u + d) written e^u·(1 + 0·d), d the part of the exponent
    holding h: (e^d − 1)/d taken to tend to 0."""
    if not f.has(sp.exp):
        return None

    def split(argument):
        u = argument.subs(h, 0)
        return sp.exp(argument) if sp.expand(argument - u) == 0 else sp.exp(u)
    shifted = f.subs(x, x + h).replace(sp.exp, split)
    return _limit(sp.expand(shifted - f) / h, h)


def _termwise(f, x, wrong_derivative):
    """f′ with ``wrong_derivative`` of each term it applies to (the others right); None
    when it applies to none."""
    terms = sp.Add.make_args(sp.expand(f))
    wrong = [wrong_derivative(t, x) for t in terms]
    if all(w is None for w in wrong):
        return None
    return sp.Add(*(sp.diff(t, x) if w is None else w for t, w in zip(terms, wrong)))


def _power_of(term, x) -> Optional[tuple[sp.Expr, sp.Expr, sp.Expr]]:
    """(c, u, n) when ``term`` is c·uⁿ, u = ax + b (x itself, most often), n a number other
    than 0 and 1, c free of x."""
    c, rest = term.as_independent(x, as_Add=False)
    if not isinstance(rest, sp.Pow) or not rest.exp.is_number or rest.exp in (0, 1):
        return None
    u = rest.base
    if not u.is_polynomial(x) or sp.degree(u, x) != 1:
        return None
    return c, u, rest.exp


def _power_kept(term, x):
    """n·c·uⁿ·u′ for c·uⁿ."""
    found = _power_of(term, x)
    if found is None:
        return None
    c, u, n = found
    return n * c * u**n * sp.diff(u, x)


def _power_not_multiplied(term, x):
    """c·uⁿ⁻¹·u′ for c·uⁿ."""
    found = _power_of(term, x)
    if found is None:
        return None
    c, u, n = found
    return c * u**(n - 1) * sp.diff(u, x)


def _inner_forgotten(term, x):
    """c·g′(u) for c·g(u), u ≠ x: the chain rule's factor u′ left off."""
    c, rest = term.as_independent(x, as_Add=False)
    if isinstance(rest, sp.Pow) and not rest.exp.has(x):
        inner = rest.base
    elif isinstance(rest, (sp.Function, sp.exp)) and len(rest.args) == 1:
        inner = rest.args[0]
    else:
        return None
    if inner == x or not inner.has(x):
        return None
    t = sp.Dummy("t")
    return c * sp.diff(rest.xreplace({inner: t}), t).xreplace({t: inner})


def _trig_sign(term, x):
    """−c·cos u·u′ for c·sin u, c·sin u·u′ for c·cos u."""
    c, rest = term.as_independent(x, as_Add=False)
    if isinstance(rest, sp.sin):
        return -c * sp.cos(rest.args[0]) * sp.diff(rest.args[0], x)
    if isinstance(rest, sp.cos):
        return c * sp.sin(rest.args[0]) * sp.diff(rest.args[0], x)
    return None


def _exponential_as_power(term, x):
    """c·u·e^(u − 1)·u′ for c·e^u."""
    c, rest = term.as_independent(x, as_Add=False)
    if isinstance(rest, sp.exp):
        u = rest.args[0]
        return c * u * sp.exp(u - 1) * sp.diff(u, x)
    return None


def _finite_real(e: sp.Expr, x) -> bool:
    """Real at one sample point at least."""
    return any(value_at(e, p) is not None for p in _sample_points(x, e.free_symbols))


def _sample_points(x: sp.Symbol, symbols) -> list[dict]:
    """Points x = each of ``_SAMPLES``, the other letters (constants of f) fixed values."""
    others = sorted((s for s in symbols if s != x), key=lambda s: s.name)
    fixed = {s: sp.Float(v, 30) for s, v in zip(others, _PARAMETERS * (len(others) + 1))}
    return [{x: sp.Float(v, 30), **fixed} for v in _SAMPLES]


def _tidy(e: sp.Expr, x) -> sp.Expr:
    """A polynomial multiplied out; anything else in the shortest of its forms as given,
    multiplied out, as one fraction, simplified (sin x + cos x, not √2·sin(x + π/4))."""
    if e.is_polynomial(x):
        return sp.expand(e)
    forms = (e, sp.expand(e), sp.expand(sp.expand_trig(e)), sp.cancel(sp.together(e)),
             sp.simplify(e))
    return min(forms, key=sp.count_ops)


def _as_functions(x: sp.Symbol) -> Differ:
    """Comparison as functions of x: the same when ``simplify`` gives a difference 0,
    else at sample points."""
    def differ(a: sp.Expr, b: sp.Expr) -> Optional[bool]:
        if sp.simplify(a - b) == 0:
            return False
        points = _sample_points(x, a.free_symbols | b.free_symbols)
        return _agreement((value_at(a, p), value_at(b, p)) for p in points)
    return differ


__all__ = ["implicit_choices", "first_principles_choices", "MethodChoice", "MethodOption"]
