"""The edges of the real functions derive works with: towers of powers, powers of 0 and of
negative numbers, points where the derivative does not exist, and functions with no real
values — each worked, or refused in one line, never a crash or a meaningless value."""

import json

import pytest
import sympy as sp

import derive
import derive.read.worked
from derive import differentiate, gradient, hessian
from derive.cli.main import run
from derive.errors import DeriveError, InputError
from derive.core.numeric import out_of_range_at, value_at

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
FORMATS = ("text", "markdown", "latex", "json")
VALUE_FIELDS = {"at", "value", "value_latex", "value_numeric", "value_reason"}


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused_in_one_line(capsys, *args) -> str:
    """Runs the command, asserts it is refused as bad input on one line, and returns it."""
    code, out, err = cli(capsys, *args)
    assert code == 2, (out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("derive: error: "), err
    assert "Traceback" not in err and "internal error" not in err
    return err


def strict_json(text: str) -> dict:
    """JSON as the standard defines it: NaN and Infinity are not JSON."""
    def not_json(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=not_json)


# --- towers of powers ------------------------------------------------------------------

TOWERS = {
    "e^(e^(e^(e^x)))": sp.exp(sp.exp(sp.exp(sp.exp(x)))),
    "2^(2^(2^x))": 2 ** (2 ** (2**x)),
    "x^x^x^x": x ** (x ** (x**x)),
    "x^(x^(x^x))": x ** (x ** (x**x)),
}


@pytest.mark.parametrize("text", TOWERS)
def test_a_tower_is_worked_and_checked_from_the_command_line(capsys, text):
    code, out, err = cli(capsys, text)
    assert code == 0, err
    assert out.rstrip().splitlines()[-1].startswith("checked")


@pytest.mark.parametrize("text, function", TOWERS.items())
def test_a_tower_is_worked_from_the_api_and_is_its_derivative(text, function):
    solution = differentiate(text)
    assert solution.verified
    half = {x: sp.Rational(1, 2)}
    got, want = sp.N(solution.result.subs(half), 30), sp.N(sp.diff(function, x).subs(half), 30)
    assert abs(got - want) <= 1e-20 * abs(want)


def test_a_tower_too_steep_to_check_is_refused_naming_the_limit(capsys):
    err = refused_in_one_line(capsys, "ln(10^(10^(10^(10^(10^x)))))")
    assert "grows too fast to check numerically" in err and "10^4932" in err
    with pytest.raises(InputError, match="grows too fast"):
        differentiate("ln(10^(10^(10^(10^(10^x)))))")


def test_a_steep_tower_whose_steps_check_symbolically_is_worked():
    """No point has a value below 10^4932, but every step is equal to SymPy's derivative as
    written, so nothing needs a number: the solution is worked and verified."""
    solution = differentiate("10^(10^(10^(10^(10^x))))")
    assert solution.verified
    assert all(c.method == "symbolic" for c in solution.checks)
    x = sp.Symbol("x", real=True)
    tower = 10 ** (10 ** (10 ** (10 ** (10 ** x))))
    assert sp.simplify(solution.result - sp.diff(tower, x)) == 0


@pytest.mark.parametrize("text, at", [("2^(2^(2^x))", "x=10"), ("x^x^x^x", "x=5"),
                                      ("e^(e^(e^(e^x)))", "x=3")])
def test_a_point_where_a_tower_is_too_large_is_refused(capsys, text, at):
    err = refused_in_one_line(capsys, text, "--at", at)
    assert "too large to work with" in err


def test_numbers_beyond_the_bound_are_never_built():
    """2^(2^(2^10)) has about 10^308 digits: evaluating it must not try to build it."""
    tower = 2 ** (2 ** (2**x))
    assert value_at(tower, {x: sp.Integer(10)}) is None
    assert out_of_range_at(tower, {x: sp.Integer(10)})
    assert value_at(tower, {x: sp.Integer(2)}) == 2**16
    assert not out_of_range_at(sp.log(x), {x: sp.Integer(-1)})   # undefined, not too large


# --- powers of 0, 1 and negative numbers -------------------------------------------------

def test_zero_to_a_varying_power_is_refused_with_its_value(capsys):
    err = refused_in_one_line(capsys, "0^x")
    assert "is 0 wherever it is defined" in err and "derivative there is 0" in err
    assert "zoo" not in err


def test_the_refusal_of_a_power_of_zero_speaks_of_the_users_expression(capsys):
    err = refused_in_one_line(capsys, "sin(0^(x^2))")
    assert "0^(x²)" in err and "x² > 0" in err and "0ᵘ" not in err and "u > 0" not in err


@pytest.mark.parametrize("text", ["(-2)^x", "(1-3)^(2x)", "(-x^2-1)^x"])
def test_a_negative_base_to_a_varying_power_is_refused(capsys, text):
    err = refused_in_one_line(capsys, text)
    assert "πi" not in err and "xi" not in err


def test_one_to_a_varying_power_has_derivative_zero():
    solution = differentiate("1^x")
    assert solution.verified and solution.result == 0


def test_the_exponential_rule_states_its_condition_and_no_condition_that_always_holds(capsys):
    code, out, _ = cli(capsys, "a^x", "--wrt", "x", "--style", "compact")
    assert code == 0 and "for a > 0" in out
    code, out, _ = cli(capsys, "(x^2+1)^x", "--style", "compact")
    assert code == 0 and "True" not in out


# --- the value at a point where the derivative does not exist ----------------------------

UNDEFINED_AT = [
    ("sqrt(x)", "x=0", "the derivative 1/(2√x) is not defined at x = 0"),
    ("|x|", "x=0", "|x| has a corner at x = 0"),
    ("cbrt(x)", "x=0", "is not defined at x = 0"),
]


@pytest.mark.parametrize("text, at, reason", UNDEFINED_AT)
def test_text_says_the_derivative_is_not_defined_and_why(capsys, text, at, reason):
    code, out, err = cli(capsys, text, "--at", at)
    assert code == 0, err
    assert "y′(0) is not defined: " in out and reason in out
    assert not {"zoo", "nan", "oo"} & set(out.replace("(", " ").replace(")", " ").split())


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("text, at, reason", UNDEFINED_AT)
def test_markdown_and_latex_say_it_too(capsys, fmt, text, at, reason):
    code, out, err = cli(capsys, text, "--at", at, "--format", fmt)
    assert code == 0, err
    assert "is not defined: " in out
    assert "zoo" not in out and "nan" not in out.lower() and "\\infty" not in out


@pytest.mark.parametrize("text, at, reason", UNDEFINED_AT)
def test_json_carries_null_and_the_reason(capsys, text, at, reason):
    code, out, err = cli(capsys, text, "--at", at, "--format", "json")
    assert code == 0, err
    data = strict_json(out)
    assert VALUE_FIELDS <= data.keys()
    assert data["at"] == {"x": "0"}
    assert data["value"] is None and data["value_latex"] is None
    assert data["value_numeric"] is None
    assert data["value_reason"].startswith("y′(0) is not defined: ") and reason in data[
        "value_reason"]


def test_a_corner_gives_both_slopes():
    solution = differentiate("|x|", at="x=0")
    assert solution.value is None
    assert solution.evaluation.reason == "corner"
    assert (solution.evaluation.left, solution.evaluation.right) == (-1, 1)


def test_where_the_formula_fails_but_the_derivative_exists_its_limit_is_the_value(capsys):
    """|x³| has derivative 0 at 0, although the formula 3x³/|x| is 0/0 there."""
    data = strict_json(differentiate("|x^3|", at="x=0").render("json"))
    assert data["value"] == "0" and data["value_numeric"] == 0.0 and data["value_reason"] is None
    code, out, _ = cli(capsys, "|x^3|", "--at", "x=0")
    assert "y′(0) = 0, the limit of" in out and "nan" not in out


def test_a_value_that_exists_is_unchanged(capsys):
    data = strict_json(differentiate("ln(sin(x^3)^2)", at="x=1").render("json"))
    assert sp.simplify(sp.sympify(data["value"]) - 6 * sp.cot(1)) == 0
    assert abs(data["value_numeric"] - 6 / float(sp.tan(1))) < 1e-12
    assert data["value_reason"] is None and data["at"] == {"x": "1"}


def test_a_value_beyond_a_float_is_valid_json_with_a_null_number():
    data = strict_json(differentiate("e^(e^x)", at="x=7").render("json"))
    assert data["value"] == "exp(7 + exp(7))" and data["value_numeric"] is None


def test_a_higher_derivative_has_no_value_where_a_lower_one_has_none(capsys):
    code, out, _ = cli(capsys, "|x|", "--at", "x=0", "--order", "2")
    assert code == 0 and "y″(0) is not defined: y′(0) is not defined: " in out
    data = strict_json(differentiate("|x|", at="x=0", order=2).render("json"))
    assert data["value"] is None and "y′(0) is not defined" in data["value_reason"]


def test_a_second_derivative_with_a_corner_of_its_own(capsys):
    """(x|x|)′ = 2|x| exists at 0 (it is 0); (x|x|)″ does not: 2|x| has a corner there."""
    solution = differentiate("x*|x|", at="x=0", order=2)
    assert solution.value is None and solution.evaluation.order == 2
    assert solution.evaluation.reason == "corner"
    assert (solution.evaluation.left, solution.evaluation.right) == (-2, 2)


@pytest.mark.parametrize("text, at", [("1/x", "x=0"), ("ln(x)", "x=-1"), ("sqrt(x)", "x=-1")])
def test_a_point_outside_the_functions_domain_is_refused(capsys, text, at):
    err = refused_in_one_line(capsys, text, "--at", at)
    assert "outside the domain" in err


def test_a_gradient_where_no_partial_derivative_exists(capsys):
    code, out, err = cli(capsys, "sqrt(x^2+y^2)", "--gradient", "--vars", "x,y", "--at",
                         "x=0,y=0", "--format", "json")
    assert code == 0, err
    data = strict_json(out)
    assert VALUE_FIELDS <= data.keys() and data["value"] is None
    assert data["value_numeric"] is None and data["value_latex"] is None
    assert "∂f/∂x(0, 0) is not defined" in data["value_reason"]
    assert "∂f/∂y(0, 0) is not defined" in data["value_reason"]
    code, out, _ = cli(capsys, "sqrt(x^2+y^2)", "--gradient", "--vars", "x,y", "--at",
                       "x=0,y=0")
    assert "∂f/∂x(0, 0) is not defined: √(x² + y²) has a corner" in out
    assert "nan" not in out and "zoo" not in out


def test_a_gradient_and_a_hessian_with_values_keep_the_shape():
    data = strict_json(gradient("x^2*y", "x,y", at="x=1,y=2").render("json"))
    assert VALUE_FIELDS <= data.keys()
    assert data["value"] == ["4", "1"] and data["value_numeric"] == [4.0, 1.0]
    assert data["value_reason"] is None and data["at"] == {"x": "1", "y": "2"}
    data = strict_json(hessian("x^2*y", "x,y", at="x=1,y=2").render("json"))
    assert data["value"] == [["4", "2"], ["2", "0"]] and data["value_reason"] is None


def test_a_mixed_partial_whose_first_derivative_has_none():
    data = strict_json(differentiate("|x|*y", ["x", "y"], at="x=0,y=1").render("json"))
    assert data["value"] is None
    assert data["value_reason"].startswith("∂²f/∂y∂x(0, 1) is not defined: ∂f/∂x(0, 1) is "
                                           "not defined")


# --- functions with no real values ----------------------------------------------------------

NO_REAL_VALUES = ["sqrt(-1-x^2)", "acos(x^2+2)", "ln(-x^2-1)", "asin(x^2+5)"]


@pytest.mark.parametrize("text", NO_REAL_VALUES)
def test_a_function_with_no_real_values_is_refused(capsys, text):
    err = refused_in_one_line(capsys, text)
    assert "is not real on any interval: derive works with real functions" in err
    with pytest.raises(InputError, match="not real"):
        differentiate(text)


def test_a_constant_that_is_not_real_is_refused(capsys):
    assert "√(-1) is not a real number" in refused_in_one_line(capsys, "sqrt(-1)")


@pytest.mark.parametrize("text", ["sqrt(1-x^2)", "asin(x)", "acosh(x)", "sqrt(x-100)",
                                  "ln(x-1000)", "sqrt(-x)", "sqrt(10^-6 - x^2)",
                                  "acosh(atanh(x))"])
def test_a_small_real_domain_is_still_worked(text):
    solution = differentiate(text)
    assert solution.verified
    assert not solution.result.has(sp.I)


# --- only derive's own errors leave the Python interface -------------------------------------

def test_an_object_that_is_no_expression_is_bad_input():
    with pytest.raises(InputError):
        differentiate(object())


@pytest.mark.parametrize("failure", [MemoryError, RecursionError, KeyError])
def test_any_failure_leaves_the_api_as_a_derive_error(monkeypatch, failure):
    def failing(*args, **kwargs):
        raise failure()
    monkeypatch.setattr(derive.read.worked, "solve", failing)
    monkeypatch.setattr(derive.read.worked, "array_derivative", failing)
    with pytest.raises(DeriveError) as raised:
        differentiate("x^2")
    assert isinstance(raised.value, InputError) == (failure is not KeyError)
    with pytest.raises(DeriveError):
        gradient("x^2 y", "x,y")


DEEP = "(" * 5000 + "x" + ")" * 5000


@pytest.mark.parametrize("call", [
    lambda: derive.check(DEEP, "1"),
    lambda: derive.check("x^2", DEEP),
    lambda: derive.check(object(), "2x"),
    lambda: derive.check_array("gradient", DEEP, "[1]"),
    lambda: derive.check_array("gradient", object(), "[1]"),
    lambda: derive.trace(DEEP, "reverse", at="x=1"),
    lambda: derive.trace(object(), "forward"),
], ids=["check-deep", "answer-deep", "check-object", "array-deep", "array-object",
        "trace-deep", "trace-object"])
def test_answer_checks_and_traces_raise_only_derives_own_errors(call):
    with pytest.raises(derive.DeriveError):
        call()


def test_a_bug_inside_an_answer_check_is_reported_as_derives_internal_error(monkeypatch):
    import derive.checking.answers

    def broken(text):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(derive.checking.answers, "read_answer", broken)
    with pytest.raises(derive.DeriveError, match="internal error") as raised:
        derive.check("x^2", "2x")
    assert isinstance(raised.value.__cause__, ZeroDivisionError)


@pytest.mark.parametrize("function, wrt, order, point", [
    ("x^3 sin(x)", None, 1, "x=2"),
    ("|x|", None, 1, "x=0"),                     # a corner: no value, and why
    ("sqrt(x)", None, 1, "x=0"),                 # unbounded
    ("|x^3|", None, 1, "x=0"),                   # the formula is 0/0, its limit the value
    ("sin(x)", None, 3, "x=pi/3"),
    ("x^2 y^3", ["x", "y", "y"], 1, "x=1,y=-2"),
    ("e^(2x)/(x+1)", None, 2, "x=1/2"),
])
def test_a_worked_solution_evaluated_at_a_point_is_the_solution_worked_there(function, wrt,
                                                                             order, point):
    from derive.read.worked import worked, worked_at
    there = worked(function, wrt, order=order, at=point)
    later = worked_at(worked(function, wrt, order=order), point)
    assert later.evaluation == there.evaluation
    assert later.value == there.value and later.point == there.point
    assert later.render("text") == there.render("text")
