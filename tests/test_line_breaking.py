"""Long lines: text wraps at the terminal's width (100 columns when the output is not a
terminal) at its operators, continuation lines indented under their formula; LaTeX breaks
long rows of a worked solution so that nothing runs off the page."""

from __future__ import annotations

import re
import subprocess

import pytest

from derive.cli.main import run
from derive.present.linebreak import (display_width, fit_aligns, fit_paragraphs, tokenize, width,
                                      wrap_line)
from conftest import load_corpus, pdflatex_path, solved

LONG = ["x^2 sin(x) cos(x) e^x ln(x) tan(x) sqrt(x+1) (x^3+1)^5",
        "sin(x + x^2 + x^3 + x^4 + x^5 + x^6 + x^7 + x^8)",
        "(x^2+1)^3 (x^3-2x)^4 / (x-1)^5"]
COMPACT = "e^(sin(x)) ln(cos(x)+2) atan(x^2)"
WIDE_COMPACT = "ln(x^2+1)^3 e^(x^2 sin(x)) / (x^4+x^3+x^2+x+1)^2"   # a fraction wider than a line
NARROW = 60
SHORT = "sin(x + x^2 + x^3 + x^4)"    # quick to solve; unwrapped (graph style), its widest line has 196 columns


# --- text: what unwrapping a wrapped text must give back ------------------------------------

def joined(line: str, continuation: str) -> str:
    """A continuation line put back after its line: its indentation dropped, one space
    between, none before a ``·`` that was written against its factor."""
    rest = continuation.lstrip(" ")
    glued = rest.startswith("·") and rest[1:2] not in ("", " ")
    return line + ("" if glued else " ") + rest


def gaps_closed(line: str) -> str:
    """``line`` with each run of spaces inside it written as one space: a break may replace
    the gap before a note or between two items of a list (formulas hold no such runs)."""
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", line)


def unwrapped(narrow: str, wide: str) -> list[str]:
    """The differences between ``wide`` and ``narrow`` with its continuation lines joined
    back, line by line of ``wide`` (empty when they agree)."""
    lines, problems, i = narrow.split("\n"), [], 0
    for target in wide.split("\n"):
        if i >= len(lines):
            return problems + [f"missing: {target!r}"]
        current = lines[i]
        i += 1
        while gaps_closed(current) != gaps_closed(target) and i < len(lines) \
                and display_width(current) < display_width(target):
            current = joined(current, lines[i])
            i += 1
        if gaps_closed(current) != gaps_closed(target):
            problems.append(f"{current!r}\n  is not {target!r}")
    return problems + [f"left over: {line!r}" for line in lines[i:]]


def too_wide(text: str, columns: int) -> list[str]:
    """The lines wider than ``columns`` that could have been cut: anything but one token
    (after the indentation and an operator that starts a continuation)."""
    def cuttable(line: str) -> bool:
        rest = re.sub(r"^ *(?:[=+\-·⇒→] )?", "", line)
        return " " in rest or "·" in rest[1:]
    return [line for line in text.split("\n") if display_width(line) > columns and cuttable(line)]


def test_every_corpus_solution_wrapped_narrow_joins_back_to_the_unwrapped_one():
    problems = []
    for row in load_corpus():
        for style in ("graph", "compact"):
            solution = solved(row.input, row.wrt, style)
            wide = solution.render("text", width=100000)
            narrow = solution.render("text", width=NARROW)
            label = f"{row.input} (d/d{row.wrt}, {style})"
            problems += [f"{label}: {p}" for p in unwrapped(narrow, wide)]
            problems += [f"{label}: too wide: {line!r}" for line in too_wide(narrow, NARROW)]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("text, style", [(f, "graph") for f in LONG] + [(COMPACT, "compact")])
def test_long_solutions_fit_the_width_and_join_back(text, style):
    solution = solved(text, None, style)
    wide = solution.render("text", width=0)
    assert max(display_width(line) for line in wide.split("\n")) > 100
    for columns in (60, 80, 100):
        narrow = solution.render("text", width=columns)
        assert unwrapped(narrow, wide) == []
        assert too_wide(narrow, columns) == []


# --- text: where lines are cut ---------------------------------------------------------------

def test_a_sum_is_cut_before_its_plus_signs_and_continued_two_columns_in():
    assert wrap_line("y = aaaa + bbbb + cccc", 12) == ["y = aaaa", "  + bbbb", "  + cccc"]


def test_a_cut_inside_brackets_is_made_only_when_nothing_outside_fits():
    assert wrap_line("f = g(a + b) + h(c + d)", 16) == ["f = g(a + b)", "  + h(c + d)"]
    # the "=" outside is preferred to a fuller line cut inside g( )
    assert wrap_line("f = g(aaaa + bbbb + cccc)", 16) == ["f", "  = g(aaaa", "  + bbbb + cccc)"]


def test_a_product_dot_is_kept_with_the_factor_after_it_and_subscripts_take_one_column():
    assert display_width("= a₁b₁·c₁d₁·e₁f₁") == 16
    assert wrap_line("u = a₁b₁·c₁d₁·e₁f₁", 12) == ["u", "  = a₁b₁", "  ·c₁d₁·e₁f₁"]


def test_continuations_start_under_the_formula_of_a_two_column_row():
    row = "1. Chain rule   dy/dx = aaaa + bbbb + cccc + dddd"
    assert wrap_line(row, 40) == ["1. Chain rule   dy/dx = aaaa + bbbb", " " * 18 + "+ cccc + dddd"]
    # a row without a label (an indented step) continues under its own start
    assert wrap_line("    d/dx[u] = aaaa + bbbb + cccc", 30) == ["    d/dx[u] = aaaa + bbbb",
                                                               "      + cccc"]


def test_a_note_moves_to_its_own_line_whole():
    assert wrap_line("du/dx = 2x          (power rule)", 24) == ["du/dx = 2x", "  (power rule)"]


def test_wide_characters_take_two_columns_and_combining_marks_none():
    assert display_width("变量") == 4
    assert display_width("x̄₁ + ȳ") == 6
    assert wrap_line("a = 变量变量 + b", 12) == ["a = 变量变量", "  + b"]


def test_one_unbreakable_token_is_left_long_and_a_drawn_matrix_is_left_alone():
    name = "a" * 30
    assert wrap_line(f"y = {name}", 10) == ["y", f"  = {name}"]
    row = "⎡6xy  3x²  " + "  ".join(["sin(x)"] * 12) + "⎤"
    assert wrap_line(row, 40) == [row]


# --- text: the width of the command line ------------------------------------------------------

def widest(capsys, args) -> int:
    assert run([*args, "--style", "graph", "--timeout", "120"]) == 0
    return max(display_width(line) for line in capsys.readouterr().out.split("\n"))


def test_the_command_line_wraps_at_100_columns_when_not_a_terminal(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert 80 < widest(capsys, [SHORT]) <= 100


def test_columns_sets_the_width_and_zero_turns_wrapping_off(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    assert widest(capsys, [SHORT]) <= 60
    monkeypatch.setenv("COLUMNS", "0")
    assert widest(capsys, [SHORT]) > 150


def test_a_file_is_wrapped_at_100_columns(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    target = tmp_path / "solution.txt"
    assert run([SHORT, "-o", str(target), "--timeout", "120"]) == 0
    lines = target.read_text(encoding="utf-8").split("\n")
    assert 80 < max(display_width(line) for line in lines) <= 100


def test_the_json_text_of_a_step_is_not_wrapped():
    from derive.present.render import to_json

    def texts(steps):
        for step in steps:
            yield step["text"]
            yield from texts(step.get("substeps", ()))
    found = list(texts(to_json(solved(SHORT))["steps"]))
    assert any(len(text) > 100 for text in found) and not any("\n" in t for t in found)


# --- LaTeX -------------------------------------------------------------------------------------

def overfull(log: str, tolerance: float = 1.0) -> list[str]:
    """The boxes LaTeX reports as too wide by more than ``tolerance`` points, and any page
    content too high for its page."""
    wide = [m.group(0) for m in re.finditer(r"Overfull \\hbox \((\d+\.?\d*)pt too wide\).*", log)
            if float(m.group(1)) > tolerance]
    return wide + re.findall(r"Overfull \\vbox.*", log)


@pytest.mark.parametrize("text, style", [(f, "graph") for f in LONG]
                         + [(COMPACT, "compact"), (WIDE_COMPACT, "compact")])
def test_a_long_worked_solution_compiles_with_nothing_off_the_page(tmp_path, text, style):
    pdflatex = pdflatex_path()
    source = tmp_path / "solution.tex"
    source.write_text(solved(text, None, style).render("latex", standalone=True),
                      encoding="utf-8")
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:]
    log = (tmp_path / "solution.log").read_text(errors="replace")
    assert overfull(log) == []


def test_a_single_solution_in_latex_has_its_long_rows_broken():
    tex = solved(LONG[1]).render("latex")
    rows = [row for body in re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex, re.S)
            for row in body.split("\\\\")]
    assert any(row.strip().startswith("&\\quad +") for row in rows)


def test_a_wide_bracket_is_opened_across_rows_with_its_size_kept():
    inside = " + ".join(f"\\sin\\left({k} x\\right)" for k in range(2, 12))
    tex = f"\\begin{{align*}}\ny &= x \\left({inside}\\right) e^{{x}}\n\\end{{align*}}"
    fitted = fit_aligns(tex, line=24)
    rows = fitted[len("\\begin{align*}\n"):-len("\n\\end{align*}")].split(" \\\\\n")
    assert len(rows) > 2
    phantom = f"\\vphantom{{{inside}}}"
    assert rows[0].startswith(f"y &= x \\left({phantom} \\sin") and rows[0].endswith("\\right.")
    assert rows[-1].startswith(f"&\\quad \\left.{phantom} + ") and rows[-1].endswith(
        "\\right) e^{x}")
    assert all(r.startswith("&\\quad + \\sin") for r in rows[1:-1])
    assert all(width(tokenize(r.split("&", 1)[1])) <= 24 - width(tokenize("y")) for r in rows)
    for row in rows:   # each row is balanced on its own
        assert row.count("\\left") == row.count("\\right") and row.count("{") == row.count("}")
    # nothing is lost or added but the breaks, the invisible delimiters and the phantoms
    bare = re.sub(r"\\vphantom\{" + re.escape(inside) + r"\}|\\left\.|\\right\.|\\quad|\\\\|&|\s",
                  "", fitted)
    assert bare == re.sub(r"&|\s", "", tex)


def test_a_wide_numerator_is_set_on_several_rows():
    numerator = " + ".join(f"\\sin\\left({k} x\\right)" for k in range(2, 12))
    tex = f"\\begin{{align*}}\ny &= \\frac{{{numerator}}}{{x^{{2}} + 1}}\n\\end{{align*}}"
    fitted = fit_aligns(tex, line=24)
    assert "\\frac{\\begin{aligned}&\\sin" in fitted and "\\end{aligned}}{x^{2} + 1}" in fitted
    assert fitted.count(" \\\\ &\\quad + \\sin") >= 2
    assert re.sub(r"\\begin\{aligned\}|\\end\{aligned\}|\\quad|\\\\|&|\s", "", fitted) == \
        re.sub(r"&|\s", "", tex)


def test_a_wide_in_line_formula_of_a_compact_solution_becomes_rows_that_fit():
    terms = " + ".join(f"\\sin\\left({k} x\\right)" for k in range(2, 30))
    paragraph = ("{\\leftskip=3.0em\\rightskip=0pt plus 1fil\\noindent "
                 f"$\\frac{{d}}{{dx}}\\left[y\\right] = {terms}$ \\quad \\text{{sum rule}}\n\\par}}")
    fitted = fit_paragraphs(paragraph, line=30)
    block = re.search(r"\\begin\{aligned\}\[t\](.*)\\end\{aligned\}", fitted).group(1)
    rows = block.split("\\\\")
    assert len(rows) > 2
    assert rows[0].startswith("\\frac{d}{dx}\\left[y\\right] &= \\sin")
    assert all(width(tokenize(r.split("&", 1)[1])) <= 30 - 3.0 for r in rows)
    assert fitted.endswith("$ \\quad \\text{sum rule}\n\\par}")
    short = paragraph.replace(terms, "\\sin\\left(2 x\\right)")
    assert fit_paragraphs(short, line=30) == short
