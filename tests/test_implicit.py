"""Implicit differentiation (``derive "x^2 + y^2 = 25"``) and the verdict on an answer on a
curve (``derive check "x^2 + y^2 = 25" --answer …``): every result compared with SymPy's
``idiff`` and with the curve itself (y solved for where it can be), every printed formula read
back with derive's parser."""

from __future__ import annotations

import json
import re

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from derive import api
from derive.calculus.implicit_mistakes import FORGOT_DYDX, LOST_SIGN, mistakes
from derive.cli.main import run
from derive.present import readback
from derive.present.results import render as rendered
from derive.read.parsing import parse
from conftest import assert_compiles, assert_same_function

X, Y = sp.symbols("x y", real=True)

# the curves a course works, written as SymPy builds them (not through derive's grammar)
CURVES = {
    "x^2 + y^2 = 25": X**2 + Y**2 - 25,
    "x^3 + y^3 = 6xy": X**3 + Y**3 - 6 * X * Y,
    "sin(xy) = x + y": sp.sin(X * Y) - X - Y,
    "e^(xy) = x^2 y": sp.exp(X * Y) - X**2 * Y,
}


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def printed(equation, fmt="text", **options):
    with readback.checking(True):   # every formula printed is read back, as the CLI does
        return rendered(api.implicit(equation, **options), fmt)


def _implicit_diff(e):
    """d/dx of e with y a function of x, SymPy's own way."""
    f = sp.Function("Y")(X)
    p = sp.Symbol("p")
    return sp.diff(e.subs(Y, f), X).subs(sp.Derivative(f, X), p).subs(f, Y), p


@pytest.mark.parametrize("text", CURVES)
def test_dydx_is_sympys_idiff(text):
    solution = api.implicit(text)
    assert solution.verified
    assert_same_function(solution.result, sp.idiff(CURVES[text], Y, X))


@pytest.mark.parametrize("text", CURVES)
def test_each_term_and_the_differentiated_equation_are_true(text):
    solution = api.implicit(text)
    for term in solution.left + solution.right:
        derivative, p = _implicit_diff(term.term)
        shown = term.free + term.coefficient * p
        assert sp.simplify(derivative - shown) == 0, term
    # the gathered equation is the differentiated one rearranged: same left − right
    derivative, p = _implicit_diff(CURVES[text])
    left, right = solution.gathered
    gathered = sum(q.value for q in left) - sum(q.value for q in right)
    gathered = gathered.subs(sp.Symbol("implicit_dydx"), p)
    assert sp.simplify(gathered - derivative) == 0


def test_the_chain_rule_is_named_on_every_term_holding_y():
    solution = api.implicit("x^3 + y^3 = 6xy")
    rules = {str(t.term): t.rule for t in solution.left + solution.right}
    assert rules == {"x**3": "explicit", "y**3": "chain", "6*x*y": "product"}
    for text in ("sin(xy) = x + y", "e^(xy) = x^2 y"):
        solution = api.implicit(text)
        assert solution.left[0].rule == "chain-product"
        assert solution.left[0].inner_product


def test_printed_circle_reads_as_a_textbook_writes_it():
    text = printed("x^2 + y^2 = 25")
    assert "d/dx[y²] = 2y·dy/dx    (chain rule: y is a function of x)" in text
    assert "2x + 2y·dy/dx = 0" in text
    assert "2y·dy/dx = -2x" in text
    assert "-F_x/F_y" in text


@pytest.mark.parametrize("text", CURVES)
def test_every_printed_answer_line_is_dydx(text):
    """Every "dy/dx = … = …" line: each right side, read back, is SymPy's dy/dx."""
    oracle = sp.idiff(CURVES[text], Y, X)
    lines = [line.strip() for line in printed(text).splitlines()]
    answers = [line for line in lines if line.startswith("dy/dx = ")]
    assert answers
    for line in answers:
        for side in line.split(" = ")[1:]:
            assert_same_function(parse(side), oracle, label=line)


@pytest.mark.parametrize("text", CURVES)
@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_renders_in_every_format(text, fmt):
    out = printed(text, fmt, order=2)
    assert out.endswith("\n") and out.count("\n") > 5


@pytest.mark.parametrize("text", CURVES)
def test_latex_compiles(text, tmp_path):
    with readback.checking(True):
        tex = rendered(api.implicit(text, order=2), "latex", standalone=True)
    assert_compiles(tex, tmp_path, "implicit", text)


def test_json_result_in_sympy_syntax(capsys):
    code, out, _ = cli(capsys, "x^2 + y^2 = 25", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["result"] == "-x/y" and data["verified"]
    assert data["kind"] == "implicit" and data["dependent"] == "y" and data["wrt"] == "x"


def test_second_derivative_of_the_circle_uses_the_equation():
    solution = api.implicit("x^2 + y^2 = 25", order=2)
    second = solution.second
    assert_same_function(second.simplified, sp.idiff(CURVES["x^2 + y^2 = 25"], Y, X, 2))
    assert sp.simplify(second.reduced + 25 / Y**3) == 0
    # on the upper half, y = √(25 − x²): the second derivative of that function
    upper = sp.sqrt(25 - X**2)
    assert sp.simplify(second.reduced.subs(Y, upper) - sp.diff(upper, X, 2)) == 0
    assert "-25/y³    (using x² + y² = 25)" in printed("x^2 + y^2 = 25", order=2)


@pytest.mark.parametrize("text", CURVES)
def test_second_derivative_is_sympys(text):
    second = api.implicit(text, order=2).second
    oracle = sp.idiff(CURVES[text], Y, X, 2)
    assert_same_function(second.simplified, oracle)
    if second.reduced is not None:   # equal on the curve: F vanishes there
        numerator, _ = sp.fraction(sp.together(second.reduced - oracle))
        assert sp.reduced(sp.expand(numerator), [sp.expand(CURVES[text])], X, Y)[1] == 0


def test_at_a_point_of_the_curve(capsys):
    solution = api.implicit("x^2 + y^2 = 25", at="x=3,y=4")
    assert solution.value == sp.Rational(-3, 4)
    code, out, _ = cli(capsys, "x^2 + y^2 = 25", "--at", "x=3,y=4", "--format", "json")
    assert code == 0 and json.loads(out)["value"] == "-3/4"
    vertical = api.implicit("x^2 + y^2 = 25", at="x=5,y=0")
    assert vertical.value is None and vertical.reason == "vertical"
    singular = api.implicit("x^3 + y^3 = 6xy", at="x=0,y=0")
    assert singular.value is None and singular.reason == "singular"


def test_a_point_off_the_curve_is_one_line_exit_2(capsys):
    code, out, err = cli(capsys, "x^2 + y^2 = 25", "--at", "x=3,y=5")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "not on the curve" in err


@pytest.mark.parametrize("args", [["x^2 + = 25"], ["x^2 = 25"], ["x^2 + y^2 = 25", "--order", "3"],
                                  ["x^2 + y^2 = 25", "--gradient"], ["x^2 + y^2 + z = 1"]])
def test_bad_input_is_one_line_exit_2(capsys, args):
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("derive: error:") and "Traceback" not in err


def test_other_names(capsys):
    code, out, _ = cli(capsys, "t^2 + u^3 = 1", "--wrt", "t", "--dependent", "u",
                       "--format", "json")
    t, u = sp.symbols("t u", real=True)
    assert code == 0
    assert_same_function(parse(json.loads(out)["result"].replace("**", "^")),
                         sp.idiff(t**2 + u**3 - 1, u, t))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.integers(1, 4), b=st.integers(-3, 3).filter(bool), c=st.integers(-3, 3),
       m=st.integers(1, 3), n=st.integers(2, 3))
def test_polynomial_curves_against_idiff(a, b, c, m, n):
    text = f"{a}x^{m} + {b}y^{n} + {c}xy = 7"
    solution = api.implicit(text)
    assert solution.verified
    F = a * X**m + b * Y**n + c * X * Y - 7
    assert_same_function(solution.result, sp.idiff(F, Y, X))


# --- the verdict on an answer ----------------------------------------------------------------

def test_right_answers_on_the_curve(capsys):
    right = api.check("x^2 + y^2 = 25", "-x/y")
    assert right.correct and right.identical and not right.where
    # equal on the curve only, not as a formula in x and y
    on_curve = api.check("x^2 + y^2 = 25", "-x/(x^2 + y^2 + y - 25)")
    assert on_curve.correct and not on_curve.identical
    upper = api.check("x^2 + y^2 = 25", "-x/sqrt(25 - x^2)")
    assert upper.correct and upper.where == "y > 0"
    code, out, _ = cli(capsys, "check", "x^2 + y^2 = 25", "--answer", "-x/sqrt(25 - x^2)")
    assert code == 0 and "where y > 0" in out


def test_wrong_answers_name_the_mistake(capsys):
    forgot = api.check("x^3 + y^3 = 6xy", "(x^2 + y^2 - 2y)/(2x)")
    assert not forgot.correct and forgot.mistake.kind == FORGOT_DYDX
    assert forgot.mistake.term == Y**3
    sign = api.check("x^2 + y^2 = 25", "x/y")
    assert not sign.correct and sign.mistake.kind == LOST_SIGN
    x0, y0, answer, expected = sign.counterexample
    assert abs(x0**2 + y0**2 - 25) < 1e-3           # a point of the curve
    assert abs(answer - x0 / y0) < 1e-4 and abs(expected + x0 / y0) < 1e-4
    code, out, _ = cli(capsys, "check", "x^2 + y^2 = 25", "--answer", "x/y", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["mistake"]["kind"] == LOST_SIGN and data["expected"] == "-x/y"


@pytest.mark.parametrize("text", CURVES)
def test_every_distractor_is_wrong_on_the_curve(text):
    """A mistake's dy/dx differs from SymPy's idiff (it is a distractor, not the answer)."""
    oracle = sp.idiff(CURVES[text], Y, X)
    found = mistakes(api.implicit(text))
    assert found
    kinds = {m.kind for m in found}
    assert LOST_SIGN in kinds
    for m in found:
        assert sp.simplify(m.derivative - oracle) != 0, m


def test_check_renders_in_every_format(tmp_path):
    rendered_check = rendered
    verdict = api.check("x^3 + y^3 = 6xy", "(x^2 + y^2 - 2y)/(2x)")
    with readback.checking(True):
        text = rendered_check(verdict, "text")
        assert "leaving dy/dx off the derivative of y³" in text
        assert rendered_check(verdict, "markdown").count("$") > 4
        tex = rendered_check(verdict, "latex", standalone=True)
    assert_compiles(tex, tmp_path, "verdict")
    assert re.search(r"\(0\.37, [-0-9.]+\)", text)


def test_an_equation_from_standard_input(capsys, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("x^2 + y^2 = 25\n"))
    code, out, _ = cli(capsys, "-", "--format", "json")
    assert code == 0 and json.loads(out)["result"] == "-x/y"


@pytest.mark.parametrize("option", [["--style", "limit"], ["--method", "log"],
                                    ["--where", "u=x"]])
def test_options_that_do_not_go_with_an_equation(capsys, option):
    code, out, err = cli(capsys, "x^2 + y^2 = 25", *option)
    assert code == 2 and out == "" and "does not go with an equation" in err


# --- derive check --dependent NAME -------------------------------------------------------------

def test_check_with_a_dependent_variable_of_another_name(capsys):
    code, out, err = cli(capsys, "check", "x^2 + z^2 = 25", "--dependent", "z",
                         "--answer", "-x/z")
    assert code == 0 and err == "" and out.startswith("correct:") and "dz/dx" in out
    code, out, _ = cli(capsys, "check", "t^2 + u^3 = 1", "--wrt", "t", "--dependent", "u",
                       "--answer", "-2t/(3u^2)", "--format", "json")
    assert code == 0 and json.loads(out)["correct"]


def test_check_with_a_dependent_variable_names_the_mistake(capsys):
    code, out, _ = cli(capsys, "check", "x^2 + z^2 = 25", "--dependent", "z",
                       "--answer", "x/z", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["mistake"]["kind"] == LOST_SIGN and data["expected"] == "-x/z"


def test_check_dependent_y_is_the_default(capsys):
    assert cli(capsys, "check", "x^2 + y^2 = 25", "--dependent", "y", "--answer", "-x/y")[0] == 0


@pytest.mark.parametrize("args", [
    ["x^2", "--dependent", "z", "--answer", "2x"],                       # not an equation
    ["x^2 z", "--dependent", "z", "--answer", "2x z"],
    ["x^2 + z^2 = 25", "--dependent", "z", "--answer", "[-x/z]", "--gradient"],
    ["x^2 + z^2 = 25", "--dependent", "q", "--answer", "-x/z"],          # not in the equation
    ["x^2 + z^2 = 25", "--dependent", "z+1", "--answer", "-x/z"],
    ["x^2 + z^2 = 25", "--dependent", "z", "--answer", "-x/z", "--order", "2"],
    ["x^2 + z^2 = 25", "--dependent", "z", "--answer", "-x/y"],
])
def test_check_dependent_bad_input_is_an_error_exit_2(capsys, args):
    code, out, err = cli(capsys, "check", *args)
    assert code == 2 and out == ""
    assert err.startswith("derive: error:") and "Traceback" not in err


def test_check_dependent_beside_a_non_equation_is_one_line(capsys):
    code, out, err = cli(capsys, "check", "x^2", "--dependent", "z", "--answer", "2x")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--dependent" in err and "equation" in err


def test_check_help_names_dependent(capsys):
    code, out, _ = cli(capsys, "check", "--help")
    assert code == 0 and "--dependent NAME" in out
