"""The pictures of a solution in each output format, and the files they are written to.

``graph_figure(solution, fmt)``  the computation graph: TikZ (latex), Mermaid (markdown),
                                 Graphviz DOT (text or dot), SVG drawn by Graphviz (svg)
``plot_figure(f, fmt, range)``   f with its derivative: pgfplots (latex); in other formats an
                                 image written by matplotlib (``write_plot_image``)
``render_with_pictures(...)``    what ``derive solve --graph/--plot`` prints

The pictures' data come from ``derive.present.drawing`` and ``derive.present.plotting``; their layout and
words from ``templates/<format>/graph.j2`` and ``plot.j2``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional, Union


from derive.present import notation
from derive.present.drawing import Drawing, drawing
from derive.errors import InputError
from derive.files import write_bytes
from derive.core.timing import phase
from derive.present.plotting import ZEROS_LISTED, Plot, plot_data, zero_label, zero_text
from derive.present.render import RenderError, environment, render_document, template_errors
from derive.core.steps import Solution

GRAPH_FORMATS = ("latex", "markdown", "text", "dot", "svg")
PLOT_FORMATS = ("latex", "markdown", "text")
IMAGE_SUFFIXES = (".png", ".svg")
LATEX_PACKAGES = ("tikz", "pgfplots")
PGFPLOTS_COMPAT = "1.16"
MERMAID_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "#124;",
                   "`": "#96;", "&": "#amp;", "{": "#123;", "}": "#125;", "[": "#91;",
                   "]": "#93;"}
DOT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n"}


# --- the computation graph ----------------------------------------------------------------

def graph_figure(solution: Solution, fmt: str, templates: Optional[str] = None) -> str:
    """The computation graph of ``solution`` in ``fmt``: TikZ for latex, a Mermaid block for
    markdown, Graphviz DOT for text and dot, an SVG drawing for svg (needs Graphviz)."""
    if fmt not in GRAPH_FORMATS:
        raise InputError(f"the computation graph is drawn in {', '.join(GRAPH_FORMATS)}, "
                         f"not {fmt}")
    picture = drawing(solution)
    if fmt == "svg":
        return dot_to_svg(_graph_template(picture, solution, "text", templates))
    return _graph_template(picture, solution, "text" if fmt == "dot" else fmt, templates)


def _graph_template(picture: Drawing, solution: Solution, fmt: str, templates) -> str:
    return _render(f"{fmt}/graph.j2", fmt, templates, picture=picture, solution=solution,
                   **_text_helpers())


def dot_to_svg(dot: str) -> str:
    """Graphviz's drawing of a DOT graph as SVG text."""
    program = shutil.which("dot")
    if program is None:
        raise InputError("SVG output needs Graphviz's dot program (install graphviz), or use "
                         "--format dot")
    done = subprocess.run([program, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True,
                          timeout=60, check=False)
    if done.returncode != 0:
        raise RenderError(f"dot could not draw the graph: "
                          f"{done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


def mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label: characters Mermaid reads as syntax
    or markup become its entity codes (#quot; …)."""
    return "".join(MERMAID_ESCAPES.get(c, c) for c in str(text))


def dot_text(text: str) -> str:
    """Text safe inside a double-quoted Graphviz string."""
    return "".join(DOT_ESCAPES.get(c, c) for c in str(text))


def _text_helpers() -> dict:
    """Unicode math for the formats whose pictures are plain text (Mermaid, DOT)."""
    return dict(text=notation.to_text, text_as_written=lambda e: notation.to_text(e, order="none"),
                name_text=notation.name_text, mermaid=mermaid_text, dot=dot_text)


# --- the plot -----------------------------------------------------------------------------

Plottable = Union[Solution, Plot]


def plot_figure(function: Plottable, fmt: str, range=None, *, image: Optional[str] = None,
                link: Optional[str] = None, templates: Optional[str] = None) -> str:
    """f and its derivative on one set of axes (``function``: a solution, or a ``Plot``
    already sampled).  latex: a pgfplots picture.  markdown and
    text: the plot is written by matplotlib to ``image`` (a .png or .svg path) and the
    figure refers to it as ``link`` (default: ``image``).  ``range`` is ``"a,b"``, a pair,
    or None for a range chosen from the function."""
    data = function if isinstance(function, Plot) else plot_data(function, range)
    if fmt == "latex":
        return _render("latex/plot.j2", "latex", templates, plot=data, **_plot_helpers())
    if fmt not in PLOT_FORMATS:
        raise InputError(f"the plot is drawn in {', '.join(PLOT_FORMATS)}, not {fmt}")
    if image is None:
        raise InputError("this plot is an image file: give its name (FILE.png or FILE.svg)")
    write_plot_image(data, image)
    return _render(f"{fmt}/plot.j2", fmt, templates, plot=data, image=link or image,
                   **_text_helpers(), **_plot_helpers())


def _plot_helpers() -> dict:
    return dict(zero_label=zero_label, zero_text=zero_text, plot_names=plot_names,
                zero_equation=zero_equation, listed=ZEROS_LISTED)


def write_plot_image(data: Plot, path: str) -> None:
    """Draw the plot with matplotlib into ``path`` (PNG or SVG by its suffix), atomically:
    the same picture as the pgfplots one — each continuous piece its own line, the zeros of
    the derivative marked and labelled where their labels fit."""
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise InputError(f"the plot file must end in .png or .svg, not {Path(path).name!r}")
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("plotting to an image needs matplotlib: pip install derive[plot]") \
            from None
    with matplotlib.rc_context({"svg.hashsalt": "derive", "font.size": 10}):
        figure = Figure(figsize=(7.0, 4.6), dpi=150)
        _draw_plot(figure.add_subplot(), data)
        image = io.BytesIO()
        figure.savefig(image, format=suffix[1:], bbox_inches="tight",
                       metadata={"Date": None} if suffix == ".svg" else {"Software": None})
    write_bytes(image.getvalue(), path)


FUNCTION_COLOUR, DERIVATIVE_COLOUR = "#1f3f9f", "#b02020"
LABEL_OFFSETS = {"below right": ((3, -3), "left", "top"), "above right": ((3, 3), "left", "bottom"),
                 "below left": ((-3, -3), "right", "top"), "above left": ((-3, 3), "right", "bottom"),
                 "below": ((0, -4), "center", "top")}
SHORT_LEGEND = 40


def _draw_plot(axes, data: Plot) -> None:
    """The plot on matplotlib axes (Unicode text, as the text output writes it)."""
    names = plot_names(data)
    styles = {"function": dict(color=FUNCTION_COLOUR, linewidth=1.6),
              "derivative": dict(color=DERIVATIVE_COLOUR, linewidth=1.6, linestyle="--")}
    for curve, pieces in data.pieces:
        for k, piece in enumerate(pieces):
            axes.plot([t for t, _ in piece], [y for _, y in piece], **styles[curve],
                      label=names[curve] if k == 0 else None)
        if not pieces:
            axes.plot([], [], **styles[curve], label=names[curve])
    (a, b), (bottom, top) = data.x_range, data.y_range
    axes.set_xlim(a, b)
    axes.set_ylim(bottom, top)
    axes.axhline(0, color="#888888", linewidth=0.8, zorder=0)
    if a < 0 < b:
        axes.axvline(0, color="#888888", linewidth=0.8, zorder=0)
    axes.grid(True, color="#e6e6e6", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.set_xlabel(notation.name_text(data.wrt))
    if data.ticks:
        axes.set_xticks([at for at, _ in data.ticks],
                        [notation.to_text(exact) for _, exact in data.ticks])
    for z in data.zeros:
        axes.plot([z.at, z.at], [0, z.value], color="#666666", linewidth=0.8, linestyle=":")
        axes.plot([z.at], [z.value], "o", color=FUNCTION_COLOUR, markersize=4)
        axes.plot([z.at], [0], "o", color=DERIVATIVE_COLOUR, markersize=4)
        if z.label:
            offset, across, up = LABEL_OFFSETS[z.label]
            axes.annotate(zero_equation(data, z), (z.at, 0), xytext=offset,
                          textcoords="offset points", ha=across, va=up, fontsize=8,
                          bbox=dict(boxstyle="square,pad=0.15", facecolor="white",
                                    edgecolor="none", alpha=0.85))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)


def plot_names(data: Plot) -> dict:
    """The legend's words for the two curves: ``function`` f(x) = … and ``derivative``
    f′(x) = … (the formulas left off when they are long); ``f`` and ``d``: f(x) and f′(x)."""
    x = notation.name_text(data.wrt)
    f = notation.name_text(data.name)
    primes = {1: "′", 2: "″", 3: "‴"}.get(data.order, f"⁽{data.order}⁾")
    formulas = (notation.to_text(data.function), notation.to_text(data.derivative))
    short = sum(len(t) for t in formulas) <= 2 * SHORT_LEGEND
    names = {"f": f"{f}({x})", "d": f"{f}{primes}({x})"}
    return dict(names, function=names["f"] + (f" = {formulas[0]}" if short else ""),
                derivative=names["d"] + (f" = {formulas[1]}" if short else ""))


def zero_equation(data: Plot, zero) -> str:
    """x = π/2, or x ≈ 0.849 where the exact value is long or unknown."""
    exact = zero_label(zero)
    x = notation.name_text(data.wrt)
    return f"{x} = {notation.to_text(exact)}" if exact is not None else f"{x} ≈ {zero_text(zero)}"


# --- what `derive solve` prints -----------------------------------------------------------

def render_with_pictures(solution, fmt: str, *, graph: bool = False, plot: bool = False,
                         plot_range: Optional[str] = None, plot_file: Optional[str] = None,
                         output: Optional[str] = None, standalone: bool = False,
                         templates: Optional[str] = None) -> str:
    """The solution in ``fmt`` with the pictures asked for after it.  ``--format dot`` or
    ``svg`` is the graph alone.  LaTeX holds the plot itself; markdown shows a PNG written
    beside the output file (or to ``plot_file``); text names the ``plot_file`` written."""
    if fmt in ("dot", "svg"):
        if plot:
            raise InputError(f"--plot does not go with --format {fmt} (the graph alone)")
        return graph_figure(solution, fmt, templates).rstrip("\n") + "\n"
    if plot_range is not None and not plot:
        raise InputError("--range goes with --plot")
    if plot_file is not None and not plot:
        raise InputError("--plot-file goes with --plot")
    if not (graph or plot):
        return solution.render(fmt, standalone=standalone, templates=templates)
    if fmt == "json":
        raise InputError("--graph and --plot go with --format latex, markdown or text "
                         "(or --format dot for the graph alone)")
    if fmt == "text" and graph:
        raise InputError("the graph is drawn with --format latex, markdown, dot or svg")
    with phase("drawing"):
        figures = [solution.render(fmt, templates=templates)]
        if graph:
            figures.append(graph_figure(solution, fmt, templates))
        if plot:
            figures.append(_plot_for(solution, fmt, plot_range, plot_file, output, templates))
    text = "\n".join(f.strip("\n") + "\n" for f in figures)
    if standalone and fmt == "latex":
        return latex_document(text, templates)
    return text


def _plot_for(solution, fmt, plot_range, plot_file, output, templates) -> str:
    if fmt == "latex":
        data = plot_data(solution, plot_range)
        if plot_file:
            write_plot_image(data, plot_file)
        return plot_figure(data, fmt, templates=templates)
    if plot_file is None and fmt == "text":
        raise InputError("--plot with --format text needs --plot-file FILE.png (or .svg)")
    if plot_file is None and output is None:
        raise InputError("--plot with --format markdown needs -o FILE.md (the PNG is written "
                         "beside it) or --plot-file FILE.png")
    image = plot_file or str(Path(output).with_name(Path(output).stem + "-plot.png"))
    link = os.path.relpath(image, Path(output).parent) if output is not None else image
    return plot_figure(solution, fmt, plot_range, image=image, link=link, templates=templates)


def latex_document(body: str, templates: Optional[str] = None) -> str:
    """A complete LaTeX document around ``body``, with the packages the pictures need
    loaded in its preamble."""
    document = render_document("document.j2", "latex", False, templates, body=body)
    wanted = "".join(f"\\usepackage{{{p}}}\n" for p in LATEX_PACKAGES
                     if f"\\usepackage{{{p}}}" not in document)
    wanted += f"\\pgfplotsset{{compat={PGFPLOTS_COMPAT}}}\n"
    marker = "\\begin{document}"
    if marker not in document:
        raise RenderError("the document template has no \\begin{document}")
    return document.replace(marker, wanted + marker, 1)


def _render(name: str, fmt: str, templates: Optional[str], **context) -> str:
    env = environment(fmt, templates)
    with template_errors(name):
        return env.get_template(name).render(fmt=fmt, **context).strip("\n") + "\n"
