"""Moodle XML quizzes as Moodle's importer and STACK read them.

Every file is parsed with a real XML parser; the HTML of every question text and feedback is
parsed as XML inside a <div>; the Maxima of a STACK question is read back with SymPy's Maxima
parser and compared with SymPy's own derivative of the function read back, and with the
answer the mistake its node names gives; the potential-response tree is walked in Python on
each question test, with derive's equivalence check standing in for STACK's AlgEquiv.  The
values of numerical questions are computed here with SymPy.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
import sympy as sp
from sympy.parsing.maxima import parse_maxima

import derive.api as api
import derive.cli.moodle as cli_moodle
from conftest import assert_same_function, normalize
from derive.checking import moodle as records
from derive.checking.answers import differentiate_rest, differentiations
from derive.checking.mistakes import applications
from derive.cli.main import run
from derive.core.verify import equivalent
from derive.present.checks import mistake_title
from derive.present.html import markdown_html, markdown_inline_html
from derive.present.moodle import cdata, number, render_quiz
from derive.present.render import environment
from derive.read.parsing import parse
from derive.sheets.banks import load_banks

x = sp.Symbol("x", real=True)
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
COMMON = ("name/text", "questiontext/text", "generalfeedback/text", "defaultgrade", "penalty")
REQUIRED = {
    "stack": COMMON + ("questionvariables/text", "specificfeedback/text", "questionnote/text",
                       "input/name", "input/type", "input/tans", "prt/name", "prt/node",
                       "qtest"),
    "multichoice": COMMON + ("single", "shuffleanswers", "answer/text", "answer/feedback/text"),
    "numerical": COMMON + ("answer/text", "answer/tolerance"),
}


# --- reading a file as Moodle does --------------------------------------------------------

def read_quiz(text: str) -> ET.Element:
    """The parsed file: the XML declaration first, a <quiz> of <question>s and nothing
    else, each question with what its type requires and well-formed HTML."""
    assert text.splitlines()[0] == DECLARATION
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "quiz"
    assert all(child.tag == "question" for child in root)
    assert root[0].get("type") == "category"
    for question in root:
        kind = question.get("type")
        if kind == "category":
            assert question.findtext("category/text").startswith("$course$/")
            continue
        for path in REQUIRED[kind]:
            assert question.find(path) is not None, f"{kind} question without {path}"
        for element in question.iter():
            if element.get("format") == "html":
                well_formed_html(element.findtext("text") or "")
    return root


def well_formed_html(fragment: str) -> ET.Element:
    return ET.fromstring(f"<div>{fragment}</div>")


def questions(root, kind=None):
    return [q for q in root if q.get("type") != "category"
            and (kind is None or q.get("type") == kind)]


def read_maxima(text: str, names: dict) -> sp.Expr:
    return normalize(parse_maxima(text, name_dict={"signum": sp.sign, **names}))


def question_variables(question) -> dict:
    """The STACK question variables, each read back (``name: expression;`` per line)."""
    names: dict = {}
    for line in question.findtext("questionvariables/text").strip().splitlines():
        name, _, value = line.rstrip(";").partition(":")
        names[name.strip()] = read_maxima(value, names)
    return names


def walk_tree(question, answer: sp.Expr, names: dict, domain: sp.Expr):
    """The potential-response tree on ``answer``: (score, the last answer note)."""
    nodes = {n.findtext("name"): n for n in question.findall("prt/node")}
    name = "0"
    while True:
        node = nodes[name]
        assert node.findtext("answertest") == "AlgEquiv"
        teacher = names[node.findtext("tans")]
        branch = "true" if equivalent(answer, teacher, domain).passed else "false"
        note, score = node.findtext(f"{branch}answernote"), float(node.findtext(f"{branch}score"))
        name = node.findtext(f"{branch}nextnode")
        if name == "-1":
            return score, note


def latex_in(fragment: str) -> list[str]:
    """The inline formulas \\( … \\) of an HTML fragment, unescaped."""
    return [html.unescape(m) for m in re.findall(r"\\\((.*?)\\\)", fragment, re.DOTALL)]


def assert_in_check_words(feedback: str, diagnosis, solution) -> None:
    """The feedback says what ``derive check --format markdown`` says of the mistake: its
    words (the step where it happens included) and each of its formulas, as \\( … \\)."""
    module = environment("markdown").get_template("markdown/mistakes.j2").module
    words = " ".join(str(module.diagnosis(diagnosis, solution)).split())
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", feedback)).split()).lower()
    for k, piece in enumerate(re.split(r"\$([^$]*)\$", words)):
        piece = piece.replace("**", "").strip()
        if piece:
            assert (f"\\({piece}\\)" if k % 2 else piece).lower() in shown, piece


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- STACK --------------------------------------------------------------------------------

def check_stack_question(question, record) -> None:
    """Everything a STACK question promises, checked on the file (``record``: the question's
    own record, for the worked solution the mistakes are made in)."""
    student = question.findtext("input/name")
    text = question.findtext("questiontext/text")
    assert f"[[input:{student}]]" in text and f"[[validation:{student}]]" in text
    assert "[[feedback:prt1]]" in question.findtext("specificfeedback/text")
    assert question.findtext("questionnote/text").strip()
    assert question.findtext("input/type") == "algebraic"

    names = question_variables(question)
    solution = record.solution
    function = names[next(iter(names))]          # the first variable: the function
    assert_same_function(function, solution.expression.doit())
    truth = sp.diff(function, *solution.sequence)
    teacher = question.findtext("input/tans")
    assert_same_function(names[teacher], truth, function)
    [note] = latex_in(question.findtext("questionnote/text"))
    assert_same_function(normalize(parse(note.rsplit(" = ", 1)[1])), truth, function)
    assert "Checked" in question.findtext("generalfeedback/text")

    nodes = question.findall("prt/node")
    assert question.findtext("prt/name") == "prt1"
    assert [n.findtext("name") for n in nodes] == [str(k) for k in range(len(nodes))]
    assert all(n.findtext("sans") == student for n in nodes)
    assert all(n.findtext("falsescore") == "0" for n in nodes)
    assert nodes[0].findtext("tans") == teacher and nodes[0].findtext("truescore") == "1"
    notes = [n.findtext("trueanswernote") for n in nodes]
    assert len(set(notes)) == len(notes)

    # each mistake node: the answer its mistake gives, and feedback naming it and its step
    made = {}
    for k, (target, rest) in enumerate(differentiations(solution)):
        for app in applications(target, solution.sequence[k]):
            made.setdefault(app.id, []).append(differentiate_rest(app.answer, rest))
    for node, mistaken in zip(nodes[1:], record.mistakes):
        mistake_id = node.findtext("description")
        assert mistake_id == mistaken.id
        assert node.findtext("truescore") == "0"
        answer = names[node.findtext("tans")]
        assert any(equivalent(answer, m, function).passed for m in made[mistake_id]), \
            f"{mistake_id}: {answer}"
        feedback = node.findtext("truefeedback/text")
        assert mistake_title(mistake_id).lower() in html.unescape(feedback).lower()
        assert_in_check_words(feedback, mistaken.diagnosis, solution)

    # the question tests reach the notes they expect, the right answer scoring 1
    tests = question.findall("qtest")
    assert len(tests) == len(nodes)
    for test in tests:
        answer = names[test.findtext("testinput/value")]
        score, note = walk_tree(question, answer, names, function)
        assert note == test.findtext("expected/expectedanswernote")
        assert score == float(test.findtext("expected/expectedscore"))
    assert tests[0].findtext("testinput/value") == teacher


def test_a_stack_question_of_one_function(capsys, tmp_path):
    out = tmp_path / "q.xml"
    code, _, err = cli(capsys, "ln(sin(x^3)^2)", "-o", str(out))   # .xml names the format
    assert code == 0, err
    root = read_quiz(out.read_text(encoding="utf-8"))
    [question] = questions(root)
    assert question.get("type") == "stack"
    record = next(api.moodle_question("ln(sin(x^3)^2)").questions)
    check_stack_question(question, record)
    names = question_variables(question)
    assert question.findtext("questionvariables/text").startswith("f: log(sin(x^3)^2);")
    assert_same_function(names["ta"], 6 * x**2 * sp.cot(x**3))
    # a mistake of the notes' own worked example: the power rule's exponent kept
    assert any(equivalent(names[n.findtext("tans")], 6 * x**2 * sp.cos(x**3)).passed
               for n in question.findall("prt/node")[1:])


@pytest.mark.parametrize("expression, wrt, order", [
    ("x^2 sin(x)", None, 1),
    ("(x^2+1)/(x-1)", None, 1),
    ("x^2 y^3 + sin(x y)", "y", 1),
    ("e^(3x) cos(2x)", None, 2),
    ("sqrt(x + sqrt(x))", None, 1),
    ("log(x^2 + 1, 10)", None, 1),
])
def test_stack_questions(expression, wrt, order):
    quiz = api.moodle_question(expression, wrt=wrt, order=order)
    root = read_quiz(render_quiz(quiz))
    [question] = questions(root, "stack")
    check_stack_question(question, next(quiz.questions))


def test_an_answer_no_mistake_gives_ends_at_the_last_false_branch():
    quiz = api.moodle_question("x^2 sin(x)")
    [question] = questions(read_quiz(render_quiz(quiz)))
    names = question_variables(question)
    nodes = question.findall("prt/node")
    score, note = walk_tree(question, sp.exp(x), names, x**2 * sp.sin(x))
    assert (score, note) == (0, f"prt1-{len(nodes)}-F")
    assert "not what any of the common mistakes" in nodes[-1].findtext("falsefeedback/text")


def test_a_variable_named_like_a_question_variable_is_left_alone():
    quiz = api.moodle_question("f x^2 + x", wrt="x")
    [question] = questions(read_quiz(render_quiz(quiz)))
    names = question_variables(question)
    f = sp.Symbol("f", real=True)
    assert_same_function(names["f_"], f * x**2 + x)
    assert_same_function(names["ta"], 2 * f * x + 1)
    assert question.findtext("input/name") == "ans1"
    check_stack_question(question, next(quiz.questions))


def test_decimals_typed_stay_decimals_and_may_be_answered():
    [question] = questions(read_quiz(render_quiz(api.moodle_question("0.5 x^2 + 1.25x"))))
    assert "0.5 x^{2} + 1.25 x" in question.findtext("questiontext/text")
    assert question.findtext("input/forbidfloat") == "0"
    assert_same_function(question_variables(question)["ta"], x + sp.Rational(5, 4))
    [exact] = questions(read_quiz(render_quiz(api.moodle_question("x^2 / 2"))))
    assert exact.findtext("input/forbidfloat") == "1"


# --- multiple choice ----------------------------------------------------------------------

def check_multichoice_question(question, record) -> None:
    """The options: one right, three wrong, all different; each wrong one's feedback names
    the mistakes that give it and the step where they happen."""
    assert question.findtext("single") == "true"
    assert question.findtext("shuffleanswers") == "1"
    answers = question.findall("answer")
    assert sorted(a.get("fraction") for a in answers) == ["0", "0", "0", "100"]
    function = record.solution.expression.doit()
    truth = sp.diff(function, *record.solution.sequence)
    shown = []
    for answer, choice in zip(answers, record.choices):
        [latex] = latex_in(answer.findtext("text"))
        option = normalize(parse(latex))
        shown.append(option)
        feedback = html.unescape(answer.findtext("feedback/text"))
        if answer.get("fraction") == "100":
            assert_same_function(option, truth, function)
            continue
        assert not equivalent(option, truth, function).passed
        assert_in_check_words(answer.findtext("feedback/text"), choice.mistaken.diagnosis,
                              record.solution)
        for mistake in choice.mistaken.diagnosis.mistakes:
            assert mistake_title(mistake.id).lower() in feedback.lower()
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            assert not equivalent(a, b, function).passed


def test_a_multiple_choice_question(capsys, tmp_path):
    out = tmp_path / "q.xml"
    code, _, err = cli(capsys, "ln(sin(x^3)^2)", "--format", "moodle", "--question-type",
                       "multichoice", "-o", str(out))
    assert code == 0, err
    [question] = questions(read_quiz(out.read_text(encoding="utf-8")), "multichoice")
    record = next(api.moodle_question("ln(sin(x^3)^2)", "multichoice").questions)
    check_multichoice_question(question, record)
    [right] = [a for a in question.findall("answer") if a.get("fraction") == "100"]
    assert_same_function(normalize(parse(latex_in(right.findtext("text"))[0])),
                         6 * x**2 * sp.cot(x**3))


# --- numerical ----------------------------------------------------------------------------

def numerical(capsys, tmp_path, *args):
    out = tmp_path / "q.xml"
    code, _, err = cli(capsys, *args, "--format", "moodle", "--question-type", "numerical",
                       "-o", str(out))
    assert code == 0, err
    [question] = questions(read_quiz(out.read_text(encoding="utf-8")), "numerical")
    return question


def test_a_numerical_question_at_a_given_point(capsys, tmp_path):
    question = numerical(capsys, tmp_path, "x^3 sin(x)", "--at", "x=2")
    expected = float(sp.diff(x**3 * sp.sin(x), x).subs(x, 2))
    answer = question.find("answer")
    assert answer.get("fraction") == "100"
    assert float(answer.findtext("text")) == pytest.approx(expected, rel=1e-9)
    assert float(answer.findtext("tolerance")) == pytest.approx(1e-3 * abs(expected), rel=1e-4)
    # the exact value, said in the feedback, is the value
    exact = latex_in(answer.findtext("feedback/text"))[-1].split("=")[-1]
    assert float(parse(exact)) == pytest.approx(expected, rel=1e-12)
    assert "Value." in question.findtext("generalfeedback/text")
    assert "x = 2" in html.unescape(question.findtext("questiontext/text"))


@pytest.mark.parametrize("expression, point, value", [
    ("ln(x)", "x = 1", 1),                 # the first readable point
    ("ln(x - 2)", "x = 3", 1),             # 1, 2, 1/2, -1 are outside the domain
    ("x^2 - 2x", "x = 2", 2),              # x = 1 gives f' = 0: a point where it is not
])
def test_a_numerical_question_chooses_a_readable_point(capsys, tmp_path, expression, point,
                                                        value):
    question = numerical(capsys, tmp_path, expression)
    assert point in html.unescape(question.findtext("questiontext/text"))
    assert float(question.findtext("answer/text")) == value


def test_a_value_near_zero_has_an_absolute_tolerance(capsys, tmp_path):
    question = numerical(capsys, tmp_path, "x^2/10000000", "--at", "x=1")
    assert float(question.findtext("answer/text")) == pytest.approx(2e-7)
    assert question.findtext("answer/tolerance") == "0.000001"
    assert "6 decimal places" in question.findtext("questiontext/text")


# --- sheets -------------------------------------------------------------------------------

def records_of(quiz):
    return list(quiz.questions)


def test_a_sheet_of_stack_questions_from_every_bank():
    """Every question of a sheet drawn from all the banks: Maxima read back, tree walked."""
    quiz = api.moodle_sheet(load_banks([]), count=12, seed=11, jobs=1)
    root = read_quiz(render_quiz(quiz))
    found = questions(root, "stack")
    assert len(found) == 12
    for question, record in zip(found, records_of(quiz)):
        if record.method:
            check_method_stack_question(question, record)
        else:
            check_stack_question(question, record)


def test_variants_are_one_category_per_problem(capsys, tmp_path):
    out = tmp_path / "quiz.xml"
    code, _, err = cli(capsys, "sheet", "chain-rule", "--count", "3", "--variants", "2",
                       "--seed", "5", "--course", "Calculus I", "--title", "Week 3/4",
                       "-o", str(out))
    assert code == 0, err
    assert "quiz: 6 stack questions in 3 categories, seed 5" in err
    root = read_quiz(out.read_text(encoding="utf-8"))
    kinds = [q.get("type") for q in root]
    assert kinds == ["category", "stack", "stack"] * 3
    paths = [q.findtext("category/text") for q in root if q.get("type") == "category"]
    assert paths == [f"$course$/Calculus I/Week 3//4/Problem {n}" for n in (1, 2, 3)]
    names = [q.findtext("name/text") for q in questions(root)]
    assert names[0].startswith("Problem 1 (version A): ")
    assert names[1].startswith("Problem 1 (version B): ")


def test_one_version_is_one_category():
    quiz = api.moodle_sheet(load_banks(["power-rule"]), "multichoice", count=3, seed=2,
                            title="Quiz", jobs=1)
    root = read_quiz(render_quiz(quiz))
    assert [q.get("type") for q in root] == ["category"] + ["multichoice"] * 3
    assert root[0].findtext("category/text") == "$course$/Quiz"
    for question, record in zip(questions(root), records_of(quiz)):
        check_multichoice_question(question, record)


def test_a_sheet_of_numerical_questions_at_one_point():
    quiz = api.moodle_sheet(load_banks(["power-rule"]), "numerical", at="x=2", count=3,
                            seed=4, jobs=1)
    root = read_quiz(render_quiz(quiz))
    for question, record in zip(questions(root, "numerical"), records_of(quiz)):
        function = record.solution.expression.doit()
        wrt = record.solution.wrt
        expected = float(sp.diff(function, wrt).subs(wrt, 2))
        assert float(question.findtext("answer/text")) == pytest.approx(expected, rel=1e-9)


def test_the_same_seed_gives_the_same_bytes(capsys, tmp_path):
    texts = []
    for jobs in ("1", "2"):
        out = tmp_path / f"quiz-{jobs}.xml"
        code, _, err = cli(capsys, "sheet", "product-rule", "quotient-rule", "--count", "4",
                           "--seed", "9", "--format", "moodle", "-j", jobs, "-o", str(out))
        assert code == 0, err
        texts.append(out.read_bytes())
    assert texts[0] == texts[1]


# --- escaping -----------------------------------------------------------------------------

def test_cdata_splits_its_end_marker():
    text = f"<quiz><t>{cdata('a]]>b <p>')}</t></quiz>"
    assert ET.fromstring(text).findtext("t") == "a]]>b <p>"


def test_markdown_words_become_html_with_math_for_mathjax_and_nothing_else_as_markup():
    made = str(markdown_inline_html("if $x < 1$ & **step 2**: <b>"))
    assert "\\(x &lt; 1\\)" in made and "<strong>step 2</strong>" in made
    assert "&amp;" in made and "&lt;b&gt;" in made and "<b>" not in made
    well_formed_html(made)
    block = str(markdown_html("**Function.** $y = x$\n\n$$\n\\frac{a}{b} < 1\n$$\n\n"
                              "| a | b |\n|---|---|\n| $x$ | <i> |\n"))
    assert "\\[\\frac{a}{b} &lt; 1\\]" in block and "<table>" in block
    assert "&lt;i&gt;" in block and "<i>" not in block
    well_formed_html(f"<div>{block}</div>")


def test_a_title_and_a_prompt_are_escaped():
    ask = records.Ask("x^2", "A <b> & \"c\"", prompt="Show <all> & work ]]>")
    quiz = records.quiz([(records.category_path("A & B", "x/y"), [ask])])
    root = read_quiz(render_quiz(quiz))
    assert root[0].findtext("category/text") == "$course$/A & B/x//y"
    question = questions(root)[0]
    assert question.findtext("name/text").startswith('A <b> & "c": ')
    assert "Show &lt;all&gt; &amp; work ]]&gt;" in question.findtext("questiontext/text")


@pytest.mark.parametrize("value, shown", [(2.0, "2"), (-0.5, "-0.5"), (1e-7, "0.0000001"),
                                          (123456789012.0, "123456789000"),
                                          (3.852555696, "3.852555696")])
def test_numbers_are_written_without_exponents(value, shown):
    assert number(value) == shown


# --- the command line ---------------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["x^2", "--question-type", "stack"], "--question-type goes with --format moodle"),
    (["x^2", "--format", "moodle", "--at", "x=1"], "--at goes with --question-type numerical"),
    (["x^2", "--format", "moodle", "--gradient"], "--gradient does not go with --format moodle"),
    (["x^2", "--format", "moodle", "--shape", "x=3", "--wrt", "x"],
     "does not go with --format moodle"),
    (["x^2", "--format", "moodle", "--mode", "reverse"], "--mode does not go with"),
    (["x^2", "--format", "moodle", "--style", "textbook"], "--style does not go with"),
    (["|x|", "--format", "moodle", "--question-type", "numerical", "--at", "x=0"],
     "has no value at x = 0 (a corner)"),
    (["f(g(x))", "--format", "moodle"], "needs concrete functions"),
    (["sheet", "chain-rule", "--question-type", "stack"], "--question-type goes with"),
    (["sheet", "chain-rule", "--at", "x=1"], "--at goes with --format moodle"),
    (["sheet", "chain-rule", "--format", "moodle", "--solutions"], "--solutions does not go"),
    (["sheet", "chain-rule", "--format", "moodle", "--multiple-choice"],
     "use --question-type multichoice"),
    (["sheet", "jacobians-hessians", "--format", "moodle"], "no problem in jacobians-hessians"),
])
def test_bad_combinations_are_one_line_usage_errors(capsys, args, says):
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert says in err and len(err.strip().splitlines()) == 1


def test_the_command_line_offers_every_question_type():
    assert cli_moodle.QUESTION_TYPES == records.QUESTION_TYPES



# ==========================================================================================
# Problems worked by a method of their own: implicit differentiation, tangent lines, first
# principles and logarithmic differentiation, each asked in the method's words, its general
# feedback the method's worked solution, every answer compared with SymPy's here.
# ==========================================================================================

from functools import lru_cache  # noqa: E402

from derive.calculus.implicit_mistakes import mistakes as implicit_mistakes  # noqa: E402

y = sp.Symbol("y", real=True)
METHOD_BANKS = {"implicit": "implicit-differentiation", "tangent": "tangent-lines",
                "first-principles": "first-principles", "log": "logarithmic-differentiation"}
METHOD_TOPICS = {"log": ("method",)}      # the problems of the bank worked by logarithms
METHOD_COUNT = 3
# what a question says it asks, and words of the method's worked solution
ASKED_WORDS = {"implicit": "by implicit differentiation", "tangent": "the tangent line",
               "first-principles": "from first principles",
               "log": "by logarithmic differentiation"}
SOLUTION_WORDS = {"implicit": "Differentiate both sides", "tangent": "Tangent and normal",
                  "first-principles": "\\lim", "log": "Take the natural logarithm"}
OFFERED = [("implicit", "stack"), ("implicit", "multichoice"), ("implicit", "numerical"),
           ("tangent", "stack"), ("tangent", "numerical"),
           ("first-principles", "stack"), ("first-principles", "multichoice"),
           ("first-principles", "numerical"),
           ("log", "stack"), ("log", "multichoice"), ("log", "numerical")]


@lru_cache(maxsize=None)
def method_quiz(method: str, question_type: str):
    """(the quiz's records, the parsed file) of a sheet of a method's bank."""
    quiz = api.moodle_sheet(load_banks([METHOD_BANKS[method]]), question_type,
                            count=METHOD_COUNT, seed=7, jobs=1,
                            topics=METHOD_TOPICS.get(method, ()))
    return records_of(quiz), read_quiz(render_quiz(quiz))


def curve_function(s) -> sp.Expr:
    """F(x, y) = left − right of a curve (an implicit solution's equation), read back."""
    return normalize(s.equation.left - s.equation.right)


def expected_answer(record) -> tuple[sp.Expr, sp.Expr]:
    """(SymPy's answer to what the question asks, the function whose domain compares
    answers): dy/dx by ``idiff``, f′ by ``diff``, the tangent m·(x − a) + b with m from
    either."""
    s = record.solution
    if record.method == "implicit":
        F = curve_function(s)
        return normalize(sp.idiff(F, normalize(s.y), normalize(s.x))), F
    if record.method == "first-principles":
        f = normalize(s.function.doit())
        return sp.diff(f, normalize(s.variable)), f
    if record.method == "log":
        f = normalize(s.expression.doit())
        return sp.diff(f, normalize(s.wrt)), f
    a, b = s.point
    if s.function is not None:
        f = normalize(s.function.doit())
        slope = sp.diff(f, x).subs(x, a)
    else:
        F = curve_function(s.implicit)
        slope = sp.idiff(F, y, x).subs({x: a, y: b})
        f = F
    return sp.simplify(slope * (x - a) + b), f


def expected_value(record) -> float:
    """SymPy's value of what a numerical question asks, at the question's point."""
    s = record.solution
    if record.method == "implicit":
        return float(sp.idiff(curve_function(s), y, x).subs(
            {normalize(k): v for k, v in s.point}))
    if record.method == "tangent":
        truth, _ = expected_answer(record)
        return float(sp.diff(truth, x))
    truth, _ = expected_answer(record)
    point = {normalize(k): v for k, v in record.evaluation.point}
    return float(truth.subs(point))


def check_method_stack_question(question, record) -> None:
    """A STACK question on a method: the teacher's answer read back is SymPy's, the
    function read back is the problem's, every mistake node's answer differs from it and is
    the answer of the mistake it names, whose feedback names it; the question tests reach
    the nodes they expect."""
    student = question.findtext("input/name")
    text = question.findtext("questiontext/text")
    assert f"[[input:{student}]]" in text and f"[[validation:{student}]]" in text
    names = question_variables(question)
    truth, domain = expected_answer(record)
    function = names[next(iter(names))]
    assert sp.simplify(function - domain) == 0 or sp.simplify(function + domain) == 0
    teacher = names[question.findtext("input/tans")]
    assert_same_function(teacher, truth, truth)
    [note] = latex_in(question.findtext("questionnote/text"))
    assert_same_function(normalize(parse(note.rsplit(" = ", 1)[1])), truth, truth)
    nodes = question.findall("prt/node")
    assert nodes[0].findtext("truescore") == "1"
    made = method_mistakes(record)
    for node in nodes[1:]:
        mistake_id = node.findtext("description")
        answer = names[node.findtext("tans")]
        assert not equivalent(answer, teacher, truth).passed, mistake_id
        assert any(equivalent(answer, m, truth).passed for m in made[mistake_id]), mistake_id
        feedback = html.unescape(node.findtext("truefeedback/text"))
        if record.method == "log":
            assert mistake_title(mistake_id).lower() in feedback.lower()
            assert "what you get if" in feedback
        else:
            assert "<strong>" in feedback and "Your answer " in feedback \
                or "The mistake:" in feedback
    for test in question.findall("qtest"):
        answer = names[test.findtext("testinput/value")]
        score, note = walk_tree(question, answer, names, truth)
        assert note == test.findtext("expected/expectedanswernote")
        assert score == float(test.findtext("expected/expectedscore"))


def method_mistakes(record) -> dict:
    """Every mistaken answer of the method's mistakes (of the table's by logarithms), by
    mistake id, worked here from the records of derive.calculus and derive.checking."""
    from derive.calculus.choices import first_principles_candidates
    from derive.checking.answers import worked_solution
    s = record.solution
    made: dict = {}
    if record.method == "implicit":
        for m in implicit_mistakes(s):
            made.setdefault(m.kind, []).append(m.derivative)
    elif record.method == "first-principles":
        for c in first_principles_candidates(s):
            made.setdefault(c.id, []).append(c.raw)
    elif record.method == "tangent":
        line, _ = expected_answer(record)
        a, b = s.point
        m = sp.diff(line, x)
        made = {"normal-line": [-(x - a) / m + b] if m != 0 else [],
                "point-y-left-out": [m * (x - a)], "y-as-intercept": [m * x + b]}
        if s.function is not None:
            made["slope-not-evaluated"] = [sp.diff(normalize(s.function), x) * (x - a) + b]
    elif record.method == "log":
        solution = worked_solution(s.input, None, style="textbook")
        for k, (target, rest) in enumerate(differentiations(solution)):
            for app in applications(target, solution.sequence[k]):
                made.setdefault(app.id, []).append(differentiate_rest(app.answer, rest))
    return made


def check_method_multichoice_question(question, record) -> None:
    """One right option, SymPy's answer; three wrong ones, none of them it, each with
    feedback naming its mistake."""
    answers = question.findall("answer")
    assert sorted(a.get("fraction") for a in answers) == ["0", "0", "0", "100"]
    truth, domain = expected_answer(record)
    for answer in answers:
        [latex] = latex_in(answer.findtext("text"))
        option = normalize(parse(latex))
        feedback = html.unescape(answer.findtext("feedback/text"))
        if answer.get("fraction") == "100":
            assert_same_function(option, truth, truth)
            assert feedback.startswith("<p>Right:")
        else:
            assert not equivalent(option, truth, truth).passed
            assert "The mistake:" in feedback or "Your answer is what you get if" in feedback


@pytest.mark.parametrize("method, question_type", OFFERED)
def test_a_method_bank_as_moodle_questions(method, question_type):
    quiz, root = method_quiz(method, question_type)
    found = questions(root)
    assert len(found) == METHOD_COUNT
    assert all(q.get("type") == question_type for q in found)
    for question, record in zip(found, quiz):
        assert record.method == method
        assert ASKED_WORDS[method] in question.findtext("questiontext/text")
        assert SOLUTION_WORDS[method] in html.unescape(question.findtext("generalfeedback/text"))
        if question_type == "stack":
            check_method_stack_question(question, record)
        elif question_type == "multichoice":
            check_method_multichoice_question(question, record)
        else:
            value = float(question.findtext("answer/text"))
            assert value == pytest.approx(expected_value(record), rel=1e-9, abs=1e-12)


def test_a_tangent_stack_question_names_the_mistakes_of_its_line():
    quiz, root = method_quiz("tangent", "stack")
    ids = {n.findtext("description") for q in questions(root) for n in q.findall("prt/node")[1:]}
    assert {"normal-line", "point-y-left-out", "y-as-intercept"} <= ids
    feedback = " ".join(n.findtext("truefeedback/text") for q in questions(root)
                        for n in q.findall("prt/node")[1:])
    assert "The normal line." in feedback and "taken as the intercept" in feedback


def test_an_implicit_stack_question_has_a_node_for_each_mistake_of_the_method():
    quiz, root = method_quiz("implicit", "stack")
    for question, record in zip(questions(root), quiz):
        nodes = question.findall("prt/node")[1:]
        assert [n.findtext("description") for n in nodes] == [m.id for m in record.mistakes]
        assert len(nodes) == len(implicit_mistakes(record.solution))
        s = record.solution
        assert f"in terms of \\({s.x}\\) and \\({s.y}\\)" in question.findtext(
            "questiontext/text")


def test_an_answer_equal_to_dydx_only_on_the_curve_is_marked_wrong_by_algequiv():
    """AlgEquiv compares formulas in x and y: −x·y/(25 − x²) is −x/y on x² + y² = 25 and
    still reaches a false branch (a limitation of the STACK question, said in its docs)."""
    solution = api.implicit("x^2 + y^2 = 25")
    quiz = records.quiz([("$course$/c", [records.Ask("x^2 + y^2 = 25", "P",
                                                     solution=solution,
                                                     method="implicit")])])
    [question] = questions(read_quiz(render_quiz(quiz)))
    names = question_variables(question)
    score, _ = walk_tree(question, -x * y / (25 - x**2), names, -x / y)
    assert score == 0


def test_a_tangent_line_by_rules_and_at_a_curve():
    for curve, at, line in [("x^2 + 3x", "x=1", 5 * x - 1), ("x^2 + y^2 = 25", "x=3,y=4",
                                                           (25 - 3 * x) / 4)]:
        ask = records.Ask(curve, "P", solution=api.tangent(curve, at), method="tangent")
        quiz = records.quiz([("$course$/c", [ask])])
        [question] = questions(read_quiz(render_quiz(quiz)))
        assert_same_function(question_variables(question)["ta"], line)
        numeric = records.quiz([("$course$/c", [ask])], "numerical")
        assert next(numeric.questions).value == pytest.approx(float(sp.diff(line, x)))


@pytest.mark.parametrize("question_type", ["stack", "numerical"])
def test_a_vertical_tangent_is_refused_in_one_line(question_type):
    ask = records.Ask("x^2 + y^2 = 25", "P", solution=api.tangent("x^2 + y^2 = 25", "x=5,y=0"),
                      method="tangent")
    with pytest.raises(api.InputError, match=r"the tangent at \(5, 0\) is vertical, x = 5"):
        records.quiz([("$course$/c", [ask])], question_type)


@pytest.mark.parametrize("kind, at, question_type, options, asked", [
    ("implicit", None, "stack", {}, True),
    ("implicit", None, "multichoice", {}, True),
    ("implicit", None, "numerical", {}, False),            # no point to evaluate at
    ("implicit", "x=3,y=4", "numerical", {}, True),
    ("implicit", "x=3,y=4", "stack", {}, False),
    ("implicit", None, "stack", {"order": 2}, False),       # d²y/dx² is not asked
    ("tangent", "x=1", "stack", {}, True),
    ("tangent", "x=1", "numerical", {}, True),
    ("tangent", "x=1", "multichoice", {}, False),
    ("tangent", "x=5,y=0", "stack", {"tags": ("tangent", "vertical")}, False),
    ("first-principles", None, "stack", {}, True),
    ("first-principles", None, "numerical", {}, True),
    ("derivative", None, "stack", {"method": "log"}, True),
    ("derivative", None, "stack", {"method": "other"}, False),
])
def test_which_problems_of_a_method_are_asked(kind, at, question_type, options, asked):
    method = options.pop("method", "rules")
    assert records.askable(kind, (), at, question_type, method, **options) is asked


def test_a_bank_with_no_askable_problem_is_one_line(capsys):
    code, out, err = cli(capsys, "sheet", "tangent-lines", "--format", "moodle",
                         "--question-type", "multichoice")
    assert code == 2 and out == ""
    assert "no problem in tangent-lines" in err and len(err.strip().splitlines()) == 1


def test_a_method_quiz_on_the_command_line(capsys, tmp_path):
    out = tmp_path / "quiz.xml"
    code, _, err = cli(capsys, "sheet", "first-principles", "--count", "2", "--seed", "3",
                       "--format", "moodle", "--question-type", "numerical", "-o", str(out))
    assert code == 0, err
    assert "quiz: 2 numerical questions" in err
    found = questions(read_quiz(out.read_text(encoding="utf-8")), "numerical")
    assert all("from first principles" in q.findtext("questiontext/text") for q in found)
