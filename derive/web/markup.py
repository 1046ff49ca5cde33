"""derive's Markdown as HTML for the page: CommonMark with GitHub's tables and dollar math
(markdown-it-py), the same reading ``tests/test_markdown_render.py`` checks every Markdown
output against.  Math stays LaTeX, in ``<span class="math inline">`` and
``<div class="math block">``, for KaTeX to typeset in the browser; raw HTML in the Markdown
is not passed through (it is shown as text), so nothing a user types becomes markup."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    return (MarkdownIt("commonmark", {"html": False}).enable("table")
            .use(dollarmath_plugin, allow_space=False, allow_digits=False))


def html(markdown: str) -> str:
    """The HTML of ``markdown``."""
    return parser().render(markdown)
