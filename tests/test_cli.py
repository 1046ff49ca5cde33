"""The command line as a user meets it: output, exit codes, errors without tracebacks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derive.core import rules
from derive.cli.main import run

ROOT = Path(__file__).resolve().parent.parent
x = sp.Symbol("x", real=True)


def derive(capsys, *args, stdin=None, monkeypatch=None):
    if stdin is not None:
        import io
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_worked_example_of_the_notes(capsys):
    code, out, err = derive(capsys, "ln(sin(x^3)^2)", "--style", "graph")
    assert code == 0, err
    assert "u = x³" in out and "w = v²" in out and "y = ln(w)" in out
    assert "du/dx = 3x²" in out and "dv/du = cos(u)" in out and "dy/dw = 1/w" in out
    assert "dy/dx = dy/dw · dw/dv · dv/du · du/dx" in out
    working = [line.strip() for line in out.splitlines() if line.strip().startswith("= ")]
    assert working[-1].startswith("= 6x² cot(x³)")   # the final form closes the working
    assert "checked" in out.splitlines()[-1]


def test_two_paths_use_the_total_derivative(capsys):
    code, out, _ = derive(capsys, "sin(x + x^2)", "--style", "graph")
    assert code == 0
    assert "Total derivative" in out
    assert "du₂/dx = ∂u₂/∂x + ∂u₂/∂u₁ · du₁/dx" in out
    assert "cos(x² + x)" in out or "cos(x + x²)" in out


def test_compact_style_has_no_intermediates(capsys):
    code, out, _ = derive(capsys, "ln(sin(x^3)^2)", "--style", "compact")
    assert code == 0
    assert "Intermediate variables" not in out
    assert "chain rule" in out and "6x² cot(x³)" in out


@pytest.mark.parametrize("text", ["sin(x", "x +", "foo(x)", "2 ** ** x", ")", "log(x, 2, 3)", "",
                                  "x $ 2"])
def test_bad_input_is_one_line_and_exit_2(capsys, text):
    code, out, err = derive(capsys, text)
    assert code == 2
    assert out == ""
    assert err.startswith("derive: error: ")
    assert "Traceback" not in err
    lines = err.rstrip("\n").splitlines()
    assert len(lines) in (1, 3)          # the message, and for a parse error the input and a caret
    if len(lines) == 3:
        assert lines[2].strip() == "^"


def test_python_in_the_input_runs_nothing(capsys, tmp_path):
    marker = tmp_path / "pwned"
    code, _, err = derive(capsys, f"__import__('os').system('touch {marker}')")
    assert code == 2 and not marker.exists()
    assert "Traceback" not in err


def test_several_variables_need_wrt(capsys):
    code, _, err = derive(capsys, "x^2 y")
    assert code == 2 and "x, y" in err and "--wrt" in err
    code, out, _ = derive(capsys, "x^2 y", "--wrt", "y")
    assert code == 0 and "x²" in out


def test_wrt_a_symbol_that_is_not_there_gives_zero(capsys):
    code, out, _ = derive(capsys, "x^2", "--wrt", "t", "--format", "json")
    assert code == 0 and json.loads(out)["result"] == "0"


def test_json_fields(capsys):
    code, out, _ = derive(capsys, "ln(sin(x^3)^2)", "--format", "json", "--at", "x=1",
                          "--style", "graph")
    assert code == 0
    data = json.loads(out)
    assert data["input"] == "ln(sin(x^3)^2)"
    assert data["wrt"] == ["x"]
    assert data["verified"] is True
    result = sp.sympify(data["result"], locals={"x": x})
    assert sp.simplify(result - 6 * x**2 * sp.cot(x**3)) == 0
    assert [i["name"] for i in data["intermediates"]] == ["u", "v", "w", "y"]
    assert all({"rule", "latex", "text"} <= s.keys() for s in data["steps"])
    assert sp.simplify(sp.sympify(data["value"]) - 6 * sp.cot(1)) == 0


def test_point_outside_the_domain_is_said(capsys):
    code, _, err = derive(capsys, "ln(x)", "--at", "x=-1")
    assert code == 2 and "outside the domain" in err


def test_stdin_and_output_file(capsys, monkeypatch, tmp_path):
    target = tmp_path / "out.md"
    code, out, _ = derive(capsys, "-", "--format", "markdown", "-o", str(target),
                          stdin="x*x^2\n", monkeypatch=monkeypatch)
    assert code == 0 and out == ""
    text = target.read_text(encoding="utf-8")
    assert "$" in text and "3 x^{2}" in text.replace("3x^{2}", "3 x^{2}")
    assert not [p for p in tmp_path.iterdir() if p.name != "out.md"]  # no temporary left


def test_higher_order(capsys):
    code, out, _ = derive(capsys, "x^4", "--order", "3", "--format", "json")
    assert code == 0 and sp.sympify(json.loads(out)["result"], locals={"x": x}) == 24 * x


def test_a_wrong_rule_is_caught_with_exit_3(capsys, monkeypatch):
    (sin_rule,) = [r for r in rules.RULES[sp.sin] if r.id == "sin"]
    broken = type(sin_rule)(**{**sin_rule.__dict__, "partials": lambda u: (-sp.cos(u),)})
    monkeypatch.setitem(rules.RULES, sp.sin, [broken])
    code, out, err = derive(capsys, "sin(x^2)")
    assert code == 3
    assert "failed its check" in err and "NOT VERIFIED" in out


def test_version_and_help(capsys):
    code, out, _ = derive(capsys, "--version")
    assert code == 0 and "derive" in out
    code, out, _ = derive(capsys, "solve", "--help")
    assert code == 0 and "Examples" in out


def test_module_and_console_script_agree():
    done = subprocess.run([sys.executable, "-m", "derive", "x^2"], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and "2x" in done.stdout


def test_the_command_writes_everything_and_keeps_its_exit_code_when_it_leaves():
    """The command leaves without tearing the interpreter down: what it printed must all
    be there, through a pipe and into a file, and a failure must keep its exit code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    whole = subprocess.run([sys.executable, "-m", "derive", "ln(sin(x^3)^2)", "--format",
                            "json"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert whole.returncode == 0 and json.loads(whole.stdout)["result"] == "6*x**2*cot(x**3)"
    bad = subprocess.run([sys.executable, "-m", "derive", "ln(sin("], capture_output=True,
                         text=True, cwd=ROOT, env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("derive: error:")
    assert bad.stdout == ""
