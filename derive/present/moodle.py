"""A quiz (``derive.checking.moodle.Quiz``) written as Moodle XML, the file Moodle's question
bank imports (Question bank → Import → Moodle XML format).

The file is laid out by the templates ``moodle/quiz.xml.j2`` (the categories, each followed by
its questions) and ``moodle/<type>.xml.j2`` (one question of each type: stack, multichoice,
numerical, numbers typed as decimals written as decimals); the HTML of a question – its text
and the words of each feedback – by ``moodle/html.j2``.  The worked solution of its general
feedback, and the words of a diagnosis and of a value at a point, are the Markdown that
``derive`` and ``derive check`` print (``markdown/solution.j2``, ``markdown/mistakes.j2``,
``markdown/value.j2``), turned into HTML by ``derive.present.html``: mathematics in
``\\( … \\)`` and ``\\[ … \\]``, which Moodle's MathJax filter typesets, in derive's notation
(every formula read back).  STACK's question variables and answer tests are Maxima, written
by ``derive.present.maxima``.  A question on a method of its own (implicit differentiation,
a tangent line, first principles, logarithmic differentiation) is asked in the method's
words, and its general feedback is the method's worked solution, laid out by its own
presenter (``derive.present.results.render``).

Escaping: the templates are rendered with autoescaping, so every value put into the XML or
the HTML – a formula, a name, a title – has ``&``, ``<`` and ``>`` escaped; HTML goes into the
XML inside CDATA sections (``cdata``), where a ``]]>`` is split across two sections.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Optional

import jinja2
from markupsafe import Markup

from derive.checking.moodle import Quiz
from derive.core.forms import decimal_numbers
from derive.present.checks import mistake_title
from derive.present.html import markdown_html, markdown_inline_html
from derive.present.maxima import to_maxima
from derive.present.notation import to_text
from derive.present.render import environment, template_errors
from derive.present.results import render
from derive.present.words import shortened
from derive.read.parsing import typed_decimals

SIGNIFICANT = 10          # digits of a number written in the XML


@lru_cache(maxsize=8)
def moodle_environment(templates: Optional[str] = None) -> jinja2.Environment:
    """The environment of the Moodle templates: the Markdown environment's filters (LaTeX
    math, read back) with autoescaping on, its own template cache and no bytecode cache (a
    template compiled with autoescaping must not be shared with the Markdown environment),
    and the filters of this module."""
    base = environment("markdown", templates)
    env = base.overlay(autoescape=True, bytecode_cache=None, cache_size=64)
    env.filters = dict(base.filters)
    env.globals = dict(base.globals)
    env.filters.update(cdata=cdata, maxima=to_maxima, number=number, plain=to_text,
                       shortened=shortened)
    words = {name: base.get_template(f"markdown/{name}.j2").module
             for name in ("mistakes", "value")}
    env.globals.update(
        mistake_title=lambda mistake_id: mistake_title(mistake_id, "text", templates),
        diagnosis_html=lambda d, solution: _markdown_html(words["mistakes"].diagnosis,
                                                          d, solution),
        clause_html=lambda a: _markdown_html(words["mistakes"].clause, a, capital=False),
        taken_as_html=lambda a: _markdown_html(words["mistakes"].taken_as, a, False,
                                               capital=False),
        value_html=lambda pv, formula: _markdown_html(words["value"].line, pv, formula),
        solution_html=lambda solution: markdown_html(render(solution, "markdown",
                                                            templates=templates)),
        variable_names=variable_names, typed_decimals=typed_decimals)
    return env


def render_quiz(quiz: Quiz, templates: Optional[str] = None) -> str:
    """The quiz as a Moodle XML document (UTF-8 text, the XML declaration on its first line),
    ending in one newline."""
    with template_errors():
        env = moodle_environment(templates)
        categories = [(category, [_question_xml(env, q) for q in category.questions])
                      for category in quiz.categories]
        text = env.get_template("moodle/quiz.xml.j2").render(categories=categories)
    return text.strip() + "\n"


def _question_xml(env: jinja2.Environment, question) -> Markup:
    """One question (``moodle/<type>.xml.j2``), numbers the user typed as decimals written
    as decimals."""
    typed = typed_decimals(question.solution.input)
    with decimal_numbers(typed):
        return Markup(env.get_template(f"moodle/{question.type}.xml.j2").render(q=question))


# --- filters ------------------------------------------------------------------------------

def cdata(html) -> Markup:
    """HTML in a CDATA section, a ``]]>`` inside split across two sections."""
    return Markup("<![CDATA[" + str(html).replace("]]>", "]]]]><![CDATA[>") + "]]>")


def number(value: float, significant: int = SIGNIFICANT) -> str:
    """A number as decimals, without an exponent: ``0.001234``, ``-2.5``, ``1500``."""
    text = format(Decimal(f"{value:.{significant}g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _markdown_html(macro, *args, capital: bool = True) -> Markup:
    """A macro of a Markdown template (rendered by the Markdown environment) as HTML, its
    first letter a capital unless ``capital`` is False (words inside a sentence)."""
    words = " ".join(str(macro(*args)).split())
    return markdown_inline_html(words[:1].upper() + words[1:] if capital else words)


def variable_names(question) -> dict:
    """The names of a STACK question's variables – the function ``f``, the teacher's answer
    ``ta``, the mistaken answers ``wa1``, ``wa2`` … (``wa``: one per mistake node) and the
    input ``ans1`` – each with ``_`` added until no variable of the function or the answer
    has it."""
    taken = {s.name for s in question.function.free_symbols | question.answer.free_symbols}

    def free(name: str) -> str:
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    return {"f": free("f"), "ta": free("ta"), "ans": free("ans1"),
            "wa": [free(f"wa{k}") for k in range(1, len(question.mistakes) + 1)]}


__all__ = ["render_quiz", "moodle_environment", "cdata", "number", "variable_names"]
