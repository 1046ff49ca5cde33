"""The errors a user can meet, each with the exit code the command line gives it.

2  bad input or usage (a parse error, an unknown variable, a point outside the domain)
3  a step failed its check: a bug in derive, never hidden
4  a time limit was exceeded
"""

from __future__ import annotations


class DeriveError(Exception):
    """Base of derive's own errors; ``exit_code`` is what the command line exits with."""

    exit_code = 1


class InputError(DeriveError, ValueError):
    """The input cannot be worked: say what is wrong in one line."""

    exit_code = 2


class VerificationError(DeriveError):
    """A step of a solution disagrees with the independent check."""

    exit_code = 3


class TimeLimitExceeded(DeriveError):
    """A phase of the work ran past its time budget."""

    exit_code = 4
