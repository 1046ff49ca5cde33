"""Laying out a problem sheet (``derive.sheets.sheet.Sheet``): the Jinja templates
``<format>/sheet.j2`` (inside ``latex/sheet-document.j2`` for LaTeX), long rows of solutions
broken to fit the line, the pictures of the worked solutions, and the worked solutions of
problems of a method of their own, laid out by that method's presenter
(``derive.present.results``).

The sheet only records that it wants pictures (``sheet.graph``, ``sheet.plot``); they are
drawn here, as the sheet is laid out: the computation graph from a problem's solution, and
the plot of f and f′ sampled from it (``derive.present.plotting.plot_data``) the first time
the templates ask for it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import Optional, Sequence


from derive.core.steps import Solution
from derive.errors import InputError
from derive.present.linebreak import fit_aligns
from derive.present.pictures import graph_figure, plot_figure
from derive.present.plotting import Plot, plot_data
from derive.present.render import environment, template_errors
from derive.present.results import render
from derive.sheets.sheet import Problem, Sheet

SHEET_FORMATS = ("latex", "markdown")
PARTS = ("problems", "answers", "solutions")


class LaidProblem:
    """A problem as the templates see it: the problem's own fields, and its plot (``plot``,
    or ``plot_error``: why f cannot be plotted), sampled when first asked for."""

    def __init__(self, problem: Problem):
        self.problem = problem

    def __getattr__(self, name):
        if name == "problem":       # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.problem, name)

    @cached_property
    def _plotted(self) -> tuple[Optional[Plot], str]:
        return plot_of(self.problem)

    @property
    def plot(self) -> Optional[Plot]:
        return self._plotted[0]

    @property
    def plot_error(self) -> str:
        return self._plotted[1]


def plot_of(problem: Problem) -> tuple[Optional[Plot], str]:
    """f and f′ of a problem sampled for its plot, or (None, why it cannot be plotted);
    (None, "") for a problem that is not pictured (not of one variable)."""
    if not problem.pictured:
        return None, ""
    try:
        return plot_data(problem.solution), ""
    except InputError as error:
        return None, str(error)


def laid_out(sheet: Sheet) -> Sheet:
    """The sheet with its problems as the templates see them (``LaidProblem``)."""
    variants = tuple(replace(v, problems=tuple(LaidProblem(p) for p in v.problems))
                     for v in sheet.variants)
    return replace(sheet, variants=variants)


def render_sheet(sheet: Sheet, fmt: str = "latex", *, parts: Sequence[str] = ("problems",),
                 templates: Optional[str] = None) -> str:
    """The sheet as a document: ``latex`` (a complete document: ``latex/sheet.j2`` inside
    ``latex/sheet-document.j2``, long rows of solutions broken to fit the line) or
    ``markdown``.  ``parts`` are the parts to include, in their fixed order: problems,
    answers (a compact key), solutions (worked)."""
    if fmt not in SHEET_FORMATS:
        raise InputError(f"unknown sheet format {fmt!r}: choose latex or markdown")
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise InputError(f"a sheet has the parts {', '.join(PARTS)}")
    chosen = tuple(p for p in PARTS if p in parts)
    if sheet.plot and fmt != "latex":
        raise InputError("a sheet's plots are pgfplots pictures: use --format latex or pdf")
    env = environment(fmt, templates)
    pictures = dict(draw_graph=lambda solution: _graph(solution, fmt, templates),
                    draw_plot=lambda plot: _plot(plot, templates),
                    worked_method=lambda result: _worked(result, fmt, templates))
    shown = laid_out(sheet)
    with template_errors():
        body = env.get_template(f"{fmt}/sheet.j2").render(sheet=shown, parts=chosen,
                                                           **pictures).strip()
        if fmt == "latex":
            body = env.get_template("latex/sheet-document.j2").render(
                body=body, sheet=shown, parts=chosen)
    if fmt == "latex":
        body = fit_aligns(body)
    return body.strip() + "\n"


def _worked(result, fmt: str, templates: Optional[str]) -> str:
    """The worked solution of a problem of a method of its own (implicit differentiation,
    tangent lines, first principles, logarithms), laid out by its presenter."""
    return render(result, fmt, templates=templates).strip("\n")


def _graph(solution: Solution, fmt: str, templates: Optional[str]) -> str:
    return graph_figure(solution, fmt, templates).strip("\n")


def _plot(plot: Plot, templates: Optional[str]) -> str:
    return plot_figure(plot, "latex", templates=templates).strip("\n")
