"""Several variables: gradients, Jacobians, Hessians and the vector chain rule, entry by entry.

For f: ℝⁿ → ℝ and variables x₁ … xₙ:

    ∇f = (∂f/∂x₁, …, ∂f/∂xₙ)ᵀ                 (a column)
    H  = [∂²f/∂xᵢ∂xⱼ]  (n×n)                   the Jacobian of the gradient
For f: ℝⁿ → ℝᵐ with components f₁ … fₘ:
    J  = [∂fᵢ/∂xⱼ]  (m×n)                      rows = outputs, columns = inputs

Each entry is a worked, checked single-variable solution (other variables held constant).
Identical work is done once: an entry whose function and variable equal an earlier entry's is
a reference to it, and in a Hessian Hⱼᵢ refers to Hᵢⱼ — the mixed partials are equal
(Schwarz), which the check confirms entry by entry.

When the components f = (f₁ … fₘ) are written in intermediate variables g = (g₁ … gₖ) of x,
the vector chain rule gives the Jacobian as a product of Jacobians:

    ∂f/∂x = ∂f/∂g · ∂g/∂x        (m×k)(k×n) = m×n
"""

from __future__ import annotations

from typing import Optional, Sequence

import sympy as sp

from derive.core.engine import evaluate_at, expand_definitions, function_name, solve
from derive.core.simplify import shortest_form, teacher_notation
from derive.core.numeric import values_kept
from derive.core.steps import ArraySolution, ChainProduct, Check, Entry
from derive.core.verify import equivalent

KINDS = ("gradient", "jacobian", "hessian", "vector")


def component_names(functions: Sequence[sp.Expr]) -> tuple[sp.Symbol, ...]:
    """f for one function, f₁ … fₘ for several (another letter if the user uses f)."""
    base = function_name(sp.Add(*functions)).name
    if len(functions) == 1:
        return (sp.Symbol(base),)
    return tuple(sp.Symbol(f"{base}_{i}") for i in range(1, len(functions) + 1))


def gradient_name(i: int) -> sp.Symbol:
    """gᵢ = ∂f/∂xᵢ, the i-th entry of the gradient, as a Hessian's rows differentiate it."""
    return sp.Symbol(f"g_{i + 1}")


def _entries(functions, names, variables, definitions, style, reserved=frozenset()):
    """Worked entries ∂fᵢ/∂xⱼ; a repeated (function, variable) pair refers to its first."""
    done: dict[tuple, tuple[int, int]] = {}
    rows = []
    for i, (f, name) in enumerate(zip(functions, names)):
        row = []
        for j, x in enumerate(variables):
            key = (f, x)
            wrt = (x,)
            if key in done:
                ref = done[key]
                earlier = rows[ref[0]][ref[1]] if ref[0] < len(rows) else row[ref[1]]
                row.append(Entry(i, j, name, wrt, earlier.result, same_as=ref, reason="repeat"))
                continue
            solution = solve(f, x, style=style, definitions=definitions, name=name,
                             partial=len(variables) > 1 or None, reserved=reserved)
            done[key] = (i, j)
            row.append(Entry(i, j, name, wrt, solution.result, solution=solution))
        rows.append(tuple(row))
    return tuple(rows)


def _matrix(entries) -> sp.Matrix:
    return sp.Matrix([[e.result for e in row] for row in entries])


def _check_matrix(kind: str, result: sp.Matrix, expected: sp.Matrix, functions) -> Check:
    """Every entry against SymPy's own jacobian/hessian, on the functions' real domain."""
    domain = sp.Add(*functions)
    for a, b in zip(result, expected):
        verdict = equivalent(a, b, domain)
        if not verdict.passed:
            return Check(kind, "derivative", False, verdict.method, verdict.detail)
    return Check(kind, "derivative", True, "entrywise")


def _value(kind, result: sp.Matrix, point, functions, names, variables, gradient=None) -> dict:
    """The array at the point, entry by entry (``evaluate_at``): ``evaluations``, and
    ``value``, the matrix of values when every entry has one."""
    if not point:
        return {}
    partial = len(variables) > 1
    evaluations = tuple(
        evaluate_at(_entry_orders(kind, i, j, result, functions, variables, gradient), point,
                    names[0] if kind in ("gradient", "hessian") else names[i], partial)
        for i in range(result.rows) for j in range(result.cols))
    if any(e.value is None for e in evaluations):
        return dict(evaluations=evaluations)
    return dict(evaluations=evaluations,
                value=sp.Matrix(result.rows, result.cols, [e.value for e in evaluations]))


def _entry_orders(kind, i, j, result, functions, variables, gradient):
    """What entry (i, j) differentiates, by which variable, and its formula, order by order
    (a Hessian's entry differentiates the gradient's i-th entry)."""
    if kind == "hessian":
        g = gradient.result[i]
        return [(functions[0], variables[i], g, ()), (g, variables[j], result[i, j], ())]
    if kind == "gradient":
        return [(functions[0], variables[i], result[i, j], ())]
    if kind == "vector":
        return [(functions[i], variables[0], result[i, j], ())]
    return [(functions[i], variables[j], result[i, j], ())]


@values_kept()  # the checks of one solution share their values at each point
def array_derivative(kind: str, functions: Sequence[sp.Expr], variables: Sequence[sp.Symbol], *,
                     text: str = "", definitions=(), point=None, style: str = "graph",
                     names: Optional[Sequence[sp.Symbol]] = None,
                     reserved: frozenset = frozenset()) -> ArraySolution:
    """The worked gradient, Jacobian, Hessian, or derivative of a vector of functions.
    ``names`` are what the components are called (default f, or f₁ … fₘ)."""
    functions, variables = tuple(functions), tuple(variables)
    expanded = expand_definitions(definitions)
    with sp.evaluate(False):
        in_x = tuple(f.xreplace(expanded) for f in functions)
    names = tuple(names) if names else component_names(in_x)
    points = tuple((point or {}).items())
    if kind == "hessian":
        return _hessian(text, functions, in_x, names, variables, definitions, point, style)
    if kind == "jacobian" and definitions and _is_vector_chain(functions, definitions):
        return _vector_chain(text, functions, in_x, names, variables, definitions, point, style)
    entries = _entries(functions, names, variables, definitions, style, reserved)
    result = _matrix(entries)
    expected = sp.Matrix([f.doit() for f in in_x]).jacobian(sp.Matrix(variables))
    if kind in ("gradient", "vector"):
        result = result.reshape(len(result), 1)
        expected = expected.reshape(len(expected), 1)
    check = _check_matrix(kind, result, expected, in_x)
    return ArraySolution(kind, text, in_x, names, variables, entries, result, (check,),
                         point=points,
                         **_value(kind, result, point, in_x, names, variables),
                         definitions=tuple(definitions))


def _hessian(text, functions, in_x, names, variables, definitions, point, style):
    """H = the Jacobian of the gradient; Hⱼᵢ for j > i refers to Hᵢⱼ (symmetry)."""
    gradient = array_derivative("gradient", functions, variables, definitions=definitions,
                                style=style, text=text)
    rows = []
    for i, g in enumerate(gradient.result):
        name = gradient_name(i)
        row = []
        for j, x in enumerate(variables):
            wrt = (variables[i], x)
            if j < i:
                mirror = rows[j][i]
                row.append(Entry(i, j, name, wrt, mirror.result, same_as=(j, i),
                                 reason="symmetry"))
                continue
            solution = solve(g, x, style=style, name=name, partial=True)
            row.append(Entry(i, j, name, wrt, solution.result, solution=solution))
        rows.append(tuple(row))
    entries = tuple(rows)
    result = _matrix(entries)
    check = _check_matrix("hessian", result, sp.hessian(in_x[0].doit(), variables), in_x)
    return ArraySolution("hessian", text, in_x, names, variables, entries, result, (check,),
                         gradient=gradient,
                         **_value("hessian", result, point, in_x, names, variables, gradient),
                         point=tuple((point or {}).items()), definitions=tuple(definitions))


def _is_vector_chain(functions, definitions) -> bool:
    """The components are written in the user's intermediates only (h(g), g(x))."""
    names = {n for n, _ in definitions}
    return all(f.free_symbols and f.free_symbols <= names for f in functions)


def _vector_chain(text, functions, in_x, names, variables, definitions, point, style):
    """∂f/∂x = ∂f/∂g · ∂g/∂x (f the components, g the intermediates), each factor worked entry
    by entry, then multiplied."""
    g_names = tuple(n for n, _ in definitions if any(f.has(n) for f in functions))
    g_defs = tuple(d for n, d in definitions if n in g_names)
    reserved = frozenset(str(n) for n, _ in definitions) | {str(n) for n in names}
    outer = array_derivative("jacobian", functions, g_names, style=style, names=names,
                             reserved=reserved)
    inner = array_derivative("jacobian", g_defs, variables, style=style, names=g_names,
                             reserved=reserved)
    product = outer.result * inner.result
    expanded = expand_definitions(definitions)
    substituted = product.xreplace(expanded)
    result = substituted.applyfunc(lambda e: teacher_notation(shortest_form(e)))
    expected = sp.Matrix([f.doit() for f in in_x]).jacobian(sp.Matrix(variables))
    checks = (_check_matrix("vector-chain", result, expected, in_x),)
    chain = ChainProduct(outer, inner, product, substituted)
    return ArraySolution("jacobian", text, in_x, names, variables, (), result, checks,
                         chain=chain,
                         **_value("jacobian", result, point, in_x, names, variables),
                         point=tuple((point or {}).items()), definitions=tuple(definitions))
