"""Forward and reverse mode automatic differentiation as worked traces (Wengert lists): the
example of Baydin et al. (JMLR 2018, Tables 2 and 3) line by line, shared subexpressions,
several outputs, every output format, and the command line."""

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import sympy as sp

from derive.core import rules
from derive.cli.main import run
from derive.present.notation import to_text
from derive.ad.traces import trace
from conftest import pdflatex_path

ROOT = Path(__file__).resolve().parent.parent
BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
AT = "x1=2,x2=5"
x1, x2, x, y, z = (sp.Symbol(n, real=True) for n in ("x1", "x2", "x", "y", "z"))


def texts(expressions):
    return [None if e is None else to_text(e, order="none") for e in expressions]


def same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def squeeze(text: str) -> list[str]:
    """The lines of the output with runs of spaces (column padding) made single."""
    return [" ".join(line.split()) for line in text.splitlines()]


def display_width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


# --- Baydin et al., Table 2 (forward) and Table 3 (reverse) ----------------------------------

def test_primal_trace_is_baydins():
    t = trace(BAYDIN, "forward", at=AT, seed="x1")
    assert texts(line.symbol for line in t.primal) == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    assert texts(line.definition for line in t.primal) == [
        "x₁", "x₂", "ln(v₋₁)", "v₋₁v₀", "sin(v₀)", "v₁ + v₂", "v₄ - v₃"]
    expected = [2, 5, sp.log(2), 10, sp.sin(5), sp.log(2) + 10, sp.log(2) + 10 - sp.sin(5)]
    assert all(same(line.value, v) for line, v in zip(t.primal, expected))
    (out,) = t.outputs
    assert to_text(out.symbol) == "y" and to_text(out.definition) == "v₅"
    assert out.numeric == pytest.approx(11.652, abs=5e-4)


def test_forward_tangent_trace_is_baydins_table_2():
    t = trace(BAYDIN, "forward", at=AT, seed="x1")
    (p,) = t.passes
    assert p.seed == x1
    assert texts(line.written for line in p.lines) == [
        "ẋ₁", "ẋ₂", "v̇₋₁/v₋₁", "v̇₋₁·v₀ + v̇₀·v₋₁", "v̇₀ cos(v₀)", "v̇₁ + v̇₂", "v̇₄ - v̇₃"]
    assert [line.value for line in p.lines] == [1, 0, sp.Rational(1, 2), 5, 0,
                                                sp.Rational(11, 2), sp.Rational(11, 2)]
    (dy,) = p.outputs
    assert dy.value == sp.Rational(11, 2) and dy.numeric == 5.5
    assert t.jacobian is None            # one input seeded: only the first column
    assert t.derivatives == ((sp.Symbol("y", real=True), x1, sp.Rational(11, 2)),)
    assert t.verified


def test_reverse_adjoint_trace_is_baydins_table_3():
    t = trace(BAYDIN, "reverse", at=AT)
    (p,) = t.passes
    updates = [(to_text(a.adjoint), "+=" if a.accumulate else "=", to_text(a.source))
               for a in p.lines]
    assert updates == [("v̄₅", "=", "y"), ("v̄₄", "=", "v₅"), ("v̄₃", "=", "v₅"),
                       ("v̄₁", "=", "v₄"), ("v̄₂", "=", "v₄"), ("v̄₀", "=", "v₃"),
                       ("v̄₋₁", "=", "v₂"), ("v̄₀", "+=", "v₂"), ("v̄₋₁", "+=", "v₁")]
    assert texts(a.written for a in p.lines) == [
        "ȳ", "v̄₅", "-v̄₅", "v̄₄", "v̄₄", "v̄₃ cos(v₀)", "v̄₂·v₀", "v̄₂·v₋₁", "v̄₁/v₋₁"]
    expected = [1, 1, -1, 1, 1, -sp.cos(5), 5, 2 - sp.cos(5), sp.Rational(11, 2)]
    assert all(same(a.value, v) for a, v in zip(p.lines, expected))
    x1_bar, x2_bar = p.gradient
    assert x1_bar.value == sp.Rational(11, 2) and x1_bar.numeric == 5.5
    assert same(x2_bar.value, 2 - sp.cos(5))
    assert x2_bar.numeric == pytest.approx(1.716, abs=5e-4)
    assert texts([x1_bar.adjoint, x1_bar.trace_adjoint]) == ["x̄₁", "v̄₋₁"]
    assert t.jacobian.shape == (1, 2) and t.verified


def test_symbolic_traces_without_a_point():
    t = trace(BAYDIN, "reverse")
    assert same(t.primal[-1].value, sp.log(x1) + x1 * x2 - sp.sin(x2))
    gradient = [g.value for g in t.passes[0].gradient]
    assert same(gradient[0], x2 + 1 / x1) and same(gradient[1], x1 - sp.cos(x2))
    forward = trace(BAYDIN, "forward")
    assert len(forward.passes) == 2                      # one pass per input
    assert same(forward.passes[0].lines[2].value, 1 / x1)   # v̇₁ = v̇₋₁/v₋₁ = 1/x₁
    assert forward.jacobian == t.jacobian
    assert all(line.numeric is None for line in t.primal)


def test_letters_keep_the_inputs_names():
    t = trace(BAYDIN, "reverse", names="letters")
    assert texts(line.symbol for line in t.primal) == ["x₁", "x₂", "u₁", "u₂", "u₃", "u₄", "u₅"]
    assert t.primal[0].definition is None
    assert texts(line.definition for line in t.primal[2:]) == [
        "ln(x₁)", "x₁x₂", "sin(x₂)", "u₁ + u₂", "u₄ - u₃"]
    last = t.passes[0].lines[-1]
    assert (to_text(last.adjoint), last.accumulate, to_text(last.written)) == ("x̄₁", True,
                                                                                "ū₁/x₁")
    assert t.passes[0].gradient[0].trace_adjoint is None


def test_trace_letter_avoids_the_users_names():
    t = trace("v*w + sin(v)", "reverse")
    names = {to_text(line.symbol)[0] for line in t.primal}
    assert names == {"t"}                     # v and w are the user's: the trace uses t
    assert t.verified


# --- structure: shared work, repeated operands, several outputs -------------------------------

def test_a_repeated_subexpression_is_computed_once():
    t = trace("sin(x^2 + y)*cos(x^2 + y) + (x^2 + y)^3", "reverse", at="x=1,y=2")
    definitions = texts(line.definition for line in t.operations)
    assert len(definitions) == len(set(definitions)) == 7
    assert definitions[:2] == ["v₋₁²", "v₁ + v₀"]
    # v₂ = x² + y feeds sin, cos and the cube: its adjoint accumulates twice
    shared = [a for a in t.passes[0].lines if to_text(a.symbol) == "v₂"]
    assert [a.accumulate for a in shared] == [False, True, True]
    expected = sp.Matrix([sp.sin(x**2 + y) * sp.cos(x**2 + y) + (x**2 + y)**3]).jacobian(
        [x, y]).subs({x: 1, y: 2})
    assert (t.jacobian - expected).applyfunc(sp.simplify) == sp.zeros(1, 2)


def test_a_variable_used_twice_in_one_line_has_two_edges():
    t = trace("x*x", "reverse", at="x=3")
    (line,) = t.operations
    assert [e.argument for e in line.edges] == [t.primal[0].symbol] * 2
    x_bar = [a for a in t.passes[0].lines if a.symbol == t.primal[0].symbol]
    assert [a.accumulate for a in x_bar] == [False, True] and x_bar[-1].value == 6


def test_several_outputs_give_columns_forward_and_rows_reverse():
    expected = sp.Matrix([[y, x], [y * sp.cos(x * y) + 1, x * sp.cos(x * y)]])
    forward = trace("[x*y, sin(x*y) + x]", "forward")
    reverse = trace("[x*y, sin(x*y) + x]", "reverse")
    assert len(forward.passes) == 2 and len(reverse.passes) == 2
    column = [out.value for out in forward.passes[1].outputs]      # seed y: column 2
    assert column == [x, x * sp.cos(x * y)]
    row = [g.value for g in reverse.passes[1].gradient]           # seed z̄₂: row 2
    assert same(row[0], y * sp.cos(x * y) + 1) and same(row[1], x * sp.cos(x * y))
    for t in (forward, reverse):
        assert (t.jacobian - expected).applyfunc(sp.simplify) == sp.zeros(2, 2)
        assert texts(o.symbol for o in t.outputs) == ["z₁", "z₂"]   # y is an input
        assert sum(1 for line in t.operations if to_text(line.definition) == "v₋₁v₀") == 1
        assert t.verified


# Held-out style functions: shared subexpressions, quotients, powers, several outputs.
CASES = [
    ("x^y + y^x", "x**y + y**x", "x,y", "x=2,y=3"),
    ("atan(y/x) + sqrt(x^2 + y^2)", "atan(y/x) + sqrt(x**2 + y**2)", "x,y", "x=1,y=2"),
    ("e^(x y) sin(x y) / (1 + x^2)", "exp(x*y)*sin(x*y)/(1 + x**2)", "x,y", "x=1,y=-1"),
    ("[x y z, x + y + z, ln(x^2 + y^2) - z]", "[x*y*z, x + y + z, log(x**2 + y**2) - z]",
     "x,y,z", "x=1,y=2,z=3"),
    ("1/(1 + e^(-(w1 x + b)))", "1/(1 + exp(-(w1*x + b)))", "w1,b", "x=2,w1=1/2,b=-1"),
    ("-x + 3/x - 2x y^2", "-x + 3/x - 2*x*y**2", "x,y", "x=2,y=1"),
]


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("text, sympy_text, variables, point", CASES)
def test_jacobians_agree_with_sympy(text, sympy_text, variables, point, mode):
    names = {s: sp.Symbol(s, real=True) for s in ("x", "y", "z", "w1", "b")}
    functions = sp.sympify(sympy_text, locals=names)
    functions = functions if isinstance(functions, list) else [functions]
    inputs = [names[v] for v in variables.split(",")]
    expected = sp.Matrix(functions).jacobian(inputs)
    values = {names[k]: sp.Rational(v) for k, v in (p.split("=") for p in point.split(","))}
    for at in (None, point):
        t = trace(text, mode, at=at, variables=variables)
        want = expected.subs(values) if at else expected
        assert t.verified
        assert all(sp.simplify(a - b) == 0 for a, b in zip(t.jacobian, want)), (text, at)


def test_a_wrong_rule_is_caught(capsys, monkeypatch):
    (sin_rule,) = [r for r in rules.RULES[sp.sin] if r.id == "sin"]
    broken = type(sin_rule)(**{**sin_rule.__dict__, "partials": lambda u: (-sp.cos(u),)})
    monkeypatch.setitem(rules.RULES, sp.sin, [broken])
    t = trace(BAYDIN, "reverse", at=AT)
    assert not t.verified
    assert {c.rule for c in t.failed_checks} >= {"adjoint", "jacobian"}
    code, out, err = cli(capsys, BAYDIN, "--mode", "forward", "--at", AT)
    assert code == 3 and "NOT VERIFIED" in out and "failed its check" in err


# --- the command line and the formats ---------------------------------------------------------

def test_cli_reverse_text(capsys):
    code, out, err = cli(capsys, BAYDIN, "--mode", "reverse", "--at", AT)
    assert code == 0, err
    lines = squeeze(out)
    assert "v₂ = v₋₁v₀ v̄₋₁ = v̄₂ · ∂v₂/∂v₋₁ = v̄₂·v₀ = 5" in lines
    assert "v̄₀ += v̄₂ · ∂v₂/∂v₀ = v̄₂·v₋₁ = 2 - cos(5) ≈ 1.71634" in lines
    assert "v₁ = ln(v₋₁) v̄₋₁ += v̄₁ · ∂v₁/∂v₋₁ = v̄₁/v₋₁ = 11/2 ≈ 5.5" in lines
    assert "so ∂y/∂x₁ = x̄₁ = v̄₋₁ = 11/2 ≈ 5.5" in lines
    assert "∇y = (∂y/∂x₁, ∂y/∂x₂) = (11/2, 2 - cos(5))" in lines
    assert "v₅ = v₄ - v₃ = ln(2) - sin(5) + 10 ≈ 11.6521" in lines
    assert "1 output, 1 pass" in out and "row of the Jacobian" in out
    assert lines[-1].startswith("checked")


def test_text_columns_are_aligned(capsys):
    code, out, _ = cli(capsys, BAYDIN, "--mode", "reverse", "--at", AT)
    assert code == 0
    lines = out.splitlines()
    start = lines.index("Primal trace") + 1
    primal = lines[start:start + 8]
    # the value column ("= 2", "= ln(2)" …) starts at the same display column on every line
    columns = {display_width(line[:line.index("= ", line.index("= ") + 1)]) for line in primal}
    assert len(columns) == 1
    adjoint = [line for line in lines if "∂v" in line and "·" in line]
    operators = {display_width(line[:re.search(r"v̄\S*\s+(\+?=) ", line).start(1)])
                 for line in adjoint}
    assert len(operators) == 1                # "=" and "+=" in one column


def test_cli_forward_one_seed(capsys):
    code, out, err = cli(capsys, BAYDIN, "--mode", "forward", "--at", AT, "--seed-input", "x1")
    assert code == 0, err
    lines = squeeze(out)
    assert "v₂ = v₋₁v₀ v̇₂ = v̇₋₁·v₀ + v̇₀·v₋₁ = 5" in lines   # beside its primal line
    assert "y = v₅ ẏ = v̇₅ = 11/2 ≈ 5.5" in lines
    assert "so ∂y/∂x₁ = 11/2 ≈ 5.5" in lines
    assert out.count("Tangent trace") == 1 and "2 inputs, 2 passes (1 shown)" in out


def test_cli_letters_and_several_outputs(capsys):
    code, out, err = cli(capsys, "[x*y, sin(x*y) + x]", "--mode", "reverse", "--names",
                         "letters", "--at", "x=1,y=0")
    assert code == 0, err
    lines = squeeze(out)
    assert "u = xy = 0" in lines and "Adjoint trace 2, seeded z̄₁ = 0, z̄₂ = 1, from the last " \
        "line up (\"+=\" adds the contribution of a further path)" in " ".join(lines)  # wrapped
    assert "v = sin(u) ū += v̄ · ∂v/∂u = v̄ cos(u) = 1" in lines      # pass 2 at x=1, y=0
    assert "2 outputs, 2 passes" in out and "Jacobian (rows: z₁, z₂; columns: x, y)" in out


def test_cli_json_rows(capsys):
    code, out, err = cli(capsys, BAYDIN, "--mode", "reverse", "--at", AT, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "reverse" and data["verified"] is True
    assert data["inputs"] == ["x1", "x2"] and data["at"] == {"x1": "2", "x2": "5"}
    (p,) = data["passes"]
    rows = {row["var"]: row for row in p["rows"]}
    assert all({"var", "definition", "value", "adjoint"} <= row.keys() for row in p["rows"])
    assert rows["v₂"]["definition"] == "v₋₁v₀" and rows["v₂"]["value"] == "10"
    assert sp.Rational(rows["v₋₁"]["adjoint"]) == sp.Rational(11, 2)
    assert rows["v₀"]["adjoint_float"] == pytest.approx(2 - float(sp.cos(5)))
    assert [(r["var"], r["op"]) for r in p["adjoint_lines"]][-2:] == [("v₀", "+="),
                                                                       ("v₋₁", "+=")]
    assert data["jacobian"] == [["11/2", "2 - cos(5)"]]

    code, out, _ = cli(capsys, BAYDIN, "--mode", "forward", "--format", "json")
    data = json.loads(out)
    assert code == 0 and [p["seed"] for p in data["passes"]] == ["x1", "x2"]
    rows = {row["var"]: row for row in data["passes"][1]["rows"]}
    assert all({"var", "definition", "value", "tangent"} <= r.keys()
               for r in data["passes"][1]["rows"])
    assert rows["v₃"]["tangent"] == "cos(x2)" and rows["v₃"]["value"] == "sin(x2)"
    assert rows["v₃"]["tangent_definition"] == "v̇₀ cos(v₀)"


def test_markdown_tables(capsys):
    code, out, err = cli(capsys, "[|x| y, x + y]", "--mode", "reverse", "--at", "x=-2,y=3",
                         "--format", "markdown")
    assert code == 0, err
    tables = [block.splitlines() for block in out.split("\n\n") if block.startswith("|")]
    assert len(tables) == 3                          # primal, and one adjoint trace per output
    for table in tables:
        cells = [len(re.split(r"(?<!\\)\|", row)) for row in table]
        assert len(set(cells)) == 1, table           # no "|" of |x| breaks a row
        assert set(table[1]) <= set("|:-")
    assert r"\left\lvert v_{-1} \right\rvert" in out and r"\bar{v}_{1}" in out
    assert r"\mathrel{+}=" in out




def test_latex_documents_compile(capsys, tmp_path):
    pdflatex = pdflatex_path()
    requests = [
        (BAYDIN, "--mode", "reverse", "--at", AT),
        (BAYDIN, "--mode", "forward", "--at", AT, "--seed-input", "x1"),
        (BAYDIN, "--mode", "reverse", "--names", "letters"),
        ("[x y, sin(x y) + |x|]", "--mode", "forward"),
        ("x^y / (1 + log(x, 2))", "--mode", "reverse", "--at", "x=2,y=1/2"),
    ]
    for i, request in enumerate(requests):
        code, out, err = cli(capsys, *request, "--format", "latex", "--standalone")
        assert code == 0, err
        assert r"\begin{array}" in out and r"\hline" in out
        (tmp_path / f"t{i}.tex").write_text(out, encoding="utf-8")
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                               f"t{i}.tex"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{request}:\n{done.stdout[-2000:]}"
    code, fragment, _ = cli(capsys, BAYDIN, "--mode", "reverse", "--format", "latex")
    assert code == 0 and r"\documentclass" not in fragment
    assert r"\bar{v}_{0} & \mathrel{+}=" in fragment


@pytest.mark.parametrize("args, message", [
    ((BAYDIN, "--mode", "forward", "--seed-input", "z"), "z is not an input"),
    ((BAYDIN, "--mode", "reverse", "--seed-input", "x1"), "--seed-input goes with --mode forward"),
    ((BAYDIN, "--seed-input", "x1"), "go with --mode forward or reverse"),
    ((BAYDIN, "--names", "letters"), "go with --mode forward or reverse"),
    ((BAYDIN, "--mode", "reverse", "--wrt", "x1"), "--wrt does not go with --mode reverse"),
    ((BAYDIN, "--mode", "sideways"), "sideways"),
    ((BAYDIN, "--mode", "reverse", "--at", "x1=-1,x2=5"), "outside the domain"),
    (("sqrt(x)", "--mode", "forward", "--at", "x=0"), "not differentiable at x = 0"),
    (("sqrt(x", "--mode", "reverse"), "never closed"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, args, message):
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("derive: error: ") and message in err
    assert "Traceback" not in err
    assert len(err.rstrip("\n").splitlines()) in (1, 3)     # a parse error adds its caret


def test_same_input_same_bytes_across_hash_seeds():
    outputs = set()
    for seed in ("0", "1"):
        done = subprocess.run(
            [sys.executable, "-m", "derive", "[x*y, sin(x*y) + x^2]", "--mode", "reverse",
             "--format", "json"], capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_the_package_offers_the_trace():
    import derive
    t = derive.trace("x1*x2", "forward", at="x1=2,x2=5", seed="x1")
    assert t.verified
