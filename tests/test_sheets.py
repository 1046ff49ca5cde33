"""Problem banks and sheets: every bank compiles into a sheet with solutions, every template's
answer is right, the same seed gives the same bytes, variants differ, and a malformed bank
is reported with its file and line."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from conftest import compare_numerically
from derive.sheets.banks import bank_names, load_bank, load_banks
from derive.cli.main import run
from derive.core.engine import in_inputs
from derive.present.linebreak import fit_aligns, tokenize, width
from derive.core.steps import ArraySolution
from derive.api import make_sheet
from derive.present.sheets import plot_of, render_sheet
from derive.sheets.sheet import draw_problem

REPO = Path(__file__).resolve().parent.parent
TOPIC_BANKS = {
    "power-rule", "product-rule", "quotient-rule", "chain-rule", "exponentials-logarithms",
    "trigonometric", "inverse-trigonometric-hyperbolic", "logarithmic-differentiation",
    "higher-order", "partial-derivatives", "jacobians-hessians", "computation-graphs",
    "machine-learning",
}
METHOD_BANKS = {"implicit-differentiation", "tangent-lines", "first-principles"}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None and os.environ.get("CI"):
        pytest.fail(f"{name} is missing: .ci/run installs TeX Live")
    if found is None:
        pytest.skip(f"{name} is not installed here (CI installs it)")
    return found


def _bank(tmp_path: Path, text: str, name: str = "mine.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("derive: error: "), err
    assert "Traceback" not in err
    return err.strip().splitlines()[0][len("derive: error: "):]


# --- the banks ------------------------------------------------------------------------------

def test_banks_cover_every_topic_with_enough_templates():
    banks = load_banks()
    assert {b.name for b in banks} >= TOPIC_BANKS | METHOD_BANKS
    assert sum(len(b.templates) for b in banks) >= 150
    for bank in banks:
        assert len(bank.templates) >= 10, bank.name
        assert {t.difficulty for t in bank.templates} == {1, 2, 3}, bank.name
        assert all(t.tags for t in bank.templates), bank.name
    kinds = {t.kind for b in banks for t in b.templates}
    assert kinds == {"derivative", "partial", "gradient", "jacobian", "hessian", "graph",
                     "implicit", "tangent", "first-principles"}
    ml = " ".join(t.expression + " " + " ".join(t.tags)
                  for t in load_bank("machine-learning").templates)
    for topic in ("sigmoid", "softplus", "tanh", "squared-error", "cross-entropy", "neuron"):
        assert topic in ml


def _expected(problem):
    """The answer from SymPy alone: diff of the function as read, or SymPy's own jacobian and
    hessian."""
    s = problem.solution
    if isinstance(s, ArraySolution):
        functions = [f.doit() for f in s.functions]
        if s.kind == "hessian":
            return sp.hessian(functions[0], s.variables)
        matrix = sp.Matrix(functions).jacobian(sp.Matrix(s.variables))
        return matrix.reshape(len(matrix), 1) if s.kind == "gradient" else matrix
    function = in_inputs(s.expression, s.definitions).doit()
    return sp.diff(function, *s.sequence)


@pytest.mark.parametrize("bank", sorted(TOPIC_BANKS))
def test_every_template_gives_a_checked_right_answer(bank):
    for template in load_bank(bank).templates:
        if template.method != "rules":
            continue            # by logarithms: test_every_method_template_…
        problem = draw_problem(template, 1, random.Random(f"test {template.name}"), set())
        s = problem.solution
        assert s.verified, template.name
        assert s.input == problem.filled.expression
        expected = _expected(problem)
        if isinstance(s, ArraySolution):
            pairs = list(zip(s.result, expected))
            assert s.result.shape == expected.shape, template.name
            domain = sp.Add(*s.functions).doit()
        else:
            pairs = [(s.result, expected)]
            domain = in_inputs(s.expression, s.definitions).doit()
        assert any(b != 0 for _, b in pairs), f"{template.name}: the answer is 0"
        for actual, want in pairs:
            if want == 0:
                assert sp.simplify(actual) == 0, template.name
                continue
            comparison = compare_numerically(actual, want, domain, seed=len(template.name))
            assert comparison.ok, f"{template.name} ({problem.filled.expression}): " \
                                  f"{comparison.mismatch or comparison.agreed}"
        if s.point:
            want = expected.subs(dict(s.point))
            difference = sp.simplify(s.value - want)
            assert difference == (sp.zeros(*want.shape) if isinstance(s, ArraySolution) else 0)


# --- a sheet from every bank, compiled --------------------------------------------------------

INJECTION = r"\input{/etc/passwd} 100% $x$ #1 & {}_^~ Calculus I — Week 3"


def _measure_aligns(tex: str, workdir: Path, pdflatex: str) -> list[str]:
    """The align* rows that are wider than the line, measured by TeX itself: each align*
    body set as an aligned block in a box, with the sheet's own preamble."""
    preamble = tex[:tex.index("\\begin{document}")]
    bodies = re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex, re.S)
    assert bodies
    lines = [f"\\sbox0{{$\\displaystyle\\begin{{aligned}}{b}\\end{{aligned}}$}}"
             f"\\ifdim\\wd0>\\linewidth\\typeout{{TOO WIDE {i}: \\the\\wd0}}\\fi"
             for i, b in enumerate(bodies)]
    (workdir / "measure.tex").write_text(preamble + "\\begin{document}\n" + "\n".join(lines)
                                         + "\n\\end{document}\n", encoding="utf-8")
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "measure.tex"],
                          cwd=workdir, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    log = (workdir / "measure.log").read_text(errors="replace")
    return [bodies[int(i)][:300] for i in re.findall(r"TOO WIDE (\d+)", log)]


def test_sheet_from_every_bank_with_solutions_compiles(tmp_path, capsys):
    pdflatex = _tool("pdflatex")
    source = tmp_path / "sheet.tex"
    count = len(bank_names())
    code = run(["sheet", "--count", str(count), "--seed", "2024", "--answers", "--solutions",
                "--title", INJECTION, "--course", "MATH 101 — Ünal's section",
                "--author", "A. Teacher", "--date", "3 March", "-o", str(source)])
    assert code == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert f"sheet: {count} problems, with answers and solutions, seed 2024" in err
    tex = source.read_text(encoding="utf-8")
    # one problem from every bank: the count is shared evenly among the banks
    assert tex.count("\\solutionhead{") == count
    assert r"\input{" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\} 100\% \$x\$ \#1 \& \{\}\_" in tex
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]
    log = (tmp_path / "sheet.log").read_text(errors="replace")
    assert "(/etc/passwd" not in log
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull.*", log)[:3]
    assert (tmp_path / "sheet.pdf").stat().st_size > 10_000
    assert _measure_aligns(tex, tmp_path, pdflatex) == []


def test_the_sheet_draws_from_every_bank():
    banks = load_banks()
    sheet = make_sheet(banks, count=len(banks), seed=5)
    assert sorted(p.bank for p in sheet.problems) == sorted(b.name for b in banks)
    assert [p.number for p in sheet.problems] == list(range(1, len(banks) + 1))


def test_pdf_through_latexmk(tmp_path, capsys):
    _tool("latexmk")
    _tool("pdflatex")
    target = tmp_path / "week.pdf"
    code = run(["sheet", "chain-rule", "--count", "3", "--seed", "1", "--answers",
                "--variants", "2", "-o", str(target)])
    assert code == 0, capsys.readouterr().err
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sheet: 3 problems in 2 versions (A-B)")
    assert re.search(r"week\.pdf \((\d+) pages\)$", err[0])
    assert target.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".week.pdf.*"))   # no temporary file left behind


def test_failed_compile_names_the_line_and_keeps_the_source(tmp_path, capsys):
    _tool("latexmk")
    _tool("pdflatex")
    own = tmp_path / "style" / "latex"
    own.mkdir(parents=True)
    (own / "sheet-document.j2").write_text(
        "\\documentclass{article}\n\\begin{document}\n\\nosuchcommand\n((( body )))\n"
        "\\end{document}\n", encoding="utf-8")
    target = tmp_path / "broken.pdf"
    code = run(["sheet", "power-rule", "--count", "1", "--seed", "1", "--templates",
                str(tmp_path / "style"), "-o", str(target)])
    assert code == 1
    message = _error(capsys)
    assert "line 3: Undefined control sequence" in message
    assert str(tmp_path / "broken.tex") in message
    assert "\\nosuchcommand" in (tmp_path / "broken.tex").read_text()
    assert not target.exists()


def test_without_tex_one_line_says_how_to_install(tmp_path, capsys, monkeypatch):
    import derive.present.pdf
    monkeypatch.setattr(derive.present.pdf.shutil, "which", lambda name: None)
    code = run(["sheet", "power-rule", "--count", "1", "-o", str(tmp_path / "x.pdf")])
    assert code == 1
    message = _error(capsys)
    assert "latexmk" in message and "install TeX Live" in message
    assert not (tmp_path / "x.pdf").exists()


# --- reproducibility and variants --------------------------------------------------------

def test_same_seed_same_bytes(capsys):
    outputs = []
    for seed in ("7", "7", "8"):
        assert run(["sheet", "chain-rule", "product-rule", "--count", "4", "--seed", seed,
                    "--answers", "--solutions", "--variants", "2"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_same_seed_same_bytes_across_processes(tmp_path):
    """Another process with another hash seed draws the same sheet."""
    texts = []
    for hash_seed in ("1", "2"):
        target = tmp_path / f"s{hash_seed}.md"
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(REPO))
        done = subprocess.run([sys.executable, "-m", "derive", "sheet", "computation-graphs",
                               "jacobians-hessians", "--count", "3", "--seed", "11",
                               "--answers", "-o", str(target)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        texts.append(target.read_bytes())
    assert texts[0] == texts[1]


def test_variants_are_different_draws_of_the_same_templates():
    banks = load_banks(["chain-rule", "partial-derivatives"])
    sheet = make_sheet(banks, count=6, seed=3, variants=3)
    a, b, c = sheet.variants
    assert [v.label for v in sheet.variants] == ["A", "B", "C"]
    for one, other in ((a, b), (a, c), (b, c)):
        assert [p.template for p in one.problems] == [p.template for p in other.problems]
        assert [p.key for p in one.problems] != [p.key for p in other.problems]
    tex = render_sheet(sheet, "latex", parts=("problems", "answers"))
    assert [m for m in re.findall(r"\\sheetversion\{(\w)\}", tex)] == ["A", "B", "C"]
    assert tex.count("\\sheetpart{Answers}") == 3


def test_no_duplicate_problem_on_a_sheet():
    sheet = make_sheet(load_banks(["power-rule"]), count=30, seed=1)
    keys = [p.key for p in sheet.problems]
    assert len(keys) == len(set(keys)) == 30


# --- the command line -----------------------------------------------------------------------

def test_sheet_from_two_banks_at_one_difficulty(capsys):
    assert run(["sheet", "chain-rule", "product-rule", "--count", "12", "--difficulty", "2",
                "--seed", "4", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    numbered = re.findall(r"^(\d+)\. ", out, re.M)
    assert numbered == [str(n) for n in range(1, 13)]
    sheet = make_sheet(load_banks(["chain-rule", "product-rule"]), count=12,
                       difficulty=(2, 2), seed=4)
    assert {p.difficulty for p in sheet.problems} == {2}
    assert sorted(p.bank for p in sheet.problems) == ["chain-rule"] * 6 + ["product-rule"] * 6


def test_topics_select_by_tag(capsys):
    sheet = make_sheet(load_banks(["machine-learning"]), count=4, topics=["sigmoid"], seed=2)
    assert all("sigmoid" in p.tags for p in sheet.problems)
    assert run(["sheet", "power-rule", "--topic", "no-such-topic"]) == 2
    assert "no problem in power-rule has topic no-such-topic" in _error(capsys)


def test_progress_is_quiet_and_the_summary_is_one_line_on_stderr(capsys):
    assert run(["sheet", "power-rule", "--count", "2", "--seed", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("\\documentclass")
    assert captured.err == "sheet: 2 problems, seed 3 -> standard output\n"


def test_separate_key_file(tmp_path, capsys):
    target = tmp_path / "quiz.md"
    assert run(["sheet", "trigonometric", "--count", "2", "--seed", "1", "--answers",
                "--solutions", "--separate", "-o", str(target)]) == 0
    problems = target.read_text()
    key = (tmp_path / "quiz-key.md").read_text()
    assert "Answers" not in problems and "Differentiate" in problems
    assert "## Answers" in key and "## Worked solutions" in key and "Differentiate" not in key
    assert "quiz-key.md" in capsys.readouterr().err


def test_usage_errors(capsys):
    assert run(["sheet", "no-such-bank"]) == 2
    assert "unknown bank 'no-such-bank'" in _error(capsys)
    assert run(["sheet", "power-rule", "--difficulty", "4"]) == 2
    assert "difficulty '4'" in _error(capsys)
    assert run(["sheet", "power-rule", "--format", "pdf"]) == 2
    assert "give -o PATH" in _error(capsys)
    assert run(["sheet", "power-rule", "--separate"]) == 2
    _error(capsys)


def test_problems_lists_banks_topics_and_counts(capsys):
    assert run(["problems"]) == 0
    out = capsys.readouterr().out
    banks = load_banks()
    for bank in banks:
        row = re.search(rf"^{re.escape(bank.name)}\s+(\d+)\s+(\d+)/(\d+)/(\d+)\s+(.+)$", out, re.M)
        assert row, bank.name
        assert int(row.group(1)) == len(bank.templates)
        assert sum(int(row.group(i)) for i in (2, 3, 4)) == len(bank.templates)
        assert row.group(5) == bank.title
    total = sum(len(b.templates) for b in banks)
    assert f"{total} templates in {len(banks)} banks." in out
    assert re.search(r"chain \(\d+\)", out)
    assert run(["problems", "chain-rule"]) == 0
    detail = capsys.readouterr().out
    assert "sine-of-power" in detail and "sin({a} x^{n})" in detail


# --- malformed banks: file:line ----------------------------------------------------------

GOOD = """title = "Mine"

[[problems]]
id = "one"
expression = "{a} x^{n}"
difficulty = 1
tags = ["power"]
[problems.params]
a = {int = [2, 9]}
n = {int = [2, 5]}
"""


@pytest.mark.parametrize("change, line, words", [
    (("expression = ", "expression "), 5, "Expected '=' after a key"),
    (("tags = [\"power\"]", "tags = [\"power\"]\ncolour = \"red\""), 8, "unknown key 'colour'"),
    (("a = {int = [2, 9]}", "a = {int = [9, 2]}"), 9, "parameter a: int = [9, 2]: the low end"),
    (("a = {int = [2, 9]}", "a = {range = [2, 9]}"), 9, "parameter a: write {int"),
    (("n = {int = [2, 5]}", "n = {int = [2, 5]}\nb = {int = [1, 3]}"), 11,
     "parameter b is not used"),
    (("difficulty = 1", "difficulty = 4"), 6, "difficulty must be 1, 2 or 3"),
    (("title = \"Mine\"", "name = \"Mine\""), 1, "unknown key 'name'"),
    (("expression = \"{a} x^{n}\"", "expression = \"{a} x^{n} + sin(x\""), 5,
     "problem 'one': with a=2, n=2, the expression '2 x^2 + sin(x' does not read"),
    (("expression = \"{a} x^{n}\"", "expression = \"[{a} x^{n}, x]\""), 5,
     "a vector [f1, f2, ...] goes with kind = \"jacobian\""),
])
def test_malformed_bank_is_reported_with_file_and_line(tmp_path, capsys, change, line, words):
    old, new = change
    path = _bank(tmp_path, GOOD.replace(old, new, 1))
    assert run(["problems", path]) == 2
    message = _error(capsys)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_a_draw_that_does_not_read_names_the_problem(tmp_path, capsys):
    path = _bank(tmp_path, GOOD + """
[[problems]]
id = "two"
expression = "sin({f})"
difficulty = 2
[problems.params]
f = {choice = ["x", "2x)", "x^2"]}
""")
    assert run(["sheet", path, "--count", "2"]) == 2
    message = _error(capsys)
    assert message.startswith(f"{path}:14: problem 'two': with f=2x), the expression "
                              "'sin(2x))' does not read: column 8"), message


def test_duplicate_ids_and_missing_fields(tmp_path, capsys):
    path = _bank(tmp_path, GOOD + GOOD[GOOD.index("[[problems]]"):])
    assert run(["problems", path]) == 2
    assert _error(capsys).startswith(f"{path}:11: problem id 'one' is used twice (first on line 3)")
    path = _bank(tmp_path, GOOD.replace('expression = "{a} x^{n}"\n', ""), "two.toml")
    assert run(["problems", path]) == 2
    assert _error(capsys).startswith(f"{path}:3: problem 'one': expression = \"...\" is missing")


# --- ill-posed draws are drawn again ------------------------------------------------------

def test_ill_posed_draws_are_drawn_again(tmp_path):
    path = _bank(tmp_path, """title = "Traps"

[[problems]]
id = "exponent"
expression = "{a} x^{n}"
difficulty = 1
[problems.params]
a = {choice = [0, 1, 3]}
n = {choice = [0, 1, 2]}

[[problems]]
id = "division"
expression = "x^3/{b}"
difficulty = 1
[problems.params]
b = {choice = [0, 5]}
""")
    sheet = make_sheet(load_banks([path]), count=2, seed=9, variants=3)
    for problem in sheet.problems:
        assert problem.filled.expression in ("3 x^2", "x^3/5"), problem.filled.expression


def test_a_template_that_is_never_well_posed_is_reported(tmp_path, capsys):
    path = _bank(tmp_path, """title = "Constant"

[[problems]]
id = "pythagoras"
expression = "sin({a} x)^2 + cos({a} x)^2"
difficulty = 1
[problems.params]
a = {int = [2, 5]}
""")
    assert run(["sheet", path, "--count", "1"]) == 2
    message = _error(capsys)
    assert message.startswith(f"{path}:3: problem 'pythagoras': no well-posed draw in 60 tries")
    assert "its derivative is 0" in message


def test_too_few_distinct_draws_is_reported(tmp_path, capsys):
    path = _bank(tmp_path, GOOD.replace("a = {int = [2, 9]}", "a = {choice = [2, 3]}")
                 .replace("n = {int = [2, 5]}", "n = {choice = [2]}"))
    sheet = make_sheet(load_banks([path]), count=2, seed=1)
    assert sorted(p.filled.expression for p in sheet.problems) == ["2 x^2", "3 x^2"]
    assert run(["sheet", path, "--count", "3"]) == 2
    assert _error(capsys) == ("mine has 2 different problems, fewer than the 3 asked of it: "
                              "ask for fewer with --count")


# --- breaking long rows ---------------------------------------------------------------------

LONG_ROW = (r"\frac{dy}{dx} &= \frac{\partial y}{\partial u_{1}} \cdot \frac{du_{1}}{dx} + "
            r"\frac{\partial y}{\partial u_{3}} \cdot \frac{du_{3}}{du_{2}} \cdot "
            r"\frac{du_{2}}{dx} = 3 u_{3} \cdot 4 x^{3} + 3 u_{1} \cdot \cos\left(u_{2}\right) "
            r"\cdot 2 = 6 u_{1} \cos\left(u_{2}\right) + 12 u_{3} x^{3}")


def test_a_long_chain_is_broken_at_its_equals_signs():
    tex = "\\begin{align*}\n" + LONG_ROW + "\n\\end{align*}"
    fitted = fit_aligns(tex, line=22)
    rows = fitted[len("\\begin{align*}\n"):-len("\n\\end{align*}")].split(" \\\\\n")
    assert len(rows) == 3
    assert rows[0].startswith(r"\frac{dy}{dx} &= \frac{\partial y}")
    assert rows[1].startswith(r"&= 3 u_{3} \cdot 4 x^{3}")
    assert rows[2] == r"&= 6 u_{1} \cos\left(u_{2}\right) + 12 u_{3} x^{3}"
    assert all(width(tokenize(r.split("&", 1)[1])) <= 22 - width(tokenize(r"\frac{dy}{dx}"))
               for r in rows)
    # nothing is lost or added but the breaks
    assert re.sub(r"\s|\\\\|&", "", fitted) == re.sub(r"\s|&", "", tex)


def test_a_long_sum_is_continued_and_short_rows_stay():
    terms = " + ".join(f"\\sin\\left({k} x\\right)" for k in range(2, 14))
    tex = "\\begin{align*}\ny &= " + terms + " && \\text{rule}\n\\end{align*}"
    fitted = fit_aligns(tex, line=30)
    rows = fitted.split(" \\\\\n")
    assert len(rows) > 1 and rows[0].endswith(r"&& \text{rule}")
    assert all(r.lstrip("\n").startswith("&\\quad + \\sin") for r in rows[1:])
    assert all(fitted.count(a) == fitted.count(b) for a, b in (("{", "}"), ("\\left", "\\right")))
    short = "\\begin{align*}\ny &= x^{2} && \\text{power rule}\n\\end{align*}"
    assert fit_aligns(short) == short


# --- multiple choice ------------------------------------------------------------------------

LETTERS = "abcd"


def _function_of(problem):
    s = problem.solution
    return in_inputs(s.expression, s.definitions).doit(), s.sequence


def test_multiple_choice_options_are_four_different_answers_one_of_them_right():
    banks = load_banks(["chain-rule", "product-rule", "partial-derivatives"])
    sheet = make_sheet(banks, count=6, seed=21, multiple_choice=True, jobs=1)
    assert sheet.count == 6
    for problem in sheet.problems:
        question = problem.choices
        assert question is not None and len(question.options) == 4
        function, sequence = _function_of(problem)
        derivative = sp.diff(function, *sequence)
        right = [o for o in question.options if o.correct]
        assert len(right) == 1 and question.options[question.key] is right[0]
        key = question.options[question.key].expression
        assert compare_numerically(key, derivative, function, seed=problem.number).ok
        for k, (a, b) in enumerate(
                [(a, b) for i, a in enumerate(question.options) for b in question.options[i + 1:]]):
            # two options that agreed wherever both are defined would be the same answer
            assert not compare_numerically(a.expression, b.expression, function, seed=k).ok, \
                f"{problem.filled.expression}: {a.expression} and {b.expression}"
        for option in question.wrong:
            assert not compare_numerically(option.expression, derivative, function).ok


def _options_in(markdown: str) -> list[list[str]]:
    """The options (a)-(d) of each problem as the sheet shows them."""
    blocks = re.split(r"^\d+\. ", markdown.split("## Answers")[0], flags=re.M)[1:]
    return [re.findall(r"^   \(([a-d])\) \$(.*)\$(?:<br>)?$", b, re.M) for b in blocks]


def test_multiple_choice_key_letters_point_at_the_right_answer(capsys):
    assert run(["sheet", "chain-rule", "exponentials-logarithms", "--count", "4", "--seed", "5",
                "--multiple-choice", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    options = _options_in(out)
    assert len(options) == 4
    assert all([letter for letter, _ in o] == list(LETTERS) for o in options)
    key = re.search(r"^\*\*Key:\*\* (.*)$", out, re.M).group(1)
    letters = re.findall(r"(\d+) \(([a-d])\)", key)
    assert [n for n, _ in letters] == ["1", "2", "3", "4"]
    answers = re.findall(r"^(\d+)\. \(([a-d])\) \$\\frac\{dy\}\{dx\} = (.*)\$$",
                         out.split("## Answers")[1], re.M)
    assert [(n, letter) for n, letter, _ in answers] == letters
    for (n, letter, shown), shown_options in zip(answers, options):
        # the option under the key letter is the answer of the key
        assert dict(shown_options)[letter] == shown
    # and that answer is the derivative
    sheet = make_sheet(load_banks(["chain-rule", "exponentials-logarithms"]), count=4, seed=5,
                       multiple_choice=True, jobs=1)
    for problem, (_, letter) in zip(sheet.problems, letters):
        function, sequence = _function_of(problem)
        chosen = problem.choices.options[LETTERS.index(letter)].expression
        assert compare_numerically(chosen, sp.diff(function, *sequence), function).ok


def test_multiple_choice_same_seed_same_bytes(capsys):
    outputs = []
    for seed in ("3", "3", "4"):
        assert run(["sheet", "chain-rule", "--count", "3", "--seed", seed, "--multiple-choice",
                    "--variants", "2", "--jobs", "1"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]
    assert outputs[0].count("\\begin{choicelist}") == 6
    assert outputs[0].count("\\choicekey{") == 2


FEW_MISTAKES = """title = "Monomials"

[[problems]]
id = "monomial"
expression = "{a} x^{n}"
difficulty = 1
[problems.params]
a = {int = [2, 9]}
n = {int = [3, 7]}
"""

ENOUGH_MISTAKES = """
[[problems]]
id = "power-times-sine"
expression = "x^{n} sin({a} x)"
difficulty = 1
[problems.params]
a = {int = [2, 9]}
n = {int = [2, 5]}
"""


def test_a_template_with_too_few_mistakes_is_replaced_by_another(tmp_path, capsys):
    # a x^n: the only mistake that applies is the power rule's (one wrong answer)
    path = _bank(tmp_path, FEW_MISTAKES + ENOUGH_MISTAKES)
    sheet = make_sheet(load_banks([path]), count=2, seed=1, multiple_choice=True, jobs=1)
    assert [p.template.id for p in sheet.problems] == ["power-times-sine"] * 2
    assert all(len(p.choices.options) == 4 for p in sheet.problems)
    alone = _bank(tmp_path, FEW_MISTAKES, "alone.toml")
    assert run(["sheet", alone, "--count", "1", "--multiple-choice"]) == 2
    message = _error(capsys)
    assert message.startswith(f"{alone}:3: problem 'monomial': its common mistakes give fewer "
                              "than three different wrong answers")


def test_multiple_choice_takes_only_questions_of_one_function(capsys):
    sheet = make_sheet(load_banks(["jacobians-hessians", "chain-rule"]), count=2, seed=2,
                       multiple_choice=True, jobs=1)
    assert [p.bank for p in sheet.problems] == ["chain-rule", "chain-rule"]
    assert run(["sheet", "jacobians-hessians", "--multiple-choice"]) == 2
    assert "can be multiple choice" in _error(capsys)


def test_multiple_choice_sheet_compiles(tmp_path, capsys):
    pdflatex = _tool("pdflatex")
    source = tmp_path / "quiz.tex"
    assert run(["sheet", "chain-rule", "quotient-rule", "trigonometric", "partial-derivatives",
                "--count", "6", "--seed", "8", "--multiple-choice", "--solutions",
                "-o", str(source)]) == 0
    assert "with answers and solutions" in capsys.readouterr().err
    tex = source.read_text(encoding="utf-8")
    assert tex.count("\\begin{choicelist}") == 6
    key = re.search(r"\\choicekey\{(.*)\}", tex).group(1)
    assert re.fullmatch(r"(\d\\,\([a-d]\)(\\quad )?){6}", key), key
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Overfull \\hbox" not in (tmp_path / "quiz.log").read_text(errors="replace")


# --- pictures in the worked solutions -----------------------------------------------------

def test_graph_and_plot_in_worked_solutions_compile(tmp_path, capsys):
    pdflatex = _tool("pdflatex")
    banks = load_banks(["chain-rule", "computation-graphs", "partial-derivatives",
                        "jacobians-hessians"])
    sheet = make_sheet(banks, count=4, seed=6, graph=True, plot=True, jobs=1)
    pictured = [p for p in sheet.problems if p.pictured]
    assert [p.bank for p in pictured] == ["chain-rule", "computation-graphs"]
    assert all(plot_of(p)[0] is not None for p in pictured)   # plotted when laid out
    tex = render_sheet(sheet, "latex", parts=("problems", "solutions"))
    assert tex.count("\\begin{tikzpicture}") == 2 + 2      # a graph and a plot each
    assert tex.count("\\begin{axis}") == 2
    assert tex.count("No picture: the computation graph and the plot are drawn for "
                     "derivatives of a function of one variable.") == 2
    assert "\\usepackage{pgfplots}" in tex
    plain = render_sheet(make_sheet(banks, count=4, seed=6, jobs=1), "latex",
                         parts=("problems", "solutions"))
    assert "tikz" not in plain
    source = tmp_path / "pictures.tex"
    source.write_text(tex, encoding="utf-8")
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]


def test_graph_in_markdown_is_mermaid_and_plot_needs_latex(capsys):
    assert run(["sheet", "chain-rule", "partial-derivatives", "--count", "2", "--seed", "2",
                "--solutions", "--graph", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.count("```mermaid") == 1
    assert out.count("*No picture: the computation graph is drawn for derivatives of a "
                     "function of one variable.*") == 1
    sheet = make_sheet(load_banks(["chain-rule"]), count=1, seed=2, graph=True, jobs=1)
    mermaid = out.split("```mermaid")[1].split("```")[0]
    solution = sheet.problems.__next__().solution
    nodes = len(solution.graph) + 1           # the graph's nodes and x
    assert len(re.findall(r"^    n\d+[\(]", mermaid, re.M)) == nodes
    assert run(["sheet", "chain-rule", "--solutions", "--plot", "--format", "markdown"]) == 2
    assert "--plot draws pgfplots pictures" in _error(capsys)
    assert run(["sheet", "chain-rule", "--graph"]) == 2
    assert "add --solutions" in _error(capsys)


# --- parallel work ------------------------------------------------------------------------

def test_parallel_sheet_is_the_same_bytes_as_serial(tmp_path, monkeypatch):
    import derive.sheets.sheet

    # few distinct draws, so that problems repeat in the first round and are drawn again
    path = _bank(tmp_path, "title = \"Few\"\n" + ENOUGH_MISTAKES
                 .replace("a = {int = [2, 9]}", "a = {choice = [2, 3]}")
                 .replace("n = {int = [2, 5]}", "n = {choice = [2, 3]}"))
    banks = load_banks(["chain-rule", "partial-derivatives", path])
    calls = []
    work = derive.sheets.sheet.work_slot
    texts = []
    for jobs in (1, 2):
        with monkeypatch.context() as patched:
            if jobs == 1:
                patched.setattr(derive.sheets.sheet, "work_slot",
                                lambda *a: calls.append(a) or work(*a))
            sheet = make_sheet(banks, count=9, seed=13, variants=2, graph=True, plot=True,
                               jobs=jobs)
        for variant in sheet.variants:
            keys = [p.key for p in variant.problems]
            assert len(set(keys)) == len(keys)
        texts.append(render_sheet(sheet, "latex", parts=("problems", "answers", "solutions")))
    assert len(calls) > 18          # some problems repeated and were drawn again
    assert texts[0] == texts[1]


def test_jobs_on_the_command_line(capsys):
    outputs = []
    for jobs in ("1", "2"):
        assert run(["sheet", "product-rule", "--count", "8", "--seed", "4", "--multiple-choice",
                    "--jobs", jobs, "--format", "markdown"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert run(["sheet", "product-rule", "--jobs", "0"]) == 2
    _error(capsys)


def test_a_bank_error_in_a_parallel_run_is_one_line(tmp_path, capsys):
    path = _bank(tmp_path, GOOD + """
[[problems]]
id = "two"
expression = "sin({f})"
difficulty = 2
[problems.params]
f = {choice = ["2x)"]}
""")
    assert run(["sheet", path, "--count", "8", "--jobs", "2"]) == 2
    assert _error(capsys).startswith(f"{path}:14: problem 'two': with f=2x), the expression")


@pytest.mark.parametrize("name", bank_names())
def test_every_shipped_template_reads_with_its_sample_values(name):
    """Shipped banks are not probed when a sheet is drawn (it would cost every run the same
    fraction of a second): they are probed here, as a bank of the user's own always is."""
    from derive.sheets.banks import bank_path, read_bank
    path = bank_path(name)
    bank = read_bank(path.read_text(encoding="utf-8"), f"problems/{path.name}", name,
                     probing=True)
    assert bank.templates


def test_sheet_style_chooses_how_the_worked_solutions_are_worked(capsys):
    common = ["sheet", "product-rule", "--count", "1", "--seed", "3", "--solutions",
              "--format", "markdown"]
    assert run(common) == 0
    textbook = capsys.readouterr().out
    assert run(common + ["--style", "graph"]) == 0
    graph = capsys.readouterr().out
    assert "the product rule, $(fg)' = f'g + fg'$" in textbook
    assert "Intermediate variables" not in textbook
    assert "Intermediate variables" in graph and "Total derivative" in graph
    assert run(common[:-2] + ["--style", "graph", "--format", "moodle"]) == 2
