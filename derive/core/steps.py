"""The records a worked solution is made of: plain, immutable data with no text in it.

The engine builds them, the checker verifies them and the templates render them; all three
see the same objects, so what is shown is exactly what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

import sympy as sp

from derive.core.display import Displayed


@dataclass(frozen=True)
class Leibniz:
    """The derivative symbol d(of)/d(wrt), or ∂(of)/∂(wrt) when ``partial``."""

    of: sp.Symbol
    wrt: sp.Symbol
    partial: bool = False


@dataclass(frozen=True)
class Factor:
    """One factor of a chain: the derivative symbol and its value."""

    symbol: Leibniz
    value: sp.Expr


@dataclass(frozen=True)
class Intermediate:
    """A named node of the computation graph: ``name = definition``.

    ``definition`` is written in the input variable and earlier names; ``expanded`` is the
    same quantity written in the input variables alone.  ``arguments`` are the variables the
    definition depends on (the edges into this node), in the order they first occur.
    """

    name: sp.Symbol
    definition: sp.Expr
    expanded: sp.Expr
    arguments: tuple[sp.Symbol, ...]


@dataclass(frozen=True)
class Step:
    """One verified step of a solution.

    rule       id of the rule in the rule table (``"sin"``, ``"product"``, ``"chain"`` …) or of
               a phase (``"intermediates"``, ``"local-derivatives"``, ``"combine"``,
               ``"substitute"``, ``"simplify"``)
    target     what is differentiated or rewritten
    result     what it becomes
    wrt        the variable of differentiation
    of         the name of the differentiated quantity (``v`` in dv/du), where it has one
    partial    written with ∂: the quantity depends on several variables
    bindings   intermediates this step introduces
    terms      for chain and total-derivative steps: the sum over paths of the products of
               factors along each path
    expanded   the sum of products before it is multiplied out (chain/total steps)
    condition  where the step holds, e.g. ``Ne(x, 0)`` for d|x|/dx = x/|x|
    inner      the inner function when the rule is applied through the chain rule
    parts      (operand, ∂f/∂operand, d operand/d wrt) for each operand the rule goes through
    substeps   the steps this one is made of, in order
    """

    rule: str
    target: sp.Expr
    result: sp.Expr
    wrt: Optional[sp.Symbol] = None
    of: Optional[sp.Symbol] = None
    partial: bool = False
    bindings: tuple[Intermediate, ...] = ()
    terms: tuple[tuple[Factor, ...], ...] = ()
    expanded: Optional[sp.Expr] = None
    condition: Optional[sp.Expr] = None
    inner: Optional[sp.Expr] = None
    parts: tuple[tuple[sp.Expr, sp.Expr, sp.Expr], ...] = ()
    substeps: tuple["Step", ...] = ()

    @property
    def leibniz(self) -> Optional[Leibniz]:
        """d(of)/d(wrt) for a step that differentiates a named quantity."""
        if self.of is None or self.wrt is None:
            return None
        return Leibniz(self.of, self.wrt, self.partial)

    def walk(self):
        """This step and all its substeps, depth first, in order."""
        yield self
        for sub in self.substeps:
            yield from sub.walk()

    def with_substeps(self, substeps) -> "Step":
        return replace(self, substeps=tuple(substeps))


@dataclass(frozen=True)
class Check:
    """The outcome of checking one step against the oracle."""

    rule: str
    claim: str          # "derivative" (result is d target / d wrt) or "equal" (result == target)
    passed: bool
    method: str         # "symbolic", "numeric" or "inconclusive"
    detail: str = ""


class Checked:
    """What has ``checks``: verified when there are some and every one passed."""

    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.passed)


@dataclass(frozen=True)
class PointValue:
    """A derivative at a point: its exact value, or why it has none there.

    name, sequence, partial   the derivative: of the function ``name`` by the variables of
                              ``sequence`` in order (∂ notation when ``partial``)
    point       the point, as (variable, value) pairs
    value       the exact value; None when the derivative does not exist at the point
    limit       the formula has no value at the point itself and ``value`` is its limit there
                (then the derivative, the function being continuous there)
    order       with no value: the first derivative in ``sequence`` that has none (1 for f′)
    reason      with no value: "corner" (the one-sided slopes ``left`` and ``right`` differ),
                "unbounded" (the formula grows without bound there) or "undefined"
    formula     the formula of that derivative (of the last one when there is a value)
    of          what that derivative differentiates: the function, or the previous derivative
    """

    name: sp.Symbol
    sequence: tuple[sp.Symbol, ...]
    partial: bool
    point: tuple[tuple[sp.Symbol, sp.Expr], ...]
    formula: sp.Expr
    value: Optional[sp.Expr] = None
    limit: bool = False
    order: int = 0
    reason: str = ""
    of: Optional[sp.Expr] = None
    left: Optional[sp.Expr] = None
    right: Optional[sp.Expr] = None

    @property
    def wrt(self) -> sp.Symbol:
        """The variable of the derivative that has no value (of the last one otherwise)."""
        return self.sequence[(self.order or len(self.sequence)) - 1]


@dataclass(frozen=True, repr=False)
class Solution(Checked, Displayed):
    """A worked derivative: the input, the steps, the answer and its checks."""

    input: str
    expression: sp.Expr
    wrt: sp.Symbol
    order: int
    style: str
    steps: tuple[Step, ...]
    intermediates: tuple[Intermediate, ...]
    result: sp.Expr
    checks: tuple[Check, ...] = ()
    value: Optional[sp.Expr] = None
    point: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    notes: tuple[str, ...] = field(default=())
    name: sp.Symbol = sp.Symbol("f")    # what the function is called: f, unless the user uses f
    sequence: tuple[sp.Symbol, ...] = ()  # the variables differentiated by, in order
    partial: bool = False                 # the function has several variables: ∂ notation
    definitions: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()  # intermediates the user named
    inputs: tuple[sp.Symbol, ...] = ()    # the function's variables, alphabetical
    evaluation: Optional[PointValue] = None  # the derivative at ``point``, or why it has none

    @property
    def kind(self) -> str:
        return "partial" if self.partial else "derivative"
