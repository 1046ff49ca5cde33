"""How derive's results show themselves at a Python prompt and in Jupyter.

Every result (a worked solution, an array of derivatives, an AD trace, a matrix derivation,
the verdict on an answer) has ``render(fmt)``; this mixin builds the rest on it:

- ``print(result)`` prints the worked text, as the command line does;
- ``repr(result)`` is one line that names what was computed and how it came out,
  ``<Solution d/dx ln(sin²(x³)) = 6x² cot(x³), verified>``, never a dump of the records;
- Jupyter shows the Markdown rendering, with typeset mathematics.

A class supplies ``render`` and ``summary`` (the words inside the angle brackets).  The
dataclasses that use it are declared with ``repr=False``, else the dataclass machinery would
write its own field-by-field ``__repr__`` over this one.
"""

from __future__ import annotations


class Displayed:
    """``str`` is the text rendering, ``repr`` one line, Jupyter the Markdown rendering."""

    def render(self, fmt: str = "text", **options) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render("text").rstrip("\n")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.summary()}>"

    def _repr_markdown_(self) -> str:
        return self.render("markdown")


def checked_word(verified: bool) -> str:
    """How a result's own checks came out, in the words the command line uses."""
    return "verified" if verified else "NOT verified"


def shortened(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, so that a repr stays one line
    of reasonable length even for a long formula."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
