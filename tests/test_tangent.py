"""Tangent and normal lines (``derive tangent CURVE --at POINT``): the point, the slope and
both lines compared with SymPy's own derivative (``diff``, ``idiff``) of the curve, every
printed formula read back with derive's parser."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from derive import api
from derive.cli.main import run
from derive.present import readback
from derive.present.results import render as rendered
from derive.read.parsing import parse
from conftest import assert_compiles

X, Y = sp.symbols("x y", real=True)

# (function, point) → the function as SymPy builds it
GRAPHS = {
    ("x^3 - 2x", 1): X**3 - 2 * X,
    ("x^4 - 3x^2 + x", -1): X**4 - 3 * X**2 + X,
    ("(x+1)/(x-2)", 3): (X + 1) / (X - 2),
    ("1/(x^2 + 1)", 1): 1 / (X**2 + 1),
    ("(2x - 1)/(x^2 + 3)", 0): (2 * X - 1) / (X**2 + 3),
}


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def printed(curve, at, fmt="text", **options):
    with readback.checking(True):   # every formula printed is read back, as the CLI does
        return rendered(api.tangent(curve, at), fmt, **options)


@pytest.mark.parametrize("case", GRAPHS)
def test_lines_of_a_graph_against_sympy(case):
    text, a = case
    f = GRAPHS[case]
    lines = api.tangent(text, f"x={a}")
    m, b = sp.diff(f, X).subs(X, a), f.subs(X, a)
    assert lines.verified and lines.point == (a, b) and lines.slope == m
    assert sp.simplify(lines.tangent - (b + m * (X - a))) == 0
    if m != 0:
        assert sp.simplify(lines.normal - (b - (X - a) / m)) == 0


def test_the_textbook_example(capsys):
    code, out, _ = cli(capsys, "tangent", "x^3 - 2x", "--at", "x=1", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["verified"]
    assert (data["slope"], data["tangent"], data["normal"]) == ("1", "x - 2", "-x")
    assert data["point"] == ["1", "-1"]


def test_the_circle_at_3_4(capsys):
    code, out, _ = cli(capsys, "tangent", "x^2 + y^2 = 25", "--at", "x=3,y=4", "--format",
                       "json")
    data = json.loads(out)
    assert code == 0 and data["slope"] == "-3/4"
    slope = sp.idiff(X**2 + Y**2 - 25, Y, X).subs({X: 3, Y: 4})
    assert parse(data["slope"]) == slope
    assert sp.simplify(parse(data["tangent"]) - (4 + slope * (X - 3))) == 0
    assert sp.simplify(parse(data["normal"]) - sp.Rational(4, 3) * X) == 0


def test_printed_lines_are_true():
    """The point–slope and slope–intercept lines, each side read back: the tangent's two
    forms are one line through (3, 4) with SymPy's slope, the normal's perpendicular."""
    text = printed("(x+1)/(x-2)", "x=3")
    lines = [line.strip() for line in text.splitlines()]
    shown = [line for line in lines[lines.index(next(l for l in lines
                                                     if l.startswith("Tangent,"))):]
             if line.startswith("y ")]
    assert len(shown) == 4            # point–slope and y = mx + c, tangent and normal
    solved = [sp.solve(sp.Eq(*(parse(side) for side in line.split(" = "))), Y)[0]
              for line in shown]
    slope = sp.diff((X + 1) / (X - 2), X).subs(X, 3)
    for line in solved:
        assert line.subs(X, 3) == 4
    assert sp.expand(solved[0] - solved[1]) == 0 and sp.diff(solved[0], X) == slope
    assert sp.expand(solved[2] - solved[3]) == 0 and sp.diff(solved[2], X) * slope == -1


def test_horizontal_and_vertical_tangents_said_as_such():
    flat = api.tangent("x^2", "x=0")
    assert flat.kind == "horizontal" and flat.tangent == 0 and flat.normal is None
    assert "tangent is horizontal" in printed("x^2", "x=0")
    steep = api.tangent("x^(1/3)", "x=0")
    assert steep.kind == "vertical" and steep.tangent is None and steep.normal == 0
    assert "the tangent is vertical: the line x = 0" in printed("x^(1/3)", "x=0")
    side = api.tangent("x^2 + y^2 = 25", "x=5,y=0")
    assert side.kind == "vertical" and "dx/dy = 0" in printed("x^2 + y^2 = 25", "x=5,y=0")
    top = api.tangent("x^2 + y^2 = 25", "x=0,y=5")
    assert top.kind == "horizontal" and top.tangent == 5


@pytest.mark.parametrize("args,words", [
    (["|x|", "--at", "x=0"], "corner"),
    (["1/x", "--at", "x=0"], "outside the domain"),
    (["x^2 + y^2 = 25", "--at", "x=1,y=1"], "not on the curve"),
    (["x^3 + y^3 = 6xy", "--at", "x=0,y=0"], "singular point"),
    (["x^2", "--at", "y=1"], "give x alone"),
])
def test_refusals_are_one_line_exit_2(capsys, args, words):
    code, out, err = cli(capsys, "tangent", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and words in err


@pytest.mark.parametrize("curve,at", [("x^3 - 2x", "x=1"), ("(x+1)/(x-2)", "x=3"),
                                      ("x^2 + y^2 = 25", "x=3,y=4"), ("x^(1/3)", "x=0")])
def test_every_format(curve, at, tmp_path):
    assert printed(curve, at, "markdown").count("$") > 6
    assert_compiles(printed(curve, at, "latex", standalone=True), tmp_path, "tangent", curve)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=st.lists(st.integers(-4, 4), min_size=2, max_size=4), a=st.integers(-3, 3))
def test_polynomial_tangents(c, a):
    f = sum(k * X**i for i, k in enumerate(c))
    if not f.has(X):
        return
    text = " + ".join(f"({k})x^{i}" for i, k in enumerate(c))
    lines = api.tangent(text, {X: a})
    m = sp.diff(f, X).subs(X, a)
    assert lines.verified and lines.slope == m
    assert lines.tangent.subs(X, a) == f.subs(X, a) and sp.diff(lines.tangent, X) == m
    if m != 0:
        assert sp.simplify(lines.normal_slope * m) == -1


def test_plot_draws_the_graph_with_both_lines(tmp_path, capsys):
    target = tmp_path / "plot.tex"
    code, _, err = cli(capsys, "tangent", "x^3 - 2x", "--at", "x=1", "--plot", "--format",
                       "latex", "--standalone", "-o", str(target))
    tex = target.read_text(encoding="utf-8")
    assert code == 0 and "\\begin{axis}" in tex and "1.0 * x + -2.0" in tex
    assert_compiles(tex, tmp_path, "plotted")
    code, _, err = cli(capsys, "tangent", "x^2 + y^2 = 25", "--at", "x=3,y=4", "--plot",
                       "--format", "latex")
    assert code == 2 and "graph of a function" in err


# --- the normal's slope −1/m as printed -----------------------------------------------------

@pytest.mark.parametrize("curve, at, written, value", [
    ("x^2 + y^2 = 25", "x=3,y=4", "-1/(-3/4)", sp.Rational(4, 3)),
    ("1/x", "x=2", "-1/(-1/4)", sp.Integer(4)),
    ("x^3 - 2x", "x=-1", "-1/1", sp.Integer(-1)),
    ("x^2", "x=-1", "-1/(-2)", sp.Rational(1, 2)),
    ("x^2", "x=1", "-1/2", sp.Rational(-1, 2)),
    ("sqrt(3) x^2/2", "x=1", "-1/√3", -1 / sp.sqrt(3)),
    ("ln(x)", "x=3", "-1/(1/3)", sp.Integer(-3)),
])
def test_the_normal_slope_is_written_as_the_reciprocal(curve, at, written, value):
    line = next(line for line in printed(curve, at).splitlines()
                if line.startswith("Normal, perpendicular to it: slope "))
    shown = line[len("Normal, perpendicular to it: slope "):].rstrip(":")
    left, right = shown.split(" = ")
    assert left == written
    assert sp.simplify(parse(left, printed=True) - value) == 0
    assert sp.simplify(parse(right, printed=True) - value) == 0
