"""How derive's results show themselves at a Python prompt and in Jupyter.

Every result (a worked solution, an array of derivatives, an AD trace, a matrix derivation,
the verdict on an answer) is a plain record; this mixin gives it the display protocol and
hands each request to the presenter that ``derive.present.results`` installs when it is
imported (``derive`` imports it; the records do not know how they are drawn):

- ``result.render(fmt)`` the result in a format (text, markdown, latex, json);
- ``print(result)`` prints the worked text, as the command line does;
- ``repr(result)`` is one line that names what was computed and how it came out,
  ``<Solution d/dx ln(sin²(x³)) = 6x² cot(x³), verified>``, never a dump of the records;
- Jupyter shows the Markdown rendering, with typeset mathematics.

The dataclasses that use it are declared with ``repr=False``, else the dataclass machinery
would write its own field-by-field ``__repr__`` over this one.
"""

from __future__ import annotations

from typing import Optional, Protocol


class Presenter(Protocol):
    def render(self, result, fmt: str = "text", **options) -> str: ...
    def summary(self, result) -> str: ...
    def latex_equation(self, result) -> Optional[str]: ...


_presenter: list[Presenter] = []


def use_presenter(presenter: Presenter) -> None:
    """Install the presenter every result displays itself through."""
    _presenter[:] = [presenter]


def presenter() -> Presenter:
    if not _presenter:
        raise RuntimeError("no presenter installed: import derive (or derive.present.results)")
    return _presenter[0]


class Displayed:
    """``str`` is the text rendering, ``repr`` one line, Jupyter the Markdown rendering."""

    def render(self, fmt: str = "text", **options) -> str:
        """The result in ``fmt`` (text, markdown, latex or json); the options are those of
        ``derive.present.results.render``."""
        return presenter().render(self, fmt, **options)

    def summary(self) -> str:
        """The words inside ``repr``'s angle brackets."""
        return presenter().summary(self)

    def __str__(self) -> str:
        return self.render("text").rstrip("\n")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.summary()}>"

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> Optional[str]:
        return presenter().latex_equation(self)
