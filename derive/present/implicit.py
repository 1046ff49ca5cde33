"""The presenter of implicit differentiation (``ImplicitSolution``, from
``derive.calculus.implicit``): the template ``implicit.j2``, its JSON and its summary."""

from __future__ import annotations

from typing import Optional

from derive.calculus.implicit import ImplicitSolution
from derive.present.json_fields import common_fields, expression_json, sympy_text
from derive.present.notation import to_latex, to_text
from derive.present.render import render_document
from derive.present.words import checked_word, shortened


def document(result: ImplicitSolution, fmt: str, *, standalone: bool = False,
             templates: Optional[str] = None, width: Optional[int] = None) -> str:
    return render_document("implicit.j2", fmt, standalone, templates, line_width=width,
                           sol=result)


def json_data(result: ImplicitSolution, templates: Optional[str] = None) -> dict:
    """``result`` is dy/dx (d²y/dx² with order 2 in ``second``); ``dydx`` always dy/dx;
    ``value`` its value at ``at`` (null with ``value_reason`` where there is none)."""
    F, Fx, Fy, _ = result.partials
    data = {
        **common_fields(result.input, result.result, verified=result.verified,
                        checks=result.checks, point=result.point, value=result.value,
                        reason=result.reason or None),
        "kind": "implicit",
        "equation": {"left": sympy_text(result.equation.left),
                     "right": sympy_text(result.equation.right)},
        "wrt": sympy_text(result.x),
        "dependent": sympy_text(result.y),
        "order": result.order,
        "result_latex": to_latex(result.result),
        "result_text": to_text(result.result),
        "F": sympy_text(F), "F_x": sympy_text(Fx), "F_y": sympy_text(Fy),
        "second": None if result.second is None else expression_json(result.second.result),
        "checks": [{"rule": c.rule, "claim": c.claim, "passed": c.passed, "method": c.method,
                    **({"detail": c.detail} if c.detail else {})} for c in result.checks],
    }
    return data


def summary(result: ImplicitSolution) -> str:
    """``dy/dx = -x/y on x² + y² = 25, verified``."""
    eq = result.equation
    return (f"d{result.y}/d{result.x} = {shortened(to_text(result.result))} on "
            f"{shortened(to_text(eq.left))} = {to_text(eq.right)}, "
            f"{checked_word(result.verified)}")


# --- the verdict on an answer (derive.checking.implicit_answers) -----------------------------

def check_document(result, fmt: str, *, standalone: bool = False,
                   templates: Optional[str] = None, width: Optional[int] = None,
                   solution: Optional[bool] = None) -> str:
    """The verdict; the worked solution after it when ``solution`` (by default: when the
    answer is wrong)."""
    show = (not result.correct) if solution is None else solution
    worked = document(result.solution, fmt, templates=templates, width=width) if show else ""
    return render_document("implicit-check.j2", fmt, standalone, templates, line_width=width,
                           c=result, worked=worked, show_solution=show)


def check_json(result) -> dict:
    """``correct``, ``expected`` (dy/dx), ``where`` (the part of the curve where a right
    answer holds, null for all of it), ``counterexample`` and ``mistake``."""
    example = result.counterexample
    mistake = result.mistake
    return {
        "input": result.input,
        "answer": result.answer_text,
        "kind": "implicit",
        "correct": result.correct,
        "identical": result.identical,
        "expected": sympy_text(result.expected),
        "answer_sympy": sympy_text(result.answer),
        "where": result.where or None,
        "counterexample": None if example is None else dict(zip(
            (str(result.solution.x), str(result.solution.y), "answer", "expected"),
            (float(v) for v in example))),
        "mistake": None if mistake is None else {
            "kind": mistake.kind,
            "term": None if mistake.term is None else sympy_text(mistake.term),
            "derivative": sympy_text(mistake.derivative)},
    }
