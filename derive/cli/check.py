"""``derive check EXPR --answer ANSWER``: is the answer the derivative, and if not, which
mistake gives it.  Exit 0 correct, 1 incorrect, 2 bad input (the CLI's usual mapping)."""

from __future__ import annotations

import sys

import click

import derive.api as api
from derive.cli.arguments import ExpressionCommand
from derive.cli.output import too_slow, write_output
from derive.core.engine import STYLES
from derive.core.timing import time_limit
from derive.errors import RenderError
from derive.present.results import check_options, render

EXAMPLES = """
\b
Examples:
  derive check "ln(sin(x^3)^2)" --answer "6x^2 cot(x^3)"       correct (exit 0)
  derive check "ln(sin(x^3)^2)" --answer "2 cot(x^3)"          incorrect (exit 1): which mistake
  derive check "x^2 sin x" --answer "2x cos x"
  derive check "x^2 y" --wrt x --answer "2xy + x^2"            partial derivative
  derive check "e^(2x)" --order 2 --answer "4e^(2x)"
  derive check "sin(x)/x" --answer "(x cos x - sin x)/x^2" --format json
  derive check "x^2 + y^2 = 25" --answer "-x/y"               dy/dx on a curve
  derive check "x^2 + z^2 = 25" --dependent z --answer "-x/z"  z a function of x
  derive check "x^2 y" --gradient --answer "[2xy, x^2]"        each entry judged
  derive check "[x y, x + y^2]" --jacobian --answer "[[y, x], [1, 2y]]"
"""


@click.command("check", cls=ExpressionCommand, epilog=EXAMPLES)
@click.argument("expression")
@click.option("--answer", "-a", required=True, metavar="ANSWER",
              help="The answer to check, written like the expression.")
@click.option("--wrt", metavar="VAR", multiple=True,
              help="Variable to differentiate by (needed when there are several; the others "
              "are held constant); repeat it for a mixed partial, taken in the order given.")
@click.option("--order", "-n", type=click.IntRange(1, 20), default=1, show_default=True,
              help="Order of the derivative.")
@click.option("--dependent", metavar="NAME",
              help="With an equation (implicit differentiation): the variable that is a "
              "function of the --wrt one (default: y).")
@click.option("--gradient", "kind", flag_value="gradient",
              help="The answer is the gradient, [∂f/∂x, ∂f/∂y, ...]: each entry is judged.")
@click.option("--jacobian", "kind", flag_value="jacobian",
              help="EXPRESSION is a vector [f1, f2, ...] and the answer its Jacobian, a row "
              "per function: [[∂f1/∂x, ∂f1/∂y], [∂f2/∂x, ∂f2/∂y]].")
@click.option("--vars", "variables", metavar="X,Y,...",
              help="With --gradient or --jacobian: the variables, in order (default: "
              "alphabetical).")
@click.option("--style", type=click.Choice(list(STYLES)), default="textbook",
              show_default=True,
              help="The worked solution whose lines a diagnosis names: textbook (as a "
              "calculus textbook works it; one variable), graph (the computation graph) or "
              "compact (rule by rule).")
@click.option("--solution/--no-solution", "show_solution", default=None,
              help="Show the worked solution after the verdict (default: when the answer is "
              "wrong, so that the step a diagnosis names can be read).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "latex", "json"]),
              default="text", show_default=True, help="Output format.")
@click.option("--standalone", is_flag=True, help="With --format latex: a complete document.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Your own templates, used before the ones that ship with derive.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              metavar="SECONDS", help="Time limit for the whole check (exit code 4 when "
              "exceeded).")
def check(expression, answer, wrt, order, dependent, kind, variables, style, show_solution,
          fmt, standalone, templates, timeout):
    """Check an answer: is ANSWER the derivative of EXPRESSION, and which mistake gives it.

    Exit status 0 when it is right, 1 when it is wrong; use - to read EXPRESSION from
    standard input."""
    if expression == "-":
        expression = sys.stdin.read().strip()
    try:
        check_options(fmt, standalone)
    except RenderError as error:
        raise click.UsageError(str(error)) from None
    if len(wrt) > 1 and order != 1:
        raise click.UsageError("give either several --wrt (a mixed partial) or --order, not both")
    if kind and (wrt or order != 1):
        raise click.UsageError(f"--{kind} takes its variables from --vars, not --wrt or --order")
    if variables and not kind:
        raise click.UsageError("--vars goes with --gradient or --jacobian; use --wrt for one "
                               "derivative")
    if dependent is not None:
        if kind:
            raise click.UsageError(f"--{kind} does not go with --dependent")
        if not api.is_equation(expression):
            raise click.UsageError("--dependent goes with an equation such as "
                                   "\"x^2 + y^2 = 25\" (implicit differentiation)")
    with time_limit(timeout, lambda: too_slow(timeout)):
        if kind:
            result = api.check_array(kind, expression, answer, variables, style=style)
        elif dependent is not None:
            result = api.check_implicit(expression, answer, list(wrt) if len(wrt) > 1 else
                                        (wrt[0] if wrt else None), dependent=dependent,
                                        order=order)
        else:
            result = api.check(expression, answer, list(wrt) if len(wrt) > 1 else
                               (wrt[0] if wrt else None), order=order, style=style)
        text = render(result, fmt, solution=show_solution, standalone=standalone,
                      templates=templates)
    write_output(text, None)
    if not result.correct:
        click.get_current_context().exit(1)  # the verdict above says why
