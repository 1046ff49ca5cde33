"""Checking a student's answer, the table of common mistakes, and multiple-choice questions.

Expected derivatives and expected wrong answers are written here from the mathematics (in
SymPy's syntax, read with ``from_sympy``), never taken from the program's output.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sympy as sp

from conftest import (assert_compiles, assert_same_function, compare_numerically, from_sympy,
                      pdflatex_path)
from derive.checking import answers, mistakes, quiz
from derive.checking.answers import AnswerParseError, Judge, check, diagnose_answer
from derive.cli.main import run
from derive.errors import InputError
from derive.present import checks
from derive.checking.mistakes import TABLE, Fault, applications, derivative, sites
from derive.present.notation import to_text
from derive.read.parsing import parse

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
ROOT = Path(__file__).resolve().parent.parent


def cli(capsys, *args):
    code = run(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys, *args):
    code, out, err = cli(capsys, *args, "--format", "json")
    return code, json.loads(out)


# --- the verdict ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["6x^2 cot(x^3)", "6x^2 cos(x^3)/sin(x^3)",
                                    "3x^2 sin(2x^3)/sin(x^3)^2", "6x² cot(x³)",
                                    "\\frac{6x^2}{\\tan(x^3)}"])
def test_equivalent_forms_are_correct(capsys, answer):
    code, out, err = cli(capsys, "ln(sin(x^3)^2)", "--answer", answer)
    assert code == 0, out + err
    assert "correct: it equals dy/dx = 6x² cot(x³)" in out
    assert err == ""
    assert "worked solution" not in out   # shown only when it is needed


@pytest.mark.parametrize("expression, answer, wrt", [
    ("x^x", "x^x (ln x + 1)", None),
    ("x^x", "e^(x ln x)(1 + ln x)", None),
    ("ln(x^2)", "2/x", None),
    ("sqrt(x)", "1/(2 sqrt(x))", None),
    ("|x|", "x/|x|", None),            # undefined at 0, like the derivative
    ("ln|x|", "1/x", None),
    ("tan x", "1 + tan(x)^2", None),
    ("sin(x)^2", "sin(2x)", None),
    ("arctan(1/x)", "-1/(1 + x^2)", None),   # judged where both are defined (x ≠ 0)
    ("x^2 y^3", "2x y^3", "x"),
    ("x^2 y^3", "3x^2 y^2", "y"),
    ("acosh(x^2 + 10)", "2x/sqrt((x^2 + 10)^2 - 1)", None),   # real only far from 0
    ("x^2/(x + 1)", "(x^2 + 2x)/(x + 1)^2", None),             # x = -1, a pole, is skipped
    ("f(x) g(x)", "f'(x) g(x) + f(x) g'(x)", None),           # primes for f and g
    ("f(g(x))", "f′(g(x)) g′(x)", None),
    ("f(x^2)", "2x f'(x^2)", None),
    ("f(x)^2", "2 f(x) f'(x)", None),
])
def test_right_answers_in_unusual_forms(expression, answer, wrt):
    result = check(expression, answer, wrt)
    assert result.correct, result.counterexample


def test_higher_and_mixed_derivatives(capsys):
    assert cli(capsys, "e^(2x)", "--order", "2", "--answer", "4e^(2x)")[0] == 0
    assert cli(capsys, "e^(2x)", "--order", "2", "--answer", "2e^(2x)")[0] == 1
    assert cli(capsys, "x^2 y^3", "--wrt", "x", "--wrt", "y", "--answer", "6x y^2")[0] == 0
    code, data = cli_json(capsys, "x^2 y^3", "--wrt", "x", "--wrt", "y", "--answer",
                          "6x^2 y^2")
    assert code == 1
    # 2x² y³ (exponent not lowered), then ∂/∂y: 6x² y²
    assert data["mistake"] == "power-not-lowered"
    assert data["diagnoses"][0]["order"] == 1


def test_wrong_answer_names_the_inner_derivative_and_the_step(capsys):
    code, out, err = cli(capsys, "ln(sin(x^3)^2)", "--answer", "2 cot(x^3)", "--style", "graph")
    assert code == 1
    assert "incorrect: df/dx = 6x² cot(x³)" in out
    assert "the inner derivative 3x² is left out at step 3: chain rule" in out
    # the step named is the one the worked solution (printed below) numbers 3
    assert "worked solution" in out
    assert "3. Chain rule" in out.split("worked solution")[1]
    assert err == ""   # the verdict above says it all: nothing on stderr, exit status 1


def test_counterexample_has_both_values(capsys):
    code, data = cli_json(capsys, "ln(sin(x^3)^2)", "--answer", "2 cot(x^3)")
    assert code == 1
    example = data["counterexample"]
    point = {sp.Symbol(k, real=True): sp.Rational(v) for k, v in example["at"].items()}
    want = float(sp.N((6 * x**2 * sp.cot(x**3)).subs(point)))
    got = float(sp.N((2 * sp.cot(x**3)).subs(point)))
    assert example["expected_value"] == pytest.approx(want)
    assert example["answer_value"] == pytest.approx(got)
    assert abs(want - got) > 1e-6


def test_json_fields(capsys):
    code, data = cli_json(capsys, "x^2 sin x", "--answer", "2x cos x", "--style", "graph")
    assert code == 1
    assert set(data) >= {"correct", "expected", "counterexample", "mistake", "step",
                         "explanation"}
    assert data["correct"] is False
    assert data["mistake"] == "product-of-derivatives"
    assert data["step"] == 3                 # 3. Total derivative
    assert "product" in data["explanation"]
    assert_same_function(parse(data["expected"].replace("²", "^2")),
                         from_sympy("x**2*cos(x) + 2*x*sin(x)"))
    code, data = cli_json(capsys, "x^2 sin x", "--answer", "x^2 cos x + 2x sin x")
    assert code == 0
    assert data == {**data, "correct": True, "counterexample": None, "mistake": None,
                    "step": None}


@pytest.mark.parametrize("expression, answer, mistake", [
    ("x^2 sin x", "2x cos x", "product-of-derivatives"),
    ("sin(x)/x", "(sin x - x cos x)/x^2", "quotient-swapped"),
    ("cos(3x)", "3 sin(3x)", "cos-sign"),
])
def test_examples_of_the_issue(capsys, expression, answer, mistake):
    code, data = cli_json(capsys, expression, "--answer", answer)
    assert code == 1
    assert data["mistake"] == mistake


# wrong answers containing each kind of mistake, written by hand from the mathematics
WRONG = [
    ("sin(x^2)", "cos(x^2)", None, "inner-derivative"),
    ("(x^2 + 1)^3", "3(x^2 + 1)^2", None, "inner-derivative"),
    ("sqrt(x^2 + 1)", "1/(2 sqrt(x^2 + 1))", None, "inner-derivative"),
    ("x^2 sin x", "2x cos x", None, "product-of-derivatives"),
    ("e^x ln x", "e^x/x", None, "product-of-derivatives"),
    ("sin(x)/x", "(sin x - x cos x)/x^2", None, "quotient-swapped"),
    ("x^2/(x + 1)", "(x^2 - 2x(x + 1))/(x + 1)^2", None, "quotient-swapped"),
    ("x^2/(x + 1)", "(2x(x + 1) - x^2)/(x + 1)", None, "quotient-unsquared"),
    ("x^5", "5x^5", None, "power-not-lowered"),
    ("sin(x)^3", "3 sin(x)^3 cos x", None, "power-not-lowered"),
    ("2^x", "x*2^(x - 1)", None, "exponential-as-power"),
    ("ln(x^2 + 1)", "1/(x^2 + 1)", None, "ln-without-inner"),
    ("ln(sin x)", "1/sin x", None, "ln-without-inner"),
    ("cos(x)", "sin(x)", None, "cos-sign"),
    ("cos(3x)", "3 sin(3x)", None, "cos-sign"),
    ("e^(x^2)", "e^(x^2)", None, "exp-without-inner"),
    ("exp(sin x)", "exp(sin x)", None, "exp-without-inner"),
    ("x y", "y + x", "x", "partial-not-constant"),
    ("x^2 y^3", "2x y^3 + 3x^2 y^2", "x", "partial-not-constant"),
    ("sin(x + x^2)", "2x cos(x + x^2)", None, "missing-path"),
    ("x^x", "x^x ln x", None, "missing-path"),
    ("x^3 + 8", "3x^2 + 8", None, "constant-not-dropped"),
    ("x/(x + 1)", "((x + 1) + x)/(x + 1)^2", None, "quotient-plus"),
    ("sqrt(3x + 1)", "3/sqrt(3x + 1)", None, "sqrt-without-half"),
    ("sin(x^2)", "-2x cos(x^2)", None, "sin-sign"),
    ("tan(3x)", "3 sec(3x)", None, "tan-unsquared"),
    ("x^3", "3x^4", None, "power-raised"),
    ("5^x", "5^x", None, "exponential-without-ln"),
    ("log(x^3, 2)", "3/x", None, "log-base-without-ln"),
    ("ln(x^3 + 1)", "1/(3x^2)", None, "ln-reciprocal-of-inner"),
]


@pytest.mark.parametrize("expression, answer, wrt, mistake", WRONG)
def test_each_kind_of_mistake_is_recognised(expression, answer, wrt, mistake):
    result = check(expression, answer, wrt)
    assert not result.correct
    assert result.counterexample is not None and result.counterexample.answer is not None
    assert result.diagnosis is not None, f"{answer} for {expression}: no diagnosis"
    assert result.diagnosis.mistakes[0].id == mistake


def test_two_mistakes_at_once():
    # cos(3x) → sin(3x): the sign of d/du cos u lost and the inner derivative 3 left out
    result = check("cos(3x)", "sin(3x)", style="graph")
    assert [a.id for a in result.diagnosis.mistakes] == ["cos-sign", "inner-derivative"]
    assert [r.number for r in result.diagnosis.steps] == [2, 3]   # local, then chain rule


def test_step_of_a_local_mistake_is_the_local_derivative():
    # du/dx = 3x³ instead of 3x² in ln(sin²(x³)): 6x³ cot(x³)
    result = check("ln(sin(x^3)^2)", "6x^3 cot(x^3)", style="graph")
    ref = result.diagnosis.steps[0]
    assert result.diagnosis.mistakes[0].id == "power-not-lowered"
    assert ref.number == 2 and ref.phase.rule == "local-derivatives"
    assert str(ref.line.of) == "u" and ref.line.wrt == x


def test_answer_matching_no_mistake(capsys):
    code, out, _ = cli(capsys, "x^2", "--answer", "x", "--no-solution")
    assert code == 1
    assert "at x = 1: dy/dx = 2, your answer gives 1" in out
    assert "none of the common mistakes" in out


def test_answer_undefined_where_the_derivative_is():
    result = check("x^2", "sqrt(-1 - x^2)")
    assert not result.correct
    assert result.counterexample.answer is None


def test_answer_with_a_foreign_variable(capsys):
    code, out, _ = cli(capsys, "x^2", "--answer", "2t", "--no-solution")
    assert code == 1
    assert "your answer uses t, which the function does not have" in out


def test_a_vector_is_not_checked():
    with pytest.raises(InputError, match="one function"):
        check("[x^2, x^3]", "[2x, 3x^2]", "x")


def test_abstract_functions_are_judged_with_one_stand_in_each():
    assert check("f(g(x))", "g(x)").correct is False
    assert check("f(x) g(x)", "f(x) g(x)").correct is False
    assert check("f(x) + x", "f(x) + 1").correct is False


# --- bad input ------------------------------------------------------------------------------

def test_malformed_answer_says_it_is_the_answer(capsys):
    code, out, err = cli(capsys, "x^2", "--answer", "2x +")
    assert code == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith("derive: error: the answer is malformed")
    assert "Traceback" not in err
    with pytest.raises(AnswerParseError):
        answers.read_answer("sin(x")


def test_malformed_expression_is_not_blamed_on_the_answer(capsys):
    code, _, err = cli(capsys, "sin(x", "--answer", "cos x")
    assert code == 2
    assert "answer" not in err.splitlines()[0]


@pytest.mark.parametrize("args", [["x^2", "--answer", ""], ["x^2"], ["x y", "--answer", "y"],
                                  ["x^2", "--answer", "2x", "--standalone"]])
def test_other_bad_input_exits_2(capsys, args):
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert err.startswith("derive: error:") or err.startswith("Error") or "Usage" in err
    assert "Traceback" not in err


# --- the mistake table ----------------------------------------------------------------------

# (expression, mistake, the wrong derivative it gives), worked by hand
GENERATED = [
    ("sin(x^2)", "inner-derivative", "cos(x**2)"),
    ("x**2*sin(x)", "product-of-derivatives", "2*x*cos(x)"),
    ("sin(x)/x", "quotient-swapped", "(sin(x) - x*cos(x))/x**2"),
    ("sin(x)/x", "quotient-unsquared", "(x*cos(x) - sin(x))/x"),
    ("x^4", "power-not-lowered", "4*x**4"),
    ("3^x", "exponential-as-power", "x*3**(x - 1)"),
    ("ln(x^3)", "ln-without-inner", "1/x**3"),
    ("cos(x^2)", "cos-sign", "2*x*sin(x**2)"),
    ("e^(3x)", "exp-without-inner", "exp(3*x)"),
]


@pytest.mark.parametrize("expression, mistake, wrong", GENERATED)
def test_each_mistake_generates_the_wrong_answer(expression, mistake, wrong):
    made = [a for a in applications(parse(expression), x) if a.id == mistake]
    assert made, f"{mistake} does not apply to {expression}"
    assert_same_function(made[0].answer, from_sympy(wrong))


def test_partial_not_constant_and_missing_path_generate_their_wrong_answers():
    made = {a.id: a for a in applications(parse("x y"), x)}
    assert_same_function(made["partial-not-constant"].answer, x + y)
    dropped = [a.answer for a in applications(parse("sin(x + x^2)"), x)
               if a.id == "missing-path"]
    want = [from_sympy("2*x*cos(x + x**2)"), from_sympy("cos(x + x**2)")]
    assert len(dropped) == 2
    for expected in want:
        assert any(compare_numerically(d, expected).ok for d in dropped)


def test_every_mistake_of_the_table_is_exercised():
    covered = {m for _, _, _, m in WRONG}
    assert covered == {m.id for m in TABLE}


@pytest.mark.parametrize("text", ["ln(sin(x^3)^2)", "x^x", "sin(x + x^2)", "x^2 e^x/(1 + x)",
                                  "sqrt(1 - x^2) arctan(x)", "2^(x^2) + cos(e^x)",
                                  "f(g(x)) h(x)", "log_2(x^2 + 1)"])
def test_the_walk_without_faults_is_the_derivative(text):
    expr = parse(text)
    assert_same_function(derivative(expr, x), sp.diff(expr.doit(), x), expr.doit())


def test_a_fault_changes_only_its_node():
    expr = parse("sin(x^2) + cos(x^3)")
    site = next(s for s in sites(expr, x) if s.node == parse("cos(x^3)"))
    wrong = derivative(expr, x, [Fault(mistakes.mistake("cos-sign"), site.path)])
    assert_same_function(wrong, from_sympy("2*x*cos(x**2) + 3*x**2*sin(x**3)"))


@pytest.mark.parametrize("text", ["ln(sin(x^3)^2)", "x^2 sin x", "sin(x)/x", "cos(3x)",
                                  "e^(x^2) + 2^x", "sin(x + x^2)"])
def test_every_generated_wrong_answer_is_recognised(text):
    """What a mistake generates, the checker recognises as that mistake at that node."""
    from derive import differentiate
    solution = differentiate(text)
    function = solution.expression.doit()
    judge = Judge(function, sp.diff(function, x), shown=solution.result)
    for app in applications(parse(text), x):
        if compare_numerically(app.answer, sp.diff(function, x), function).ok:
            continue   # this mistake changes nothing here
        found = diagnose_answer(solution, app.answer, judge)
        assert any(d.mistakes == (app,) for d in found), (text, app.id, app.node)


def test_every_mistake_has_words_in_every_format():
    apps = [a for expression, _, wrt, _ in WRONG
            for a in applications(parse(expression), sp.Symbol(wrt or "x", real=True))]
    assert {a.id for a in apps} == {m.id for m in TABLE}
    for m in TABLE:
        assert checks.mistake_title(m.id)
    for fmt in ("text", "markdown", "latex"):
        for app in apps:
            assert checks.describe(app, fmt).strip()


# --- multiple choice ------------------------------------------------------------------------

QUIZ = ["ln(sin(x^3)^2)", "x^2 sin x", "sin(x)/x", "cos(3x)", "e^(x^2)", "sin(x + x^2)"]


@pytest.mark.parametrize("text", QUIZ)
def test_multiple_choice_options(text):
    question = quiz.choices(text, seed=3)
    expr = parse(text)
    truth = sp.diff(expr.doit(), x)
    assert len(question.options) == 4
    assert [o.correct for o in question.options].count(True) == 1
    right = question.options[question.key]
    assert_same_function(right.expression, truth, expr.doit())
    for option in question.wrong:
        # really wrong: a point where it differs from the derivative
        assert compare_numerically(option.expression, truth, expr.doit()).mismatch
        # really produced by its named mistakes: made again from the table, same function
        remade = derivative(expr, x, [a.fault for a in option.mistakes])
        assert_same_function(option.expression, remade, expr.doit())
        assert option.id and all(a.id in mistakes.BY_ID for a in option.mistakes)
    for a, b in zip(question.options, question.options[1:]):
        assert to_text(a.expression) != to_text(b.expression)
    for i, a in enumerate(question.options):
        for b in question.options[i + 1:]:
            assert compare_numerically(a.expression, b.expression, expr.doit()).mismatch


def test_multiple_choice_is_reproducible_by_seed():
    first = quiz.choices("ln(sin(x^3)^2)", seed=11)
    again = quiz.choices("ln(sin(x^3)^2)", seed=11)
    assert [o.expression for o in first.options] == [o.expression for o in again.options]
    assert first.key == again.key
    keys = Counter(quiz.choices("ln(sin(x^3)^2)", seed=s).key for s in range(12))
    assert len(keys) > 1   # the right answer does not always stand in the same place


def test_multiple_choice_prefers_different_mistakes():
    question = quiz.choices("ln(sin(x^3)^2)", seed=0)
    kinds = [o.id for o in question.wrong]
    assert len(set(kinds)) == 3


def test_too_few_mistakes_for_a_question():
    with pytest.raises(InputError):
        quiz.choices("x^3", seed=0)


# --- rendering --------------------------------------------------------------------------------

def test_output_is_deterministic(capsys):
    args = ("sin(x + x^2)", "--answer", "cos(x + x^2)")
    assert cli(capsys, *args) == cli(capsys, *args)
    assert cli(capsys, *args, "--format", "json") == cli(capsys, *args, "--format", "json")


def test_markdown_verdict(capsys):
    code, out, _ = cli(capsys, "cos(3x)", "--answer", "3 sin(3x)", "--format", "markdown")
    assert code == 1
    assert "**Incorrect.**" in out and "**Diagnosis.**" in out
    # the sign is lost in the layer dy/du = -sin(u) of the textbook solution printed below
    assert "at $\\frac{dy}{du} = -\\sin\\left(u\\right)$, the derivative of cosine" in out
    assert "$\\frac{dy}{dx} = -3 \\sin\\left(3 x\\right)$" in out
    code, out, _ = cli(capsys, "cos(3x)", "--answer", "3 sin(3x)", "--format", "markdown",
                       "--style", "graph")
    assert code == 1 and "**step 2**" in out




def test_latex_verdicts_compile(tmp_path, capsys):
    cases = [("ln(sin(x^3)^2)", "2 cot(x^3)", []), ("cos(3x)", "sin(3x)", []),
             ("x^2 + x y + y^2", "2x + x + y + 2y", ["--wrt", "x"]),
             ("x^2", "x^2 - 1", []), ("x^2", "2x", [])]
    for i, (expression, answer, extra) in enumerate(cases):
        code, out, _ = cli(capsys, expression, "--answer", answer, *extra, "--format", "latex",
                           "--standalone", "--solution")
        assert code in (0, 1)
        assert_compiles(out, tmp_path, f"c{i}", expression)


def test_multiple_choice_is_the_same_in_another_process():
    """No dependence on hash randomisation or set order: two interpreters, two hash seeds."""
    code = ("from derive.checking.quiz import choices; from derive.present.notation import to_text; "
            "q = choices('sin(x)/x', seed=5); "
            "print(q.key, [to_text(o.expression) for o in q.options], [o.id for o in q.options])")
    outputs = []
    for hash_seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed}, cwd=ROOT,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


def test_a_prime_in_the_wrong_place_is_a_wrong_answer(capsys):
    code, out, _ = cli(capsys, "f(g(x))", "--answer", "f'(x) g'(x)")   # f′ at x, not at g(x)
    assert code == 1 and "incorrect" in out


# --- gradients and Jacobians, entry by entry ------------------------------------------------

def test_a_right_gradient(capsys):
    # ∇(x²y) = (2xy, x²), worked by hand
    code, out, _ = cli(capsys, "x^2 y", "--gradient", "--answer", "[2xy, x^2]")
    assert code == 0 and "correct: all 2 entries are right" in out


def test_a_gradient_with_one_wrong_entry_names_it(capsys):
    code, data = cli_json(capsys, "x^2 y", "--gradient", "--answer", "[2xy, 2x]")
    assert code == 1 and not data["correct"] and data["wrong_entries"] == 1
    first, second = data["entries"][0]
    assert first["correct"] and not second["correct"]
    assert sp.sympify(second["expected"].replace("²", "**2")) == sp.Symbol("x") ** 2
    assert second["counterexample"] is not None


def test_the_variables_give_the_order_of_the_entries(capsys):
    assert cli(capsys, "x^2 y", "--gradient", "--vars", "y,x", "--answer", "[x^2, 2x y]")[0] == 0
    assert cli(capsys, "x^2 y", "--gradient", "--vars", "y,x", "--answer", "[2x y, x^2]")[0] == 1


def test_a_jacobian_row_by_row(capsys):
    # J[xy, x + y²] = [[y, x], [1, 2y]]
    assert cli(capsys, "[x y, x + y^2]", "--jacobian", "--answer", "[[y, x], [1, 2y]]")[0] == 0
    code, data = cli_json(capsys, "[x y, x + y^2]", "--jacobian", "--answer",
                          "[[y, x], [1, y^2]]")
    assert code == 1 and [[e["correct"] for e in row] for row in data["entries"]] == [
        [True, True], [True, False]]


def test_a_wrong_entry_gets_its_diagnosis(capsys):
    # ∂/∂x sin(x²y) = 2xy cos(x²y); leaving out the inner derivative gives cos(x²y)
    code, data = cli_json(capsys, "sin(x^2 y)", "--gradient", "--answer",
                          "[cos(x^2 y), x^2 cos(x^2 y)]")
    assert code == 1 and data["entries"][0][0]["mistake"] == "inner-derivative"


@pytest.mark.parametrize("args, message", [
    (["x^2 y", "--gradient", "--answer", "[2xy]"],
     "the gradient has 2 entries (by x, y); the answer has 1 entry"),
    (["x^2 y", "--gradient", "--answer", "2xy"], "the answer to a gradient is written in brackets"),
    (["[x y, x]", "--jacobian", "--answer", "[[y, x], [1, 0], [0, 0]]"],
     "the Jacobian is 2×2 (a row per function, a column per variable: x, y); "
     "the answer has 3 rows of 2"),
    (["x y", "--jacobian", "--answer", "[y, x]"], "for one function use --gradient"),
    (["[x y, x]", "--gradient", "--answer", "[y, x]"], "use --jacobian"),
    (["x^2 y", "--gradient", "--wrt", "x", "--answer", "[2xy, x^2]"],
     "--gradient takes its variables from --vars"),
    (["x^2 y", "--vars", "x,y", "--answer", "2xy"], "--vars goes with --gradient"),
])
def test_array_answers_that_cannot_be_checked(capsys, args, message):
    code, _, err = cli(capsys, *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_malformed_entry_is_shown_in_the_whole_answer(capsys):
    code, _, err = cli(capsys, "x^2 y", "--gradient", "--answer", "[2xy, x^2 +]")
    lines = err.rstrip("\n").splitlines()
    assert code == 2 and "the answer is malformed" in lines[0]
    assert lines[1].strip() == "[2xy, x^2 +]" and lines[2].index("^") == lines[1].index("]")


def test_array_verdicts_in_every_format_and_latex_compiles(capsys, tmp_path):
    args = ("[x y, sin(x) + y^2]", "--jacobian", "--answer", "[[y, x], [cos(x), y]]")
    code, markdown, _ = cli(capsys, *args, "--format", "markdown")
    assert code == 1 and "**Jacobian**" in markdown and "### Row 2, column 2" in markdown
    code, latex, _ = cli(capsys, *args, "--format", "latex", "--standalone")
    assert code == 1 and "\\subsection*{Row 2, column 2: by $y$}" in latex
    pdflatex = pdflatex_path()
    (tmp_path / "check.tex").write_text(latex, encoding="utf-8")
    done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "check.tex"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]


def test_the_package_offers_the_checks():
    import derive
    verdict = derive.check("x^2 sin x", "2x cos x")        # the product rule left out
    assert not verdict.correct and verdict.counterexample is not None
    assert derive.check_array("gradient", "x^2 y", "[2xy, x^2]").correct
