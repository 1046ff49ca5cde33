"""The yardstick of final forms (``bench/forms.py`` over ``bench/forms.tsv``): every answer
derive prints for its exercises is right, and most are in the form a textbook prints or
shorter.  The textbook answers were written by hand; the yardstick checks each against
``sympy.diff`` before it measures derive against it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "forms.py"
SHARE = 0.90  # the least share of answers in textbook form or shorter (the aim is 0.95)


def _load():
    spec = importlib.util.spec_from_file_location("forms_yardstick", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


forms = _load()


@pytest.fixture(scope="module")
def outcomes():
    return forms.run(forms.read())


def test_the_exercises_cover_every_topic():
    rows = forms.read()
    assert len(rows) >= 80
    assert {r.topic for r in rows} == set(forms.TOPICS)
    assert all(sum(r.topic == t for r in rows) >= 6 for t in forms.TOPICS)


def test_every_textbook_answer_equals_sympys_derivative(outcomes):
    wrong = [(o.exercise.function, o.exercise.book) for o in outcomes if not o.book_right]
    assert not wrong


def test_every_answer_derive_prints_is_correct(outcomes):
    wrong = [(o.exercise.function, o.exercise.book, o.error or o.answer)
             for o in outcomes if not o.correct]
    assert not wrong


def test_most_answers_are_in_textbook_form_or_shorter(outcomes):
    in_form = sum(o.in_form for o in outcomes)
    longer = [(o.exercise.function, o.exercise.book, o.answer)
              for o in outcomes if not o.in_form]
    assert in_form >= SHARE * len(outcomes), longer


# --- the measure itself: it must be able to fail

def test_a_wrong_textbook_answer_is_caught():
    # d/dx x³ ln x = x²(3 ln x + 1); a sign slip, and the missing |x| of arcsec, must not pass
    assert forms.book_is_right(forms.Exercise("x^3 ln(x)", "x**2*(3*log(x) + 1)", "x",
                                              "product"))
    assert not forms.book_is_right(forms.Exercise("x^3 ln(x)", "x**2*(3*log(x) - 1)", "x",
                                                  "product"))
    assert not forms.book_is_right(forms.Exercise("arcsec(x)", "1/(x*sqrt(x**2 - 1))", "x",
                                                  "inverse-trig"))


def test_size_sees_the_printed_structure():
    def size(text):
        return forms.size(forms.written(text, "x"))

    # (x − 1)² factored is shorter than multiplied out; the factor pulled out is shorter
    assert size("(x**2 - 2*x - 1)/(x - 1)**2") < size("(x**2 - 2*x - 1)/(x**2 - 2*x + 1)")
    assert size("x*(x*cos(x) + 2*sin(x))") < size("x**2*cos(x) + 2*x*sin(x)")
    # ∛x written either way is one printed form: 1/3 counts as one number
    assert size("2/(3*cbrt(x))") == size("2/(3*x**(1/3))")
    assert size("1/3") == 1 and size("sqrt(2)") > 1


def test_decimals_count_towards_the_form():
    # 0.5x² + 1.2x: the book keeps the decimals, so x + 6/5 is not its form
    book = forms.written("x + 1.2", "x")
    assert forms.has_decimals(book)
    assert not forms.has_decimals(forms.written("x + 6/5", "x"))
