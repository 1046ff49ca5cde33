"""The commands whose output the golden files record (tests/golden/): every corpus function in
every format and style, and every other command in its formats.

The golden files are a regression guard, not a statement of what is right: they pin what
derive prints today so that a change meant to move code without changing behaviour can be
shown to change nothing.  Correctness is checked elsewhere (test_corpus, test_verify, …).
Write them anew, after reading the differences, with ``python tests/golden_cases.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
sys.path.insert(0, str(HERE))

from conftest import load_corpus  # noqa: E402

FORMATS = ("text", "markdown", "latex", "json")
STYLES = ("textbook", "graph", "compact")
COLUMNS = "100"

# the commands beside the corpus: one line each, named by the file they are recorded in
COMMANDS: dict[str, list[str]] = {
    "gradient": ["x^2 y + sin(x y)", "--gradient", "--vars", "x,y"],
    "gradient-at": ["x^2 y", "--gradient", "--vars", "x,y", "--at", "x=1,y=2"],
    "jacobian": ["[3x^2 y, 2x + y^2]", "--jacobian"],
    "hessian": ["x^3 y^2", "--hessian", "--vars", "x,y"],
    "mixed": ["x^2 y^3", "--wrt", "x", "--wrt", "y"],
    "order": ["e^(2x) sin x", "--order", "3"],
    "at": ["ln(x)/x", "--at", "x=1"],
    "at-undefined": ["|x|", "--at", "x=0"],
    "where": ["u v", "--where", "u=x^2", "--where", "v=ln(x)", "--wrt", "x"],
    "total": ["sin(x + x^2)"],
    "dot": ["sin(x + x^2)", "--format", "dot"],
    "standalone": ["tan(x)", "--format", "latex", "--standalone"],
    "graph-latex": ["sin(x + x^2)", "--graph", "--format", "latex"],
    "graph-markdown": ["sin(x + x^2)", "--graph", "--format", "markdown"],
    "plot-latex": ["x^2 e^(-x)", "--plot", "--format", "latex"],
    "check-right": ["check", "ln(sin(x^3)^2)", "--answer", "6x^2 cot(x^3)"],
    "check-wrong": ["check", "ln(sin(x^3)^2)", "--answer", "2 cot(x^3)"],
    "check-product": ["check", "x^2 sin x", "--answer", "2x cos x"],
    "check-partial": ["check", "x^2 y", "--wrt", "x", "--answer", "2xy + x^2"],
    "check-order": ["check", "e^(2x)", "--order", "2", "--answer", "4e^(2x)"],
    "check-gradient": ["check", "x^2 y", "--gradient", "--answer", "[2xy, x]"],
    "check-jacobian": ["check", "[x y, x + y^2]", "--jacobian", "--answer", "[[y, x], [1, 2y]]"],
    "trace-forward": ["exp(x1 x2) + sin(x1)", "--mode", "forward", "--at", "x1=1,x2=2"],
    "trace-reverse": ["exp(x1 x2) + sin(x1)", "--mode", "reverse", "--at", "x1=1,x2=2"],
    "matrix-linear": ["a^T x", "--shape", "a=n", "--shape", "x=n", "--wrt", "x"],
    "matrix-quadratic": ["x^T A x", "--shape", "x=n", "--shape", "A=n,n", "--wrt", "x"],
    "matrix-trace": ["tr(A X)", "--shape", "A=n,n", "--shape", "X=n,n", "--wrt", "X"],
    "matrix-trace-denominator": ["tr(A X)", "--shape", "A=n,n", "--shape", "X=n,n", "--wrt",
                                 "X", "--layout", "denominator"],
    "matrix-sigmoid": ["sigma(W x)", "--shape", "W=m,n", "--shape", "x=n", "--wrt", "x"],
    "sheet": ["sheet", "--count", "6", "--seed", "3", "--solutions", "--answers"],
    "sheet-choice": ["sheet", "chain-rule", "--count", "4", "--seed", "5", "--multiple-choice"],
    "sheet-methods": ["sheet", "implicit-differentiation", "tangent-lines", "first-principles",
                      "--count", "4", "--seed", "9", "--solutions", "--answers"],
    "sheet-variants": ["sheet", "product-rule", "--count", "3", "--seed", "2", "--variants", "2",
                       "--solutions"],
    "problems": ["problems"],
    "problems-bank": ["problems", "chain-rule"],
}
# the formats each of those is recorded in: every one it takes, none where it takes no --format
COMMAND_FORMATS = ("text", "markdown", "latex", "json")
ONE_FORMAT = {"dot", "standalone", "graph-latex", "graph-markdown", "plot-latex", "problems",
              "problems-bank"}
SHEET_FORMATS = ("latex", "markdown")


def slug(text: str) -> str:
    """A file name for a corpus input: its characters, with the unsafe ones spelt out."""
    out = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
    return out[:60] or "blank"


def cases() -> dict[str, list[list[str]]]:
    """Golden file name (below tests/golden/) → the argument lists of ``derive`` it records:
    a corpus function in every style and format, or a command in every format it takes."""
    found: dict[str, list[list[str]]] = {}
    for number, row in enumerate(load_corpus(), start=1):
        found[f"corpus/{number:03d}-{slug(row.input)}.txt"] = [
            [row.input, "--wrt", row.wrt, "--style", style, "--format", fmt]
            for style in STYLES for fmt in FORMATS]
    for name, args in COMMANDS.items():
        formats = (() if name in ONE_FORMAT else
                   SHEET_FORMATS if args[0] == "sheet" else COMMAND_FORMATS)
        found[f"commands/{name}.txt"] = ([list(args)] if not formats else
                                         [list(args) + ["--format", fmt] for fmt in formats])
    return found


def run(args: list[str]) -> str:
    """What ``derive ARGS`` writes, as one record: the command, its exit code, standard
    output and standard error, run in this process (the command line's own ``run``) as
    if in a new one."""
    from derive.cli import run as run_derive
    os.environ["COLUMNS"] = COLUMNS
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_derive(list(args))
    return (f"$ derive {' '.join(args)}\nexit {code}\n--- stdout\n{out.getvalue()}\n"
            f"--- stderr\n{err.getvalue()}\n")


def record(commands: list[list[str]]) -> str:
    """The text of one golden file: the records of its commands, one after the other."""
    return "".join(run(args) for args in commands)


def write_all() -> None:
    for name, commands in cases().items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record(commands), encoding="utf-8")


if __name__ == "__main__":
    write_all()
