"""Checking an answer for a gradient or a Jacobian, entry by entry.

The gradient of f by (x₁, …, xₙ) is the row (∂f/∂x₁, …, ∂f/∂xₙ); the Jacobian of
(f₁, …, fₘ) is the m×n matrix whose entry (i, j) is ∂fᵢ/∂xⱼ.  So an answer for either is a
set of partial derivatives, and each entry is judged exactly as a single answer is
(``answers.check``): right or wrong, a point where a wrong entry differs, and the mistake
that gives it, with the step of that entry's worked solution.

Answers are written in brackets: ``[2xy, x^2]`` for a gradient, ``[[2x, 0], [y, x]]`` for a
Jacobian (a row per function; a Jacobian of one function may be written as one row).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.checking.answers import AnswerCheck, AnswerParseError, check
from derive.core.display import Displayed
from derive.errors import InputError, own_errors
from derive.read.parsing import ParseError, is_vector, vector_components
from derive.read.request import default_variables, read_expression, read_variables, read_vector

KINDS = ("gradient", "jacobian")
WORDS = {"gradient": "gradient", "jacobian": "Jacobian"}


@dataclass(frozen=True, repr=False)
class ArrayAnswerCheck(Displayed):
    """The verdict on each entry of a gradient or Jacobian answer."""

    kind: str                                   # "gradient" or "jacobian"
    input: str
    answer_text: str
    variables: tuple[sp.Symbol, ...]
    entries: tuple[tuple[AnswerCheck, ...], ...]  # a row per function

    @property
    def correct(self) -> bool:
        return all(e.correct for row in self.entries for e in row)

    @property
    def wrong(self) -> int:
        return sum(not e.correct for row in self.entries for e in row)

    @property
    def count(self) -> int:
        return sum(len(row) for row in self.entries)


@own_errors
def check_array(kind: str, expression, answer: str, variables=None, *,
                style: str = "textbook") -> ArrayAnswerCheck:
    """Judge ``answer`` as the ``kind`` ("gradient" or "jacobian") of ``expression`` by
    ``variables`` (default: the function's variables in alphabetical order); ``style``: how
    each entry's solution is worked (a partial derivative of a function of several
    variables is worked as a computation graph in the textbook style too)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if not isinstance(answer, str) or not answer.strip():
        raise InputError("the answer is empty: give it with --answer")
    texts = _function_texts(kind, expression)
    functions = (read_vector(expression) if kind == "jacobian"
                 else (read_expression(expression),))
    chosen = read_variables(variables, None, ()) or default_variables(functions, ())
    rows = _answer_rows(kind, answer, len(functions), chosen)
    entries = tuple(
        tuple(_entry(text, answer, entry, start, variable, style)
              for (entry, start), variable in zip(row, chosen))
        for text, row in zip(texts, rows))
    return ArrayAnswerCheck(kind, str(expression), answer, tuple(chosen), entries)


def _function_texts(kind, expression) -> tuple[str, ...]:
    if isinstance(expression, str) and is_vector(expression):
        if kind != "jacobian":
            raise InputError("a gradient is of one function, not a vector: use --jacobian")
        return tuple(text for text, _ in vector_components(expression))
    if kind == "jacobian":
        raise InputError("a Jacobian is of a vector of functions, written [f1, f2, ...]; "
                         "for one function use --gradient")
    return (expression,)


def _answer_rows(kind, answer, functions, variables) -> tuple[tuple[tuple[str, int], ...], ...]:
    """The answer's entries as text with their columns in the answer, row by row; the shape
    must be that of the array asked for."""
    m, n = functions, len(variables)
    names = ", ".join(v.name for v in variables)
    shape = (f"has {_entries(n)} (by {names})" if kind == "gradient"
             else f"is {m}×{n} (a row per function, a column per variable: {names})")
    try:
        outer = vector_components(answer)
    except ParseError:
        raise InputError(f"the answer to a {WORDS[kind]} is written in brackets: the "
                         f"{WORDS[kind]} {shape}") from None
    if all(is_vector(text) for text, _ in outer):
        rows = tuple(tuple((text, start + inner) for text, inner in vector_components(row))
                     for row, start in outer)
    else:
        rows = (outer,)
    if len(rows) != m or any(len(row) != n for row in rows):
        given = " and ".join(sorted({str(len(row)) for row in rows}))
        found = (f"{len(rows)} rows of {given}" if len(rows) > 1
                 else _entries(len(rows[0])))
        raise InputError(f"the {WORDS[kind]} {shape}; the answer has {found}")
    return rows


def _entries(k: int) -> str:
    return f"{k} entr{'y' if k == 1 else 'ies'}"


def _entry(function_text, answer, entry, start, variable, style) -> AnswerCheck:
    try:
        return check(function_text, entry, variable, style=style)
    except AnswerParseError as err:  # say where in the whole answer
        raise AnswerParseError(err.message, answer, start + err.column) from None


__all__ = ["ArrayAnswerCheck", "check_array", "KINDS", "WORDS"]
