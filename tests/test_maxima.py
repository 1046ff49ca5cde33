"""Expressions written in Maxima (STACK's language): the syntax Maxima reads, and the same
function once read back.

The expected texts are written here from Maxima's syntax (``^``, ``%e``, ``%pi``, ``log`` for
ln, …); the read-back tests parse derive's own output with SymPy's Maxima parser
(``sympy.parsing.maxima.parse_maxima``) and compare it with SymPy's own expression – the
function, its derivative by ``sympy.diff`` and the answer each common mistake gives.
"""

from __future__ import annotations

import pytest
import sympy as sp
from sympy.parsing.maxima import parse_maxima

from conftest import assert_same_function, load_corpus, normalize, solved
from derive.checking.mistakes import applications
from derive.errors import InputError
from derive.functions import LogBase
from derive.present.maxima import to_maxima
from derive.read.parsing import parse

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)


def read_back(text: str) -> sp.Expr:
    """Maxima text as SymPy reads it (``signum`` is the sign function), with real symbols."""
    return normalize(parse_maxima(text, name_dict={"signum": sp.sign}))


# --- the syntax ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, maxima", [
    ("x^2", "x^2"),
    ("3x^2", "3*x^2"),
    ("x^2 + 3x + 1", "x^2 + 3*x + 1"),
    ("x^3 - 2x", "x^3 - 2*x"),
    ("-x^2", "-x^2"),
    ("e^x", "%e^x"),
    ("exp(x)", "exp(x)"),
    ("pi x", "%pi*x"),
    ("ln(x)", "log(x)"),
    ("log(x, 2)", "log(x)/log(2)"),
    ("log10(x)", "log(x)/log(10)"),
    ("sqrt(x)", "sqrt(x)"),
    ("1/sqrt(x)", "1/sqrt(x)"),
    ("cbrt(x)", "x^(1/3)"),
    ("x^(3/2)", "x^(3/2)"),
    ("x^(-2)", "1/x^2"),
    ("2^(-x)", "2^(-x)"),
    ("(x^2)^3", "(x^2)^3"),
    ("(x + 1)^4", "(x + 1)^4"),
    ("|x|", "abs(x)"),
    ("asin(x) + acos(x) + atan(x)", "acos(x) + asin(x) + atan(x)"),
    ("arcsinh(x)", "asinh(x)"),
    ("sech(2x)", "sech(2*x)"),
    ("cot(x^2 + 1)", "cot(x^2 + 1)"),
    ("x/2", "x/2"),
    ("(2/3) x^6", "2*x^6/3"),
    ("(x^2 + 1)/(x - 1)", "(x^2 + 1)/(x - 1)"),
    ("sin(x)/(x (x + 1))", "sin(x)/(x*(x + 1))"),
    ("1/(2x)", "1/(2*x)"),
    ("x^x", "x^x"),
    ("x^(sin(x))", "x^sin(x)"),
])
def test_maxima_syntax(typed, maxima):
    assert to_maxima(parse(typed)) == maxima


@pytest.mark.parametrize("expr, maxima", [
    (sp.Rational(1, 2), "1/2"),
    (sp.Rational(-3, 4), "-3/4"),
    (sp.Integer(-7), "-7"),
    (sp.Float("0.25"), "0.25"),
    (sp.E, "%e"),
    (sp.pi, "%pi"),
    (sp.sign(x), "signum(x)"),
    (LogBase(x, sp.Integer(3)), "log(x)/log(3)"),
    (sp.Pow(sp.Integer(-2), x, evaluate=False), "(-2)^x"),
    (sp.Pow(sp.Rational(1, 2), x, evaluate=False), "(1/2)^x"),
    (sp.Pow(x, sp.Integer(-1), evaluate=False), "1/x"),
    (sp.Mul(-1, sp.Add(x, 1, evaluate=False), evaluate=False), "-(x + 1)"),
    (sp.Mul(x, sp.Pow(sp.Rational(2, 3), -1, evaluate=False), evaluate=False), "x/(2/3)"),
])
def test_maxima_numbers_constants_and_structure(expr, maxima):
    assert to_maxima(expr) == maxima


@pytest.mark.parametrize("text, meaning", [
    ("-x^2", -x**2),                      # the minus applies to the power
    ("2^(-x)", 2**(-x)),
    ("x^(1/3)", x**sp.Rational(1, 3)),
    ("x/(2*y)", x / (2 * y)),
    ("1/x^2", x**-2),
])
def test_precedence_as_maxima_reads_it(text, meaning):
    assert sp.simplify(read_back(text) - meaning) == 0


def test_no_python_or_sympy_spelling():
    text = to_maxima(parse("e^x ln|x| + pi sqrt(x) asin(x) x^(-2) + log(x, 5) + exp(2x)"))
    for python in ("**", "E", "pi*", "Abs", "ln(", "Exp1", "sqrt(x)**"):
        assert python not in text.replace("%pi", "").replace("%e", "")
    assert all(word in text for word in ("%e^x", "%pi", "log(abs(x))", "exp(2*x)"))


@pytest.mark.parametrize("expr", [
    sp.Function("f")(x),
    sp.Derivative(sp.Function("f")(x), x),
    sp.Symbol("lambda"),
    sp.Symbol("i") * x,
    sp.Symbol("x y"),
    sp.I * x,
])
def test_what_maxima_cannot_take_is_refused(expr):
    with pytest.raises(InputError):
        to_maxima(expr)


# --- read back: the corpus ----------------------------------------------------------------

CONCRETE = [row for row in load_corpus() if not row.abstract]


@pytest.mark.parametrize("row", CONCRETE, ids=lambda row: row.input)
def test_corpus_reads_back_as_the_function_its_derivative_and_each_mistake(row):
    """The function, derive's derivative and every answer a mistake of the table gives,
    written in Maxima and read back, are the same functions; the derivative is also SymPy's
    own derivative of the function read back."""
    solution = solved(row.input, row.wrt or None)
    wrt = solution.sequence[0]
    function = read_back(to_maxima(solution.expression))
    assert_same_function(function, solution.expression.doit(), label=row.input)
    derivative = read_back(to_maxima(solution.result))
    assert_same_function(derivative, sp.diff(function, wrt), function, label=row.input)
    for app in applications(solution.expression, wrt):
        answer = read_back(to_maxima(app.answer))
        assert_same_function(answer, app.answer.doit(), function,
                             label=f"{row.input}: {app.id}")
