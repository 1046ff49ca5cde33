"""Markdown written by derive's templates, as HTML whose mathematics MathJax typesets.

The Markdown of a worked solution, a diagnosis or a value (``templates/markdown/``) is parsed
as CommonMark with tables by markdown-it-py; its mathematics – ``$…$`` inline, ``$$…$$`` on a
line of its own, as KaTeX reads them in the Markdown output – is written ``\\(…\\)`` and
``\\[…\\]``, the delimiters of Moodle's MathJax filter, its ``&``, ``<`` and ``>`` escaped
(the browser gives MathJax the text back unescaped).  Raw HTML in the Markdown is not passed
through: it is escaped like any other text, so a title or a function the user typed cannot
become markup.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin


def _math(content: str, options: dict) -> str:
    """A formula between MathJax's delimiters: display (``$$``) or inline (``$``)."""
    tex = escapeHtml(content.strip())
    return f"\\[{tex}\\]" if options.get("display_mode") else f"\\({tex}\\)"


@lru_cache(maxsize=2)
def _parser(delimiters: bool) -> MarkdownIt:
    """CommonMark with GitHub's tables and dollar math, read as ``tests/test_markdown_render``
    reads every Markdown output; with ``delimiters``, the math written for MathJax."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    return parser.use(dollarmath_plugin, allow_space=False, allow_digits=False,
                      renderer=_math if delimiters else None)


def markdown_html(markdown: str, delimiters: bool = True) -> Markup:
    """Markdown blocks (paragraphs, lists, tables, display math) as HTML; without
    ``delimiters``, each formula is its LaTeX alone in ``<span class="math inline">`` or
    ``<div class="math block">``, for a typesetter in the browser that looks for those."""
    return Markup(_parser(delimiters).render(str(markdown)).strip())


def markdown_inline_html(markdown: str) -> Markup:
    """Markdown words (bold, inline math) as HTML for MathJax, without a paragraph around
    them."""
    return Markup(_parser(True).renderInline(" ".join(str(markdown).split())))


__all__ = ["markdown_html", "markdown_inline_html"]
