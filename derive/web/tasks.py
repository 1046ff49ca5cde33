"""The work of one request, done in a worker process (``derive.web.pool``): each task takes
plain values (text, numbers) and returns plain values that cross a pipe, and each runs under
the request's time limit with every printed formula read back, as the command line does.

The API tasks return the command line's JSON text (``derive EXPR --format json``,
``derive check … --format json``); the page's tasks return the worked solution and the
verdict as HTML (derive's Markdown, ``derive.web.markup``) for the page to typeset.

``run(name, args, seconds)`` is what a worker calls: it answers ``("ok", value)`` or
``("error", exit_code, message, detail)`` with derive's one-line message (and, for a parse
error, the text with its caret).  User text is read only by derive's own grammar.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Optional

import derive.api as api
from derive.core.steps import Solution
from derive.core.timing import current_phase, time_limit
from derive.errors import DeriveError, InputError, TimeLimitExceeded, own_errors
from derive.present import readback
from derive.present.pictures import graph_figure, write_plot_image
from derive.present.plotting import _plottable, plot_data
from derive.present.results import render
from derive.read.request import (default_variables, is_vector_request, read_expression,
                                 read_vector)
from derive.sheets.banks import DIFFICULTIES, Bank, bank_names, load_banks
from derive.web import hints, markup

CHOSEN_SEEDS = 10**9     # a seed chosen for a problem asked without one is below this
# the problems a page can pose: one function, differentiated by one variable (or none named),
# worked by the rules (the page works them as `derive EXPR` does)
PAGE_KINDS = ("derivative", "partial")


def time_up(seconds: float) -> TimeLimitExceeded:
    """The error of a request whose time limit ran out, naming the phase it was in."""
    return TimeLimitExceeded(f"the time limit of {seconds:g} s ran out while {current_phase()}")


def run(name: str, args: tuple, seconds: Optional[float]):
    """Task ``name`` on ``args`` under a time limit of ``seconds``: ``("ok", value)``, or
    ``("error", exit_code, message, detail)`` for any error (one line, never a traceback)."""
    task = TASKS.get(name)
    if task is None:
        return ("error", 1, f"internal error (no task {name!r}); please report it", "")
    try:
        with readback.checking(True), time_limit(seconds, lambda: time_up(seconds)):
            return ("ok", own_errors(task)(*args))
    except DeriveError as error:
        return ("error", error.exit_code, str(error), error.details())


# --- the API: the command line's JSON -----------------------------------------------------

def differentiate(expression: str, wrt: Optional[str], order: int, style: str) -> str:
    """``derive EXPR [--wrt VAR] [--order N] --style STYLE --format json``."""
    return render(api.differentiate(expression, wrt, order=order, style=style), "json")


def check(expression: str, answer: str, wrt: Optional[str], order: int, style: str) -> str:
    """``derive check EXPR --answer ANSWER [--wrt VAR] --format json``."""
    return render(api.check(expression, answer, wrt, order=order, style=style), "json")


def problem(bank: str, difficulty: Optional[int], seed: Optional[int], style: str) -> dict:
    """One problem drawn from ``bank``'s problems of one derivative (``page_bank``) as
    ``derive sheet`` draws a sheet of one problem of difficulty ``difficulty`` with seed
    ``seed`` (one is chosen when none is given), with its worked solution's JSON."""
    chosen = page_bank(bank)
    if seed is None:
        seed = secrets.randbelow(CHOSEN_SEEDS)
    level = None if difficulty is None else (difficulty, difficulty)
    sheet = api.make_sheet([chosen], count=1, difficulty=level, seed=seed, jobs=1,
                           style=style)
    drawn = sheet.variants[0].problems[0]
    filled = drawn.filled
    return {
        "bank": chosen.name,
        "difficulty": drawn.difficulty,
        "seed": seed,
        "id": drawn.template.name,
        "tags": list(drawn.tags),
        "prompt": filled.prompt,
        "expression": filled.expression,
        "wrt": filled.wrt[0] if filled.wrt else None,
        "order": filled.order,
        "solution": json.loads(render(drawn.solution, "json")),
    }


def page_bank(name: str) -> Bank:
    """The shipped bank ``name`` with only the problems a page can pose (a name, never a
    path: the banks a server offers are the shipped ones)."""
    if name not in bank_names():
        raise InputError(f"unknown bank {name!r}: choose one of {', '.join(bank_names())}")
    bank = load_banks([name])[0]
    posed = tuple(t for t in bank.templates
                  if t.kind in PAGE_KINDS and t.method == "rules" and len(t.wrt) <= 1
                  and not t.where)
    if not posed:
        raise InputError(f"the bank {name} has no problem of one derivative to pose")
    return replace(bank, templates=posed)


def banks() -> list[dict]:
    """The shipped banks that have problems a page can pose: name, title, and how many
    problems of each difficulty."""
    listed = []
    for bank in load_banks():
        try:
            posed = page_bank(bank.name).templates
        except InputError:
            continue
        counts = {d: sum(t.difficulty == d for t in posed) for d in DIFFICULTIES}
        listed.append({"name": bank.name, "title": bank.title,
                       "difficulties": [d for d in DIFFICULTIES if counts[d]]})
    return listed


# --- the page: HTML to typeset ------------------------------------------------------------

def variables_of(expression: str) -> list[str]:
    """The variables of the function (or of the vector ``[f1, f2, …]``), alphabetical, read
    by derive's grammar."""
    functions = (read_vector(expression) if is_vector_request(expression)
                 else (read_expression(expression),))
    return [s.name for s in default_variables(functions, ())]


def plottable(solution) -> bool:
    """Whether the plot of f and f′ can be drawn: one function, given (not an abstract
    f(x)), of the one variable, and matplotlib installed."""
    if not isinstance(solution, Solution) or importlib.util.find_spec("matplotlib") is None:
        return False
    try:
        _plottable(solution)
    except InputError:
        return False
    return True


def view_solution(expression: str, wrt: Optional[str], order: int, style: str) -> dict:
    """The worked solution as HTML, the hint "which rule?", the variables to choose from
    (the first one is taken when the function has several and none is chosen), and which
    pictures can be drawn."""
    variables = variables_of(expression)
    chosen = wrt or (variables[0] if len(variables) > 1 else None)
    solution = api.differentiate(expression, chosen, order=order, style=style)
    single = isinstance(solution, Solution)
    return {
        "variables": variables,
        "wrt": chosen,
        "verified": solution.verified,
        "html": markup.html(render(solution, "markdown")),
        "hint": markup.html(hints.which_rule(solution)),
        "pictures": {"graph": single and shutil.which("dot") is not None,
                     "plot": plottable(solution)},
    }


def view_check(expression: str, answer: str, wrt: Optional[str], order: int,
               style: str) -> dict:
    """The verdict on an answer as HTML: correct, or a point where it differs and the
    mistake, with the step of the worked solution where it happens."""
    verdict = api.check(expression, answer, wrt, order=order, style=style)
    return {"correct": verdict.correct,
            "html": markup.html(render(verdict, "markdown", solution=False))}


def graph_svg(expression: str, wrt: Optional[str], order: int, style: str) -> str:
    """The computation graph, drawn by Graphviz, as SVG."""
    solution = api.differentiate(expression, wrt, order=order, style=style, picture=True)
    if not isinstance(solution, Solution):
        raise InputError("the computation graph is drawn for a single derivative")
    return graph_figure(solution, "svg")


def plot_svg(expression: str, wrt: Optional[str], order: int, style: str) -> str:
    """f and its derivative on one set of axes, drawn by matplotlib, as SVG."""
    solution = api.differentiate(expression, wrt, order=order, style=style)
    if not isinstance(solution, Solution):
        raise InputError("a plot shows a function of one variable and its derivative")
    data = plot_data(solution)
    with tempfile.TemporaryDirectory(prefix="derive-plot-") as folder:
        path = Path(folder) / "plot.svg"
        write_plot_image(data, str(path))
        return path.read_text(encoding="utf-8")


def warm_up() -> None:
    """Load and exercise what the tasks use, so that a worker's first request is as quick
    as its others."""
    for name, args in (("view_solution", ("x^2 sin(x)", None, 1, "textbook")),
                       ("view_check", ("x^2 sin(x)", "2x cos(x)", None, 1, "textbook")),
                       ("differentiate", ("ln(sin(x^3)^2)", None, 1, "graph")),
                       ("banks", ())):
        run(name, args, None)


TASKS = {
    "differentiate": differentiate,
    "check": check,
    "problem": problem,
    "banks": banks,
    "view_solution": view_solution,
    "view_check": view_check,
    "graph_svg": graph_svg,
    "plot_svg": plot_svg,
}
