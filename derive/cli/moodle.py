"""``--format moodle`` for ``derive EXPR`` and ``derive sheet``: a Moodle XML file of STACK,
multiple-choice or numerical questions (``derive.api.moodle_question``,
``derive.api.moodle_sheet``, laid out by ``derive.present.moodle``).  Thin: it refuses the
options a Moodle question does not use, then calls the API and writes the file."""

from __future__ import annotations

import sys

import click
from click.core import ParameterSource

import derive.api as api
from derive.cli.output import too_slow, write_output
from derive.core.timing import phase, time_limit

# the question types of derive.checking.moodle.QUESTION_TYPES (a test keeps them the same;
# the command line does not import the checking code at start-up)
QUESTION_TYPES = ("stack", "multichoice", "numerical")
DEFAULT_TYPE = "stack"

QUESTION_TYPE_HELP = ("With --format moodle: stack (the student types f' - or dy/dx of a "
                      "curve, a tangent line's y = ...; STACK names the mistake an answer "
                      "comes from; needs the STACK plugin), multichoice (the answer and three "
                      "common mistakes; not for tangent lines) or numerical (f' at a point, "
                      "see --at; a curve's slope at its point). Default: stack.")

# the options of `derive EXPR` a Moodle question uses; any other one given is refused
SOLVE_OPTIONS = ("expression", "wrt", "order", "at", "fmt", "templates", "output", "timeout",
                 "question_type")
# the options of `derive sheet` a Moodle quiz uses
SHEET_OPTIONS = ("banks", "count", "difficulty", "topics", "seed", "variants", "fmt", "output",
                 "title", "course", "templates", "jobs", "question_type", "at")


def question_type(fmt: str, chosen) -> str | None:
    """The question type of a Moodle file (default stack); None for any other format, where
    ``--question-type`` and ``--at`` on a sheet are usage errors."""
    if fmt == "moodle":
        return chosen or DEFAULT_TYPE
    if chosen:
        raise click.UsageError("--question-type goes with --format moodle")
    return None


def refuse_others(allowed, what: str = "--format moodle") -> None:
    """An option given that a Moodle file does not use: one line, exit 2, rather than the
    option silently dropped."""
    ctx = click.get_current_context()
    for param in ctx.command.params:
        if param.name in allowed or ctx.get_parameter_source(param.name) in (
                None, ParameterSource.DEFAULT):
            continue
        flag = max(param.opts, key=len)
        hint = (": use --question-type multichoice" if param.name == "multiple_choice"
                else "")
        raise click.UsageError(f"{flag} does not go with {what}{hint}")


def _check_point(kind: str, at) -> None:
    if at is not None and kind != "numerical":
        raise click.UsageError("--at goes with --question-type numerical (the value of f' "
                               "at the point)")


def solve(expression, wrt, order, at, kind, templates, output, timeout) -> None:
    """``derive EXPR --format moodle``: a file of one question."""
    from derive.present.moodle import render_quiz  # deferred: heavy import at start-up

    refuse_others(SOLVE_OPTIONS)
    _check_point(kind, at)
    if expression == "-":
        expression = sys.stdin.read().strip()
    with time_limit(timeout, lambda: too_slow(timeout)):
        quiz = api.moodle_question(expression, kind, order=order, at=at,
                                   wrt=list(wrt) if len(wrt) > 1 else (wrt[0] if wrt else None))
        with phase("rendering"):
            text = render_quiz(quiz, templates)
    write_output(text, output)


def check_sheet_options(kind: str, at) -> None:
    """``derive sheet --format moodle``: refuse the options a quiz does not use, before any
    other check of the sheet's options."""
    refuse_others(SHEET_OPTIONS)
    _check_point(kind, at)


def sheet(banks, kind, at, templates, output, progress, **options) -> str:
    """``derive sheet --format moodle`` (its options checked by ``check_sheet_options``): a
    file of questions drawn as a sheet is drawn; the line that says what was written."""
    from derive.present.moodle import render_quiz  # deferred: heavy import at start-up

    quiz = api.moodle_sheet(banks, kind, at=at, progress=progress, **options)
    write_output(render_quiz(quiz, templates), output)
    count = sum(len(c.questions) for c in quiz.categories)
    categories = len(quiz.categories)
    return (f"quiz: {count} {kind} question{'s' if count != 1 else ''} in {categories} "
            f"categor{'ies' if categories != 1 else 'y'}, seed {options['seed']} -> "
            f"{output or 'standard output'}")
