"""The commands ``derive sheet`` (a randomized problem sheet with its key) and
``derive problems`` (the banks, their topics and counts).  Thin: they read options, call
``derive.api.make_sheet``, ``derive.present.sheets`` and ``derive.present.pdf``, and write
files."""

from __future__ import annotations

import secrets
import sys
from collections import Counter
from pathlib import Path

import click

import derive.api as api
import derive.cli.moodle as moodle
from derive.cli.output import format_for, write_output
from derive.core.engine import STYLES
from derive.sheets.limits import MAX_COUNT, MAX_VARIANTS

SHEET_FORMATS = ("latex", "markdown", "pdf", "moodle")

SHEET_EXAMPLES = """
\b
Examples:
  derive sheet chain-rule product-rule --count 12 --difficulty 2 --seed 7 -o week3.pdf
  derive sheet --count 20 --answers --solutions --title "Calculus I - Week 3" -o week3.tex
  derive sheet chain-rule --variants 3 --solutions --separate -o quiz.pdf
  derive sheet machine-learning --topic sigmoid --topic softplus --format markdown
  derive sheet my-bank.toml --count 5                 a bank file of your own
  derive sheet chain-rule --count 8 --multiple-choice -o quiz.pdf
  derive sheet chain-rule --count 4 --solutions --graph --plot -o worked.pdf
  derive sheet chain-rule --count 10 --variants 3 -o quiz.xml   Moodle XML: STACK questions
  derive sheet power-rule --count 5 --question-type numerical --at x=2 -o values.xml
"""


@click.command("sheet", epilog=SHEET_EXAMPLES)
@click.argument("banks", nargs=-1, metavar="[BANK|FILE.toml]...")
@click.option("--count", "-n", type=click.IntRange(1, MAX_COUNT), default=10, show_default=True,
              help="Number of problems on the sheet (shared evenly among the banks).")
@click.option("--difficulty", "-d", metavar="D|LOW-HIGH",
              help="Only problems of this difficulty (1, 2 or 3) or range (1-2).")
@click.option("--topic", "topics", multiple=True, metavar="TAG",
              help="Only problems with this tag (repeat for several); `derive problems` lists "
              "them.")
@click.option("--seed", type=click.IntRange(0), metavar="N",
              help="Seed of the random draw: the same seed gives the same sheet, byte for "
              "byte (default: a new one, shown at the end).")
@click.option("--variants", "-k", type=click.IntRange(1, MAX_VARIANTS), default=1,
              show_default=True,
              help="Versions of the sheet: the same problems with other numbers, each with "
              "its own key.")
@click.option("--answers", is_flag=True, help="Add a compact answer key.")
@click.option("--solutions", is_flag=True, help="Add the worked solutions.")
@click.option("--separate", is_flag=True,
              help="Put the answers and solutions in a file of their own, PATH-key.EXT "
              "(needs -o).")
@click.option("--format", "fmt", type=click.Choice(SHEET_FORMATS),
              help="Output format (default: from the -o suffix, else latex; moodle: a Moodle "
              "XML quiz, from .xml).")
@click.option("--question-type", "question_type", type=click.Choice(moodle.QUESTION_TYPES),
              help=moodle.QUESTION_TYPE_HELP)
@click.option("--at", "at", metavar="VAR=VALUE[,…]",
              help="With --question-type numerical: the point of every question, a problem "
              "undefined there drawn again (default: the problem's own point, else the first "
              "of x = 1, 2, 1/2, -1, 3, … where f' has a value).")
@click.option("-o", "--output", metavar="PATH", help="Write to PATH (a PDF needs one).")
@click.option("--title", default="Derivatives", show_default=True, help="Title of the sheet.")
@click.option("--course", default="", help="Course name, shown in the heading and header.")
@click.option("--author", default="", help="Teacher's name, shown under the title.")
@click.option("--date", "date", default="", help="Date, shown under the title.")
@click.option("--instructions", default="", help="A line of instructions above the problems.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False),
              help="Your own templates directory (latex/sheet-document.j2 restyles the page).")
@click.option("--multiple-choice", "multiple_choice", is_flag=True,
              help="Four options (a)-(d) per problem: the answer and three common mistakes; "
              "adds the key of letters (implies --answers).")
@click.option("--graph", is_flag=True,
              help="Draw the computation graph in the worked solutions (TikZ in latex, "
              "Mermaid in markdown), for derivatives of one variable.")
@click.option("--plot", is_flag=True,
              help="Plot f and its derivative in the worked solutions (pgfplots: latex or "
              "pdf), for derivatives of one variable.")
@click.option("--style", type=click.Choice(list(STYLES)), default=None,
              help="How the worked solutions (and the answers of --multiple-choice) are "
              "worked: textbook (the default), graph or compact; problems of several "
              "variables are always worked as computation graphs.")
@click.option("--jobs", "-j", type=click.IntRange(1), metavar="N",
              help="Processes that work the problems (default: one per processor, one for a "
              "small sheet); the sheet is the same whatever N.")
def sheet(banks, count, difficulty, topics, seed, variants, answers, solutions, separate, fmt,
          question_type, at, output, title, course, author, date, instructions, templates,
          multiple_choice, graph, plot, style, jobs):
    """A randomized problem sheet with worked, checked solutions.

    BANK is the name of a problem bank (see `derive problems`) or the path of your own bank
    file; with none, problems come from every bank. Every answer is checked against SymPy
    before it is written.
    """
    from derive.sheets.banks import load_banks  # deferred: heavy import at start-up
    from derive.sheets.sheet import difficulty_range  # deferred: heavy import at start-up

    fmt = format_for(fmt, output, SHEET_FORMATS, "latex")
    kind = moodle.question_type(fmt, question_type)
    if kind is not None:
        moodle.check_sheet_options(kind, at)
    elif at is not None:
        raise click.UsageError("--at goes with --format moodle --question-type numerical")
    answers = answers or multiple_choice
    if (graph or plot) and not solutions:
        raise click.UsageError("--graph and --plot draw in the worked solutions: add --solutions")
    if plot and fmt == "markdown":
        raise click.UsageError("--plot draws pgfplots pictures: use --format latex or pdf")
    if separate and not output:
        raise click.UsageError("--separate writes a second file: give -o PATH")
    if separate and not (answers or solutions):
        raise click.UsageError("--separate goes with --answers or --solutions")
    if fmt == "pdf" and not output:
        raise click.UsageError("--format pdf writes a file: give -o PATH")
    if fmt == "pdf":
        from derive.present.pdf import PdfError, tex_tools  # deferred: not needed at start-up
        missing = tex_tools()
        if missing:
            raise PdfError(missing)
    chosen = load_banks(banks)
    levels = difficulty_range(difficulty)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    if kind is not None:
        with _Progress(count * variants) as progress:
            said = moodle.sheet(chosen, kind, at, templates, output, progress.advance,
                                count=count, difficulty=levels, topics=topics, seed=seed,
                                variants=variants, title=title, course=course, jobs=jobs)
        click.echo(said, err=True)
        return
    with _Progress(count * variants) as progress:
        made = api.make_sheet(chosen, count=count, difficulty=levels, topics=topics, seed=seed,
                              variants=variants, title=title, course=course,
                              author=author, date=date, instructions=instructions,
                              multiple_choice=multiple_choice, graph=graph, plot=plot,
                              jobs=jobs, progress=progress.advance,
                              style=style or "textbook")
    key_parts = tuple(p for p, wanted in (("answers", answers), ("solutions", solutions))
                      if wanted)
    documents = [(output, ("problems",) + (() if separate else key_parts))]
    if separate:
        documents.append((_key_path(output), key_parts))
    written = [_write(made, fmt, path, parts, templates) for path, parts in documents]
    click.echo(_summary(made, seed, key_parts, written), err=True)


def _key_path(output: str) -> str:
    path = Path(output)
    return str(path.with_name(f"{path.stem}-key{path.suffix}"))


def _write(made, fmt, path, parts, templates):
    """Render one document and write it; (path, pages or None)."""
    from derive.present.sheets import render_sheet  # deferred: heavy import at start-up

    text = render_sheet(made, "markdown" if fmt == "markdown" else "latex", parts=parts,
                        templates=templates)
    if fmt != "pdf":
        write_output(text, path)
        return path, None
    from derive.present.pdf import compile_pdf  # deferred: not needed at start-up
    with _Status(f"compiling {path}"):
        compiled = compile_pdf(text, path)
    return path, compiled.pages


def _summary(made, seed, key_parts, written) -> str:
    problems = f"{made.count} problem{'s' if made.count != 1 else ''}"
    variants = len(made.variants)
    versions = (f" in {variants} versions ({made.variants[0].label}-{made.variants[-1].label})"
                if variants > 1 else "")
    extra = f", with {' and '.join(key_parts)}" if key_parts else ""
    files = []
    for path, pages in written:
        where = path if path else "standard output"
        files.append(f"{where}" + (f" ({pages} page{'s' if pages != 1 else ''})"
                                   if pages is not None else ""))
    return f"sheet: {problems}{versions}{extra}, seed {seed} -> {', '.join(files)}"


class _Progress:
    """A progress bar on standard error when it is a terminal; nothing otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=self.total, label="drawing and working problems",
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        return self

    def advance(self, problem) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


class _Status:
    """One line on standard error while a slow step runs, when it is a terminal."""

    def __init__(self, message: str):
        self.message = message
        self.shown = sys.stderr.isatty()

    def __enter__(self):
        if self.shown:
            click.echo(f"{self.message} ...", err=True, nl=False)
        return self

    def __exit__(self, *exc):
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)
        return False


# ------------------------------------------------------------------------------------------
@click.command("problems")
@click.argument("banks", nargs=-1, metavar="[BANK|FILE.toml]...")
def problems(banks):
    """The problem banks, their topics and how many templates each has.

    With BANK (a name or the path of your own file), the templates of that bank: id, kind,
    difficulty, tags and the template itself. Every bank listed is checked.
    """
    from derive.sheets.banks import load_banks  # deferred: heavy import at start-up

    chosen = load_banks(banks)
    if banks:
        click.echo("\n\n".join(_bank_detail(b) for b in chosen))
    else:
        click.echo(_overview(chosen))


def _overview(banks) -> str:
    width = max([len("bank")] + [len(b.name) for b in banks])
    lines = [f"{'bank':<{width}}  templates  difficulty 1/2/3  title"]
    for bank in banks:
        levels = Counter(t.difficulty for t in bank.templates)
        spread = "/".join(str(levels[d]) for d in (1, 2, 3))
        lines.append(f"{bank.name:<{width}}  {len(bank.templates):>9}  {spread:<15}  {bank.title}")
    total = sum(len(b.templates) for b in banks)
    tags = Counter(tag for b in banks for t in b.templates for tag in t.tags)
    ranked = sorted(tags.items(), key=lambda item: (-item[1], item[0]))
    topics = ", ".join(f"{tag} ({n})" for tag, n in ranked)
    lines += ["", f"{total} templates in {len(banks)} banks.", "",
              "Topics (--topic TAG), with the number of templates:", *_wrap(topics, 88), "",
              "`derive problems BANK` lists a bank's templates; "
              "`derive sheet BANK ...` draws a sheet."]
    return "\n".join(lines)


def _bank_detail(bank) -> str:
    lines = [f"{bank.name}: {bank.title} ({len(bank.templates)} templates, {bank.path})"]
    if bank.description:
        lines.append(f"  {bank.description}")
    width = max(len(t.id) for t in bank.templates)
    kinds = max(len(t.kind) for t in bank.templates)
    for t in bank.templates:
        extra = []
        if t.order != 1:
            extra.append(f"order {t.order}")
        if t.wrt:
            extra.append("wrt " + ",".join(t.wrt))
        if t.variables:
            extra.append("vars " + ",".join(t.variables))
        if t.where:
            extra.append("where " + "; ".join(t.where))
        if t.at:
            extra.append(f"at {t.at}")
        if t.dependent:
            extra.append(f"dependent {t.dependent}")
        if t.method != "rules":
            extra.append(f"method {t.method}")
        shown = t.expression + (f"  [{'; '.join(extra)}]" if extra else "")
        lines.append(f"  {t.id:<{width}}  {t.kind:<{kinds}}  d{t.difficulty}  "
                     f"{','.join(t.tags):<28}  {shown}")
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap
    return textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="  ",
                         break_on_hyphens=False) or ["  (none)"]
