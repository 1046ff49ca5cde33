"""Checking a student's answer, and saying which common mistake it is.

An answer A to "differentiate f" is *correct* when A = f′ as real functions wherever f, f′ and
A are all defined: the answer is read by derive's own grammar (never ``eval``) and compared
with SymPy's own derivative of f through the independent oracle ``verify.equivalent``
(symbolically, else numerically at many points).  So ``6x² cot(x³)``,
``6x² cos(x³)/sin(x³)`` and ``3x² sin(2x³)/sin²(x³)`` are all right for ln(sin²(x³)).

When A is wrong:

* a *counterexample*: a point where both are defined and differ, with both values — small,
  readable points first (x = 1, 2, ½, −1 …), pseudo-random ones after;
* a *diagnosis*: every mistake of the table (``derive.checking.mistakes``) is made at every node where
  it applies, and the wrong derivatives it gives that agree with A are reported — one mistake
  before two made together, in table order, outermost node first — each with the step of the
  worked solution where it happens.  A candidate is compared with A at a few sample points
  first, and only a candidate that agrees there is confirmed by the oracle.

Where a mistake happens is said in the worked solution's own terms (``locate``): in the
computation-graph style the local derivative or the chain / total-derivative step of the
intermediate that holds the node; in the textbook style (the default; one variable) the line
that differentiates the node — the product rule for x² sin(x) at ``dy/dx``, the layer
``dv/du = cos(u)`` of a composition, or its chain rule ``dy/dx = dy/du · du/dx`` with the
factors a left-out inner derivative leaves out; in the compact style the substep of the node.

The verdict is laid out by ``derive.present.checks`` (``templates/<format>/check.j2``, its
JSON and its summary).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from itertools import combinations
from typing import Iterable, Optional, Sequence

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.checking.mistakes import Application, applications, combined, compatible, sites
from derive.core.display import Displayed
from derive.core.sizes import check_number_sizes, has_large_powers
from derive.core.steps import DERIVATIVE, TOTAL, Factor, Solution, Step
from derive.core.timing import phase
from derive.core.textbook import one_line, single
from derive.core.verify import (TOLERANCE, Verdict, derivatives_as_subs, equivalent, real_value_at,
                                stand_ins_for)
from derive.errors import InputError, VerificationError, own_errors
from derive.read.parsing import ParseError, parse
from derive.read.worked import worked

#: how many single mistakes make it worth trying every pair of them
MAX_PAIRED = 40
SAMPLE_POINTS = 6
NICE = tuple(sp.Rational(v) for v in ("1", "2", "1/2", "-1", "3", "-2", "1/3", "3/2", "-1/2",
                                      "5/2", "4", "-3", "1/4", "7/10", "5", "-5/2", "10",
                                      "-1/3", "9/10", "-10"))
RANDOM_POINTS = 60
SEED = 20240607
# as derive.api: SymPy differentiates and substitutes recursively, some ten frames per level
# of nesting, and the parser allows 200 levels


class AnswerParseError(ParseError):
    """The answer (not the expression) cannot be read."""

    def __str__(self) -> str:
        return f"the answer is malformed: column {self.column + 1}: {self.message}"


# --- records ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counterexample:
    """A point where the answer and the derivative are both defined and differ (``answer``
    None: the answer has no real value anywhere the derivative was tried)."""

    point: tuple[tuple[sp.Symbol, sp.Expr], ...]
    expected: sp.Expr
    answer: Optional[sp.Expr]
    expected_number: Optional[float]
    answer_number: Optional[float]


@dataclass(frozen=True)
class StepRef:
    """Where in the worked solution something happens.

    number    the step's number as the solution prints it (1-based; a textbook solution
              numbers none: its worked derivative, after a rewriting if there is one)
    phase     the step itself: "local-derivatives", "combine", a rule-by-rule step, or the
              textbook's worked derivative
    line      the line of that step: the local derivative dv/du, the chain or total-derivative
              step, or the rule-by-rule substep of the node; in a textbook solution the line
              the node is differentiated in (see ``role``)
    order     which derivative (1-based) of a higher or mixed derivative; 1 otherwise
    role      a textbook solution only: how that line is printed, and so labelled —
              ``"rule"`` a rule worked on lines of its own (``dy/dx: the product rule``),
              ``"chain"`` the chain rule's product (``dy/dx = dy/du · du/dx``), ``"layer"`` a
              derivative of a composition's layer (``dv/du = 3u²``), ``"part"`` a derivative of
              a factor of the product or quotient rule (``f′ = 2x``), ``"term"`` a term of
              the sum rule (``d/dx[x²]``), ``"top"`` a derivative taken in one line
              (``dy/dx = 5x⁴``); "" in the other styles
    within    a textbook solution: the step whose part the line is (the product or quotient
              of a ``"part"``, the chain of a ``"layer"``), else None
    factors   a textbook ``"chain"``: the factors of dy/dx = dy/du · du/dx … below the layer
              of the node (what a left-out inner derivative leaves out)
    position  a textbook solution: the line's place in the printed solution (0 in the other
              styles)
    """

    number: int
    phase: Step
    line: Step
    order: int = 1
    role: str = ""
    within: Optional[Step] = None
    factors: tuple[Factor, ...] = ()
    position: int = 0

    @property
    def place(self) -> tuple[int, int, int]:
        """Where the step is, for ordering mistakes and telling one line from another."""
        return (self.order, self.number, self.position)


@dataclass(frozen=True)
class Diagnosis:
    """One explanation of a wrong answer: the mistakes that, made in the worked solution,
    give exactly that answer, and where each happens."""

    mistakes: tuple[Application, ...]
    steps: tuple[StepRef, ...]
    order: int = 1

    @property
    def id(self) -> str:
        return "+".join(a.id for a in self.mistakes)

    @property
    def pairs(self):
        return tuple(zip(self.mistakes, self.steps))


@dataclass(frozen=True, repr=False)
class AnswerCheck(Displayed):
    """The verdict on an answer."""

    input: str
    answer_text: str
    answer: sp.Expr
    solution: Solution
    correct: bool
    method: str
    counterexample: Optional[Counterexample] = None
    diagnoses: tuple[Diagnosis, ...] = ()
    strangers: tuple[sp.Symbol, ...] = ()   # the answer's variables the function does not have

    @property
    def expected(self) -> sp.Expr:
        return self.solution.result

    @property
    def diagnosis(self) -> Optional[Diagnosis]:
        return self.diagnoses[0] if self.diagnoses else None


# --- checking -----------------------------------------------------------------------------

def read_answer(text: str) -> sp.Expr:
    """The answer, read by derive's grammar; a fault is reported as the answer's."""
    try:
        given = parse(text)
    except ParseError as error:
        raise AnswerParseError(error.message, error.text, error.column) from None
    try:
        check_number_sizes(given)
    except InputError as error:
        raise InputError(str(error).replace("in the expression", "in the answer")) from None
    return given


# the worked solution an answer is judged against: only derive's own errors leave it
worked_solution = own_errors(worked)


@own_errors
def check(expression, answer: str, wrt=None, *, order: int = 1, style: str = "textbook",
          diagnose: bool = True) -> AnswerCheck:
    """Whether ``answer`` is the derivative of ``expression`` (by ``wrt``, ``order`` times, or
    by each variable of a list in turn), and if not, where it differs and which mistake it is.
    ``style``: the worked solution whose steps a diagnosis names ("textbook", "graph" or
    "compact"; the textbook style works one variable, as ``derive.core.engine`` says).
    """
    if not isinstance(answer, str) or not answer.strip():
        raise InputError("the answer is empty: give it with --answer")
    solution = worked_solution(expression, wrt, order=order, style=style)
    if not isinstance(solution, Solution):
        raise InputError("check takes one function, not a vector of functions: for its "
                         "Jacobian use --jacobian")
    given = read_answer(answer)
    if not solution.verified:
        raise VerificationError("the worked solution failed its own check; this is a bug in "
                                "derive, please report it with the input")
    with phase("checking the answer"):
        function = solution.expression.doit()
        truth = sp.diff(function, *solution.sequence)
        judge = Judge(function, truth, shown=solution.result, others=(given,))
        verdict = judge.equivalent(given, truth)
        if verdict.method == "inconclusive":  # few points of the oracle's: try readable ones
            verdict = judge.decide(given)
    strangers = tuple(sorted(given.free_symbols - function.free_symbols
                             - set(solution.sequence), key=lambda s: s.name))
    if verdict.passed:
        return AnswerCheck(str(expression), answer, given, solution, True, verdict.method,
                           strangers=strangers)
    with phase("looking for a point where the answer differs"):
        counterexample = judge.counterexample(given)
    with phase("looking for the mistake"):
        diagnoses = tuple(diagnose_answer(solution, given, judge)) if diagnose else ()
    return AnswerCheck(str(expression), answer, given, solution, False, verdict.method,
                       counterexample, diagnoses, strangers)


class Judge:
    """Compares expressions with the derivative ``truth`` of ``function`` as real functions
    on the function's domain: at points where the function and the derivative are real
    (readable ones first), and by the oracle ``verify.equivalent``.

    Abstract functions f, g, … are given fixed concrete stand-ins, the same in every
    expression compared (so that f′(g(x))·g′(x) and an answer written with g alone are
    judged with one and the same g)."""

    def __init__(self, function: sp.Expr, truth: sp.Expr, shown: Optional[sp.Expr] = None,
                 others: Sequence[sp.Expr] = ()):
        self.exact_truth = truth
        self.shown = truth if shown is None else shown  # the form values are shown in
        self.stand_ins = stand_ins_for(function, truth, *others)
        self.function = self.concrete(function)
        self.truth = self.concrete(truth)
        self.symbols = sorted(self.function.free_symbols | self.truth.free_symbols,
                              key=lambda s: s.name)
        self._samples: Optional[list[dict]] = None

    @property
    def abstract(self) -> bool:
        return bool(self.stand_ins)

    def concrete(self, e: sp.Expr) -> sp.Expr:
        """``e`` with the stand-ins in place of the abstract functions, derivatives done."""
        e = sp.sympify(e)
        if not self.stand_ins or not e.atoms(AppliedUndef):
            return e
        e = derivatives_as_subs(e)
        for func, replacement in self.stand_ins:
            e = e.replace(func, replacement)
        return e.doit()

    def equivalent(self, a: sp.Expr, b: sp.Expr):
        """The oracle's verdict on a = b, on the function's domain."""
        if not self.abstract:
            return equivalent(a, b, self.function)
        return equivalent(self.concrete(a), self.concrete(b), self.function)

    def same(self, a: sp.Expr, b: sp.Expr, a_signature: Optional[tuple] = None) -> bool:
        """a = b: first at the sample points (cheap), then by the oracle."""
        a_signature = self.signature(a) if a_signature is None else a_signature
        return agree(a_signature, self.signature(b), 1) and self.equivalent(a, b).passed

    def candidates(self, extra: Iterable[sp.Symbol] = ()) -> Iterable[dict]:
        """Readable points first, then pseudo-random rational ones at mixed scales."""
        symbols = sorted(set(self.symbols) | set(extra), key=lambda s: s.name)
        if not symbols:
            yield {}
            return
        for i in range(len(NICE)):
            yield {s: NICE[(i + 2 * j) % len(NICE)] for j, s in enumerate(symbols)}
        rng = random.Random(SEED)
        for _ in range(RANDOM_POINTS):
            yield {s: sp.Rational(rng.randint(-997, 997) * rng.choice((1, 3, 10)), 997)
                   for s in symbols}

    def defined(self, point) -> Optional[sp.Expr]:
        """The derivative's value at a point of the function's domain, else None."""
        if real_at(self.function, point) is None:
            return None
        return real_at(self.truth, point)

    @property
    def samples(self) -> list[dict]:
        """A few points of the domain, for telling candidates apart quickly."""
        if self._samples is None:
            self._samples = []
            for point in self.candidates():
                if self.defined(point) is not None:
                    self._samples.append(point)
                    if len(self._samples) >= SAMPLE_POINTS:
                        break
        return self._samples

    def signature(self, e: sp.Expr) -> tuple:
        """The values of ``e`` at the sample points (None where it has no real value)."""
        e = self.concrete(e)
        return tuple(real_at(e, p) for p in self.samples)

    def differ_at(self, a: sp.Expr, b: Optional[sp.Expr] = None) -> Optional[dict]:
        """A point of the domain where a and b (default: the derivative) are both real and
        differ, or None."""
        ca = self.concrete(a)
        cb = self.truth if b is None else self.concrete(b)
        for point in self.candidates(ca.free_symbols | cb.free_symbols):
            if self.defined(point) is None:
                continue
            u, v = real_at(ca, point), real_at(cb, point)
            if u is not None and v is not None and abs(u - v) > TOLERANCE * (1 + abs(v)):
                return point
        return None

    def decide(self, answer: sp.Expr, enough: int = 4) -> Verdict:
        """answer = derivative, on every point tried where both are real: passed when they
        agree at ``enough`` such points and differ at none."""
        concrete, agreed = self.concrete(answer), 0
        for point in self.candidates(concrete.free_symbols):
            want = self.defined(point)
            got = None if want is None else real_at(concrete, point)
            if got is None:
                continue
            if abs(got - want) > TOLERANCE * (1 + abs(want)):
                return Verdict(False, "numeric", "")
            agreed += 1
        return Verdict(agreed >= enough, "numeric" if agreed >= enough else "inconclusive")

    def counterexample(self, answer: sp.Expr) -> Optional[Counterexample]:
        point = self.differ_at(answer)
        if point is not None:
            return self._example(point, answer)
        first = next((p for p in self.candidates(answer.free_symbols)
                      if self.defined(p) is not None), None)
        return self._example(first, answer, undefined=True) if first is not None else None

    def _example(self, point, answer, undefined=False) -> Counterexample:
        """Exact values at the point, and numbers unless abstract functions f, g … are
        involved (their numbers come from stand-in functions and would mislead)."""
        numbers = not self.abstract
        expected = _exact(self.shown, point)
        if expected.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            expected = _exact(self.exact_truth, point)
        return Counterexample(tuple(point.items()), expected,
                              None if undefined else _exact(answer, point),
                              _number(self.truth, point) if numbers else None,
                              _number(self.concrete(answer), point)
                              if numbers and not undefined else None)


def _exact(e: sp.Expr, point) -> sp.Expr:
    """The value at the point, exactly (6 cot(1)), or as a number when it would be huge."""
    if has_large_powers(sp.sympify(e)):
        value = real_value_at(sp.sympify(e).doit(), point)
        return sp.nan if value is None else sp.Float(value, 6)
    with sp.evaluate(True):
        e = sp.sympify(e).doit()
        if e.has(sp.Derivative):  # d/dx g(x) at x = 1 is g′(1), not d/d1 g(1)
            return e.subs(point)
        return e.xreplace(point).doit()


def real_at(e: sp.Expr, point) -> Optional[sp.Float]:
    """e at the point as a real number, or None where it is undefined or not real.  The point
    is put in exactly first, so that a pole is seen as one (1/(x + 1) at x = −1 is zoo; a
    numeric substitution would give a huge number instead)."""
    if has_large_powers(e):  # (x + 1)^100000 at x = 1: no exact 30 000-digit integer
        return real_value_at(e, point)
    try:
        exact = e.xreplace(point) if point else e
    except (ZeroDivisionError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if exact.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return real_value_at(exact, {})


def _number(e: sp.Expr, point) -> Optional[float]:
    v = real_at(e, point)
    if v is None or not math.isfinite(float(v)):
        return None
    return float(v)


APART = 1e-9   # values further apart than this (relatively) tell two answers apart


class Values:
    """An expression's values at the oracle's sample points (``Judge.samples``, None where it
    has no real value), each worked out when it is first needed: most answers are told
    apart at the first point."""

    def __init__(self, judge: Judge, expr: sp.Expr):
        self.judge, self.expr, self.found = judge, judge.concrete(expr), {}

    def at(self, i: int):
        if i not in self.found:
            self.found[i] = real_at(self.expr, self.judge.samples[i])
        return self.found[i]

    def differs(self, other: "Values") -> bool:
        """The two take different values at a sample point where both are defined."""
        for i in range(len(self.judge.samples)):
            u = self.at(i)
            v = None if u is None else other.at(i)
            if v is not None and abs(u - v) > APART * (1 + abs(v)):
                return True
        return False

    def signature(self) -> tuple:
        """The values at every sample point (``Judge.signature``)."""
        return tuple(self.at(i) for i in range(len(self.judge.samples)))


def agree(a: tuple, b: tuple, minimum: int = 3) -> bool:
    """Two signatures agree: equal wherever both are defined, and defined together at
    ``minimum`` points at least (fewer where there are fewer samples)."""
    both = [(u, v) for u, v in zip(a, b) if u is not None and v is not None]
    if len(both) < min(minimum, len(a)):
        return False
    return all(abs(u - v) <= TOLERANCE * 1e3 * (1 + abs(u)) for u, v in both)


# --- diagnosis ----------------------------------------------------------------------------

def diagnose_answer(solution: Solution, answer: sp.Expr, judge: Judge
                    ) -> list[Diagnosis]:
    """The mistakes that give ``answer``, best first: single mistakes, then pairs."""
    wanted = judge.signature(answer)
    truth = judge.signature(judge.truth)
    found, singles_by_order = [], []
    for k, (target, rest) in enumerate(differentiations(solution)):
        wrt = solution.sequence[k]
        singles = []
        for app in applications(target, wrt):
            full = differentiate_rest(app.answer, rest)
            signature = judge.signature(full)
            if agree(signature, truth):
                continue  # the mistake changes nothing here
            singles.append(app)
            if agree(signature, wanted, 1) and judge.equivalent(answer, full).passed:
                found.append(_diagnosis(solution, k, (app,)))
        singles_by_order.append((k, target, rest, wrt, singles))
    if found:
        return found
    for k, target, rest, wrt, singles in singles_by_order:
        if len(singles) > MAX_PAIRED:
            continue
        for a, b in combinations(singles, 2):
            if not compatible(a, b):
                continue
            full = differentiate_rest(combined(target, wrt, (a, b)), rest)
            if agree(judge.signature(full), wanted, 1) and judge.equivalent(answer,
                                                                             full).passed:
                found.append(_diagnosis(solution, k, (a, b)))
    return found


def differentiate_rest(derivative: sp.Expr, rest) -> sp.Expr:
    """The derivatives still to take after the one where the mistake is made."""
    return sp.diff(derivative, *rest) if rest else derivative


def differentiations(solution: Solution):
    """(what the k-th differentiation differentiates, the variables still to come)."""
    sequence = solution.sequence or (solution.wrt,)
    if len(sequence) == 1:
        yield solution.expression, ()
        return
    for k, block in enumerate(solution.steps):
        yield block.target, tuple(sequence[k + 1:])


def _diagnosis(solution: Solution, k: int, made: Sequence[Application]) -> Diagnosis:
    """The mistakes in the order of the steps where they are made."""
    located = sorted(((a, locate(solution, k, a)) for a in made), key=lambda p: p[1].place)
    return Diagnosis(tuple(a for a, _ in located), tuple(r for _, r in located), k + 1)


def locate(solution: Solution, k: int, app: Application) -> StepRef:
    """The step of the worked solution where ``app``'s mistake would be made: the local
    derivative or the chain / total-derivative step of the intermediate that holds its node,
    in a rule-by-rule solution the substep that differentiates the node, and in a textbook
    solution the line that does (``locate_textbook``)."""
    steps = solution.steps[k].substeps if len(solution.sequence) > 1 else solution.steps
    if solution.style == "textbook":
        target = list(differentiations(solution))[k][0]
        return locate_textbook(steps, target, app, k + 1)
    phases = {s.rule: (i, s) for i, s in enumerate(steps)}
    if "intermediates" not in phases:
        number, tree = 1, steps[0]
        line = next((s for s in tree.walk() if s.target == app.node), tree)
        return StepRef(number, tree, line, k + 1)
    name = _holder(phases["intermediates"][1].bindings, app.node)
    if app.mistake.phase == "local":
        number, phase = phases["local-derivatives"]
        lines = [s for s in phase.substeps if s.of == name] or list(phase.substeps)
        direct = [s for s in lines if s.wrt == app.wrt]  # ∂z/∂x, where y² is held constant
        return StepRef(number + 1, phase, (direct or lines)[0], k + 1)
    number, phase = phases["combine"]
    lines = [s for s in phase.substeps if s.of == name and s.rule != "paths"]
    return StepRef(number + 1, phase, lines[0] if lines else phase.substeps[-1], k + 1)


def _holder(bindings, node) -> sp.Symbol:
    """The intermediate whose definition differentiates ``node``: the one that is ``node``,
    else the smallest that contains it, else the output."""
    for b in bindings:
        if b.expanded == node:
            return b.name
    containing = [b for b in bindings if b.expanded.has(node)]
    if containing:
        return min(containing, key=lambda b: sp.count_ops(b.expanded)).name
    return bindings[-1].name


# --- the textbook style: which line differentiates a node ---------------------------------

#: the rules whose parts a textbook solution prints on lines of their own, each labelled
#: (f′ = …, dv/du = …, d/dx[…]); a part of any other rule is printed in its rule's line
LABELLED_PARTS = {"product": "part", "quotient": "part", "chain": "layer", "sum": "term"}


@dataclass(frozen=True)
class TextbookLine:
    """A line of a textbook solution (``derive.core.textbook``): its step, the subexpression
    of the function it differentiates (written in x: a layer v = sin(u) of a composition
    differentiates sin(x³) when u = x³), and the line it is part of."""

    step: Step
    node: sp.Expr
    parent: Optional["TextbookLine"]
    top: int                       # the index of its top-level step
    layer: bool = False            # a layer's derivative dv/du inside a chain rule

    @property
    def around(self) -> tuple[sp.Expr, ...]:
        """What the lines it is part of differentiate, the nearest first."""
        line, found = self.parent, []
        while line is not None:
            found.append(line.node)
            line = line.parent
        return tuple(found)


def textbook_lines(steps: Sequence[Step]) -> list[TextbookLine]:
    """Every line of a textbook solution's worked derivative, depth first (the order they
    are printed in); a rewriting and the simplification differentiate nothing."""
    lines: list[TextbookLine] = []
    for i, step in enumerate(steps):
        if step.claim in (DERIVATIVE, TOTAL):
            _walk_lines(step, step.target, None, i, False, lines)
    return lines


def _walk_lines(step, node, parent, top, layer, lines) -> None:
    line = TextbookLine(step, node, parent, top, layer)
    lines.append(line)
    if layer:
        return      # a layer's own substeps are written in the intermediates
    if step.rule == "chain":
        written_in_x = {b.name: b.expanded for b in step.bindings}
        *layers, below, _back = step.substeps      # dy/du …, du/dx, and substituting back
        for sub in layers:
            _walk_lines(sub, written_in_x[sub.of], line, top, True, lines)
        _walk_lines(below, below.target, line, top, False, lines)
        return
    for sub in step.substeps:
        _walk_lines(sub, sub.target, line, top, False, lines)


def locate_textbook(steps: Sequence[Step], target: sp.Expr, app: Application,
                    order: int = 1) -> StepRef:
    """The line of a textbook solution where ``app``'s mistake would be made.

    The line that differentiates the mistake's node: for a mistake in a local derivative
    (``phase`` "local") the derivative of the node's own rule — in a composition its layer's
    dv/du —, for a mistake in combining (the product or quotient rule, a left-out inner
    derivative) the rule that combines — in a composition the chain rule dy/dx = dy/du ·
    du/dx, with the factors below the node's layer.  Where the node's line is printed
    inside another (a constant multiple worked in one line) that line is named."""
    lines = textbook_lines(steps)
    if not lines:
        return StepRef(1, steps[0], steps[0], order)
    chosen = _line_of(lines, target, app)
    factors: tuple[Factor, ...] = ()
    if app.mistake.phase != "local" and (chosen.layer or chosen.step.rule == "chain"):
        chain = chosen.parent if chosen.layer else chosen
        name = chosen.step.of
        chain_factors = chain.step.terms[0]
        mine = next((i for i, f in enumerate(chain_factors) if f.symbol.of == name), 0)
        chosen, factors = chain, tuple(chain_factors[mine + 1:])
    shown, role, within = _shown(chosen)
    return StepRef(shown.top + 1, steps[shown.top], shown.step, order, role, within, factors,
                   _position(lines, shown, role))


def _position(lines: list[TextbookLine], shown: TextbookLine, role: str) -> int:
    """The place of the line in the printed solution: lines in the order they are printed,
    the chain rule's product dy/dx = dy/du · du/dx after the layers it multiplies."""
    index = next(i for i, line in enumerate(lines) if line is shown)
    if role == "chain":   # after the last line of its own
        index = max(i for i, line in enumerate(lines)
                    if line is shown or _inside(line, shown))
        return 2 * index + 3
    return 2 * index + 2


def _inside(line: TextbookLine, outer: TextbookLine) -> bool:
    """Whether ``line`` is part of ``outer``, at any depth."""
    while line.parent is not None:
        if line.parent is outer:
            return True
        line = line.parent
    return False


def _line_of(lines: list[TextbookLine], target: sp.Expr, app: Application) -> TextbookLine:
    """The line that differentiates the node: a layer's for a local mistake, the rule's that
    combines for the others; among equal nodes, the one in the same place of the function
    (most of the node's enclosing subexpressions around it)."""
    at = [line for line in lines if line.node == app.node]
    if not at:   # a node the textbook does not work on its own (written anew, or split)
        containing = [line for line in lines if not line.layer and line.node.has(app.node)]
        return (min(containing, key=lambda line: sp.count_ops(line.node)) if containing
                else lines[0])
    layers = [line for line in at if line.layer]
    others = [line for line in at if not line.layer]
    if app.mistake.phase == "local":
        at = layers or others
    else:
        at = [line for line in others if line.step.rule == "chain"] or layers or others
    if len(at) == 1:
        return at[0]
    nodes = {site.path: site.node for site in sites(target, app.wrt)}
    enclosing = [nodes[app.path[:i]] for i in range(len(app.path)) if app.path[:i] in nodes]
    return max(at, key=lambda line: sum(e in line.around for e in enclosing))


def _ancestors(line: TextbookLine) -> list[TextbookLine]:
    """The line and the lines it is part of, innermost first."""
    found = [line]
    while found[-1].parent is not None:
        found.append(found[-1].parent)
    return found


def _shown(line: TextbookLine) -> tuple[TextbookLine, str, Optional[Step]]:
    """The line as printed, its role (``StepRef.role``) and the step it is a part of: a
    derivative printed inside its parent's line (a constant multiple's one rule, a term of
    logarithmic differentiation) is shown by that line, and so is everything inside a
    derivative that a larger one writes in one line (``one_line``: g′ = 2x for g = x² + 1,
    f′ = e²ˣ·2 = 2e²ˣ for f = e²ˣ)."""
    folded = [outer for outer in _ancestors(line)
              if outer.parent is not None and one_line(outer.step) and not single(outer.step)]
    if folded:
        outer = folded[-1]
        return outer, LABELLED_PARTS.get(outer.parent.step.rule, "rule"), outer.parent.step
    while (line.parent is not None and single(line.step)
           and line.parent.step.rule not in LABELLED_PARTS):
        line = line.parent
    step = line.step
    if step.rule == "chain":
        return line, "chain", None
    if not single(step):
        return line, "rule", None
    if line.parent is None:
        return line, "top", None
    return line, LABELLED_PARTS[line.parent.step.rule], line.parent.step


__all__ = ["check", "real_at", "Values", "AnswerCheck", "Counterexample", "Diagnosis", "StepRef", "AnswerParseError",
           "read_answer", "worked_solution", "Judge", "agree", "locate", "locate_textbook",
           "textbook_lines", "TextbookLine", "diagnose_answer",
           "differentiations", "differentiate_rest"]
