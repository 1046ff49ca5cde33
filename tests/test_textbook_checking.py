"""`derive check`, multiple-choice questions and sheets with the textbook solution: a diagnosis
names the line of the printed textbook solution where the mistake is made, in the solution's
own terms (the product rule with f and g, a layer dv/du of a composition, its chain rule
dy/dx = dy/du · du/dx), and a sheet's worked solutions are textbook solutions.

The wrong answers are written here by hand from the mathematics, and so are the lines and
words expected: what a textbook writes for each rule.  That a named line is really printed is
checked by finding it in the rendered solution.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp

from conftest import compare_numerically
from derive.api import make_sheet
from derive.checking import quiz
from derive.checking.answers import check, locate
from derive.checking.mistakes import applications
from derive.cli.main import run
from derive.present import checks
from derive.present.render import render_document
from derive.present.sheets import render_sheet
from derive.read.parsing import parse
from derive.sheets.banks import load_banks

x = sp.Symbol("x", real=True)


def _printed(solution, fmt: str = "text") -> str:
    """The worked solution as printed, with no line broken."""
    return render_document("solution.j2", fmt, False, None, line_width=0, solution=solution)


def _found(label: str, text: str) -> bool:
    """A label is in the printed text: as it is, or (Markdown) its formula inside a longer
    one."""
    return label in text or label.strip("$") in text


# (function, wrong answer, the mistake that gives it, the line the textbook solution prints
#  where it is made, and what the diagnosis says of where it is made)
CASES = [
    ("x^2 sin(x)", "2x cos(x)", "product-of-derivatives", "dy/dx: the product rule",
     "at dy/dx: the product rule for x² sin(x): (fg)′ taken as f′g′"),
    ("sin(x)/x", "(sin x - x cos x)/x^2", "quotient-swapped", "dy/dx: the quotient rule",
     "at dy/dx: the quotient rule for sin(x)/x: (f/g)′ taken as (fg′ - f′g)/g²"),
    ("x^2/(x + 1)", "(2x(x + 1) - x^2)/(x + 1)", "quotient-unsquared", "dy/dx: the quotient rule",
     "at dy/dx: the quotient rule for x²/(x + 1): (f/g)′ taken as (f′g - fg′)/g"),
    ("sin(x^2)", "cos(x^2)", "inner-derivative", "dy/dx = dy/du · du/dx",
     "at dy/dx = dy/du · du/dx, the chain rule for sin(u), u = x²: du/dx left out"),
    ("ln(sin(x^3)^2)", "2 cot(x^3)", "inner-derivative", "dy/dx = dy/dw · dw/dv · dv/du · du/dx",
     "at dy/dx = dy/dw · dw/dv · dv/du · du/dx, the chain rule for ln(w), w = v², v = sin(u), "
     "u = x³: du/dx left out"),
    ("x^2 sin(x^2)", "2x sin(x^2) + x^2 cos(x^2)", "inner-derivative",
     "g′ = cos(x²)·2x = 2x cos(x²)", "at g′ = cos(x²)·2x = 2x cos(x²), the chain rule"),
    ("x^5", "5x^5", "power-not-lowered", "dy/dx = 5x⁴", "at dy/dx = 5x⁴, the power rule"),
    ("sin(x)^3", "3 sin(x)^3 cos(x)", "power-not-lowered", "dy/du = 3u²",
     "at dy/du = 3u², the power rule"),
    ("x^5 e^x", "5x^5 e^x + x^5 e^x", "power-not-lowered", "f′ = 5x⁴",
     "at f′ = 5x⁴, the power rule"),
    ("x^3 + sin(x)", "3x^3 + cos(x)", "power-not-lowered", "d/dx[x³]",
     "at d/dx[x³], the power rule"),
    ("cos(3x)", "3 sin(3x)", "cos-sign", "dy/du = -sin(u)",
     "at dy/du = -sin(u), the derivative of cosine"),
]


@pytest.mark.parametrize("expression, answer, mistake, line, where", CASES)
def test_the_diagnosis_names_the_textbook_line(expression, answer, mistake, line, where):
    function = parse(expression).doit()
    assert compare_numerically(parse(answer), sp.diff(function, x), function).mismatch
    result = check(expression, answer)
    assert result.solution.style == "textbook" and not result.correct
    assert result.diagnosis is not None and result.diagnosis.mistakes[0].id == mistake
    app, ref = result.diagnosis.pairs[0]
    assert checks.line_label(ref) == line
    assert checks.where(app, ref, result.solution) == where
    # the line named is printed in the worked solution shown with the verdict
    shown = checks.document(result, "text", width=0)
    verdict, solution = shown.split("worked solution:")
    assert where in verdict
    assert line in solution
    assert "Intermediate variables" not in solution and "Total derivative" not in solution


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_the_line_is_named_in_every_format(fmt):
    result = check("x^2 sin(x^2)", "2x sin(x^2) + x^2 cos(x^2)")
    ref = result.diagnosis.steps[0]
    label = checks.line_label(ref, fmt)
    assert label == ("$g' = \\cos\\left(x^{2}\\right) \\cdot 2 x = "
                     "2 x \\cos\\left(x^{2}\\right)$")
    shown = checks.document(result, fmt)
    assert f"at {label}, the chain rule" in shown
    assert _found(label, _printed(result.solution, fmt))


def test_two_mistakes_are_told_in_the_order_the_solution_prints_them():
    # cos(3x) → sin(3x): the sign of dy/du = -sin(u) lost, then du/dx = 3 left out of the chain
    result = check("cos(3x)", "sin(3x)")
    assert [a.id for a in result.diagnosis.mistakes] == ["cos-sign", "inner-derivative"]
    labels = [checks.line_label(r) for r in result.diagnosis.steps]
    assert labels == ["dy/du = -sin(u)", "dy/dx = dy/du · du/dx"]
    printed = _printed(result.solution)
    assert printed.index(labels[0]) < printed.index(labels[1])
    words = checks.explanation(result)
    assert words.index("at dy/du = -sin(u)") < words.index("at dy/dx = dy/du · du/dx")
    assert "du/dx left out" in words


TEXTS = ["x^2 sin(x)", "sin(x)/x", "ln(sin(x^3)^2)", "x^2 sin(x^2)", "3x^5 - 2cos(x) + 7",
         "x sin(x) e^x", "sqrt(x^2 + 1)/x", "x^x", "x^sin(x)", "2^(x^2) + cos(e^x)",
         "e^(3x) ln(x^2 + 1)", "(x^2 + 1)^3 (x - 1)^2", "tan(x)/(1 + x^2)", "-x^3 + 4/x",
         "sin(x)^3 + x^2 + 3cos(x)", "x*x^2*sin(x)", "1/(1 + e^(-x))", "cos(x)^2 - sin(x)^2"]


@pytest.mark.parametrize("text", TEXTS)
def test_every_mistake_is_placed_on_a_printed_line(text):
    """Wherever a mistake of the table is made, the line named is one the solution prints."""
    from derive import differentiate
    solution = differentiate(text)
    assert solution.style == "textbook"
    printed = {fmt: _printed(solution, fmt) for fmt in ("text", "markdown")}
    made = list(applications(solution.expression, x))
    assert made
    for app in made:
        ref = locate(solution, 0, app)
        assert ref.role, (text, app.id)
        for fmt, shown in printed.items():
            label = checks.line_label(ref, fmt)
            assert _found(label, shown), (text, fmt, app.id, str(app.node), label)


def test_the_other_styles_keep_their_steps(capsys):
    graph = check("sin(x^2)", "cos(x^2)", style="graph").diagnosis.steps[0]
    assert (graph.number, graph.phase.rule, graph.role) == (3, "combine", "")
    assert checks.line_label(graph) is None
    compact = check("x^2 sin(x)", "2x cos(x)", style="compact").diagnosis.steps[0]
    assert (compact.number, compact.line.rule, compact.role) == (1, "product", "")
    # several variables are worked as a computation graph, and their steps numbered
    partial = check("x^2 y", "2x y + x^2", "x")
    assert partial.solution.style == "graph" and partial.diagnosis.steps[0].role == ""
    assert run(["check", "x^2 sin x", "--answer", "2x cos x", "--style", "compact",
                "--no-solution"]) == 1
    assert "at step 1: product rule" in capsys.readouterr().out


def test_the_command_line_uses_the_textbook_style(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "0")   # no line broken
    assert run(["check", "x^2 sin x", "--answer", "2x cos x"]) == 1
    out = capsys.readouterr().out
    assert "at dy/dx: the product rule for x² sin(x): (fg)′ taken as f′g′" in out
    assert "dy/dx: the product rule, (fg)′ = f′g + fg′" in out.split("worked solution:")[1]
    assert run(["check", "x^2 sin x", "--answer", "2x cos x", "--style", "nonsense"]) == 2
    capsys.readouterr()


def test_json_keeps_its_fields_and_adds_the_line(capsys):
    assert run(["check", "sin(x^2)", "--answer", "cos(x^2)", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["mistake"] == "inner-derivative" and data["step"] == 1
    assert data["line"] == "dy/dx = dy/du · du/dx"
    entry = data["diagnoses"][0]["mistakes"][0]
    assert set(entry) >= {"id", "title", "node", "step", "explanation", "line", "where"}
    assert entry["where"] == "at dy/dx = dy/du · du/dx, the chain rule for sin(u), u = x²: " \
                             "du/dx left out"
    assert "at dy/dx = dy/du · du/dx" in data["explanation"]


# --- multiple choice and sheets -------------------------------------------------------------

def test_multiple_choice_is_asked_with_the_textbook_solution():
    question = quiz.choices("x^2 sin(x)", seed=4)
    assert question.solution.style == "textbook"
    right = question.options[question.key].expression
    assert compare_numerically(right, sp.diff(x**2 * sp.sin(x), x), x).ok
    assert quiz.choices("x^2 sin(x)", seed=4, style="graph").solution.style == "graph"


def test_sheet_solutions_are_textbook_solutions_with_right_answers():
    sheet = make_sheet(load_banks(["product-rule"]), count=3, seed=2, jobs=1)
    assert sheet.style == "textbook"
    for problem in sheet.problems:
        s = problem.solution
        assert s.style == "textbook" and s.verified
        function = s.expression.doit()
        assert compare_numerically(s.result, sp.diff(function, *s.sequence), function).ok
    shown = render_sheet(sheet, "markdown", parts=("problems", "solutions"))
    assert shown.count("the product rule, $(fg)' = f'g + fg'$") >= 3
    assert "Intermediate variables" not in shown


def test_a_sheet_in_another_style_and_with_its_graph_drawn():
    banks = load_banks(["chain-rule"])
    graph = make_sheet(banks, count=2, seed=1, jobs=1, style="graph")
    assert all(p.solution.style == "graph" for p in graph.problems)
    assert "Intermediate variables" in render_sheet(graph, "markdown", parts=("solutions",))
    pictured = make_sheet(banks, count=2, seed=1, jobs=1, graph=True)
    for problem in pictured.problems:    # the textbook solution, and the graph to draw
        assert problem.solution.style == "textbook" and problem.solution.graph
    assert render_sheet(pictured, "markdown", parts=("solutions",)).count("```mermaid") == 2
    with pytest.raises(ValueError, match="unknown style"):
        make_sheet(banks, count=1, style="nonsense")
