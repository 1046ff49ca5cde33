"""The records a worked solution is made of: plain, immutable data with no text in it.

The engine builds them, the checker verifies them and the templates render them; all three
see the same objects, so what is shown is exactly what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


# what a step claims, written by the engine that builds it and read by the checker
DERIVATIVE = "derivative"  # result = ∂target/∂wrt, every other symbol held constant
TOTAL = "total"            # result = d target/d wrt through the names (written in the inputs)
EQUAL = "equal"            # result = target (a substitution or a rewriting)
NOTHING = ""               # the step only groups others: nothing of its own to check


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
    claim      what the step claims, for the checker: ``DERIVATIVE``, ``TOTAL``, ``EQUAL``
               or ``NOTHING``
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
    claim: str = NOTHING

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


@dataclass(frozen=True)
class Check:
    """The outcome of checking one step against the oracle."""

    rule: str
    claim: str          # "derivative" (result is d target / d wrt) or "equal" (result == target)
    passed: bool
    method: str         # "symbolic", "numeric" or "inconclusive"
    detail: str = ""
    sizes: str = ""     # a matrix derivative's check: the concrete sizes it was made at


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
    function: Optional[sp.Expr] = None    # ``expression`` with the user's names expanded
    graph: tuple[Intermediate, ...] = ()  # the first differentiation's computation graph
    local: tuple[Step, ...] = ()          # its local derivatives ∂node/∂argument, checked
    # order by order: what it differentiates, by which variable, the formula found and where
    # its rules hold — what evaluating the derivative at a point needs (engine.evaluated)
    orders: tuple[tuple[sp.Expr, sp.Symbol, sp.Expr, tuple[sp.Expr, ...]], ...] = ()

    @property
    def kind(self) -> str:
        return "partial" if self.partial else "derivative"

    @property
    def leibniz(self) -> Leibniz:
        """d(name)/d(wrt) (∂ when ``partial``): the symbol of the derivative found; its order
        is written by the printer (d²y/dx²)."""
        return Leibniz(self.name, self.wrt, self.partial)

    def derivative(self, k: int) -> sp.Expr:
        """The k-th derivative of the function by ``wrt``, unevaluated, the function written
        as an undefined function called ``name``: f⁽ᵏ⁾(x), what a label f″(x) stands for."""
        return sp.Derivative(sp.Function(self.name.name)(self.wrt), (self.wrt, k))


# --- several variables: gradients, Jacobians, Hessians (derive.core.multivariable) ----------

@dataclass(frozen=True)
class Entry:
    """One entry of a vector or matrix of derivatives: its own worked solution, or a
    reference to an entry with the same work (``same_as``, with ``reason`` "repeat" or
    "symmetry")."""

    row: int
    column: int
    function: sp.Symbol        # the name of the differentiated component: f, f₁, …
    wrt: tuple[sp.Symbol, ...]
    result: sp.Expr
    solution: Optional[Solution] = None
    same_as: Optional[tuple[int, int]] = None
    reason: str = ""


@dataclass(frozen=True)
class ChainProduct:
    """The vector chain rule ∂h/∂x = ∂h/∂g · ∂g/∂x, with the shapes of the factors."""

    outer: "ArraySolution"     # ∂h/∂g, m×k, in the intermediate variables
    inner: "ArraySolution"     # ∂g/∂x, k×n
    product: sp.Matrix         # the product written in g and x
    substituted: sp.Matrix     # g replaced by its definition


@dataclass(frozen=True, repr=False)
class ArraySolution(Displayed):
    """A gradient, Jacobian, Hessian or the derivative of a vector function of one variable."""

    kind: str
    input: str
    functions: tuple[sp.Expr, ...]
    names: tuple[sp.Symbol, ...]          # f, or f₁ … fₘ
    variables: tuple[sp.Symbol, ...]
    entries: tuple[tuple[Entry, ...], ...]
    result: sp.Matrix
    checks: tuple[Check, ...]
    gradient: Optional["ArraySolution"] = None    # a Hessian's first derivatives
    chain: Optional[ChainProduct] = None
    value: Optional[sp.Matrix] = None
    point: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    definitions: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    evaluations: tuple[PointValue, ...] = ()    # each entry at ``point``, row by row

    @property
    def shape(self) -> tuple[int, int]:
        return self.result.shape

    @property
    def solutions(self):
        for row in self.entries:
            for entry in row:
                if entry.solution is not None:
                    yield entry.solution

    @property
    def parts(self) -> tuple["ArraySolution", ...]:
        """The arrays this one is built from: a Hessian's gradient, a chain's two factors."""
        parts = (self.gradient,) if self.gradient is not None else ()
        if self.chain is not None:
            parts += (self.chain.outer, self.chain.inner)
        return parts

    @property
    def verified(self) -> bool:
        return (all(c.passed for c in self.checks) and all(s.verified for s in self.solutions)
                and all(p.verified for p in self.parts))

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        """The failed checks of the array, of its entries' solutions and of its parts."""
        failed = [c for c in self.checks if not c.passed]
        for s in (*self.solutions, *self.parts):
            failed += s.failed_checks
        return tuple(failed)
