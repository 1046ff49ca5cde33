"""Multiple-choice questions on implicit differentiation and on first principles
(``derive.calculus.choices``): the right option is the method's answer, every wrong option is
what a named mistake gives, and every option differs from every other — on the curve for
implicit differentiation (checked here at points of the curve found independently: the
circle solved for y, the folium by its parametrization, the others by ``nsolve``), as
functions of x for first principles.  The same seed gives the same question."""

from __future__ import annotations

from itertools import combinations

import pytest
import sympy as sp

from derive.calculus.choices import (MethodChoice, MethodOption, _as_functions,
                                     _check_distinct, _on_curve, first_principles_candidates,
                                     first_principles_choices, implicit_candidates,
                                     implicit_choices)
from derive.calculus.first_principles import first_principles
from derive.calculus.implicit import implicit
from derive.errors import InputError, VerificationError

SEEDS = range(8)


def _xy(solution):
    return solution.x, solution.y


def _curve_points(text, solution):
    """Points of the curve, found without derive's own point finder."""
    x, y = _xy(solution)
    if text.startswith("x^2+y^2"):
        return [(x0, s * sp.sqrt(25 - x0**2)) for x0 in (sp.Rational(3), sp.Rational(-1, 3),
                                                          sp.Rational(7, 2)) for s in (1, -1)]
    if text.startswith("x^3+y^3"):
        return [(6 * t / (1 + t**3), 6 * t**2 / (1 + t**3))
                for t in (sp.Rational(1, 3), sp.Rational(1, 2), 2, 3, sp.Rational(-1, 2))]
    F = solution.equation.function
    found = []
    for x0 in (sp.Rational(1, 3), sp.Rational(-1, 2), sp.Rational(3, 2), 2):
        for guess in (-2, -0.5, 0.5, 2):
            try:
                y0 = sp.nsolve(F.subs(x, x0), y, guess, prec=30)
            except (ValueError, ZeroDivisionError):
                continue
            if y0.is_real and abs(F.subs({x: x0, y: y0})) < 1e-20:
                found.append((x0, y0))
    return found


def _value(e, x, y, point):
    v = sp.N(e.subs({x: point[0], y: point[1]}), 30)
    return v if v.is_real and v.is_finite else None


def _differ_on_curve(a, b, text, solution):
    """A point of the curve where both are real and differ."""
    x, y = _xy(solution)
    for p in _curve_points(text, solution):
        va, vb = _value(a, x, y, p), _value(b, x, y, p)
        if va is not None and vb is not None and abs(va - vb) > 1e-9 * (1 + abs(vb)):
            return p
    return None


def _same_question(a: MethodChoice, b: MethodChoice) -> bool:
    return [(sp.srepr(o.expression), o.id) for o in a.options] == [
        (sp.srepr(o.expression), o.id) for o in b.options]


# --- implicit differentiation ---------------------------------------------------------------

CURVES = ("x^2+y^2=25", "x^3+y^3=6x y", "sin(x y) = x + y", "e^(x y) = x^2 y")


@pytest.mark.parametrize("text", CURVES)
def test_each_wrong_option_differs_on_the_curve(text):
    solution = implicit(text)
    q = implicit_choices(solution, 0)
    assert len(q.options) == 4 and len(q.wrong) == 3
    right = q.options[q.key]
    assert right.correct and right.expression == solution.result
    x, y = _xy(solution)
    assert sp.simplify(right.expression - sp.idiff(solution.equation.function, y, x)) == 0
    for o in q.wrong:
        assert o.id and o.words and not o.correct
        assert _differ_on_curve(o.expression, right.expression, text, solution) is not None, o
    for a, b in combinations(q.options, 2):
        assert _differ_on_curve(a.expression, b.expression, text, solution) is not None, (a, b)


def test_circle():
    """x² + y² = 25: dy/dx = −x/y.  Leaving dy/dx off y² leaves 2x + 2y = 0, with no dy/dx
    to solve for, so forgetting dy/dx gives no option here; the wrong options come from a
    sign lost (x/y), the division upside down (−y/x) and a power not lowered (−x/y², −x²/y)."""
    solution = implicit("x^2+y^2=25")
    x, y = _xy(solution)
    assert solution.result == -x / y
    shown = {}
    for seed in SEEDS:
        q = implicit_choices(solution, seed)
        assert q.options[q.key].expression == -x / y
        shown.update({sp.srepr(o.expression): o for o in q.wrong})
    kinds = {o.id for o in shown.values()}
    assert kinds == {"lost-sign", "upside-down", "power-not-lowered"}
    assert "forgot-dydx" not in {c.id for c in implicit_candidates(solution)}
    wanted = {x / y, -y / x, -x / y**2, -x**2 / y}
    assert {sp.srepr(e) for e in wanted} == set(shown)
    with pytest.raises(InputError, match="only 4 different wrong answers"):
        implicit_choices(solution, 0, wrong=5)


def test_folium_offers_forgetting_dydx():
    solution = implicit("x^3+y^3=6x y")
    x, y = _xy(solution)
    forgot = (x**2 + y**2 - 2 * y) / (2 * x)
    seen = set()
    for seed in SEEDS:
        q = implicit_choices(solution, seed)
        for o in q.wrong:
            seen.add(o.id)
            if o.id == "forgot-dydx" and sp.simplify(o.expression - forgot) == 0:
                assert "y³" in o.words or "y**3" in o.words
    assert "forgot-dydx" in seen and "lost-sign" in seen
    # the whole answer's sign lost, −(x² − 2y)/(2x − y²), is shown as one fraction
    assert any(sp.simplify(c.raw + solution.result) == 0 for c in implicit_candidates(solution))


@pytest.mark.parametrize("text", ["sin(x y) = x + y", "e^(x y) = x^2 y"])
def test_transcendental_curves_have_enough_mistakes(text):
    solution = implicit(text)
    kinds = {c.id for c in implicit_candidates(solution)}
    assert {"forgot-dydx", "lost-sign", "upside-down"} <= kinds
    assert len(implicit_choices(solution, 3).options) == 4


def test_equal_on_the_curve_counts_as_the_same():
    """−x/(x² + y² + y − 25) is −x/y on the circle: not a different option."""
    solution = implicit("x^2+y^2=25")
    x, y = _xy(solution)
    differ = _on_curve(solution)
    assert differ(-x / (x**2 + y**2 + y - 25), -x / y) is False
    assert differ(x / y, -x / y) is True


@pytest.mark.parametrize("text", CURVES)
def test_implicit_question_is_reproducible(text):
    solution = implicit(text)
    assert _same_question(implicit_choices(solution, 5), implicit_choices(implicit(text), 5))


def test_seeds_change_the_question():
    solution = implicit("x^3+y^3=6x y")
    questions = [implicit_choices(solution, s) for s in SEEDS]
    assert len({tuple((sp.srepr(o.expression), o.id) for o in q.options)
                for q in questions}) > 1
    assert len({q.key for q in questions}) > 1


# --- first principles -----------------------------------------------------------------------

FUNCTIONS = ("x^2", "3x^2+2x-5", "x^3", "1/x", "sqrt(x)", "sin(x)")


@pytest.mark.parametrize("text", FUNCTIONS)
def test_first_principles_options(text):
    result = first_principles(text)
    x = result.variable
    q = first_principles_choices(result, 0)
    assert len(q.options) == 4 and sum(o.correct for o in q.options) == 1
    right = q.options[q.key].expression
    assert sp.simplify(right - sp.diff(result.function.doit(), x)) == 0
    differ = _as_functions(x)
    for a, b in combinations(q.options, 2):
        assert sp.simplify(a.expression - b.expression) != 0, (a, b)
        assert differ(a.expression, b.expression) is True
    for o in q.wrong:
        assert o.id and o.words
        if o.id == "f-of-x-plus-h":
            assert o.expression == 1
        if o.id == "cosine-limit-as-1":
            assert o.expression == sp.sin(x) + sp.cos(x)


@pytest.mark.parametrize("text, expected", [
    ("x^2", {"f-of-x-plus-h": 1, "cross-terms-dropped": 0, "f-of-x-plus-f-of-h": 0,
             "power-not-lowered": "2*x**2",
             "exponent-not-brought-down": "x"}),
    ("3x^2+2x-5", {"f-of-x-plus-h": 1, "cross-terms-dropped": 2,
                   "h-cancelled-first-term-only": "6*x",
                   "power-not-lowered": "6*x**2 + 2", "exponent-not-brought-down": "3*x + 2"}),
    ("x^3", {"f-of-x-plus-h": 1, "cross-terms-dropped": 0, "f-of-x-plus-f-of-h": 0,
             "power-not-lowered": "3*x**3",
             "exponent-not-brought-down": "x**2"}),
    ("1/x", {"f-of-x-plus-h": 1, "power-not-lowered": "-1/x",
             "exponent-not-brought-down": "1/x**2"}),
    ("sqrt(x)", {"f-of-x-plus-h": 1, "power-not-lowered": "sqrt(x)/2",
                 "exponent-not-brought-down": "1/sqrt(x)"}),
    ("sin(x)", {"f-of-x-plus-h": 1, "f-of-x-plus-f-of-h": 1,
                "cosine-limit-as-1": "sin(x) + cos(x)", "sine-limit-as-0": 0,
                "trig-derivative-sign": "-cos(x)"}),
])
def test_each_mistake_worked_to_its_limit(text, expected):
    """The mistakes that lead to a finite limit other than f′, with that limit (repeats
    included: for sin, f(x) + f(h) gives sin h/h → 1, as f(x) + h does); those that diverge
    (the sign not carried through 3x² + 2x − 5 leaves 2(2x − 5)/h) are absent, and so are
    those that happen to give f′ (h cancelled from the first term only, for xⁿ)."""
    result = first_principles(text)
    x = result.variable
    found = {c.id: c.raw for c in first_principles_candidates(result)
             if sp.simplify(c.raw - result.result) != 0}
    assert set(found) == set(expected)
    for kind, value in expected.items():
        want = sp.sympify(value, locals={"x": x}) if isinstance(value, str) else value
        assert sp.simplify(found[kind] - want) == 0, (kind, found[kind])


@pytest.mark.parametrize("text, wrt, kinds", [
    ("e^x", None, {"f-of-x-plus-h", "exponential-limit-as-0", "exponential-as-power"}),
    ("2/(x+1)", None, {"f-of-x-plus-h", "power-not-lowered", "exponent-not-brought-down"}),
    ("sqrt(2x+1)", None, {"f-of-x-plus-h", "power-not-lowered", "inner-derivative-forgotten",
                          "exponent-not-brought-down"}),
    ("a x^2 + b x + c", "x", {"f-of-x-plus-h", "cross-terms-dropped",
                              "h-cancelled-first-term-only", "exponent-not-brought-down",
                              "power-not-lowered"}),
])
def test_other_functions(text, wrt, kinds):
    """Powers of ax + b, eˣ, and a function with other letters (constants) in it."""
    result = first_principles(text, wrt) if wrt else first_principles(text)
    x = result.variable
    found = [c for c in first_principles_candidates(result)
             if sp.simplify(c.raw - result.result) != 0]
    assert {c.id for c in found} == kinds
    q = first_principles_choices(result, 1)
    assert sp.simplify(q.options[q.key].expression - sp.diff(result.function.doit(), x)) == 0
    for a, b in combinations(q.options, 2):
        assert sp.simplify(a.expression - b.expression) != 0


def test_mistakes_that_diverge_give_no_option():
    """(f(x + h) − 3x² + 2x − 5)/h: the numerator tends to 4x − 10, the quotient diverges;
    f(x) + f(h) for 3x² + 2x − 5 leaves (3h² + 2h − 5)/h, which diverges too."""
    result = first_principles("3x^2+2x-5")
    kinds = [c.id for c in first_principles_candidates(result)]
    assert "sign-not-distributed" not in kinds and "f-of-x-plus-f-of-h" not in kinds
    assert len(kinds) == len(set(kinds))


def test_first_principles_reproducible_and_refused():
    result = first_principles("3x^2+2x-5")
    assert _same_question(first_principles_choices(result, 7),
                          first_principles_choices(first_principles("3x^2+2x-5"), 7))
    for text in ("5", "x+3"):
        with pytest.raises(InputError, match="multiple-choice question needs 3"):
            first_principles_choices(first_principles(text), 0)
    with pytest.raises(InputError, match="only 3 different wrong answers"):
        first_principles_choices(first_principles("1/x"), 0, wrong=4)


def test_equal_options_are_a_verification_error():
    x = sp.Symbol("x")
    options = [MethodOption(2 * x, True), MethodOption(x + x, False, "same", "the same")]
    with pytest.raises(VerificationError):
        _check_distinct(options, _as_functions(x))
