"""The corpus (tests/corpus/functions.tsv): every function, as a user types it, against the
same function written independently in SymPy; then derive's promises on named examples.

Expected values below are written by hand from the mathematics, never copied from derive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp

from derive import differentiate
from derive.read.parsing import parse
from conftest import (assert_same_function, from_sympy, load_corpus, normalize, real_symbol,
                      solved, walk)

ROWS = load_corpus()

# Genuine derive bugs, by corpus input: the reason and the tests of that row it breaks
# (parse, derivative, styles, notation, render, second).  Each is a strict xfail: when the
# bug is fixed the test passes, the xfail fails, and the entry must go.
KNOWN_BUGS: dict[str, tuple[str, set[str]]] = {}

# the subset whose second derivative is checked too (20 rows, a mix of rules)
SECOND_ORDER = {
    "x^3 - 2x^2 + 5x - 7", "h(x) + x^2", "f(g(x))", "sqrt(x^2 + 1)", "x sin(x)",
    "x e^x ln(x)", "x/(1+x^2)", "ln(x^2 + 1)", "sin(x + x^2)", "x*x^2",
    "ln(sin(x^3)^2)", "e^{2x}", "2^x", "log2(x)", "tan(x)", "atan(x)", "cosh(3x)",
    "asinh(x)", "x^x", "1/(1+e^(-x))",
}

x = real_symbol("x")


def rows(test: str, selection=lambda row: True):
    """The corpus as pytest params for one test, ids = the input, a row whose known bug
    breaks this test marked strict xfail."""
    params = []
    for row in ROWS:
        if not selection(row):
            continue
        marks = ()
        reason, broken = KNOWN_BUGS.get(row.input, ("", set()))
        if test in broken:
            marks = pytest.mark.xfail(strict=True, reason=reason)
        params.append(pytest.param(row, id=row.input, marks=marks))
    return params


# --- the table itself -----------------------------------------------------------------------

FAMILIES = {"constant", "sum", "constant-multiple", "power", "root", "product", "quotient",
            "chain", "total", "exp", "exponential", "ln", "log-base", "trig", "inverse-trig",
            "hyperbolic", "inverse-hyperbolic", "abs", "general-power", "abstract", "ml",
            "textbook", "notes"}

EVERY_FUNCTION = (
    sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot,
    sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc,
    sp.sinh, sp.cosh, sp.tanh, sp.sech, sp.csch, sp.coth,
    sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asech, sp.acsch,
)


def test_corpus_is_well_formed():
    assert len(ROWS) >= 170
    assert len({row.input for row in ROWS}) == len(ROWS), "inputs must be unique (test ids)"
    assert {row.family for row in ROWS} == FAMILIES
    assert SECOND_ORDER <= {row.input for row in ROWS}
    assert set(KNOWN_BUGS) <= {row.input for row in ROWS}
    assert len(SECOND_ORDER) == 20


@pytest.mark.parametrize("function", EVERY_FUNCTION, ids=lambda f: f.__name__)
def test_corpus_covers_each_function_plain_and_through_the_chain_rule(function):
    """Each function at least twice: once of the variable itself, once of an inner function."""
    plain = chained = 0
    for row in ROWS:
        expr = from_sympy(row.sympy)
        variable = real_symbol(row.wrt)
        for node in expr.atoms(function):
            if node.args[0] == variable:
                plain += 1
            elif node.args[0].has(variable):
                chained += 1
    assert plain >= 1 and chained >= 1, (plain, chained)


# --- every row -------------------------------------------------------------------------------

@pytest.mark.parametrize("row", rows("parse"))
def test_parse_reads_the_function_as_written(row):
    parsed = parse(row.input).doit()
    assert_same_function(parsed, from_sympy(row.sympy), label=row.input)


@pytest.mark.parametrize("row", rows("derivative"))
def test_derivative_is_verified_and_right(row):
    sol = solved(row.input, row.wrt)
    assert sol.verified, sol.failed_checks
    f = from_sympy(row.sympy)
    expected = sp.diff(f, real_symbol(row.wrt))
    assert_same_function(sol.result, expected, domain=f, label=row.input)


@pytest.mark.parametrize("row", rows("styles"))
def test_both_styles_verify_and_agree(row):
    method = solved(row.input, row.wrt, "graph")
    compact = solved(row.input, row.wrt, "compact")
    assert compact.verified, compact.failed_checks
    assert_same_function(compact.result, method.result, domain=from_sympy(row.sympy),
                         label=row.input)


@pytest.mark.parametrize("row", rows("notation"))
def test_final_form_is_in_teacher_notation(row):
    sol = solved(row.input, row.wrt)
    if not row.abstract:
        assert "Derivative(" not in str(sol.result)
        assert "Subs(" not in str(sol.result)
    text = sol.render("text")
    assert "**" not in text
    assert "log(" not in text, "ln is written ln"
    assert text.rstrip().splitlines()[-1].startswith("checked")


@pytest.mark.parametrize("row", rows("render"))
def test_every_format_renders(row):
    sol = solved(row.input, row.wrt)
    for fmt in ("markdown", "latex"):
        assert sol.render(fmt).strip()
    data = json.loads(sol.render("json"))
    assert data["input"] == row.input and data["verified"] == sol.verified


@pytest.mark.parametrize("row", rows("second", lambda row: row.input in SECOND_ORDER))
def test_second_derivative(row):
    sol = solved(row.input, row.wrt, "graph", 2)
    assert sol.verified, sol.failed_checks
    f = from_sympy(row.sympy)
    assert_same_function(sol.result, sp.diff(f, real_symbol(row.wrt), 2), domain=f,
                         label=row.input + " (2nd)")


# --- the lecture notes' worked examples ------------------------------------------------------

def names(nodes):
    return [str(node.name) for node in nodes]


def by_name(nodes):
    return {str(node.name): node for node in nodes}


def test_notes_ln_sin_cube_squared_is_a_named_chain():
    sol = solved("ln(sin(x^3)^2)")
    u, v, w = (real_symbol(n) for n in "uvw")
    assert sol.verified
    assert normalize(sol.result) == 6 * x**2 * sp.cot(x**3)
    assert names(sol.intermediates) == ["u", "v", "w", "y"]
    nodes = by_name(sol.intermediates)
    assert normalize(nodes["u"].definition) == x**3
    assert normalize(nodes["v"].definition) == sp.sin(u)
    assert normalize(nodes["w"].definition) == v**2
    assert normalize(nodes["y"].definition) == sp.log(w)
    combine = [s for s in sol.steps if s.rule == "combine"]
    assert len(combine) == 1
    assert [s.rule for s in combine[0].substeps] == ["chain"]


def test_notes_sin_of_x_plus_x_squared_has_two_paths():
    sol = solved("sin(x + x^2)")
    u1, u2 = real_symbol("u_1"), real_symbol("u_2")
    assert sol.verified
    assert names(sol.intermediates) == ["u_1", "u_2", "y"]
    nodes = by_name(sol.intermediates)
    assert normalize(nodes["u_1"].definition) == x**2
    assert normalize(nodes["u_2"].definition) == x + u1
    assert set(normalize(a) for a in nodes["u_2"].arguments) == {x, u1}
    assert normalize(nodes["y"].definition) == sp.sin(u2)
    assert "total" in {s.rule for s in walk(sol.steps)}
    assert_same_function(sol.result, (2 * x + 1) * sp.cos(x + x**2))


def test_notes_x_times_x_squared_is_a_product_with_two_paths():
    sol = solved("x*x^2")
    assert sol.verified
    output = sol.intermediates[-1]
    inner = {normalize(n.name) for n in sol.intermediates[:-1]}
    assert isinstance(output.definition, sp.Mul) and len(output.definition.args) == 2
    arguments = [normalize(a) for a in output.arguments]
    assert len(arguments) == 2 and x in arguments
    assert (set(arguments) - {x}) <= inner and len(set(arguments) - {x}) == 1
    assert "total" in {s.rule for s in walk(sol.steps)}
    assert normalize(sol.result) == 3 * x**2


def test_a_repeated_subexpression_is_named_once():
    sol = solved("sin(x)^2 + sin(x)")
    assert sol.verified
    named_sin = [n for n in sol.intermediates if normalize(n.definition) == sp.sin(x)]
    assert len(named_sin) == 1
    assert_same_function(sol.result, 2 * sp.sin(x) * sp.cos(x) + sp.cos(x))


def test_names_never_clash_with_the_users_symbols():
    sol = solved("u*sin(x^2)", "x")
    assert sol.verified
    assert "u" not in names(sol.intermediates)
    assert_same_function(sol.result, real_symbol("u") * 2 * x * sp.cos(x**2))

    sol = solved("y + sin(x)", "x")
    assert sol.verified
    assert "y" not in names(sol.intermediates)
    assert_same_function(sol.result, sp.cos(x))


# run in a child process with 2 GiB of memory and 120 s: the bug this guards against
# allocates without bound and would take the whole machine with it
NAMES_WHEN_EVERY_FAMILY_IS_TAKEN = textwrap.dedent("""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from derive import differentiate
    sol = differentiate("u_1 v_1 t_1 g_1 q_1 z_1 sin(x + x^2)", "x")
    users = {s.name for s in sol.expression.free_symbols}
    names = {str(n.name) for n in sol.intermediates}
    assert sol.verified and len(names) == 4 and not names & users, names
""")


def test_names_never_clash_even_when_every_family_is_taken():
    import derive
    here = str(Path(derive.__file__).resolve().parent.parent)  # the derive under test
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    child = subprocess.run([sys.executable, "-c", NAMES_WHEN_EVERY_FAMILY_IS_TAKEN],
                           capture_output=True, text=True, timeout=120, env=env)
    assert child.returncode == 0, child.stderr[-500:]


def test_absolute_value_states_where_it_holds():
    sol = solved("abs(x)")
    assert sol.verified
    conditions = [normalize(s.condition) for s in walk(sol.steps) if s.condition is not None]
    assert sp.Ne(x, 0) in conditions
    assert_same_function(sol.result, x / sp.Abs(x))


def test_x_to_the_x_uses_the_general_power_rule():
    sol = solved("x^x")
    assert sol.verified
    assert "general-power" in {s.rule for s in walk(sol.steps)}
    assert_same_function(sol.result, x**x * (sp.log(x) + 1))


def test_a_variable_that_does_not_occur_gives_zero():
    assert differentiate("x^2", "y").result == 0


# --- JSON ----------------------------------------------------------------------------------

def _check_step_json(step):
    assert {"rule", "latex", "text"} <= step.keys()
    assert isinstance(step["rule"], str) and step["latex"] and step["text"]
    for sub in step.get("substeps", ()):
        _check_step_json(sub)


def test_json_document():
    sol = differentiate("ln(sin(x^3)^2)")
    data = json.loads(sol.render("json"))
    assert {"input", "expression", "wrt", "result", "result_latex", "verified",
            "intermediates", "steps"} <= data.keys()
    assert data["input"] == "ln(sin(x^3)^2)"
    assert data["wrt"] in ("x", ["x"])
    assert data["verified"] is True
    assert [(i["name"], i["definition"]) for i in data["intermediates"]][:3] == [
        ("u", "x**3"), ("v", "sin(u)"), ("w", "v**2")]
    assert data["steps"] and any("substeps" in s for s in data["steps"])
    for step in data["steps"]:
        _check_step_json(step)
    result = sp.sympify(data["result"], locals={"x": x})
    assert_same_function(result, 6 * x**2 * sp.cos(x**3) / sp.sin(x**3))
    assert "value" not in data


def test_json_value_at_a_point():
    sol = differentiate("ln(sin(x^3)^2)", at="x=1")
    data = json.loads(sol.render("json"))
    assert "value" in data
    value = sp.sympify(data["value"])
    assert abs(float(value) - 6 / float(sp.tan(1))) < 1e-12

