"""The presenter of the verdict on an answer (``AnswerCheck``, ``derive.checking.answers``) and
on a gradient or Jacobian answer entry by entry (``ArrayAnswerCheck``,
``derive.checking.array_answers``): their templates (``check.j2``, ``check-array.j2``, the
words of ``mistakes.j2`` and ``mistakes/<id>.j2``), their JSON and their one-line summaries.

``document`` takes one option of its own, ``solution``: include the worked solution (None,
the default: when the answer, or an entry, is wrong, so that the step a diagnosis names — a
numbered step, or in a textbook solution a line by its label — can be read).
"""

from __future__ import annotations

from typing import Optional

import sympy as sp

from derive.checking.answers import AnswerCheck
from derive.checking.array_answers import WORDS, ArrayAnswerCheck
from derive.checking.mistakes import Application
from derive.present.json_fields import common_fields
from derive.present.notation import leibniz_sequence_text, to_latex, to_text
from derive.present.render import environment, render_document
from derive.present.words import shortened

# --- documents ----------------------------------------------------------------------------

def document(result, fmt: str, *, standalone: bool = False, templates: Optional[str] = None,
             width: Optional[int] = None, solution: Optional[bool] = None) -> str:
    """The verdict as text, markdown or latex (``standalone``: a whole document);
    ``solution``: with the worked solution (default: where the answer is wrong)."""
    if isinstance(result, ArrayAnswerCheck):
        return _array_document(result, fmt, standalone, templates, width, solution)
    return _check_document(result, fmt, standalone, templates, width, solution)


def _check_document(result: AnswerCheck, fmt, standalone, templates, width, solution) -> str:
    show = (not result.correct) if solution is None else solution
    return render_document("check.j2", fmt, standalone, templates, line_width=width,
                           check=result, solution=result.solution, show_solution=show)


def _array_document(result: ArrayAnswerCheck, fmt, standalone, templates, width,
                    solution) -> str:
    """Every entry's verdict (each with its worked solution where wanted), in one array."""
    entries = tuple(tuple(_check_document(e, fmt, False, templates, width, solution)
                          for e in row)
                    for row in result.entries)
    return render_document("check-array.j2", fmt, standalone, templates, line_width=width,
                           result=result, rendered=entries)


# --- words --------------------------------------------------------------------------------

def explanation(result: AnswerCheck, templates: Optional[str] = None) -> str:
    """The verdict in words, one paragraph of plain text."""
    module = environment("text", templates).get_template("text/mistakes.j2").module
    words = " ".join(str(module.explanation(result)).split())
    return words[:1].upper() + words[1:]


def mistake_title(mistake_id: str, fmt: str = "text", templates: Optional[str] = None) -> str:
    """The short name of a mistake (``templates/mistakes/<id>.j2``)."""
    env = environment(fmt if fmt in ("text", "markdown", "latex") else "text", templates)
    return env.get_template(f"mistakes/{mistake_id}.j2").render().strip()


def describe(app: Application, fmt: str = "text", templates: Optional[str] = None) -> str:
    """What a mistake does at its node, in words: the clause of a diagnosis."""
    env = environment(fmt, templates)
    module = env.get_template(f"{fmt}/mistakes.j2").module
    return " ".join(str(module.clause(app)).split())


def where(app: Application, ref, solution, fmt: str = "text",
          templates: Optional[str] = None) -> str:
    """Where in the worked solution a mistake is made, in words: ``at step 3: chain rule``, or
    in a textbook solution the line, as printed, and its rule (``at dy/dx: the product rule
    for x² sin(x): (fg)′ taken as f′g′``)."""
    module = environment(fmt, templates).get_template(f"{fmt}/mistakes.j2").module
    orders = len(solution.sequence) or 1
    return " ".join(str(module.where(ref, orders, app)).split())


def line_label(ref, fmt: str = "text", templates: Optional[str] = None) -> Optional[str]:
    """The label a textbook solution prints the line of ``ref`` with (``dy/dx = dy/du ·
    du/dx``, ``f′ = 2x``), to find it by; None in the other styles, which number their
    steps."""
    if not ref.role:
        return None
    module = environment(fmt, templates).get_template(f"{fmt}/mistakes.j2").module
    return " ".join(str(module.label(ref)).split())


# --- JSON ---------------------------------------------------------------------------------

def json_data(result, templates: Optional[str] = None) -> dict:
    if isinstance(result, ArrayAnswerCheck):
        return array_check_json(result, templates)
    return check_json(result, templates)


def check_json(result: AnswerCheck, templates: Optional[str] = None) -> dict:
    """The verdict as JSON data: ``result`` is derive's derivative, ``verified`` whether it
    passed its checks (the common fields: ``derive.present.json_fields``)."""
    best = result.diagnosis
    example = result.counterexample
    return {
        **common_fields(result.input, result.expected, verified=result.solution.verified,
                        checks=result.solution.checks),
        "correct": result.correct,
        "expected": to_text(result.expected),
        "expected_latex": to_latex(result.expected),
        "answer": to_text(result.answer),
        "counterexample": None if example is None else {
            "at": {str(s): str(v) for s, v in example.point},
            "expected": to_text(example.expected),
            "answer": None if example.answer is None else to_text(example.answer),
            "expected_value": example.expected_number,
            "answer_value": example.answer_number,
        },
        "mistake": best.mistakes[0].id if best else None,
        "mistakes": [a.id for a in best.mistakes] if best else [],
        "step": best.steps[0].number if best else None,
        "line": line_label(best.steps[0], templates=templates) if best else None,
        "explanation": explanation(result, templates),
        "diagnoses": [
            {"mistakes": [{"id": a.id, "title": mistake_title(a.id, templates=templates),
                           "node": to_text(a.node), "step": ref.number,
                           "line": line_label(ref, templates=templates),
                           "where": where(a, ref, result.solution, templates=templates),
                           "explanation": describe(a, templates=templates)}
                          for a, ref in d.pairs],
             "order": d.order}
            for d in result.diagnoses],
        "unknown_variables": [str(s) for s in result.strangers],
    }


def array_check_json(result: ArrayAnswerCheck, templates: Optional[str] = None) -> dict:
    """The verdict on every entry as JSON data: ``result`` is derive's gradient (a list) or
    Jacobian (a list of rows), ``verified`` whether every entry's solution passed its checks
    (the common fields: ``derive.present.json_fields``)."""
    solutions = [e.solution for row in result.entries for e in row]
    rows = [[e.expected for e in row] for row in result.entries]
    expected = sp.Matrix(rows[0]) if result.kind == "gradient" else sp.Matrix(rows)
    return {
        **common_fields(result.input, expected, verified=all(s.verified for s in solutions),
                        checks=[c for s in solutions for c in s.checks]),
        "kind": result.kind,
        "correct": result.correct,
        "variables": [v.name for v in result.variables],
        "wrong_entries": result.wrong,
        "entries": [[check_json(e, templates) for e in row] for row in result.entries],
    }


# --- summaries ----------------------------------------------------------------------------

def summary(result) -> str:
    """``d/dx x²·sin(x): 2x cos(x) is wrong``; for an array,
    ``gradient of x^2 y: 1 of 2 entries wrong``."""
    if isinstance(result, ArrayAnswerCheck):
        verdict = (f"all {result.count} entries right" if result.correct else
                   f"{result.wrong} of {result.count} "
                   f"{'entry' if result.count == 1 else 'entries'} wrong")
        return f"{WORDS[result.kind]} of {shortened(result.input)}: {verdict}"
    s = result.solution
    operator = leibniz_sequence_text(None, s.sequence, partial=s.partial)
    verdict = "right" if result.correct else "wrong"
    return (f"{operator} {shortened(to_text(s.expression))}: "
            f"{shortened(result.answer_text)} is {verdict}")
