"""Behaviour of derive.read.parsing: accepted input, the tree it builds, rejected input, limits.

Expected trees are built here with SymPy constructors (every node unevaluated), never
copied from the parser's output.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import os
import subprocess
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

from derive.read import parsing
from derive.functions import LogBase
from derive.read.parsing import ParseError, parse, parse_point, parse_symbol


# ------------------------------------------------------------------------------------------
# Building expected trees
# ------------------------------------------------------------------------------------------
def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


x, y, a, b, c, n, theta = (sym(s) for s in ("x", "y", "a", "b", "c", "n", "theta"))
E, pi, half, third = sp.E, sp.pi, sp.Rational(1, 2), sp.Rational(1, 3)
f, g, h = sp.Function("f"), sp.Function("g"), sp.Function("h")


def add(*args):
    return sp.Add(*args, evaluate=False)


def mul(*args):
    return sp.Mul(*args, evaluate=False)


def pw(base, exponent):
    return sp.Pow(base, exponent, evaluate=False)


def neg(arg):
    return mul(-1, arg)


def div(numerator, denominator):
    return mul(numerator, pw(denominator, -1))


def fn(cls, arg):
    return cls(arg, evaluate=False)


def sin(arg):
    return fn(sp.sin, arg)


def cos(arg):
    return fn(sp.cos, arg)


def ln(arg):
    return fn(sp.log, arg)


def absolute(arg):
    return fn(sp.Abs, arg)


# ------------------------------------------------------------------------------------------
# Accepted input: exact trees
# ------------------------------------------------------------------------------------------
ACCEPTED = [
    # numbers and names
    ("x", x),
    ("2", sp.Integer(2)),
    ("0.5", half),
    ("2.25", sp.Rational(9, 4)),
    (".5", half),
    ("x1", sym("x1")),
    ("x12", sym("x12")),
    ("w_2", sym("w_2")),
    ("x_i", sym("x_i")),
    ("x_{12}", sym("x_12")),
    ("theta_1", sym("theta_1")),
    ("theta", theta),
    ("θ", theta),
    (r"\theta", theta),
    ("θ1", sym("theta1")),
    ("alpha", sym("alpha")),
    ("Omega", sym("Omega")),
    ("Ω", sym("Omega")),
    (r"\varepsilon", sym("epsilon")),
    ("pi", pi),
    ("π", pi),
    (r"\pi", pi),
    ("e", E),
    (r"\mathrm{e}", E),
    ("E", sym("E")),
    ("i", sym("i")),
    # sums, products, quotients, signs
    ("x + 1", add(x, 1)),
    ("x - 2", add(x, -2)),
    ("x - y", add(x, neg(y))),
    ("a+b+c", add(a, b, c)),
    ("a-b+c", add(a, neg(b), c)),
    ("x - 2x", add(x, mul(-2, x))),
    ("x - 1/2", add(x, sp.Rational(-1, 2))),
    ("2*x", mul(2, x)),
    ("x*x^2", mul(x, pw(x, 2))),
    ("a*b*c", mul(a, b, c)),
    ("x/y", div(x, y)),
    ("a/b/c", mul(a, pw(b, -1), pw(c, -1))),
    ("1/2", half),
    ("-1/2", sp.Rational(-1, 2)),
    ("3/4*x", mul(sp.Rational(3, 4), x)),
    ("x/2", div(x, 2)),
    ("4/2", div(4, 2)),
    ("1/2x", div(1, mul(2, x))),
    ("-x", neg(x)),
    ("-3", sp.Integer(-3)),
    ("-2x", mul(-2, x)),
    ("+x", x),
    ("2*-3", mul(2, -3)),
    ("--x", neg(neg(x))),
    ("((x))", x),
    # powers
    ("x^2", pw(x, 2)),
    ("x**2", pw(x, 2)),
    ("-x^2", neg(pw(x, 2))),
    ("2^3^x", pw(2, pw(3, x))),
    ("2^-x", pw(2, neg(x))),
    ("x^-1", pw(x, -1)),
    ("e^x", pw(E, x)),
    ("e^-x", pw(E, neg(x))),
    ("x^(1/2)", pw(x, half)),
    ("x^{1/2}", pw(x, half)),
    ("e^{2x}", pw(E, mul(2, x))),
    ("2^3x", mul(pw(2, 3), x)),
    ("e^x^2", pw(E, pw(x, 2))),
    ("10^10^10^10", pw(10, pw(10, pw(10, 10)))),
    # implicit multiplication
    ("3x^2y", mul(3, pw(x, 2), y)),
    ("xy", mul(x, y)),
    ("x y", mul(x, y)),
    ("2xy", mul(2, x, y)),
    ("2 sin(x)", mul(2, sin(x))),
    ("2sin(x)", mul(2, sin(x))),
    ("x(x+1)", mul(x, add(x, 1))),
    ("(x+1)(x-1)", mul(add(x, 1), add(x, -1))),
    ("2(x+1)", mul(2, add(x, 1))),
    ("2 pi x", mul(2, pi, x)),
    ("(x+1)x", mul(add(x, 1), x)),
    ("a(b+c)", mul(a, add(b, c))),
    ("x^2 sin x", mul(pw(x, 2), sin(x))),
    ("e^x sin x", mul(pw(E, x), sin(x))),
    ("sin(x)cos(x)", mul(sin(x), cos(x))),
    ("x sin x cos x", mul(x, sin(x), cos(x))),
    # letter runs
    ("pie", mul(pi, E)),
    ("ex", mul(E, x)),
    ("expx", fn(sp.exp, x)),
    ("sinx", sin(x)),
    ("xsin x", mul(x, sin(x))),
    ("xsin(x)", mul(x, sin(x))),
    ("xi", sym("xi")),
    ("thetax", mul(theta, x)),
    # functions with and without parentheses
    ("sin(x)", sin(x)),
    ("sin x", sin(x)),
    ("sin 2x", sin(mul(2, x))),
    ("sin x^2", sin(pw(x, 2))),
    ("sin x + 1", add(sin(x), 1)),
    ("sin x cos x", mul(sin(x), cos(x))),
    ("sin x(x+1)", sin(mul(x, add(x, 1)))),
    ("sin cos x", sin(cos(x))),
    ("sin -x", sin(neg(x))),
    ("ln ln x", ln(ln(x))),
    ("sin(x)^2", pw(sin(x), 2)),
    ("sin^2(x)", pw(sin(x), 2)),
    ("sin^2 x", pw(sin(x), 2)),
    ("sin^2x", pw(sin(x), 2)),
    ("sin^-1(x)", fn(sp.asin, x)),
    ("sin^{-1}(x)", fn(sp.asin, x)),
    ("cos^-1 x", fn(sp.acos, x)),
    ("tanh^-1 x", fn(sp.atanh, x)),
    ("sin^-2 x", pw(sin(x), -2)),
    ("ln x", ln(x)),
    ("ln(x)", ln(x)),
    ("log(x)", ln(x)),
    ("log(x, 2)", LogBase(x, 2)),
    ("log(x, b)", LogBase(x, b)),
    ("log10(x)", LogBase(x, 10)),
    ("log2(x)", LogBase(x, 2)),
    ("log2 x", LogBase(x, 2)),
    ("log_2(x)", LogBase(x, 2)),
    ("log_2 x", LogBase(x, 2)),
    ("log_{10}(x)", LogBase(x, 10)),
    ("exp(x)", fn(sp.exp, x)),
    ("exp x", fn(sp.exp, x)),
    ("sqrt(x)", pw(x, half)),
    ("sqrt x", pw(x, half)),
    ("cbrt(x)", pw(x, third)),
    ("root(x, 3)", pw(x, third)),
    ("root(x, n)", pw(x, pw(n, -1))),
    ("abs(x)", absolute(x)),
    ("cosec x", fn(sp.csc, x)),
    # bars
    ("|x|", absolute(x)),
    ("|x||y|", mul(absolute(x), absolute(y))),
    ("||x|-1|", absolute(add(absolute(x), -1))),
    ("|x - y|^2", pw(absolute(add(x, neg(y))), 2)),
    # abstract functions
    ("f(x)", f(x)),
    ("f(g(x))", f(g(x))),
    ("h(x, y)", h(x, y)),
    ("F(x)", sp.Function("F")(x)),
    ("xf(x)", mul(x, f(x))),
    ("sinf(x)", sp.sin(f(x))),       # a known function before the letter: no product
    # their derivatives, written with primes
    ("f'(x)", sp.Derivative(f(x), x)),
    ("f''(x)", sp.Derivative(f(x), (x, 2))),
    ("f′(x)", sp.Derivative(f(x), x)),
    ("f″(x)", sp.Derivative(f(x), (x, 2))),
    ("2f'(x)", mul(2, sp.Derivative(f(x), x))),
    ("2 g(x)^2", mul(2, pw(g(x), 2))),
    # Unicode
    ("x²", pw(x, 2)),
    ("x³", pw(x, 3)),
    ("x⁻¹", pw(x, -1)),
    ("x¹⁰", pw(x, 10)),
    ("x²y", mul(pw(x, 2), y)),
    ("√x", pw(x, half)),
    ("√(x+1)", pw(add(x, 1), half)),
    ("√2x", mul(pw(2, half), x)),
    ("√x^2", pw(pw(x, half), 2)),
    ("∛x", pw(x, third)),
    ("2·x", mul(2, x)),
    ("2×x", mul(2, x)),
    ("2⋅x", mul(2, x)),
    ("2−x", add(2, neg(x))),
    ("6÷x", div(6, x)),
    ("2πx", mul(2, pi, x)),
    ("sin²x", pw(sin(x), 2)),
    ("sin⁻¹x", fn(sp.asin, x)),
    ("sin θ", sin(theta)),
    # LaTeX
    (r"\frac{1}{2}", half),
    (r"\frac{x}{2}", div(x, 2)),
    (r"\dfrac{x}{y}", div(x, y)),
    (r"\frac{1}{1+e^{-x}}", div(1, add(1, pw(E, neg(x))))),
    (r"\sin^2 x", pw(sin(x), 2)),
    (r"\sin^{2}(x)", pw(sin(x), 2)),
    (r"\sin{x}", sin(x)),
    (r"\sin\left(x\right)", sin(x)),
    (r"\cos^{-1}(x)", fn(sp.acos, x)),
    (r"\sqrt{x}", pw(x, half)),
    (r"\sqrt{x}y", mul(pw(x, half), y)),
    (r"\sqrt[3]{x}", pw(x, third)),
    (r"\sqrt{x^2+1}", pw(add(pw(x, 2), 1), half)),
    (r"\ln x", ln(x)),
    (r"\log_{2} x", LogBase(x, 2)),
    (r"\log_2 x", LogBase(x, 2)),
    (r"2 \cdot x", mul(2, x)),
    (r"2 \times x", mul(2, x)),
    (r"x \div 2", div(x, 2)),
    (r"\left( x+1 \right)^2", pw(add(x, 1), 2)),
    (r"\left| x \right|", absolute(x)),
    (r"\lvert x \rvert", absolute(x)),
    (r"\frac{x}{\left\lvert x - 1 \right\rvert}", div(x, absolute(add(x, -1)))),
    ("x^{2}", pw(x, 2)),
    (r"\pi x", mul(pi, x)),
    (r"\alpha + \beta", add(sym("alpha"), sym("beta"))),
    (r"\exp(x)", fn(sp.exp, x)),
    (r"\exp x", fn(sp.exp, x)),
    (r"\arcsin x", fn(sp.asin, x)),
    (r"\sinh x", fn(sp.sinh, x)),
    ("{x+1}^2", pw(add(x, 1), 2)),
    (r"\mathrm{e}^{x}", pw(E, x)),
    (r"\operatorname{sech}(x)", fn(sp.sech, x)),
    (r"x \, y", mul(x, y)),
    (r"x_{\theta}", sym("x_theta")),
    # whitespace
    ("x\t+\t1", add(x, 1)),
    ("x\n+ 1", add(x, 1)),
    ("  sin   x  ", sin(x)),
]


@pytest.mark.parametrize("text, expected", ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_exact_tree(text, expected):
    result = parse(text)
    assert result == expected, (sp.srepr(result), sp.srepr(expected))


def _spellings():
    """Every spelling of every named function, with the SymPy class it must become."""
    cases = []
    for name in ("sin", "cos", "tan", "sec", "csc", "cot"):
        for spelling in (name, "a" + name, "arc" + name):
            cases.append((spelling, getattr(sp, name if spelling == name else "a" + name)))
        hyper = name + "h"
        for spelling in (hyper, "a" + hyper, "ar" + hyper, "arc" + hyper):
            cases.append((spelling, getattr(sp, "a" + hyper if spelling != hyper else hyper)))
    return cases


@pytest.mark.parametrize("spelling, cls", _spellings(), ids=[s for s, _ in _spellings()])
def test_every_function_spelling(spelling, cls):
    assert parse(f"{spelling}(x)") == cls(x, evaluate=False)
    assert parse(f"{spelling} x") == cls(x, evaluate=False)
    assert parse(f"\\{spelling}(x)") == cls(x, evaluate=False)


# Looser cases: the same value, checked with simplify.
EQUIVALENT = [
    (r"\frac{1}{1+e^{-x}}", 1 / (1 + sp.exp(-x))),
    ("x^2 - 2x + 1", (x - 1) ** 2),
    ("sin^2 x + cos^2 x", sp.Integer(1)),
    ("log_2 8", sp.Integer(3)),
    ("log(8, 2)", sp.Integer(3)),
    ("2^{10}", sp.Integer(1024)),
    ("e^{ln x}", x),
    ("(x+1)(x-1)", x**2 - 1),
    (r"\sqrt[4]{16}", sp.Integer(2)),
    ("∜16", sp.Integer(2)),
    ("3x^2y - xy", 3 * x**2 * y - x * y),
    ("0.125 x", x / 8),
]


@pytest.mark.parametrize("text, expected", EQUIVALENT, ids=[t for t, _ in EQUIVALENT])
def test_accepted_equivalent_value(text, expected):
    assert sp.simplify(parse(text).doit() - expected) == 0


# ------------------------------------------------------------------------------------------
# Structure and symbols
# ------------------------------------------------------------------------------------------
def test_product_keeps_both_factors():
    result = parse("x*x^2")
    assert isinstance(result, sp.Mul) and result.args == (x, pw(x, 2))


@pytest.mark.parametrize("text, terms", [
    ("x + x^2", (x, pw(x, 2))),
    ("x^2 + x", (pw(x, 2), x)),
    ("c + b + a", (c, b, a)),
    ("3 - x + x^3", (3, neg(x), pw(x, 3))),
])
def test_sum_keeps_typed_term_order(text, terms):
    result = parse(text)
    assert isinstance(result, sp.Add) and result.args == terms


def test_implicit_product_keeps_factor_order():
    assert parse("y e^x x").args == (y, pw(E, x), x)


def test_variables_are_real_symbols():
    for name in ("x", "x1", "w_2", "theta", "Omega"):
        symbol = parse_symbol(name)
        assert symbol.is_real and symbol == sp.Symbol(name, real=True)


def test_decimals_are_exact():
    assert parse("0.1") == sp.Rational(1, 10)
    assert not parse("2.5 x").has(sp.Float)


def test_huge_power_is_not_evaluated():
    result = parse("10^10^10^10")
    assert isinstance(result, sp.Pow) and result.exp == pw(10, pw(10, 10))


def test_input_of_maximum_length_parses():
    term = "x^2 + "
    text = (term * (2000 // len(term)) + "x")[:2000]
    text = text.rstrip(" +")
    text = text + " " * (2000 - len(text))
    assert len(text) == 2000
    result = parse(text)
    assert isinstance(result, sp.Add) and len(result.args) == text.count("+") + 1


def test_lark_object_is_built_once():
    assert parsing._lark() is parsing._lark()


def test_grammar_has_no_lalr_conflicts():
    """lark silently resolves shift/reduce conflicts as shift; the grammar must have none."""
    import logging

    from lark import Lark, logger

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        grammar = Path(parsing.__file__).with_name("grammar.lark").read_text(encoding="utf-8")
        Lark(grammar, parser="lalr", lexer="basic", postlex=parsing._PostLexer(), debug=True)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert not [m for m in messages if "conflict" in m.lower()]


# ------------------------------------------------------------------------------------------
# Rejected input: message fragment and 0-based column
# ------------------------------------------------------------------------------------------
REJECTED = [
    ("", "empty expression", 0),
    ("  \t ", "empty expression", 0),
    (r"\,", "empty expression", 0),
    ("x" * 2001, "expression is too long (2001 characters, at most 2000)", 2000),
    ("(x+1", "unbalanced parenthesis: '(' is never closed", 0),
    ("sin(x", "unbalanced parenthesis: '(' is never closed", 3),
    ("x+1)", "unbalanced parenthesis: ')' has no matching '('", 3),
    ("|x", "unbalanced '|'", 0),
    ("(|x)", "unbalanced '|'", 1),
    ("{x+1", "unbalanced brace: '{' is never closed", 0),
    ("x}", "unbalanced brace: '}' has no matching '{'", 1),
    ("(x}", "mismatched brackets", 2),
    ("x+", "expression ends unexpectedly after '+'", 2),
    ("*x", "unexpected '*'", 0),
    ("x**", "expression ends unexpectedly after '**'", 3),
    ("x^", "expression ends unexpectedly after '^'", 2),
    ("x + * y", "unexpected '*'", 4),
    ("foo(x)", "unknown function 'foo'", 0),
    ("2 + bar(x)", "unknown function 'bar'", 4),
    ("sinc(x)", "unknown function 'sinc'", 0),
    ("erf(x)", "unknown function 'erf'", 0),            # not e·r·f(x)
    ("x'", "a prime marks the derivative of a function f, g or h", 1),
    ("sin'(x)", "a prime marks the derivative of a function f, g or h", 3),
    ("f'x", "needs its argument: write f'(x)", 1),
    ("2 + abg(x)", "unknown function 'abg'", 4),
    ("tg(x)", "unknown function 'tg': write tan", 0),   # other notations: not t·g(x)
    ("x + th(x)", "unknown function 'th': write tanh", 4),
    (r"\operatorname{foo}(x)", "unknown function 'foo'", 14),
    ("log(x, 2, 3)", "log takes 1 or 2 arguments (3 given)", 0),
    ("sin(x, y)", "sin takes 1 argument (2 given)", 0),
    ("x + root(x)", "root takes 2 arguments (1 given)", 4),
    ("__import__('os').system('ls')", "unexpected character '_'", 0),
    ("().__class__", "unexpected character '.'", 2),
    ("lambda: 0", "unexpected character ':'", 6),
    ("x.real", "unexpected character '.'", 1),
    ("x[0]", "unexpected character '['", 1),
    ("'a'", "a prime marks the derivative of a function", 0),
    (";", "unexpected character ';'", 0),
    ("x = 1", "unexpected character '='", 2),
    ("x\x00", "unexpected character U+0000", 1),
    ("2x!", "unexpected character '!'", 2),
    ("1" * 101, "number is too long (101 digits, at most 100)", 0),
    ("x + 0." + "1" * 101, "number is too long", 4),
    ("1/0", "division by zero", 1),
    ("x/(0)", "division by zero", 1),
    ("x/0.0", "division by zero", 1),
    ("0^-1", "division by zero", 0),
    (r"\frac{1}{0}", "division by zero", 0),
    ("root(x, 0)", "division by zero", 0),
    ("log(x, 1)", "the base of a logarithm must be positive and not 1", 0),
    ("2 3", "missing operator before the number '3'", 2),
    ("x 2", "missing operator before the number '2'", 2),
    ("sin", "function 'sin' needs an argument", 3),
    ("sin + x", "function 'sin' needs an argument", 4),
    ("sin^2", "function 'sin' needs an argument", 5),
    ("x +\n* y", "unexpected '*'", 4),
    ("e^sin x", "write sin(...) with parentheses", 2),
    ("()", "empty brackets '()'", 1),
    ("x, y", "unexpected ','", 1),
    (r"\foo{x}", r"unknown command '\foo'", 0),
    (r"\left x", "must be followed by a bracket", 5),
    ("ln^-1 x", "ambiguous", 0),
    ("sin^x(y)", "unexpected 'x'", 4),
    ("sin^1.5 x", "whole number", 4),
    ("1e5", "scientific notation is not supported", 1),
    ("2.5E-3", "scientific notation is not supported", 3),
    ("x_", "unexpected character '_'", 1),
    ("_x", "a subscript '_' must follow a variable name or log", 0),
    ("x_{}", "a subscript must be letters or digits", 2),
    ("sin_2 x", "a subscript '_' must follow a variable name or log", 3),
    ("Α", "unexpected character 'Α'", 0),  # Greek capital alpha: looks like A, not accepted
    (r"\sqrt[3]x", "unexpected 'x'", 8),
    (r"\sin[3]{x}", "unexpected character '['", 4),
]


@pytest.mark.parametrize("text, fragment, column", REJECTED,
                         ids=[repr(t[:30]) for t, _, _ in REJECTED])
def test_rejected(text, fragment, column):
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert fragment in err.message
    assert err.column == column, str(err)
    assert err.text == text
    assert "\n" not in err.message


def test_ten_thousand_nested_parentheses_fail_fast():
    text = "(" * 10_000 + "x" + ")" * 10_000
    with pytest.raises(ParseError, match="nested too deeply"):
        parse(text, max_length=100_000)
    with pytest.raises(ParseError, match="too long"):
        parse(text)


@pytest.mark.parametrize("text", [
    "2^" * 300 + "2",
    "-" * 400 + "x",
    "sin " * 300 + "x",
    "|" * 300 + "x" + "|" * 300,
    "(" * 201 + "x" + ")" * 201,
])
def test_deep_nesting_without_recursion_error(text):
    with pytest.raises(ParseError, match="nested too deeply"):
        parse(text)


def test_max_depth_is_respected():
    assert parse("((x))", max_depth=3) == x
    with pytest.raises(ParseError) as info:
        parse("((x))", max_depth=1)
    assert info.value.column == 1


def test_max_length_is_respected():
    assert parse("x+1", max_length=3) == add(x, 1)
    with pytest.raises(ParseError, match=r"too long \(4 characters, at most 3\)"):
        parse("x+11", max_length=3)


def test_non_text_is_a_parse_error():
    with pytest.raises(ParseError):
        parse(12)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# ParseError itself
# ------------------------------------------------------------------------------------------
def test_parse_error_format():
    with pytest.raises(ParseError) as info:
        parse("x +\t* 2")
    err = info.value
    assert isinstance(err, ValueError)
    assert str(err) == "column 5: unexpected '*'"
    assert err.caret() == "x + * 2\n    ^"


def test_parse_error_column_is_clamped():
    assert ParseError("m", "abc", 10).column == 3
    assert ParseError("m", "abc", -4).column == 0
    assert ParseError("m", "abc", 10).caret() == "abc\n   ^"


# ------------------------------------------------------------------------------------------
# parse_symbol and parse_point
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, name", [
    ("x", "x"), ("x1", "x1"), ("w_2", "w_2"), ("theta", "theta"), ("θ", "theta"), (" t ", "t"),
])
def test_parse_symbol(text, name):
    assert parse_symbol(text) == sp.Symbol(name, real=True)


@pytest.mark.parametrize("text, fragment", [
    ("xy", "expected a single variable name"),
    ("2", "expected a single variable name"),
    ("e", "is a constant"),
    ("pi", "is a constant"),
    ("sin(x)", "expected a single variable name"),
    ("x\ny", "not 'x y'"),
    ("", "empty expression"),
])
def test_parse_symbol_rejects(text, fragment):
    with pytest.raises(ParseError, match=fragment.replace("(", r"\(")):
        parse_symbol(text)


@pytest.mark.parametrize("text, expected", [
    ("x=1,y=2", {x: 1, y: 2}),
    ("x=pi/2", {x: div(pi, 2)}),
    (" x = -1 , theta = 0.5 ", {x: -1, theta: half}),
    ("x=log(8, 2)", {x: LogBase(8, 2)}),
    ("x_1=e", {sym("x_1"): E}),
])
def test_parse_point(text, expected):
    point = parse_point(text)
    assert point == expected
    assert all(isinstance(key, sp.Symbol) and key.is_real for key in point)


@pytest.mark.parametrize("text, fragment, column", [
    ("", "expected NAME=VALUE[,NAME=VALUE...]", 0),
    ("x", "expected NAME=VALUE[,NAME=VALUE...]", 0),
    ("x=", "expected NAME=VALUE[,NAME=VALUE...]", 1),
    ("=1", "expected NAME=VALUE[,NAME=VALUE...]", 0),
    ("x=1,,y=2", "expected NAME=VALUE[,NAME=VALUE...]", 4),
    ("x=y", "the value of x must be a number", 2),
    ("x=1, y=f(2)", "the value of y must be a number", 7),
    ("x=1,x=2", "x is given twice", 4),
    ("xy=1", "expected a single variable name", 0),
    ("x=1;y=2", "unexpected character ';'", 3),
    ("x=1, y=2+", "expression ends unexpectedly", 9),
])
def test_parse_point_rejects(text, fragment, column):
    with pytest.raises(ParseError) as info:
        parse_point(text)
    assert fragment in info.value.message
    assert info.value.column == column
    assert info.value.text == text


# ------------------------------------------------------------------------------------------
# Safety: no Python evaluation, and nothing but ParseError ever escapes
# ------------------------------------------------------------------------------------------
SENTINEL = Path("/tmp/pwned_derive")
INJECTIONS = [
    "__import__('os').system('touch /tmp/pwned_derive')",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "x.real",
    "x[0]",
    "'a'",
    ";",
    "eval('1')",
    "exec('import os')",
    "open('/tmp/pwned_derive', 'w')",
    "sympify('x')",
    "S('x')",
    "x; import os",
    "\\input{/etc/passwd}",
    "{x for x in ()}",
    "f'{x}'",
    "globals()",
    "os.system",
    "1 .__class__",
    "x.__dict__",
]


class _Forbidden(Exception):
    pass


@contextlib.contextmanager
def _no_python_evaluation():
    """Make eval, exec, os.system and subprocess fail loudly while the block runs."""
    def forbidden(*args, **kwargs):
        raise _Forbidden(repr(args)[:80])

    saved = builtins.eval, builtins.exec, os.system, subprocess.Popen
    builtins.eval = builtins.exec = os.system = subprocess.Popen = forbidden
    try:
        yield
    finally:
        builtins.eval, builtins.exec, os.system, subprocess.Popen = saved


def _parse_safely(text: str) -> None:
    parsing._lark()  # built outside the guard: building the grammar is not user input
    with _no_python_evaluation():
        try:
            result = parse(text)
        except ParseError as err:
            assert "internal error" not in err.message, (text, err.message)
            assert 0 <= err.column <= len(text)
            assert err.text == text
            assert "\n" not in err.message
            return
    assert isinstance(result, sp.Basic)


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_is_never_run(text):
    SENTINEL.unlink(missing_ok=True)
    with pytest.raises(ParseError):
        parse(text)
    _parse_safely(text)
    assert not SENTINEL.exists()


def test_parser_source_uses_no_python_evaluator():
    tree = ast.parse(Path(parsing.__file__).read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not names & {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "S"}
    assert not attributes & {"eval", "exec", "sympify", "parse_expr", "S", "parse_latex"}


FRAGMENTS = ["x", "y", "2", "0", "1.5", "sin", "ln", "log", "_", "2", "(", ")", "{", "}", "[",
             "]", "|", "^", "**", "*", "/", "+", "-", "−", ",", " ", "e", "pi", "π", "θ", "²",
             "⁻¹", "√", "f", "\\frac", "\\sqrt", "\\left(", "\\right)", "\\left|", "\\right|",
             "\\sin", "\\cdot", "\\theta", "\\mathrm", "sqrt", "root", "abs", "foo", "'", ".",
             "\x00", "\n", "__", "lambda", "1e5", "10^10^10"]
_settings = settings(max_examples=400, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(st.text())
def test_fuzz_arbitrary_text(text):
    _parse_safely(text)


@_settings
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fuzz_unicode_and_control_characters(text):
    _parse_safely(text)


@_settings
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
def test_fuzz_token_soup(text):
    _parse_safely(text)


@_settings
@given(st.sampled_from(INJECTIONS), st.text(max_size=10), st.sampled_from(FRAGMENTS))
def test_fuzz_injection_snippets(snippet, noise, fragment):
    SENTINEL.unlink(missing_ok=True)
    _parse_safely(fragment + snippet + noise)
    _parse_safely(snippet + fragment)
    assert not SENTINEL.exists()


@_settings
@given(st.one_of(st.text(max_size=40),
                 st.lists(st.sampled_from(FRAGMENTS + ["=", ",", "x=", "=1", "y="]), max_size=12)
                 .map("".join)))
def test_fuzz_symbol_and_point(text):
    with _no_python_evaluation():
        for reader in (parse_symbol, parse_point):
            try:
                result = reader(text)
            except ParseError as err:
                assert "internal error" not in err.message and "\n" not in err.message
                assert 0 <= err.column <= len(text) and err.text == text
                continue
            assert isinstance(result, (sp.Symbol, dict))


def test_a_prime_at_an_expression_is_the_derivative_there():
    """f′(g(x)) is f′ evaluated at g(x): concrete f and g give the number it stands for."""
    t = sp.Dummy("t")
    parsed = parse("f'(g(x)) + f''(x^2)")
    concrete = parsed.replace(f, sp.Lambda(t, t**3)).replace(g, sp.Lambda(t, sp.sin(t))).doit()
    assert sp.simplify(concrete - (3 * sp.sin(x) ** 2 + 6 * x**2)) == 0


# ------------------------------------------------------------------------------------------
# derive's own output (every displayed formula is read back)
# ------------------------------------------------------------------------------------------
u1, x12, xi_ = sym("u_1"), sym("x_12"), sym("x_i")


@pytest.mark.parametrize("text, expected", [
    ("u₁", u1),
    ("x₁₂ + 1", add(x12, 1)),
    ("xᵢ", xi_),
    ("eˣ", sp.Pow(E, x, evaluate=False)),
    ("e²ˣ", sp.Pow(E, mul(2, x), evaluate=False)),
    ("xⁿ", sp.Pow(x, n, evaluate=False)),
    ("2eˣ", mul(2, sp.Pow(E, x, evaluate=False))),
    ("log₂(x)", LogBase(x, 2, evaluate=False)),
    ("2x · 3", mul(mul(2, x), 3)),
    ("x − 1", add(x, -1)),
])
def test_unicode_scripts_as_derive_prints_them(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Abs(x) + E", add(sp.Abs(x, evaluate=False), E)),
    ("sgn(x)", sp.sign(x, evaluate=False)),
    (r"\operatorname{sgn}\left(x\right)", sp.sign(x, evaluate=False)),
    (r"\mathit{rate} x", mul(sym("rate"), x)),
    ("d/dx[x² + 1]", sp.Derivative(add(sp.Pow(x, 2, evaluate=False), 1), x)),
    ("d/dx (x sin(x))", sp.Derivative(mul(x, sp.sin(x, evaluate=False)), x)),
    ("∂/∂y f(x, y)", sp.Derivative(f(x, y), y)),
    (r"\frac{d}{dx}\left[x^{2}\right]", sp.Derivative(sp.Pow(x, 2, evaluate=False), x)),
    (r"\frac{\partial}{\partial y}\left(x y\right)", sp.Derivative(mul(x, y), y)),
    (r"f\left(x, y\right)", f(x, y)),
    ("x ≠ 0", sp.Ne(x, 0, evaluate=False)),
    (r"x^{2} \geq 1", sp.Ge(sp.Pow(x, 2, evaluate=False), 1, evaluate=False)),
])
def test_printed_dialect(text, expected):
    assert parse(text, printed=True) == expected


def test_multi_letter_names_are_one_name_when_known():
    assert parse("rate x", printed=True, names={"rate"}) == mul(sym("rate"), x)
    assert parse("rate x", printed=True) == mul(sym("r"), sym("a"), sym("t"), E, x)


@pytest.mark.parametrize("text", ["x ≠ 0", "x = 1", "∂x", r"x \neq 1", "d/dx[x]", "sgn(x)"])
def test_the_printed_dialect_is_not_user_input(text):
    """Relations, derivative operators and SymPy's spellings are read only in derive's own
    output; typed by a user they stay errors (or, for sgn, letters)."""
    try:
        read = parse(text)
    except ParseError:
        return
    assert not read.has(sp.sign, sp.Derivative)


def test_capital_e_stays_a_variable_in_user_input():
    assert parse("E") == sym("E")
    assert parse("E", printed=True) == E
