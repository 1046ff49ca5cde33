"""``derive tangent CURVE --at POINT``: the tangent and normal lines to the graph of a
function (``"x^3 - 2x" --at x=1``) or to a curve given by an equation
(``"x^2 + y^2 = 25" --at x=3,y=4``)."""

from __future__ import annotations

import sys

import click

import derive.api as api
from derive.cli.arguments import ExpressionCommand
from derive.cli.output import format_for, too_slow, write_output
from derive.core.timing import phase, time_limit
from derive.errors import VerificationError
from derive.present.json_fields import failure_reason
from derive.present.results import FORMATS, check_options, render

EXAMPLES = """
\b
Examples:
  derive tangent "x^3 - 2x" --at x=1              tangent y = x - 2, normal y = -x
  derive tangent "(x+1)/(x-2)" --at x=3           a rational function at a point
  derive tangent "x^(1/3)" --at x=0               a vertical tangent
  derive tangent "x^2 + y^2 = 25" --at x=3,y=4    a curve: dy/dx by implicit differentiation
  derive tangent "x^3 - 2x" --at x=1 --format json
  derive tangent "x^3 - 2x" --at x=1 --plot --format latex --standalone -o t.tex
  derive tangent "x^2 + y^2 = 25" --at x=3,y=4 --plot --format latex --standalone
"""


@click.command("tangent", cls=ExpressionCommand, epilog=EXAMPLES)
@click.argument("curve")
@click.option("--at", "at", required=True, metavar="VAR=VALUE[,…]",
              help="The point: x=a on the graph of a function, x=a,y=b on a curve given by "
              "an equation.")
@click.option("--wrt", metavar="VAR", help="The variable of the function (needed when there "
              "are several).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (default: from the -o suffix, else text).")
@click.option("--standalone", is_flag=True, help="With --format latex: a complete document.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Your own templates, used before the ones that ship with derive.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write to FILE instead of standard output.")
@click.option("--plot", is_flag=True,
              help="With --format latex: also draw the graph of the function, or the curve of "
              "the equation, with the tangent and the normal (pgfplots).")
@click.option("--range", "plot_range", metavar="A,B",
              help="The x range of --plot (default: 2 either side of the point; for a curve, "
              "the whole curve when it is bounded, else 3 either side, with y on the same "
              "scale).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              metavar="SECONDS", help="Time limit (exit code 4 when exceeded).")
def tangent(curve, at, wrt, fmt, standalone, templates, output, plot, plot_range, timeout):
    """The tangent and normal lines to CURVE at a point: the point, the slope (the derivative
    worked and checked), the point-slope and slope-intercept forms; horizontal and vertical
    tangents said as such.  Use - to read CURVE from standard input."""
    fmt = format_for(fmt, output, FORMATS, "text")
    if output and output.lower().endswith(".pdf"):
        raise click.UsageError("derive tangent writes text, markdown, latex or json: for a "
                               "PDF write --format latex --standalone and compile it")
    check_options(fmt, standalone)
    if plot and fmt == "json":
        raise click.UsageError("--plot goes with --format latex")
    with time_limit(timeout, lambda: too_slow(timeout)):
        lines = api.tangent(sys.stdin.read().strip() if curve == "-" else curve, at, wrt)
        with phase("rendering"):
            text = render(lines, fmt, standalone=standalone, templates=templates, plot=plot,
                          plot_range=plot_range)
    write_output(text, output)
    if not lines.verified:
        reason = failure_reason(lines.failed_checks[0])
        raise VerificationError(f"a line failed its check ({reason}); this is a bug in derive, "
                                "please report it with the input")
