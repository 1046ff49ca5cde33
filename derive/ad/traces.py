"""Automatic differentiation worked by hand: the evaluation trace (Wengert list) of a function
and its forward (tangent) and reverse (adjoint) sweeps, as in Baydin et al., *Automatic
differentiation in machine learning: a survey* (JMLR 2018), Tables 2 and 3.

The primal trace
    One line per elementary operation, in the order of evaluation, each a function of earlier
    lines and constants: for f(x₁, x₂) = ln x₁ + x₁x₂ − sin x₂ the inputs v₋₁ = x₁, v₀ = x₂
    come first (inputs are v₋ₙ₊₁ … v₀), then v₁ = ln v₋₁, v₂ = v₋₁v₀, v₃ = sin v₀,
    v₄ = v₁ + v₂, v₅ = v₄ − v₃ and the output y = v₅.  A sum or product of several terms is
    folded left to right, two operands at a time; a term −t is a subtraction; an operation met
    twice is computed once.  ``names="letters"`` keeps the inputs' own names and calls the
    intermediates u, v, w (or u₁, u₂, …) like the other solutions.
Local derivatives
    For a line vᵢ = φ(a₁, …, aₖ), ∂vᵢ/∂aₚ at each operand position p, by the rule table
    (``derive.core.rules`` through ``derive.core.local``), the other operands held constant.  Positions
    are kept apart, so v = v₀·v₀ has two edges to v₀.
Forward mode
    Seed ẋⱼ = 1 and every other input tangent 0; then, top-down,
    v̇ᵢ = Σₚ ȧₚ · ∂vᵢ/∂aₚ.  The output tangents are ∂y/∂xⱼ: one pass per input, a column of
    the Jacobian each.
Reverse mode
    Seed ȳₖ = 1 and every other output adjoint 0; then, bottom-up over the lines, for each
    edge of vᵢ to aₚ:  āₚ = v̄ᵢ · ∂vᵢ/∂aₚ the first time, āₚ += v̄ᵢ · ∂vᵢ/∂aₚ after (a
    variable that feeds several lines sums its paths).  The input adjoints are ∂yₖ/∂xⱼ: one
    pass per output, a row of the Jacobian (the whole gradient for one output) each.

Without a point every value is an expression in the inputs; at a point it is the exact value
(with a float beside it).  Every value is checked against SymPy: each primal line against
the subexpression it computes, each tangent against SymPy's derivative of that
subexpression, each adjoint against SymPy's derivative of the output with that line's
variable set free, and the Jacobian (or gradient) against SymPy's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Optional

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import split_super_sub

from derive.core.display import Displayed
from derive.core.graph import OUTPUT_NAMES, first_free, intermediate_names
from derive.core.local import derivative_step
from derive.core.numeric import real_float
from derive.core.steps import Check, Checked, Leibniz
from derive.core.timing import phase
from derive.core.verify import equivalent
from derive.errors import InputError, own_errors, written
from derive.read.parsing import is_vector, parse_symbol
from derive.read.request import (default_variables, read_expression, read_point, read_variables,
                                 read_vector)

MODES = ("forward", "reverse")
NAMES = ("trace", "letters")
TRACE_LETTERS = ("v", "w", "t", "s", "q", "nu")


# ---------------------------------------------------------------------------------------------
# Names: v, v̇ (tangent) and v̄ (adjoint)

class _Marked(sp.Symbol):
    """A variable with a dot (tangent) or a bar (adjoint).  The name carries SymPy's name
    modifier (``vdot_1``, ``xbar1``), which the LaTeX printer turns into ``\\dot{v}_{1}``;
    in text the mark is the combining character over the letter (v̇₁, x̄₁), the name written
    in derive's notation (``derive.errors.written``, which ``derive.present`` installs)."""

    modifier = ""
    combining = ""

    def _sympystr(self, printer):
        base, supers, subs = split_super_sub(self.name)
        plain = base[: len(base) - len(self.modifier)]
        rest = "".join("_" + s for s in subs) + "".join("^" + s for s in supers)
        letter = written(sp.Symbol(plain))
        marked_ = letter + self.combining + written(sp.Symbol(plain + rest))[len(letter):]
        return unicodedata.normalize("NFC", marked_)    # ẋ and ȳ as single characters


class TangentVariable(_Marked):
    """v̇: the tangent (forward derivative) of a trace variable."""

    modifier = "dot"
    combining = "\u0307"


class AdjointVariable(_Marked):
    """v̄: the adjoint (reverse derivative) of a trace variable."""

    modifier = "bar"
    combining = "\u0304"


def marked(symbol: sp.Symbol, kind: type) -> _Marked:
    """v̇ or v̄ of ``symbol`` (``kind`` is :class:`TangentVariable` or :class:`AdjointVariable`)."""
    base, supers, subs = split_super_sub(symbol.name)
    return kind(base + kind.modifier + "".join("_" + s for s in subs)
                + "".join("^" + s for s in supers), real=True)


# ---------------------------------------------------------------------------------------------
# The records

@dataclass(frozen=True)
class Edge:
    """An operand position p of a line vᵢ = φ(…, aₚ, …) that holds a variable, with the
    local derivative ∂vᵢ/∂aₚ written in trace variables."""

    argument: sp.Symbol
    partial: sp.Expr


@dataclass(frozen=True)
class PrimalLine:
    """One line of the primal trace: ``symbol = definition``.

    For an input, ``definition`` is the input variable (None when the line is named by the
    input itself, with ``names="letters"``).  ``value`` is the exact value at the point, or
    the expression in the inputs without one; ``numeric`` its float where it is a real
    number.  ``expanded``: the same quantity in the inputs (what the check compares with)."""

    symbol: sp.Symbol
    definition: Optional[sp.Expr]
    edges: tuple[Edge, ...]
    value: sp.Expr
    numeric: Optional[float]
    expanded: sp.Expr
    is_input: bool = False


@dataclass(frozen=True)
class OutputLine:
    """``y = v₅``: an output and the trace variable (or constant) that holds it."""

    symbol: sp.Symbol
    definition: sp.Expr
    value: sp.Expr
    numeric: Optional[float]


@dataclass(frozen=True)
class TangentLine:
    """v̇ᵢ = Σₚ ȧₚ · ∂vᵢ/∂aₚ (``written``), its value and float.  For an input, ``written``
    is the input's own tangent ẋⱼ (None with ``names="letters"``, where v̇ᵢ is ẋⱼ)."""

    symbol: sp.Symbol
    tangent: sp.Symbol
    written: Optional[sp.Expr]
    value: sp.Expr
    numeric: Optional[float]


@dataclass(frozen=True)
class ForwardPass:
    """One forward sweep: ẋⱼ = 1 for the ``seed`` input, 0 for the others (``seeds``)."""

    seed: sp.Symbol
    seeds: tuple[tuple[sp.Symbol, sp.Expr], ...]
    lines: tuple[TangentLine, ...]        # one per primal line, in the same order
    outputs: tuple[TangentLine, ...]      # ẏ = v̇₅: the column ∂y/∂xⱼ


@dataclass(frozen=True)
class AdjointLine:
    """One update of the reverse sweep, from the primal line of ``source``:

    v̄ⱼ = v̄ᵢ · ∂vᵢ/∂vⱼ   (``accumulate`` False: the first contribution to v̄ⱼ)
    v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ  (``accumulate`` True: vⱼ feeds several lines; the paths add up)

    ``seed``: the line comes from an output line y = vⱼ (v̄ⱼ = ȳ).  ``written`` is
    v̄ᵢ · ∂vᵢ/∂vⱼ with the local derivative filled in, ``increment`` its value and ``value``
    the adjoint v̄ⱼ after the line."""

    symbol: sp.Symbol
    adjoint: sp.Symbol
    source: sp.Symbol
    source_adjoint: sp.Symbol
    accumulate: bool
    seed: bool
    partial: sp.Expr
    written: sp.Expr
    increment: sp.Expr
    value: sp.Expr
    numeric: Optional[float]

    @property
    def local(self) -> Leibniz:
        """∂vᵢ/∂vⱼ, the symbol of the local derivative this line multiplies by."""
        return Leibniz(self.source, self.symbol, partial=True)


@dataclass(frozen=True)
class InputAdjoint:
    """x̄ⱼ = ∂yₖ/∂xⱼ at the end of a reverse pass; ``trace_adjoint`` is the v̄ of the input's
    line (None when the input is named by itself)."""

    symbol: sp.Symbol
    adjoint: sp.Symbol
    trace_adjoint: Optional[sp.Symbol]
    value: sp.Expr
    numeric: Optional[float]


@dataclass(frozen=True)
class ReversePass:
    """One reverse sweep: ȳₖ = 1 for the ``output``, 0 for the others (``seeds``)."""

    output: sp.Symbol
    seeds: tuple[tuple[sp.Symbol, sp.Expr], ...]
    lines: tuple[AdjointLine, ...]         # in the order they are carried out
    gradient: tuple[InputAdjoint, ...]     # the row ∂yₖ/∂x
    final: tuple[tuple[sp.Symbol, sp.Expr], ...]   # every trace variable's adjoint at the end


@dataclass(frozen=True, repr=False)
class Trace(Checked, Displayed):
    """A function's evaluation trace and its forward or reverse sweeps.

    ``jacobian``: the m×n matrix [∂yᵢ/∂xⱼ] when the passes give all of it (None when only
    some inputs were seeded); ``derivatives``: every (output, input, value) the passes give.
    Displayed (``render``, ``str``, ``repr``) by ``derive.present.traces``.
    """

    input: str
    mode: str
    names: str
    functions: tuple[sp.Expr, ...]
    inputs: tuple[sp.Symbol, ...]
    point: tuple[tuple[sp.Symbol, sp.Expr], ...]
    primal: tuple[PrimalLine, ...]
    outputs: tuple[OutputLine, ...]
    passes: tuple
    derivatives: tuple[tuple[sp.Symbol, sp.Symbol, sp.Expr], ...]
    jacobian: Optional[sp.Matrix]
    checks: tuple[Check, ...]

    @property
    def operations(self) -> tuple[PrimalLine, ...]:
        """The lines that compute something (not the inputs)."""
        return tuple(line for line in self.primal if not line.is_input)

    def line_of(self, symbol: sp.Symbol):
        """The primal line (or output line) that defines ``symbol``."""
        for line in self.primal + self.outputs:
            if line.symbol == symbol:
                return line
        raise KeyError(symbol)


# ---------------------------------------------------------------------------------------------
# Building the primal trace

@dataclass(frozen=True)
class _Operation:
    """A line under construction: ``head(*operands)`` is its definition."""

    name: sp.Symbol
    head: Callable[..., sp.Expr]
    operands: tuple[sp.Expr, ...]

    @property
    def definition(self) -> sp.Expr:
        with sp.evaluate(False):
            return self.head(*self.operands)


def _add(a, b):
    return sp.Add(a, b)


def _subtract(a, b):
    return sp.Add(a, sp.Mul(-1, b))


def _multiply(a, b):
    return sp.Mul(a, b)


def _divide(a, b):
    return sp.Mul(a, sp.Pow(b, -1))


def _negate(a):
    return sp.Mul(-1, a)


class _Builder:
    """Walks the expression bottom-up, children left to right, and records one operation per
    distinct elementary operation on a variable."""

    def __init__(self, inputs: dict[sp.Symbol, sp.Symbol]):
        self.inputs = inputs                      # user's input -> its trace variable
        self.variables = set(inputs.values())
        self.operations: list[_Operation] = []
        self.known: dict[sp.Expr, sp.Symbol] = {}

    def emit(self, head, *operands) -> sp.Expr:
        """The variable holding head(*operands): a new line, an earlier identical line, or,
        when no operand is a variable, the constant itself."""
        if not any(o in self.variables for o in operands):
            with sp.evaluate(False):
                return head(*operands)
        operation = _Operation(sp.Dummy(f"op{len(self.operations)}"), head, tuple(operands))
        key = operation.definition
        if key in self.known:
            return self.known[key]
        self.operations.append(operation)
        self.variables.add(operation.name)
        self.known[key] = operation.name
        return operation.name

    def visit(self, e: sp.Expr) -> sp.Expr:
        if e in self.inputs:
            return self.inputs[e]
        if not self._depends(e):
            return e
        if isinstance(e, sp.Add):
            return self._sum(e)
        if isinstance(e, sp.Mul):
            return self._product(e)
        args = [self.visit(a) for a in e.args]
        return self.emit(lambda *a: e.func(*a), *args)

    def _depends(self, e) -> bool:
        return any(s in self.inputs for s in e.free_symbols)

    def _sum(self, e):
        """a + b + c − d: ((a + b) + c) − d; the operands are computed first, left to right."""
        terms = []
        for term in _flat(e, sp.Add):
            negative, magnitude = _sign(term)
            terms.append((negative, self.visit(magnitude)))
        negative, total = terms[0]
        if negative:
            total = self.emit(_negate, total)
        for negative, term in terms[1:]:
            total = self.emit(_subtract if negative else _add, total, term)
        return total

    def _product(self, e):
        """a·b·c/d: ((a·b)·c)/d; −a is the negation of a."""
        factors = list(_flat(e, sp.Mul))
        if factors[0] == -1 and len(factors) > 1:
            rest = factors[1:]
            inner = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
            return self.emit(_negate, self.visit(inner))
        parts = [(_is_reciprocal(f), self.visit(f.base if _is_reciprocal(f) else f))
                 for f in factors]
        divide, total = parts[0]
        if divide:
            total = self.emit(_divide, sp.Integer(1), total)
        for divide, factor in parts[1:]:
            total = self.emit(_divide if divide else _multiply, total, factor)
        return total


def _flat(e, cls):
    """The operands of a sum (product), nested sums (products) spliced in."""
    for a in e.args:
        if isinstance(a, cls):
            yield from _flat(a, cls)
        else:
            yield a


def _sign(term) -> tuple[bool, sp.Expr]:
    """(True, t) for a term written −t (a factor −1 or a negative number in front)."""
    if term.is_Number and term.is_negative:
        return True, -term
    if isinstance(term, sp.Mul) and term.args[0].is_Number and term.args[0].is_negative:
        coefficient, *rest = term.args
        if coefficient == -1:
            return True, rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
        return True, sp.Mul(-coefficient, *rest, evaluate=False)
    return False, term


def _is_reciprocal(f) -> bool:
    return isinstance(f, sp.Pow) and f.exp == -1


def _local_partials(operation: _Operation, rename) -> tuple[Edge, ...]:
    """∂v/∂a at each variable operand position, by the rule table: each position gets its own
    placeholder, so that repeated operands stay separate edges."""
    slots = [sp.Dummy(f"slot{i}") if o in rename else o
             for i, o in enumerate(operation.operands)]
    with sp.evaluate(False):
        at_slots = operation.head(*slots)
    back = {s: rename[o] for s, o in zip(slots, operation.operands) if o in rename}
    edges = []
    for slot, operand in zip(slots, operation.operands):
        if operand in rename:
            partial = derivative_step(at_slots, slot).result
            edges.append(Edge(rename[operand], partial.xreplace(back)))
    return tuple(edges)


# ---------------------------------------------------------------------------------------------
# Names

def _trace_letter(taken: set[str]) -> str:
    """v, unless a name of the user's is written with a v (v, v₁, v_x): then w, t, …"""
    bases = {split_super_sub(name)[0] for name in taken}
    return next((letter for letter in TRACE_LETTERS if letter not in bases), "vv")


def _output_names(count: int, taken: set[str]) -> tuple[sp.Symbol, ...]:
    base = first_free(OUTPUT_NAMES, taken)
    if count == 1:
        return (sp.Symbol(base, real=True),)
    return tuple(sp.Symbol(f"{base}_{i}", real=True) for i in range(1, count + 1))


def _names(inputs, count, taken, style):
    """(names of the input lines, names of the operations): v₋ₙ₊₁ … v₀ and v₁ … vₖ, or the
    inputs themselves and u, v, w (u₁ …) with ``letters``."""
    if style == "letters":
        return tuple(inputs), tuple(sp.Symbol(n, real=True)
                                    for n in intermediate_names(count, True, taken))
    letter = _trace_letter(taken)
    n = len(inputs)
    return (tuple(sp.Symbol(f"{letter}_{i}", real=True) for i in range(1 - n, 1)),
            tuple(sp.Symbol(f"{letter}_{i}", real=True) for i in range(1, count + 1)))


# ---------------------------------------------------------------------------------------------
# Values

def _undefined(value: sp.Expr) -> bool:
    return value.has(sp.zoo, sp.nan, sp.oo, -sp.oo)


def _evaluate(expr: sp.Expr, values: dict) -> sp.Expr:
    """``expr`` (in trace variables) at the given values, evaluated."""
    return expr.xreplace(values).doit() if values else expr


def _text(expr, *, order: Optional[str] = None) -> str:
    """``expr`` in derive's notation, for a message or a check's label."""
    return written(expr, order=order)


def _where(point) -> str:
    return ", ".join(f"{_text(k)} = {_text(v)}" for k, v in point.items())


# ---------------------------------------------------------------------------------------------
# The trace

@own_errors
def trace(expression, mode: str = "reverse", *, at=None, seed=None, names: str = "trace",
          variables=None) -> Trace:
    """The evaluation trace of ``expression`` (text such as ``"ln(x1) + x1*x2 - sin(x2)"``,
    a vector ``"[f1, f2]"``, or SymPy expressions) with its forward or reverse sweeps.

    ``at``: a point (``"x1=2,x2=5"`` or a mapping); without one the values are expressions.
    ``seed``: forward mode only, the one input to seed (default: one pass per input).
    ``names``: ``"trace"`` (v₋₁, v₀, v₁ …) or ``"letters"`` (the inputs' names, u, v, w …).
    ``variables``: the inputs in order (default: the function's variables, alphabetical).
    Raises ``InputError`` for input that cannot be worked.
    """
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}: choose forward or reverse")
    if names not in NAMES:
        raise InputError(f"unknown names {names!r}: choose trace or letters")
    with phase("parsing"):
        vector = isinstance(expression, (list, tuple)) or (isinstance(expression, str)
                                                           and is_vector(expression))
        functions = (read_vector(expression) if vector
                     else (read_expression(expression),))
        chosen = read_variables(variables, None, ())
        inputs = chosen or default_variables(functions, ())
        point = read_point(at, functions, ()) if at is not None else None
        missing = [x.name for x in inputs if point is not None and x not in point]
        if missing:
            raise InputError(f"--at gives no value for {', '.join(missing)}")
    seeds = _seed_inputs(seed, mode, inputs)
    text = expression if isinstance(expression, str) else ", ".join(map(str, functions))
    with phase("building the trace"):
        primal, outputs = _primal(functions, inputs, point, names)
    with phase("sweeping"):
        if mode == "forward":
            passes = tuple(_forward(primal, outputs, inputs, s, point) for s in seeds)
        else:
            passes = tuple(_reverse(primal, outputs, inputs, k, point)
                           for k in range(len(outputs)))
    derivatives, jacobian = _derivatives(mode, passes, outputs, inputs)
    with phase("checking the trace"):
        checks = _checks(functions, inputs, point, primal, outputs, passes, derivatives, mode)
    return Trace(text, mode, names, tuple(functions), tuple(inputs),
                 tuple((point or {}).items()), primal, outputs, passes, derivatives, jacobian,
                 checks)


def _seed_inputs(seed, mode, inputs) -> tuple[sp.Symbol, ...]:
    if seed is None:
        return tuple(inputs)
    if mode != "forward":
        raise InputError("--seed-input goes with --mode forward (reverse mode seeds the "
                         "outputs, one pass each)")
    symbol = parse_symbol(seed) if isinstance(seed, str) else seed
    if symbol not in inputs:
        listed = ", ".join(s.name for s in inputs)
        raise InputError(f"{symbol.name} is not an input of the function (its inputs: {listed})")
    return (symbol,)


def _primal(functions, inputs, point, names):
    """The primal trace lines and the output lines."""
    taken = {s.name for f in functions for s in f.free_symbols} | {s.name for s in inputs}
    taken |= {f.func.__name__ for f in sp.Add(*functions).atoms(AppliedUndef)}
    outputs = _output_names(len(functions), taken)
    taken |= {s.name for s in outputs}
    placeholders = {x: sp.Dummy(f"in{i}") for i, x in enumerate(inputs)}
    builder = _Builder(placeholders)
    results = [builder.visit(f) for f in functions]
    input_names, operation_names = _names(inputs, len(builder.operations), taken, names)
    rename = {placeholders[x]: n for x, n in zip(inputs, input_names)}
    rename.update({op.name: n for op, n in zip(builder.operations, operation_names)})

    values: dict[sp.Symbol, sp.Expr] = dict(point or {})   # parameters keep their values
    expanded: dict[sp.Symbol, sp.Expr] = {}
    lines = []
    for x, name in zip(inputs, input_names):
        value = point[x] if point else x
        values[name], expanded[name] = value, x
        lines.append(PrimalLine(name, None if name == x else x, (), value, real_float(value), x,
                                is_input=True))
    for op in builder.operations:
        name = rename[op.name]
        with sp.evaluate(False):
            definition = op.definition.xreplace(rename)
        value = _evaluate(definition, values)
        if point and (_undefined(value) or real_float(value) is None and value.is_number):
            raise InputError(f"{_where(point)} is outside the domain of a step of the trace: "
                             f"{_text(name)} = {_text(definition, order='none')} has no "
                             "real value there")
        with sp.evaluate(False):
            expanded[name] = definition.xreplace(expanded)
        values[name] = value
        lines.append(PrimalLine(name, definition, _local_partials(op, rename), value,
                                real_float(value), expanded[name]))
    output_lines = []
    for symbol, result in zip(outputs, results):
        with sp.evaluate(False):
            definition = result.xreplace(rename)
        value = _evaluate(definition, values)
        output_lines.append(OutputLine(symbol, definition, value, real_float(value)))
    return tuple(lines), tuple(output_lines)


def _values(primal, point) -> dict:
    """Every trace variable's value, and the point's values of any parameters (symbols that
    are not inputs)."""
    return {**(point or {}), **{line.symbol: line.value for line in primal}}


def _times(marker: sp.Symbol, partial: sp.Expr) -> sp.Expr:
    """marker · partial as written: the marked variable first (v̇₀ · cos v₀, v̄₁/v₋₁), a
    numeric factor in front (2v̇₀), a factor ±1 left out."""
    if partial == 1:
        return marker
    if partial == -1:
        return sp.Mul(-1, marker, evaluate=False)
    if partial.is_Number:
        return sp.Mul(partial, marker, evaluate=False)
    return sp.Mul(marker, partial, evaluate=False)


def _check_defined(value, what, point):
    if point and _undefined(value):
        raise InputError(f"the function is not differentiable at {_where(point)}: {what} has "
                         "no finite value there")


def _forward(primal, outputs, inputs, seed, point) -> ForwardPass:
    """v̇ᵢ = Σₚ ȧₚ · ∂vᵢ/∂aₚ, top-down, with ẋ = 1 for the seed and 0 for the other inputs."""
    values = _values(primal, point)
    tangents: dict[sp.Symbol, sp.Expr] = {}
    seeds = tuple((marked(x, TangentVariable), sp.Integer(1 if x == seed else 0)) for x in inputs)
    lines = []
    for line in primal:
        dot = marked(line.symbol, TangentVariable)
        if line.is_input:
            value = sp.Integer(1 if line.expanded == seed else 0)
            written = None if line.definition is None else marked(line.definition, TangentVariable)
        else:
            written = sp.Add(*(_times(marked(e.argument, TangentVariable), e.partial)
                               for e in line.edges), evaluate=False)
            value = sp.Add(*(tangents[e.argument] * _evaluate(e.partial, values)
                             for e in line.edges))
            _check_defined(value, _text(dot), point)
        tangents[line.symbol] = value
        lines.append(TangentLine(line.symbol, dot, written, value, real_float(value)))
    results = []
    for out in outputs:
        if out.definition in tangents:      # y = vᵢ: ẏ = v̇ᵢ
            written, value = marked(out.definition, TangentVariable), tangents[out.definition]
        else:                               # a constant output
            written = value = sp.Integer(0)
        results.append(TangentLine(out.symbol, marked(out.symbol, TangentVariable), written, value,
                                   real_float(value)))
    return ForwardPass(seed, seeds, tuple(lines), tuple(results))


def _reverse(primal, outputs, inputs, k, point) -> ReversePass:
    """Bottom-up: each output line y = vⱼ gives v̄ⱼ = ȳ, then each primal line vᵢ, from the
    last, gives āₚ (+)= v̄ᵢ · ∂vᵢ/∂aₚ for its variable operands, left to right."""
    values = _values(primal, point)
    seeds = tuple((marked(o.symbol, AdjointVariable), sp.Integer(1 if i == k else 0))
                  for i, o in enumerate(outputs))
    adjoints: dict[sp.Symbol, sp.Expr] = {}
    lines = []

    def update(symbol, source, partial, increment, is_seed):
        accumulate = symbol in adjoints
        value = adjoints.get(symbol, sp.Integer(0)) + increment
        _check_defined(value, _text(marked(symbol, AdjointVariable)), point)
        adjoints[symbol] = value
        bar = marked(source, AdjointVariable)
        lines.append(AdjointLine(symbol, marked(symbol, AdjointVariable), source, bar, accumulate,
                                 is_seed, partial, _times(bar, partial), increment, value,
                                 real_float(value)))

    variables = {line.symbol for line in primal}
    for (_, seed_value), out in reversed(list(zip(seeds, outputs))):
        if out.definition in variables:
            update(out.definition, out.symbol, sp.Integer(1), seed_value, True)
    for line in reversed(primal):
        if line.is_input or line.symbol not in adjoints:
            continue
        for edge in line.edges:
            update(edge.argument, line.symbol, edge.partial,
                   adjoints[line.symbol] * _evaluate(edge.partial, values), False)
    gradient = []
    for x, line in zip(inputs, primal):
        value = adjoints.get(line.symbol, sp.Integer(0))
        gradient.append(InputAdjoint(x, marked(x, AdjointVariable),
                                     None if line.definition is None
                                     else marked(line.symbol, AdjointVariable),
                                     value, real_float(value)))
    final = tuple((line.symbol, adjoints.get(line.symbol, sp.Integer(0))) for line in primal)
    return ReversePass(outputs[k].symbol, seeds, tuple(lines), tuple(gradient), final)


def _derivatives(mode, passes, outputs, inputs):
    """(output, input, value) for every derivative the passes give, and the Jacobian when they
    give all of it."""
    found = {}
    if mode == "forward":
        for p in passes:
            for out in p.outputs:
                found[(out.symbol, p.seed)] = out.value
    else:
        for p in passes:
            for entry in p.gradient:
                found[(p.output, entry.symbol)] = entry.value
    derivatives = tuple((y.symbol, x, found[(y.symbol, x)]) for y in outputs for x in inputs
                        if (y.symbol, x) in found)
    if len(found) < len(outputs) * len(inputs):
        return derivatives, None
    return derivatives, sp.Matrix(len(outputs), len(inputs),
                                  [found[(y.symbol, x)] for y in outputs for x in inputs])


# ---------------------------------------------------------------------------------------------
# Checks against SymPy

def _at(expr, point):
    return expr.subs(point).doit() if point else expr


def _check(rule, claim, ours, theirs, label) -> Check:
    verdict = equivalent(ours, theirs)
    detail = "" if verdict.passed else f"{label}: {verdict.detail or verdict.method}"
    return Check(rule, claim, verdict.passed, verdict.method, detail)


def _checks(functions, inputs, point, primal, outputs, passes, derivatives, mode):
    """Every value of the trace against SymPy, then the derivatives against SymPy's."""
    checks = []
    in_inputs = {line.symbol: line.expanded.doit() for line in primal}
    for line in primal:
        checks.append(_check("primal", "equal", line.value, _at(in_inputs[line.symbol], point),
                             _text(line.symbol)))
    for out, f in zip(outputs, functions):
        checks.append(_check("output", "equal", out.value, _at(f.doit(), point),
                             _text(out.symbol)))
    for p in passes:
        if mode == "forward":
            for line in p.lines:
                expected = sp.diff(in_inputs[line.symbol], p.seed)
                checks.append(_check("tangent", "derivative", line.value, _at(expected, point),
                                     f"{_text(line.tangent)} (seed {_text(p.seed)})"))
        else:
            index = [o.symbol for o in outputs].index(p.output)
            for symbol, value in p.final:
                expected = _free_derivative(primal, outputs[index], symbol, point)
                checks.append(_check("adjoint", "derivative", value, expected,
                                     f"{_text(marked(symbol, AdjointVariable))} "
                                     f"(seed {_text(marked(p.output, AdjointVariable))})"))
    names = [o.symbol for o in outputs]
    for y, x, value in derivatives:
        f = functions[names.index(y)].doit()
        checks.append(_check("jacobian", "derivative", value, _at(sp.diff(f, x), point),
                             f"∂{_text(y)}/∂{_text(x)}"))
    return tuple(checks)


def _free_derivative(primal, output, symbol, point) -> sp.Expr:
    """∂y/∂vⱼ as SymPy finds it: the lines after vⱼ recomputed from their definitions with vⱼ
    a free variable t (the lines before it in the inputs), y differentiated by t at vⱼ's
    value."""
    t = sp.Dummy("t")
    known: dict[sp.Symbol, sp.Expr] = {}
    for line in primal:
        if line.symbol == symbol:
            known[line.symbol] = t
        elif line.is_input:
            known[line.symbol] = line.expanded
        else:
            known[line.symbol] = line.definition.xreplace(known)
    y = output.definition.xreplace(known).doit()
    own = next(line for line in primal if line.symbol == symbol)
    return _at(sp.diff(y, t).subs(t, own.expanded.doit()), point)
