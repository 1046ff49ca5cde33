"""derive's results at a Python prompt and in Jupyter: ``print`` gives the worked text,
``repr`` one line naming what was computed and how it came out, and Jupyter the Markdown
rendering with its mathematics."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import replace

import pytest

import derive
from derive.cli import run
from derive import differentiate, gradient, hessian, jacobian
from derive.core.steps import Check


def _results():
    """One result of every kind the Python API returns, with what its repr must name."""
    return [
        (differentiate("ln(sin(x^3)^2)"), "Solution", ["d/dx", "ln(sin²(x³))", "6x² cot(x³)"]),
        (differentiate("x^2 y^3", ["x", "y"]), "Solution", ["∂²/∂y∂x", "6xy²"]),
        (differentiate("sin(x)", order=2), "Solution", ["d²/dx²", "-sin(x)"]),
        (gradient("x^2 y"), "ArraySolution", ["gradient", "2xy", "x²"]),
        (jacobian("[3x^2 y, 2x + y^2]"), "ArraySolution", ["jacobian", "6xy", "2y"]),
        (hessian("x*y"), "ArraySolution", ["hessian", "[0, 1; 1, 0]"]),
        (derive.trace("ln(x1) + x1*x2 - sin(x2)", "reverse", at="x1=2,x2=5"), "Trace",
         ["reverse", "x₁ = 2", "x₂ = 5"]),
        (derive.check("x^2 sin x", "2x cos x"), "AnswerCheck", ["2x cos x", "wrong"]),
        (derive.check("x^2", "2x"), "AnswerCheck", ["right"]),
        (derive.check_array("gradient", "x^2 y", "[2xy, x]"), "ArrayAnswerCheck",
         ["gradient", "1 of 2 entries wrong"]),
        (derive.matrix("x^T A x", "x", {"x": "n", "A": "n,n"}), "MatrixSolution",
         ["∂/∂x", "xᵀAx", "xᵀ(A + Aᵀ)", "1×n", "numerator layout", "verified"]),
        (derive.matrix("tr(A X)", "X", ["A=3,3", "X=3,3"], layout="denominator"),
         "MatrixSolution", ["tr(AX)", "= Aᵀ", "denominator layout"]),
    ]


RESULTS = _results()
IDS = [f"{kind}-{i}" for i, (_, kind, _) in enumerate(RESULTS)]


@pytest.mark.parametrize("result, kind, words", RESULTS, ids=IDS)
def test_repr_is_one_line_that_names_the_result(result, kind, words):
    shown = repr(result)
    assert "\n" not in shown
    assert shown.startswith(f"<{kind} ") and shown.endswith(">")
    assert len(shown) < 200
    for word in words:
        assert word in shown, (word, shown)
    # no dump of the record tree: no field names, no SymPy constructors
    assert "expression=" not in shown and "Symbol(" not in shown and "steps=" not in shown


@pytest.mark.parametrize("result, kind, words", RESULTS, ids=IDS)
def test_print_gives_the_worked_text(result, kind, words, capsys):
    print(result)
    printed = capsys.readouterr().out
    assert printed == result.render("text").rstrip("\n") + "\n"
    assert printed.count("\n") > 1


@pytest.mark.parametrize("result, kind, words", RESULTS, ids=IDS)
def test_jupyter_shows_the_markdown_rendering(result, kind, words):
    markdown = result._repr_markdown_()
    assert markdown == result.render("markdown")
    assert re.search(r"\$[^$]+\$", markdown), "the mathematics is typeset in $…$"


def test_verified_solution_says_so_and_a_repr_stays_short_for_a_long_function():
    long = differentiate("+".join(f"sin({k}x)" for k in range(1, 30)))
    shown = repr(long)
    assert shown.endswith(", verified>")
    assert "…" in shown and len(shown) < 200


def test_repr_of_a_solution_that_failed_its_check_says_not_verified():
    solution = differentiate("x^2")
    failed = Check(rule="answer", claim="derivative", passed=False, method="numeric")
    broken = replace(solution, checks=solution.checks + (failed,))
    assert repr(broken).endswith(", NOT verified>")


def test_a_matrix_derivative_from_python_is_the_command_lines():
    solution = derive.matrix("x^T A x", "x", {"x": "n", "A": "n,n"})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(["x^T A x", "--shape", "x=n", "--shape", "A=n,n", "--wrt", "x",
                    "--format", "markdown"])
    assert code == 0 and solution.render("markdown") == out.getvalue()


def test_a_bad_shape_from_python_is_derives_own_error():
    with pytest.raises(derive.InputError, match="--shape"):
        derive.matrix("x^T x", "x", {"x": "n,m,k"})
