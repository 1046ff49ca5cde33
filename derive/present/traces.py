"""The presenter of evaluation traces (``Trace``, from ``derive.ad.traces``): the template
``trace.j2`` in aligned columns, the JSON of the primal trace and its sweeps, and the
one-line summary."""

from __future__ import annotations

import unicodedata
from typing import Optional

import sympy as sp

from derive.ad.traces import Trace
from derive.core.numeric import real_float
from derive.present import readback
from derive.present.json_fields import common_fields
from derive.present.notation import to_latex, to_text
from derive.present.render import render_document
from derive.present.words import checked_word, shortened

# ---------------------------------------------------------------------------------------------
# The presenter

def document(result: Trace, fmt: str, *, standalone: bool = False,
             templates: Optional[str] = None, width: Optional[int] = None) -> str:
    """The trace in text, markdown or latex (``standalone``: a whole LaTeX document).  Its
    names (v₋₁, the tangents v̇ and adjoints v̄) are not expressions the parser reads, and its
    lines are verified by the trace's own checks: it is laid out without the read-back."""
    with readback.checking(False):
        return render_document("trace.j2", fmt, standalone, templates, line_width=width,
                               trace=result, width=text_width)


def json_data(result: Trace, templates: Optional[str] = None) -> dict:
    """The trace as JSON data.  Rows: ``{"var", "definition", "value"}`` for the primal trace,
    with ``"tangent"`` (forward, one list of rows per pass) or ``"adjoint"`` (reverse: the
    final adjoint of each variable, and the sweep's lines in order)."""
    primal = [{"var": to_text(line.symbol), **_expr_fields("definition", line.definition),
               **_number_fields("value", line.value, line.numeric)}
              for line in result.primal + result.outputs]
    passes = []
    for p in result.passes:
        if result.mode == "forward":
            rows = [{**row, **_number_fields("tangent", t.value, t.numeric),
                     **_expr_fields("tangent_definition", t.written)}
                    for row, t in zip(primal, p.lines + p.outputs)]
            passes.append({"seed": str(p.seed), "rows": rows})
            continue
        final = dict(p.final)
        rows = []
        for row, line in zip(primal, result.primal):
            value = final[line.symbol]
            rows.append({**row, **_number_fields("adjoint", value, real_float(value))})
        sweep = [{"var": to_text(a.symbol), "from": to_text(a.source),
                  "op": "+=" if a.accumulate else "=",
                  **_expr_fields("definition", a.written),
                  **_number_fields("value", a.value, a.numeric)} for a in p.lines]
        passes.append({"seed": str(p.output), "rows": rows, "adjoint_lines": sweep,
                       "gradient": {str(g.symbol): str(g.value) for g in p.gradient}})
    derivative = derivative_values(result)
    data = {
        **common_fields(result.input, derivative, verified=result.verified,
                        checks=result.checks, point=result.point, value=derivative),
        "mode": result.mode,
        "names": result.names,
        "inputs": [str(x) for x in result.inputs],
        "outputs": [str(o.symbol) for o in result.outputs],
        "functions": [str(f) for f in result.functions],
        "primal": primal,
        "passes": passes,
        "derivatives": [{"output": str(y), "input": str(x), "value": str(v)}
                        for y, x, v in result.derivatives],
        "checks": [{"rule": c.rule, "passed": c.passed, "method": c.method,
                    **({"detail": c.detail} if c.detail else {})} for c in result.checks],
    }
    if result.jacobian is not None:
        data["jacobian"] = [[str(result.jacobian[i, j]) for j in range(result.jacobian.cols)]
                            for i in range(result.jacobian.rows)]
    return data


def summary(result: Trace) -> str:
    """``reverse-mode trace of ln(x₁) + x₁x₂ − sin(x₂) at x₁ = 2, x₂ = 5, verified``."""
    functions = ", ".join(to_text(f, order="none") for f in result.functions)
    point = ", ".join(f"{to_text(x)} = {to_text(v)}" for x, v in result.point)
    return (f"{result.mode}-mode trace of {shortened(functions)}"
            f"{' at ' + point if point else ''}, {checked_word(result.verified)}")


# ---------------------------------------------------------------------------------------------
# Pieces

def text_width(text: str) -> int:
    """The columns a string takes in a terminal: combining marks (the dot of v̇) take none."""
    return sum(0 if unicodedata.combining(c) else 1 for c in str(text))


def derivative_values(result: Trace):
    """The derivatives the trace gives, at its point: one value, a column (one output and
    several inputs, or the outputs' derivatives by one seeded input), or the Jacobian's
    rows (several outputs, every input)."""
    values = [value for _, _, value in result.derivatives]
    if len(values) == 1:
        return values[0]
    if result.jacobian is not None and result.jacobian.rows > 1:
        return result.jacobian
    return sp.Matrix(values)


def _number_fields(prefix: str, value: sp.Expr, numeric: Optional[float]) -> dict:
    data = {prefix: str(value), f"{prefix}_text": to_text(value)}
    if numeric is not None:
        data[f"{prefix}_float"] = numeric
    return data


def _expr_fields(prefix: str, expr: Optional[sp.Expr]) -> dict:
    if expr is None:
        return {prefix: None}
    return {prefix: to_text(expr, order="none"), f"{prefix}_latex": to_latex(expr, order="none")}
