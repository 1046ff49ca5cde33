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
