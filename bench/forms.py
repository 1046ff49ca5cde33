"""Benchmark: are derive's final answers in the form a calculus textbook prints?

    python bench/forms.py [--tsv bench/forms.tsv] [--topic TOPIC]

``bench/forms.tsv`` holds exercises written for this project: a function in derive's syntax,
its derivative in the form a textbook prints it (SymPy syntax), the variable and a topic.
For every row:

* the printed answer is checked against the mathematics: it must equal ``sympy.diff`` of the
  function (read by derive's own parser), so a wrong row is reported, never trusted;
* derive works the derivative in-process (``derive.api.differentiate``) and its final answer
  is read from the JSON result (``render(solution, "json")["result"]``, SymPy syntax);
* *correct*: derive's answer equals the textbook's, symbolically (``simplify(a − b) = 0``), or
  else numerically, at sample points on both sides of 0, wherever both are real;
* *size*: the number of nodes of ``preorder_traversal`` of each answer parsed with
  ``parse_expr(..., evaluate=False)``, which keeps the printed structure (the factor pulled
  out, the denominator left factored); a fraction of integers (``1/3``) counts as one
  number.  *Textbook form or shorter*: derive's size ≤ the textbook's, and derive writes
  decimals exactly where the textbook does (a function typed with decimals keeps them).

It prints the rows where derive's form is longer, worst (largest size ratio) first, the rows
that are not correct, a summary per topic, and last
``correct A/N; textbook form or shorter B/N (P%)``.

The answer strings are trusted data (this file's rows and derive's own SymPy-syntax result),
so ``parse_expr`` is used on them here; derive itself reads user text only with its grammar.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy as sp  # noqa: E402
from sympy.parsing.sympy_parser import parse_expr  # noqa: E402

from derive.api import differentiate  # noqa: E402
from derive.errors import DeriveError  # noqa: E402
from derive.present.results import render  # noqa: E402
from derive.read.parsing import parse  # noqa: E402

TSV = Path(__file__).resolve().parent / "forms.tsv"
TOPICS = ("power", "constant", "product", "quotient", "chain", "exp-log", "trig",
          "inverse-trig", "hyperbolic", "log-diff")
# the spellings an answer may use that parse_expr does not know by itself (it knows SymPy's
# own: log, exp, sqrt, cbrt, asin, sech, Abs …)
NAMES = {"ln": sp.log}
# sample points for the numeric comparison: both signs, away from 0 and ±1, where the
# functions of the exercises have their singular points
POINTS = (0.13, 0.31, 0.47, 0.66, 0.83, 1.21, 1.57, 2.09, 2.71, 3.3,
          -0.17, -0.38, -0.59, -0.77, -1.43, -2.2, -3.1)
NEEDED = 3  # a numeric verdict of "equal" needs at least this many points where both are real


@dataclass(frozen=True)
class Exercise:
    function: str  # derive's syntax
    book: str      # the derivative as a textbook prints it, SymPy syntax
    variable: str
    topic: str


@dataclass
class Outcome:
    exercise: Exercise
    answer: Optional[str] = None  # derive's final answer, SymPy syntax
    error: Optional[str] = None
    book_right: bool = False      # the textbook answer equals sympy.diff of the function
    correct: bool = False         # derive's answer equals the textbook answer
    book_nodes: int = 0
    nodes: Optional[int] = None   # size of derive's printed form
    same_decimals: bool = False   # derive writes decimals where the textbook does, only there

    @property
    def in_form(self) -> bool:
        """Derive's printed form is no larger than the textbook's, with the same decimals."""
        return (self.correct and self.nodes is not None and self.nodes <= self.book_nodes
                and self.same_decimals)


def read(path: Path = TSV) -> list[Exercise]:
    """The exercises of a tab-separated file (``#`` lines and blank lines are comments)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[3] not in TOPICS:
            raise ValueError(f"{path}:{number}: expected function, answer, variable and one "
                             f"of the topics {', '.join(TOPICS)}, tab-separated")
        rows.append(Exercise(*(f.strip() for f in fields)))
    return rows


def symbol(variable: str) -> sp.Symbol:
    """The variable as derive makes it (``derive.read.parsing``: every variable is real)."""
    return sp.Symbol(variable, real=True)


def written(text: str, variable: str) -> sp.Expr:
    """An answer string as printed: unevaluated, so its size is the size of what is shown.
    Trusted text only (this benchmark's rows, derive's own result)."""
    return parse_expr(text, local_dict={**NAMES, variable: symbol(variable)}, evaluate=False)


def value(text: str, variable: str) -> sp.Expr:
    """An answer string as a value (evaluated), for the comparisons; every letter is a real
    symbol, as derive reads the constants ``a``, ``b`` of a function."""
    expr = parse_expr(text, local_dict={**NAMES, variable: symbol(variable)})
    return expr.xreplace({s: symbol(s.name) for s in expr.free_symbols})


def _rational_literal(expr: sp.Expr) -> bool:
    """A rational number written with operators: ``1/3`` (``Mul(1, Pow(3, -1))``), ``-2``."""
    if expr.is_Number:
        return True
    if isinstance(expr, sp.Pow):
        return expr.exp.is_Integer and _rational_literal(expr.base)
    return isinstance(expr, (sp.Add, sp.Mul)) and all(map(_rational_literal, expr.args))


def size(expr: sp.Expr) -> int:
    """Nodes of ``preorder_traversal``: every operation, function, symbol and number, with a
    rational number written as a fraction counted as one number, as it is printed: SymPy
    writes ∛x as ``x**(1/3)``, two nodes more than ``cbrt(x)`` for the same ∛x."""
    if _rational_literal(expr):
        return 1
    return 1 + sum(size(arg) for arg in expr.args)


def has_decimals(expr: sp.Expr) -> bool:
    """Whether a number of the printed form is a decimal (``0.5``, not ``1/2``)."""
    return any(isinstance(a, sp.Float) for a in sp.preorder_traversal(expr))


def _number(expr: sp.Expr, var: sp.Symbol, point: float) -> Optional[complex]:
    try:
        z = complex(expr.subs(var, point).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)) or abs(z.imag) > 1e-12:
        return None
    return z


def equal(a: sp.Expr, b: sp.Expr, var: sp.Symbol) -> bool:
    """a = b: symbolically when ``simplify`` shows it; else by value at the sample points
    where both are real and finite (at least ``NEEDED`` of them, none differing)."""
    if sp.simplify(a - b) == 0:
        return True
    agreeing = 0
    for point in POINTS:
        x, y = _number(a, var, point), _number(b, var, point)
        if x is None or y is None:
            continue
        if abs(x - y) > 1e-9 * max(1.0, abs(x)):
            return False
        agreeing += 1
    return agreeing >= NEEDED


def derivative(exercise: Exercise) -> sp.Expr:
    """SymPy's own derivative of the function, read by derive's parser."""
    return sp.diff(parse(exercise.function), symbol(exercise.variable))


def book_is_right(exercise: Exercise) -> bool:
    """The row's textbook answer equals ``sympy.diff`` of its function."""
    return equal(value(exercise.book, exercise.variable), derivative(exercise),
                 symbol(exercise.variable))


def derive_answer(exercise: Exercise) -> str:
    """derive's final answer, SymPy syntax, from the JSON result."""
    solution = differentiate(exercise.function, exercise.variable)
    return json.loads(render(solution, "json"))["result"]


def judge(exercise: Exercise) -> Outcome:
    out = Outcome(exercise)
    var = symbol(exercise.variable)
    book = written(exercise.book, exercise.variable)
    out.book_nodes = size(book)
    try:
        out.book_right = book_is_right(exercise)
        out.answer = derive_answer(exercise)
    except DeriveError as err:
        out.error = f"{type(err).__name__}: {err}"
        return out
    shown = written(out.answer, exercise.variable)
    out.nodes = size(shown)
    out.same_decimals = has_decimals(shown) == has_decimals(book)
    out.correct = equal(value(out.answer, exercise.variable),
                        value(exercise.book, exercise.variable), var)
    return out


def run(exercises: list[Exercise]) -> list[Outcome]:
    return [judge(e) for e in exercises]


def longer(outcomes: list[Outcome]) -> list[Outcome]:
    """The correct answers whose printed form is larger than the textbook's, worst first."""
    rows = [o for o in outcomes if o.correct and o.nodes > o.book_nodes]
    return sorted(rows, key=lambda o: (-o.nodes / o.book_nodes, o.exercise.function))


def summary_line(outcomes: list[Outcome]) -> str:
    n = len(outcomes)
    right = sum(o.correct and o.book_right for o in outcomes)
    in_form = sum(o.in_form for o in outcomes)
    share = 100.0 * in_form / n if n else 0.0
    return f"correct {right}/{n}; textbook form or shorter {in_form}/{n} ({share:.0f}%)"


def report(outcomes: list[Outcome]) -> str:
    lines = []
    worse = longer(outcomes)
    if worse:
        lines.append("derive's form longer than the textbook's (nodes derive/book), worst first:")
        for o in worse:
            e = o.exercise
            lines.append(f"  {o.nodes:3d}/{o.book_nodes:<3d} {e.topic:<12} d/d{e.variable} "
                         f"{e.function}\n{'':10}book:   {e.book}\n{'':10}derive: {o.answer}")
    decimals = [o for o in outcomes if o.correct and not o.same_decimals]
    if decimals:
        lines.append("\ndecimals not where the textbook writes them:")
        lines += [f"  {o.exercise.function} | {o.exercise.book} | {o.answer}" for o in decimals]
    wrong_books = [o for o in outcomes if not o.book_right]
    if wrong_books:
        lines.append("\ntextbook answers that do not equal sympy.diff (fix the row):")
        lines += [f"  {o.exercise.function} | {o.exercise.book}" for o in wrong_books]
    failed = [o for o in outcomes if not o.correct]
    if failed:
        lines.append("\nderive's answer not equal to the textbook's, or not worked:")
        lines += [f"  {o.exercise.function} | {o.exercise.book} | {o.error or o.answer}"
                  for o in failed]
    lines.append("\nper topic: rows, correct, textbook form or shorter")
    for topic in TOPICS:
        group = [o for o in outcomes if o.exercise.topic == topic]
        if group:
            lines.append(f"  {topic:<13}{len(group):4d}{sum(o.correct for o in group):4d}"
                         f"{sum(o.in_form for o in group):4d}")
    lines.append(summary_line(outcomes))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=TSV)
    parser.add_argument("--topic", choices=TOPICS, help="only the rows of one topic")
    args = parser.parse_args(argv)
    exercises = [e for e in read(args.tsv) if args.topic in (None, e.topic)]
    print(report(run(exercises)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
