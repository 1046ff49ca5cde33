"""Logarithmic differentiation as a method (``derive EXPR --method log``): ln of both sides,
the laws of logarithms, both sides differentiated, multiplied back by y — each printed line
read back with derive's parser and compared with SymPy, which works the same function on its
own (``diff`` of the function, of its logarithm)."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from derive import api
from derive.cli.main import run
from derive.errors import InputError
from derive.present import readback
from derive.present.log_method import document
from derive.present.results import render as rendered
from derive.read.parsing import parse
from conftest import assert_compiles, assert_same_function

X = sp.Symbol("x", real=True)
BOOK = "(x+1)^2 (x-3)^5 / sqrt(x)"
BOOK_FUNCTION = (X + 1) ** 2 * (X - 3) ** 5 / sp.sqrt(X)

# products, quotients and powers a textbook gives for logarithmic differentiation
FUNCTIONS = {
    BOOK: BOOK_FUNCTION,
    "x^x": X ** X,
    "x^(sin x)": X ** sp.sin(X),
    "(x^2+1)^3 sqrt(x-1) / (2x+3)^4": (X**2 + 1) ** 3 * sp.sqrt(X - 1) / (2 * X + 3) ** 4,
    "x^3 e^(2x) / (x^2 + 4)": X**3 * sp.exp(2 * X) / (X**2 + 4),
    "sin(x)^2 cos(x)^3": sp.sin(X) ** 2 * sp.cos(X) ** 3,
    "-3x^2 (x+1)^5 / 7": -sp.Rational(3, 7) * X**2 * (X + 1) ** 5,
    "(2x+1)^(3/2) / (x-1)^2": (2 * X + 1) ** sp.Rational(3, 2) / (X - 1) ** 2,
    "x / (1 - x)": X / (1 - X),
    "(x^2+1)^(sin x) x^2": (X**2 + 1) ** sp.sin(X) * X**2,
}


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def printed_text(expression):
    with readback.checking(True):   # every formula printed is read back, as the CLI does
        return document(api.log_differentiation(expression), "text", width=0)


def after(line_start: str, text: str) -> list[str]:
    """The right sides of the lines that begin with ``line_start`` (spaces stripped)."""
    return [line.strip()[len(line_start):] for line in text.splitlines()
            if line.strip().startswith(line_start)]


def continuation(after_line: str, text: str) -> str:
    """The right side of the ``= …`` line that follows the line beginning ``after_line``."""
    lines = [line.strip() for line in text.splitlines()]
    index = next(i for i, line in enumerate(lines) if line.startswith(after_line))
    assert lines[index + 1].startswith("= "), lines[index + 1]
    return lines[index + 1][2:]


def read(printed: str) -> sp.Expr:
    return parse(printed, printed=True).doit().subs(sp.Symbol("x", real=True), X)


# --- the book's example, line by line ----------------------------------------------------

def test_book_example_reads_as_a_textbook_writes_it():
    out = printed_text(BOOK)
    assert "ln(|y|) = ln(|(x + 1)²(x - 3)⁵/√x|)" in out
    assert "= 2 ln(|x + 1|) + 5 ln(|x - 3|) - ln(x)/2    (power law ln(aⁿ) = n ln a)" in out
    assert "product law ln(ab) = ln a + ln b, quotient law ln(a/b) = ln a - ln b" in out
    assert "d/dx[ln(|y|)] = 1/y · dy/dx    (chain rule)" in out
    assert "d/dx[5 ln(|x - 3|)] = 5 · 1/(x - 3) = 5/(x - 3)" in out
    assert "1/y · dy/dx = 2/(x + 1) + 5/(x - 3) - 1/(2x)" in out
    assert "dy/dx = y(2/(x + 1) + 5/(x - 3) - 1/(2x))" in out
    assert out.rstrip().endswith("checked: every step and the answer agree with SymPy's "
                                 "derivative")


def test_book_example_printed_lines_are_true():
    """Each printed line, read back by derive's parser, against SymPy's own work."""
    out = printed_text(BOOK)
    logarithm = sp.log(sp.Abs(BOOK_FUNCTION))
    expansions = [read(rhs.split("    (")[0]) for rhs in after("= ", out) if "ln" in rhs]
    assert len(expansions) == 2
    for expansion in expansions:   # equal wherever the function is defined (x > 0, x ≠ 3)
        assert_same_function(expansion, logarithm, BOOK_FUNCTION, "log laws")
    (bracket,) = after("1/y · dy/dx = ", out)
    assert_same_function(read(bracket), sp.diff(BOOK_FUNCTION, X) / BOOK_FUNCTION,
                         BOOK_FUNCTION, "bracket")
    answer = continuation("dy/dx = y(", out)
    assert_same_function(read(answer), sp.diff(BOOK_FUNCTION, X), BOOK_FUNCTION, "answer")


# --- every function: checked, and right ---------------------------------------------------

@pytest.mark.parametrize("expression", FUNCTIONS)
def test_answer_equals_sympy_derivative_and_every_step_is_checked(expression):
    function = FUNCTIONS[expression]
    solved = api.log_differentiation(expression)
    assert solved.verified, solved.failed_checks
    assert_same_function(solved.result, sp.diff(function, X), function, expression)
    # the right side of ln|y| = … is the logarithm of the function where it is defined, and
    # its derivative y′/y
    right = solved.differentiated.target
    assert_same_function(right, sp.log(sp.Abs(function)), function, expression + " logarithm")
    assert_same_function(solved.bracket, sp.diff(function, X) / function, function,
                         expression + " bracket")
    rules = {c.rule for c in solved.checks}
    assert {"differentiate-both-sides", "multiply-back", "answer"} <= rules


@pytest.mark.parametrize("expression", FUNCTIONS)
def test_each_term_derivative_line_is_true(expression):
    """d/dx[k ln|f|] = … : the printed right side is SymPy's derivative of the printed term."""
    out = printed_text(expression)
    lines = [line.strip().removeprefix("so ") for line in out.splitlines()
             if line.strip().removeprefix("so ").startswith("d/dx[") and "ln" in line
             and "(chain rule)" not in line and "]:" not in line]
    assert lines
    for line in lines:
        body = line.split("    (")[0]
        target, *values = body.split(" = ")
        term = read(target[len("d/dx["):-1])
        for value in values:
            if "′" not in value:   # f′g + fg′: the rule's own letters, not a value
                assert_same_function(read(value), sp.diff(term, X), None, line)


def test_absolute_values_where_a_factor_can_be_negative():
    out = printed_text("(x^2+1)^3 sqrt(x-1) / (2x+3)^4")
    assert "3 ln(x² + 1)" in out          # never negative: no bars
    assert "ln(x - 1)/2" in out           # under a square root: positive where defined
    assert "4 ln(|2x + 3|)" in out        # can be negative: bars
    assert "ln(|y|)" in out


def test_variable_exponent_says_where_the_base_is_positive():
    out = printed_text("x^(sin x)")
    assert "for x > 0" in out
    assert "ln(y) = ln(x^(sin(x)))" in out
    assert "the product rule" in out
    assert "ln(|y|)" not in out


def test_exponential_factor_has_its_exponent_as_logarithm():
    solved = api.log_differentiation("x^3 e^(2x) / (x^2 + 4)")
    assert "exponential" in solved.laws
    assert 2 * X in [sp.sympify(t) for t in sp.Add.make_args(solved.differentiated.target)]


def test_constant_factor_has_a_constant_logarithm():
    solved = api.log_differentiation("-3x^2 (x+1)^5 / 7")
    terms = [s.target for s in solved.differentiated.substeps]
    assert sp.log(3) in [t.doit() for t in terms] and -sp.log(7) in [t.doit() for t in terms]
    assert [s.result for s in solved.differentiated.substeps][-2:] == [0, 0]


def test_quotient_alone_names_only_the_quotient_law():
    assert api.log_differentiation("x / (1 - x)").laws == ("quotient",)


# --- what it refuses ----------------------------------------------------------------------

@pytest.mark.parametrize("expression", ["sin(x)", "x^2 + 1", "3 sin(x)", "ln(x)"])
def test_not_a_product_quotient_or_power_is_refused(expression):
    with pytest.raises(InputError, match="needs a product, quotient or power"):
        api.log_differentiation(expression)


def test_a_constant_is_refused():
    with pytest.raises(InputError, match="does not depend on x"):
        api.log_differentiation("5")


def test_cli_refusal_is_one_line_exit_2(capsys):
    code, out, err = cli(capsys, "sin(x) + x", "--method", "log")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--method log" in err


@pytest.mark.parametrize("extra", [["--order", "2"], ["--at", "x=1"], ["--style", "graph"],
                                   ["--gradient"], ["--where", "u=x"]])
def test_cli_options_that_do_not_go_with_the_method(capsys, extra):
    code, _, err = cli(capsys, "x^x", "--method", "log", *extra)
    assert code == 2 and "does not go with --method log" in err


def test_bad_input_is_one_line(capsys):
    code, _, err = cli(capsys, "(x+1", "--method", "log")
    assert code == 2 and "Traceback" not in err


# --- the default is unchanged -------------------------------------------------------------

def test_default_method_is_the_rules(capsys):
    code, out, _ = cli(capsys, BOOK)
    assert code == 0 and "Take the natural logarithm" not in out
    code, same, _ = cli(capsys, BOOK, "--method", "rules")
    assert same == out


# --- every format -------------------------------------------------------------------------

def test_json_result_is_the_derivative(capsys):
    code, out, _ = cli(capsys, BOOK, "--method", "log", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["verified"] and data["method"] == "log"
    result = parse(data["result"].replace("**", "^").replace("log(", "ln(").replace("*", " "))
    assert_same_function(result.subs(sp.Symbol("x", real=True), X),
                         sp.diff(BOOK_FUNCTION, X), BOOK_FUNCTION, "json")
    assert [t["derivative"] for t in data["terms"]] == ["2/(x + 1)", "5/(x - 3)", "-1/(2*x)"]


def test_markdown(capsys):
    code, out, _ = cli(capsys, BOOK, "--method", "log", "--format", "markdown")
    assert code == 0
    assert r"\ln\left(\left\lvert y \right\rvert\right)" in out
    assert "power law" in out and "✓" in out


@pytest.mark.parametrize("expression", [BOOK, "x^(sin x)", "x^3 e^(2x) / (x^2 + 4)"])
def test_latex_compiles(tmp_path, expression):
    with readback.checking(True):
        tex = rendered(api.log_differentiation(expression), "latex", standalone=True)
    assert r"\frac{1}{y} \cdot \frac{dy}{dx}" in tex
    assert_compiles(tex, tmp_path, "log", expression)


def test_cli_text_is_what_the_presenter_prints(capsys):
    code, out, _ = cli(capsys, "x^x", "--method", "log")
    assert code == 0
    assert "ln(y) = ln(xˣ)" in out and "= x ln(x)    (power law ln(aⁿ) = n ln a)" in out
    assert "dy/dx = y(ln(x) + 1)" in out and "= xˣ(ln(x) + 1)" in out


def test_a_constant_base_needs_no_condition():
    out = printed_text("2^x x^2")
    assert "> 0" not in out and "x ln(2) + 2 ln(|x|)" in out


def test_a_reciprocal_names_the_power_law():
    assert api.log_differentiation("1/x").laws == ("power",)


# --- any product of powers ----------------------------------------------------------------

FACTORS = ["x", "x + 2", "x^2 + 1", "x - 3", "sin(x)", "e^x", "2x + 5", "cos(x) + 2"]
EXPONENTS = ["2", "3", "-1", "-2", "1/2", "-1/3", "5"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FACTORS), st.sampled_from(EXPONENTS)),
                min_size=2, max_size=4, unique_by=lambda f: f[0]),
       st.sampled_from(["", "3 ", "-2 ", "(1/4) "]))
def test_any_product_of_powers_is_worked_and_right(factors, constant):
    text = constant + " ".join(f"({base})^({exponent})" for base, exponent in factors)
    function = parse(text).doit().subs(sp.Symbol("x", real=True), X)
    solved = api.log_differentiation(text)
    assert solved.verified, (text, solved.failed_checks)
    assert_same_function(solved.result, sp.diff(function, X), function, text)
    # one term of the expanded logarithm per factor (and per constant), each differentiated
    assert len(solved.differentiated.substeps) >= len(factors)


# --- y written out times a lone reciprocal ------------------------------------------------

@pytest.mark.parametrize("expression, derivative", [
    ("1/x", -1 / X**2),
    ("1/(x+1)", -1 / (X + 1) ** 2),
    ("2/x", -2 / X**2),
    ("-1/x", 1 / X**2),
    ("1/x^2", -2 / X**3),
])
def test_y_times_a_reciprocal_is_not_written_as_a_division(expression, derivative):
    solved = api.log_differentiation(expression)
    assert solved.verified and sp.simplify(solved.result - derivative) == 0
    text = printed_text(expression)
    last = continuation("dy/dx =", text)
    assert "/x/x" not in text and ")/(" not in last.replace(")·(", "")
    assert sp.simplify(read(last) - derivative) == 0     # the printed line is the derivative


def test_one_over_x_multiplied_back_reads_as_a_product():
    text = printed_text("1/x")
    assert "/x/x" not in text
    assert continuation("dy/dx =", text) == "-(1/x)·(1/x)"
    assert read(continuation("dy/dx =", text)) == -1 / X**2
    with readback.checking(True):
        tex = document(api.log_differentiation("1/x"), "latex")
    assert r"\frac{\frac{1}{x}}{x}" not in tex and r"-\frac{1}{x} \cdot \frac{1}{x}" in tex
