"""Matrix calculus by the index method: results derived by hand, checked against explicit
matrices of symbols differentiated entry by entry, and the command line around them."""

import json
import os
import shutil
import subprocess

import pytest
import sympy as sp

import derive.matrices as matrices
from derive.cli import run
from derive.matrices import instantiate, parse_shapes, solve_matrix


def vec(name, n):
    return sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"{name}{i + 1}", real=True))


def mat(name, r, c):
    return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}{i + 1}_{j + 1}", real=True))


def sig(t):
    return 1 / (1 + sp.exp(-t))


# expression, wrt, shapes, the result by hand (SymPy syntax, and as printed), its shape,
# and the same function and hand-derived derivative built here from explicit matrices
# at n = 3, m = 2:  (f as a Matrix, the variable, the expected derivative).
def _ex_ax():
    a, x = vec("a", 3), vec("x", 3)
    return {"a": a, "x": x}, a.T * x, x, a.T


def _ex_xax():
    x, A = vec("x", 3), mat("A", 3, 3)
    return {"x": x, "A": A}, x.T * A * x, x, x.T * (A + A.T)


def _ex_norm():
    B, x, y = mat("B", 2, 3), vec("x", 3), vec("y", 2)
    r = B * x - y
    return {"B": B, "x": x, "y": y}, r.T * r, x, 2 * r.T * B


def _ex_linear():
    W, x, b = mat("W", 2, 3), vec("x", 3), vec("b", 2)
    return {"W": W, "x": x, "b": b}, W * x + b, x, W


def _ex_trace():
    A, X = mat("A", 3, 3), mat("X", 3, 3)
    return {"A": A, "X": X}, sp.Matrix([[(A * X).trace()]]), X, A.T


def _ex_neuron():
    w, x, b = vec("w", 3), vec("x", 3), sp.Symbol("b", real=True)
    s = (w.T * x)[0, 0] + b
    return ({"w": w, "x": x, "b": sp.Matrix([[b]])}, sp.Matrix([[sig(s)]]), w,
            sig(s) * (1 - sig(s)) * x.T)


EXAMPLES = [
    ("a^T x", "x", ["a=n", "x=n"], "a.T", "aᵀ", ("1", "n"), _ex_ax),
    ("x^T A x", "x", ["x=n", "A=n,n"], "x.T*(A + A.T)", "xᵀ(A + Aᵀ)", ("1", "n"), _ex_xax),
    ("||B x - y||^2", "x", ["B=m,n", "x=n", "y=m"], "2*(B*x - y).T*B", "2(Bx − y)ᵀB",
     ("1", "n"), _ex_norm),
    ("W x + b", "x", ["W=m,n", "x=n", "b=m"], "W", "W", ("m", "n"), _ex_linear),
    ("tr(A X)", "X", ["A=n,n", "X=n,n"], "A.T", "Aᵀ", ("n", "n"), _ex_trace),
    ("sigmoid(w^T x + b)", "w", ["w=n", "x=n"],
     "sigmoid(w.T*x + b)*(1 - sigmoid(w.T*x + b))*x.T", "σ(wᵀx + b)(1 − σ(wᵀx + b))xᵀ",
     ("1", "n"), _ex_neuron),
]


def _entrywise(f, x):
    """The derivative by hand-rolled entries: numerator layout for a vector, like X for a
    matrix."""
    if x.cols == 1:
        return sp.Matrix(f.rows, x.rows, lambda i, j: sp.diff(f[i, 0], x[j, 0]))
    return x.applyfunc(lambda s: sp.diff(f[0, 0], s))


@pytest.mark.parametrize("text,wrt,shapes,sympy_form,printed,shape,example", EXAMPLES)
def test_results_derived_by_hand(text, wrt, shapes, sympy_form, printed, shape, example):
    solution = solve_matrix(text, wrt, parse_shapes(shapes))
    assert solution.result_sympy == sympy_form
    assert solution.result_text.text == printed
    assert solution.shape == shape
    assert solution.layout == "numerator"
    assert solution.verified


@pytest.mark.parametrize("text,wrt,shapes,sympy_form,printed,shape,example", EXAMPLES)
def test_results_agree_with_explicit_matrices(text, wrt, shapes, sympy_form, printed, shape,
                                              example):
    names, f, x, by_hand = example()
    # the hand-derived matrix is right: compare with the entry-by-entry derivative
    assert sp.simplify(by_hand - _entrywise(f, x)) == sp.zeros(*by_hand.shape)
    # and derive's result, instantiated with the same matrices (n = 3, m = 2), is the same
    solution = solve_matrix(text, wrt, parse_shapes(shapes))
    got = instantiate(solution.result, {"n": 3, "m": 2}, dict(names))
    assert got.shape == by_hand.shape
    assert sp.simplify(got - by_hand) == sp.zeros(*by_hand.shape)


def test_index_steps_show_the_sum_the_delta_and_its_collapse():
    steps = solve_matrix("a^T x", "x", parse_shapes(["a=n", "x=n"])).steps
    assert [s.kind for s in steps] == ["entrywise", "component", "collapse", "recognise",
                                       "shape"]
    assert steps[0].formulas[0].text.endswith("= Σₖ aₖxₖ")
    assert steps[1].formulas[0].text == "∂f/∂xⱼ = Σₖ aₖδⱼₖ"
    assert steps[2].formulas[0].text == "∂f/∂xⱼ = aⱼ"
    assert steps[4].formulas[0].text == "1×n"


def test_trace_collapses_two_deltas_to_the_transposed_entry():
    steps = solve_matrix("tr(A X)", "X", parse_shapes(["A=n,n", "X=n,n"])).steps
    assert steps[2].formulas[0].text == "∂f/∂Xᵢⱼ = Aⱼᵢ"
    assert steps[2].detail == "2"


@pytest.mark.parametrize("text,wrt,shapes,expected", [
    ("x^T x", "x", ["x=n"], "2*x.T"),
    ("a·x", "x", ["a=n", "x=n"], "a.T"),
    ("x^T A y", "y", ["x=n", "A=n,m", "y=m"], "x.T*A"),
    ("x^T A y", "x", ["x=n", "A=n,m", "y=m"], "y.T*A.T"),
    ("3 x - A x", "x", ["x=n", "A=n,n"], "3*Identity(n) - A"),
    ("a^T X b", "X", ["a=m", "X=m,n", "b=n"], "a*b.T"),
    ("tr(X^T X)", "X", ["X=n,n"], "2*X"),
    ("tr(A X B)", "X", ["A=p,n", "X=n,m", "B=m,p"], "A.T*B.T"),
    ("exp(x)", "x", ["x=n"], "diag(exp(x))"),
    ("sum(x)", "x", ["x=n"], "ones.T"),
])
def test_more_identities(text, wrt, shapes, expected):
    solution = solve_matrix(text, wrt, parse_shapes(shapes))
    assert solution.result_sympy == expected
    assert solution.verified


def test_a_wrong_result_fails_its_check_and_exits_3(monkeypatch, capsys):
    real = matrices.jacobian
    monkeypatch.setattr(matrices, "jacobian",
                        lambda e, x: matrices.Prod((matrices.Num(2), real(e, x))))
    solution = solve_matrix("x^T A x", "x", parse_shapes(["x=n", "A=n,n"]))
    assert not solution.verified
    assert run(["x^T A x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"]) == 3
    assert "NOT VERIFIED" in capsys.readouterr().out


@pytest.mark.parametrize("args,words", [
    (["a^T x", "--wrt", "x", "--shape", "a=n", "--shape", "x=m"], "inner sizes differ"),
    (["W x + b", "--wrt", "x", "--shape", "W=m,n", "--shape", "x=n", "--shape", "b=n"],
     "cannot add"),
    (["a^T x", "--shape", "a=n", "--shape", "x=n"], "--wrt"),
    (["a^T x +", "--wrt", "x", "--shape", "a=n", "--shape", "x=n"], "column"),
    (["a^T x", "--wrt", "x", "--shape", "a=n=2", "--shape", "x=n"], "--shape"),
    (["a^T x", "--wrt", "y", "--shape", "a=n", "--shape", "x=n"], "does not contain y"),
    (["||x||^3", "--wrt", "x", "--shape", "x=n"], "squared norm"),
    (["x x", "--wrt", "x", "--shape", "x=n"], "inner sizes differ"),
])
def test_bad_input_is_one_line_and_exit_2(args, words, capsys):
    assert run(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and words in captured.err
    assert "Traceback" not in captured.err


def test_cli_text_states_the_layout_and_the_result(capsys):
    assert run(["x^T A x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"]) == 0
    out = capsys.readouterr().out
    assert "numerator layout" in out
    assert "Result: df/dx = xᵀ(A + Aᵀ)   (1×n)" in out
    assert "checked:" in out


def test_cli_json_fields(capsys):
    assert run(["||B x - y||^2", "--wrt", "x", "--shape", "B=m,n", "--shape", "x=n",
                "--shape", "y=m", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input"] == "||B x - y||^2"
    assert data["kind"] == "matrix"
    assert data["wrt"] == "x"
    assert data["result"] == "2*(B*x - y).T*B"
    assert data["shape"] == ["1", "n"]
    assert data["layout"] == "numerator"
    assert data["verified"] is True
    assert [s["kind"] for s in data["steps"]][:3] == ["entrywise", "component", "collapse"]


def test_output_is_deterministic(capsys):
    args = ["||B x - y||^2", "--wrt", "x", "--shape", "B=m,n", "--shape", "x=n",
            "--shape", "y=m", "--format", "markdown"]
    run(args)
    first = capsys.readouterr().out
    run(args)
    assert capsys.readouterr().out == first


def _pdflatex():
    found = shutil.which("pdflatex")
    if found is None and os.environ.get("CI"):
        pytest.fail("pdflatex is missing")
    if found is None:
        pytest.skip("pdflatex is not installed here")
    return found


def test_latex_compiles(tmp_path, capsys):
    pdflatex = _pdflatex()
    for k, (text, wrt, shapes, *_rest) in enumerate(EXAMPLES):
        args = [text, "--wrt", wrt, "--format", "latex", "--standalone",
                "-o", str(tmp_path / f"m{k}.tex")]
        for s in shapes:
            args += ["--shape", s]
        assert run(args) == 0
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                               f"m{k}.tex"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{text}:\n{done.stdout[-2000:]}"
        assert (tmp_path / f"m{k}.pdf").exists()
