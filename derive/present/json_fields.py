"""The fields every JSON document of derive has, built in one place for every command:

``input``          the text as the user gave it
``verified``       whether derive's own derivative passed every check
``result``         the derivative as a SymPy string; a list for a column, a list of rows for a
                   matrix
``errors``         one line per failed check (empty when all is well)
``at`` ``value`` ``value_latex`` ``value_numeric`` ``value_reason``
                   with a point: the point, the derivative's value there (null where it has
                   none, and ``value_reason`` says why), in LaTeX, and as a number

and the document itself: indented UTF-8 text that ends in exactly one newline.
"""

from __future__ import annotations

import json
from typing import Optional

import sympy as sp

from derive.core.forms import as_decimals, rebuilt
from derive.core.numeric import real_float
from derive.present import notation


def json_document(data: dict) -> str:
    """``data`` as derive prints JSON: indented, non-ASCII kept, one newline at the end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def sympy_text(e) -> str:
    """An expression as a SymPy string, the same in every run: eᵘ written as the user typed
    it (``Pow(E, u)``) is written ``exp(u)``.  Both forms are one generator to SymPy's term
    order, which then leaves terms that differ only there in an order that changes with
    Python's string hashing from run to run."""
    if not isinstance(e, sp.Basic):
        return str(e)
    return sp.sstr(_exp_written_alike(as_decimals(e)), full_prec=False)


def _exp_written_alike(e: sp.Basic) -> sp.Basic:
    """``e`` with each ``Pow(E, u)`` as ``exp(u)``, every other node kept as built."""
    return rebuilt(e, lambda node: sp.exp(_exp_written_alike(node.exp), evaluate=False)
                   if isinstance(node, sp.Pow) and node.base is sp.E else None)


def expression_json(value):
    """An expression as a SymPy string (``sympy_text``); a matrix as a list (a column) or a
    list of rows; None stays None."""
    if value is None:
        return None
    if isinstance(value, sp.MatrixBase):
        return _shaped(value, sympy_text)
    return sympy_text(value)


def _shaped(matrix: sp.MatrixBase, convert) -> list:
    """Each entry converted: a list for a column, else a list of rows."""
    if matrix.cols == 1:
        return [convert(e) for e in matrix]
    return [[convert(e) for e in matrix.row(i)] for i in range(matrix.rows)]


def failure_reason(check) -> str:
    """What a failed check says, on one line: ``rule: detail`` (its method when it has no
    detail)."""
    reason = getattr(check, "detail", None) or getattr(check, "method", None) or "no detail"
    rule = getattr(check, "rule", None)
    line = f"{rule}: {reason}" if rule else str(reason)
    return " ".join(line.split())


def check_errors(checks) -> list[str]:
    """The ``errors`` field: one line per failed check."""
    return [f"a check failed ({failure_reason(c)})" for c in checks if not c.passed]


def common_fields(input_text: str, result, *, verified: bool, checks=(), point=(),
                  value=None, reason: Optional[str] = None) -> dict:
    """``input``, ``verified``, ``result`` and ``errors``; with a ``point``, the fields of
    the value there (``point_fields``)."""
    data = {"input": input_text, "verified": bool(verified), "result": expression_json(result),
            "errors": check_errors(checks)}
    if point:
        data.update(point_fields(point, value, reason))
    return data


def point_fields(point, value, reason: Optional[str] = None) -> dict:
    """``at`` (name -> value, as strings), ``value``, ``value_latex``, ``value_numeric`` (a
    float, or a list shaped like ``value``; null where a value is not a real number) and
    ``value_reason`` (why there is no value; null when there is one)."""
    return {"at": {str(k): str(v) for k, v in point},
            "value": expression_json(value),
            "value_latex": None if value is None else _latex(value),
            "value_numeric": _numeric(value),
            "value_reason": reason}


def _latex(value) -> str:
    if isinstance(value, sp.MatrixBase):
        return notation.matrix_latex(value)
    return notation.to_latex(value)


def _numeric(value):
    if isinstance(value, sp.MatrixBase):
        return _shaped(value, _number)
    return _number(value)


def _number(value) -> Optional[float]:
    return real_float(value, 15)
