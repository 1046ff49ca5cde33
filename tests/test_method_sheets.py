"""Sheets from the banks of the methods beyond the chain of rules: implicit differentiation,
tangent and normal lines, first principles and logarithmic differentiation.  Every template's
answer is compared with SymPy on its own (``idiff``, ``diff``), and a sheet shows each problem
with its statement, its answer and the method's own worked solution."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from derive.api import make_sheet
from derive.calculus.implicit import curve_points
from derive.calculus.methods import work
from derive.cli.main import run
from derive.present.sheets import render_sheet
from derive.sheets.banks import METHOD_KINDS, load_bank, load_banks, read_bank
from derive.sheets.sheet import choice_ready, draw_problem
from derive.errors import InputError

METHOD_BANKS = ("implicit-differentiation", "tangent-lines", "first-principles")


def _method_templates(bank):
    return [t for t in load_bank(bank).templates
            if t.kind in METHOD_KINDS or t.method != "rules"]


def _implicit_expected(s):
    """dy/dx (or d²y/dx²) of the curve by SymPy's idiff."""
    F = s.equation.left - s.equation.right
    return sp.idiff(F, s.y, s.x, s.order)


def _equal_on_curve(a, b, s):
    """a = b at points of the curve (they may differ off it: d²y/dx² is simplified with the
    equation itself)."""
    F = s.equation.left - s.equation.right
    points = curve_points(F, s.x, s.y, 4)
    assert points, f"no point found on {F} = 0"
    for x0, y0 in points:
        values = [complex(sp.N(e.subs({s.x: sp.Float(str(x0), 30), s.y: sp.Float(str(y0), 30)}),
                               20)) for e in (a, b)]
        assert abs(values[0] - values[1]) <= 1e-8 * (1 + abs(values[1])), (a, b, x0, y0)


@pytest.mark.parametrize("bank", METHOD_BANKS + ("logarithmic-differentiation",))
def test_every_method_template_gives_a_checked_right_answer(bank):
    templates = _method_templates(bank)
    assert len(templates) >= (2 if bank == "logarithmic-differentiation" else 10)
    for template in templates:
        problem = draw_problem(template, 1, random.Random(f"test {template.name}"), set(),
                               methods=work)
        s = problem.solution
        assert s.verified, template.name
        assert problem.by_method and not problem.pictured
        if template.kind == "implicit":
            got = s.result if s.second is None else s.second.result
            _equal_on_curve(got, _implicit_expected(s), s)
            if s.value is not None:
                point = dict(s.point)
                assert sp.simplify(s.value - _implicit_expected(s).subs(point)) == 0
        elif template.kind == "tangent":
            a, b = s.point
            if s.function is not None:
                f = s.function.doit()
                assert sp.simplify(f.subs(s.x, a) - b) == 0, template.name
                slope = sp.limit(sp.diff(f, s.x), s.x, a)
            else:
                F = s.implicit.equation.left - s.implicit.equation.right
                assert sp.simplify(F.subs({s.x: a, s.y: b})) == 0, template.name
                fy = sp.diff(F, s.y).subs({s.x: a, s.y: b})
                slope = (sp.zoo if fy == 0 else
                         sp.simplify(-sp.diff(F, s.x).subs({s.x: a, s.y: b}) / fy))
            if s.tangent is None:               # vertical
                assert slope in (sp.zoo, sp.oo, -sp.oo), template.name
                assert s.normal is not None and sp.simplify(s.normal - b) == 0
            else:
                assert sp.simplify(s.slope - slope) == 0, template.name
                assert sp.simplify(s.tangent - (b + slope * (s.x - a))) == 0, template.name
                if slope == 0:
                    assert s.normal is None
                else:
                    assert sp.simplify(s.normal - (b - (s.x - a) / slope)) == 0
        elif template.kind == "first-principles":
            want = sp.diff(s.function.doit(), s.variable)
            assert sp.simplify(s.result - want) == 0, template.name
        else:                                   # a derivative by logarithms
            want = sp.diff(s.expression.doit(), s.wrt)
            x0 = sp.Rational(37, 10)            # every factor of these is positive there
            assert abs(sp.N(s.result.doit().subs(s.wrt, x0) - want.subs(s.wrt, x0))) < 1e-9


def test_a_sheet_shows_each_method_with_its_own_worked_solution(capsys):
    assert run(["sheet", *METHOD_BANKS, "--count", "8", "--seed", "4", "--answers",
                "--solutions", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert run(["sheet", "logarithmic-differentiation", "--topic", "method", "--count", "2",
                "--seed", "4", "--answers", "--solutions", "--format", "markdown"]) == 0
    out += capsys.readouterr().out
    problems = "".join(part.split("## Answers")[0] for part in out.split("# Derivatives"))
    assert "by implicit differentiation for the curve $" in problems
    assert "Find the tangent and the normal line to the" in problems
    assert "from first principles for $f(x) = " in problems
    assert "by logarithmic differentiation." in problems
    answers = "".join(part.split("## Answers")[-1].split("## Worked solutions")[0]
                      for part in out.split("# Derivatives"))
    assert "tangent $y = " in answers or "tangent $x = " in answers
    assert r"$\frac{dy}{dx} = " in answers
    worked = "".join(part.split("## Worked solutions")[-1] for part in out.split("# Derivatives"))
    assert "**Curve.**" in worked                         # implicit
    assert "Differentiate both sides" in worked
    assert r"\lim_{h \to 0}" in worked                    # first principles
    assert "natural logarithm of both sides" in worked    # logarithms
    assert "**Tangent" in worked


def test_method_problems_are_drawn_again_rather_than_repeated():
    sheet = make_sheet(load_banks(["first-principles"]), count=14, seed=3)
    keys = [p.key for p in sheet.problems]
    assert len(set(keys)) == len(keys)
    # the constant's derivative is 0: from first principles that is the lesson, not a flaw
    with_constant = make_sheet(load_banks(["first-principles"]), count=16, seed=3)
    assert any(p.template.id == "constant" for p in with_constant.problems)


def test_a_bank_without_enough_different_problems_says_so(tmp_path, capsys):
    bank = tmp_path / "powers.toml"
    bank.write_text('title = "Powers"\n' + "".join(
        f'[[problems]]\nid = "p{n}"\nkind = "first-principles"\nexpression = "x^{n}"\n'
        f'difficulty = 1\n' for n in (2, 3)), encoding="utf-8")
    assert run(["sheet", str(bank), "--count", "2", "--answers", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "$f'(x) = 2 x$" in out and "$f'(x) = 3 x^{2}$" in out
    assert run(["sheet", str(bank), "--count", "3"]) == 2
    err = capsys.readouterr().err
    assert err == ("derive: error: powers has 2 different problems, fewer than the 3 asked "
                   "of it: ask for fewer with --count\n")


def test_the_point_of_a_tangent_problem_and_the_method_are_listed(capsys):
    assert run(["problems", "tangent-lines"]) == 0
    assert "[at x = {a}]" in capsys.readouterr().out
    assert run(["problems", "logarithmic-differentiation"]) == 0
    assert "[method log]" in capsys.readouterr().out
    assert run(["problems", "implicit-differentiation"]) == 0
    assert "[wrt t; dependent p]" in capsys.readouterr().out


def test_multiple_choice_is_offered_for_dydx_and_first_principles_not_tangents():
    kinds = {}
    for bank in METHOD_BANKS:
        for t in load_bank(bank).templates:
            kinds.setdefault(t.kind, set()).add(choice_ready(t))
    assert kinds["tangent"] == {False}
    assert True in kinds["implicit"] and True in kinds["first-principles"]
    second = next(t for t in load_bank("implicit-differentiation").templates if t.order != 1)
    assert not choice_ready(second)


BASE = """title = "Mine"

[[problems]]
id = "one"
{body}
difficulty = 1
"""


@pytest.mark.parametrize("body, words", [
    ('kind = "implicit"\nexpression = "x^2 + y"', "an implicit problem's expression is an "
                                                 "equation"),
    ('expression = "x^2 + y^2 = 4"', "an equation \"LEFT = RIGHT\" goes with kind = "
                                     "\"implicit\" or \"tangent\", not 'derivative'"),
    ('kind = "tangent"\nexpression = "x^2"', "a tangent problem needs its point"),
    ('kind = "first-principles"\nexpression = "x^2"\nat = "x = 1"',
     "a first-principles problem has no 'at'"),
    ('kind = "implicit"\nexpression = "x^2 + y^2 = 4"\nwhere = "u = x"',
     "an implicit problem has no 'where'"),
    ('expression = "x^2"\ndependent = "y"', "a derivative problem has no 'dependent'"),
    ('expression = "x^2 (x+1)^3"\nmethod = "logs"', "method must be one of 'rules', 'log'"),
    ('expression = "x^2 (x+1)^3"\nmethod = "log"\norder = 2', "(method = \"log\") finds "
                                                            "dy/dx: no order, at or where"),
    ('kind = "implicit"\nexpression = "x^2 + p^2 = 4"\ndependent = "2p"',
     "the dependent variable '2p' does not read"),
])
def test_a_method_problem_that_cannot_be_asked_is_reported_with_its_line(body, words):
    with pytest.raises(InputError) as caught:
        read_bank(BASE.format(body=body), "mine.toml", "mine")
    message = str(caught.value)
    assert message.startswith("mine.toml:"), message
    assert words in message, message


def test_sheet_problems_are_laid_out_in_latex_too():
    sheet = make_sheet(load_banks(list(METHOD_BANKS)), count=6, seed=8)
    tex = render_sheet(sheet, "latex", parts=("problems", "answers", "solutions"))
    assert tex.count("\\solutionhead{") == 6
    assert "by implicit differentiation for the curve" in tex
    assert "\\lim_{h \\to 0}" in tex
    assert "\\textbf{Tangent" in tex


def test_a_problem_of_a_method_needs_the_function_that_works_it():
    template = _method_templates("first-principles")[0]
    with pytest.raises(TypeError, match="derive.calculus.methods.work"):
        draw_problem(template, 1, random.Random("x"), set())



def test_multiple_choice_on_curves_and_from_first_principles():
    """Four different options, the key the answer SymPy finds (idiff on the curve, diff from
    first principles), the wrong ones named by the mistakes of the method."""
    sheet = make_sheet(load_banks(["implicit-differentiation", "first-principles"]), count=8,
                       seed=2, multiple_choice=True, jobs=1)
    kinds = set()
    for problem in sheet.problems:
        s, options = problem.solution, problem.choices.options
        kinds.add(problem.kind)
        assert len(options) == 4 and sum(o.correct for o in options) == 1
        right = options[problem.choices.key].expression
        if problem.kind == "implicit":
            _equal_on_curve(right, _implicit_expected(s), s)
        else:
            assert sp.simplify(right - sp.diff(s.function.doit(), s.variable)) == 0
        assert all(o.mistake for o in options if not o.correct)
    assert kinds == {"implicit", "first-principles"}
    ids = {o.mistake for p in sheet.problems for o in p.choices.options if not o.correct}
    assert "f-of-x-plus-h" in ids and ids & {"forgot-dydx", "lost-sign"}


def test_moodle_asks_each_method_where_the_question_type_fits(tmp_path, capsys):
    """A curve's dy/dx is asked by STACK without a point, a tangent line with no multiple
    choice; what does not fit is refused in one line."""
    assert run(["sheet", "implicit-differentiation", "--count", "2", "--format", "moodle",
                "--question-type", "stack", "-o", str(tmp_path / "q.xml")]) == 0
    capsys.readouterr()
    assert run(["sheet", "tangent-lines", "--count", "2", "--format", "moodle",
                "--question-type", "multichoice", "-o", str(tmp_path / "q.xml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error: no problem in tangent-lines can be asked")
    assert len(err.strip().splitlines()) == 1


def test_moodle_multiple_choice_on_curves_and_from_first_principles(tmp_path, capsys):
    """dy/dx of a curve and f′ from first principles are Moodle multiple-choice questions:
    the text says the method, the right option is SymPy's answer, each wrong one's feedback
    names its mistake, and the general feedback is the method's worked solution."""
    import xml.etree.ElementTree as ET
    from derive.api import moodle_sheet
    banks = load_banks(["implicit-differentiation", "first-principles"])
    quiz = moodle_sheet(banks, "multichoice", count=4, seed=3)
    questions = list(quiz.questions)
    assert len(questions) == 4
    for q in questions:
        right = [c for c in q.choices if c.correct]
        assert len(q.choices) == 4 and len(right) == 1
        s = q.solution
        if hasattr(s, "equation"):
            _equal_on_curve(right[0].expression, _implicit_expected(s), s)
        else:
            assert sp.simplify(right[0].expression - sp.diff(s.function.doit(), s.variable)) == 0
        assert all(c.words for c in q.choices if not c.correct)
    target = tmp_path / "quiz.xml"
    assert run(["sheet", "implicit-differentiation", "first-principles", "--count", "4",
                "--seed", "3", "--format", "moodle", "--question-type", "multichoice",
                "-o", str(target)]) == 0
    capsys.readouterr()
    root = ET.parse(target).getroot()
    texts = [q.find("questiontext/text").text for q in root if q.get("type") == "multichoice"]
    assert any("by implicit differentiation for the curve" in t for t in texts)
    assert any("from first principles for" in t for t in texts)
    feedback = " ".join(q.find("generalfeedback/text").text for q in root
                        if q.get("type") == "multichoice")
    assert "Differentiate both sides" in feedback and "From first principles" in feedback
    wrong = " ".join(a.find("feedback/text").text for q in root for a in q.findall("answer")
                     if a.get("fraction") == "0")
    assert "The mistake:" in wrong
