"""The methods of this package by the name a problem bank gives them: what a sheet calls to
work a problem that is not a derivative by the chain of rules.

    implicit           dy/dx of a curve LEFT = RIGHT (``implicit``; ``order``, ``at``,
                       ``dependent``)
    tangent            the tangent and normal lines at a point (``tangent``)
    first-principles   f′(x) = lim_{h→0} (f(x + h) − f(x))/h (``first_principles``)
    derivative, method "log"   dy/dx by logarithmic differentiation (``log_differentiation``)

Each returns its checked result, as the command line and the Python interface do.
"""

from __future__ import annotations

from derive.calculus.first_principles import first_principles
from derive.calculus.implicit import implicit
from derive.calculus.log_method import log_differentiation
from derive.calculus.tangent import tangent
from derive.errors import InputError


def work(kind: str, expression: str, *, wrt=None, order: int = 1, at=None, dependent=None,
         method: str = "rules"):
    """The worked, checked result of a problem of ``kind`` (and ``method``)."""
    if kind == "implicit":
        return implicit(expression, wrt, dependent=dependent, order=order, at=at)
    if kind == "tangent":
        return tangent(expression, at, wrt)
    if kind == "first-principles":
        return first_principles(expression, wrt)
    if kind == "derivative" and method == "log":
        return log_differentiation(expression, wrt)
    raise InputError(f"no method works a {kind} problem"
                     + (f" by {method!r}" if method != "rules" else ""))
