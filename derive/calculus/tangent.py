"""The tangent and normal lines to a curve at a point.

For the graph of y = f(x) at x = a, the point is (a, f(a)) and the tangent's slope is
m = f′(a):

    tangent   y − f(a) = m(x − a),  that is  y = m x + (f(a) − m a);
    normal    y − f(a) = −(1/m)(x − a)      (perpendicular: the slopes multiply to −1).

m = 0 is a horizontal tangent (the normal is the vertical line x = a); where f is continuous
but f′ grows without bound (x^(1/3) at 0) the tangent is the vertical line x = a and the
normal horizontal.  For a curve F(x, y) = G(x, y) through (a, b), m is dy/dx at (a, b) by
implicit differentiation; the tangent is vertical where F_y = 0 ≠ F_x (dx/dy = 0 there).

f′ is worked and checked by the engine (``derive.read.worked``), dy/dx by
``derive.calculus.implicit``; every line here is checked against SymPy: the point lies on
the curve, m is SymPy's derivative there, each line passes through the point with its slope,
the slope–intercept form equals the point–slope form, and the two slopes multiply to −1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import sympy as sp

from derive.read.equations import is_equation, read_equation
from derive.calculus.implicit import ImplicitSolution, implicit
from derive.core.steps import Check, Checked, Solution
from derive.core.verify import check_equal
from derive.errors import InputError, written
from derive.read.parsing import parse_point
from derive.read.request import read_expression, variables_to_differentiate_by
from derive.read.worked import worked

SLOPE, HORIZONTAL, VERTICAL = "slope", "horizontal", "vertical"


@dataclass(frozen=True, repr=False)
class TangentLines(Checked):
    """The tangent and the normal at ``point`` = (a, b).

    function     f, for the graph of a function (None for a curve given by an equation)
    solution     f′ worked by the engine, for a function
    implicit     dy/dx worked implicitly, for an equation
    derivative   f′(x) or dy/dx, the formula the slope is the value of
    slope        m; None when the tangent is vertical
    kind         ``SLOPE``, ``HORIZONTAL`` (m = 0) or ``VERTICAL``
    tangent      the tangent's right side m x + c; None when it is vertical (x = a)
    normal_slope −1/m; None when the normal is vertical (a horizontal tangent)
    normal       the normal's right side; None when it is vertical
    """

    input: str
    x: sp.Symbol
    y: sp.Symbol
    function: Optional[sp.Expr]
    solution: Optional[Solution]
    implicit: Optional[ImplicitSolution]
    point: tuple[sp.Expr, sp.Expr]
    value_shown: Optional[sp.Expr]
    derivative: sp.Expr
    slope: Optional[sp.Expr]
    kind: str
    tangent: Optional[sp.Expr]
    normal_slope: Optional[sp.Expr]
    normal: Optional[sp.Expr]
    checks: tuple[Check, ...] = ()

    @property
    def name(self) -> sp.Symbol:
        """What the function is called (f), for f(a) and f′(a)."""
        return self.solution.name if self.solution is not None else sp.Symbol("f")

    @property
    def tangent_point_slope(self) -> Optional[sp.Expr]:
        """m(x − a), the right side of the point–slope form."""
        return None if self.slope is None else _times(self.slope, _minus(self.x,
                                                                        self.point[0]))

    @property
    def normal_point_slope(self) -> Optional[sp.Expr]:
        return None if self.normal_slope is None else _times(
            self.normal_slope, _minus(self.x, self.point[0]))

    @property
    def slope_grouped(self) -> bool:
        """The slope is bracketed in −1/m: it is negative or not a whole number."""
        return self.slope is not None and not (self.slope.is_Integer and self.slope > 0)

    @property
    def left(self) -> sp.Expr:
        """y − b, the left side of the point–slope form."""
        return _minus(self.y, self.point[1])

    @property
    def verified(self) -> bool:
        worked_verified = (self.solution.verified if self.solution is not None
                           else self.implicit.verified)
        return worked_verified and super().verified

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        inner = self.solution if self.solution is not None else self.implicit
        return inner.failed_checks + super().failed_checks


def tangent(curve, at, wrt=None) -> TangentLines:
    """The tangent and normal to ``curve`` at ``at``: a function ``"x^3 - 2x"`` at
    ``"x=1"``, or an equation ``"x^2 + y^2 = 25"`` at ``"x=3,y=4"``."""
    if at is None:
        raise InputError("a tangent line needs the point: give it with --at")
    point = parse_point(at) if isinstance(at, str) else dict(at)
    if is_equation(curve):
        return _on_curve(curve, point, wrt)
    return _on_graph(curve, point, wrt)


def _on_graph(text, point: dict, wrt) -> TangentLines:
    function = read_expression(text)
    (x,) = variables_to_differentiate_by(function, wrt, ())
    values = {s.name: v for s, v in point.items()}
    if set(values) - {x.name}:
        extra = ", ".join(sorted(set(values) - {x.name}))
        raise InputError(f"--at names {extra}: on the graph of a function give {x} alone "
                         f"(its y is the function's value)")
    if x.name not in values:
        raise InputError(f"--at gives no value for {x}")
    a = sp.sympify(values[x.name])
    solution = worked(function, x, at={x: a})
    if not isinstance(solution, Solution):
        raise InputError("a tangent line is drawn to the graph of one function")
    b = sp.simplify(function.subs(x, a))
    y = sp.Symbol("y" if "y" != x.name else "Y", real=True)
    evaluation = solution.evaluation
    with sp.evaluate(False):
        shown = function.xreplace({x: a})
    if evaluation.value is not None:
        slope = sp.simplify(evaluation.value)
        kind = HORIZONTAL if slope == 0 else SLOPE
    elif evaluation.reason == "unbounded" and _vertical(solution.result, x, a):
        slope, kind = None, VERTICAL
    elif evaluation.reason == "corner":
        raise InputError(f"{written(function)} has a corner at {x} = {written(a)} (slopes "
                         f"{written(evaluation.left)} and {written(evaluation.right)}): it has "
                         "no tangent line there")
    else:
        raise InputError(f"{written(function)} has no derivative at {x} = {written(a)}: it "
                         "has no tangent line there")
    lines = _lines(x, y, a, b, slope, kind)
    made = TangentLines(str(text), x, y, function, solution, None, (a, b), shown,
                        solution.result, slope, kind, *lines)
    oracle = sp.diff(function, x)
    checks = [check_equal("point", function.subs(x, a), b)]
    if slope is not None:
        checks.append(check_equal("slope", oracle.subs(x, a), slope))
    else:
        checks.append(Check("vertical", "equal", sp.limit(1 / oracle, x, a) == 0, "symbolic"))
    return replace(made, checks=tuple(checks + _line_checks(made)))


def _vertical(derivative: sp.Expr, x, a) -> bool:
    """f′ grows without bound at a with one sign from each side where f is real (a vertical
    tangent, not a cusp)."""
    sides = [sp.limit(derivative, x, a, side) for side in ("+", "-")]
    real = [v for v in sides if v.is_extended_real]
    return bool(real) and all(v == real[0] for v in real) and real[0] in (sp.oo, -sp.oo)


def _on_curve(text, point: dict, wrt) -> TangentLines:
    solution = implicit(text, wrt, at=point)
    x, y = solution.x, solution.y
    a, b = (v for _, v in solution.point)
    if solution.reason == "singular":
        raise InputError(f"({written(a)}, {written(b)}) is a singular point of the curve "
                         "(F_x = F_y = 0): it has no single tangent line there")
    if solution.value is None:
        slope, kind = None, VERTICAL
    else:
        slope = solution.value
        kind = HORIZONTAL if slope == 0 else SLOPE
    lines = _lines(x, y, a, b, slope, kind)
    made = TangentLines(str(text), x, y, None, None, solution, (a, b), None, solution.result,
                        slope, kind, *lines)
    oracle = sp.idiff(read_equation(text).function, y, x)
    checks = []
    if slope is not None:
        checks.append(check_equal("slope", oracle.subs({x: a, y: b}), slope))
    else:
        F = read_equation(text).function
        checks.append(Check("vertical", "equal",
                            sp.diff(F, y).subs({x: a, y: b}) == 0
                            and sp.diff(F, x).subs({x: a, y: b}) != 0, "symbolic"))
    return replace(made, checks=tuple(checks + _line_checks(made)))


def _lines(x, y, a, b, slope, kind):
    """(tangent, normal slope, normal): right sides in slope–intercept form."""
    if kind == VERTICAL:
        return None, sp.Integer(0), b
    tangent = sp.expand(slope * (x - a) + b)
    if kind == HORIZONTAL:
        return tangent, None, None
    normal_slope = -1 / slope
    return tangent, normal_slope, sp.expand(normal_slope * (x - a) + b)


def _line_checks(t: TangentLines) -> list[Check]:
    """Each line passes through the point with its slope; the slope–intercept form is the
    point–slope form; the slopes multiply to −1."""
    x, (a, b) = t.x, t.point
    checks = []
    for name, right, form, slope in (("tangent", t.tangent, t.tangent_point_slope, t.slope),
                                     ("normal", t.normal, t.normal_point_slope,
                                      t.normal_slope)):
        if right is None:
            continue
        checks.append(check_equal(f"{name} through the point", right.subs(x, a), b))
        checks.append(check_equal(f"{name} slope", sp.diff(right, x), slope))
        checks.append(check_equal(f"{name} form", right, form + b))
    if t.slope is not None and t.normal_slope is not None:
        checks.append(check_equal("perpendicular", t.slope * t.normal_slope, sp.Integer(-1)))
    return checks



def _minus(a, b) -> sp.Expr:
    return a if b == 0 else sp.Add(a, sp.Mul(-1, b, evaluate=False), evaluate=False)


def _times(m, e) -> sp.Expr:
    return e if m == 1 else sp.Mul(m, e, evaluate=False)
