"""The errors a user can meet: one hierarchy under ``DeriveError``, each class with the exit
code the command line gives it (``derive.cli.main.run`` maps them all in one place).

1  an internal error (a bug in derive), or a PDF that could not be made
2  bad input or usage (a parse error, an unknown variable, a point outside the domain, a
   broken template)
3  a step failed its check: a bug in derive, never hidden
4  a time limit was exceeded
"""

from __future__ import annotations

import functools
from typing import Callable

# how a message writes an expression: derive's notation (x², sin(x)), installed by
# derive.present.notation when it loads; SymPy's own string before that
_writer: list[Callable[..., str]] = []


def use_expression_writer(writer: Callable[..., str]) -> None:
    """Install the function messages write expressions with (``writer(expr, order=...)``)."""
    _writer[:] = [writer]


def written(expr, *, order: str = "none", limit: int = 0) -> str:
    """``expr`` as an error message writes it: in derive's notation, terms in the order
    given (``order="none"``: as stored); cut to ``limit`` characters with "..." when
    ``limit`` is set."""
    text = _writer[0](expr, order=order) if _writer else str(expr)
    return text if not limit or len(text) <= limit else text[:limit - 3] + "..."


class DeriveError(Exception):
    """Base of derive's own errors; ``exit_code`` is what the command line exits with."""

    exit_code = 1

    def details(self) -> str:
        """Lines shown under the one-line message (none unless the error has them)."""
        return ""


class InputError(DeriveError, ValueError):
    """The input cannot be worked: say what is wrong in one line."""

    exit_code = 2


class VerificationError(DeriveError):
    """A step of a solution disagrees with the independent check."""

    exit_code = 3


class TimeLimitExceeded(DeriveError):
    """The request ran past its time limit (it stops the run: exit code 4)."""

    exit_code = 4


class RenderError(DeriveError):
    """A template is missing or broken (the shipped ones, or those of ``--templates``)."""

    exit_code = 2


def own_errors(function):
    """Only derive's own errors (``DeriveError``) leave ``function``: nesting too deep for
    Python's stack and numbers too large for memory are bad input (``InputError``); anything
    else is a bug in derive, reported as one (the original error is its cause)."""
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except DeriveError:
            raise
        except RecursionError:
            raise InputError("the expression is nested too deeply to work") from None
        except MemoryError:
            raise InputError("the expression builds numbers too large for memory") from None
        except Exception as error:
            raise DeriveError(f"internal error ({type(error).__name__}: {error}); please "
                              "report it with the input") from error
    return guarded
