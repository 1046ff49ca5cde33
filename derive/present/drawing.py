"""The computation graph of a solution as a picture: plain data for the templates to draw.

Nodes are the input x, the intermediate variables and the output, each labelled with its
definition (``u₂ = x + u₁``); an edge a → n carries the local derivative ∂n/∂a, exactly the
one the solution worked and checked in its local-derivatives phase.  A subexpression used
twice is one node with two edges out of it.  The paths from x to the output are listed in
the order the solution's total-derivative step sums them, so "path 2" means the same in the
text and under the picture:

    dy/dx = Σ over paths  Π over the edges of the path  ∂(head)/∂(tail).

Layout (for the TikZ picture; Mermaid and Graphviz lay out by themselves): a node's layer is
its longest distance from x, so every edge points to the right.  An edge that skips layers
passes through a reserved empty cell of each layer it crosses.  Between two layers lies a
column of edge labels, one label per cell.  Every box sits in its own cell of one grid, so
no two labels or nodes can overlap whatever their sizes; within a layer, nodes are ordered
by the mean position of their predecessors (the barycenter heuristic) to keep crossings few.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import sympy as sp

from derive.errors import InputError
from derive.core.graph import MAX_PATHS
from derive.core.graph import paths as walk_paths
from derive.present.notation import to_text
from derive.core.steps import Leibniz, Solution

MAX_PATHS_LISTED = MAX_PATHS   # the paths the solution sums over, in its order
ORDERING_SWEEPS = 4
# Drawn downwards when the layers side by side would be much wider than a page (so wide
# that scaling them to the page would leave the text too small): widths in characters of
# the one-line text of the widest node and label of each layer and gap (about 0.13 cm each).
PAGE_WIDTH_CHARACTERS = 140
GAP_CHARACTERS = 6


@dataclass(frozen=True)
class Node:
    """A value of the computation: the input (no definition), an intermediate or the output."""

    key: str
    name: sp.Symbol
    definition: Optional[sp.Expr]
    kind: str                       # "input", "intermediate" or "output"
    layer: int


@dataclass(frozen=True)
class Edge:
    """source → target, labelled with the local derivative ∂target/∂source."""

    key: str
    source: str
    target: str
    symbol: Leibniz
    derivative: sp.Expr


@dataclass(frozen=True)
class Cell:
    """One occupied cell of the layout grid: a node, an edge label or a bend point."""

    key: str
    row: int
    column: int
    kind: str                       # "node", "label" or "point"


@dataclass(frozen=True)
class Grid:
    """Cells in rows × columns (node columns even, label columns odd) and, per edge, the
    cells it runs through from its source to its target.  ``direction`` is where the layers
    follow each other: "right", or "down" for a graph too long to read across a page (the
    grid is then drawn transposed: layers as rows)."""

    rows: int
    columns: int
    cells: tuple[Cell, ...]
    routes: tuple[tuple[str, tuple[str, ...]], ...]     # (edge key, cell keys in order)
    direction: str = "right"

    def kind(self, key: str) -> str:
        return next(c.kind for c in self.cells if c.key == key)

    def row_cells(self) -> tuple[tuple[Optional[Cell], ...], ...]:
        """The grid as drawn, row by row, None where a cell is empty."""
        across = self.direction == "right"
        rows, columns = (self.rows, self.columns) if across else (self.columns, self.rows)
        table = [[None] * columns for _ in range(rows)]
        for cell in self.cells:
            r, c = (cell.row, cell.column) if across else (cell.column, cell.row)
            table[r][c] = cell
        return tuple(tuple(r) for r in table)


@dataclass(frozen=True)
class Drawing:
    """The picture of a computation graph."""

    wrt: sp.Symbol
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    paths: tuple[tuple[sp.Symbol, ...], ...]   # from x to the output, at most MAX_PATHS_LISTED
    path_count: int
    grid: Grid

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    def labelled(self, cell_key: str) -> Edge:
        """The edge whose label sits in the cell ``cell_key``."""
        return next(e for e in self.edges if _segment_key(e, 1) == cell_key)


def drawing(solution: Solution) -> Drawing:
    """The computation graph of ``solution`` (for a higher or mixed derivative: of its first
    differentiation), with the local derivatives the solution worked on its edges."""
    if not isinstance(solution, Solution):
        raise InputError("the computation graph is drawn for a single derivative, not for a "
                         "gradient, Jacobian or Hessian")
    nodes, local = _graph_of(solution)
    wrt = _input_of(solution, nodes)
    keys = {wrt: "n0", **{node.name: f"n{i + 1}" for i, node in enumerate(nodes)}}
    layers = _layers(wrt, nodes)
    picture_nodes = [Node("n0", wrt, None, "input", 0)] + [
        Node(keys[node.name], node.name, node.definition,
             "output" if i == len(nodes) - 1 else "intermediate", layers[node.name])
        for i, node in enumerate(nodes)]
    edges = []
    for node in nodes:
        for a in node.arguments:
            step = local[(node.name, a)]
            edges.append(Edge(f"e{len(edges)}", keys[a], keys[node.name],
                              Leibniz(node.name, a, step.partial), step.result))
    paths, count = walk_paths(wrt, nodes, MAX_PATHS_LISTED)
    grid = _layout(picture_nodes, edges)
    if _width(picture_nodes, edges, grid) > PAGE_WIDTH_CHARACTERS:
        grid = replace(grid, direction="down")
    return Drawing(wrt, tuple(picture_nodes), tuple(edges), paths, count, grid)


# --- the graph and its local derivatives --------------------------------------------------

def _graph_of(solution: Solution):
    """The nodes of the first differentiation and {(node, argument): local step}: the
    solution's own records, worked and checked by the engine."""
    if not solution.graph:
        raise InputError("this solution was worked without its computation graph (the "
                         "compact style): differentiate with picture=True to draw it")
    return solution.graph, {(s.of, s.wrt): s for s in solution.local}


def _input_of(solution: Solution, nodes) -> sp.Symbol:
    names = {n.name for n in nodes}
    for node in nodes:
        for a in node.arguments:
            if a not in names:
                return a
    return solution.wrt


def _layers(wrt, nodes) -> dict[sp.Symbol, int]:
    """Longest distance from x: every edge goes from a lower layer to a higher one."""
    layer = {wrt: 0}
    for node in nodes:   # topological order
        layer[node.name] = 1 + max((layer[a] for a in node.arguments), default=0)
    return layer


# --- layout -------------------------------------------------------------------------------

@dataclass
class _Slot:
    """A node or a bend point of an edge that skips layers, in one layer."""

    key: str
    layer: int
    before: list            # slots in the previous layer joined to this one
    position: float = 0.0


def _layout(nodes: list[Node], edges: list[Edge]) -> Grid:
    slots = {n.key: _Slot(n.key, n.layer, []) for n in nodes}
    layer_of = {n.key: n.layer for n in nodes}
    chains = {}                       # edge key -> slot keys from source to target
    for edge in edges:
        chain = [edge.source]
        for layer in range(layer_of[edge.source] + 1, layer_of[edge.target]):
            key = f"{edge.key}p{layer}"
            slots[key] = _Slot(key, layer, [slots[chain[-1]]])
            chain.append(key)
        slots[edge.target].before.append(slots[chain[-1]])
        chain.append(edge.target)
        chains[edge.key] = chain
    depth = max(layer_of.values()) + 1
    layers = [[s for s in slots.values() if s.layer == k] for k in range(depth)]
    _order(layers, slots)

    height = max(len(layer) for layer in layers)
    row = {}
    for layer in layers:
        offset = height - len(layer)        # centre each layer in a grid of 2·height rows
        for i, slot in enumerate(layer):
            row[slot.key] = offset + 2 * i
    cells = [Cell(s.key, row[s.key], 2 * s.layer, "node" if s.key in layer_of else "point")
             for layer in layers for s in layer]
    routes = []
    for gap in range(depth - 1):
        cells += _gap_cells(gap, edges, chains, row, layer_of)
    for edge in edges:
        chain = chains[edge.key]
        route = [chain[0]]
        for k in range(1, len(chain)):
            route += [_segment_key(edge, k), chain[k]]
        routes.append((edge.key, tuple(route)))
    top = min(c.row for c in cells)
    cells = [Cell(c.key, c.row - top, c.column, c.kind) for c in cells]
    cells.sort(key=lambda c: (c.row, c.column))
    return Grid(max(c.row for c in cells) + 1, 2 * depth - 1, tuple(cells), tuple(routes))


def _width(nodes, edges, grid) -> int:
    """About how many characters wide the picture is when its layers go to the right."""
    widths = {}
    for n in nodes:
        text = to_text(n.name) + ("" if n.definition is None else
                                  " = " + to_text(n.definition, order="none"))
        widths[2 * n.layer] = max(widths.get(2 * n.layer, 0), len(text) + 2)
    labels = {f"{e.key}l": len(to_text(e.derivative)) for e in edges}
    for cell in grid.cells:
        if cell.kind == "label":
            widths[cell.column] = max(widths.get(cell.column, 0), labels[cell.key])
    return sum(widths.values()) + GAP_CHARACTERS * (grid.columns - 1)


def _order(layers, slots) -> None:
    """Barycenter ordering: sweep down and up, each slot placed at the mean position of its
    neighbours in the layer swept from; ties keep the previous order (deterministic)."""
    after = {key: [] for key in slots}
    for slot in slots.values():
        for b in slot.before:
            after[b.key].append(slot)
    for layer in layers:
        for i, slot in enumerate(layer):
            slot.position = i
    for sweep in range(ORDERING_SWEEPS):
        downward = sweep % 2 == 0
        sequence = layers[1:] if downward else layers[-2::-1]
        for layer in sequence:
            def centre(slot):
                neighbours = slot.before if downward else after[slot.key]
                if not neighbours:
                    return slot.position
                return sum(n.position for n in neighbours) / len(neighbours)
            layer.sort(key=lambda s: (centre(s), s.position))
            for i, slot in enumerate(layer):
                slot.position = i


def _segment_key(edge: Edge, k: int) -> str:
    """The cell of the k-th segment of an edge: its label on the first, a bend after."""
    return f"{edge.key}l" if k == 1 else f"{edge.key}w{k}"


def _gap_cells(gap, edges, chains, row, layer_of) -> list[Cell]:
    """The label column between layer ``gap`` and the next: one cell for each edge segment
    crossing it (the label on an edge's first segment, a bend point on the others), each
    near the middle of its segment, in the order of the segments (no two share a row)."""
    segments = []
    for edge in edges:
        chain = chains[edge.key]
        k = gap - layer_of[edge.source] + 1          # index of the segment's end in chain
        if 1 <= k < len(chain):
            start, end = row[chain[k - 1]], row[chain[k]]
            segments.append(((start + end) / 2, start, end, _segment_key(edge, k), k == 1))
    segments.sort(key=lambda s: (s[0], s[1], s[2]))
    cells, last = [], None
    for wanted, start, end, key, labelled in segments:
        r = round(wanted)
        if last is not None and r <= last:
            r = last + 1
        last = r
        cells.append(Cell(key, r, 2 * gap + 1, "label" if labelled else "point"))
    return cells


