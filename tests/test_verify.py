"""The checker and the final form: a wrong step is caught whatever shortcut the checker takes,
values kept between checks stay right, and the final forms a teacher expects are reached.

Expected forms are worked by hand (identities named beside each)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from derive import differentiate
from derive.core.timing import phase, recording_phases
from derive.core.numeric import value_at
from derive.core.steps import DERIVATIVE, EQUAL, TOTAL, Step
from derive.core.verify import check_step, equivalent

x, u, v, w = (sp.Symbol(n, real=True) for n in "xuvw")


# --- a wrong step fails its check -------------------------------------------------------------

@pytest.mark.parametrize("rule, target, result, wrt", [
    ("power", u**3, 3 * u, u),                       # the exponent not lowered
    ("product", u * v * w, u * w + v, v),            # ∂(uvw)/∂v = uw, not uw + v
    ("sum", u + v + w, sp.Integer(2), v),            # ∂(u + v + w)/∂v = 1
    ("sin", sp.sin(u), -sp.cos(u), u),               # the sign of the derivative of sine
    ("constant", v, sp.Integer(0), v),               # v is not a constant in v
    ("constant", v, sp.Integer(1), u),               # d v/du = 0
    ("variable", u, sp.Integer(2), u),               # du/du = 1
])
def test_a_wrong_local_derivative_fails(rule, target, result, wrt):
    check = check_step(Step(rule, target, result, wrt, claim=DERIVATIVE), {})
    assert check is not None and not check.passed


@pytest.mark.parametrize("rule, target, result, wrt", [
    ("product", u * v * w, u * w, v),
    ("product", 3 * u**2 * sp.sin(v), 3 * u**2 * sp.cos(v), v),
    ("sum", u + v**2 + w, 2 * v, v),
    ("constant", v, sp.Integer(0), u),
    ("variable", u, sp.Integer(1), u),
])
def test_a_right_local_derivative_passes(rule, target, result, wrt):
    assert check_step(Step(rule, target, result, wrt, claim=DERIVATIVE), {}).passed


def test_a_wrong_rewriting_fails_with_a_point_and_both_values():
    right = 6 * x**2 * sp.cos(x**3) / sp.sin(x**3)
    wrong = 6 * x**2 * sp.tan(x**3)
    check = check_step(Step("simplify", right, wrong, claim=EQUAL), {})
    assert not check.passed and check.method == "numeric" and "x=" in check.detail


def test_a_wrong_chain_combination_fails():
    # u = x², y = sin u: dy/dx = cos(u)·2x; leaving out 2x is wrong
    y = sp.Symbol("y", real=True)
    names = {u: x**2, y: sp.sin(x**2)}
    wrong = Step("chain", y, sp.cos(u), x, of=y, claim=TOTAL)
    right = Step("chain", y, 2 * x * sp.cos(u), x, of=y, claim=TOTAL)
    assert not check_step(wrong, names).passed
    assert check_step(right, names).passed


def test_a_step_checks_what_it_claims_not_what_its_rule_is_called():
    # the claim is the step's own: a grouping step claims nothing, whatever its name
    assert check_step(Step("product", u * v, u, v), {}) is None
    assert check_step(Step("intermediates", u * v, u, v, claim=DERIVATIVE), {}).passed
    assert not check_step(Step("combine", u * v, u, v, claim=EQUAL), {}).passed


def test_forms_that_differ_by_a_small_amount_differ():
    assert not equivalent(sp.sin(x) ** 2, sp.sin(x) ** 2 + sp.Rational(1, 10**6)).passed
    assert not equivalent(sp.exp(x), 1 + x + x**2 / 2 + x**3 / 6 + x**4 / 24).passed


def test_equal_forms_are_equal_where_both_are_defined():
    assert equivalent((x**2 - 1) / (x - 1), x + 1).passed
    assert equivalent(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1)).passed
    assert equivalent(sp.log(x**2), 2 * sp.log(x), domain=sp.log(x)).passed


# --- values kept between evaluations ----------------------------------------------------------

def test_values_at_a_point_stay_right_across_expressions():
    point = {x: sp.Rational(-1, 2)}
    assert value_at(sp.log(x), point) is None            # outside the real domain
    assert value_at(sp.log(x) + 1, point) is None        # and so is anything built on it
    assert value_at(sp.log(x**2), point) == pytest.approx(float(sp.log(sp.Rational(1, 4))))
    assert value_at(x, point) == mpmath.mpf(-0.5)
    for k in range(1, 6):
        p = {x: sp.Rational(k, 7)}
        assert abs(value_at(sp.sin(x) ** 2 + sp.cos(x) ** 2, p) - 1) < mpmath.mpf(10) ** -25
        assert value_at(sp.sin(x) ** 2, p) == pytest.approx(float(sp.sin(sp.Rational(k, 7)) ** 2))


def test_the_same_point_in_another_variable_is_another_point():
    assert value_at(x + 1, {x: sp.Integer(2)}) == 3
    assert value_at(x + 1, {u: sp.Integer(2)}) is None   # x has no value there


# --- final forms --------------------------------------------------------------------------------

@pytest.mark.parametrize("function, expected", [
    ("x sin(x)^2 + x cos(x)^2", sp.Integer(1)),                     # sin² + cos² = 1
    ("sin(x)^3 + cos(x)^2 sin(x)", sp.cos(x)),                      # = sin x (sin² + cos²)
    ("tan(x) - x", sp.tan(x) ** 2),                                 # sec² − 1 = tan²
    ("e^x + x e^x", (x + 2) * sp.exp(x)),                           # common factor eˣ
    ("(x^2 - 1)/(x - 1)", sp.Integer(1)),                           # the quotient is x + 1
    ("log10(3x + 1)", 3 / ((3 * x + 1) * sp.log(10))),              # one fraction
    ("ln(sin(x^3)^2)", 6 * x**2 * sp.cot(x**3)),                    # cos/sin = cot
])
def test_final_forms(function, expected):
    solution = differentiate(function)
    assert solution.verified
    assert solution.result == expected


def test_no_fraction_inside_a_fraction():
    # atanh(x/2)' = (1/2)/(1 − x²/4) = 2/(4 − x²)
    assert differentiate("atanh(x/2)").result in (2 / (4 - x**2), -2 / (x**2 - 4))


# --- time per phase -----------------------------------------------------------------------------

def test_phases_record_their_own_time():
    with recording_phases() as seconds:
        with phase("outer"):
            with phase("inner"):
                sum(range(10_000))
        solution = differentiate("sin(x^2)")
    assert solution.verified
    assert {"outer", "inner", "parsing", "differentiating", "simplifying",
            "checking the steps", "checking the answer"} <= set(seconds)
    assert all(s >= 0 for s in seconds.values())
    assert seconds["inner"] > 0 and seconds["outer"] >= 0


def test_values_are_kept_within_a_solution_only():
    """A long session must not keep every expression it ever checked alive."""
    from derive.core import numeric
    assert differentiate("sin(x)^2 + x").verified
    assert numeric._kept.get() is None
    with numeric.values_kept():
        value_at(sp.sin(x) + 1, {x: sp.Integer(1)})
        assert len(numeric._kept.get()) == 2          # the point, at 30 and at 60 digits
    assert numeric._kept.get() is None


def test_trig_identities_are_tried_only_where_they_can_act():
    from derive.core.sizes import trig_identity_possible as _trig_identity_possible
    assert _trig_identity_possible(sp.sin(x) ** 2 + sp.cos(x) ** 2)          # a square
    assert _trig_identity_possible(2 * sp.sin(x) * sp.cos(x) + sp.cos(x))    # a product
    assert _trig_identity_possible(sp.cos(2 * x) + sp.sin(x))                # 2x and x
    assert not _trig_identity_possible(x * sp.cos(x) + sp.sin(x))            # nothing to do
    assert not _trig_identity_possible(sp.cos(x**2) + 1)


@pytest.mark.parametrize("function, last", [
    ("sin(x^2)", "= 2x cos(x²)"),             # not cos(x²)·2x: the coefficient first
    ("e^(3x)", "= 3e³ˣ"),
    ("3^(x^2)", "= 2x·3^(x²) ln(3)"),
    ("pi x^2", "= 2πx"),
    ("sin(x + x^2)", "= (2x + 1) cos(x + x²)"),  # new sums highest power first,
    # the function's own argument as written
])
def test_the_worked_solution_ends_the_way_a_teacher_writes_the_answer(function, last):
    lines = [l.strip() for l in differentiate(function, style="graph").render("text").splitlines()
             if l.strip()]
    final = lines[-2]                           # the line before "checked: …"
    assert final.split("    (")[0].endswith(last), final


def test_a_derivative_free_of_a_variable_is_compared_where_the_function_is_defined():
    """d(|x| + y)/dx = sign(x) has no y, but is compared on the domain of |x| + y, which has:
    the points must give y a value too, else no point is ever usable."""
    x, y = sp.symbols("x y", real=True)
    verdict = equivalent(x / sp.Abs(x), sp.sign(x), sp.Abs(x) + y)
    assert verdict.passed and verdict.method == "numeric"
    assert not equivalent(-x / sp.Abs(x), sp.sign(x), sp.Abs(x) + y).passed
