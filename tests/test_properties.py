"""Random functions, typed as a user would type them, against SymPy's own derivative.

The strategy builds one expression tree twice in parallel: as input text in derive's syntax
(implicit multiplication, ``^`` or ``**``, ``e^``, ``√``, ``|…|``, ``sin x``) and as a SymPy
expression built with SymPy's constructors.  derive must verify its solution and agree with
``sympy.diff`` wherever the function is defined.

The suite is deterministic (``derandomize``) so that it gates every change the same way.
To hunt for bugs, search at random instead: ``DERIVE_EXPLORE=2000 pytest tests/test_properties.py``
(2000 examples per property; a failure is saved in Hypothesis's example database and replayed).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from conftest import (pdflatex_path, compare_numerically, defined_at, parts, random_points, real_symbol,
                      real_value)
from derive import differentiate as derive_differentiate

# derive raises the recursion limit on its first solution (deep nesting needs it); Hypothesis
# warns when that happens inside a test, and the raised limit is what derive wants
pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

x = real_symbol("x")
MAX_DEPTH = 4


@dataclass(frozen=True)
class Tree:
    """One function: how a user types it and what it is.

    kind: "atom" (a name, a number, a call, a bracketed group — safe anywhere), "power"
    (safe as a factor, bracketed as a base) or "compound" (bracketed inside anything).
    defined: every part is defined as typed.  SymPy folds what it builds (atan(x)/(x − x)
    raised to −2 becomes 0), derive keeps what was typed, so a part that divides by zero or is
    complex makes the typed function undefined even when the folded one is not."""

    text: str
    expr: sp.Expr
    kind: str
    defined: bool = True

    def __str__(self):
        return self.text


def _fine(e: sp.Expr) -> bool:
    return not e.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)


def made(text: str, expr: sp.Expr, kind: str, *children: Tree, zero_divisor=False) -> Tree:
    """A tree from its children: defined when they are, nothing is divided by zero, and the
    new expression is finite and real-valued where it is constant."""
    defined = all(c.defined for c in children) and not zero_divisor and _fine(expr)
    return Tree(text, expr, kind, defined)


def bracket(tree: Tree, allowed=("atom",)) -> str:
    return tree.text if tree.kind in allowed else f"({tree.text})"


# --- leaves ----------------------------------------------------------------------------------

VARIABLE = Tree("x", x, "atom")
LEAVES = st.sampled_from([VARIABLE] * 6 + [
    Tree("1", sp.Integer(1), "atom"), Tree("2", sp.Integer(2), "atom"),
    Tree("3", sp.Integer(3), "atom"), Tree("pi", sp.pi, "atom"), Tree("π", sp.pi, "atom"),
])


# --- unary functions: SymPy function, and the ways to type f applied to an argument -------
# each spelling gives (text, kind); `e^…` and `√…` bind like powers, `sin x` swallows the
# factors typed after it, so both get brackets where they would otherwise misread

def _call(name):
    return lambda arg: (f"{name}({arg.text})", "atom")


def _bare_or_call(name):
    """``sin x`` when the argument is the variable itself, ``sin(…)`` otherwise."""
    return lambda arg: (f"{name} x", "compound") if arg.text == "x" else _call(name)(arg)


def _prefix(symbol):
    return lambda arg: (f"{symbol}{bracket(arg)}", "power")


def _bars(arg):
    return (f"|{arg.text}|", "atom") if "|" not in arg.text else _call("abs")(arg)


UNARY = {
    "sin": (sp.sin, [_call("sin"), _bare_or_call("sin")]),
    "cos": (sp.cos, [_call("cos"), _bare_or_call("cos")]),
    "tan": (sp.tan, [_call("tan")]),
    "exp": (sp.exp, [_call("exp"), _prefix("e^")]),
    "ln": (sp.log, [_call("ln"), _call("log"), _bare_or_call("ln")]),
    "sqrt": (sp.sqrt, [_call("sqrt"), _prefix("√")]),
    "atan": (sp.atan, [_call("atan"), _call("arctan")]),
    "sinh": (sp.sinh, [_call("sinh")]),
    "cosh": (sp.cosh, [_call("cosh")]),
    "tanh": (sp.tanh, [_call("tanh")]),
    "abs": (sp.Abs, [_call("abs"), _bars]),
    "sec": (sp.sec, [_call("sec")]), "csc": (sp.csc, [_call("csc")]),
    "cot": (sp.cot, [_call("cot")]),
    "asin": (sp.asin, [_call("asin"), _call("arcsin")]),
    "acos": (sp.acos, [_call("acos"), _call("arccos")]),
    "acot": (sp.acot, [_call("acot")]), "asec": (sp.asec, [_call("asec")]),
    "acsc": (sp.acsc, [_call("acsc")]),
    "sech": (sp.sech, [_call("sech")]), "csch": (sp.csch, [_call("csch")]),
    "coth": (sp.coth, [_call("coth")]),
    "asinh": (sp.asinh, [_call("asinh"), _call("arsinh")]),
    "acosh": (sp.acosh, [_call("acosh")]), "atanh": (sp.atanh, [_call("atanh")]),
    "acoth": (sp.acoth, [_call("acoth")]), "asech": (sp.asech, [_call("asech")]),
    "acsch": (sp.acsch, [_call("acsch")]),
    "cbrt": (sp.cbrt, [_call("cbrt")]),
}
# abs is drawn rarely: every other function appears three times in the draw
UNARY_DRAW = [name for name in UNARY if name != "abs"] * 3 + ["abs"]


def unary(name, arg: Tree, spelling: int) -> Tree:
    function, spellings = UNARY[name]
    text, kind = spellings[spelling % len(spellings)](arg)
    return made(text, function(arg.expr), kind, arg)


# --- binary operators --------------------------------------------------------------------------

def binary(op, a: Tree, b: Tree, spelling: int) -> Tree:
    if op == "+":
        right = f"({b.text})" if b.text.startswith("-") else b.text
        return made(f"{a.text} + {right}", a.expr + b.expr, "compound", a, b)
    if op == "-":
        minus = "−" if spelling % 4 == 3 else "-"
        return made(f"{a.text} {minus} {bracket(b, ('atom', 'power'))}", a.expr - b.expr,
                    "compound", a, b)
    if op == "*":
        left, right = bracket(a, ("atom", "power")), bracket(b, ("atom", "power"))
        if spelling % 3 == 0 and not right[0].isdigit() and "|" not in (left[-1], right[0]):
            text = f"{left} {right}" if left[-1].isalnum() and right[0].isalnum() \
                else f"{left}{right}"                   # implicit: 2x, x(x+1), (x+1)sin(x)
        elif spelling % 3 == 1:
            text = f"{left}·{right}"
        else:
            text = f"{left}*{right}"
        return made(text, a.expr * b.expr, "compound", a, b)
    if op == "/":
        return made(f"{bracket(a, ('atom', 'power'))}/{bracket(b)}", a.expr / b.expr,
                    "compound", a, b, zero_divisor=b.expr == 0)
    raise ValueError(op)


def power(base: Tree, exponent: int, spelling: int) -> Tree:
    caret = "**" if spelling % 3 == 2 else "^"
    shown = str(exponent) if exponent >= 0 else f"({exponent})"
    return made(f"{bracket(base)}{caret}{shown}", base.expr ** exponent, "power", base,
                zero_divisor=exponent < 0 and base.expr == 0)


def negate(a: Tree) -> Tree:
    return made(f"-{bracket(a, ('atom', 'power'))}", -a.expr, "compound", a)


SPELLING = st.integers(min_value=0, max_value=11)


def trees(depth: int = MAX_DEPTH):
    if depth == 0:
        return LEAVES
    sub = trees(depth - 1)
    functions = st.builds(unary, st.sampled_from(UNARY_DRAW), sub, SPELLING)
    operations = st.builds(binary, st.sampled_from(["+", "-", "*", "/"]), sub, sub, SPELLING)
    # one_of draws its branches evenly: repeat a branch to draw it more often
    return st.one_of(
        LEAVES,
        functions, functions, functions,
        operations, operations, operations,
        st.builds(power, sub, st.sampled_from([2, 3, -1, -2]), SPELLING),
        st.builds(negate, sub),
    )


# --- which drawn functions are worth differentiating -----------------------------------------

def usable(tree: Tree) -> bool:
    """A real, non-constant function with at least a few real points."""
    f = tree.expr
    if not tree.defined or not f.has(x):
        return False
    derivative = sp.diff(f, x)
    if derivative == 0:
        return False
    defined, pieces = 0, parts(f)
    for point in random_points([x], seed=1):
        if defined_at(f, point, pieces) and real_value(derivative, point) is not None:
            defined += 1
            if defined >= 3:
                return True
    return False


def differentiate(text):
    return derive_differentiate(text, "x")


EXPLORE = int(os.environ.get("DERIVE_EXPLORE", "0"))
FAST = dict(deadline=None, derandomize=not EXPLORE,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                   HealthCheck.data_too_large])


def assert_worked_and_right(tree: Tree) -> None:
    """derive's solution of a usable tree verifies and equals SymPy's derivative."""
    assume(usable(tree))
    note(f"input: {tree.text!r}   sympy: {tree.expr}")
    sol = differentiate(tree.text)
    assert sol.verified, sol.failed_checks
    comparison = compare_numerically(sol.result, sp.diff(tree.expr, x), domain=tree.expr,
                                     seed=1)
    assert comparison.ok, comparison.mismatch or f"only {comparison.agreed} points"


@settings(max_examples=EXPLORE or 60, **FAST)
@given(trees())
def test_random_function_is_verified_and_agrees_with_sympy(tree):
    assert_worked_and_right(tree)


@settings(max_examples=EXPLORE or 25, **FAST)
@given(trees(3))
def test_every_format_renders_and_text_has_no_python_powers(tree):
    assume(usable(tree))
    note(f"input: {tree.text!r}")
    sol = differentiate(tree.text)
    outputs = {fmt: sol.render(fmt) for fmt in ("text", "markdown", "latex", "json")}
    assert all(out.strip() for out in outputs.values())
    assert "**" not in outputs["text"]
    assert json.loads(outputs["json"])["result"]


# every supported function, nested up to six deep (few examples: each is a long expression)
@settings(max_examples=EXPLORE or 12, **FAST)
@given(trees(6))
def test_deep_random_functions_are_verified(tree):
    assert_worked_and_right(tree)


@settings(max_examples=EXPLORE or 2, **FAST)
@given(st.lists(trees(4), min_size=10, max_size=10))
def test_a_batch_of_random_solutions_compiles_with_pdflatex(tmp_path_factory, batch):
    import subprocess
    pdflatex = pdflatex_path()
    bodies = [differentiate(t.text).render("latex") for t in batch if usable(t)]
    assume(bodies)
    folder = tmp_path_factory.mktemp("batch")
    document = ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n"
                "\\begin{document}\n" + "\n\\bigskip\n".join(bodies) + "\n\\end{document}\n")
    (folder / "batch.tex").write_text(document, encoding="utf-8")
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "batch.tex"],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
