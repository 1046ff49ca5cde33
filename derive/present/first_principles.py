"""The presenter of derivatives from first principles (``FirstPrinciples``, from
``derive.calculus.first_principles``): the template ``first-principles.j2``, the JSON of its
lines, and the one-line summary."""

from __future__ import annotations

from typing import Optional

from derive.calculus.first_principles_lines import FirstPrinciples
from derive.present.json_fields import common_fields, sympy_text
from derive.present.notation import to_latex, to_text
from derive.present.render import render_document
from derive.present.words import checked_word, shortened


def document(result: FirstPrinciples, fmt: str, *, standalone: bool = False,
             templates: Optional[str] = None, width: Optional[int] = None) -> str:
    """The working in text, markdown or latex (``standalone``: a whole LaTeX document)."""
    return render_document("first-principles.j2", fmt, standalone, templates,
                           line_width=width, fp=result)


def json_data(result: FirstPrinciples, templates: Optional[str] = None) -> dict:
    """``result`` is f′(x); ``steps`` are the lines after the definition, each with its
    expression (``under_limit``: written after factor · lim_{h→0}), the reason it equals the
    line before, and the identity or standard limits it uses; ``parts``, for a sum worked
    part by part, the working of each part."""
    return {
        **common_fields(result.input, result.result, verified=result.verified,
                        checks=result.checks),
        "style": result.style,
        "method": result.method,
        "function": sympy_text(result.function),
        "wrt": sympy_text(result.variable),
        "step": sympy_text(result.step),
        "shifted": sympy_text(result.shifted),
        "result_latex": to_latex(result.result),
        "result_text": to_text(result.result),
        "steps": [_line_json(line) for line in result.lines],
        "parts": [{"function": sympy_text(part.function), "method": part.method,
                   "result": sympy_text(part.result),
                   "steps": [_line_json(line) for line in part.lines]}
                  for part in result.parts],
        "checks": [{"rule": c.rule, "claim": c.claim, "passed": c.passed, "method": c.method,
                    **({"detail": c.detail} if c.detail else {})} for c in result.checks],
    }


def _line_json(line) -> dict:
    data = {"reason": line.reason, "under_limit": line.under_limit,
            "expression": sympy_text(line.expression),
            "latex": to_latex(line.expression, order="none")}
    if line.factor != 1:
        data["factor"] = sympy_text(line.factor)
    if line.identity is not None:
        data["identity"] = [sympy_text(side) for side in line.identity]
    if line.limits:
        data["standard_limits"] = [{"name": k.name, "expression": sympy_text(k.expression),
                                    "value": sympy_text(k.value)} for k in line.limits]
    return data


def summary(result: FirstPrinciples) -> str:
    """``f′(x) = 2x + 3 from first principles, f(x) = x² + 3x, verified``."""
    x = to_text(result.variable)
    return (f"{to_text(result.name)}′({x}) = {shortened(to_text(result.result))} from first "
            f"principles, {to_text(result.name)}({x}) = "
            f"{shortened(to_text(result.function, order='none'))}, "
            f"{checked_word(result.verified)}")


def latex_equation(result: FirstPrinciples) -> str:
    name, x = to_latex(result.name), to_latex(result.variable)
    return f"$\\displaystyle {name}'({x}) = {to_latex(result.result)}$"
