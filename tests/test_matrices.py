"""Matrix calculus by the index method: results derived by hand, checked against explicit
matrices of symbols differentiated entry by entry, and the command line around them."""

import json
import subprocess

import pytest
import sympy as sp

import derive.matrices as matrices
from derive.cli import run
from derive.index_method import instantiate
from derive.matrices import solve_matrix
from derive.matrix_parsing import parse_shapes
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
    return {"A": A, "X": X}, sp.Matrix([[(A * X).trace()]]), X, A.T


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
    return {"X": X}, sp.Matrix([[sp.log(X.det())]]), X, X.inv().T


CROSS_ENTROPY = "−(y ln(sigmoid(w^T x + b)) + (1 − y) ln(1 − sigmoid(w^T x + b)))"

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
    ("log(det(X))", "X", ["X=n,n"], "Inverse(X).T", "X⁻ᵀ", ("n", "n"), _ex_log_det),
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
    ("x ⊙ y", "y", ["x=n", "y=n"], "diag(x)"),
    ("x .* x", "x", ["x=n"], "2*diag(x)"),
    ("a^T (x .* x)", "x", ["a=n", "x=n"], "2*a.T*diag(x)"),  # Σ aₖxₖ² → 2aⱼxⱼ
    ("relu(W x + b)", "x", ["W=m,n", "x=n", "b=m"], "diag(Heaviside(W*x + b, 0))*W"),
    ("sigmoid(x)", "x", ["x=n"], "diag(HadamardProduct(sigmoid(x), ones - sigmoid(x)))"),
    ("x^T A x / 2", "x", ["x=n", "A=n,n"], "Rational(1, 2)*x.T*(A + A.T)"),
    ("softmax(W x)", "x", ["W=m,n", "x=n"],
     "(diag(softmax(W*x)) - softmax(W*x)*softmax(W*x).T)*W"),
    ("det(X)", "X", ["X=n,n"], "Determinant(X)*Inverse(X).T"),
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




def test_latex_compiles(tmp_path, capsys):
    pdflatex = pdflatex_path()
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


def test_relu_states_its_convention_at_zero(capsys):
    assert run(["relu(x)", "--wrt", "x", "--shape", "x=n"]) == 0
    out = capsys.readouterr().out
    assert "Result: df/dx = diag(1[x > 0])   (n×n)" in out
    assert "no derivative at t = 0" in out and "subgradient 0" in out
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
    assert steps[3].formulas[0].text == "df/dx = diag(y)"


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
    assert "Result: df/dX = X⁻ᵀ   (n×n)" in out and "det X > 0" in out


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
    # d tr(X⁻¹A) = −tr(X⁻¹ dX X⁻¹A), so the gradient is −(X⁻¹AX⁻¹)ᵀ
    Xi = X.inv()
    return {"X": X, "A": A}, sp.Matrix([[(Xi * A).trace()]]), X, -(Xi * A * Xi).T


def test_trace_of_inverse_times_a():
    solution = solve_matrix("tr(X^-1 A)", "X", parse_shapes(["A=n,n", "X=n,n"]))
    assert solution.result_sympy == "-Inverse(X).T*A.T*Inverse(X).T"
    assert solution.result_text.text == "−X⁻ᵀAᵀX⁻ᵀ"
    assert solution.verified
    assert solution.notes == ("inverse-entries",)
    names, f, X, by_hand = _ex_trace_inverse()
    assert sp.simplify(by_hand - _entrywise(f, X)) == sp.zeros(2, 2)
    got = instantiate(solution.result, {"n": 2}, dict(names))
    assert sp.simplify(got - by_hand) == sp.zeros(2, 2)
    same = solve_matrix("tr(inv(X) A)", "X", parse_shapes(["A=n,n", "X=n,n"]))
    assert same.result_sympy == solution.result_sympy


def test_trace_of_a_product_transposes_in_reverse_order():
    # tr(ABX) = Σ (AB)ⱼᵢXᵢⱼ, so the gradient is (AB)ᵀ = BᵀAᵀ
    solution = solve_matrix("tr(A B X)", "X", parse_shapes(["A=n,n", "B=n,n", "X=n,n"]))
    assert solution.result_sympy == "B.T*A.T"
    assert solution.verified


def test_latex_of_the_notes_compiles(tmp_path):
    pdflatex = pdflatex_path()
    for k, args in enumerate([["tr(X^-1 A)", "--wrt", "X", "--shape", "A=n,n", "--shape", "X=n,n"],
                              ["relu(W x + b)", "--wrt", "x", "--shape", "W=m,n", "--shape",
                               "x=n", "--shape", "b=m"]]):
        assert run(args + ["--format", "latex", "--standalone", "-o",
                           str(tmp_path / f"n{k}.tex")]) == 0
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                               f"n{k}.tex"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]
