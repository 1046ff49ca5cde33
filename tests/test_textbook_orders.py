"""Higher derivatives in the textbook style: the n-th derivative worked order by order, each
order by the textbook's rules from the answer of the order before, every line labelled with
the derivative it is — dy/dx, d²y/dx², d³y/dx³ when the function is y; f′(y), f″(y), f⁽⁴⁾(y)
when it is a function called f (y being a variable) — and the last line restating the
derivative asked for.

The expected derivatives are SymPy's own ``diff`` of the functions written here in SymPy,
and the expected labels are written from the notation, never copied from derive's output.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from conftest import assert_compiles
from derive import differentiate
from derive.cli.main import run
from derive.present import readback

x, y = sp.symbols("x y")

# the function as typed, and the same function written in SymPy (the oracle's input)
FUNCTIONS = {
    "x^4 - 3x^2 + 2": x**4 - 3 * x**2 + 2,                    # polynomials
    "x^5 + 2x": x**5 + 2 * x,
    "x^3 sin(x)": x**3 * sp.sin(x),                           # products
    "x^2 e^x": x**2 * sp.exp(x),
    "ln(x)/x": sp.log(x) / x,                                 # quotients
    "(x^2+1)/(x-1)": (x**2 + 1) / (x - 1),
    "e^(2x)": sp.exp(2 * x),                                  # compositions
    "sin(x^2)": sp.sin(x**2),
    "tan(x)": sp.tan(x),
    "sqrt(x^2+1)": sp.sqrt(x**2 + 1),
}


@pytest.fixture(autouse=True)
def _reading_back():
    """Every formula rendered here is read back, as the command line reads it back."""
    with readback.checking(True):
        yield


def by_name(e: sp.Expr) -> sp.Expr:
    """``e`` with its variables replaced by the plain symbols of this file of the same name."""
    return e.xreplace({s: sp.Symbol(s.name) for s in e.free_symbols})


# ------------------------------------------------------------------------------------------
# The mathematics: each order is the derivative of the order before
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", [2, 3])
@pytest.mark.parametrize("typed", FUNCTIONS)
def test_each_order_is_the_derivative_of_that_order(typed, order):
    solution = differentiate(typed, order=order)
    assert solution.style == "textbook" and solution.verified
    assert len(solution.steps) == order
    for k, block in enumerate(solution.steps, start=1):
        expected = sp.diff(FUNCTIONS[typed], x, k)
        assert sp.simplify(by_name(block.result) - expected) == 0, (k, block.result)
        # worked by the textbook's rules, not by a computation graph
        assert all(s.rule != "intermediates" for s in block.substeps)
    assert sp.simplify(by_name(solution.result) - sp.diff(FUNCTIONS[typed], x, order)) == 0


def test_each_order_starts_from_the_answer_of_the_order_before():
    solution = differentiate("x^3 sin(x)", order=3)
    for before, block in zip(solution.steps, solution.steps[1:]):
        assert sp.simplify(block.target - before.result) == 0


# ------------------------------------------------------------------------------------------
# The labels, in text, Markdown and LaTeX
# ------------------------------------------------------------------------------------------
SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def leibniz_orders(line: str, fmt: str) -> list[int]:
    """The order of each label dⁿy/dxⁿ in the line (1 for dy/dx); a label whose numerator
    and denominator disagree counts as 0."""
    if fmt == "text":
        found = re.findall(r"d([²³⁴⁵⁶⁷⁸⁹]?)y/dx([²³⁴⁵⁶⁷⁸⁹]?)", line)
        pairs = [(int(a.translate(SUPER) or 1), int(b.translate(SUPER) or 1)) for a, b in found]
    else:
        found = re.findall(r"\\frac\{d(?:\^\{(\d+)\})?y\}\{dx(?:\^\{(\d+)\})?\}", line)
        pairs = [(int(a or 1), int(b or 1)) for a, b in found]
    return [a if a == b else 0 for a, b in pairs]


def prime_orders(line: str, fmt: str) -> list[int]:
    """The order of each label f′(y), f″(y), f‴(y), f⁽ⁿ⁾(y) in the line."""
    if fmt == "text":
        found = re.findall(r"f(′|″|‴|⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾)\(y\)", line)
        return [{"′": 1, "″": 2, "‴": 3}.get(p) or int(p[1:-1].translate(SUPER))
                for p in found]
    found = re.findall(r"f('+|\^\{\(\d+\)\})\\left\(y\\right\)", line)
    return [len(p) if p.startswith("'") else int(p[3:-2]) for p in found]


HEADING = {"text": r"^Derivative (\d+) of (\d+): ",
           "markdown": r"^### Derivative (\d+) of (\d+): ",
           "latex": r"\\textbf\{Derivative (\d+) of (\d+):\}"}
SO = {"text": "so ", "markdown": "So $", "latex": r"\medskip\noindent so $"}


def blocks(out: str, fmt: str) -> list[tuple[str, list[str]]]:
    """The solution's orders: (heading line, the lines below it up to the next heading)."""
    found: list[tuple[str, list[str]]] = []
    for line in out.splitlines():
        if re.search(HEADING[fmt], line):
            found.append((line, []))
        elif found:
            found[-1][1].append(line)
    return found


def assert_labelled(out: str, fmt: str, n: int, orders) -> None:
    """Each order's heading is "its label = d/dx[the label before] = d/dx[…]", every label in
    its lines is its own order's, and it ends with "so <its label> = …"."""
    worked = blocks(out, fmt)
    assert [int(re.search(HEADING[fmt], h).group(1)) for h, _ in worked] == list(range(1, n + 1))
    for k, (heading, lines) in enumerate(worked, start=1):
        # the heading: this order's label, then (from the second) d/dx of the one before
        assert orders(heading, fmt) == ([k] if k == 1 else [k, k - 1]), heading
        body = [line for line in lines if orders(line, fmt)]
        assert body, f"no labelled line in derivative {k}"
        for line in body:
            assert set(orders(line, fmt)) == {k}, (k, line)
        closing = [line for line in lines if line.startswith(SO[fmt])]
        assert closing and orders(closing[-1], fmt) == [k], closing
    # the last "so" line restates the derivative asked for
    last = [line for line in out.splitlines() if line.startswith(SO[fmt])][-1]
    assert orders(last, fmt) == [n]


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
@pytest.mark.parametrize("typed, n", [("x^3 sin(x)", 2), ("ln(x)/x", 3), ("e^(2x)", 3),
                                      ("sin(x^2)", 2), ("tan(x)", 2), ("x^4 - 3x^2 + 2", 4)])
def test_every_line_is_labelled_with_its_order_when_the_function_is_y(typed, n, fmt):
    out = differentiate(typed, order=n).render(fmt)
    find = next(line for line in out.splitlines()
                if re.match(r"^(find|\*\*Find|\\par.*Find)", line))
    assert leibniz_orders(find, fmt) == [n]
    assert_labelled(out, fmt, n, leibniz_orders)


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
@pytest.mark.parametrize("typed, n", [("y^3 sin(y)", 2), ("e^(2y)", 4), ("ln(y)/y", 5)])
def test_a_function_called_f_is_labelled_with_primes(typed, n, fmt):
    """y is the variable: the function is f, and its derivatives f′(y), f″(y), … f⁽⁵⁾(y)."""
    solution = differentiate(typed, order=n)
    assert solution.name == sp.Symbol("f") and solution.style == "textbook"
    out = solution.render(fmt)
    assert_labelled(out, fmt, n, prime_orders)
    assert leibniz_orders(out, fmt) == []        # no dy/dx: y is not the function


def test_the_labels_as_written():
    text = differentiate("x^3 sin(x)", order=2).render("text")
    assert "find d²y/dx²" in text
    assert "Derivative 2 of 2: d²y/dx² = d/dx[dy/dx] = d/dx[x²(x cos(x) + 3 sin(x))]" in text
    assert "d²y/dx²: the product rule" in text
    primes = differentiate("e^(2y)", order=4).render("text")
    assert "find f⁽⁴⁾(y)" in primes and "f‴(y) = d/dy[f″(y)]" in primes
    latex = differentiate("e^(2y)", order=4).render("latex")
    assert r"f^{(4)}\left(y\right) = \dfrac{d}{dy}\left[f'''\left(y\right)\right]" in latex


# ------------------------------------------------------------------------------------------
# How each order is worked
# ------------------------------------------------------------------------------------------
def test_a_sum_is_worked_in_the_order_it_was_printed():
    text = differentiate("x^4 - 3x^2 + 2", order=2).render("text")
    assert "so dy/dx = 4x³ - 6x" in text
    assert "d²y/dx² = d/dx[4x³] - d/dx[6x]    (sum rule)" in text


def test_a_composition_in_a_higher_order_is_a_quantity_of_its_own():
    """sec²(x) is not y: its layers are named, and the chain rule gives its own derivative."""
    text = differentiate("tan(x)", order=2).render("text")
    assert "v = sec²(x) is a composition: let u = sec(x),  so v = u²" in text
    assert "dv/dx = dv/du · du/dx" in text
    assert "y = sec²(x)" not in text


def test_nested_products_name_their_factors_apart():
    """Inside g′ the product x cos(x) is F·G, not a second f and g."""
    text = differentiate("x^3 sin(x)", order=2).render("text")
    assert "f = x²,  g = x cos(x) + 3 sin(x)" in text
    assert "F = x,  G = cos(x)" in text


def test_an_order_larger_than_an_exercise_is_worked_by_the_graph():
    """The first order is an exercise; its derivative is not: that order alone is worked as
    a computation graph, and still labelled as the derivative it is."""
    solution = differentiate("(x^2+1)^3 (x-2)^4 sin(3x) e^x/(x+3)", order=2)
    assert solution.style == "textbook" and solution.verified
    assert "graph-method-order-2" in solution.notes
    first, second = solution.steps
    assert all(s.rule != "intermediates" for s in first.substeps)
    assert second.substeps[0].rule == "intermediates"
    text = solution.render("text", width=400)
    assert "1. Intermediate variables" in text
    assert_labelled(text, "text", 2, leibniz_orders)


def test_several_variables_keep_the_graph_method():
    solution = differentiate("x^2 y^3", ["x", "y"])
    assert solution.style == "graph" and "graph-method" in solution.notes


# ------------------------------------------------------------------------------------------
# Mixed partial derivatives restate the derivative asked for
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, answer", [
    ("x^2 y^3", {"text": "so ∂²f/∂y∂x = 6xy²",
                 "markdown": r"so $\frac{\partial^{2} f}{\partial y \partial x} = 6 x y^{2}$",
                 "latex": r"so $\frac{\partial^{2} f}{\partial y \partial x} = 6 x y^{2}$"}),
    ("sin(x y)", {"text": "so ∂²f/∂y∂x = cos(xy) - xy sin(xy)",
                  "markdown": r"So $\frac{\partial^{2} f}{\partial y \partial x} = ",
                  "latex": r"So $\frac{\partial^{2} f}{\partial y \partial x} = "}),
])
@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
def test_a_mixed_partial_ends_with_the_derivative_asked_for(typed, answer, fmt):
    out = differentiate(typed, ["x", "y"]).render(fmt)
    restated = [line for line in out.splitlines() if re.search(r"\b[sS]o \$?[∂\\]", line)]
    assert answer[fmt] in restated[-1]
    assert not any(re.search(r"[sS]o (∂f/∂y|\$\\frac\{\\partial f\}\{\\partial y\})", line)
                   for line in restated)


# ------------------------------------------------------------------------------------------
# The value at a point, and the command line
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, expected, printed", [
    # 6x sin x + 6x² cos x − x³ sin x at x = 1
    ("x^3 sin(x)", 5 * sp.sin(1) + 6 * sp.cos(1), ("5 sin(1) + 6 cos(1)", "6 cos(1) + 5 sin(1)")),
    ("ln(x)/x", sp.Integer(-3), ("-3",)),               # (2 ln x − 3)/x³ at x = 1
])
def test_the_second_derivative_at_a_point(typed, expected, printed, capsys):
    assert sp.simplify(expected - sp.diff(FUNCTIONS[typed], x, 2).subs(x, 1)) == 0
    solution = differentiate(typed, order=2, at="x=1")
    assert sp.simplify(solution.value - expected) == 0
    assert run([typed, "--order", "2", "--at", "x=1"]) == 0
    out = capsys.readouterr().out
    assert "so d²y/dx² = " in out
    value_line = next(line for line in out.splitlines() if line.startswith("at x = 1: "))
    assert value_line.endswith(tuple(" = " + p for p in printed)), value_line


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "json"])
def test_the_command_line_reads_back_every_label(fmt, capsys):
    for typed in ("x^3 sin(x)", "y^3 sin(y)"):
        assert run([typed, "--order", "4", "--format", fmt]) == 0, capsys.readouterr().err
    capsys.readouterr()


def test_latex_compiles(tmp_path):
    for i, typed in enumerate(["x^3 sin(x)", "e^(2y)"]):
        tex = differentiate(typed, order=4).render("latex", standalone=True)
        assert_compiles(tex, tmp_path, f"o{i}", typed)
