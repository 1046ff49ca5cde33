"""The command line: thin — it reads options, calls the API, prints, and maps errors to exit
codes (0 done, 1 an internal error, 2 bad input or usage, 3 a failed check, 4 a time limit).

``derive EXPR`` is short for ``derive solve EXPR``: the group falls back to ``solve`` when the
first word is not a command name.  An expression may begin with "-" (``derive "-sin(x)"``):
see ``derive.cli.arguments``.
"""

from __future__ import annotations

import os
import shutil
import sys

import click

from derive import __version__, api
from derive.cli.arguments import ExpressionCommand
from derive.errors import DeriveError, VerificationError
from derive.cli.output import format_for, too_slow, write_output
from derive.present import readback
from derive.present.json_fields import failure_reason
from derive.present.results import FORMATS as RESULT_FORMATS, check_options, render
from derive.core.engine import STYLES
from derive.core.timing import phase, time_limit
from derive.present.linebreak import TEXT_WIDTH, text_width
import derive.cli.check as check_command
import derive.cli.moodle as moodle_command
import derive.cli.serve as serve_command
import derive.cli.sheet as sheet_command
import derive.cli.tangent as tangent_command
from derive.cli.picture_options import PICTURE_OPTIONS, picture_options, render_requested

DEFAULT_TIMEOUT = 10.0
SOLVE_FORMATS = ("text", "markdown", "latex", "json", "pdf", "dot", "svg", "moodle")
LIMIT_STYLE = "limit"   # from first principles (derive.calculus.first_principles)

EXAMPLES = """
\b
Examples:
  derive "ln(sin(x^3)^2)"                 worked solution with intermediate variables
  derive "sin(x + x^2)"                   two paths from x: the total-derivative rule
  derive "x^x" --style compact            classical rule-by-rule solution
  derive "x^2 y^3" --wrt y                derivative with respect to y (x held constant)
  derive "x^2 y^3" --wrt x --wrt y        mixed partial ∂²f/∂y∂x
  derive "x^2 y" --gradient --vars x,y    gradient, entry by entry
  derive "[3x^2 y, 2x + y^2]" --jacobian  Jacobian (rows = outputs, columns = inputs)
  derive "u v" --where u=x^2 --where v="ln(x)" --wrt x   your own computation graph
  derive "e^(2x)" --order 3               third derivative, each order from the previous
  derive "ln(x)/x" --at x=1               also the value at a point
  derive "tan(x)" --format latex --standalone -o tan.tex
  echo "sqrt(1 - x^2)" | derive -         read the expression from standard input
  derive "-x^2 + 3x"                      an expression may begin with - (or: derive -- EXPR)
  derive "sin(x + x^2)" --graph --plot --format latex --standalone -o s.tex
                                          the computation graph (TikZ) and a plot of f and f′
  derive "x^2 e^(-x)" --plot --range -1,4 --plot-file plot.png   the plot as an image
  derive "sin(x + x^2)" --format dot      the computation graph for Graphviz
  derive "x^2" -o x2.pdf                  the format from the suffix: .pdf .tex .md .json .txt
  derive "x^2 sin(x)" -o q.xml            a Moodle question (STACK; --question-type multichoice
                                          or numerical)
  derive help sheet                       the help of a command
"""


class MissingCommand(click.UsageError):
    """``derive`` with no arguments at all: shown as Click shows a usage error (the usage,
    where to find help, and the error), not on one line."""


class DefaultCommandGroup(click.Group):
    """A group that runs ``solve`` when the first word is not one of its commands."""

    default_command = "solve"

    def parse_args(self, ctx, args):
        if not args:
            raise MissingCommand("Missing command.", ctx=ctx)
        if args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command] + list(args)
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXAMPLES, no_args_is_help=False)
@click.version_option(__version__, prog_name="derive")
def main():
    """Worked, checked derivatives, the way a teacher writes them.

    Give a function as you would write it on paper (x^2, 3x, sin x, e^x, sqrt(x), |x|, LaTeX
    such as \\frac{1}{x}) and derive prints every step: the intermediate variables, their
    local derivatives, the chain rule or the total-derivative rule over all paths, the
    substitution and the simplification. Every step is checked against SymPy.
    """
    click.get_current_context().with_resource(text_width(text_columns(sys.stdout.isatty())))


def text_columns(to_terminal: bool) -> int:
    """The width text output is wrapped at: ``COLUMNS`` when it is set (0: not wrapped), else
    the terminal's width when the output goes to one, else 100 (pipes and files)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():
        return int(columns)
    if to_terminal:
        return shutil.get_terminal_size((TEXT_WIDTH, 24)).columns
    return TEXT_WIDTH


@main.command(cls=ExpressionCommand, epilog=EXAMPLES)
@click.argument("expression")
@click.option("--wrt", metavar="VAR", multiple=True,
              help="Variable to differentiate by (needed when there are several); repeat it for "
              "a mixed partial, taken in the order given.")
@click.option("--gradient", is_flag=True, help="The gradient ∇f over --vars.")
@click.option("--jacobian", is_flag=True,
              help="The Jacobian of a vector function [f1, f2, …] over --vars.")
@click.option("--hessian", is_flag=True, help="The Hessian of f over --vars.")
@click.option("--vars", "variables", metavar="X,Y,…",
              help="Variables of a gradient, Jacobian or Hessian (default: all, alphabetical).")
@click.option("--where", multiple=True, metavar="NAME=EXPR",
              help="An intermediate variable of your own (repeat for several): a computation "
              "graph differentiated over all its paths.")
@click.option("--order", "-n", type=click.IntRange(1, 20), default=1, show_default=True,
              help="Order of the derivative.")
@click.option("--at", "at", metavar="VAR=VALUE[,…]", help="Also evaluate the derivative at a point.")
@click.option("--style", type=click.Choice([*STYLES, LIMIT_STYLE]),
              default="textbook", show_default=True,
              help="textbook: as a calculus textbook works it (sum, product, quotient and chain "
              "rules by name); graph: the computation graph, local derivatives and the "
              "total-derivative rule over all paths (several variables and --where always use "
              "it); compact: the classical rule-by-rule solution; limit: from first "
              "principles, f'(x) = lim h→0 (f(x + h) - f(x))/h.")
@click.option("--format", "fmt", type=click.Choice(SOLVE_FORMATS),
              help="Output format (default: from the -o suffix, else text; pdf: compiled with "
              "latexmk, needs -o; dot, svg: the computation graph alone, see --graph; moodle: "
              "a Moodle XML question, from .xml, see --question-type).")
@click.option("--standalone", is_flag=True, help="With --format latex: a complete document.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Your own templates, used before the ones that ship with derive.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write to FILE instead of standard output (written whole or not at all).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="Time limit for the whole derivation (exit code 4 when exceeded).")
@click.option("--mode", type=click.Choice(["symbolic", "forward", "reverse"]), default="symbolic",
              show_default=True, help="symbolic: the worked solution; forward or reverse: "
              "automatic differentiation, the evaluation trace with its tangent or adjoint sweep "
              "(--vars orders the inputs).")
@click.option("--seed-input", metavar="VAR",
              help="With --mode forward: the one input to seed (default: one pass per input).")
@click.option("--names", type=click.Choice(["trace", "letters"]), default=None,
              help="With --mode forward or reverse: v₋₁, v₀, v₁ … (trace, the default) or the "
              "inputs' own names and u, v, w … (letters).")
@click.option("--shape", "shapes", multiple=True, metavar="NAME=DIMS",
              help="Declare a vector (x=n) or a matrix (A=m,n), repeatable: matrix calculus by "
              "the index method.")
@click.option("--layout", type=click.Choice(["numerator", "denominator"]), default=None,
              help="With --shape: numerator layout (the default: ∂y/∂x is m×n for y in ℝᵐ, "
              "x in ℝⁿ, a row for a scalar by a vector, the shape of Xᵀ by a matrix X) or "
              "denominator layout (the transpose: a gradient arranged like x or X).")
@click.option("--question-type", "question_type",
              type=click.Choice(moodle_command.QUESTION_TYPES),
              help=moodle_command.QUESTION_TYPE_HELP)
@click.option("--method", type=click.Choice(["rules", "log"]), default="rules",
              show_default=True,
              help="rules: the differentiation rules (see --style); log: logarithmic "
              "differentiation of a product, quotient or power: ln of both sides, the laws of "
              "logarithms, both sides differentiated, multiplied back by y.")
@click.option("--dependent", metavar="NAME",
              help="With an equation (implicit differentiation): the variable that is a "
              "function of the --wrt one (default: y).")
@picture_options
def solve(expression, wrt, gradient, jacobian, hessian, variables, where, order, at, style, fmt,
          standalone, templates, output, timeout, mode="symbolic", seed_input=None, names=None,
          shapes=(), layout=None, question_type=None, method="rules", dependent=None):
    """Differentiate EXPRESSION (use - to read it from standard input; put -- before an
    expression that could be read as an option), or an equation such as "x^2 + y^2 = 25"
    implicitly."""
    fmt = format_for(fmt, output, SOLVE_FORMATS, "text")
    if expression == "-":  # read once: an equation is told from a function by its text
        expression = sys.stdin.read().strip()
    if api.is_equation(expression) or dependent:
        _implicit(expression, wrt, dependent, order, at, fmt, standalone, templates, output,
                  timeout)
        return
    if style == LIMIT_STYLE:
        _first_principles(expression, wrt, fmt, standalone, templates, output, timeout)
        return
    if method == "log":
        _log_method(expression, wrt, fmt, standalone, templates, output, timeout)
        return
    kind = moodle_command.question_type(fmt, question_type)
    if kind is not None:
        moodle_command.solve(expression, wrt, order, at, kind, templates, output, timeout)
        return
    if output:
        click.get_current_context().with_resource(text_width(text_columns(False)))
    if layout and not shapes:
        raise click.UsageError("--layout goes with --shape (matrix calculus)")
    if shapes:
        _refuse_beside(click.get_current_context(), "--shape", WITH_SHAPE)
        if len(wrt) != 1:
            raise click.UsageError("with --shape give exactly one --wrt (a vector or a matrix)"
                                   if wrt else "with --shape give the variable: --wrt NAME")
        if fmt not in RESULT_FORMATS:
            raise click.UsageError(f"--format {fmt} does not go with --shape "
                                   f"({', '.join(RESULT_FORMATS)})")
        check_options(fmt, standalone)
        with time_limit(timeout, lambda: too_slow(timeout)):
            solution = api.matrix(sys.stdin.read().strip() if expression == "-" else expression,
                                  wrt[0], shapes, layout=layout or "numerator")
            text = render(solution, fmt, standalone=standalone, templates=templates)
        write_output(text, output)
        if not solution.verified:
            raise VerificationError("a matrix derivative disagrees with its entries computed one "
                                    "by one; this is a bug in derive, please report it with the "
                                    "input")
        return
    if mode != "symbolic" or seed_input or names:
        flags = (("--wrt", wrt), ("--gradient", gradient), ("--jacobian", jacobian),
                 ("--hessian", hessian), ("--where", where), ("--order", order != 1),
                 ("--style", style != "textbook"), ("--standalone", standalone and fmt != "latex"))
        _trace(expression, mode, at, seed_input, names, variables, fmt, standalone, templates,
               output, timeout, [flag for flag, given in flags if given])
        return
    kinds = [k for k, asked in (("gradient", gradient), ("jacobian", jacobian),
                                ("hessian", hessian)) if asked]
    if len(kinds) > 1:
        raise click.UsageError(f"--{' and --'.join(kinds)} do not go together: choose one")
    kind = kinds[0] if kinds else None
    with time_limit(timeout, lambda: too_slow(timeout)):
        _solve(expression, wrt, kind, variables, where, order, at, style, fmt, standalone,
               templates, output)


@main.command("help")
@click.argument("command", required=False)
@click.pass_context
def help_command(ctx, command):
    """Show this help, or the help of COMMAND (derive help sheet)."""
    group = ctx.parent
    if command is None:
        click.echo(group.get_help())
        return
    chosen = main.get_command(group, command)
    if chosen is None:
        raise click.UsageError(f"no command {command!r}: the commands are "
                               f"{', '.join(main.list_commands(group))}")
    with click.Context(chosen, info_name=command, parent=group) as context:
        click.echo(chosen.get_help(context))


# the options of `solve` that matrix calculus uses; any other one given beside --shape is refused
WITH_SHAPE = ("expression", "wrt", "fmt", "standalone", "templates", "output", "timeout", "shapes",
              "layout")


# the options of `solve` that logarithmic differentiation uses
WITH_LOG = ("expression", "wrt", "fmt", "standalone", "templates", "output", "timeout", "method")


def _refuse_beside(ctx, option: str, used) -> None:
    """``option`` (--shape, --method log) with an option it does not use (--order, --at,
    --gradient, …): one line, exit 2, rather than the option silently dropped."""
    from click.core import ParameterSource
    for param in ctx.command.params:
        if param.name in used or ctx.get_parameter_source(param.name) in (
                None, ParameterSource.DEFAULT):
            continue
        flag = max(param.opts, key=len)
        raise click.UsageError(f"{flag} does not go with {option}")


def _log_method(expression, wrt, fmt, standalone, templates, output, timeout):
    """--method log: the derivative by logarithmic differentiation."""
    _one_variable_method("--method log", WITH_LOG, api.log_differentiation,
                         expression, wrt, fmt, standalone, templates, output, timeout)


def _one_variable_method(option, used, work, expression, wrt, fmt, standalone,
                         templates, output, timeout, what="a step"):
    """A derivative by one variable worked by a method of its own (``option``: --method log,
    --style limit), which takes the options ``used`` alone: ``work(expression, wrt)`` gives
    a checked record, laid out by ``render`` (text, markdown, latex, json; pdf compiled from
    latex)."""
    _refuse_beside(click.get_current_context(), option, used)
    if fmt not in RESULT_FORMATS + ("pdf",):
        raise click.UsageError(f"--format {fmt} does not go with {option}: choose one of "
                               f"{', '.join(RESULT_FORMATS)} or pdf")
    if fmt == "pdf" and not output:
        raise click.UsageError("--format pdf writes a file: give it with -o FILE.pdf")
    if len(wrt) > 1:
        raise click.UsageError(f"{option} differentiates by one variable: give one --wrt")
    check_options("latex" if fmt == "pdf" else fmt, standalone)
    with time_limit(timeout, lambda: too_slow(timeout)):
        worked = work(sys.stdin.read().strip() if expression == "-" else expression,
                      wrt[0] if wrt else None)
        with phase("rendering"):
            text = render(worked, "latex" if fmt == "pdf" else fmt,
                          standalone=standalone or fmt == "pdf", templates=templates)
    if fmt == "pdf":
        from derive.present.pdf import compile_pdf  # deferred: not needed at start-up
        with phase("compiling the PDF"):
            compile_pdf(text, output)
    else:
        write_output(text, output)
    if not worked.verified:
        raise _check_failed(what, worked.failed_checks[0])


# the options of `solve` that implicit differentiation uses
WITH_IMPLICIT = ("expression", "wrt", "dependent", "order", "at", "fmt", "standalone",
                 "templates", "output", "timeout")


def _implicit(expression, wrt, dependent, order, at, fmt, standalone, templates, output,
              timeout):
    """An equation: dy/dx by implicit differentiation (d²y/dx² with --order 2)."""
    if order > 2:
        raise click.UsageError("implicit differentiation gives --order 1 or 2")

    def work(equation, x):
        return api.implicit(equation, x, dependent=dependent, order=order, at=at)

    _one_variable_method("an equation", WITH_IMPLICIT, work, expression, wrt, fmt, standalone,
                         templates, output, timeout, what="a line")


# the options of `solve` that a derivative from first principles uses
WITH_LIMIT = ("expression", "wrt", "style", "fmt", "standalone", "templates", "output",
              "timeout")


def _first_principles(expression, wrt, fmt, standalone, templates, output, timeout):
    """--style limit: the derivative from first principles."""
    _one_variable_method("--style limit", WITH_LIMIT, api.first_principles,
                         expression, wrt, fmt, standalone, templates, output, timeout,
                         what="a line")


def _trace(expression, mode, at, seed_input, names, variables, fmt, standalone, templates,
           output, timeout, clashing):
    """--mode forward/reverse: the evaluation trace instead of the worked solution."""
    if mode == "symbolic":
        raise click.UsageError("--seed-input and --names go with --mode forward or reverse")
    clashing += [f"--{name.replace('_', '-')}" for name, value in
                 click.get_current_context().meta.get(PICTURE_OPTIONS, {}).items() if value]
    if clashing:
        raise click.UsageError(f"{clashing[0]} does not go with --mode {mode}")
    if fmt not in RESULT_FORMATS:
        raise click.UsageError(f"--format {fmt} does not go with --mode {mode}: choose one of "
                               f"{', '.join(RESULT_FORMATS)}")
    with time_limit(timeout, lambda: too_slow(timeout)):
        trace = api.trace(sys.stdin.read().strip() if expression == "-" else expression, mode,
                          at=at, seed=seed_input, names=names or "trace", variables=variables)
        with phase("rendering"):
            text = render(trace, fmt, standalone=standalone, templates=templates)
    write_output(text, output)
    if not trace.verified:
        raise _check_failed("a line of the trace", trace.failed_checks[0])


def _solve(expression, wrt, kind, variables, where, order, at, style, fmt, standalone,
           templates, output):
    if expression == "-":
        expression = sys.stdin.read().strip()
    check_options("latex" if fmt == "pdf" else fmt, standalone, SOLVE_FORMATS)
    if fmt == "pdf" and not output:
        raise click.UsageError("--format pdf writes a file: give it with -o FILE.pdf")
    if kind and wrt:
        raise click.UsageError(f"--{kind} takes its variables from --vars, not --wrt")
    if variables and not kind:
        raise click.UsageError("--vars goes with --gradient, --jacobian or --hessian; "
                               "use --wrt for a single derivative")
    if kind and order != 1:
        raise click.UsageError(f"--order does not go with --{kind}")
    if kind:
        solution = getattr(api, kind)(expression, variables, at=at, where=where, style=style)
    else:
        drawn = fmt in ("dot", "svg") or click.get_current_context().meta.get(
            PICTURE_OPTIONS, {}).get("graph", False)
        solution = api.differentiate(expression, list(wrt) if len(wrt) > 1 else
                                     (wrt[0] if wrt else None), order=order, style=style,
                                     at=at, where=where, picture=drawn)
    with phase("rendering"):
        out = render_requested(solution, "latex" if fmt == "pdf" else fmt,
                               standalone=standalone or fmt == "pdf", templates=templates,
                               output=output)
    if fmt == "pdf":
        from derive.present.pdf import compile_pdf  # deferred: not needed at start-up
        with phase("compiling the PDF"):
            compile_pdf(out, output)
    else:
        write_output(out, output)
    if not solution.verified:
        raise _check_failed("a step", solution.failed_checks[0])


def _check_failed(what: str, check) -> VerificationError:
    """The error of a failed check: what failed, and the check's reason, on one line."""
    return VerificationError(f"{what} failed its check ({failure_reason(check)}); this is a "
                             "bug in derive, please report it with the input")


def _error(message: str, code: int, detail: str = "") -> int:
    click.echo(f"derive: error: {message}", err=True)
    if detail:
        click.echo(detail, err=True)
    return code


def run(args=None) -> int:
    """Run the command line and return its exit code; no traceback reaches the user."""
    try:
        with readback.checking(True):  # every formula printed is read back (exit 3 if false)
            code = main.main(args=args, prog_name="derive", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.Exit as done:
        return done.exit_code
    except MissingCommand as problem:  # the usage, as Click shows it
        problem.show()
        return problem.exit_code
    except click.ClickException as problem:  # one line, like every other error
        return _error(problem.format_message().replace("\n", " "), problem.exit_code)
    except click.Abort:
        return _error("interrupted", 130)
    except DeriveError as problem:  # every derive error carries its exit code
        return _error(str(problem), problem.exit_code, problem.details())
    except RecursionError:
        return _error("the expression is nested too deeply to work", 2)
    except OSError as problem:
        where = f"{problem.filename}: " if problem.filename else ""
        return _error(f"cannot write the output: {where}{problem.strerror or problem}", 2)
    except KeyboardInterrupt:
        return _error("interrupted", 130)
    except Exception as problem:  # a bug: one line, not a traceback
        return _error(f"internal error ({type(problem).__name__}: {problem}); "
                      "please report it with the input", 1)


def entry_point() -> None:
    """The console command: run, flush what was written, and leave without tearing the
    interpreter down — freeing SymPy's objects one by one at exit costs about as long as
    the whole worked solution.  Every file, pool and temporary folder is closed by then."""
    code = run()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. the reader went away (`derive … | head -1`): nothing to say
        code = code or 1
    os._exit(code)


main.add_command(check_command.check)
main.add_command(sheet_command.sheet)
main.add_command(sheet_command.problems)
main.add_command(serve_command.serve)
main.add_command(tangent_command.tangent)
