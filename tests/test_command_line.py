"""The command line's own behaviour: expressions that begin with "-", Click's usage and
errors, output files (format by suffix, the user's umask), the fields every JSON document
shares, and the one hierarchy of derive's errors with the exit code on each class."""

import importlib
import inspect
import io
import json
import os
import pkgutil
import sys

import pytest
import sympy as sp

import derive
from derive import api
from derive.core import rules
from derive.cli.main import run
from derive.errors import DeriveError


def derive_cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def json_result(capsys, *args):
    """Run with --format json (given before a ``--``); the document's result as a SymPy
    expression."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    code, out, err = derive_cli(capsys, *args[:end], "--format", "json", *args[end:])
    assert code == 0, err
    return sp.sympify(json.loads(out)["result"])


def same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


# --- expressions that begin with "-" ------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["-sin(x)"], "-cos(x)"),
    (["-1611722*h**2 - 16248*h + 445", "--wrt", "h"], "-3223444*h - 16248"),
    (["-2*b**3*d**3*o**5 + b", "--wrt", "b"], "1 - 6*b**2*d**3*o**5"),
    (["-x"], "-1"),
    (["-x^2"], "-2*x"),
    (["-(x+1)^2"], "-2*(x + 1)"),
    (["-2x"], "-2"),
    (["--wrt", "h", "-h**2 + h"], "1 - 2*h"),
    (["--", "-sin(x)"], "-cos(x)"),
    (["solve", "--", "-x^3"], "-3*x**2"),
    (["-n", "2", "-x^3"], "-6*x"),
    (["-n2", "-x^3"], "-6*x"),
    (["-x^3", "--order=2"], "-6*x"),
    (["-nx", "--wrt", "x"], "-n"),                  # not -n with the value "x"
    (["-ox^2", "--wrt", "x"], "-2*o*x"),            # not -o with the file "x^2"
    (["--", "-h"], "-1"),                           # -h alone is the help
])
def test_an_expression_that_begins_with_minus_is_the_expression(capsys, args, expected):
    assert same(json_result(capsys, *args), expected)


def test_short_options_around_such_an_expression_still_work(capsys, tmp_path):
    for i, option in enumerate((["-o", str(tmp_path / "a.txt")], [f"-o{tmp_path / 'b.txt'}"])):
        code, out, err = derive_cli(capsys, "-sin(x)", *option)
        assert code == 0 and out == "", err
        written = (tmp_path / ("a.txt", "b.txt")[i]).read_text(encoding="utf-8")
        assert written.startswith("y = -sin(x)")
    code, out, _ = derive_cli(capsys, "-h")
    assert code == 0 and out.startswith("Usage: derive")
    code, out, _ = derive_cli(capsys, "solve", "-h")
    assert code == 0 and out.startswith("Usage: derive solve")


def test_standard_input_is_still_a_dash(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("-x^2\n"))
    assert same(json_result(capsys, "-"), "-2*x")


def test_an_option_value_that_begins_with_minus_is_the_value(capsys, tmp_path):
    image = tmp_path / "plot.png"
    code, _, err = derive_cli(capsys, "x^2 e^(-x)", "--plot", "--range", "-1,4",
                              "--plot-file", str(image))
    assert code == 0, err
    assert image.read_bytes().startswith(b"\x89PNG")
    code, out, err = derive_cli(capsys, "x^3", "--at", "x=-1", "--format", "json")
    assert code == 0 and json.loads(out)["value"] == "3"
    code, out, err = derive_cli(capsys, "u^2", "--where", "u=-x^3", "--wrt", "x",
                                "--format", "json")
    assert code == 0 and same(json.loads(out)["result"], "6*x**5")


@pytest.mark.parametrize("args, code", [
    (["check", "-sin(x)", "--answer", "-cos(x)"], 0),
    (["check", "x^2", "--answer", "-2x"], 1),
    (["check", "x^2", "-a", "-2x"], 1),
    (["check", "--answer", "-cos(x)", "-sin(x)"], 0),
    (["check", "-x^2", "--answer", "-2x"], 0),
    (["check", "--", "-x^2", "--answer", "-2x"], 2),      # after --, all is positional
    (["check", "-a", "-2x", "--", "-x^2"], 0),
])
def test_check_reads_both_expressions_that_begin_with_minus(capsys, args, code):
    got, out, err = derive_cli(capsys, *args)
    assert got == code, err
    if code != 2:
        assert "your answer: dy/dx = -" in out


# --- Click's usage and errors -------------------------------------------------------------

def test_derive_alone_prints_the_usage_as_click_does(capsys):
    code, out, err = derive_cli(capsys)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("Usage: derive")
    assert "Try 'derive --help' for help." in lines
    assert lines[-1] == "Error: Missing command."


@pytest.mark.parametrize("args, wrong, right", [
    (["x^2", "--formt", "json"], "--formt", "--format"),
    (["-sin(x)", "--wrtt", "x"], "--wrtt", "--wrt"),
    (["check", "x^2", "--answr", "2x"], "--answr", "--answer"),
])
def test_an_unknown_option_is_named_with_a_suggestion(capsys, args, wrong, right):
    code, out, err = derive_cli(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert f"No such option '{wrong}'" in err or f"No such option: {wrong}" in err
    assert f"Did you mean {right}" in err or f"'{right}'" in err
    assert "unexpected extra" not in err


@pytest.mark.parametrize("args, usage", [
    (["help"], "Usage: derive [OPTIONS] COMMAND"),
    (["help", "sheet"], "Usage: derive sheet [OPTIONS]"),
    (["help", "check"], "Usage: derive check [OPTIONS] EXPRESSION"),
    (["help", "solve"], "Usage: derive solve [OPTIONS] EXPRESSION"),
])
def test_help_shows_the_help(capsys, args, usage):
    code, out, _ = derive_cli(capsys, *args)
    assert code == 0 and out.startswith(usage) and "Options:" in out


def test_help_of_a_command_that_does_not_exist(capsys):
    code, out, err = derive_cli(capsys, "help", "sheets")
    assert code == 2 and out == "" and "sheet" in err and len(err.splitlines()) == 1


# --- output files -------------------------------------------------------------------------

@pytest.mark.parametrize("suffix, looks_like", [
    (".json", lambda text: json.loads(text)["result"] == "2*x"),
    (".md", lambda text: "**" in text and "$" in text and "\\textbf" not in text),
    (".tex", lambda text: "\\textbf" in text and "**" not in text),
    (".txt", lambda text: text.startswith("y = x²")),
    (".dot", lambda text: text.startswith("digraph")),
    (".out", lambda text: text.startswith("y = x²")),     # no format of its own: text
])
def test_the_output_format_follows_the_suffix(capsys, tmp_path, suffix, looks_like):
    target = tmp_path / f"answer{suffix}"
    code, out, err = derive_cli(capsys, "x^2", "-o", str(target))
    assert code == 0 and out == "", err
    assert looks_like(target.read_text(encoding="utf-8"))


def test_a_pdf_by_its_suffix(capsys, tmp_path):
    target = tmp_path / "answer.pdf"
    code, _, err = derive_cli(capsys, "x^2", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")


def test_an_explicit_format_wins_over_the_suffix(capsys, tmp_path):
    target = tmp_path / "answer.pdf"
    code, _, err = derive_cli(capsys, "x^2", "--format", "json", "-o", str(target))
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8"))["result"] == "2*x"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_files_are_written_with_the_users_umask(capsys, tmp_path, umask, mode):
    image, text = tmp_path / "plot.png", tmp_path / "answer.txt"
    old = os.umask(umask)
    try:
        code, _, err = derive_cli(capsys, "x^2", "--plot", "--plot-file", str(image),
                                  "-o", str(text))
    finally:
        os.umask(old)
    assert code == 0, err
    assert (image.stat().st_mode & 0o777, text.stat().st_mode & 0o777) == (mode, mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.txt", "plot.png"]


# --- JSON ---------------------------------------------------------------------------------

POINT_FIELDS = ("at", "value", "value_latex", "value_numeric", "value_reason")

JSON_COMMANDS = [
    (["x^2"], 0),
    (["ln(x)/x", "--at", "x=1"], 0),
    (["x^4", "--order", "2", "--at", "x=2"], 0),
    (["x^2 y", "--wrt", "x", "--wrt", "y"], 0),
    (["x^2 y", "--gradient", "--vars", "x,y", "--at", "x=1,y=2"], 0),
    (["[3x^2 y, 2x + y^2]", "--jacobian"], 0),
    (["x*y", "--hessian", "--vars", "x,y", "--at", "x=1,y=1"], 0),
    (["[x^2, sin(x)]", "--wrt", "x"], 0),
    (["u*v", "--where", "u=x^2", "--where", "v=ln(x)", "--wrt", "x"], 0),
    (["ln(x1) + x1*x2 - sin(x2)", "--mode", "reverse", "--at", "x1=2,x2=5"], 0),
    (["ln(x1) + x1*x2 - sin(x2)", "--mode", "forward", "--at", "x1=2,x2=5",
      "--seed-input", "x1"], 0),
    (["x^2", "--mode", "forward", "--at", "x=3"], 0),
    (["[x*y, x + y]", "--mode", "reverse", "--at", "x=1,y=2"], 0),
    (["x^T A x", "--shape", "x=n", "--shape", "A=n,n", "--wrt", "x"], 0),
    (["check", "x^2", "--answer", "2x"], 0),
    (["check", "x^2 sin(x)", "--answer", "2x cos(x)"], 1),
    (["check", "x^2 y", "--gradient", "--answer", "[2xy, x]"], 1),
    (["check", "[x y, x + y^2]", "--jacobian", "--answer", "[[y, x], [1, 2y]]"], 0),
]


def _is_result(value) -> bool:
    """A SymPy string, a list of them, or a list of lists of them."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and value and all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(w, str) for w in v))
        for v in value)


def _is_numeric(value) -> bool:
    if value is None or isinstance(value, float):
        return True
    return isinstance(value, list) and all(_is_numeric(v) for v in value)


@pytest.mark.parametrize("args, code", JSON_COMMANDS,
                         ids=[" ".join(args) for args, _ in JSON_COMMANDS])
def test_every_json_document_has_the_common_fields(capsys, args, code):
    got, out, err = derive_cli(capsys, *args, "--format", "json")
    assert got == code, err
    assert out.endswith("}\n") and not out.endswith("\n\n")
    data = json.loads(out)
    given = args[1] if args[0] == "check" else args[0]
    assert data["input"] == given
    assert data["verified"] is True
    assert _is_result(data["result"])
    assert data["errors"] == []
    if "--at" in args:
        assert set(POINT_FIELDS) <= data.keys()
        point = args[args.index("--at") + 1]
        assert data["at"] == dict(pair.split("=") for pair in point.split(","))
        assert _is_result(data["value"]) and isinstance(data["value_latex"], str)
        assert _is_numeric(data["value_numeric"]) and data["value_reason"] is None
    else:
        assert not set(POINT_FIELDS) & data.keys()


def test_json_values_at_a_point_are_the_derivatives_there(capsys):
    code, out, _ = derive_cli(capsys, "x^2 y", "--gradient", "--vars", "x,y", "--at",
                              "x=1,y=2", "--format", "json")
    data = json.loads(out)
    assert (data["value"], data["value_numeric"]) == (["4", "1"], [4.0, 1.0])
    code, out, _ = derive_cli(capsys, "ln(x1) + x1*x2 - sin(x2)", "--mode", "reverse",
                              "--at", "x1=2,x2=5", "--format", "json")
    data = json.loads(out)
    assert [same(v, w) for v, w in zip(data["result"], ["11/2", "2 - cos(5)"])] == [True] * 2
    assert data["value"] == data["result"]
    code, out, _ = derive_cli(capsys, "check", "x^2 sin(x)", "--answer", "2x cos(x)",
                              "--format", "json")
    assert same(json.loads(out)["result"], "2*x*sin(x) + x**2*cos(x)")


def _broken_sine(monkeypatch):
    (sin_rule,) = [r for r in rules.RULES[sp.sin] if r.id == "sin"]
    broken = type(sin_rule)(**{**sin_rule.__dict__, "partials": lambda u: (-sp.cos(u),)})
    monkeypatch.setitem(rules.RULES, sp.sin, [broken])


@pytest.mark.parametrize("args", [["sin(x^2)"], ["sin(x*y)", "--gradient"]])
def test_failed_checks_are_the_errors_of_the_json_document(capsys, monkeypatch, args):
    _broken_sine(monkeypatch)
    code, out, err = derive_cli(capsys, *args, "--format", "json")
    data = json.loads(out)
    assert data["verified"] is False
    assert data["errors"] and all(isinstance(e, str) and "\n" not in e
                                  for e in data["errors"])
    assert any("(sin: " in e for e in data["errors"])
    assert code == 3 and "failed its check (" in err


# --- one hierarchy of errors --------------------------------------------------------------

def _derive_modules():
    for info in pkgutil.walk_packages(derive.__path__, "derive."):
        if info.name != "derive.__main__":         # running it is the command itself
            yield importlib.import_module(info.name)


def test_every_error_class_is_a_derive_error_with_its_exit_code():
    found = {}
    for module in _derive_modules():
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, Exception)
                    and value.__module__.startswith("derive") and name.endswith("Error")):
                found[name] = value
    assert {"ParseError", "RenderError", "InputError", "PdfError"} <= found.keys()
    for name, error in found.items():
        assert issubclass(error, DeriveError), name
        assert isinstance(error.exit_code, int) and error.exit_code in (1, 2, 3, 4), name


def test_run_maps_every_derive_error_by_its_class(capsys, monkeypatch):
    class Unusual(DeriveError):
        exit_code = 5

    def fail(*args, **kwargs):
        raise Unusual("something unusual")

    monkeypatch.setattr(api, "differentiate", fail)
    code, out, err = derive_cli(capsys, "x^2")
    assert (code, out, err) == (5, "", "derive: error: something unusual\n")


def test_a_broken_template_is_a_derive_error_with_exit_2(capsys, tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "solution.j2").write_text("{{ solution.nothing_here }}\n")
    code, out, err = derive_cli(capsys, "x^2", "--templates", str(tmp_path))
    assert code == 2 and out == ""
    assert err.startswith("derive: error: template error:") and len(err.splitlines()) == 1
