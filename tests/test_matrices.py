"""Matrix calculus by the index method: results derived by hand, checked against explicit
matrices of symbols differentiated entry by entry, and the command line around them."""

import json
import subprocess

import pytest
import sympy as sp

import derive.matrices.solution as matrices
from derive.cli.main import run
from derive.core.steps import Check
from derive.matrices.elementwise import ELEMENTWISE, Elementwise
from derive.matrices.expressions import Func
from derive.matrices.index_method import instantiate
from derive.matrices.solution import solve_matrix
from derive.matrices.parsing import parse_shapes
from conftest import pdflatex_path


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
    # tr(AX) = Σ AₖₗXₗₖ, ∂/∂Xᵢⱼ = Aⱼᵢ, placed at (j, i) in numerator layout: A itself
    return {"A": A, "X": X}, sp.Matrix([[(A * X).trace()]]), X, A


def _ex_neuron():
    w, x, b = vec("w", 3), vec("x", 3), sp.Symbol("b", real=True)
    s = (w.T * x)[0, 0] + b
    return ({"w": w, "x": x, "b": sp.Matrix([[b]])}, sp.Matrix([[sig(s)]]), w,
            sig(s) * (1 - sig(s)) * x.T)


def step(t):
    """1[t > 0]; at t = 0 the subgradient 0 (relu′(0) = 0)."""
    return sp.Piecewise((1, t > 0), (0, True))


def relu(t):
    return sp.Piecewise((t, t > 0), (0, True))


def _ex_hadamard():
    x, y = vec("x", 3), vec("y", 3)
    # (x ⊙ y)ᵢ = xᵢyᵢ, ∂/∂xⱼ = yᵢδᵢⱼ
    return {"x": x, "y": y}, x.multiply_elementwise(y), x, sp.diag(*y)


def _ex_quotient_by_x():
    x, y = vec("x", 3), vec("y", 3)
    f = sp.Matrix(3, 1, lambda i, _: x[i] / y[i])
    return {"x": x, "y": y}, f, x, sp.diag(*[1 / t for t in y])


def _ex_quotient_by_y():
    x, y = vec("x", 3), vec("y", 3)
    f = sp.Matrix(3, 1, lambda i, _: x[i] / y[i])
    return {"x": x, "y": y}, f, y, sp.diag(*[-x[i] / y[i] ** 2 for i in range(3)])


def _ex_tanh():
    x = vec("x", 3)
    return {"x": x}, x.applyfunc(sp.tanh), x, sp.diag(*[1 - sp.tanh(t) ** 2 for t in x])


def _ex_relu():
    x = vec("x", 3)
    return {"x": x}, x.applyfunc(relu), x, sp.diag(*[step(t) for t in x])


def _ex_relu_neuron():
    w, x, b = vec("w", 3), vec("x", 3), sp.Symbol("b", real=True)
    s = (w.T * x)[0, 0] + b
    return {"w": w, "x": x, "b": sp.Matrix([[b]])}, sp.Matrix([[relu(s)]]), w, step(s) * x.T


def _ex_cross_entropy():
    w, x = vec("w", 3), vec("x", 3)
    b, y = sp.Symbol("b", real=True), sp.Symbol("y", real=True)
    s = (w.T * x)[0, 0] + b
    loss = -(y * sp.log(sig(s)) + (1 - y) * sp.log(1 - sig(s)))
    return ({"w": w, "x": x, "b": sp.Matrix([[b]]), "y": sp.Matrix([[y]])},
            sp.Matrix([[loss]]), w, (sig(s) - y) * x.T)


def _ex_softmax():
    z = vec("z", 3)
    total = sum(sp.exp(t) for t in z)
    s = z.applyfunc(lambda t: sp.exp(t) / total)
    return {"z": z}, s, z, sp.diag(*s) - s * s.T


def _ex_half_squared_error():
    X, w, y = mat("X", 2, 3), vec("w", 3), vec("y", 2)
    r = X * w - y
    return {"X": X, "w": w, "y": y}, r.T * r / 2, w, r.T * X


def _ex_log_det():
    X = mat("X", 3, 3)
    # ∂ ln det X/∂Xᵢⱼ = (X⁻¹)ⱼᵢ, placed at (j, i) in numerator layout: X⁻¹
    return {"X": X}, sp.Matrix([[sp.log(X.det())]]), X, X.inv()


CROSS_ENTROPY = "−(y ln(sigmoid(w^T x + b)) + (1 − y) ln(1 − sigmoid(w^T x + b)))"

EXAMPLES = [
    ("a^T x", "x", ["a=n", "x=n"], "a.T", "aᵀ", ("1", "n"), _ex_ax),
    ("x^T A x", "x", ["x=n", "A=n,n"], "x.T*(A + A.T)", "xᵀ(A + Aᵀ)", ("1", "n"), _ex_xax),
    ("||B x - y||^2", "x", ["B=m,n", "x=n", "y=m"], "2*(B*x - y).T*B", "2(Bx − y)ᵀB",
     ("1", "n"), _ex_norm),
    ("W x + b", "x", ["W=m,n", "x=n", "b=m"], "W", "W", ("m", "n"), _ex_linear),
    ("tr(A X)", "X", ["A=n,n", "X=n,n"], "A", "A", ("n", "n"), _ex_trace),
    ("sigmoid(w^T x + b)", "w", ["w=n", "x=n"],
     "sigmoid(w.T*x + b)*(1 - sigmoid(w.T*x + b))*x.T", "σ(wᵀx + b)(1 − σ(wᵀx + b))xᵀ",
     ("1", "n"), _ex_neuron),
    ("x .* y", "x", ["x=n", "y=n"], "diag(y)", "diag(y)", ("n", "n"), _ex_hadamard),
    ("x ./ y", "x", ["x=n", "y=n"], "Inverse(diag(y))", "diag(y)⁻¹", ("n", "n"),
     _ex_quotient_by_x),
    ("x ./ y", "y", ["x=n", "y=n"],
     "-Inverse(diag(y))*diag(HadamardProduct(x, HadamardPower(y, -1)))",
     "−diag(y)⁻¹diag(x ⊘ y)", ("n", "n"), _ex_quotient_by_y),
    ("tanh(x)", "x", ["x=n"], "diag(ones - HadamardProduct(tanh(x), tanh(x)))",
     "diag(𝟏 − tanh(x) ⊙ tanh(x))", ("n", "n"), _ex_tanh),
    ("relu(x)", "x", ["x=n"], "diag(Heaviside(x, 0))", "diag(1[x > 0])", ("n", "n"), _ex_relu),
    ("max(0, w·x + b)", "w", ["w=n", "x=n"], "Heaviside(w.T*x + b, 0)*x.T",
     "1[wᵀx + b > 0]xᵀ", ("1", "n"), _ex_relu_neuron),
    (CROSS_ENTROPY, "w", ["w=n", "x=n"], "(sigmoid(w.T*x + b) - y)*x.T",
     "(σ(wᵀx + b) − y)xᵀ", ("1", "n"), _ex_cross_entropy),
    ("softmax(z)", "z", ["z=n"], "diag(softmax(z)) - softmax(z)*softmax(z).T",
     "diag(softmax(z)) − softmax(z)softmax(z)ᵀ", ("n", "n"), _ex_softmax),
    ("1/2 ||X w - y||^2", "w", ["X=m,n", "w=n", "y=m"], "(X*w - y).T*X", "(Xw − y)ᵀX",
     ("1", "n"), _ex_half_squared_error),
    ("log(det(X))", "X", ["X=n,n"], "Inverse(X)", "X⁻¹", ("n", "n"), _ex_log_det),
]


def _entrywise(f, x, layout="numerator"):
    """The derivative by hand-rolled entries.  Numerator layout: ∂fᵢ/∂xⱼ at (i, j), so m×n
    for f ∈ ℝᵐ, x ∈ ℝⁿ; ∂f/∂Xᵢⱼ at (j, i) for a matrix X, the shape of Xᵀ.  Denominator
    layout: ∂fᵢ/∂xⱼ at (j, i), n×m; ∂f/∂Xᵢⱼ at (i, j), arranged like X."""
    if x.cols == 1:
        numerator = sp.Matrix(f.rows, x.rows, lambda i, j: sp.diff(f[i, 0], x[j, 0]))
    else:
        numerator = sp.Matrix(x.cols, x.rows, lambda j, i: sp.diff(f[0, 0], x[i, j]))
    return numerator if layout == "numerator" else numerator.T


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
    ("a^T X b", "X", ["a=m", "X=m,n", "b=n"], "b*a.T"),   # ∂/∂Xᵢⱼ = aᵢbⱼ, at (j, i)
    ("tr(X^T X)", "X", ["X=n,n"], "2*X.T"),                # ∂/∂Xᵢⱼ = 2Xᵢⱼ, at (j, i)
    ("tr(A X B)", "X", ["A=p,n", "X=n,m", "B=m,p"], "B*A"),  # ∂/∂Xᵢⱼ = (BA)ⱼᵢ
    ("exp(x)", "x", ["x=n"], "diag(exp(x))"),
    ("x ⊙ y", "y", ["x=n", "y=n"], "diag(x)"),
    ("x .* x", "x", ["x=n"], "2*diag(x)"),
    ("a^T (x .* x)", "x", ["a=n", "x=n"], "2*a.T*diag(x)"),  # Σ aₖxₖ² → 2aⱼxⱼ
    ("relu(W x + b)", "x", ["W=m,n", "x=n", "b=m"], "diag(Heaviside(W*x + b, 0))*W"),
    ("sigmoid(x)", "x", ["x=n"], "diag(HadamardProduct(sigmoid(x), ones - sigmoid(x)))"),
    ("x^T A x / 2", "x", ["x=n", "A=n,n"], "Rational(1, 2)*x.T*(A + A.T)"),
    ("softmax(W x)", "x", ["W=m,n", "x=n"],
     "(diag(softmax(W*x)) - softmax(W*x)*softmax(W*x).T)*W"),
    ("det(X)", "X", ["X=n,n"], "Determinant(X)*Inverse(X)"),
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




def _compiles(tmp_path, name, args):
    """``derive ARGS`` as a standalone LaTeX document, compiled by pdflatex."""
    assert run(args + ["--format", "latex", "--standalone", "-o",
                       str(tmp_path / f"{name}.tex")]) == 0
    done = subprocess.run([pdflatex_path(), "-interaction=nonstopmode", "-halt-on-error",
                           f"{name}.tex"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{args}:\n{done.stdout[-2000:]}"
    assert (tmp_path / f"{name}.pdf").exists()


def _shape_args(text, wrt, shapes):
    return [text, "--wrt", wrt] + [word for s in shapes for word in ("--shape", s)]


def test_latex_compiles(tmp_path, capsys):
    for k, (text, wrt, shapes, *_rest) in enumerate(EXAMPLES):
        _compiles(tmp_path, f"m{k}", _shape_args(text, wrt, shapes))


def test_relu_states_its_convention_at_zero(capsys):
    assert run(["relu(x)", "--wrt", "x", "--shape", "x=n"]) == 0
    out = capsys.readouterr().out
    assert "Result: df/dx = diag(1[x > 0])   (n×n)" in out
    words = " ".join(out.split())       # the words, wherever the long lines are broken
    assert "no derivative at t = 0" in words and "subgradient 0" in words
    assert run(["max(0, w·x + b)", "--wrt", "w", "--shape", "w=n", "--shape", "x=n",
                "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["notes"] == ["relu-at-zero"]
    assert data["result"] == "Heaviside(w.T*x + b, 0)*x.T"


def test_relu_derivative_is_zero_at_zero_and_one_above():
    solution = solve_matrix("relu(x)", "x", parse_shapes(["x=n"]))
    x = vec("x", 2)
    got = instantiate(solution.result, {"n": 2}, {"x": x})
    assert got.subs({x[0]: 0, x[1]: sp.Rational(1, 3)}) == sp.diag(0, 1)
    assert got.subs({x[0]: -2, x[1]: 0}) == sp.zeros(2, 2)


def test_hadamard_steps_show_one_delta_per_entry():
    steps = solve_matrix("x .* y", "x", parse_shapes(["x=n", "y=n"])).steps
    assert steps[0].formulas[0].text == "fᵢ = (x ⊙ y)ᵢ = xᵢyᵢ"
    assert steps[1].formulas[0].text == "∂fᵢ/∂xⱼ = yᵢδᵢⱼ"
    # no sum carries the delta: nothing to collapse, so no step that repeats the line above
    assert [s.kind for s in steps] == ["entrywise", "component", "recognise", "shape"]
    assert [f.text for f in steps[2].formulas] == ["(df/dx)ᵢⱼ = yᵢδᵢⱼ", "df/dx = diag(y)"]


def test_softmax_steps_collapse_to_the_jacobian_entries():
    steps = solve_matrix("softmax(z)", "z", parse_shapes(["z=n"])).steps
    assert steps[0].formulas[0].text == "fᵢ = (softmax(z))ᵢ = exp(zᵢ)/(Σₖ exp(zₖ))"
    # sᵢδᵢⱼ − sᵢsⱼ with sᵢ = exp(zᵢ)/Σₖ exp(zₖ)
    assert steps[2].formulas[0].text == \
        "∂fᵢ/∂zⱼ = δᵢⱼ·exp(zᵢ)/(Σₖ exp(zₖ)) − exp(zᵢ)·exp(zⱼ)/(Σₖ exp(zₖ))²"


def test_cross_entropy_adds_the_two_terms_to_sigma_minus_y(capsys):
    assert run(["--wrt", "w", "--shape", "w=n", "--shape", "x=n", "--",
                "-(y ln(sigmoid(w^T x + b)) + (1 - y) ln(1 - sigmoid(w^T x + b)))"]) == 0
    assert "Result: df/dw = (σ(wᵀx + b) − y)xᵀ   (1×n)" in capsys.readouterr().out


def test_log_det_by_cofactors(capsys):
    solution = solve_matrix("log(det(X))", "X", parse_shapes(["X=n,n"]))
    # ln det X = ln Σₖ XᵢₖCᵢₖ (Laplace along row i), ∂/∂Xᵢⱼ = Cᵢⱼ/det X = (X⁻¹)ⱼᵢ
    assert solution.steps[0].formulas[0].text == "f = ln(det(X)) = ln(Σₖ CᵢₖXᵢₖ)"
    assert solution.steps[2].formulas[0].text == "∂f/∂Xᵢⱼ = Cᵢⱼ/(Σₖ CᵢₖXᵢₖ)"
    assert solution.notes == ("det-cofactors",)
    assert solution.verified
    # a non-square instance is impossible; both checks are square, at two sizes
    assert [c.detail for c in solution.checks if "formula" not in c.detail] == \
        ["entry by entry at n=3", "entry by entry at n=2"]
    assert run(["log(det(X))", "--wrt", "X", "--shape", "X=n,n"]) == 0
    out = capsys.readouterr().out
    assert "Result: df/dX = X⁻¹   (n×n)" in out and "det X > 0" in out


@pytest.mark.parametrize("args,words", [
    (["x .* y", "--wrt", "x", "--shape", "x=n", "--shape", "y=m"], "one shape"),
    (["max(1, x)", "--wrt", "x", "--shape", "x=n"], "max(0, …)"),
    (["x / y", "--wrt", "x", "--shape", "x=n", "--shape", "y=n"], "./"),
    (["softmax(X)", "--wrt", "X", "--shape", "X=n,n"], "softmax needs a vector"),
    (["log(det(X))", "--wrt", "X", "--shape", "X=m,n"], "square"),
    (["X^-2", "--wrt", "X", "--shape", "X=n,n"], "^-1"),
])
def test_bad_input_of_the_new_operations(args, words, capsys):
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def _ex_trace_inverse():
    X, A = mat("X", 2, 2), mat("A", 2, 2)
    # d tr(X⁻¹A) = −tr(X⁻¹ dX X⁻¹A) = −tr(X⁻¹AX⁻¹ dX): ∂/∂Xᵢⱼ = −(X⁻¹AX⁻¹)ⱼᵢ, and in
    # numerator layout that stands at (j, i): −X⁻¹AX⁻¹
    Xi = X.inv()
    return {"X": X, "A": A}, sp.Matrix([[(Xi * A).trace()]]), X, -(Xi * A * Xi)


def test_trace_of_inverse_times_a():
    solution = solve_matrix("tr(X^-1 A)", "X", parse_shapes(["A=n,n", "X=n,n"]))
    assert solution.result_sympy == "-Inverse(X)*A*Inverse(X)"
    assert solution.result_text.text == "−X⁻¹AX⁻¹"
    assert solution.verified
    assert solution.notes == ("inverse-entries",)
    names, f, X, by_hand = _ex_trace_inverse()
    assert sp.simplify(by_hand - _entrywise(f, X)) == sp.zeros(2, 2)
    got = instantiate(solution.result, {"n": 2}, dict(names))
    assert sp.simplify(got - by_hand) == sp.zeros(2, 2)
    same = solve_matrix("tr(inv(X) A)", "X", parse_shapes(["A=n,n", "X=n,n"]))
    assert same.result_sympy == solution.result_sympy


def test_trace_of_a_product_transposes_in_reverse_order():
    # tr(ABX) = Σ (AB)ⱼᵢXᵢⱼ: arranged like X that is (AB)ᵀ = BᵀAᵀ, in numerator layout AB
    shapes = parse_shapes(["A=n,n", "B=n,n", "X=n,n"])
    solution = solve_matrix("tr(A B X)", "X", shapes, "denominator")
    assert solution.result_sympy == "B.T*A.T"
    assert solution.verified
    solution = solve_matrix("tr(A B X)", "X", shapes)
    assert solution.result_sympy == "A*B"
    assert solution.verified


def test_latex_of_the_notes_compiles(tmp_path):
    for k, args in enumerate([["tr(X^-1 A)", "--wrt", "X", "--shape", "A=n,n", "--shape", "X=n,n"],
                              ["relu(W x + b)", "--wrt", "x", "--shape", "W=m,n", "--shape",
                               "x=n", "--shape", "b=m"]]):
        _compiles(tmp_path, f"n{k}", args)


# ---------------------------------------------------------------- layouts
# (expression, wrt, shapes, hand-derived result in numerator layout, its shape, in
# denominator layout, its shape, and the same function at n = 3, m = 2 with both results).
# Numerator layout: ∂fᵢ/∂xⱼ at (i, j), ∂f/∂Xᵢⱼ at (j, i); denominator layout: the transpose.


def _pair_trace():
    A, X = mat("A", 3, 2), mat("X", 2, 3)
    # tr(AX) = Σₖₗ AₖₗXₗₖ: ∂/∂Xᵢⱼ = Aⱼᵢ, so A (3×2, the shape of Xᵀ) or Aᵀ (2×3, like X)
    return {"A": A, "X": X}, sp.Matrix([[(A * X).trace()]]), X, A, A.T


def _pair_log_det():
    X = mat("X", 3, 3)
    # ∂ ln det X/∂Xᵢⱼ = Cᵢⱼ/det X = (X⁻¹)ⱼᵢ: X⁻¹ at (j, i), or X⁻ᵀ at (i, j)
    return {"X": X}, sp.Matrix([[sp.log(X.det())]]), X, X.inv(), X.inv().T


def _pair_quadratic():
    x, A = vec("x", 3), mat("A", 3, 3)
    # ∂(Σₖₗ xₖAₖₗxₗ)/∂xⱼ = Σₗ Aⱼₗxₗ + Σₖ xₖAₖⱼ: the row xᵀ(A + Aᵀ) or the column (A + Aᵀ)x
    return {"x": x, "A": A}, x.T * A * x, x, x.T * (A + A.T), (A + A.T) * x


def _pair_linear():
    A, x = mat("A", 2, 3), vec("x", 3)
    # ∂(Σₖ Aᵢₖxₖ)/∂xⱼ = Aᵢⱼ: A (2×3, rows = outputs) or Aᵀ (3×2)
    return {"A": A, "x": x}, A * x, x, A, A.T


def _pair_by_scalar():
    a, t = vec("a", 3), sp.Symbol("t", real=True)
    # ∂(aᵢt)/∂t = aᵢ: the column a (like f) or the row aᵀ
    return {"a": a, "t": sp.Matrix([[t]])}, a * t, sp.Matrix([[t]]), a, a.T


LAYOUT_PAIRS = [
    ("tr(A X)", "X", ["A=n,m", "X=m,n"], "A", ("n", "m"), "Aᵀ", ("m", "n"), _pair_trace),
    ("log(det(X))", "X", ["X=n,n"], "X⁻¹", ("n", "n"), "X⁻ᵀ", ("n", "n"), _pair_log_det),
    ("x^T A x", "x", ["x=n", "A=n,n"], "xᵀ(A + Aᵀ)", ("1", "n"), "(A + Aᵀ)x", ("n", "1"),
     _pair_quadratic),
    ("A x", "x", ["A=m,n", "x=n"], "A", ("m", "n"), "Aᵀ", ("n", "m"), _pair_linear),
    ("a t", "t", ["a=n"], "a", ("n", "1"), "aᵀ", ("1", "n"), _pair_by_scalar),
]


@pytest.mark.parametrize("text,wrt,shapes,numerator,num_shape,denominator,den_shape,example",
                         LAYOUT_PAIRS)
def test_each_layout_prints_its_own_arrangement(text, wrt, shapes, numerator, num_shape,
                                                denominator, den_shape, example):
    names, f, x, by_hand_numerator, by_hand_denominator = example()
    for layout, printed, size, by_hand in (("numerator", numerator, num_shape,
                                            by_hand_numerator),
                                           ("denominator", denominator, den_shape,
                                            by_hand_denominator)):
        # the hand-derived matrix is the layout's arrangement of the entry derivatives
        assert sp.simplify(by_hand - _entrywise(f, x, layout)) == sp.zeros(*by_hand.shape)
        solution = solve_matrix(text, wrt, parse_shapes(shapes), layout)
        assert (solution.result_text.text, solution.shape, solution.layout) == \
            (printed, size, layout)
        assert solution.verified
        got = instantiate(solution.result, {"n": 3, "m": 2}, dict(names))
        assert got.shape == by_hand.shape
        assert sp.simplify(got - by_hand) == sp.zeros(*by_hand.shape)


def test_the_check_compares_each_entry_where_the_layout_puts_it(monkeypatch, capsys):
    # a derivative left in the arrangement it was computed in (like X) while numerator
    # layout is asked for: right entries in the wrong places must fail the check
    monkeypatch.setattr(matrices, "in_layout", lambda derivative, computed_in, layout:
                        derivative)
    solution = solve_matrix("tr(A X)", "X", parse_shapes(["A=n,n", "X=n,n"]), "numerator")
    assert solution.result_text.text == "Aᵀ"
    assert not solution.verified
    assert run(["tr(A X)", "--wrt", "X", "--shape", "A=3,3", "--shape", "X=3,3"]) == 3
    assert "NOT VERIFIED" in capsys.readouterr().out


@pytest.mark.parametrize("layout,result,result_text", [
    ("numerator", "A", "A"), ("denominator", "A.T", "Aᵀ")])
def test_json_layout_and_shape_describe_the_printed_result(layout, result, result_text,
                                                           capsys):
    assert run(["tr(A X)", "--shape", "A=3,3", "--shape", "X=3,3", "--wrt", "X",
                "--layout", layout, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["layout"], data["result"], data["result_text"]) == (layout, result, result_text)
    assert data["shape"] == ["3", "3"] and data["verified"] is True
    assert run(["x^T A x", "--shape", "x=n", "--shape", "A=n,n", "--wrt", "x",
                "--layout", layout, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["layout"] == layout
    assert data["shape"] == (["1", "n"] if layout == "numerator" else ["n", "1"])


def test_json_layout_defaults_to_numerator(capsys):
    assert run(["log(det(X))", "--shape", "X=3,3", "--wrt", "X", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["layout"], data["result"]) == ("numerator", "Inverse(X)")


@pytest.mark.parametrize("args,layout,words", [
    (["tr(A X)", "--wrt", "X", "--shape", "A=n,m", "--shape", "X=m,n"], "numerator",
     ["has the shape of Xᵀ (n×m)", "∂f/∂Xᵢⱼ stands at row j, column i",
      "Result: df/dX = A (n×m)"]),
    (["tr(A X)", "--wrt", "X", "--shape", "A=n,m", "--shape", "X=m,n"], "denominator",
     ["is arranged like X (m×n)", "∂f/∂Xᵢⱼ stands at row i, column j",
      "Result: df/dX = Aᵀ (m×n)"]),
    (["x^T A x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"], "numerator",
     ["is a row vector (1×n), the transpose of the gradient", "(df/dx)₁ⱼ ="]),
    (["x^T A x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"], "denominator",
     ["is a column vector (n×1) arranged like x, the gradient", "(df/dx)ⱼ₁ ="]),
    (["A x", "--wrt", "x", "--shape", "A=m,n", "--shape", "x=n"], "numerator",
     ["the m×n Jacobian, one row per entry of f", "(df/dx)ᵢⱼ = Aᵢⱼ"]),
    (["A x", "--wrt", "x", "--shape", "A=m,n", "--shape", "x=n"], "denominator",
     ["is n×m, the transpose of the Jacobian, one row per entry of x", "(df/dx)ⱼᵢ = Aᵢⱼ"]),
])
def test_the_solution_states_its_layout_in_words(args, layout, words, capsys):
    assert run(args + ["--layout", layout]) == 0
    out = " ".join(capsys.readouterr().out.split())     # the words, whatever the line breaks
    assert f"Layout: {layout} layout:" in out
    for phrase in words:
        assert phrase in out
    assert f"each in its place in {layout} layout" in out


def test_a_check_at_declared_sizes_says_so(capsys):
    solution = solve_matrix("tr(A X)", "X", parse_shapes(["A=3,3", "X=3,3"]))
    assert [c.sizes for c in solution.checks] == ["", ""]   # the result, the collapsed formula
    assert run(["tr(A X)", "--wrt", "X", "--shape", "A=3,3", "--shape", "X=3,3"]) == 0
    assert "layout (the declared sizes)" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("option", [
    ["--order", "2"], ["-n", "2"], ["--at", "x=1"], ["--gradient"], ["--jacobian"],
    ["--hessian"], ["--style", "compact"], ["--style", "graph"], ["--mode", "reverse"],
    ["--where", "u=x"], ["--vars", "x"], ["--seed-input", "x"], ["--names", "letters"],
    ["--graph"], ["--plot"], ["--range", "0,1"], ["--plot-file", "p.png"],
])
def test_options_that_do_not_apply_to_shape_are_refused(option, capsys):
    assert run(["a^T x", "--wrt", "x", "--shape", "a=n", "--shape", "x=n"] + option) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    flag = {"-n": "--order"}.get(option[0], option[0])
    assert captured.err == f"derive: error: {flag} does not go with --shape\n"


def test_layout_without_shape_is_refused(capsys):
    assert run(["x^2", "--layout", "denominator"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "--layout goes with --shape" in captured.err


def test_a_vector_by_a_scalar_has_no_delta_to_collapse():
    steps = solve_matrix("a t", "t", parse_shapes(["a=n"])).steps
    assert [s.kind for s in steps] == ["entrywise", "component", "recognise", "shape"]
    assert steps[1].formulas[0].text == "∂fᵢ/∂t = aᵢ"
    with pytest.raises(matrices.InputError, match="give t a shape"):
        solve_matrix("a^T x t", "t", parse_shapes(["a=n", "x=n"]))


def test_latex_of_both_layouts_compiles(tmp_path):
    for k, (text, wrt, shapes, *_rest) in enumerate(LAYOUT_PAIRS):
        _compiles(tmp_path, f"d{k}", _shape_args(text, wrt, shapes) + ["--layout", "denominator"])


# ---------------------------------------------------------------- the rule table


def _hyperbolic(monkeypatch, sinh_prime="cosh"):
    """sinh and cosh added to the table of element-wise functions, one record each (sinh′
    written as ``sinh_prime``: cosh, or a wrong rule to see the check fail)."""
    monkeypatch.setitem(ELEMENTWISE, "sinh", Elementwise(
        "sinh", "sinh", r"\sinh", sp.sinh, note="hyperbolic",
        derivative=lambda f, ones: Func(sinh_prime, f.arg)))
    monkeypatch.setitem(ELEMENTWISE, "cosh", Elementwise(
        "cosh", "cosh", r"\cosh", sp.cosh, derivative=lambda f, ones: Func("sinh", f.arg)))


def test_a_new_elementwise_function_is_one_record(monkeypatch):
    _hyperbolic(monkeypatch)
    solution = solve_matrix("sinh(W x)", "x", parse_shapes(["W=m,n", "x=n"]))
    # parsed and differentiated by the record's rule, written by its notation ...
    assert solution.result_text.text == "diag(cosh(Wx))W"
    assert solution.result_sympy == "diag(cosh(W*x))*W"
    assert r"\cosh\left(W \mathbf{x}\right)" in solution.result_text.latex
    assert solution.steps[0].formulas[0].text == "fᵢ = (sinh(Wx))ᵢ = sinh(Σₖ xₖWᵢₖ)"
    assert r"\sinh" in solution.steps[0].formulas[0].latex
    # ... checked entry by entry against the record's SymPy function, and its remark made
    assert solution.verified
    assert solution.notes == ("hyperbolic",)
    scalar = solve_matrix("sinh(a^T x)", "x", parse_shapes(["a=n", "x=n"]))
    assert scalar.result_text.text == "cosh(aᵀx)aᵀ" and scalar.verified


def test_a_wrong_rule_in_the_table_fails_its_check(monkeypatch):
    _hyperbolic(monkeypatch, sinh_prime="sinh")
    solution = solve_matrix("sinh(x)", "x", parse_shapes(["x=n"]))
    assert solution.result_text.text == "diag(sinh(x))"
    assert not solution.verified


def test_a_function_out_of_the_table_is_not_read_as_one(monkeypatch):
    assert solve_matrix("tanh(x)", "x", parse_shapes(["x=n"])).result_sympy == \
        "diag(ones - HadamardProduct(tanh(x), tanh(x)))"
    monkeypatch.delitem(ELEMENTWISE, "tanh")
    # tanh is now a scalar name multiplying x
    assert solve_matrix("tanh(x)", "x", parse_shapes(["x=n"])).result_text.text == \
        "tanh I"


def test_every_function_of_the_table_is_differentiated_and_checked():
    for f in ELEMENTWISE.values():
        if f.typed:
            for text, shapes in ((f"{f.name}(x)", ["x=n"]), (f"{f.name}(a^T x)", ["a=n", "x=n"])):
                solution = solve_matrix(text, "x", parse_shapes(shapes))
                assert solution.verified, text


def test_matrix_checks_are_the_shared_check_record():
    solution = solve_matrix("x^T A x", "x", parse_shapes(["x=n", "A=n,n"]))
    assert all(isinstance(c, Check) and c.claim == "derivative" for c in solution.checks)
    assert [c.sizes for c in solution.checks] == ["n=3", "n=3", "n=2", "n=2"]
    assert "verified" not in vars(type(solution))     # from Checked, over the checks

