"""The presenter of matrix derivatives (``MatrixSolution``, ``derive.matrices.solution``):
their templates (``matrix.j2``), their JSON and their one-line summaries, and
``matrix_document``, the rendered derivation the command line prints."""

from __future__ import annotations

from typing import Optional

from derive.matrices.solution import MatrixSolution
from derive.present.json_fields import common_fields
from derive.present.render import render_document
from derive.present.words import checked_word, shortened


def document(result: MatrixSolution, fmt: str, *, standalone: bool = False,
             templates: Optional[str] = None, width: Optional[int] = None, **options) -> str:
    """The derivation as text, markdown or latex (``standalone``: a whole document)."""
    return render_document("matrix.j2", fmt, standalone, templates, line_width=width,
                           solution=result, **options)


def json_data(result: MatrixSolution, templates: Optional[str] = None) -> dict:
    """The matrix derivative as JSON data (the common fields: ``derive.present.json_fields``)."""
    return {
        **common_fields(result.input, result.result_sympy, verified=result.verified,
                        checks=result.checks),
        "kind": "matrix",
        "wrt": result.wrt,
        "result_text": result.result_text.text,
        "result_latex": result.result_text.latex,
        "layout": result.layout,
        "shape": list(result.shape),
        "notes": list(result.notes),
        "checks": [{"passed": c.passed, "detail": c.detail} for c in result.checks],
        "steps": [{"kind": s.kind, "text": [f.text for f in s.formulas],
                   "latex": [f.latex for f in s.formulas]} for s in result.steps],
    }


def summary(result: MatrixSolution) -> str:
    """``∂/∂x xᵀAx = xᵀ(A + Aᵀ), 1×n in numerator layout, verified``."""
    return (f"∂/∂{result.wrt} {shortened(result.expression.text)} = "
            f"{shortened(result.result_text.text)}, {'×'.join(result.shape)} in "
            f"{result.layout} layout, {checked_word(result.verified)}")
