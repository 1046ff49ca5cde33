"""Decomposition of an expression into named intermediate variables: its computation graph.

Every operation that depends on the variable x becomes a node ``name = definition``, its
definition written in x and earlier names, so the graph is a DAG: ``sin(x + x^2)`` is
u₁ = x², u₂ = x + u₁, y = sin u₂, and x reaches y along two paths.  What gets no name:

* constants (anything free of x) and x itself;
* ``c·s``, ``−s`` and ``1/s`` for a variable or name ``s`` inside a sum or product (the
  ``−u`` of ``x − u``, the ``1/v`` of ``u/v``), which a reader takes in at a glance;
* a monomial ``c·xⁿ`` is one node, not two.

A subexpression met twice is named once, so shared subexpressions are drawn once and their
derivative is computed once.  Names never clash with the user's symbols: a pure chain of at
most three intermediates is named u, v, w (or another free triple), anything else u₁, u₂, ….

A result written in the names is written back in x by :func:`written_back`, in the order a
teacher writes it (``2x sin(x)``, not ``2 sin(x)·x``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import sympy as sp

from derive.core.steps import Intermediate

OUTPUT_NAMES = ("y", "z", "F", "Y")
LETTER_FAMILIES = (("u", "v", "w"), ("p", "q", "r"), ("a", "b", "c"), ("s", "t", "h"))
SUBSCRIPT_BASES = ("u", "v", "t", "g", "q", "z")
MAX_PATHS = 8   # more paths than this are counted, not listed (nor summed as a step)


@dataclass(frozen=True)
class Graph:
    """The intermediates in topological order; the last one is the output."""

    wrt: sp.Symbol
    nodes: tuple[Intermediate, ...]

    @property
    def output(self) -> Intermediate:
        return self.nodes[-1]

    @property
    def intermediates(self) -> tuple[Intermediate, ...]:
        return self.nodes[:-1]

    @property
    def is_chain(self) -> bool:
        """One path from x to the output: each node has one argument, each name one use."""
        uses = {}
        for node in self.nodes:
            if len(node.arguments) != 1:
                return False
            uses[node.arguments[0]] = uses.get(node.arguments[0], 0) + 1
        return all(n == 1 for n in uses.values())

    def substitution(self) -> dict[sp.Symbol, sp.Expr]:
        """name -> the same quantity written in the input variables."""
        return {node.name: node.expanded for node in self.nodes}

    def written_back(self, expr: sp.Expr) -> sp.Expr:
        """``expr``, written in the names, written back in the input variables as a teacher
        writes it (see :func:`written_back`); for a chain, ``expr`` is the product of its
        local derivatives along the chain, in that order."""
        return written_back(expr, self.substitution(), chain=self.is_chain)


def written_back(expr: sp.Expr, names: dict, *, chain: bool = False) -> sp.Expr:
    """``expr`` with every name replaced by what it stands for — the same quantity, so
    ``expr`` and the result are equal — with its products written as a teacher writes them:

    * the number first, then powers of variables, sums, exponentials, then the other factors
      in the order they had: ``2u₂x`` with u₂ = sin(x) is ``2x sin(x)``, not ``2 sin(x)·x``;
    * reciprocals last, so that a product reads as one fraction: ``u₂/(2√x)`` with
      u₂ = ln(x) is ``ln(x)/(2√x)``, not ``(1/2)·ln(x)·(1/√x)``;
    * no factor 1; a name that stands for a product brings its factors into the product
      (``2u₄x`` with u₄ = tan(x)e²ˣ is ``2x e²ˣ tan(x)``);
    * the terms of a sum in the order they are printed, highest power first (``2x + 3``),
      but not a minus sign first where a term is positive.

    ``chain``: ``expr`` is a product of local derivatives along a chain (``dy/dw · dw/dv ·
    …``), whose order is the chain's: it is kept, only its factors 1 left out.  What a name
    stands for is written as it stands (the user's own order inside it)."""
    with sp.evaluate(False):
        if chain and expr.is_Mul:
            factors = [_written(f, names) for f in expr.args]
            kept = [f for f in factors if f != 1]
            if not kept:
                return sp.Integer(1)
            return kept[0] if len(kept) == 1 else sp.Mul(*kept)
        return _written(expr, names)


def _written(expr, names):
    """``expr`` with the names replaced, its sums and products in teacher order."""
    if expr in names:
        return names[expr]
    if expr.is_Atom:
        return expr
    if expr.is_Add:
        return sp.Add(*(_written(t, names) for t in _terms_in_order(expr)))
    args = [_written(a, names) for a in expr.args]
    if expr.is_Mul:  # a name that stands for a product: its factors join this product
        return _product_in_order([f for a in args for f in sp.Mul.make_args(a)])
    return expr.func(*args)


def _terms_in_order(total):
    """The terms of a sum in the order they are printed (2x + 3, not 3 + 2x), a positive
    one first: eˣ cos(x) - eˣ sin(x), not -eˣ sin(x) + eˣ cos(x)."""
    terms = list(total.as_ordered_terms())
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    if positive and terms[0] is not positive[0]:
        terms.remove(positive[0])
        terms.insert(0, positive[0])
    return terms


# the order of factors in a product: a number (π, √2), powers of variables (x², √x), sums
# and their powers (x(x + 1), (x + 1)² eˣ), exponentials (eˣ, 2ˣ), then anything else
# (2ˣ ln(2), x eˣ sin(x))
_NUMBER, _VARIABLE, _SUM, _EXPONENTIAL, _OTHER = range(5)


def _factor_rank(factor) -> int:
    if factor.is_Number or factor.is_NumberSymbol or (factor.is_Pow and factor.is_number):
        return _NUMBER
    base, exponent = factor.as_base_exp()
    if base.is_Symbol:
        return _VARIABLE
    if base.is_Add:
        return _SUM
    if isinstance(factor, sp.exp) or (factor.is_Pow and base.is_number):
        return _EXPONENTIAL
    return _OTHER


def _is_reciprocal(factor) -> bool:
    """b⁻ⁿ with a negative number n: a factor below the fraction bar."""
    return bool(factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative)


def _product_in_order(factors):
    """The factors as one product in teacher order: the coefficient, the factors above the
    bar, then the coefficient's denominator and the reciprocals below it, each in rank
    order."""
    coefficient = sp.Integer(1)
    above, below = [], []
    for f in factors:
        if f.is_Number:
            with sp.evaluate(True):  # Mul(2, 3, evaluate=True) is 1·3 inside evaluate(False)
                coefficient = coefficient * f
        elif _is_reciprocal(f):
            below.append(f)
        else:
            above.append(f)
    if coefficient == 0 or not (above or below):
        return coefficient
    above.sort(key=_factor_rank)
    below.sort(key=lambda f: _factor_rank(f.base))
    numerator, denominator = sp.fraction(coefficient)
    ordered = ([numerator] if numerator != 1 or not above else []) + above
    if denominator != 1:
        ordered.append(sp.Rational(1, denominator))
    ordered += below
    return ordered[0] if len(ordered) == 1 else sp.Mul(*ordered)


def paths(wrt: sp.Symbol, nodes: tuple[Intermediate, ...], limit: int = MAX_PATHS
          ) -> tuple[tuple[tuple[sp.Symbol, ...], ...], int]:
    """The paths from ``wrt`` to the output (the last node), each written from ``wrt``
    (``(x, u, y)``), and how many there are; no paths listed when there are more than
    ``limit``.  The one walk: output-first, depth-first over each node's arguments in order
    — the order of the solution's sum over paths and of the paths under its picture."""
    arguments = {node.name: node.arguments for node in nodes}
    number = {wrt: 1}
    for node in nodes:   # topological order
        number[node.name] = sum(number.get(a, 0) for a in node.arguments)
    output = nodes[-1].name
    if number[output] > limit:
        return (), number[output]

    def walk(name):
        if name == wrt:
            yield (wrt,)
            return
        for a in arguments[name]:
            if number.get(a, 0):
                for rest in walk(a):
                    yield rest + (name,)

    return tuple(walk(output)), number[output]


def decompose(expr: sp.Expr, wrt: sp.Symbol, reserved=frozenset()) -> Graph:
    """The computation graph of ``expr`` as a function of ``wrt``; ``reserved`` names (besides
    the expression's own symbols) are not given to intermediates."""
    builder = _Builder(wrt)
    with sp.evaluate(False):
        top = builder.visit(expr, parent=None)
    builder.definitions.append((builder.output_placeholder, top))
    return _name(builder.definitions, wrt, expr, reserved)


class _Builder:
    """Walks the expression bottom-up and records one definition per distinct operation."""

    def __init__(self, wrt):
        self.wrt = wrt
        self.definitions: list[tuple[sp.Symbol, sp.Expr]] = []
        self.names_by_definition: dict[sp.Expr, sp.Symbol] = {}
        self.fresh = (sp.Dummy(f"n{i}") for i in count())
        self.output_placeholder = sp.Dummy("output")

    def visit(self, e, parent):
        if e == self.wrt or not e.has(self.wrt) or e.is_Atom:
            return e
        if _is_monomial(e, self.wrt) or isinstance(e, sp.Derivative):
            rebuilt = e                      # f′(x) is one node: its variable is x itself
        elif isinstance(e, sp.Subs) and not e.expr.has(self.wrt):
            # f′(g(x)): name g(x), keep f′ as written
            rebuilt = sp.Subs(e.expr, e.variables, tuple(self.visit(p, e) for p in e.point))
        elif isinstance(e, sp.Subs):         # x inside f′ too: one node, worked as a whole
            rebuilt = e
        else:
            rebuilt = e.func(*(self.visit(a, e) for a in _operands(e)))
        if parent is None or _reads_at_a_glance(rebuilt, parent, self.wrt):
            return rebuilt
        name = self.names_by_definition.get(rebuilt)
        if name is None:
            name = next(self.fresh)
            self.names_by_definition[rebuilt] = name
            self.definitions.append((name, rebuilt))
        return name


def _operands(e):
    """The children of ``e``, with a sum inside a sum spliced in (a + (b + c) is one sum)."""
    if isinstance(e, sp.Add):
        out = []
        for a in e.args:
            out.extend(_operands(a) if isinstance(a, sp.Add) else (a,))
        return out
    return e.args


def _is_monomial(e, wrt):
    """c·xⁿ with constants c and n: one node."""
    if not isinstance(e, sp.Mul):
        return False
    powers = [a for a in e.args if a.has(wrt)]
    return (len(powers) == 1 and isinstance(powers[0], sp.Pow) and powers[0].base == wrt
            and not powers[0].exp.has(wrt))


def _reads_at_a_glance(e, parent, wrt):
    """c·s, −s or 1/s of one variable s, inside a sum or product: no name of its own."""
    if not isinstance(parent, (sp.Add, sp.Mul)):
        return False
    if isinstance(e, sp.Mul):
        variables = [a for a in e.args if a.has(wrt) or isinstance(a, sp.Dummy)]
        return len(variables) == 1 and variables[0].is_Symbol and len(e.args) == 2
    if isinstance(e, sp.Pow):
        return e.exp == -1 and e.base.is_Symbol
    return False


def arguments_of(definition, variables):
    """The variables a definition uses, in the order they first occur."""
    seen = []
    for sub in sp.preorder_traversal(definition):
        if sub in variables and sub not in seen:
            seen.append(sub)
    return tuple(seen)


def _name(definitions, wrt, expr, reserved):
    """Give the placeholders their final names and write each node in x alone."""
    taken = set(reserved) | {s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(sp.core.function.AppliedUndef)}
    placeholders = [p for p, _ in definitions]
    arguments = {p: arguments_of(d, set(placeholders) | {wrt}) for p, d in definitions}
    uses = {}
    for args in arguments.values():
        for a in args:
            uses[a] = uses.get(a, 0) + 1
    chain = all(len(a) == 1 for a in arguments.values()) and all(n == 1 for n in uses.values())
    output = first_free(OUTPUT_NAMES, taken)
    inner = placeholders[:-1]
    names = intermediate_names(len(inner), chain, taken | {output})
    rename = {p: sp.Symbol(n, real=True) for p, n in zip(inner, names)}
    rename[placeholders[-1]] = sp.Symbol(output, real=True)

    nodes, expanded = [], {}
    with sp.evaluate(False):
        for placeholder, definition in definitions:
            name = rename[placeholder]
            written = definition.xreplace(rename)
            in_x = definition.xreplace(expanded)
            expanded[placeholder] = in_x
            nodes.append(Intermediate(name, written, in_x,
                                      tuple(rename.get(a, a) for a in arguments[placeholder])))
    return Graph(wrt, tuple(nodes))


def first_free(candidates, taken):
    for name in candidates:
        if name not in taken:
            return name
    return next(f"y{i}" for i in count(1) if f"y{i}" not in taken)


def intermediate_names(n, chain, taken):
    if chain and n <= 3:
        for family in LETTER_FAMILIES:
            if not taken & set(family):
                return list(family[:n])
    bases = chain_of_bases()
    for base in bases:
        names = [f"{base}_{i}" for i in range(1, n + 1)]
        if not taken & set(names) and base not in taken:
            return names
    raise AssertionError("unreachable: the bases never run out")


def chain_of_bases():
    """u, v, t, g, q, z, then u2, u3, …: there is always a base the user has not used."""
    yield from SUBSCRIPT_BASES
    for k in count(2):
        yield f"u{k}"
