"""The computation-graph style (``--style graph``) as a teacher reads it: every rule named on
a local derivative is true of that line, the product and quotient rules are recognised where
the total-derivative rule meets a product or quotient node, the sum over the paths is worked
once (node by node) with the paths named in one line, the substitution line is written in a
teacher's factor order, and the notes' own examples keep their method and results.

Expected lines are written by hand from the mathematics; every run goes through the command
line, which reads back each printed formula and fails (exit 3) on one that is not what was
checked.
"""

from __future__ import annotations

import json
import re

import pytest
import sympy as sp

from derive.cli.main import run
from derive.core.graph import written_back
from derive.present.notation import to_text

x, u, v, w, u1, u2, u3, u4 = sp.symbols("x u v w u_1 u_2 u_3 u_4", real=True)


def derive_text(capsys, *args, fmt="text"):
    code = run(list(args) + ["--format", fmt])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def graph(capsys, expression, *more, fmt="text"):
    return derive_text(capsys, expression, "--style", "graph", *more, fmt=fmt)


def lines(text):
    """The lines with runs of spaces made single (the columns are padded)."""
    return [" ".join(line.split()) for line in text.splitlines()]


LABEL = re.compile(r"\d\. (Intermediate variables|Local derivatives|Total derivative|Chain rule|"
                   r"Substitute and simplify) +")


def phase(text, number):
    """The lines of phase ``number`` (``3. Total derivative`` …) of a text solution without
    the phase's label, wrapped lines joined to the line they continue."""
    found, inside = [], False
    for line in text.splitlines():
        if LABEL.match(line):
            inside = line.startswith(f"{number}. ")
            line = " " * 28 + LABEL.sub("", line)
        elif not line.strip():
            inside = False
        if inside:
            if line.startswith(" " * 30) and found:   # a wrapped line goes on
                found[-1] += " " + line.strip()
            else:
                found.append(" ".join(line.split()))
    return found


def local_line(text, symbol):
    """The local-derivative line that begins with ``symbol`` (``∂y/∂u₁``)."""
    matches = [line for line in phase(text, 2) if symbol + " =" in line]
    assert len(matches) == 1, (symbol, phase(text, 2))
    return matches[0]


# --- 1. every rule named is true of its line -----------------------------------------------

@pytest.mark.parametrize("expression, symbol, line", [
    # y = u₁u₂: with respect to u₁ the other factor u₂ is held constant
    ("x^2 sin(x)", "∂y/∂u₁", "∂y/∂u₁ = u₂ (u₂ is a constant factor)"),
    ("x^2 sin(x)", "∂y/∂u₂", "∂y/∂u₂ = u₁ (u₁ is a constant factor)"),
    # y = u₂/u₃ = u₂·u₃⁻¹: 1/u₃ is a constant factor; by u₃ the power rule gives −u₂/u₃²
    ("(x^2+1)/(x-1)", "∂y/∂u₂", "∂y/∂u₂ = 1/u₃ (1/u₃ is a constant factor)"),
    ("(x^2+1)/(x-1)", "∂y/∂u₃", "∂y/∂u₃ = -u₂/u₃² (u₂ is a constant factor, power rule)"),
    # y = x·u₁ (the notes' x·x²)
    ("x*x^2", "∂y/∂x", "∂y/∂x = u₁ (u₁ is a constant factor)"),
    ("x*x^2", "∂y/∂u₁", "∂y/∂u₁ = x (x is a constant factor)"),
    # y = 3/v = 3·v⁻¹: a constant multiple of a power
    ("3/(x^2+1)", "dy/dv", "dy/dv = -3/v² (constant multiple rule, power rule)"),
    # u₁ = 3x²: one node, two rules
    ("3x^2 + sin(x)", "du₁/dx", "du₁/dx = 6x (constant multiple rule, power rule)"),
    # one rule where one is used
    ("x^2 sin(x)", "du₁/dx", "du₁/dx = 2x (power rule)"),
    ("sin(x + x^2)", "dy/du₂", "dy/du₂ = cos(u₂) (derivative of sine)"),
])
def test_local_derivative_names_the_rules_of_its_line(capsys, expression, symbol, line):
    assert local_line(graph(capsys, expression), symbol) == line


def test_a_product_node_is_never_called_a_constant_multiple(capsys):
    for expression in ("x^2 sin(x)", "(x^2+1)/(x-1)", "x*x^2", "e^x cos(x)", "sin(x)/x"):
        partials = [line for line in phase(graph(capsys, expression), 2)
                    if line.startswith("∂y/")]
        assert partials and not any("constant multiple" in line for line in partials), partials


def test_a_partial_with_another_variable_names_it_held_constant(capsys):
    # u₁ = xy: ∂u₁/∂x = y, with y held constant
    text = derive_text(capsys, "x y + sin(x y)", "--wrt", "x", "--style", "graph")
    assert local_line(text, "∂u₁/∂x") == "∂u₁/∂x = y (y is a constant factor)"


def test_the_rule_words_in_markdown_and_latex(capsys):
    markdown = graph(capsys, "(x^2+1)/(x-1)", fmt="markdown")
    assert ("| $\\frac{\\partial y}{\\partial u_{3}} = -\\frac{u_{2}}{u_{3}^{2}}$ | "
            "$u_{2}$ is a constant factor, power rule |") in markdown
    latex = graph(capsys, "(x^2+1)/(x-1)", fmt="latex")
    assert (r"\frac{\partial y}{\partial u_{3}} &= -\frac{u_{2}}{u_{3}^{2}} && "
            r"\text{$u_{2}$ is a constant factor, power rule}") in latex
    assert "constant multiple" not in markdown + latex


# --- 2. the product and quotient rules are recognised ---------------------------------------

@pytest.mark.parametrize("args, law", [
    (["x^2 sin(x)"], "this is the product rule at y = u₁u₂: (fg)′ = f′g + fg′"),
    (["x*x^2"], "this is the product rule at y = x·u₁: (fg)′ = f′g + fg′"),
    (["x sin(x) cos(x)"], "this is the product rule at y = x·u₁·u₂: (fgh)′ = f′gh + fg′h + fgh′"),
    (["(x^2+1)/(x-1)"], "this is the quotient rule at y = u₂/u₃: (f/g)′ = (f′g - fg′)/g²"),
    (["sin(x)/x"], "this is the quotient rule at y = u₁/x: (f/g)′ = (f′g - fg′)/g²"),
    # the notes' y = uv with u = x², v = ln(x): "you may recognize this as the product rule"
    (["u v", "--where", "u=x^2", "--where", "v=ln(x)", "--wrt", "x"],
     "this is the product rule at y = uv: (fg)′ = f′g + fg′"),
])
def test_product_and_quotient_nodes_say_which_rule_the_sum_is(capsys, args, law):
    total = phase(graph(capsys, *args), 3)
    assert law in total
    # said right after the sum at that node
    node = law.split(" at ")[1].split(" =")[0]
    assert total[total.index(law) - 1].startswith(f"d{node}/dx = ")


@pytest.mark.parametrize("expression", ["sin(x + x^2)", "ln(sin(x^3)^2)", "x + sin(x)"])
def test_no_product_rule_where_there_is_no_product(capsys, expression):
    text = graph(capsys, expression)
    assert "product rule" not in text and "quotient rule" not in text


def test_product_and_quotient_rules_in_markdown_and_latex(capsys):
    assert ("At $y = u_{1} u_{2}$ this is the product rule: $(fg)' = f'g + fg'$."
            in graph(capsys, "x^2 sin(x)", fmt="markdown"))
    assert (r"At $y = \frac{u_{2}}{u_{3}}$ this is the quotient rule: "
            r"$\left(\frac{f}{g}\right)' = \frac{f'g - fg'}{g^{2}}$."
            in graph(capsys, "(x^2+1)/(x-1)", fmt="latex"))


# --- 3. the sum over the paths is worked once -----------------------------------------------

def test_two_paths_are_named_once_and_summed_once(capsys):
    text = graph(capsys, "(x^2+1)/(x-1)")
    total = phase(text, 3)
    assert total[0] == ("x reaches y along 2 paths: "
                        "path 1: x → u₁ → u₂ → y; path 2: x → u₃ → y")
    assert sum(line.count("dy/dx =") for line in total) == 1
    assert sum(line.count("reaches") for line in total) == 1
    assert "sum over the paths" not in text
    # node by node: u₂ by the chain rule, then y over its two arguments
    assert total[1] == "du₂/dx = du₂/du₁ · du₁/dx = 1·2x = 2x"
    assert total[2].startswith("dy/dx = ∂y/∂u₂ · du₂/dx + ∂y/∂u₃ · du₃/dx = ")


@pytest.mark.parametrize("fmt, sum_of_y", [
    ("markdown", r"\frac{dy}{dx} &= \frac{\partial y}{\partial u_{2}}"),
    ("latex", r"\frac{dy}{dx} &= \frac{\partial y}{\partial u_{2}}"),
])
def test_the_sum_is_written_once_in_markdown_and_latex(capsys, fmt, sum_of_y):
    text = graph(capsys, "(x^2+1)/(x-1)", fmt=fmt)
    assert text.count(sum_of_y) == 1
    assert text.count("reaches") == 1 and "sum over the paths" not in text.lower()


# --- 4. the substitution line as a teacher writes it ----------------------------------------

def result(capsys, expression):
    """The derivative the graph style finds, read from its JSON output."""
    data = json.loads(derive_text(capsys, expression, "--style", "graph", fmt="json"))
    assert data["verified"]
    return sp.sympify(data["result"], locals={"x": x})


def substitution(text):
    (line,) = [line for line in lines(text) if line.startswith("4. Substitute and simplify")]
    return line.removeprefix("4. Substitute and simplify = ")


@pytest.mark.parametrize("expression, written", [
    ("x^2 sin(x)", "x² cos(x) + 2x sin(x)"),            # not 2 sin(x)·x
    ("-x^2 cos(x)", "x² sin(x) - 2x cos(x)"),           # not - 2 cos(x)·x
    ("e^x cos(x)", "eˣ cos(x) - eˣ sin(x)"),            # not cos(x) eˣ - …
    ("sqrt(x) ln(x)", "√x/x + ln(x)/(2√x)"),            # not (1/2)·ln(x)·(1/√x)
    ("3/(x^2+1)", "-(3/(x² + 1)²)·2x"),                 # the chain, without its factor 1
    ("ln(sin(x^3)^2)", "(1/sin²(x³))·2 sin(x³)·cos(x³)·3x²"),   # the chain's order kept
])
def test_substitution_line_in_teacher_order(capsys, expression, written):
    assert substitution(graph(capsys, expression)) == written


def test_substitution_line_of_a_user_graph(capsys):
    text = graph(capsys, "u v", "--where", "u=x^2", "--where", "v=ln(x)", "--wrt", "x")
    assert substitution(text) == "x²/x + 2x ln(x)"


ONE_MORE = sp.Add(x**2, 1, evaluate=False)   # x² + 1 as typed


@pytest.mark.parametrize("expr, names, chain, written", [
    (2 * u2 * x + u1 * sp.cos(x), {u1: x**2, u2: sp.sin(x)}, False, "x² cos(x) + 2x sin(x)"),
    (u2 / (2 * sp.sqrt(x)), {u2: sp.log(x)}, False, "ln(x)/(2√x)"),
    (-2 * u4 * x / u3**2, {u4: sp.Mul(sp.tan(x), sp.exp(2 * x), evaluate=False),
                           u3: ONE_MORE}, False, "-2x e²ˣ tan(x)/(x² + 1)²"),
    (sp.Mul(-3 / v**2, 1, 2 * x, evaluate=False), {v: ONE_MORE}, True, "-(3/(x² + 1)²)·2x"),
    (sp.Mul(1, 1, evaluate=False), {}, True, "1"),
])
def test_written_back_keeps_the_value_and_orders_the_factors(expr, names, chain, written):
    back = written_back(expr, names, chain=chain)
    assert sp.simplify(back - expr.subs(names)) == 0
    assert to_text(back, order="none") == written


def test_a_rewriting_that_reads_as_the_substitution_is_not_shown_again(capsys):
    text = graph(capsys, "1/(1+e^(-x))")
    assert substitution(text) == "e^(-x)/(1 + e^(-x))²"
    assert "multiply out" not in text
    assert "= eˣ/(eˣ + 1)² (simplify)" in lines(text)


# --- 5. the notes' examples keep their method and results -----------------------------------

def test_sin_of_x_plus_x_squared_both_paths(capsys):
    # seed 001: u₁ = x², u₂ = x + u₁, then the total derivative over x → u₂ and x → u₁ → u₂
    text = graph(capsys, "sin(x + x^2)")
    assert "1. Intermediate variables u₁ = x², u₂ = x + u₁, y = sin(u₂)" in lines(text)
    total = phase(text, 3)
    assert "path 1: x → u₂ → y; path 2: x → u₁ → u₂ → y" in total[0]
    assert "du₂/dx = ∂u₂/∂x + ∂u₂/∂u₁ · du₁/dx = 1 + 1·2x = 2x + 1" in total
    assert "dy/dx = dy/du₂ · du₂/dx = cos(u₂)·(2x + 1) = (2x + 1) cos(u₂)" in total
    assert sp.simplify(result(capsys, "sin(x + x^2)") - (1 + 2 * x) * sp.cos(x + x**2)) == 0


def test_ln_sin_cubed_squared_is_a_chain_of_u_v_w(capsys):
    text = graph(capsys, "ln(sin(x^3)^2)")
    assert "1. Intermediate variables u = x³, v = sin(u), w = v², y = ln(w)" in lines(text)
    assert "3. Chain rule dy/dx = dy/dw · dw/dv · dv/du · du/dx = (1/w)·2v·cos(u)·3x²" \
        in " ".join(lines(text))
    # 6x² cot(x³), not the notes' slip 6x² cos(x³)
    assert lines(text)[-3] == "= 6x² cot(x³) (usual notation)"
    assert sp.simplify(result(capsys, "ln(sin(x^3)^2)") - 6 * x**2 / sp.tan(x**3)) == 0


def test_the_notes_product_of_u_and_v(capsys):
    # seed 003: dy/dx = ∂y/∂u · du/dx + ∂y/∂v · dv/dx = v·2x + u·(1/x)
    text = graph(capsys, "u v", "--where", "u=x^2", "--where", "v=ln(x)", "--wrt", "x")
    assert phase(text, 3)[0] == ("dy/dx = ∂y/∂u · du/dx + ∂y/∂v · dv/dx "
                                 "= v·2x + u·(1/x) = u/x + 2vx")
    assert lines(text)[-3] == "= 2x ln(x) + x (multiply out)"


def test_x_times_x_squared(capsys):
    # seed 001: ∂u₂/∂x + ∂u₂/∂u₁ · ∂u₁/∂x = u₁ + x·2x, then 3x²
    text = graph(capsys, "x*x^2")
    assert "dy/dx = ∂y/∂x + ∂y/∂u₁ · du₁/dx = u₁ + x·2x = u₁ + 2x²" in phase(text, 3)
    assert "= 3x² (multiply out)" in lines(text)


def test_vector_chain_rule_of_the_notes(capsys):
    # seed 001: f = (ln g₁, sin g₂), g = (x², 3x): ∂f/∂x = ∂f/∂g · ∂g/∂x = (2/x, 3 cos(3x))
    text = derive_text(capsys, "[ln(g1), sin(g2)]", "--where", "g1=x^2", "--where", "g2=3x",
                       "--jacobian", "--vars", "x")
    assert ("Vector chain rule: ∂f/∂x = ∂f/∂g · ∂g/∂x, (2×2)·(2×1) = 2×1, "
            "with f = (f₁, f₂) and g = (g₁, g₂)") in text
    assert "⎡2/x      ⎤\n⎣3 cos(3x)⎦" in text
