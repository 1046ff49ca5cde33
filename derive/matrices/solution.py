"""Matrix calculus by the index method, checked entry by entry.

Vectors and matrices are declared with their shapes (``a=n`` a column vector in ℝⁿ,
``A=m,n`` an m×n matrix); every other name is a scalar.  A derivation has five steps:

1. one entry of the expression written with explicit sums, e.g. ``aᵀx = Σₖ aₖxₖ``;
2. its derivative with respect to one component ``xⱼ``, where ``∂xₖ/∂xⱼ = δₖⱼ``;
3. the sums collapsed with the Kronecker delta, ``Σₖ aₖδₖⱼ = aⱼ`` (left out when no sum
   carries a delta);
4. each entry placed where the layout puts it, ``(df/dx)₁ⱼ = aⱼ``, and the entries
   recognised as a matrix expression (``aᵀ``);
5. the shape of the result in the layout.

Layout.  ``--layout`` chooses how the entries are arranged (the conventions of the
"Matrix calculus" literature).  **Numerator layout** (the default): the derivative ∂y/∂x of
y ∈ ℝᵐ by x ∈ ℝⁿ is the m×n Jacobian with entries ∂yᵢ/∂xⱼ, so a scalar by a column vector
gives a 1×n row (d(aᵀx)/dx = aᵀ), a vector by a scalar an m×1 column, and a scalar f by an
m×n matrix X the n×m matrix with ∂f/∂Xᵢⱼ at (j, i), the shape of Xᵀ (d tr(AX)/dX = A,
d ln det X/dX = X⁻¹).  **Denominator layout**: the transpose of each, so a gradient is
arranged like x or X (aᵀx → a, tr(AX) → Aᵀ, ln det X → X⁻ᵀ).  The rules below give the
Jacobian in numerator layout and the gradient by a matrix arranged like X; ``in_layout``
transposes whichever is not the one asked for, and the check compares every printed entry
with the derivative it stands for in the layout asked for.

The matrix result comes from the rules of the differential (linearity, the product rule
d(rᵀq) = r dq + qᵀ d(rᵀ), d‖v‖² = 2vᵀ dv, the chain rule for functions, d tr(PXQ) = tr(QP dX)).
It is never trusted: every result is checked against the entry-by-entry derivative that SymPy
computes from explicit matrices of symbols at small concrete sizes (two different
instantiations, non-square where the shapes allow), and the collapsed index formula of step 3
is checked the same way.  (SymPy's own ``MatrixSymbol`` derivative is not used: it returns 0
for ln det X, whose derivative is X⁻¹ in numerator layout.)

The element-wise functions include relu(t) = max(0, t), whose derivative 1[t > 0] is undefined
at t = 0; there the subgradient 0 is used (relu′(0) = 0), and the solution says so.

Here: simplification, the differentiation rules and the derivation, and the records of a
solution (``MatrixSolution``, its steps and checks).  The expressions are records in
``derive.matrices.expressions``, read by ``derive.matrices.parsing``, sized by
``derive.matrices.shapes`` and written by ``derive.matrices.notation``; the element-wise
functions are one record each in ``derive.matrices.elementwise``; the explicit matrices and
the index form are in ``derive.matrices.index_method``.  The layout of a solution (its
templates, JSON and summary) is ``derive.present.matrices``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sympy as sp

from derive.core.display import Displayed
from derive.core.steps import Check, Checked
from derive.errors import InputError, own_errors
from derive.matrices.elementwise import derivative_of, function
from derive.matrices.index_method import (Entries, check_result, collapse, concrete_index,
                                        dimensions, instantiate, size_choices, sizes_text,
                                        vanishes)
from derive.matrices.expressions import (Add, Det, Diag, Func, HDiv, Had, Identity, Inv, Neg, Norm2,
                                       Num, Pow, Prod, Softmax, T, Tr, Var, Zero, number, ones,
                                       product_of)
from derive.matrices.parsing import parse_matrix, parse_shapes
from derive.matrices.shapes import depends, is_scalar, shape
from derive.matrices.notation import Label, formula_latex, formula_text, to_sympy_syntax, to_text

LAYOUTS = ("numerator", "denominator")

# ---------------------------------------------------------------- simplification


def simplify(e):
    """Tidy a derivative: drop I and 0, pull numbers and signs forward, T(T(a)) = a, and
    factor a common left factor out of a sum (xᵀA + xᵀAᵀ = xᵀ(A + Aᵀ))."""
    if isinstance(e, T):
        a = simplify(e.arg)
        if isinstance(a, T):
            return a.arg
        if isinstance(a, (Identity, Num)) or (isinstance(a, Var) and a.shape == ("1", "1")):
            return a
        if isinstance(a, Zero):
            return Zero(shape(T(a)))
        if isinstance(a, Neg):
            return Neg(simplify(T(a.arg)))
        return T(a)
    if isinstance(e, Neg):
        a = simplify(e.arg)
        if isinstance(a, Zero):
            return a
        return a.arg if isinstance(a, Neg) else Neg(a)
    if isinstance(e, Prod):
        out_shape = shape(e)
        factors, coeff, sign = [], 1, 1
        for f in e.factors:
            f = simplify(f)
            while isinstance(f, Neg):
                sign, f = -sign, f.arg
            parts = f.factors if isinstance(f, Prod) else (f,)
            for p in parts:
                if isinstance(p, Zero):
                    return Zero(out_shape)
                if isinstance(p, Num):
                    coeff *= p.value
                elif not isinstance(p, Identity):
                    factors.append(p)
        if coeff == 0:
            return Zero(out_shape)
        if out_shape != ("1", "1") and all(is_scalar(f) for f in factors):
            factors.append(Identity(out_shape[0]))
        if coeff != 1:
            factors.insert(0, Num(number(coeff)))
        if not factors:
            result = Identity(out_shape[0]) if out_shape[0] != "1" else Num(1)
        else:
            result = factors[0] if len(factors) == 1 else Prod(tuple(factors))
        return Neg(result) if sign < 0 else result
    if isinstance(e, Add):
        terms = []
        for t in e.terms:
            t = simplify(t)
            terms.extend(t.terms if isinstance(t, Add) else (t,))
        terms = [t for t in terms if not isinstance(t, Zero)]
        if not terms:
            return Zero(shape(e))
        if len(terms) == 1:
            return terms[0]
        return _factor_left(terms)
    if isinstance(e, (Func, Diag, Norm2, Tr, Softmax, Det, Inv)):
        return type(e)(**{**e.__dict__, "arg": simplify(e.arg)})
    if isinstance(e, (Had, HDiv)):
        return type(e)(simplify(e.left), simplify(e.right))
    if isinstance(e, Pow):
        return Pow(simplify(e.base), e.exp)
    return e




def _factor_left(terms):
    """Like terms added (xᵀ + xᵀ = 2xᵀ), then a common left factor taken out."""
    cores, coeffs = [], []
    for t in terms:
        sign, core = (-1, t.arg) if isinstance(t, Neg) else (1, t)
        c = 1
        if isinstance(core, Prod) and isinstance(core.factors[0], Num):
            c, core = core.factors[0].value, product_of(core.factors[1:])
        if core in cores:
            coeffs[cores.index(core)] += sign * c
        else:
            cores.append(core)
            coeffs.append(sign * c)
    merged = []
    for core, c in zip(cores, coeffs):
        if c == 0:
            continue
        term = core if abs(c) == 1 else simplify(Prod((Num(number(abs(c))), core)))
        merged.append(Neg(term) if c < 0 else term)
    if not merged:
        return Zero(shape(terms[0]))
    if len(merged) == 1:
        return merged[0]
    if len(merged) < len(terms):
        return _factor_left(merged)
    if all(isinstance(t, Prod) and len(t.factors) >= 2 for t in merged):
        first = merged[0].factors[0]
        if not isinstance(first, Num) and all(t.factors[0] == first for t in merged):
            rests = [product_of(t.factors[1:]) for t in merged]
            return simplify(Prod((first, Add(tuple(rests)))))
    return Add(tuple(merged))


def collect_scalars(e):
    """Σ cᵢ M = (Σ cᵢ) M: terms that share their matrix part M and differ in scalar
    coefficients are added as scalars, e.g. −(y(1 − σ)xᵀ − (1 − y)σxᵀ) = (σ − y)xᵀ.
    Anything else is returned unchanged."""
    signed = []

    def flatten(t, sign):
        if isinstance(t, Neg):
            flatten(t.arg, -sign)
        elif isinstance(t, Add):
            for u in t.terms:
                flatten(u, sign)
        else:
            signed.append((sign, t))
    flatten(e, 1)
    if len(signed) < 2 or is_scalar(e):
        return e
    tails, coeffs = [], []
    for sign, t in signed:
        factors = t.factors if isinstance(t, Prod) else (t,)
        tails.append(product_of(tuple(f for f in factors if not is_scalar(f)))
                     if any(not is_scalar(f) for f in factors) else None)
        coeffs.append((sign, [f for f in factors if is_scalar(f)]))
    if tails[0] is None or any(t != tails[0] for t in tails):
        return e
    atoms = []
    try:
        total = sp.expand(sp.Add(*[sign * sp.Mul(*[_scalar_to_sympy(f, atoms) for f in fs])
                                   for sign, fs in coeffs]))
        coefficient = _scalar_from_sympy(total, atoms)
    except ValueError:
        return e
    if isinstance(coefficient, Zero):
        return Zero(shape(e))
    return simplify(Prod((coefficient, tails[0])))


def _scalar_to_sympy(e, atoms):
    if isinstance(e, Num):
        return sp.Rational(e.value)
    if isinstance(e, Neg):
        return -_scalar_to_sympy(e.arg, atoms)
    if isinstance(e, Add):
        return sp.Add(*[_scalar_to_sympy(t, atoms) for t in e.terms])
    if isinstance(e, Prod) and all(is_scalar(f) for f in e.factors):
        return sp.Mul(*[_scalar_to_sympy(f, atoms) for f in e.factors])
    if isinstance(e, Pow):
        return _scalar_to_sympy(e.base, atoms) ** e.exp
    if e not in atoms:
        atoms.append(e)
    return sp.Symbol(f"_a{atoms.index(e)}")


def _scalar_from_sympy(expr, atoms):
    if expr == 0:
        return Zero(("1", "1"))
    if isinstance(expr, sp.Symbol):
        return atoms[int(expr.name[2:])]
    if expr.is_Integer:
        return Num(int(expr)) if expr >= 0 else Neg(Num(int(-expr)))
    if isinstance(expr, sp.Add):
        terms = sorted(sp.Add.make_args(expr), key=lambda t: (t.could_extract_minus_sign(),
                                                              sp.default_sort_key(t)))
        parts = [_scalar_from_sympy(t, atoms) for t in terms]
        return Add(tuple(parts))
    if isinstance(expr, sp.Mul):
        c, rest = expr.as_coeff_Mul()
        if not c.is_Integer:
            raise ValueError(expr)
        body = [_scalar_from_sympy(f, atoms) for f in sp.Mul.make_args(rest)]
        core = product_of(tuple(([Num(abs(int(c)))] if abs(c) != 1 else []) + body))
        return Neg(core) if c < 0 else core
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        return Pow(_scalar_from_sympy(expr.base, atoms), int(expr.exp))
    raise ValueError(expr)


# ---------------------------------------------------------------- differentiation


def _unsupported(e, x):
    return InputError(f"the derivative of {to_text(e)} with respect to {x.name} is not "
                      "supported by the index method here")


def push_transpose(e):
    """(PQ)ᵀ = QᵀPᵀ (scalar factors stay in front: (cP)ᵀ = cPᵀ), (a + b)ᵀ = aᵀ + bᵀ with a
    symmetric sum kept as it is ((A + Aᵀ)ᵀ = A + Aᵀ), (aᵀ)ᵀ = a, Iᵀ = I, diag(v)ᵀ = diag(v),
    (P⁻¹)ᵀ = (Pᵀ)⁻¹ where Pᵀ is simpler (diag(v)⁻¹ is symmetric), down to the names."""
    if not isinstance(e, T):
        return e
    a = e.arg
    if isinstance(a, T):
        return push_transpose(a.arg)
    if is_scalar(a):
        return push_transpose(a)
    if isinstance(a, (Identity, Diag)):
        return a
    if isinstance(a, Zero):
        return Zero(shape(e))
    if isinstance(a, Prod):
        scalars = tuple(f for f in a.factors if is_scalar(f))
        others = tuple(push_transpose(T(f)) for f in reversed(a.factors) if not is_scalar(f))
        return product_of(scalars + others)
    if isinstance(a, Add):
        terms = tuple(push_transpose(T(t)) for t in a.terms)
        return a if Counter(terms) == Counter(a.terms) else Add(terms)
    if isinstance(a, Neg):
        return Neg(push_transpose(T(a.arg)))
    if isinstance(a, Inv):
        inner = push_transpose(T(a.arg))
        return e if isinstance(inner, T) else Inv(inner)
    return e


def jacobian(e, x: Var):
    """d e/d x in numerator layout, for a scalar or column-vector e and a column vector x."""
    n = x.shape[0]
    rows = shape(e)[0]
    if not depends(e, x):
        return Zero((rows, n))
    if shape(e)[1] != "1":
        raise _unsupported(e, x)
    if isinstance(e, Var):
        return Identity(n)
    if isinstance(e, Add):
        return Add(tuple(jacobian(t, x) for t in e.terms))
    if isinstance(e, Neg):
        return Neg(jacobian(e.arg, x))
    if isinstance(e, T):
        return jacobian(push_transpose(e) if not is_scalar(e.arg) else e.arg, x)
    if isinstance(e, Norm2):
        return Prod((Num(2), T(e.arg), jacobian(e.arg, x)))
    if isinstance(e, Pow):
        return Prod((Num(e.exp), Pow(e.base, e.exp - 1) if e.exp != 2 else e.base,
                     jacobian(e.base, x)))
    if isinstance(e, Func) and e.name == "log" and _is_sigmoid(e.arg):
        # d ln σ(u) = (1 − σ(u)) du
        return Prod((Add((Num(1), Neg(e.arg))), jacobian(e.arg.arg, x)))
    if isinstance(e, Func) and e.name == "log" and _one_minus_sigmoid(e.arg):
        # d ln(1 − σ(u)) = −σ(u) du
        s = e.arg.terms[1].arg
        return Prod((Neg(s), jacobian(s.arg, x)))
    if isinstance(e, Func):
        inner = jacobian(e.arg, x)
        outer = _derivative_function(e)
        return Prod((outer if is_scalar(e.arg) else Diag(outer), inner))
    if isinstance(e, Had):
        # d(u ⊙ v) = diag(v) du + diag(u) dv
        return Add((Prod((Diag(e.right), jacobian(e.left, x))),
                    Prod((Diag(e.left), jacobian(e.right, x)))))
    if isinstance(e, HDiv):
        # d(u ⊘ v) = diag(v)⁻¹ (du − diag(u ⊘ v) dv)
        return Prod((Inv(Diag(e.right)), Add((jacobian(e.left, x),
                                              Neg(Prod((Diag(e), jacobian(e.right, x))))))))
    if isinstance(e, Softmax):
        # ∂sᵢ/∂zⱼ = sᵢδᵢⱼ − sᵢsⱼ: ds = (diag(s) − s sᵀ) dz
        return Prod((Add((Diag(e), Neg(Prod((e, T(e)))))), jacobian(e.arg, x)))
    if isinstance(e, Tr):
        return jacobian(e.arg, x)
    if isinstance(e, Prod):
        *left, q = e.factors
        p = product_of(left)
        if is_scalar(p):       # scalar multiple p q
            return Add((Prod((q, jacobian(p, x))), Prod((p, jacobian(q, x)))))
        if is_scalar(q):       # p q with q a scalar
            return Add((Prod((p, jacobian(q, x))), Prod((q, jacobian(p, x)))))
        if not depends(p, x):
            return Prod((p, jacobian(q, x)))
        if shape(p)[0] == "1":  # rᵀq: r dq + qᵀ d(rᵀ)
            return Add((Prod((p, jacobian(q, x))), Prod((T(q), jacobian(push_transpose(T(p)), x)))))
    raise _unsupported(e, x)


def _is_sigmoid(e) -> bool:
    return isinstance(e, Func) and e.name == "sigmoid" and not e.prime and is_scalar(e)


def _one_minus_sigmoid(e) -> bool:
    return isinstance(e, Add) and len(e.terms) == 2 and e.terms[0] == Num(1) \
        and isinstance(e.terms[1], Neg) and _is_sigmoid(e.terms[1].arg)


def _derivative_function(e: Func):
    """f′(u), entry by entry for a vector u, by the rule of f's record
    (``derive.matrices.elementwise``): exp′ = exp, σ′ = σ(1 − σ) (σ(u) ⊙ (𝟏 − σ(u)) for a
    vector), relu′(u) = 1[u > 0] with the subgradient 0 at u = 0, …; f′(u) where the record
    has no rule."""
    return derivative_of(e, None if is_scalar(e.arg) else ones(shape(e.arg)[0]))


def gradient_matrix(e, X: Var):
    """d f/d X for a scalar f, arranged like X: entries ∂f/∂Xᵢⱼ.  Uses d tr(PXQ) = tr(QP dX),
    so the gradient of tr(PXQ) is PᵀQᵀ (and of tr(PXᵀQ) it is QP)."""
    if not depends(e, X):
        return Zero(X.shape)
    if not is_scalar(e):
        raise _unsupported(e, X)
    if isinstance(e, Add):
        return Add(tuple(gradient_matrix(t, X) for t in e.terms))
    if isinstance(e, Neg):
        return Neg(gradient_matrix(e.arg, X))
    if isinstance(e, Func) and e.name == "log" and e.arg == Det(X):
        # Jacobi: d ln det X = tr(X⁻¹ dX), so the gradient is X⁻ᵀ
        return T(Inv(X))
    if e == Det(X):
        # d det X = det(X) tr(X⁻¹ dX)
        return Prod((e, T(Inv(X))))
    if isinstance(e, Tr) and isinstance(e.arg, Add):
        return gradient_matrix(Add(tuple(Tr(t) for t in e.arg.terms)), X)
    if isinstance(e, Tr) and isinstance(e.arg, Neg):
        return Neg(gradient_matrix(Tr(e.arg.arg), X))
    if isinstance(e, Prod) and all(is_scalar(f) for f in e.factors):
        parts = [Prod(e.factors[:k] + e.factors[k + 1:] + (gradient_matrix(f, X),))
                 for k, f in enumerate(e.factors) if depends(f, X)]
        return parts[0] if len(parts) == 1 else Add(tuple(parts))
    inner = e.arg if isinstance(e, Tr) else e
    factors = inner.factors if isinstance(inner, Prod) else (inner,)
    factors = tuple(f for f in factors)
    hits = [k for k, f in enumerate(factors) if depends(f, X)]
    scalars = [f for f in factors if is_scalar(f)]
    if len(hits) == 1 and factors[hits[0]] == Inv(X) and not any(depends(f, X) for f in scalars):
        # d tr(P X⁻¹ Q) = −tr(P X⁻¹ dX X⁻¹ Q) = −tr(X⁻¹QPX⁻¹ dX): the gradient is
        # −(X⁻¹QPX⁻¹)ᵀ = −X⁻ᵀPᵀQᵀX⁻ᵀ
        k = hits[0]
        p = [f for f in factors[:k] if not is_scalar(f)]
        q = [f for f in factors[k + 1:] if not is_scalar(f)]
        core = [T(f) for f in reversed(p)] + [T(f) for f in reversed(q)]
        return Neg(Prod(tuple(scalars) + (T(Inv(X)),) + tuple(core) + (T(Inv(X)),)))
    if hits and all(factors[k] in (X, T(X)) for k in hits) \
            and not any(depends(f, X) for f in scalars):
        # product rule: one occurrence of X at a time, the others held constant
        parts = []
        for k in hits:
            p = [f for f in factors[:k] if not is_scalar(f)]
            q = [f for f in factors[k + 1:] if not is_scalar(f)]
            core = [T(f) for f in reversed(p)] + [T(f) for f in reversed(q)] \
                if factors[k] == X else q + p
            parts.append(Prod(tuple(scalars) + tuple(core or [Identity(X.shape[0])])))
        return parts[0] if len(parts) == 1 else Add(tuple(parts))
    raise _unsupported(e, X)

# ---------------------------------------------------------------- the derivation


@dataclass(frozen=True)
class Formula:
    """One line of mathematics as data: its sides, left = right = …, each a matrix
    expression, an index-form SymPy expression or a ``Label``; ``text`` and ``latex`` write
    it (``matrix_notation``)."""

    sides: tuple = ()

    @property
    def text(self) -> str:
        return formula_text(self.sides)

    @property
    def latex(self) -> str:
        return formula_latex(self.sides)


@dataclass(frozen=True)
class MatrixStep:
    """One step; ``kind`` names the words in the templates (entrywise, component, collapse,
    recognise, shape); ``formulas`` are the lines of mathematics it shows."""

    kind: str
    formulas: tuple
    detail: str = ""


def _check(passed: bool, detail: str, sizes: str) -> Check:
    """A check made at concrete sizes (``sizes``: "n=3, m=2", empty when every declared size
    is a number), comparing entry by entry with SymPy's derivative of the explicit
    matrices."""
    return Check(rule="", claim="derivative", passed=passed, method="symbolic",
                 detail=detail, sizes=sizes)


@dataclass(frozen=True, repr=False)
class MatrixSolution(Checked, Displayed):
    """A derivative by a vector or a matrix, worked by the index method and checked entry by
    entry (``verified``: every check passed); ``derive.present.matrices`` lays it out."""

    input: str
    expression: Formula
    wrt: str
    wrt_shape: tuple
    kind: str            # what f is differentiated by: a "vector", a "matrix" or a "scalar"
    result: object
    result_text: Formula
    result_sympy: str
    shape: tuple         # of the result as printed, in its layout
    layout: str          # "numerator" or "denominator"
    steps: tuple
    checks: tuple        # of Check
    wrt_space: Formula = Formula()
    wrt_symbol: Formula = Formula()
    notes: tuple = ()    # keys of remarks the templates word, e.g. "relu-at-zero"
    function_shape: tuple = ("1", "1")


@own_errors
def matrix(expression: str, wrt: str, shapes, *, layout: str = "numerator") -> MatrixSolution:
    """The derivative of ``expression`` by the vector or matrix ``wrt``: ``shapes`` declares
    the vectors and matrices, as a mapping ``{"x": "n", "A": "n,n"}`` or as the command
    line's specs ``["x=n", "A=n,n"]``; every other name is a scalar."""
    if not isinstance(expression, str) or not isinstance(wrt, str):
        raise InputError("give the expression and the variable as text")
    specs = ([f"{name}={dims}" for name, dims in shapes.items()] if isinstance(shapes, dict)
             else list(shapes))
    return solve_matrix(expression, wrt, parse_shapes(specs), layout)


def in_layout(derivative, computed_in: str, layout: str):
    """The derivative arranged in ``layout``.  The two layouts are transposes of each other
    (numerator: ∂y/∂x is m×n for y ∈ ℝᵐ and x ∈ ℝⁿ, ∂f/∂X has the shape of Xᵀ;
    denominator: n×m, ∂f/∂X arranged like X), so a derivative computed in the other layout
    is transposed, the transpose pushed down to the names."""
    if layout == computed_in:
        return derivative
    return simplify(push_transpose(T(derivative)))


def _derivative(expr, x: Var, text: str) -> tuple:
    """(kind, derivative, the layout it comes in): by a vector x, or a vector function by a
    scalar, the Jacobian in numerator layout; a scalar by a matrix X, the gradient arranged
    like X (denominator layout)."""
    of_shape = shape(expr)
    if x.shape == ("1", "1") and of_shape[0] == "1":
        raise InputError(f"give {x.name} a shape (--shape {x.name}=n): the index method "
                         "differentiates by a vector or a matrix, or a vector by a scalar")
    if x.shape[1] == "1":
        if of_shape[1] != "1":
            raise _unsupported(expr, x)
        kind = "scalar" if x.shape == ("1", "1") else "vector"
        return kind, collect_scalars(simplify(jacobian(expr, x))), "numerator"
    if of_shape != ("1", "1"):
        raise InputError(f"{text} is {'×'.join(of_shape)}: the derivative by the matrix "
                         f"{x.name} is done for scalar functions")
    return "matrix", collect_scalars(simplify(gradient_matrix(expr, x))), "denominator"


def _result_shape(kind: str, of_shape: tuple, x: Var, layout: str) -> tuple:
    """The shape of ∂f/∂x: numerator layout m×n for f ∈ ℝᵐ, x ∈ ℝⁿ (n×m, the shape of Xᵀ,
    for a matrix X ∈ ℝᵐˣⁿ); denominator layout the transpose."""
    numerator = (x.shape[1], x.shape[0]) if kind == "matrix" else (of_shape[0], x.shape[0])
    return numerator if layout == "numerator" else numerator[::-1]


def _entry_position(kind: str, has_row: bool, layout: str) -> tuple:
    """Where ∂fᵢ/∂xⱼ (∂f/∂Xᵢⱼ for a matrix X) stands in the derivative, as (row, column):
    numerator layout puts the entries of f down the rows and those of x across, and ∂f/∂Xᵢⱼ
    at (j, i); denominator layout the other way round."""
    if kind == "matrix":
        position = ("j", "i")
    else:
        position = ("i" if has_row else "1", "j" if kind == "vector" else "1")
    return position if layout == "numerator" else position[::-1]


def _component(kind: str, x: Var):
    """The component the index method differentiates by: xⱼ, Xᵢⱼ or the scalar itself."""
    i, j = sp.symbols("i j", integer=True)
    if kind == "matrix":
        return sp.IndexedBase(x.name)[i, j]
    if kind == "vector":
        return sp.IndexedBase(x.name)[j]
    return sp.Symbol(x.name, real=True)


def solve_matrix(text: str, wrt: str, shapes: dict, layout: str = "numerator") -> MatrixSolution:
    """Differentiate ``text`` with respect to ``wrt`` by the index method, arranged in
    ``layout`` (numerator or denominator), checked entry by entry in that layout."""
    if layout not in LAYOUTS:
        raise InputError(f"--layout {layout}: choose numerator or denominator")
    expr = parse_matrix(text, shapes)
    x = Var(wrt, shapes.get(wrt, ("1", "1")))
    if not depends(expr, x):
        raise InputError(f"{text!r} does not contain {wrt}")
    kind, computed, computed_in = _derivative(expr, x, text)
    result = in_layout(computed, computed_in, layout)
    of_shape = shape(expr)
    out_shape = _result_shape(kind, of_shape, x, layout)
    # index steps
    has_row = of_shape[0] != "1"
    comp = _component(kind, x)
    entry = Entries().entry(expr, sp.Symbol("i", integer=True) if has_row else 1, 1)
    derivative = sp.diff(entry, comp)
    counted = []
    collapsed = collapse(derivative, counted)
    steps = [
        MatrixStep("entrywise", (Formula((Label("function", (has_row,)),
                                          Label("entry", (expr,)) if has_row else expr,
                                          entry)),)),
        MatrixStep("component", (Formula((Label("partial", (has_row, comp)), derivative)),)),
        MatrixStep("collapse", (Formula((Label("partial", (has_row, comp)), collapsed)),),
                   detail=str(len(counted))),
        MatrixStep("recognise", (
            Formula((Label("arranged", (x,) + _entry_position(kind, has_row, layout)),
                     collapsed)),
            Formula((Label("derivative", (x,)), result))), detail=kind),
        MatrixStep("shape", (Formula((Label("shape", out_shape),)),), detail=kind),
    ]
    if not counted and collapsed == derivative:     # no delta: the collapse would change nothing
        del steps[2]

    checks = []
    for sizes in size_choices(dimensions(expr, x, result)):
        try:
            passed, detail = check_result(expr, x, result, sizes, layout)
            checks.append(_check(passed, detail, sizes_text(sizes)))
            checks.append(_check_collapsed(expr, x, collapsed, sizes, kind, has_row))
        except (sp.ShapeError, ValueError, TypeError, KeyError, IndexError) as error:
            checks.append(_check(False, f"the check could not be made at {sizes}: {error}",
                                 sizes_text(sizes)))
    return MatrixSolution(
        input=text, expression=Formula((expr,)), wrt=x.name,
        wrt_shape=x.shape, kind=kind, result=result, result_text=Formula((result,)),
        result_sympy=to_sympy_syntax(result), shape=out_shape, layout=layout,
        steps=tuple(steps), checks=tuple(checks),
        wrt_space=Formula((Label("space", x.shape),)), wrt_symbol=Formula((x,)),
        notes=_notes(expr), function_shape=of_shape)


def _parts(e):
    """The expression and every expression inside it, outside in."""
    yield e
    for attr in ("arg", "base", "left", "right"):
        if hasattr(e, attr):
            yield from _parts(getattr(e, attr))
    for attr in ("factors", "terms"):
        for f in getattr(e, attr, ()):
            yield from _parts(f)


def _notes(expr) -> tuple:
    """Remarks the solution must state: those of its element-wise functions (relu is not
    differentiable at 0, we use relu′(0) = 0), the cofactors of det X, the entries of X⁻¹."""
    notes = []
    for f in _parts(expr):
        if isinstance(f, Func) and function(f.name).note and function(f.name).note not in notes:
            notes.append(function(f.name).note)
    if any(isinstance(a, Det) for a in _parts(expr)):
        notes.append("det-cofactors")
    if any(isinstance(a, Inv) for a in _parts(expr)):
        notes.append("inverse-entries")
    return tuple(notes)


def _components(f, xm, kind: str, has_row: bool):
    """Every derivative of an entry of f by a component of x, with the values of the free
    indices i, j of the index formula it stands for: (fixed, ∂fᵣ/∂xₐ)."""
    i, j = sp.symbols("i j", integer=True)
    for r in range(f.rows):
        for a in range(xm.rows):
            for b in range(xm.cols):
                if kind == "matrix":
                    fixed = {i: a + 1, j: b + 1}
                else:
                    fixed = {j: a + 1} if kind == "vector" else {}
                    if has_row:
                        fixed[i] = r + 1
                yield fixed, sp.diff(f[r, 0], xm[a, b])


def _check_collapsed(expr, x, collapsed, sizes, kind, has_row) -> Check:
    """The collapsed index formula, at concrete sizes and every (i, j), against SymPy."""
    names = {}
    f = instantiate(expr, sizes, names)
    xm = instantiate(x, sizes, names)
    for fixed, want in _components(f, xm, kind, has_row):
        got = concrete_index(collapsed, sizes, names, fixed)
        if not vanishes(got - want):
            return _check(False, f"the collapsed entry formula differs at {fixed} ({sizes})",
                          sizes_text(sizes))
    at = sizes_text(sizes)
    return _check(True, "the collapsed entry formula, every entry at " + at, at)
