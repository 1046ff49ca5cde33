"""A curve given by an equation, F(x, y) = 0 (F = left − right), sampled for a plot: plain
data for the templates to draw.

The curve is traced by marching squares.  F is evaluated on an n × n grid of the window
(161 × 161); a grid edge whose two ends have values of opposite sign crosses the curve, and
the crossing is located on the edge by the Illinois variant of regula falsi (starting from
the linear interpolation of the two values), so every point lies on the curve to the
precision of floating point, not merely of the grid.  Each cell joins the crossings on its
edges into segments: two crossings make one segment; four (opposite corners of one sign, a
saddle) are paired by the sign of F at the cell's centre, which says whether the two
corners of that sign are joined through the middle of the cell.  A cell with a corner where
F is not a finite real number is cut to the part inside F's domain (the points where its
edges leave the domain are found by bisection), and the curve is traced on that polygon the
same way, so that a curve ending on the domain's edge (√x + √y = 2 on the axes) reaches it.

A sign change is not always a crossing: F also changes sign across a pole (x/y − 1 changes
sign across y = 0).  An edge whose located "crossing" leaves |F| large (not below a
millionth of the larger of its two end values: the search closed in on a pole or a jump,
not a zero) is no crossing; and a segment is dropped when F at its midpoint is not finite
or not smaller than the largest |F| at the cell's corners.

The segments are then joined into polylines: two segments meet when they end on the same
grid edge, and the ends of the polylines left open are joined when they coincide within a
millionth of the window; so the plot gets a few long pieces, a closed curve one closed
piece.

The window is a square around the point (the same scale on both axes, so that a circle
looks round).  Without a range, the curve is first traced on a coarse grid over the point
± 12: when it stays clear of that box's border it is taken to be bounded and the window is
its bounding box (with the point), grown by 15 % and made square (the whole curve is shown);
otherwise the window is the point ± 3.  A range a, b gives the x range, and the y range is
the interval of the same width centred on the point's y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import mpmath
import sympy as sp

from derive.core.timing import phase
from derive.present.plotting import read_range, real_float

GRID = 161                  # grid points along each side of the window
SEARCH_GRID = 97            # along each side of the box the curve's extent is looked for in
SEARCH_HALF_WIDTH = 12.0    # that box: the point ± this
DEFAULT_HALF_WIDTH = 3.0    # the window of an unbounded curve: the point ± this
MARGIN = 0.15               # a bounded curve's window: its bounding box grown by this
ROOT_STEPS = 60             # regula falsi steps on an edge at most
DOMAIN_STEPS = 30           # bisections locating where an edge leaves F's domain
POLE_RATIO = 1e-6           # |F| at an edge's crossing must be below this × its ends' |F|
JOIN_TOLERANCE = 1e-6       # of the window's width: open ends this close are joined
DIGITS = 6                  # significant digits of a plotted coordinate

NAN = float("nan")

Point = tuple[float, float]


@dataclass(frozen=True)
class CurvePlot:
    """The curve F = 0 in a square window: its pieces (polylines of (x, y) points; a closed
    piece ends where it begins), the x range and the y range."""

    pieces: tuple[tuple[Point, ...], ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]


def curve_plot(F: sp.Expr, x: sp.Symbol, y: sp.Symbol, point, plot_range=None,
               grid: int = GRID) -> CurvePlot:
    """The curve ``F`` = 0 around ``point`` = (a, b); ``plot_range`` ("a,b" or a pair) the
    x range, else the window is chosen from the curve (see the module's description)."""
    value = evaluator(F, x, y)
    a, b = (float(c) for c in point)
    with phase("plotting"):
        if plot_range is not None:
            lo, hi = (float(e) for e in read_range(plot_range))
            half = (hi - lo) / 2
            x_range, y_range = (lo, hi), (b - half, b + half)
        else:
            x_range, y_range = default_window(value, a, b)
        segments = march(value, x_range, y_range, grid)
        width = x_range[1] - x_range[0]
        pieces = join(segments, JOIN_TOLERANCE * width)
    rounded = []
    for piece in pieces:
        points = [(_coordinate(u), _coordinate(v)) for u, v in piece]
        kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(kept) >= 2:
            rounded.append(tuple(kept))
    return CurvePlot(tuple(rounded), (_coordinate(x_range[0]), _coordinate(x_range[1])),
                     (_coordinate(y_range[0]), _coordinate(y_range[1])))


def evaluator(F: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> Callable[[float, float], float]:
    """(u, v) ↦ F(u, v) as a float, NaN where it is undefined, infinite or not real.  Python's
    ``math`` evaluates it, or mpmath when F has a function ``math`` does not know."""
    fast = sp.lambdify((x, y), F, "math")
    try:
        fast(0.5, 0.5)
        compiled, module = fast, "math"
    except (NameError, AttributeError, KeyError):
        compiled, module = sp.lambdify((x, y), F, "mpmath"), "mpmath"
    except Exception:       # an error of the value (a division by zero, a domain error)
        compiled, module = fast, "math"

    def value(u: float, v: float) -> float:
        try:
            r = compiled(mpmath.mpf(u), mpmath.mpf(v)) if module == "mpmath" \
                else compiled(u, v)
        except (ArithmeticError, ValueError, TypeError, NameError, AttributeError):
            return NAN
        real = real_float(r, 1e-12)
        return NAN if real is None else real

    return value


def default_window(value, a: float, b: float):
    """The window of the module's description: the bounded curve's bounding box (with the
    point) grown by 15 % and made square, else the point ± 3."""
    box = ((a - SEARCH_HALF_WIDTH, a + SEARCH_HALF_WIDTH),
           (b - SEARCH_HALF_WIDTH, b + SEARCH_HALF_WIDTH))
    segments = march(value, *box, SEARCH_GRID)
    points = [p for segment in segments for p in segment]
    cell = 2 * SEARCH_HALF_WIDTH / (SEARCH_GRID - 1)
    inner = [(box[0][0] + cell, box[0][1] - cell), (box[1][0] + cell, box[1][1] - cell)]
    bounded = points and all(inner[0][0] < u < inner[0][1] and inner[1][0] < v < inner[1][1]
                             for u, v in points)
    if bounded:
        us = [u for u, _ in points] + [a]
        vs = [v for _, v in points] + [b]
        half = (1 + MARGIN) * max(max(us) - min(us), max(vs) - min(vs)) / 2
        if half > 0.05 * cell:
            cu, cv = (max(us) + min(us)) / 2, (max(vs) + min(vs)) / 2
            return (cu - half, cu + half), (cv - half, cv + half)
    return ((a - DEFAULT_HALF_WIDTH, a + DEFAULT_HALF_WIDTH),
            (b - DEFAULT_HALF_WIDTH, b + DEFAULT_HALF_WIDTH))


# the corners of a cell, counterclockwise from the bottom left, as (di, dj); edge k joins
# corner k to corner k + 1
CORNERS = ((0, 0), (1, 0), (1, 1), (0, 1))


def march(value, x_range, y_range, n: int) -> list[tuple[Point, Point]]:
    """The curve's segments on an n × n grid of the window, each segment a pair of points;
    consecutive segments of one polyline share an endpoint exactly (``join`` joins them)."""
    (x0, x1), (y0, y1) = x_range, y_range
    hx, hy = (x1 - x0) / (n - 1), (y1 - y0) / (n - 1)
    xs = [x0 + i * hx for i in range(n)]
    ys = [y0 + j * hy for j in range(n)]
    grid = [[value(u, v) for u in xs] for v in ys]       # grid[j][i] = F(xs[i], ys[j])
    cache: dict = {}

    def crossing(i, j, di, dj) -> Optional[Point]:
        """The curve's crossing on the edge from grid point (i, j) one step along (di, dj)."""
        key = (i, j, di, dj)
        if key not in cache:
            cache[key] = _crossing(value, xs[i], ys[j], di * hx, dj * hy,
                                   grid[j][i], grid[j + dj][i + di])
        return cache[key]

    def domain_edge(i, j, di, dj):
        """(point, F there) on the edge from grid point (i, j) one step along (di, dj), one end
        of which is outside F's domain: the last point inside, found by bisection."""
        key = ("edge", i, j, di, dj)
        if key not in cache:
            cache[key] = _domain_edge(value, xs[i], ys[j], di * hx, dj * hy,
                                      not math.isnan(grid[j][i]))
        return cache[key]

    segments = []
    for j in range(n - 1):
        for i in range(n - 1):
            corners = [grid[j + dj][i + di] for di, dj in CORNERS]
            missing = [math.isnan(c) for c in corners]
            if all(missing):
                continue
            if any(missing):
                segments.extend(_partial_cell(value, i, j, corners, missing, crossing,
                                              domain_edge, xs, ys))
                continue
            signs = [c > 0 for c in corners]
            if all(signs) or not any(signs):
                continue
            ends = {k: crossing(*_edge(i, j, k)) for k in range(4)
                    if signs[k] != signs[(k + 1) % 4]}
            if any(p is None for p in ends.values()):
                continue        # a pole or a jump on an edge of the cell
            if len(ends) == 2:
                pairs = [tuple(ends)]
            else:               # a saddle: corners 0 and 2 of one sign, 1 and 3 of the other
                centre = value(xs[i] + hx / 2, ys[j] + hy / 2)
                if math.isnan(centre):
                    centre = sum(corners) / 4
                if (centre > 0) == signs[0]:
                    pairs = [(0, 1), (2, 3)]    # corners 0 and 2 joined: cut off 1 and 3
                else:
                    pairs = [(3, 0), (1, 2)]    # cut off corners 0 and 2
            limit = max(abs(c) for c in corners)
            for k, m in pairs:
                segment = _checked(value, ends[k], ends[m], limit, False)
                if segment:
                    segments.append(segment)
    return segments


def _edge(i: int, j: int, k: int) -> tuple[int, int, int, int]:
    """Edge k of cell (i, j) as (grid point it starts from, step (di, dj))."""
    (di0, dj0), (di1, dj1) = CORNERS[k], CORNERS[(k + 1) % 4]
    return i + min(di0, di1), j + min(dj0, dj1), abs(di1 - di0), abs(dj1 - dj0)


def _checked(value, p: Point, q: Point, limit: float, partial: bool):
    """The segment p q, unless F at its midpoint is not smaller than ``limit`` (the largest
    |F| at the cell's corners) or, in a cell inside F's domain, is undefined: then it
    crosses a pole, and is not part of the curve."""
    if p == q:
        return None
    middle = value((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
    if math.isnan(middle):
        return (p, q) if partial else None
    return (p, q) if abs(middle) <= limit else None


def _partial_cell(value, i, j, corners, missing, crossing, domain_edge, xs, ys):
    """The segments of a cell some of whose corners lie outside F's domain: the cell is cut
    to the polygon of its corners inside and the points where its edges leave the domain,
    and the curve crosses the polygon's sides where F changes sign along them (a side
    across the cell, between two such points, follows the domain's edge: there the curve
    ends)."""
    polygon = []        # (point, F there, how the side to the next vertex is crossed)
    for k in range(4):
        di, dj = CORNERS[k]
        edge = _edge(i, j, k)
        if not missing[k]:
            polygon.append(((xs[i + di], ys[j + dj]), corners[k], edge))
        if missing[k] != missing[(k + 1) % 4]:
            point, f = domain_edge(*edge)
            polygon.append((point, f, edge))
    found = []
    for index, (p, fp, edge) in enumerate(polygon):
        q, fq, _ = polygon[(index + 1) % len(polygon)]
        if (fp > 0) == (fq > 0):
            continue
        gi, gj, di, dj = edge
        whole = p == (xs[gi], ys[gj]) and q == (xs[gi + di], ys[gj + dj]) or \
            q == (xs[gi], ys[gj]) and p == (xs[gi + di], ys[gj + dj])
        if whole:
            point = crossing(*edge)
        else:           # one way round whichever cell asks, for the same point
            (p, fp), (q, fq) = sorted([(p, fp), (q, fq)])
            point = _crossing(value, p[0], p[1], q[0] - p[0], q[1] - p[1], fp, fq,
                              interpolate=True)
        if point is None:
            return []
        found.append(point)
    if len(found) != 2:
        return []
    limit = max(abs(c) for c in corners if not math.isnan(c))
    segment = _checked(value, found[0], found[1], limit, True)
    return [segment] if segment else []


def _domain_edge(value, u: float, v: float, du: float, dv: float, start_inside: bool):
    """The last point inside F's domain on the edge from (u, v) to (u + du, v + dv), of
    which one end is inside (the start when ``start_inside``), and F there."""
    inside, outside = (0.0, 1.0) if start_inside else (1.0, 0.0)
    f_inside = value(u + inside * du, v + inside * dv)
    for _ in range(DOMAIN_STEPS):
        middle = (inside + outside) / 2
        f = value(u + middle * du, v + middle * dv)
        if math.isnan(f):
            outside = middle
        else:
            inside, f_inside = middle, f
    return (u + inside * du, v + inside * dv), f_inside


def _crossing(value, u: float, v: float, du: float, dv: float, f0: float,
              f1: float, interpolate: bool = False) -> Optional[Point]:
    """The zero of F on the edge from (u, v) to (u + du, v + dv), where F goes from f0 to f1
    (of opposite signs: f0 > 0 ≥ f1 or the reverse); None when the search closes in on a
    pole or a jump instead (|F| stays large) or meets a point where F is undefined (with
    ``interpolate``, on a side along the domain's edge: then the linear interpolation)."""
    if f0 == 0:
        return (u, v)
    if f1 == 0:
        return (u + du, v + dv)
    s, t, fs, ft = 0.0, 1.0, f0, f1
    side = 0
    r, fr = 0.5, NAN
    for _ in range(ROOT_STEPS):
        r = (s * ft - t * fs) / (ft - fs)
        if not s < r < t:
            r = (s + t) / 2
        fr = value(u + r * du, v + r * dv)
        if math.isnan(fr):
            if not interpolate:
                return None
            r = f0 / (f0 - f1)
            return (u + r * du, v + r * dv)
        if fr == 0:
            break
        if (fr > 0) == (ft > 0):
            t, ft = r, fr
            if side == -1:
                fs /= 2
            side = -1
        else:
            s, fs = r, fr
            if side == 1:
                ft /= 2
            side = 1
        if t - s < 1e-13:
            break
    if abs(fr) > POLE_RATIO * max(abs(f0), abs(f1)):
        return None
    return (u + r * du, v + r * dv)


def join(segments: list[tuple[Point, Point]], tolerance: float) -> list[list[Point]]:
    """The segments joined into polylines where they share an endpoint; then open polylines
    whose ends lie within ``tolerance`` of each other are joined."""
    at: dict[Point, list[int]] = {}
    for index, (p, q) in enumerate(segments):
        if p == q:
            continue
        at.setdefault(p, []).append(index)
        at.setdefault(q, []).append(index)
    used = [False] * len(segments)

    def walk(start: Point, index: int) -> list[Point]:
        line = [start]
        point = start
        while index is not None and not used[index]:
            used[index] = True
            p, q = segments[index]
            point = q if p == point else p
            line.append(point)
            index = next((k for k in at[point] if not used[k]), None)
        return line

    lines = []
    # open polylines first (from an endpoint of one segment only), then the closed ones
    for point, indices in at.items():
        if len(indices) == 1 and not used[indices[0]]:
            lines.append(walk(point, indices[0]))
    for index, (p, q) in enumerate(segments):
        if not used[index] and p != q:
            lines.append(walk(p, index))
    return _join_ends(lines, tolerance)


def _join_ends(lines: list[list[Point]], tolerance: float) -> list[list[Point]]:
    def near(p: Point, q: Point) -> bool:
        return abs(p[0] - q[0]) <= tolerance and abs(p[1] - q[1]) <= tolerance

    lines = [line for line in lines if len(line) >= 2]
    joined = True
    while joined:
        joined = False
        for i, first in enumerate(lines):
            if near(first[0], first[-1]):
                continue        # closed
            for k in range(i + 1, len(lines)):
                second = lines[k]
                if near(first[-1], second[0]):
                    merged = first + second[1:]
                elif near(first[-1], second[-1]):
                    merged = first + second[-2::-1]
                elif near(first[0], second[-1]):
                    merged = second + first[1:]
                elif near(first[0], second[0]):
                    merged = second[::-1] + first[1:]
                else:
                    continue
                lines[i] = merged
                del lines[k]
                joined = True
                break
            if joined:
                break
    for line in lines:           # a closed polyline ends exactly where it begins
        if len(line) > 2 and near(line[0], line[-1]):
            line[-1] = line[0]
    return lines


def _coordinate(v: float) -> float:
    return float(f"{v:.{DIGITS}g}")
