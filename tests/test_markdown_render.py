"""derive's Markdown as a real renderer reads it: markdown-it-py (CommonMark with GitHub's
tables and dollar math) parses every output, every table row has as many cells as its
header, and KaTeX (the npm package, run by node) renders every math span.

KaTeX is installed by ``npm ci --prefix tests/js`` (``.ci/run`` does it).  Where node or KaTeX
is missing, these tests fail on CI (the environment variable CI is set) and are skipped,
saying how to install them, elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from conftest import load_corpus, solved
from derive.cli.main import run
from derive.present.render import environment

JS = Path(__file__).resolve().parent / "js"
KATEX_SCRIPT = JS / "render_math.js"
INSTALL = "install node and npm, then run: npm ci --prefix tests/js"

#: The Markdown outputs besides the corpus, as command lines: every kind of result derive
#: writes in Markdown, with absolute values in tables, norms and conditions.
COMMANDS = {
    "absolute value": ["|x|"],
    "ln of an absolute value": ["ln|x|"],
    "root of an absolute value": ["sqrt(|x|)"],
    "absolute value, compact style": ["ln|x^2 - 1|", "--style", "compact"],
    "absolute value, second derivative": ["x|x|", "--order", "2"],
    "value at a point": ["ln|x|/x", "--at", "x=-2"],
    "two paths": ["sin(x + x^2)", "--graph"],
    "mixed partial": ["x^2*|y|^3", "--wrt", "x", "--wrt", "y"],
    "own computation graph": ["exp(x*y)", "--where", "x=2u+v", "--where", "y=u/|v|",
                              "--wrt", "u"],
    "gradient": ["x^2 y", "--gradient"],
    "gradient of an absolute value": ["|x - y| + x y", "--gradient", "--vars", "x,y"],
    "jacobian": ["[x y, |x - y|]", "--jacobian"],
    "vector chain rule": ["[u^2, u*v, v^2]", "--where", "u=x1^2*x2^2",
                          "--where", "v=sqrt(x2*x3)", "--jacobian", "--vars", "x1,x2,x3"],
    "hessian": ["|x| y^2 + x y", "--hessian", "--vars", "x,y"],
    "check, incorrect": ["check", "|x|", "--answer", "1"],
    "check, diagnosed": ["check", "ln(sin(x^3)^2)", "--answer", "2 cot(x^3)"],
    "check, correct": ["check", "ln|x|", "--answer", "1/x"],
    "check a gradient": ["check", "x^2 y", "--gradient", "--answer", "[2xy, x]"],
    "check a jacobian": ["check", "[x y, x + y^2]", "--jacobian",
                         "--answer", "[[y, x], [1, 2y]]"],
    "reverse trace": ["ln(x1) + x1*x2 - sin(x2)", "--mode", "reverse", "--at", "x1=2,x2=5"],
    "forward trace": ["ln(x1) + x1*x2 - sin(x2)", "--mode", "forward", "--at", "x1=2,x2=5"],
    "reverse trace of an absolute value": ["[|x| y, x + y]", "--mode", "reverse",
                                           "--at", "x=-2,y=3"],
    "symbolic forward trace of an absolute value": ["[|x| y, x + y]", "--mode", "forward"],
    "matrix, quadratic form": ["x^T A x", "--shape", "x=3", "--shape", "A=3,3", "--wrt", "x"],
    "matrix, squared norm": ["||A x - b||^2", "--shape", "x=3", "--shape", "A=2,3",
                             "--shape", "b=2", "--wrt", "x"],
    "matrix, log-determinant": ["ln(det(X))", "--shape", "X=2,2", "--wrt", "X"],
    "sheet with solutions": ["sheet", "chain-rule", "--count", "5", "--solutions",
                             "--answers", "--seed", "1"],
    "sheet of every bank": ["sheet", "power-rule", "product-rule", "quotient-rule",
                            "chain-rule", "exponentials-logarithms", "trigonometric",
                            "inverse-trigonometric-hyperbolic", "logarithmic-differentiation",
                            "higher-order", "partial-derivatives", "jacobians-hessians",
                            "computation-graphs", "machine-learning", "--count", "13",
                            "--solutions", "--answers", "--seed", "3"],
    "sheet with a teacher's words": ["sheet", "power-rule", "--count", "2", "--seed", "4",
                                     "--title", "Week 3 | $5 & <b>", "--course", "A|B",
                                     "--instructions", "Use |x| and $ signs"],
    "multiple-choice sheet": ["sheet", "chain-rule", "--count", "3", "--multiple-choice",
                              "--solutions", "--answers", "--seed", "2"],
}


# --- reading Markdown as a renderer does --------------------------------------------------

@dataclass(frozen=True)
class Formula:
    """One math span: its LaTeX, and whether it is displayed (``$$…$$``) or inline."""
    tex: str
    display: bool


def markdown_parser() -> MarkdownIt:
    """CommonMark with GitHub's tables and ``$…$`` / ``$$…$$`` math (no space inside the
    dollars and no digit after the closing one, as Pandoc requires)."""
    return (MarkdownIt("commonmark").enable("table")
            .use(dollarmath_plugin, allow_space=False, allow_digits=False))


PARSER = markdown_parser()
DISPLAY = {"math_inline": False, "math_inline_double": True, "math_block": True,
           "math_block_label": True}


def formulas(tokens) -> list[Formula]:
    """Every math span in a token stream, inline and displayed, nested ones included."""
    found = []
    for token in tokens:
        if token.type in DISPLAY:
            found.append(Formula(token.content, DISPLAY[token.type]))
        if token.children:
            found.extend(formulas(token.children))
    return found


UNESCAPED_DOLLAR = re.compile(r"(?<!\\)(?:\\\\)*\$")
DELIMITERS = {"math_inline": 2, "math_inline_double": 4}


def unread_dollars(tokens) -> list[str]:
    """Inline source whose unescaped ``$`` are more than its math spans account for: a
    formula the renderer shows as plain text (``\\$`` is a dollar sign, not math)."""
    found = []
    for token in tokens:
        if token.type != "inline":
            continue
        dollars = len(UNESCAPED_DOLLAR.findall(token.content))
        spans = sum(DELIMITERS.get(child.type, 0) for child in token.children or ())
        if dollars != spans:
            found.append(token.content)
    return found


def cells_in_row(line: str) -> int:
    """The cells of one table row as GitHub counts them: split at every ``|`` not escaped
    by a backslash, without the empty pieces outside the outer pipes."""
    pieces = re.split(r"(?<!\\)\|", line.strip())
    if pieces and pieces[0].strip() == "":
        pieces.pop(0)
    if pieces and pieces[-1].strip() == "":
        pieces.pop()
    return len(pieces)


def broken_tables(tokens, lines: list[str]) -> list[str]:
    """Table rows whose number of cells differs from their header's, and lines outside code
    that start with ``|`` but are in no table: the renderer drops or shifts cells of such
    rows."""
    problems, placed = [], set()   # the lines of tables and of code
    for i, token in enumerate(tokens):
        if token.type in ("fence", "code_block"):  # a "|" in code is no table row
            placed.update(range(*token.map))
        if token.type != "table_open":
            continue
        start, end = token.map
        placed.update(range(start, end))
        header = 0
        for t in tokens[i + 1:]:
            if t.type == "th_open":
                header += 1
            elif t.type == "thead_close":
                break
        for line in lines[start + 2:end]:
            if cells_in_row(line) != header:
                problems.append(f"{cells_in_row(line)} cells, header has {header}: {line}")
    for number, line in enumerate(lines):
        if line.lstrip().startswith("|") and number not in placed:
            problems.append(f"a row outside any table: {line}")
    return problems


@dataclass
class Reading:
    """What a renderer makes of one Markdown output."""
    label: str
    formulas: list[Formula]
    problems: list[str]


def read(label: str, markdown: str) -> Reading:
    """Parses one output: its math spans, and its broken tables and unclosed math."""
    tokens = PARSER.parse(markdown)
    problems = broken_tables(tokens, markdown.splitlines())
    problems += [f"a $ that starts no formula: {text}" for text in unread_dollars(tokens)]
    return Reading(label, formulas(tokens), problems)


# --- KaTeX --------------------------------------------------------------------------------

def katex_missing() -> str | None:
    """Why KaTeX cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS / "node_modules" / "katex").is_dir():
        return "KaTeX is not installed in tests/js/node_modules"
    return None


def require_katex() -> None:
    """Fails on CI, skips elsewhere, when KaTeX cannot run; says how to install it."""
    reason = katex_missing()
    if reason is None:
        return
    message = f"{reason}: {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def katex_errors(all_formulas: list[Formula]) -> dict[int, str]:
    """KaTeX's error for each formula it rejects, by index: all in one node process."""
    payload = json.dumps([{"tex": f.tex, "display": f.display} for f in all_formulas])
    done = subprocess.run(["node", str(KATEX_SCRIPT)], input=payload, capture_output=True,
                          text=True, cwd=JS, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return {e["index"]: e["error"] for e in json.loads(done.stdout)}


def invalid_markdown(readings: list[Reading]) -> list[str]:
    """Every problem of the outputs: broken tables, dollars that start no formula, formulas
    KaTeX rejects, each naming the output and the formula.  (Without KaTeX, the problems of
    the Markdown itself are still reported.)"""
    problems = [f"{r.label}: {p}" for r in readings for p in r.problems]
    if problems and katex_missing():
        return problems
    require_katex()
    flat = [(r.label, f) for r in readings for f in r.formulas]
    for index, error in sorted(katex_errors([f for _, f in flat]).items()):
        label, formula = flat[index]
        problems.append(f"{label}: KaTeX rejects {formula.tex!r}: {error}")
    return problems


# --- the outputs --------------------------------------------------------------------------

def cli_markdown(capsys, args: list[str]) -> str:
    """What ``derive ARGS --format markdown`` prints; it must succeed (a check may say the
    answer is wrong)."""
    code = run([*args, "--format", "markdown"])
    out, err = capsys.readouterr()
    assert code in ((0, 1) if args[0] == "check" else (0,)), f"{args}: {err}"
    return out


def test_every_corpus_function_renders_in_markdown():
    readings = []
    for row in load_corpus():
        for style in ("graph", "compact"):
            label = f"{row.input} (d/d{row.wrt}, {style})"
            readings.append(read(label, solved(row.input, row.wrt, style).render("markdown")))
    problems = invalid_markdown(readings)
    assert not problems, "\n".join(problems)


def test_every_kind_of_result_renders_in_markdown(capsys):
    readings = [read(label, cli_markdown(capsys, args)) for label, args in COMMANDS.items()]
    problems = invalid_markdown(readings)
    assert not problems, "\n".join(problems)


def test_absolute_values_stay_inside_their_table_cell(capsys):
    out = cli_markdown(capsys, ["ln|x|", "--style", "graph"])
    rows = [line for line in out.splitlines() if line.startswith("| $")]
    assert rows and all(cells_in_row(row) == 2 for row in rows)
    assert r"\frac{du}{dx} = \frac{x}{\left\lvert x \right\rvert}" in out


CELL_TEMPLATE = "| a | b |\n|---|---|\n| {{ left | cell }} | {{ right | cell }} |\n"


def cell_texts(tokens) -> list[str]:
    """The plain text of each body cell of a parsed table, formulas left out."""
    texts, in_body = [], False
    for token in tokens:
        in_body = (in_body or token.type == "tbody_open") and token.type != "tbody_close"
        if in_body and token.type == "inline":
            texts.append("".join(c.content for c in token.children if c.type == "text"))
    return texts


@pytest.mark.parametrize("left, right, formulas_in_row, words", [
    (r"$\left\|\mathbf{x}\right\|^{2}$", "either | or", 1, ["", "either | or"]),
    (r"$P(A | B) = \frac{1}{2}$", r"a \| b and $\|x\|$ at \$5", 2, ["", "a | b and  at $5"]),
    ("$x$\nand $y$", "a line\nbreak", 2, [" and ", "a line break"]),
])
def test_a_table_cell_keeps_bars_and_line_breaks_inside_it(left, right, formulas_in_row,
                                                            words):
    template = environment("markdown").from_string(CELL_TEMPLATE)
    markdown = template.render(left=left, right=right)
    reading = read("cell", markdown)
    assert reading.problems == []
    assert cell_texts(PARSER.parse(markdown)) == words
    assert len(reading.formulas) == formulas_in_row
    assert not any("|" in f.tex for f in reading.formulas)
    assert invalid_markdown([reading]) == []
