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
                       "--format", "text")
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


# --- --plot of a curve given by an equation: marching squares in a square window ---------

import math  # noqa: E402

from derive.present.curve_plot import curve_plot, evaluator, march  # noqa: E402
from derive.present.tangent import tangent_curve_plot  # noqa: E402

CURVES = [("x^2 + y^2 = 25", "x=3,y=4"), ("x^3 + y^3 = 6xy", "x=3,y=3"),
          ("sin(xy) = x + y", "x=0,y=0"), ("x^2 - y^2 = 1", "x=1,y=0"),
          ("e^(xy) = x^2 y", "x=e,y=1/e"), ("x^2 + y^2 = 25", "x=5,y=0")]


def _curve(curve, at):
    """(lines, F as a float function, its gradient's length, the plot)."""
    lines = api.tangent(curve, at)
    F = lines.implicit.equation.function
    x, y = lines.x, lines.y
    value = sp.lambdify((x, y), F, "math")
    gradient = sp.lambdify((x, y), [sp.diff(F, x), sp.diff(F, y)], "math")
    return lines, value, lambda u, v: math.hypot(*gradient(u, v)), tangent_curve_plot(lines)


@pytest.mark.parametrize("curve, at", CURVES)
def test_curve_plot_points_lie_on_the_curve(curve, at):
    """Every plotted point is within a millionth of the window of the curve (|F|/|∇F|,
    after rounding to 6 digits), every point found before rounding to 1e-9."""
    lines, value, slope, plot = _curve(curve, at)
    width = plot.x_range[1] - plot.x_range[0]
    points = [p for piece in plot.pieces for p in piece]
    assert len(points) > 50
    for u, v in points:
        assert abs(value(u, v)) <= 1e-5 * width * slope(u, v), (u, v)
        assert plot.x_range[0] <= u <= plot.x_range[1]
        assert plot.y_range[0] <= v <= plot.y_range[1]
    F = lines.implicit.equation.function
    for p, q in march(evaluator(F, lines.x, lines.y), plot.x_range, plot.y_range, 161):
        for u, v in (p, q):
            assert abs(value(u, v)) <= 1e-9 * width * slope(u, v), (u, v)


@pytest.mark.parametrize("curve, at", CURVES)
def test_curve_plot_window_is_square_around_the_point(curve, at):
    lines, _, _, plot = _curve(curve, at)
    (x0, x1), (y0, y1) = plot.x_range, plot.y_range
    a, b = (float(c) for c in lines.point)
    assert x1 - x0 == pytest.approx(y1 - y0, rel=1e-5)
    assert x0 < a < x1 and y0 < b < y1
    assert len(plot.pieces) <= 4          # a few long pieces, not thousands of segments


def test_the_whole_circle_is_drawn_in_one_closed_piece():
    for at in ("x=3,y=4", "x=5,y=0"):
        _, _, _, plot = _curve("x^2 + y^2 = 25", at)
        assert plot.x_range == plot.y_range == (-5.75, 5.75)    # its box grown by 15 %
        (piece,) = plot.pieces
        assert piece[0] == piece[-1]
        assert {(u > 0, v > 0) for u, v in piece} == {(True, True), (True, False),
                                                      (False, True), (False, False)}
        assert max(math.dist(p, q) for p, q in zip(piece, piece[1:])) < 0.15
        angles = sorted(math.atan2(v, u) for u, v in piece)
        assert max(b - a for a, b in zip(angles, angles[1:])) < 0.05   # no gap


def test_the_folium_loop_is_drawn():
    """x³ + y³ = 6xy, unbounded: the point ± 3; its loop (x, y) = (6t, 6t²)/(1 + t³), t > 0,
    lies in that window and is drawn all round, through the node at the origin."""
    _, _, _, plot = _curve("x^3 + y^3 = 6xy", "x=3,y=3")
    assert plot.x_range == plot.y_range == (0.0, 6.0)
    points = [p for piece in plot.pieces for p in piece]
    for t in (0.05, 0.2, 0.5, 0.8, 1.0, 1.25, 2, 5, 20):
        on_loop = (6 * t / (1 + t**3), 6 * t**2 / (1 + t**3))
        assert min(math.dist(on_loop, p) for p in points) < 0.05, t
    assert min(math.hypot(*p) for p in points) < 0.05


def test_an_unbounded_curve_gets_the_point_plus_minus_3_and_range_sets_x():
    _, _, _, plot = _curve("x^2 - y^2 = 1", "x=1,y=0")
    assert plot.x_range == (-2.0, 4.0) and plot.y_range == (-3.0, 3.0)
    assert len(plot.pieces) == 2           # both branches
    lines = api.tangent("x^3 + y^3 = 6xy", "x=3,y=3")
    wide = tangent_curve_plot(lines, "-4,5")
    assert wide.x_range == (-4.0, 5.0) and wide.y_range == (-1.5, 7.5)
    # the node at the origin: the branches cross there (the saddle cells are resolved)
    near = [p for piece in wide.pieces for p in piece if math.hypot(*p) < 0.3]
    assert {(u > 0, v > 0) for u, v in near} >= {(True, True), (False, True), (True, False)}


@pytest.mark.parametrize("curve, at, on_the_line", [
    ("x/y = 1", "x=1,y=1", lambda u, v: abs(u - v) < 1e-4),
    ("1/x + 1/y = 1", "x=2,y=2", lambda u, v: abs(1 / u + 1 / v - 1) < 1e-3),
    ("tan(x) = y", "x=0,y=0", lambda u, v: abs(math.tan(u) - v) < 1e-3 * (1 + v * v)),
])
def test_no_segment_is_drawn_across_a_pole(curve, at, on_the_line):
    """F changes sign across a pole; no point is placed there and no piece jumps across."""
    _, _, _, plot = _curve(curve, at)
    width = plot.x_range[1] - plot.x_range[0]
    for piece in plot.pieces:
        assert all(on_the_line(u, v) for u, v in piece)
        assert max(math.dist(p, q) for p, q in zip(piece, piece[1:])) < 0.02 * width


def test_a_curve_reaches_the_edge_of_its_domain():
    """√x + √y = 2 ends on the axes, y = √(1 − x²) at (±1, 0): the cells half outside the
    domain are traced too."""
    plot = curve_plot(sp.sqrt(X) + sp.sqrt(Y) - 2, X, Y, (1, 1))
    points = [p for piece in plot.pieces for p in piece]
    assert len(plot.pieces) == 1
    assert min(u for u, _ in points) < 1e-3 and min(v for _, v in points) < 1e-3
    half = curve_plot(Y - sp.sqrt(1 - X**2), X, Y, (0, 1))
    (piece,) = half.pieces
    ends = sorted([piece[0], piece[-1]])
    assert ends[0] == pytest.approx((-1, 0), abs=2e-3) and \
        ends[1] == pytest.approx((1, 0), abs=2e-3)


@pytest.mark.parametrize("curve, at, vertical", [
    ("x^2 + y^2 = 25", "x=3,y=4", False), ("x^2 + y^2 = 25", "x=5,y=0", True),
    ("x^3 + y^3 = 6xy", "x=3,y=3", False), ("x^2 - y^2 = 1", "x=1,y=0", True),
])
def test_curve_plot_compiles(capsys, tmp_path, curve, at, vertical):
    code, out, err = cli(capsys, "tangent", curve, "--at", at, "--plot", "--format", "latex",
                         "--standalone")
    assert code == 0, err
    assert "axis equal image" in out and "\\addlegendentry{the curve}" in out
    assert out.count("\\addplot[blue!75!black, thick, forget plot] coordinates") <= 4
    a = float(api.tangent(curve, at).point[0])
    assert (f"\\draw[red!75!black, thick] (axis cs:{a}," in out) == vertical
    assert_compiles(out, tmp_path, "curve", curve)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_curve_plot_in_another_format_is_a_one_line_error(capsys, fmt):
    code, out, err = cli(capsys, "tangent", "x^2 + y^2 = 25", "--at", "x=3,y=4", "--plot",
                         "--format", fmt)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--format latex" in err and f"(not {fmt})" in err
