"""The index method's concrete side: matrix expressions instantiated as explicit SymPy
matrices of symbols at small sizes (the independent check of every result), and one entry
of an expression written with explicit sums and Kronecker deltas, then collapsed."""

from __future__ import annotations

from typing import Optional

import sympy as sp

from derive.matrices.elementwise import function, functions
from derive.matrices.expressions import (Add, Det, Diag, Func, HDiv, Had, Identity, Inv, Neg, Norm2,
                                       Num, Pow, Prod, Softmax, T, Tr, Var, Zero, product_of)
from derive.matrices.shapes import shape


class InverseEntry(sp.Function):
    """(X⁻¹)ₖₗ, written InverseEntry(X, k, l).  From X X⁻¹ = I, d(X⁻¹) = −X⁻¹ dX X⁻¹, so
    ∂(X⁻¹)ₖₗ/∂Xᵢⱼ = −(X⁻¹)ₖᵢ(X⁻¹)ⱼₗ."""

    def _eval_derivative(self, s):
        if isinstance(s, sp.Indexed) and s.base.name == self.args[0].name:
            X, k, l = self.args
            i, j = s.indices
            return -InverseEntry(X, k, i) * InverseEntry(X, j, l)
        return sp.Integer(0)

    def _latex(self, printer):
        X, k, l = self.args
        return (r"\left(" + X.name + r"^{-1}\right)_{" + printer._print(k) + " " +
                printer._print(l) + "}")


def instantiate(e, sizes: dict, names: dict):
    """The expression as an explicit SymPy matrix of symbols at concrete sizes."""
    def dim(d):
        return int(d) if d.isdigit() else sizes[d]
    if isinstance(e, Var):
        if e.name == "𝟏":
            return sp.ones(dim(e.shape[0]), 1)
        if e.name not in names:
            r, c = dim(e.shape[0]), dim(e.shape[1])
            if (r, c) == (1, 1) and e.shape == ("1", "1"):
                names[e.name] = sp.Matrix([[sp.Symbol(e.name, real=True)]])
            elif c == 1:
                names[e.name] = sp.Matrix(r, 1, lambda i, _: sp.Symbol(f"{e.name}{i + 1}",
                                                                       real=True))
            else:
                names[e.name] = sp.Matrix(r, c, lambda i, j: sp.Symbol(
                    f"{e.name}{i + 1}_{j + 1}", real=True))
        return names[e.name]
    if isinstance(e, Num):
        return sp.Matrix([[e.value]])
    if isinstance(e, Identity):
        return sp.eye(dim(e.dim))
    if isinstance(e, Zero):
        return sp.zeros(dim(e.shape[0]), dim(e.shape[1]))
    if isinstance(e, T):
        return instantiate(e.arg, sizes, names).T
    if isinstance(e, Neg):
        return -instantiate(e.arg, sizes, names)
    if isinstance(e, Add):
        parts = [instantiate(t, sizes, names) for t in e.terms]
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        return total
    if isinstance(e, Prod):
        total = instantiate(e.factors[0], sizes, names)
        for f in e.factors[1:]:
            m = instantiate(f, sizes, names)
            if total.shape[1] == m.shape[0]:
                total = total * m
            elif total.shape == (1, 1):
                total = total[0, 0] * m
            else:
                total = total * m[0, 0]
        return total
    if isinstance(e, Norm2):
        v = instantiate(e.arg, sizes, names)
        return v.T * v
    if isinstance(e, Pow):
        return sp.Matrix([[instantiate(e.base, sizes, names)[0, 0] ** e.exp]])
    if isinstance(e, Tr):
        return sp.Matrix([[instantiate(e.arg, sizes, names).trace()]])
    if isinstance(e, Diag):
        v = instantiate(e.arg, sizes, names)
        return sp.diag(*list(v))
    if isinstance(e, Had):
        return instantiate(e.left, sizes, names).multiply_elementwise(
            instantiate(e.right, sizes, names))
    if isinstance(e, HDiv):
        u, v = instantiate(e.left, sizes, names), instantiate(e.right, sizes, names)
        return sp.Matrix(u.rows, u.cols, lambda i, j: u[i, j] / v[i, j])
    if isinstance(e, Softmax):
        z = instantiate(e.arg, sizes, names).applyfunc(sp.exp)
        total = sum(z)
        return z.applyfunc(lambda t: t / total)
    if isinstance(e, Det):
        m = instantiate(e.arg, sizes, names)
        names.setdefault(COFACTOR, m.cofactor_matrix())
        return sp.Matrix([[m.det()]])
    if isinstance(e, Inv):
        return instantiate(e.arg, sizes, names).inv()
    if isinstance(e, Func):
        f = function(e.name).explicit
        t = sp.Symbol("t")
        g = sp.Lambda(t, sp.diff(f(t), t)) if e.prime else f
        return instantiate(e.arg, sizes, names).applyfunc(g)
    raise TypeError(e)


def dimensions(*exprs):
    found = []
    def walk(e):
        if isinstance(e, Var):
            found.extend(d for d in e.shape if not d.isdigit())
        elif isinstance(e, Identity):
            found.append(e.dim) if not e.dim.isdigit() else None
        elif isinstance(e, Zero):
            found.extend(d for d in e.shape if not d.isdigit())
        for attr in ("arg", "base", "left", "right"):
            if hasattr(e, attr):
                walk(getattr(e, attr))
        for attr in ("factors", "terms"):
            if hasattr(e, attr):
                for f in getattr(e, attr):
                    walk(f)
    for e in exprs:
        walk(e)
    return sorted(set(found))


def size_choices(dims):
    """Two instantiations with different sizes per dimension (3, 2, 4, … and 2, 3, 1, …), so
    that an m×n result is also checked non-square; one, the sizes given, when every dimension
    is a number."""
    if not dims:
        return [{}]
    first = [3, 2, 4, 5, 1, 6]
    second = [2, 3, 1, 4, 5, 3]
    return [{d: first[k % 6] for k, d in enumerate(dims)},
            {d: second[k % 6] for k, d in enumerate(dims)}]


def vanishes(entry) -> bool:
    entry = sp.simplify(entry)
    if entry == 0:
        return True
    return sp.simplify(sp.expand(entry.rewrite(sp.exp))) == 0


def layout_entries(f, x, layout: str):
    """The derivative of f by x, each entry differentiated by SymPy and put where the layout
    puts it.  For f ∈ ℝᵐ (a scalar when m = 1) and x ∈ ℝⁿ (a scalar when n = 1), entry
    (i, j) is ∂fᵢ/∂xⱼ in numerator layout (m×n) and ∂fⱼ/∂xᵢ in denominator layout (n×m).
    For a scalar f and an m×n matrix X, entry (i, j) is ∂f/∂Xⱼᵢ in numerator layout (n×m,
    the shape of Xᵀ) and ∂f/∂Xᵢⱼ in denominator layout (m×n, arranged like X)."""
    numerator = layout == "numerator"
    if x.cols == 1:
        rows, cols = (f.rows, x.rows) if numerator else (x.rows, f.rows)
        return sp.Matrix(rows, cols, lambda i, j: sp.diff(f[i, 0], x[j, 0]) if numerator
                         else sp.diff(f[j, 0], x[i, 0]))
    rows, cols = (x.cols, x.rows) if numerator else (x.rows, x.cols)
    return sp.Matrix(rows, cols, lambda i, j: sp.diff(f[0, 0], x[j, i]) if numerator
                     else sp.diff(f[0, 0], x[i, j]))


def check_result(expr, wrt: Var, result, sizes: dict, layout: str) -> tuple:
    """(passed, detail): every entry of the result against the derivative it stands for in
    the layout, computed by SymPy entry by entry."""
    names = {}
    f = instantiate(expr, sizes, names)
    x = instantiate(wrt, sizes, names)
    got = instantiate(result, sizes, names)
    want = layout_entries(f, x, layout)
    if got.shape != want.shape:
        return False, f"shape {got.shape} but the entries give {want.shape} at {sizes}"
    for (i, j) in [(i, j) for i in range(want.rows) for j in range(want.cols)]:
        if not vanishes(got[i, j] - want[i, j]):
            return False, f"entry ({i + 1},{j + 1}) differs at {sizes}"
    return True, "entry by entry at " + sizes_text(sizes)


def sizes_text(sizes: dict) -> str:
    """The concrete sizes of a check, "n=3, m=2"."""
    return ", ".join(f"{k}={v}" for k, v in sizes.items())

# ---------------------------------------------------------------- the index form


IDX = [sp.Symbol(s, integer=True) for s in "klprst"]
COFACTOR = "C"


class Entries:
    """One entry of an expression with explicit sums over fresh indices."""

    def __init__(self):
        self.used = 0

    def fresh(self):
        sym = IDX[self.used % len(IDX)]
        self.used += 1
        return sym

    def dimsym(self, d):
        return sp.Integer(int(d)) if d.isdigit() else sp.Symbol(d, integer=True, positive=True)

    def entry(self, e, r, c):
        if isinstance(e, Var):
            rows, cols = e.shape
            if rows == "1" and cols == "1":
                return sp.Symbol(e.name, real=True)
            base = sp.IndexedBase(e.name)
            if cols == "1":
                return base[r]
            return base[r, c]
        if isinstance(e, Num):
            return sp.Rational(e.value)
        if isinstance(e, T):
            return self.entry(e.arg, c, r)
        if isinstance(e, Neg):
            return -self.entry(e.arg, r, c)
        if isinstance(e, Add):
            return sp.Add(*[self.entry(t, r, c) for t in e.terms], evaluate=False)
        if isinstance(e, Prod):
            return self._prod(e.factors, r, c)
        if isinstance(e, Norm2):
            i = self.fresh()
            return sp.Sum(self.entry(e.arg, i, 1) ** 2, (i, 1, self.dimsym(shape(e.arg)[0])))
        if isinstance(e, Pow):
            return self.entry(e.base, 1, 1) ** e.exp
        if isinstance(e, Tr):
            i = self.fresh()
            return sp.Sum(self.entry(e.arg, i, i), (i, 1, self.dimsym(shape(e.arg)[0])))
        if isinstance(e, Func):
            return function(e.name).index_function(self.entry(e.arg, r, c))
        if isinstance(e, Had):
            return self.entry(e.left, r, c) * self.entry(e.right, r, c)
        if isinstance(e, HDiv):
            return self.entry(e.left, r, c) / self.entry(e.right, r, c)
        if isinstance(e, Inv) and isinstance(e.arg, Var):
            return InverseEntry(sp.Symbol(e.arg.name), r, c)
        if isinstance(e, Det) and isinstance(e.arg, Var):
            # Laplace along row i: det X = Σₗ Xᵢₗ Cᵢₗ, no cofactor Cᵢₗ containing row i
            k = self.fresh()
            i = sp.Symbol("i", integer=True)
            return sp.Sum(self.entry(e.arg, i, k) * sp.IndexedBase(COFACTOR)[i, k],
                          (k, 1, self.dimsym(shape(e.arg)[0])))
        if isinstance(e, Softmax):
            k = self.fresh()
            return sp.exp(self.entry(e.arg, r, 1)) / sp.Sum(
                sp.exp(self.entry(e.arg, k, 1)), (k, 1, self.dimsym(shape(e.arg)[0])))
        raise TypeError(e)

    def _prod(self, factors, r, c):
        if len(factors) == 1:
            return self.entry(factors[0], r, c)
        *left, last = factors
        p = product_of(tuple(left))
        ps, qs = shape(p), shape(last)
        if ps[1] == qs[0] and ps[1] == "1":
            return self.entry(p, r, 1) * self.entry(last, 1, c)
        if ps[1] == qs[0]:
            k = self.fresh()
            return sp.Sum(self.entry(p, r, k) * self.entry(last, k, c),
                          (k, 1, self.dimsym(ps[1])))
        if ps == ("1", "1"):
            return self.entry(p, 1, 1) * self.entry(last, r, c)
        return self.entry(p, r, c) * self.entry(last, 1, 1)


def collapse(e, counter: Optional[list] = None):
    """Σₖ (… δₖⱼ …) = (…)[k := j]: every sum whose summand carries a Kronecker delta in its
    own index loses that sum; terms without the index's delta keep it.  Returns the new
    expression; ``counter`` counts the sums collapsed."""
    if isinstance(e, sp.Sum):
        body = collapse(e.function, counter)
        for limit in e.limits:
            body = _collapse_one(body, limit, counter)
        return body
    if e.args and not isinstance(e, (sp.Indexed, sp.KroneckerDelta)):
        return e.func(*[collapse(a, counter) for a in e.args])
    return e



def _collapse_one(body, limit, counter):
    """Σₖ body over one limit, the δ's in k used up."""
    k, lo, hi = limit
    if not any(k in d.args for d in body.atoms(sp.KroneckerDelta)):
        return sp.Sum(body, (k, lo, hi)) if body.has(k) else body * (hi - lo + 1)
    body = sp.expand(body, deep=False, mul=True, multinomial=False, power_exp=False,
                     power_base=False, log=False)
    out = []
    for term in sp.Add.make_args(body):
        deltas = [f for f in sp.Mul.make_args(term)
                  if isinstance(f, sp.KroneckerDelta) and k in f.args]
        if deltas:
            other = [a for a in deltas[0].args if a != k][0]
            rest = sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not deltas[0]])
            out.append(rest.subs(k, other))
            if counter is not None:
                counter.append(k)
        elif term.has(k):
            out.append(sp.Sum(term, (k, lo, hi)))
        else:
            out.append(term * (hi - lo + 1))
    return sp.Add(*out)


def concrete_index(expr, sizes, names, fixed: dict):
    """An index formula at concrete sizes: the sums done, entries replaced by the symbols of
    the explicit matrices, the free indices given the values in ``fixed``."""
    e = expr.subs({sp.Symbol(d, integer=True, positive=True): v for d, v in sizes.items()})
    e = e.subs(fixed).doit()

    def value(ix):
        base = ix.base.name
        if base == "𝟏":
            return sp.Integer(1)
        m = names[base]
        idx = [int(i) - 1 for i in ix.indices]
        return m[idx[0], idx[1] if len(idx) > 1 else 0]
    e = e.replace(lambda a: isinstance(a, sp.Indexed), value)
    inverses = {}       # each inverse computed once, not once per entry that uses it

    def inverse_entry(a):
        name = a.args[0].name
        if name not in inverses:
            inverses[name] = names[name].inv()
        return inverses[name][int(a.args[1]) - 1, int(a.args[2]) - 1]
    e = e.replace(lambda a: isinstance(a, InverseEntry), inverse_entry)
    for f in functions():   # the index form's own functions (relu, 1[t > 0]) made explicit
        if f.index is not None and f.index is not f.explicit:
            e = e.replace(lambda a, cls=f.index: isinstance(a, cls),
                          lambda a, f=f: f.explicit(a.args[0]))
    e = e.replace(lambda a: isinstance(a, sp.Symbol) and a.name in names and names[a.name].shape == (1, 1),
                  lambda a: names[a.name][0, 0])
    return e.doit()
