"""The presenter of logarithmic differentiation (``LogDifferentiation``, from
``derive.calculus.log_method``): the template ``log-method.j2``, its JSON and its one-line
summary."""

from __future__ import annotations

from typing import Optional

from derive.calculus.log_method import LogDifferentiation
from derive.present.json_fields import common_fields, expression_json, sympy_text
from derive.present.notation import to_latex, to_text
from derive.present.render import render_document
from derive.present.words import checked_word, shortened


def document(result: LogDifferentiation, fmt: str, *, standalone: bool = False,
             templates: Optional[str] = None, width: Optional[int] = None) -> str:
    return render_document("log-method.j2", fmt, standalone, templates, line_width=width,
                           log=result)


def json_data(result: LogDifferentiation, templates: Optional[str] = None) -> dict:
    """``result`` is dy/dx as y · (the derivative of the expanded logarithm), y written out;
    ``logarithm`` the expanded right side, ``bracket`` its derivative (1/y · dy/dx) and
    ``terms`` each term with its derivative."""
    return {
        **common_fields(result.input, result.result, verified=result.verified,
                        checks=result.checks),
        "kind": "derivative",
        "method": "log",
        "expression": sympy_text(result.expression),
        "wrt": [sympy_text(result.wrt)],
        "result_latex": to_latex(result.result),
        "result_text": to_text(result.result),
        "absolute": result.absolute,
        "laws": list(result.laws),
        "logarithm": expression_json(result.differentiated.target),
        "terms": [{"term": expression_json(s.target), "derivative": expression_json(s.result)}
                  for s in result.differentiated.substeps],
        "bracket": expression_json(result.bracket),
        "checks": [{"rule": c.rule, "claim": c.claim, "passed": c.passed, "method": c.method,
                    **({"detail": c.detail} if c.detail else {})} for c in result.checks],
    }


def summary(result: LogDifferentiation) -> str:
    """``d/dx x^x = xˣ(ln(x) + 1) by logarithmic differentiation, verified``."""
    return (f"d/d{to_text(result.wrt)} {shortened(to_text(result.expression))} = "
            f"{shortened(to_text(result.result))} by logarithmic differentiation, "
            f"{checked_word(result.verified)}")
