"""Rendering a solution through the Jinja templates in ``templates/``.

One environment per delimiter family: text and Markdown use Jinja's usual ``{{ }}``/``{% %}``;
LaTeX uses ``((( )))``, ``((* *))`` and ``((= =))`` so that TeX braces stay TeX.  Every
environment has ``StrictUndefined`` (a missing value fails loudly) and the same filters:

``m``       an expression in the format's notation (Unicode text, or LaTeX for latex/markdown)
``d``       a derivative symbol: dy/dx, ∂u₂/∂x, \\frac{dy}{dx}
``rule``    the words of a rule, from ``rules/<id>.j2`` (``<format>/rules/<id>.j2`` overrides)
``goal``    what a solution finds: df/dx, ∂²f/∂y∂x
``matrix``  a matrix: Unicode brackets in text, ``bmatrix`` in LaTeX
``esc``     LaTeX-escaped user text
``mdesc``   Markdown-escaped user text (no emphasis, links, HTML or math from a title)
``cell``    the content of one Markdown table cell, made unable to end its cell or row
``frac`` ``times`` ``minus`` ``power``   ``a | frac(b)`` …: a/b, a·b, a − b, aⁿ as written,
            for formulas in templates (nothing is multiplied out)
``negative`` ``neg``   whether an expression carries a minus sign, and its negation

Templates are looked up first in the user's ``--templates DIR``, then in the templates that
ship with derive, so a teacher can change the wording of any rule or the layout of a solution.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

import jinja2
import sympy as sp

from derive.present import notation, readback, textbook_layout
from derive.cache import cache_dir
from derive.errors import RenderError
from derive.present.json_fields import common_fields, expression_json, sympy_text
from derive.present.linebreak import fit_aligns, fit_paragraphs, wrap_text
from derive.core.steps import Solution, Step

MATH_FORMAT = {"text": "text", "markdown": "latex", "latex": "latex"}
LATEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def templates_root() -> Path:
    """The shipped templates: ``templates/`` beside the package in a checkout, or the copy
    inside the installed wheel."""
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("derive") / "_data" / "templates"))


@lru_cache(maxsize=16)
def environment(fmt: str, user_dir: Optional[str] = None) -> jinja2.Environment:
    """The Jinja environment for one output format."""
    loaders = [jinja2.FileSystemLoader(user_dir)] if user_dir else []
    loaders.append(jinja2.FileSystemLoader(str(templates_root())))
    folder = cache_dir()
    # one cache per delimiter family: Jinja keys compiled templates by name and source, so a
    # template shared by the formats (rules/*.j2) compiled with LaTeX's delimiters would be
    # served to the text environment, its {% %} tags then printed as they stand
    family = "latex" if fmt == "latex" else "jinja"
    compiled = (jinja2.FileSystemBytecodeCache(str(folder), f"__jinja2_{family}_%s.cache")
                if folder else None)
    options = dict(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                   bytecode_cache=compiled,
                   keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True,
                   autoescape=False)
    if fmt == "latex":
        options.update(block_start_string="((*", block_end_string="*))",
                       variable_start_string="(((", variable_end_string=")))",
                       comment_start_string="((=", comment_end_string="=))")
    env = jinja2.Environment(**options)
    math = MATH_FORMAT[fmt]
    env.filters.update(
        m=(notation.to_text if math == "text" else notation.to_latex),
        mu=lambda e: (notation.to_text if math == "text" else notation.to_latex)(e, order="none"),
        name=(notation.name_text if math == "text" else notation.name_latex),
        d=lambda s, order=1: _leibniz(s, math, order),
        goal=lambda sol: (notation.leibniz_sequence_text if math == "text"
                          else notation.leibniz_sequence_latex)(
            sol.name, sol.sequence or (sol.wrt,) * sol.order, partial=sol.partial),
        matrix=(notation.matrix_text if math == "text" else notation.matrix_latex),
        dseq=lambda of, sequence, partial=True: (
            notation.leibniz_sequence_text if math == "text"
            else notation.leibniz_sequence_latex)(of, sequence, partial=partial),
        rule=lambda step: rule_words(env, fmt, step),
        esc=latex_escape,
        mdesc=markdown_escape,
        cell=markdown_cell,
        pad=lambda s, width: str(s) + " " * max(0, width - len(str(s))),
        frac=lambda a, b: sp.Mul(a, sp.Pow(b, -1, evaluate=False), evaluate=False),
        times=lambda a, b: sp.Mul(a, b, evaluate=False),
        minus=lambda a, b: sp.Add(a, sp.Mul(-1, b, evaluate=False), evaluate=False),
        power=lambda a, n: sp.Pow(a, n, evaluate=False),
        negative=lambda e: isinstance(e, sp.Expr) and e.could_extract_minus_sign(),
        neg=lambda e: -e,
    )
    _read_back_filters(env, math)
    _factor_filters(env, math)
    env.tests.update(single=textbook_layout.single, immediate=textbook_layout.immediate,
                     short_chain=textbook_layout.short_chain,
                     reordered=textbook_layout.reordered)
    env.filters["quick_steps"] = textbook_layout.quick_steps
    env.globals.update(fmt=fmt, is_step=lambda s: isinstance(s, Step))
    env.filters["zip"] = lambda a, b: list(zip(a, b))
    return env


def _read_back_filters(env: jinja2.Environment, math: str) -> None:
    """What is shown is what was checked: the filters that print mathematics (``m``, ``mu``,
    ``d``, ``matrix``) read back what they print with derive's own parser and raise
    ``VerificationError`` when it is not the expression given (``present.readback``)."""
    m, mu, d, matrix = (env.filters[name] for name in ("m", "mu", "d", "matrix"))

    def symbol_of(s):
        return s.leibniz if isinstance(s, Step) else s

    def d_checked(s, order=1):
        printed, symbol = d(s, order), symbol_of(s)
        return readback.read_back_leibniz(printed, symbol.of, symbol.wrt, symbol.partial,
                                          order, math)

    env.filters.update(
        m=lambda e: readback.read_back(m(e), e, math),
        mu=lambda e: readback.read_back(mu(e), e, math),
        d=d_checked,
        matrix=lambda a: readback.read_back_matrix(matrix(a), a, math, m),
    )



def _factor_filters(env: jinja2.Environment, math: str) -> None:
    """Filters that write a factor of a product as it is shown, one factor at a time, so that
    each factor printed is the value of the derivative it stands for (printed through ``m``,
    and so read back):

    ``coefficient(partial, first, alone)``  ∂f/∂o before ``· d/dx[o]`` in a rule applied once:
        ``(joint, value, text)``: the joint `` + `` or `` - `` before it (none when ``first``),
        the coefficient with the sign folded into the joint, and its text, in parentheses when
        it is a sum followed by ``·`` (``(x³ − 2x) · d/dx[x² + 1]``); ``alone``: no ``·``
        follows (the operand is the variable itself)
    ``chain_values(terms)``  the values of the factors of a sum of products of derivatives
        (a chain or total-derivative step), factor by factor: ``(−1/w²)·1·eᵘ·(−1)``,
        ``1·(−2u₁ sin(x)) + (−1)·2u₃ cos(x)``
    ``vector_name(names)``  the name of a vector function from its components' names:
        f for f₁ … fₘ
    """
    def paren(text: str) -> str:
        return "(%s)" % text if math == "text" else r"\left(%s\right)" % text

    def coefficient(partial, first=True, alone=False):
        m = env.filters["m"]
        value, joint = partial, ("" if first else " + ")
        text = m(value)
        if not first and not _is_sum(value):
            negated, inside = _negated(partial)
            folded = m(negated)
            if text.startswith("-") or (inside and not folded.startswith("-")):
                value, joint, text = negated, " - ", folded
        if _is_sum(value) and not alone:
            text = paren(text)
        return joint, value, text

    def shown(value, first: bool, alone: bool) -> str:
        text = env.filters["m"](value)
        if (_is_sum(value) or (not first and text.startswith("-"))
                or (not alone and math == "text" and _top_level_slash(text))):
            return paren(text)
        return text

    def chain_values(terms) -> str:
        """Each term the product of its factors; a term of one factor (∂y/∂x) is added or,
        when negative, subtracted; a negative factor in a longer product is in brackets."""
        dot = "·" if math == "text" else r" \cdot "
        out = ""
        for i, term in enumerate(terms):
            if len(term) == 1 and i > 0:
                joint, _, text = coefficient(term[0].value, False, True)
                out += joint + text
                continue
            out += (" + " if i else "") + dot.join(
                shown(f.value, i == 0 and j == 0, len(term) == 1) for j, f in enumerate(term))
        return out

    def reads_as(shown_text: str, other: str) -> bool:
        """Whether a product shown factor by factor reads as ``other`` once its dots are
        dropped (5·cos(x) and 5 cos(x)): the line then needs only one of them."""
        dot = "·" if math == "text" else r" \cdot "
        return other in (shown_text, shown_text.replace(dot, ""), shown_text.replace(dot, " "))

    env.filters.update(coefficient=coefficient, chain_values=chain_values,
                       vector_name=_vector_name, reads_as=reads_as)


def _is_sum(e) -> bool:
    return isinstance(e, sp.Expr) and e.is_Add


def _negated(e) -> tuple:
    """−e without a double sign, and whether the sign was taken from a sum inside a product:
    −((−x² − 1)/(x − 1)²) is (x² + 1)/(x − 1)²."""
    if isinstance(e, sp.Mul):
        for i, f in enumerate(e.args):
            if f.is_Add and f.could_extract_minus_sign():
                return sp.Mul(*(e.args[:i] + (-f,) + e.args[i + 1:])), True
    return -e, False


def _top_level_slash(text: str) -> bool:
    """Whether a printed formula has a ``/`` outside brackets (a fraction written inline)."""
    depth = 0
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "/" and depth == 0:
            return True
    return False


def _vector_name(names) -> sp.Symbol:
    """f for the components f₁ … fₘ (named ``f_1`` …): the name without its index."""
    first = str(names[0])
    base, _, index = first.rpartition("_")
    return sp.Symbol(base if base and index.isdigit() else first)


def _leibniz(s, math, order=1):
    symbol = s.leibniz if isinstance(s, Step) else s
    if symbol is None:
        raise RenderError("a derivative symbol was asked of a step that has none")
    printer = notation.leibniz_text if math == "text" else notation.leibniz_latex
    return printer(symbol.of, symbol.wrt, partial=symbol.partial, order=order)


def rule_words(env: jinja2.Environment, fmt: str, step: Step) -> str:
    """The words of the step's rule: ``<format>/rules/<id>.j2``, else ``rules/<id>.j2``,
    else ``rules/_default.j2`` (a simplification first by what it does,
    ``rules/simplify-<kind>.j2``, see ``textbook_layout.rewriting``)."""
    kind = textbook_layout.rewriting(step) if step.rule == "simplify" else ""
    names = [f"{fmt}/rules/{step.rule}.j2", f"rules/{step.rule}.j2", "rules/_default.j2"]
    if kind:   # what the simplification does: "common factor taken out"
        names[:0] = [f"{fmt}/rules/simplify-{kind}.j2", f"rules/simplify-{kind}.j2"]
    template = env.select_template(names)
    return template.render(step=step).strip()


MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>$~&")


def markdown_escape(text: str) -> str:
    """User text shown literally in Markdown: every character Markdown, HTML or math
    delimiters could read is backslash-escaped (``<`` and ``&`` as entities)."""
    out = []
    for c in str(text):
        if c == "<":
            out.append("&lt;")
        elif c == "&":
            out.append("&amp;")
        elif c in MARKDOWN_SPECIALS:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


# In a cell: an escaped character (\| included), a math delimiter, a bar, a line break.
_CELL_TOKEN = re.compile(r"\\.|\$\$?|\||\n", re.DOTALL)


def markdown_cell(text: str) -> str:
    """The content of one Markdown table cell, with nothing in it that ends the cell: inside
    ``$…$`` a bar is written ``\\vert`` and a double bar (``\\|``) ``\\Vert`` – the same
    bars for every renderer, which do not agree on an escaped pipe inside math – and a ``|``
    in the words is escaped ``\\|``; a line break, which would end the row, becomes a space."""
    math = False

    def safe(found: re.Match) -> str:
        nonlocal math
        token = found.group()
        if token.startswith("$"):
            math = not math
            return token
        if token == "\n":
            return " "
        if token in ("|", "\\|"):
            following = found.string[found.end():found.end() + 1]
            return _bar_command(token, following) if math else "\\|"
        return token

    return _CELL_TOKEN.sub(safe, str(text))


def _bar_command(bar: str, following: str) -> str:
    """``\\vert`` for ``|``, ``\\Vert`` for ``\\|``, with a space when a letter follows."""
    command = r"\Vert" if bar == "\\|" else r"\vert"
    return command + (" " if following.isascii() and following.isalpha() else "")


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIALS.get(c, c) for c in str(text))


def render_document(name: str, fmt: str, standalone: bool, templates: Optional[str], *,
                    line_width: Optional[int] = None, **context) -> str:
    """``<fmt>/<name>`` rendered with ``context``; with ``standalone`` (LaTeX) wrapped in
    ``latex/document.j2``.  Long lines are broken (``fit_lines``; text at ``line_width``
    columns)."""
    if fmt not in MATH_FORMAT:
        raise RenderError(f"unknown format {fmt!r}")
    env = environment(fmt, templates)
    with template_errors():
        body = env.get_template(f"{fmt}/{name}").render(**context)
        if standalone and fmt == "latex":
            body = env.get_template("latex/document.j2").render(body=body, **context)
    return fit_lines(body, fmt, line_width).rstrip() + "\n"


@contextmanager
def template_errors(name: Optional[str] = None):
    """A missing or broken template (derive's or the user's ``--templates``) as one
    ``RenderError`` line, naming the template where the caller knows it."""
    try:
        yield
    except jinja2.TemplateError as error:
        where = f" in {name}" if name else ""
        raise RenderError(f"template error{where}: {error}") from error


def fit_lines(body: str, fmt: str, width: Optional[int] = None) -> str:
    """``body`` with its long lines broken: text wrapped at ``width`` columns (None: the
    width ``linebreak.text_width`` set, else 100), the rows of LaTeX ``align*``
    environments fitted to the line."""
    if fmt == "text":
        return wrap_text(body, width)
    if fmt == "latex":
        return fit_aligns(fit_paragraphs(body))
    return body


def render_step(step: Step, fmt: str, templates: Optional[str] = None) -> str:
    """One step on its own (its line of the solution), as JSON consumers get it."""
    env = environment(fmt, templates)
    return env.get_template(f"{fmt}/step.j2").render(step=step).strip()


def _step_json(step: Step, templates) -> dict:
    data = {
        "rule": step.rule,
        "latex": render_step(step, "latex", templates),
        "text": render_step(step, "text", templates),
        "target": sympy_text(step.target),
        "result": sympy_text(step.result),
    }
    if step.wrt is not None:
        data["wrt"] = sympy_text(step.wrt)
    if step.of is not None:
        data["of"] = sympy_text(step.of)
        data["partial"] = step.partial
    if step.condition is not None:
        data["condition"] = sympy_text(step.condition)
    if step.bindings:
        data["intermediates"] = [_binding_json(b) for b in step.bindings]
    if step.substeps:
        data["substeps"] = [_step_json(s, templates) for s in step.substeps]
    return data


def _binding_json(node) -> dict:
    return {"name": sympy_text(node.name), "definition": sympy_text(node.definition),
            "expanded": sympy_text(node.expanded),
            "arguments": [sympy_text(a) for a in node.arguments]}


def _intermediates_json(solution: Solution) -> list:
    """The intermediates of the first order: the user's definitions, then the engine's."""
    listed = [_binding_json(b) for b in solution.intermediates]
    named = {entry["name"] for entry in listed}
    given = [{"name": sympy_text(n), "definition": sympy_text(d), "given": True}
             for n, d in solution.definitions if sympy_text(n) not in named]
    return given + listed


def to_json(solution: Solution, templates: Optional[str] = None) -> dict:
    """The solution as plain JSON data; field names are stable (the common ones are
    ``derive.present.json_fields``)."""
    return {
        **common_fields(solution.input, solution.result, verified=solution.verified,
                        checks=solution.checks, point=solution.point, value=solution.value,
                        reason=value_reason((solution.evaluation,), templates)),
        "expression": sympy_text(solution.expression),
        "kind": solution.kind,
        "wrt": [sympy_text(v) for v in solution.sequence or (solution.wrt,)],
        "order": solution.order,
        "style": solution.style,
        "result_latex": notation.to_latex(solution.result),
        "result_text": notation.to_text(solution.result),
        "checks": [{"rule": c.rule, "claim": c.claim, "passed": c.passed, "method": c.method,
                    **({"detail": c.detail} if c.detail else {})} for c in solution.checks],
        "intermediates": _intermediates_json(solution),
        "steps": [_step_json(s, templates) for s in solution.steps],
        "notes": list(solution.notes),
    }


def value_reason(evaluations, templates: Optional[str] = None) -> Optional[str]:
    """Why derivatives have no value at the point, one line (``reason`` of
    ``text/value.j2``; several joined by "; "); None when each has one (or there is no point)."""
    missing = [e for e in evaluations if e is not None and e.value is None]
    if not missing:
        return None
    module = environment("text", templates).get_template("text/value.j2").module
    return "; ".join(str(module.reason(e)) for e in missing)


def result_equation(solution: Solution) -> str:
    """The answer as one LaTeX equation: d/dx f = result."""
    lhs = notation.leibniz_latex(solution.name, solution.wrt, order=solution.order)
    return f"{lhs} = {notation.to_latex(solution.result)}"


def array_json(array, templates: Optional[str] = None) -> dict:
    """A gradient/Jacobian/Hessian as JSON: ``result`` is a list (vector) or a list of rows."""
    data = {
        **common_fields(array.input, array.result, verified=array.verified,
                        checks=array.failed_checks, point=array.point, value=array.value,
                        reason=value_reason(array.evaluations, templates)),
        "kind": array.kind,
        "expression": [sympy_text(f) for f in array.functions] if len(array.functions) > 1
        else sympy_text(array.functions[0]),
        "wrt": [sympy_text(v) for v in array.variables],
        "shape": list(array.shape),
        "result_latex": notation.matrix_latex(array.result),
        "intermediates": [{"name": sympy_text(n), "definition": sympy_text(d), "given": True}
                          for n, d in array.definitions],
        "entries": [
            {"row": e.row, "column": e.column, "result": sympy_text(e.result),
             **({"same_as": list(e.same_as), "reason": e.reason} if e.same_as else {}),
             **({"solution": to_json(e.solution, templates)} if e.solution else {})}
            for row in array.entries for e in row],
    }
    if array.gradient is not None:
        data["gradient"] = array_json(array.gradient, templates)
    if array.chain is not None:
        data["chain"] = {"outer": array_json(array.chain.outer, templates),
                         "inner": array_json(array.chain.inner, templates),
                         "product": expression_json(array.chain.product)}
    return data
