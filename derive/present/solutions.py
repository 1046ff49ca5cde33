"""The presenter of worked derivatives (``Solution``) and of gradients, Jacobians and
Hessians (``ArraySolution``): their templates (``solution.j2``, ``array.j2``), their JSON
(``derive.present.render``), and their one-line summaries."""

from __future__ import annotations

from typing import Optional

from derive.core.steps import ArraySolution
from derive.present.notation import leibniz_sequence_text, to_text
from derive.present.render import array_json, render_document, result_equation, to_json
from derive.present.words import checked_word, shortened


def document(result, fmt: str, *, standalone: bool = False, templates: Optional[str] = None,
             width: Optional[int] = None) -> str:
    if isinstance(result, ArraySolution):
        return render_document("array.j2", fmt, standalone, templates, line_width=width,
                               array=result)
    return render_document("solution.j2", fmt, standalone, templates, line_width=width,
                           solution=result)


def json_data(result, templates: Optional[str] = None) -> dict:
    if isinstance(result, ArraySolution):
        return array_json(result, templates)
    return to_json(result, templates)


def summary(result) -> str:
    """``d/dx ln(sin²(x³)) = 6x² cot(x³), verified``; ``∂²/∂y∂x`` for a mixed partial;
    ``gradient of x²·y over (x, y) = [2xy; x²], verified`` for an array, written row by
    row, ``;`` between rows (a gradient is a column)."""
    if isinstance(result, ArraySolution):
        functions = ", ".join(to_text(f) for f in result.functions)
        if len(result.functions) > 1:
            functions = f"[{functions}]"
        variables = ", ".join(to_text(v) for v in result.variables)
        rows = "; ".join(", ".join(to_text(result.result[i, j])
                                   for j in range(result.result.cols))
                         for i in range(result.result.rows))
        return (f"{result.kind} of {shortened(functions)} over ({variables}) = "
                f"[{shortened(rows)}], {checked_word(result.verified)}")
    operator = leibniz_sequence_text(None, result.sequence or (result.wrt,) * result.order,
                                     partial=result.partial)
    return (f"{operator} {shortened(to_text(result.expression))} = "
            f"{shortened(to_text(result.result))}, {checked_word(result.verified)}")


def latex_equation(result) -> Optional[str]:
    if isinstance(result, ArraySolution):
        return None
    return "$\\displaystyle " + result_equation(result) + "$"
