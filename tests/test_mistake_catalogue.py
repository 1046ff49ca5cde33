"""The catalogue of common mistakes: each slip a teacher sees every week is generated at its
node, named by ``derive check`` with the step where it happens (in every output format), and
used as a multiple-choice distractor only where it gives a wrong answer.

Every wrong answer here is written by hand from the mathematics, in SymPy's syntax (read with
``from_sympy``), never taken from the catalogue or from the program's output.
"""

import json

import pytest
import sympy as sp

import derive.api as api
from conftest import assert_compiles, compare_numerically, from_sympy
from derive.checking import quiz
from derive.checking.mistakes import BY_ID, TABLE, applications, derivative
from derive.cli.main import run
from derive.present import checks
from derive.read.parsing import parse

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)

# (function, the wrong derivative a student writes, the slip that gives it)
SLIPS = [
    # d/dx c = c: the constant term kept
    ("x^2 + 5", "2*x + 5", "constant-not-dropped"),
    ("x^3 - 4x - 7", "3*x**2 - 4 - 7", "constant-not-dropped"),
    # (u/v)′ = (u′v + uv′)/v²
    ("(x^2+1)/(x-1)", "(2*x*(x - 1) + (x**2 + 1))/(x - 1)**2", "quotient-plus"),
    ("sin(x)/x", "(x*cos(x) + sin(x))/x**2", "quotient-plus"),
    # d/du √u = 1/√u
    ("sqrt(x^2+1)", "2*x/sqrt(x**2 + 1)", "sqrt-without-half"),
    ("sqrt(x)", "1/sqrt(x)", "sqrt-without-half"),
    # d/du sin u = −cos u
    ("sin(x)", "-cos(x)", "sin-sign"),
    ("sin(3x)", "-3*cos(3*x)", "sin-sign"),
    # d/du tan u = sec u
    ("tan(x)", "sec(x)", "tan-unsquared"),
    ("tan(x^2)", "2*x*sec(x**2)", "tan-unsquared"),
    # d/du uⁿ = n·uⁿ⁺¹ (for x⁻²: −2x⁻¹, the exponent moved towards 0)
    ("x^4", "4*x**5", "power-raised"),
    ("x^(-2)", "-2/x", "power-raised"),
    # d/du aᵘ = aᵘ
    ("2^x", "2**x", "exponential-without-ln"),
    ("3^(x^2)", "2*x*3**(x**2)", "exponential-without-ln"),
    # d/du log_b u = 1/u
    ("log(x, 2)", "1/x", "log-base-without-ln"),
    ("log10(x^2 + 1)", "2*x/(x**2 + 1)", "log-base-without-ln"),
    # (ln u)′ = 1/u′
    ("ln(x^2 + 1)", "1/(2*x)", "ln-reciprocal-of-inner"),
    ("ln(sin(x))", "1/cos(x)", "ln-reciprocal-of-inner"),
    # d/du eᵘ = u·eᵘ⁻¹, for exp(u) as for e^u and aᵘ
    ("exp(x)", "x*exp(x - 1)", "exponential-as-power"),
    ("exp(x^2)", "x**2*exp(x**2 - 1)*2*x", "exponential-as-power"),
]


def _function(text):
    return parse(text).doit()


@pytest.mark.parametrize("expression, wrong, mistake", SLIPS)
def test_the_catalogue_generates_the_slip(expression, wrong, mistake):
    made = [a for a in applications(parse(expression), x) if a.id == mistake]
    assert made, f"{mistake} does not apply to {expression}"
    f = _function(expression)
    assert any(compare_numerically(a.answer, from_sympy(wrong), f).ok for a in made), \
        [str(a.answer) for a in made]


@pytest.mark.parametrize("expression, wrong, mistake", SLIPS)
def test_check_names_the_slip_and_its_step(expression, wrong, mistake):
    result = api.check(expression, str(from_sympy(wrong)))
    assert not result.correct
    assert result.counterexample is not None and result.counterexample.answer is not None
    assert result.diagnosis is not None, f"{wrong} for {expression}: no diagnosis"
    assert [a.id for a in result.diagnosis.mistakes] == [mistake]
    ref = result.diagnosis.steps[0]
    assert ref.number >= 1 and ref.line is not None


# functions of several nodes, which the graph method works with intermediate variables
COMPOSED = [s for s in SLIPS if s[0] in {"x^2 + 5", "(x^2+1)/(x-1)", "sqrt(x^2+1)", "sin(3x)",
                                         "tan(x^2)", "3^(x^2)", "log10(x^2 + 1)",
                                         "ln(x^2 + 1)", "exp(x^2)"}]


@pytest.mark.parametrize("expression, wrong, mistake", COMPOSED + [
    ("x^5 + 5", "5*x**4 + 5", "constant-not-dropped"),     # a 5 in u = x⁵ too
])
def test_check_names_the_slip_in_the_graph_solution_too(expression, wrong, mistake):
    """The step named is the local derivative, or the chain-rule step, of the intermediate
    variable that stands for the node where the slip is made."""
    result = api.check(expression, str(from_sympy(wrong)), style="graph")
    (made,) = result.diagnosis.mistakes
    assert made.id == mistake
    ref = result.diagnosis.steps[0]
    want = "local-derivatives" if BY_ID[mistake].phase == "local" else "combine"
    assert ref.phase.rule == want
    steps = result.solution.steps
    bindings = next(s for s in steps if s.rule == "intermediates").bindings
    stands_for = {b.name: b.expanded for b in bindings}
    assert stands_for[ref.line.of] == made.node


def test_every_constant_term_kept():
    """∂/∂x (x² + y² + 3) answered 2x + y² + 3: both constant terms kept, one slip."""
    result = api.check("x^2 + y^2 + 3", "2*x + y**2 + 3", "x")
    (made,) = result.diagnosis.mistakes
    assert made.id == "constant-not-dropped" and set(made.detail) == {y**2, 3}
    words = " ".join(checks.explanation(result).split())
    assert "the constant terms y² and 3 are not dropped" in words


def test_the_slip_is_named_together_with_another():
    # sin(3x) → −cos(3x): the sign of d/du sin u and the inner derivative 3 both wrong
    result = api.check("sin(3x)", "-cos(3*x)")
    assert sorted(a.id for a in result.diagnosis.mistakes) == ["inner-derivative", "sin-sign"]


# --- every output format of derive check -------------------------------------------------

# the examples as a student types them, and words each format must say
EXAMPLES = [
    ("x^2 + 5", "2x + 5", "constant-not-dropped",
     {"text": "the constant term 5 is not dropped: its derivative is taken as 5 itself "
              "instead of 0",
      "markdown": "the constant term $5$ is not dropped: its derivative is taken as $5$ "
                  "itself instead of $0$",
      "latex": "the constant term $5$ is not dropped: its derivative is taken as $5$ "
               "itself instead of $0$"}),
    ("(x^2+1)/(x-1)", "(2x(x-1) + (x^2+1))/(x-1)^2", "quotient-plus",
     {"text": "is used with a plus (a′·b + a·b′ instead of a′·b - a·b′ over b²)",
      "markdown": "is used with a plus ($a' b + a b'$ instead of $a' b - a b'$ over $b^2$)",
      "latex": "is used with a plus ($a' b + a b'$ instead of $a' b - a b'$ over $b^2$)"}),
    ("sqrt(x^2+1)", "2x/sqrt(x^2+1)", "sqrt-without-half",
     {"text": "the factor 1/2 of d/du √u = 1/(2√u) is left out",
      "markdown": r"the factor $\frac{1}{2}$ of $\frac{d}{du} \sqrt{u}",
      "latex": r"the factor $\frac{1}{2}$ of $\frac{d}{du} \sqrt{u}"}),
    ("sin(x)", "-cos(x)", "sin-sign",
     {"text": "d/du sin(u) = cos(u) is given a minus sign",
      "markdown": r"$\frac{d}{du} \sin u = \cos u$ is given a minus sign",
      "latex": r"$\frac{d}{du} \sin u = \cos u$ is given a minus sign"}),
]


def _cli(capsys, *args):
    code = run(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("expression, answer, mistake, words", EXAMPLES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
def test_every_format_names_the_slip(capsys, expression, answer, mistake, words, fmt):
    code, out, err = _cli(capsys, expression, "--answer", answer, "--format", fmt,
                          "--no-solution")
    assert code == 1 and err == ""
    assert words[fmt] in " ".join(out.split())


@pytest.mark.parametrize("expression, answer, mistake, words", EXAMPLES)
def test_json_names_the_slip_and_its_step(capsys, expression, answer, mistake, words):
    code, out, _ = _cli(capsys, expression, "--answer", answer, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["correct"] is False
    assert data["mistake"] == mistake and data["mistakes"] == [mistake]
    assert isinstance(data["step"], int) and data["step"] >= 1
    first = data["diagnoses"][0]["mistakes"][0]
    assert first["id"] == mistake and first["step"] == data["step"]
    assert first["title"] and first["explanation"]
    assert words["text"] in " ".join(data["explanation"].split())


def test_latex_words_of_every_slip_compile(tmp_path, capsys):
    for i, (expression, wrong, mistake) in enumerate(SLIPS[::2]):
        code, out, _ = _cli(capsys, expression, "--answer", str(from_sympy(wrong)),
                            "--format", "latex", "--standalone", "--no-solution")
        assert code == 1
        assert_compiles(out, tmp_path, f"slip{i}", expression)


def test_markdown_words_of_every_slip_render(capsys):
    """Every formula of the Markdown verdicts is one KaTeX renders."""
    from test_markdown_render import invalid_markdown, read
    readings = []
    for expression, wrong, _ in SLIPS:
        code, out, _ = _cli(capsys, expression, "--answer", str(from_sympy(wrong)),
                            "--format", "markdown", "--no-solution")
        assert code == 1
        readings.append(read(expression, out))
    problems = invalid_markdown(readings)
    assert not problems, "\n".join(problems)


def test_every_record_has_a_title_and_words_in_every_format():
    apps = {}
    for expression, _, _ in SLIPS:
        for a in applications(parse(expression), x):
            apps.setdefault(a.id, a)
    for a in applications(parse("x^2 sin(x) + cos(x)"), x):
        apps.setdefault(a.id, a)
    for a in applications(parse("x^2 y + sin(x y)"), x):   # the partial-derivative records
        apps.setdefault(a.id, a)
    assert set(apps) == {m.id for m in TABLE}
    titles = [checks.mistake_title(m.id) for m in TABLE]
    assert all(titles) and len(set(titles)) == len(titles)
    for fmt in ("text", "markdown", "latex"):
        clauses = [checks.describe(apps[m.id], fmt) for m in TABLE]
        assert all(c.strip() for c in clauses)


# --- no slip where it would give the right answer ----------------------------------------

@pytest.mark.parametrize("expression, mistake", [
    ("x^2", "constant-not-dropped"),            # no constant term
    ("5x^2", "constant-not-dropped"),           # a constant factor is not a term
    ("sin(x) + cos(x)", "constant-not-dropped"),
    ("ln(x)", "ln-reciprocal-of-inner"),        # no inner function
    ("ln(x^2/4)", "ln-reciprocal-of-inner"),    # u = x²/4: 1/u′ = u′/u = 2/x
    ("x^3", "sqrt-without-half"),
    ("log(x, e)", "log-base-without-ln"),       # ln e = 1
    ("e^x", "exponential-without-ln"),          # ln e = 1
    ("sin(x + 1)", "inner-derivative"),         # u′ = 1
    ("ln(x + 1)", "ln-without-inner"),
    ("e^(x + 1)", "exp-without-inner"),
])
def test_a_slip_is_not_made_where_it_changes_nothing(expression, mistake):
    assert mistake not in {a.id for a in applications(parse(expression), x)}


# functions on which every record of the catalogue applies somewhere
EXERCISES = sorted({e for e, _, _ in SLIPS} | {
    "x^2 sin(x)", "cos(x^2) + 1", "e^(x^2)", "ln(x^3)", "x^x", "sin(x + x^2)",
    "(x^2 - 1)/(x^2 + 1)", "2^x tan(x)", "sqrt(1 - x^2) + x^(-3)", "cos(3x)"})


def test_every_record_changes_the_derivative_wherever_it_is_made():
    """The node's derivative and the whole answer both differ from the right ones, at every
    node of every exercise where a record applies."""
    seen = set()
    for text in EXERCISES + ["x^2 y + sin(x y)"]:
        expr, f = parse(text), _function(text)
        truth = sp.diff(f, x)
        for a in applications(expr, x):
            seen.add(a.id)
            node = a.node.doit()
            assert compare_numerically(a.wrong, a.right, node).mismatch, (text, a.id, a.node)
            assert compare_numerically(a.answer, truth, f).mismatch, (text, a.id, a.node)
    assert seen == {m.id for m in TABLE}


@pytest.mark.parametrize("text", ["x^2 + 5", "(x^2+1)/(x-1)", "sqrt(x^2+1)", "sin(x) + tan(x)",
                                  "2^x + log(x, 3)", "ln(x^2 + 1) + x^4"])
def test_every_distractor_is_wrong_and_made_by_its_mistakes(text):
    expr, f = parse(text), _function(text)
    truth = sp.diff(f, x)
    question = quiz.choices(text, seed=1)
    assert len(question.wrong) == 3
    for option in question.wrong:
        assert option.mistakes and all(a.id in BY_ID for a in option.mistakes)
        assert compare_numerically(option.expression, truth, f).mismatch
        remade = derivative(expr, x, [a.fault for a in option.mistakes])
        assert compare_numerically(option.expression, remade, f).ok


def test_a_question_on_a_sum_with_a_constant_term():
    """d/dx (x² + 5): the wrong answers on offer are 2x² (exponent kept), 2x³ (exponent
    raised) and 2x + 5 (constant kept), each named by its slip."""
    question = quiz.choices("x^2 + 5", seed=1)
    want = {"power-not-lowered": "2*x**2", "power-raised": "2*x**3",
            "constant-not-dropped": "2*x + 5"}
    assert sorted(o.id for o in question.wrong) == sorted(want)
    for option in question.wrong:
        assert compare_numerically(option.expression, from_sympy(want[option.id])).ok
