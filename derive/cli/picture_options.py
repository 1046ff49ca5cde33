"""The command-line options of the pictures, kept apart from the drawing code so that the
command line does not load it unless a picture is asked for."""

from __future__ import annotations

from typing import Optional

import click

PICTURE_OPTIONS = "derive.present.pictures"


def picture_options(command):
    """The command-line options of the pictures (--graph, --plot, --range, --plot-file); their
    values are kept for ``render_requested`` rather than passed to the command."""
    options = [
        click.option("--graph", is_flag=True, expose_value=False, callback=_keep,
                     help="Also draw the computation graph: TikZ in latex, Mermaid in "
                     "markdown (--format dot or svg: the graph alone)."),
        click.option("--plot", is_flag=True, expose_value=False, callback=_keep,
                     help="Also plot f and its derivative: pgfplots in latex; in markdown a "
                     "PNG beside the -o file; in text, give --plot-file."),
        click.option("--range", "plot_range", metavar="A,B", expose_value=False,
                     callback=_keep, help="The x range of --plot, such as -2,3 or -pi,pi "
                     "(default: chosen from the function)."),
        click.option("--plot-file", metavar="FILE.png|FILE.svg", expose_value=False,
                     callback=_keep, type=click.Path(dir_okay=False),
                     help="Write the plot as an image (needs matplotlib: "
                     "pip install derive[plot])."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _keep(ctx, param, value):
    ctx.meta.setdefault(PICTURE_OPTIONS, {})[param.name] = value
    return value


def render_requested(solution, fmt: str, *, standalone: bool = False,
                     templates: Optional[str] = None, output: Optional[str] = None) -> str:
    """What ``derive solve`` prints: the solution, with the pictures its options ask for."""
    context = click.get_current_context(silent=True)
    asked = dict(context.meta.get(PICTURE_OPTIONS, {})) if context is not None else {}
    if not any(asked.values()) and fmt not in ("dot", "svg"):
        return solution.render(fmt, standalone=standalone, templates=templates)
    from derive.present.pictures import render_with_pictures  # deferred: heavy import at start-up
    return render_with_pictures(solution, fmt, standalone=standalone, templates=templates,
                                output=output, **asked)
