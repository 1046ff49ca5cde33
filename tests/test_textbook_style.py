"""The textbook style: the derivative worked as a calculus textbook works it."""

import json

import pytest

from derive import differentiate
from derive.present.render import to_json
from conftest import assert_compiles


def text(expression, **options):
    return differentiate(expression, style="textbook", **options).render("text")


def test_sum_term_by_term_without_intermediates():
    out = text("x^3 + 2x^2 - 5x + 1")
    assert "dy/dx = d/dx[x³] + d/dx[2x²] - d/dx[5x] + d/dx[1]    (sum rule)" in out
    assert "    = 3x² + 4x - 5    (power rule" in out and "+ 0" not in out   # no 0 written
    assert "composition" not in out and "u =" not in out


# worked examples: fragments of the text a teacher writes, by hand
EXAMPLES = {
    "tan(6x^3+8)": ["let u = 6x³ + 8,  so y = tan(u)    (chain rule)", "dy/du = sec²(u)",
                    "dy/dx = dy/du · du/dx = sec²(u)·18x²", "so dy/dx = 18x² sec²(6x³ + 8)"],
    "ln(x^2+1)": ["let u = x² + 1,  so y = ln(u)", "dy/du = 1/u"],
    "x^2 sin(x)": ["the product rule, (fg)′ = f′g + fg′", "f = x²,  g = sin(x)",
                   "f′ = 2x", "g′ = cos(x)"],
    "(x^2+1)/(x-1)": ["the quotient rule, (f/g)′ = (f′g - fg′)/g²", "f = x² + 1,  g = x - 1"],
    "e^(2x) sin(3x)": ["the product rule", "f′ = e²ˣ·2 = 2e²ˣ    (chain rule",
                       "g′ = cos(3x)·3 = 3 cos(3x)    (chain rule",
                       "= e²ˣ(2 sin(3x) + 3 cos(3x))"],
    "ln(sin(x^3)^2)": ["let u = x³,  v = sin(u),  w = v²,  so y = ln(w)",
                       "dy/dx = dy/dw · dw/dv · dv/du · du/dx",
                       "so dy/dx = 6x² cos(x³)/sin(x³)\n         = 6x² cot(x³)    (usual notation)"],
    "sin(x + x^2)": ["let u = x + x²,  so y = sin(u)"],
}
ONE_LAYER = {"tan(6x^3+8)", "ln(x^2+1)", "sin(x + x^2)"}


@pytest.mark.parametrize("expression", EXAMPLES)
def test_examples_read_as_a_textbook_works_them(expression):
    out = text(expression)
    missing = [fragment for fragment in EXAMPLES[expression] if fragment not in out]
    assert not missing, out
    if expression in ONE_LAYER:   # one intermediate: the whole inner function
        assert "v =" not in out


def test_ln_of_a_sum_ends_as_one_fraction():
    solution = differentiate("ln(x^2+1)", style="textbook")
    assert str(solution.result) == "2*x/(x**2 + 1)"


def test_logarithmic_differentiation():
    out = text("x^x")
    assert "logarithmic differentiation" in out
    assert "ln y = x · ln(x)" in out


def test_a_shortening_rewrite_is_said_first():
    out = text("x*x^2")
    assert "First rewrite: x·x² = x³" in out
    assert "so dy/dx = 3x²" in out


@pytest.mark.parametrize("expression", [
    "tan(6x^3+8)", "ln(x^2+1)", "x^3 + 2x^2 - 5x + 1", "x^2 sin(x)", "(x^2+1)/(x-1)",
    "e^(2x) sin(3x)", "ln(sin(x^3)^2)", "sin(x + x^2)", "x^x", "x*x^2", "3 cos(x^2) - 1/x",
    "sqrt(1 - x^2)", "x^2 e^x / (x+1)", "|x^2 - 1|", "f(x^2)", "(x+1)^3 (x+2)"])
def test_every_step_is_checked(expression):
    solution = differentiate(expression, style="textbook")
    assert solution.style == "textbook"
    assert solution.verified
    kinds = {c.claim for c in solution.checks}
    assert "derivative" in kinds
    for fmt in ("text", "markdown", "latex"):
        assert "NOT VERIFIED" not in solution.render(fmt)


def test_json_describes_the_steps():
    data = to_json(differentiate("tan(6x^3+8)", style="textbook"))
    json.dumps(data)
    assert data["style"] == "textbook"
    chain = data["steps"][0]
    assert chain["rule"] == "chain"
    assert [b["name"] for b in chain["intermediates"]] == ["u", "y"]
    assert {s["rule"] for s in chain["substeps"]} >= {"tan", "sum", "substitute"}


def test_higher_order():
    """Each order is worked in the textbook style (tests/test_textbook_orders.py)."""
    solution = differentiate("x^3 sin(x)", style="textbook", order=2)
    assert solution.verified and solution.style == "textbook"
    assert "Derivative 2 of 2: d²y/dx² = d/dx[dy/dx]" in solution.render("text")


def test_several_variables_and_graphs_keep_the_graph_method():
    several = differentiate("x^2 y^3", "x", style="textbook")
    assert several.style == "graph" and "graph-method" in several.notes
    assert several.verified
    graph = differentiate("sin(u)", "x", where=["u=x^2"], style="textbook")
    assert graph.style == "graph" and graph.verified


def test_latex_compiles(tmp_path):
    for i, expression in enumerate(["e^(2x) sin(3x)", "(x^2+1)/(x-1)", "ln(sin(x^3)^2)",
                                    "x^3 + 2x^2 - 5x + 1", "x^x", "x*x^2"]):
        tex = differentiate(expression, style="textbook").render("latex", standalone=True)
        assert_compiles(tex, tmp_path, f"t{i}", expression)

def test_a_function_larger_than_an_exercise_is_worked_as_a_graph():
    """The nested layout prints each inner derivative again at every level: beyond an
    exercise's size the computation-graph method keeps the work linear."""
    small = differentiate("(x + 1)(x + 2)(x + 3)", style="textbook")
    assert small.style == "textbook"
    large = differentiate("*".join(f"(x + {i})" for i in range(1, 25)), style="textbook")
    assert large.style == "graph" and "graph-method" in large.notes and large.verified


# --- logarithmic differentiation of f^g, in every format --------------------------------------

@pytest.mark.parametrize("fmt, lines", [
    ("text", ["ln y = 4 ln(x) · ln(x)", "y′/y = 4/x · ln(x) + 4 ln(x) · 1/x",
              "y′ = 8x^(4 ln(x)) ln(x)/x"]),
    ("markdown", [r"$\ln y = 4 \ln\left(x\right) \cdot \ln\left(x\right)$ (ln of both sides)",
                  r"$\frac{y'}{y} = \frac{4}{x} \cdot \ln\left(x\right) + 4 \ln\left(x\right) "
                  r"\cdot \frac{1}{x}$",
                  r"$y' = \frac{8 x^{4 \ln\left(x\right)} \ln\left(x\right)}{x}$"]),
    ("latex", [r"$\ln y = 4 \ln\left(x\right) \cdot \ln\left(x\right)$ \quad (ln of both sides)",
               r"$\dfrac{y'}{y} = \frac{4}{x} \cdot \ln\left(x\right) + 4 \ln\left(x\right) "
               r"\cdot \frac{1}{x}$",
               r"(multiplied by $y = x^{4 \ln\left(x\right)}$)"]),
])
def test_a_variable_exponent_shows_ln_y_in_every_format(fmt, lines):
    """The three lines of logarithmic differentiation are written in every format, not only
    in text (a sheet's worked solution is LaTeX)."""
    shown = differentiate("x^(4 ln(x))").render(fmt)
    for line in lines:
        assert line in shown, (fmt, line, shown)


# --- a power of a power is one power ----------------------------------------------------------

@pytest.mark.parametrize("expr, shown", [
    ("1/x^2", ["dy/dx = -2/x³    (power rule)"]),
    ("1/sqrt(x)", ["dy/dx = -1/(2x^(3/2))    (power rule)"]),
    ("1/sqrt(2x+3)", ["let u = 2x + 3,  so y = 1/√u    (chain rule)",
                      "dy/du = -1/(2u^(3/2))    (power rule)"]),
    ("1/sin(x)^2", ["let u = sin(x),  so y = 1/u²    (chain rule)",
                    "dy/du = -2/u³    (power rule)"]),
])
def test_a_reciprocal_of_a_power_is_worked_as_one_power(expr, shown):
    """1/x² is x⁻² to a textbook: the power rule, not u = x², y = 1/u."""
    solution = differentiate(expr)
    assert solution.verified
    text = solution.render("text")
    for line in shown:
        assert line in text, text
    assert "so y = 1/u    (chain rule)" not in text
    assert len(solution.steps[0].bindings or ()) <= 2


@pytest.mark.parametrize("expr, line", [
    ("x^2 sin(x^2 + 1)", "g′ = cos(x² + 1)·2x = 2x cos(x² + 1)    (chain rule, derivative of sine)"),
    ("x/(x^2 + 1)^2", "g′ = 2(x² + 1)·2x = 4x(x² + 1)    (chain rule, power rule)"),
    ("(x^3 - 2x)^5 (x + 1)",
     "f′ = 5(x³ - 2x)⁴·(3x² - 2) = 5(3x² - 2)(x³ - 2x)⁴    (chain rule, power rule)"),
])
def test_a_factor_through_a_polynomial_is_differentiated_in_one_line(expr, line):
    """Inside the product or quotient rule, F(p(x)) with a polynomial p is written as the
    general power rule is, F′(p)·p′, the inner derivative in its printed order."""
    solution = differentiate(expr)
    assert solution.verified
    assert line in solution.render("text")
