"""One way out: ``render(result, fmt)`` lays out any of derive's results in any format.

This module alone owns what every output shares: the list of formats, the rule that
``standalone`` (a complete LaTeX document) goes with latex only, the one newline every
document ends in, and the mapping of template errors to ``RenderError``.  What differs by
result — its template and its JSON — lives in one presenter module per kind of result,
found through ``PRESENTERS``, from the result's class to the module; each presenter module
has ``document(result, fmt, *, standalone, templates, width, **options) -> str`` (text,
markdown, latex), ``json_data(result, templates) -> dict`` and ``summary(result) -> str``,
and may have ``latex_equation(result) -> str`` (what Jupyter typesets).

A presenter module is imported the first time a result of its kind is shown, so that
``derive EXPR`` does not load the code of traces, checks or matrices at start-up.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Optional

from derive.core.display import use_presenter
from derive.core.forms import decimal_numbers
from derive.errors import RenderError
from derive.present.json_fields import json_document
from derive.present.render import template_errors
from derive.read.parsing import typed_decimals

FORMATS = ("text", "markdown", "latex", "json")

# the class of a result (its name; the first one along the class's MRO that is listed) →
# the module that lays it out
PRESENTERS = {
    "Solution": "derive.present.solutions",
    "ArraySolution": "derive.present.solutions",
    "AnswerCheck": "derive.present.checks",
    "ArrayAnswerCheck": "derive.present.checks",
    "Trace": "derive.present.traces",
    "MatrixSolution": "derive.present.matrices",
    "LogDifferentiation": "derive.present.log_method",
    "FirstPrinciples": "derive.present.first_principles",
    "ImplicitSolution": "derive.present.implicit",
    "ImplicitAnswerCheck": "derive.present.implicit_checks",
    "TangentLines": "derive.present.tangent",
}


def check_options(fmt: str, standalone: bool = False, formats=FORMATS) -> None:
    """Refuse a format outside ``formats`` and ``standalone`` with any format but latex
    (a command calls this before it starts working)."""
    if fmt not in formats:
        raise RenderError(f"unknown format {fmt!r}: the formats are {', '.join(formats)}")
    if standalone and fmt != "latex":
        raise RenderError("--standalone goes with --format latex")


def presenter_of(result) -> ModuleType:
    """The presenter module of ``result``'s kind."""
    for cls in type(result).__mro__:
        if cls.__name__ in PRESENTERS:
            return importlib.import_module(PRESENTERS[cls.__name__])
    raise RenderError(f"derive has no layout for a {type(result).__name__}")


def render(result, fmt: str = "text", *, standalone: bool = False,
           templates: Optional[str] = None, width: Optional[int] = None, **options) -> str:
    """``result`` as a document in ``fmt`` (text wrapped at ``width`` columns; ``standalone``:
    a complete LaTeX document; ``templates``: the user's own templates first; other options
    are the presenter's, e.g. ``solution=`` for the verdict on an answer).  It ends in
    exactly one newline."""
    check_options(fmt, standalone)
    module = presenter_of(result)
    with template_errors(), decimal_numbers(typed_decimals(_typed_text(result))):
        if fmt == "json":
            text = json_document(module.json_data(result, templates))
        else:
            text = module.document(result, fmt, standalone=standalone, templates=templates,
                                   width=width, **options)
    return text.rstrip("\n") + "\n"


def _typed_text(result) -> Optional[str]:
    """The function as the user typed it, for a result that has one (an answer check: its
    solution's): numbers typed as decimals are written as decimals."""
    return getattr(getattr(result, "solution", result), "input", None)


def summary(result) -> str:
    """One line naming what ``result`` is and how it came out (inside ``repr``)."""
    return presenter_of(result).summary(result)


def latex_equation(result) -> Optional[str]:
    """The result as one displayed LaTeX equation, where its kind has one (Jupyter)."""
    equation = getattr(presenter_of(result), "latex_equation", None)
    return equation(result) if equation else None


class _Presenter:
    render = staticmethod(render)
    summary = staticmethod(summary)
    latex_equation = staticmethod(latex_equation)


use_presenter(_Presenter())
