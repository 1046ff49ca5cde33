"""derive's Markdown as HTML for the page (``derive.present.html``): math stays LaTeX, in
``<span class="math inline">`` and ``<div class="math block">``, for KaTeX to typeset in the
browser; raw HTML in the Markdown is not passed through (it is shown as text), so nothing a
user types becomes markup."""

from __future__ import annotations

from derive.present.html import markdown_html


def html(markdown: str) -> str:
    """The HTML of ``markdown``."""
    return str(markdown_html(markdown, delimiters=False)) + "\n"
