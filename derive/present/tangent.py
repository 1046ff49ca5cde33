"""The presenter of tangent and normal lines (``TangentLines``, from
``derive.calculus.tangent``): the template ``tangent.j2`` with the worked derivative laid
out by its own presenter, the plots (``tangent-plot.j2``: the graph of a function;
``tangent-curve-plot.j2``: a curve given by an equation), the JSON and the summary."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from derive.calculus.tangent import TangentLines
from derive.present import implicit as implicit_presenter
from derive.present.curve_plot import CurvePlot, curve_plot
from derive.errors import InputError
from derive.present.json_fields import common_fields, sympy_text
from derive.present.notation import to_text
from derive.present.pictures import latex_document
from derive.present.plotting import Plot, plot_data
from derive.present.render import render_document
from derive.present.results import render
from derive.present.words import checked_word


def document(result: TangentLines, fmt: str, *, standalone: bool = False,
             templates: Optional[str] = None, width: Optional[int] = None,
             plot: bool = False, plot_range=None) -> str:
    """The lines worked out; with ``plot`` (latex) the graph of the function, or the curve
    of the equation, with both lines after them."""
    if plot and fmt != "latex":
        raise InputError("--plot draws the graph of a function or the curve of an equation "
                         f"with its tangent and normal, in --format latex (not {fmt})")
    if result.solution is not None:
        worked = render(result.solution, fmt, templates=templates, width=width)
    else:
        worked = implicit_presenter.document(result.implicit, fmt, templates=templates,
                                             width=width)
    text = render_document("tangent.j2", fmt, False, templates, line_width=width,
                           t=result, worked=worked)
    if plot and result.function is None:
        text += render_document("tangent-curve-plot.j2", fmt, False, templates, t=result,
                                plot=tangent_curve_plot(result, plot_range))
    elif plot:
        text += render_document("tangent-plot.j2", fmt, False, templates, t=result,
                                plot=tangent_plot(result, plot_range))
    if plot:
        return latex_document(text, templates) if standalone else text
    if standalone and fmt == "latex":
        return render_document("document.j2", fmt, False, templates, body=text)
    return text


def tangent_plot(result: TangentLines, plot_range=None) -> Plot:
    """The graph sampled on ``plot_range`` (default: 2 either side of the point), its
    height that of the graph alone (the derivative is not drawn)."""
    a = result.point[0]
    data = plot_data(result.solution, plot_range or (a - 2, a + 2))
    heights = [v for piece in data.function_pieces for _, v in piece]
    low, high = min(heights), max(heights)
    margin = 0.08 * (high - low or 1.0)
    return replace(data, y_range=(low - margin, high + margin))


def tangent_curve_plot(result: TangentLines, plot_range=None) -> CurvePlot:
    """The curve F = 0 (F = left − right) traced in a square window around the point:
    ``plot_range`` the x range, else the whole curve when it is bounded, else the point ± 3
    (``derive.present.curve_plot``)."""
    return curve_plot(result.implicit.equation.function, result.x, result.y, result.point,
                      plot_range)


def json_data(result: TangentLines, templates: Optional[str] = None) -> dict:
    """``slope`` (null for a vertical tangent), ``tangent`` and ``normal`` as the right sides
    of y = … (null for a vertical line; ``tangent_equation`` and ``normal_equation`` write
    every line whole, ``x = a`` for a vertical one), ``point`` [a, b] and ``kind``
    (slope, horizontal, vertical)."""
    x, y = sympy_text(result.x), sympy_text(result.y)
    a, b = result.point

    def equation(right, vertical_at):
        return f"{x} = {sympy_text(vertical_at)}" if right is None else \
            f"{y} = {sympy_text(right)}"

    return {
        **common_fields(result.input, result.tangent, verified=result.verified,
                        checks=result.checks),
        "kind": "tangent",
        "tangent_kind": result.kind,
        "point": [sympy_text(a), sympy_text(b)],
        "slope": None if result.slope is None else sympy_text(result.slope),
        "derivative": sympy_text(result.derivative),
        "tangent": None if result.tangent is None else sympy_text(result.tangent),
        "normal": None if result.normal is None else sympy_text(result.normal),
        "tangent_equation": equation(result.tangent, a),
        "normal_equation": equation(result.normal, a),
    }


def summary(result: TangentLines) -> str:
    """``tangent y = x - 2 at (1, -1), verified``."""
    a, b = result.point
    line = (f"{to_text(result.x)} = {to_text(a)}" if result.tangent is None
            else f"{to_text(result.y)} = {to_text(result.tangent)}")
    return f"tangent {line} at ({to_text(a)}, {to_text(b)}), {checked_word(result.verified)}"
