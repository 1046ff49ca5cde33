"""Pictures of a solution: the computation graph (TikZ, Mermaid, Graphviz DOT and SVG) and the
plot of f with its derivative (pgfplots, and PNG/SVG through matplotlib)."""

import math
import os
import re
import shutil
import subprocess
import sys

import pytest
import sympy as sp

from conftest import pdflatex_path, assert_same_function
from derive import differentiate, gradient
from derive.cli.main import run
from derive.present.drawing import drawing
from derive.errors import InputError
from derive.present.pictures import graph_figure, latex_document, plot_figure
from derive.present import plotting
from derive.present.plotting import read_range

x = sp.Symbol("x", real=True)
u1, u2, y = (sp.Symbol(n, real=True) for n in ("u_1", "u_2", "y"))

# several paths, shared subexpressions, quotients, a user's graph, one operation, a chain
GRAPHS = ["sin(x + x^2)", "sin(x + x^2) e^(x + x^2)", "(x^2 + 1)/(x^2 - 1)",
          "ln(x) + ln(x)^2", "sqrt(x + sqrt(x + sqrt(x)))", "x sin(x) / (1 + x^2)",
          "ln(sin(x^3)^2)", "|x| + |x|^2", "x^x", "x^2", "5"]


def _solution(text):
    return differentiate(text, style="graph")   # the style that works the computation graph


def plot_data(text, range=None):
    """The plot of a function given as text: the plot is drawn from its solution."""
    return plotting.plot_data(differentiate(text), range)


# --- the graph as data --------------------------------------------------------------------

def test_graph_of_sin_x_plus_x_squared():
    picture = drawing(_solution("sin(x + x^2)"))
    assert [n.name for n in picture.nodes] == [x, u1, u2, y]
    assert [n.kind for n in picture.nodes] == ["input", "intermediate", "intermediate", "output"]
    for node, definition in zip(picture.nodes[1:], [x**2, x + u1, sp.sin(u2)]):
        assert sp.expand(node.definition - definition) == 0
    names = {n.key: n.name for n in picture.nodes}
    edges = {(names[e.source], names[e.target]): e.derivative for e in picture.edges}
    assert edges == {(x, u1): 2 * x, (x, u2): 1, (u1, u2): 1, (u2, y): sp.cos(u2)}
    assert picture.paths == ((x, u2, y), (x, u1, u2, y))
    assert [n.layer for n in picture.nodes] == [0, 1, 2, 3]


def test_a_shared_subexpression_is_one_node_with_an_edge_to_each_use():
    picture = drawing(_solution("sin(x^2) + cos(x^2)"))
    squares = [n for n in picture.nodes if n.definition == x**2]
    assert len(squares) == 1
    assert len([e for e in picture.edges if e.source == squares[0].key]) == 2
    assert len(picture.paths) == 2


@pytest.mark.parametrize("text", GRAPHS)
def test_edges_carry_the_local_derivatives_and_paths_give_the_derivative(text):
    """Each edge a → n is labelled ∂n/∂a, and the sum over the paths of the products of the
    labels along each, written in x, is df/dx (the total-derivative rule)."""
    solution = _solution(text)
    picture = drawing(solution)
    nodes = {n.key: n for n in picture.nodes}
    expanded = {}
    for n in picture.nodes[1:]:
        expanded[n.name] = n.definition.xreplace(expanded)
    for e in picture.edges:
        target, source = nodes[e.target], nodes[e.source]
        assert_same_function(e.derivative, sp.diff(target.definition.doit(), source.name),
                             domain=target.definition.doit())
    label = {(nodes[e.source].name, nodes[e.target].name): e.derivative for e in picture.edges}
    total = sum((sp.Mul(*(label[(a, b)] for a, b in zip(p, p[1:]))) for p in picture.paths),
                sp.Integer(0))
    f = solution.expression.doit()
    assert_same_function(total.xreplace(expanded).doit(), sp.diff(f, x), domain=f)


@pytest.mark.parametrize("text", GRAPHS)
def test_every_box_has_its_own_cell_and_edges_go_forward(text):
    picture = drawing(_solution(text))
    grid = picture.grid
    cells = {c.key: c for c in grid.cells}
    assert len({(c.row, c.column) for c in grid.cells}) == len(grid.cells)
    assert sum(c.kind == "label" for c in grid.cells) == len(picture.edges)
    for n in picture.nodes:
        assert cells[n.key].kind == "node" and cells[n.key].column == 2 * n.layer
    for edge in picture.edges:
        route = dict(grid.routes)[edge.key]
        assert route[0] == edge.source and route[-1] == edge.target
        assert [cells[k].column for k in route] == list(
            range(cells[edge.source].column, cells[edge.target].column + 1))
        assert cells[route[1]].kind == "label"


def test_a_long_chain_is_drawn_downwards():
    assert drawing(_solution("tan(sin(cos(e^(x^2 + 1))))")).grid.direction == "down"
    assert drawing(_solution("sin(x + x^2)")).grid.direction == "right"


def test_the_text_numbers_the_paths_as_the_picture_does(capsys):
    assert run(["sin(x + x^2)", "--style", "graph"]) == 0
    out = capsys.readouterr().out
    assert "path 1: x → u₂ → y;  path 2: x → u₁ → u₂ → y" in out
    latex = graph_figure(_solution("sin(x + x^2)"), "latex")
    assert r"path 1: $x \to u_{2} \to y$; path 2: $x \to u_{1} \to u_{2} \to y$" in latex


def test_a_gradient_has_no_single_graph():
    with pytest.raises(InputError):
        graph_figure(gradient("x^2 y"), "latex")


# --- Mermaid and DOT, structurally --------------------------------------------------------

MERMAID_NODE = re.compile(r'^    n\d+(\(\(|\()"[^"]*"(\)\)|\))$')
MERMAID_EDGE = re.compile(r'^    n\d+ -->\|"[^"|]*"\| n\d+$')


@pytest.mark.parametrize("text", GRAPHS)
def test_mermaid_has_a_node_per_value_and_an_edge_per_argument(text):
    solution = _solution(text)
    picture = drawing(solution)
    figure = graph_figure(solution, "markdown")
    block = figure.split("```mermaid\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert block[0] in ("flowchart LR", "flowchart TB")
    nodes = [line for line in block if MERMAID_NODE.match(line)]
    edges = [line for line in block if "-->" in line]
    assert len(nodes) == len(picture.nodes) == _value_count(solution)
    assert len(edges) == len(picture.edges) == _argument_count(solution)
    assert all(MERMAID_EDGE.match(line) for line in edges), edges


def test_mermaid_labels_escape_its_syntax():
    figure = graph_figure(_solution("|x| + |x|^2"), "markdown")
    assert '"u₁ = #124;x#124;"' in figure
    assert '-->|"x/#124;x#124;"|' in figure


@pytest.mark.parametrize("text", GRAPHS)
def test_dot_has_a_node_per_value_and_an_edge_per_argument(text):
    solution = _solution(text)
    dot = graph_figure(solution, "dot")
    assert dot.startswith("digraph computation {") and dot.rstrip().endswith("}")
    assert len(re.findall(r"^    n\d+ \[label=", dot, re.M)) == _value_count(solution)
    assert len(re.findall(r"^    n\d+ -> n\d+ \[label=", dot, re.M)) == _argument_count(solution)


def test_svg_is_drawn_by_graphviz_when_it_is_installed(capsys):
    code = run(["sin(x + x^2)", "--format", "svg"])
    out, err = capsys.readouterr()
    if shutil.which("dot") is None:
        assert code == 2 and "Graphviz" in err and out == ""
        return
    assert code == 0 and out.lstrip().startswith("<?xml")
    assert out.count('class="node"') == 4 and out.count('class="edge"') == 4


def test_format_dot_prints_the_graph_alone(capsys):
    assert run(["sin(x + x^2)", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph computation {") and "Intermediate" not in out


def _value_count(solution):
    """Nodes of the solution's graph: its input and every named value (or f itself)."""
    return 1 + (len(solution.intermediates) or 1)


def _argument_count(solution):
    if solution.intermediates:
        return sum(len(node.arguments) for node in solution.intermediates)
    return 1 if solution.expression.has(solution.wrt) else 0


# --- the plot as data ---------------------------------------------------------------------

def _points(pieces):
    return [p for piece in pieces for p in piece]


def test_no_piece_crosses_a_pole_of_tan():
    plot = plot_data("tan(x)")
    assert plot.ends == (-sp.pi, sp.pi)
    poles = (-math.pi / 2, math.pi / 2)
    for curve, pieces in plot.pieces:
        assert len(pieces) == 3
        for piece in pieces:
            sides = {sum(t > p for p in poles) for t, _ in piece}
            assert len(sides) == 1, "a piece runs across a pole"
    _inside_window(plot)


def test_no_piece_crosses_the_poles_of_a_rational_function():
    plot = plot_data("1/(x^2 - 1)", "-3,3")
    for _, pieces in plot.pieces:
        for piece in pieces:
            assert len({(t > -1) + (t > 1) for t, _ in piece}) == 1
    _inside_window(plot)


def test_nothing_is_drawn_where_the_function_is_not_real():
    circle = plot_data("sqrt(1 - x^2)", "-2,2")
    xs = [t for t, _ in _points(circle.function_pieces)]
    assert min(xs) >= -1 and max(xs) <= 1
    assert min(xs) < -1 + 1e-6 and max(xs) > 1 - 1e-6       # the curve reaches the edges
    log = plot_data("ln(x)", "-1,3")
    assert all(t > 0 for t, _ in _points(log.function_pieces + log.derivative_pieces))
    periodic = plot_data("ln(sin(x))")
    assert all(math.sin(t) > 0 for t, _ in _points(periodic.function_pieces))


def test_a_jump_of_the_derivative_is_not_joined():
    plot = plot_data("|x|", "-2,2")
    assert len(plot.derivative_pieces) == 2
    assert all(abs(y) == pytest.approx(1) for _, y in _points(plot.derivative_pieces))


def test_zeros_of_the_derivative_are_found_exactly():
    assert [z.x for z in plot_data("x^2 e^(-x)").zeros] == [0, 2]
    sine = plot_data("sin(x)")
    assert [z.x for z in sine.zeros] == [-3 * sp.pi / 2, -sp.pi / 2, sp.pi / 2, 3 * sp.pi / 2]
    assert [z.rising for z in sine.zeros] == [False, True, False, True]
    cube = plot_data("x^3")
    assert [(z.x, z.rising) for z in cube.zeros] == [(0, None)]
    assert plot_data("1/x").zeros == () and plot_data("5").zeros == ()
    assert [z.value for z in plot_data("x^4 - 2x^2").zeros] == [-1, 0, -1]


def test_zeros_found_numerically_are_checked():
    """x²  + sin x = 0 has the roots 0 and one in (−1, −0.5) (x² = −sin x there)."""
    zeros = plot_data("x^3/3 - cos(x)", "-2,2").zeros
    assert len(zeros) == 2
    assert -1 < zeros[0].at < -0.5 and abs(zeros[0].at ** 2 + sp.sin(zeros[0].at)) < 1e-12
    assert zeros[1].x == 0


def test_the_default_range_shows_what_matters():
    assert plot_data("sin(x)").ends == (-2 * sp.pi, 2 * sp.pi)
    a, b = plot_data("x^4 - 2x^2").ends
    assert a < -1 and b > 1
    a, b = plot_data("ln(x)").ends
    assert a == 0 and b > 1
    a, b = plot_data("x^2 e^(-x)").ends
    assert a < 0 and b > 2


def test_a_range_is_read_with_the_expression_grammar():
    assert read_range("-pi,pi") == (-sp.pi, sp.pi)
    assert read_range("0, 2pi") == (0, 2 * sp.pi)
    for bad in ("1", "a,b", "3,1", "1,1", ","):
        with pytest.raises(InputError):
            read_range(bad)


def _inside_window(plot):
    bottom, top = plot.y_range
    height = top - bottom
    for _, y in _points(plot.function_pieces + plot.derivative_pieces):
        assert bottom - 0.11 * height <= y <= top + 0.11 * height


# --- LaTeX compiles -----------------------------------------------------------------------



def _compile(tmp_path, name, tex):
    (tmp_path / f"{name}.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run([pdflatex_path(), "-interaction=nonstopmode", "-halt-on-error",
                           f"{name}.tex"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


def test_tikz_graphs_and_pgfplots_plots_compile(tmp_path):
    pdflatex_path()
    parts = [graph_figure(_solution(t), "latex") for t in
             GRAPHS + ["tan(sin(cos(e^(x^2 + 1))))", "f(g(x))"]]
    parts += [plot_figure(_solution(t), "latex", r) for t, r in
              [("tan(x)", None), ("sqrt(1 - x^2)", "-2,2"), ("x^2 e^(-x)", None),
               ("ln(x)", None), ("1/(x^2 - 1)", "-3,3"), ("sin(x + x^2)", None), ("5", None)]]
    _compile(tmp_path, "pictures", latex_document("\n".join(parts)))


def test_the_command_line_document_with_both_pictures_compiles(tmp_path):
    pdflatex_path()
    target = tmp_path / "solution.tex"
    assert run(["sin(x + x^2)", "--graph", "--plot", "--range", "-2,2", "--format", "latex",
                "--standalone", "-o", str(target)]) == 0
    tex = target.read_text(encoding="utf-8")
    assert tex.index("\\usepackage{pgfplots}") < tex.index("\\begin{document}")
    assert "\\begin{tikzpicture}" in tex and "\\addplot" in tex
    _compile(tmp_path, "solution", tex)


def test_a_latex_fragment_has_the_pictures_and_no_preamble(capsys):
    assert run(["x^2 e^(-x)", "--graph", "--plot", "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert "\\documentclass" not in out and "\\matrix" in out and "\\begin{axis}" in out
    assert out.count("\\addplot[function") == 1 and "$x = 2$" in out


# --- images through matplotlib ------------------------------------------------------------

def _matplotlib():
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("matplotlib is missing: the test extra installs it")
        pytest.skip("matplotlib is not installed here (the test extra installs it)")


def test_a_png_plot_is_written(tmp_path, capsys):
    _matplotlib()
    image = tmp_path / "plot.png"
    assert run(["x^2 e^(-x)", "--plot", "--plot-file", str(image)]) == 0
    out = capsys.readouterr().out
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot of y(x) = x² e^(-x) and y′(x) for x from -1 to 3: {image}" in out
    assert "y′(x) = 0 at x = 0, x = 2" in out


def test_an_svg_plot_is_the_same_every_time(tmp_path):
    _matplotlib()
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for image in (first, second):
        assert run(["sin(x)", "--plot", "--plot-file", str(image)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert b"<svg" in first.read_bytes()


def test_markdown_embeds_the_png_written_beside_it(tmp_path):
    _matplotlib()
    target = tmp_path / "notes.md"
    assert run(["ln(x)", "--plot", "--graph", "--format", "markdown", "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "](notes-plot.png)" in text and "```mermaid" in text
    assert (tmp_path / "notes-plot.png").read_bytes()[:4] == b"\x89PNG"


def test_without_matplotlib_one_line_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert run(["x^2", "--plot", "--plot-file", str(tmp_path / "p.png")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["derive: error: plotting to an image needs matplotlib: "
                   "pip install derive[plot]"]


# --- bad requests: one line, exit 2 -------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["x^2", "--plot"], "--plot with --format text needs --plot-file FILE.png (or .svg)"),
    (["x^2", "--plot", "--format", "markdown"], "--plot with --format markdown needs -o"),
    (["x^2", "--range", "0,1"], "--range goes with --plot"),
    (["x^2", "--plot", "--range", "2,1", "--format", "latex"],
     "--range must go from a smaller to a larger number"),
    (["x^2", "--plot", "--plot-file", "p.gif"], "the plot file must end in .png or .svg"),
    (["x^2 y", "--wrt", "x", "--plot", "--format", "latex"],
     "a plot shows a function of one variable; this one has x, y"),
    (["ln(x)", "--plot", "--range", "-2,-1", "--format", "latex"],
     "the function has no real values for x between -2 and -1"),
    (["x^2", "--graph"], "the graph is drawn with --format latex, markdown, dot or svg"),
    (["x^2", "--graph", "--format", "json"], "--graph and --plot go with --format latex"),
    (["x^2 y", "--gradient", "--format", "dot"], "the computation graph is drawn for a single"),
])
def test_bad_picture_requests(capsys, args, message):
    assert run(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith("derive: error: " + message)


@pytest.mark.parametrize("text", [t for t in GRAPHS if t not in ("x^x", "x^2", "5")])
def test_the_paths_are_those_the_solution_sums_over(text):
    solution = _solution(text)
    summed = [s for top in solution.steps for s in top.walk() if s.rule == "paths"]
    expected = [tuple([term[-1].symbol.wrt] + [f.symbol.of for f in reversed(term)])
                for term in summed[0].terms] if summed else []
    paths = drawing(solution).paths
    assert list(paths) == expected or (not summed and len(paths) == 1)
