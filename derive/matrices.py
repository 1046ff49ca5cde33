"""Matrix calculus by the index method, checked entry by entry.

Vectors and matrices are declared with their shapes (``a=n`` a column vector in ℝⁿ,
``A=m,n`` an m×n matrix); every other name is a scalar.  A derivation has five steps:

1. one entry of the expression written with explicit sums, e.g. ``aᵀx = Σₖ aₖxₖ``;
2. its derivative with respect to one component ``xⱼ``, where ``∂xₖ/∂xⱼ = δₖⱼ``;
3. the sums collapsed with the Kronecker delta, ``Σₖ aₖδₖⱼ = aⱼ``;
4. the entries recognised as a matrix expression (``aᵀ``);
5. the shape of the result checked against the layout.

Layout.  **Numerator layout**: the derivative ∂y/∂x of y ∈ ℝᵐ by x ∈ ℝⁿ is the m×n Jacobian
with entries ∂yᵢ/∂xⱼ, so the derivative of a scalar by a column vector is a 1×n row vector,
d(aᵀx)/dx = aᵀ.  The derivative of a scalar f by an m×n matrix X is arranged like X, with entries
∂f/∂Xᵢⱼ (so d tr(AX)/dX = Aᵀ and d tr(AXB)/dX = AᵀBᵀ).

The matrix result comes from the rules of the differential (linearity, the product rule
d(rᵀq) = r dq + qᵀ d(rᵀ), d‖v‖² = 2vᵀ dv, the chain rule for functions, d tr(PXQ) = tr(QP dX)).
It is never trusted: every result is checked against the entry-by-entry derivative that SymPy
computes from explicit matrices of symbols at small concrete sizes (two different
instantiations, non-square where the shapes allow), and the collapsed index formula of step 3
is checked the same way.  (SymPy's own ``MatrixSymbol`` derivative is not used: it returns 0
for ln det X, whose gradient is X⁻ᵀ.)

The element-wise functions include relu(t) = max(0, t), whose derivative 1[t > 0] is undefined
at t = 0; there the subgradient 0 is used (relu′(0) = 0), and the solution says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional

import sympy as sp
from sympy.printing.str import StrPrinter

from .errors import InputError

LAYOUT = "numerator"
SUBSCRIPT = str.maketrans("0123456789+-()ijklmnprst", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₗₘₙₚᵣₛₜ")
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
FUNCTIONS = ("exp", "log", "ln", "sin", "cos", "tanh", "sigmoid", "relu")
MORE = ("max", "softmax", "det", "inv")

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Var:
    name: str
    shape: tuple  # (rows, cols), dims as strings; a scalar is ("1", "1")


@dataclass(frozen=True)
class Num:
    value: int


@dataclass(frozen=True)
class Identity:
    dim: str


@dataclass(frozen=True)
class Zero:
    shape: tuple


@dataclass(frozen=True)
class T:
    arg: object


@dataclass(frozen=True)
class Prod:
    factors: tuple


@dataclass(frozen=True)
class Add:
    terms: tuple


@dataclass(frozen=True)
class Neg:
    arg: object


@dataclass(frozen=True)
class Norm2:
    arg: object


@dataclass(frozen=True)
class Tr:
    arg: object


@dataclass(frozen=True)
class Pow:
    base: object
    exp: int


@dataclass(frozen=True)
class Func:
    """A function applied entry by entry; ``prime`` marks its derivative f′."""

    name: str
    arg: object
    prime: bool = False


@dataclass(frozen=True)
class Diag:
    arg: object


@dataclass(frozen=True)
class Had:
    """The element-wise (Hadamard) product u ⊙ v of two arrays of one shape."""

    left: object
    right: object


@dataclass(frozen=True)
class HDiv:
    """The element-wise quotient u ⊘ v (``u ./ v``)."""

    left: object
    right: object


@dataclass(frozen=True)
class Softmax:
    """s(z)ᵢ = exp(zᵢ)/Σₖ exp(zₖ), a vector function that is not element-wise."""

    arg: object


@dataclass(frozen=True)
class Det:
    arg: object


@dataclass(frozen=True)
class Inv:
    arg: object


def shape(e) -> tuple:
    """(rows, cols) of an expression; InputError when the shapes do not fit."""
    if isinstance(e, Var):
        return e.shape
    if isinstance(e, Num):
        return ("1", "1")
    if isinstance(e, Identity):
        return (e.dim, e.dim)
    if isinstance(e, Zero):
        return e.shape
    if isinstance(e, T):
        r, c = shape(e.arg)
        return (c, r)
    if isinstance(e, (Neg, Func)):
        return shape(e.arg)
    if isinstance(e, (Had, HDiv)):
        a, b = shape(e.left), shape(e.right)
        if a != b:
            sym = "⊙" if isinstance(e, Had) else "⊘"
            raise InputError(f"{to_text(e.left)} {sym} {to_text(e.right)} needs one shape on both "
                             f"sides, but they are {'×'.join(a)} and {'×'.join(b)}")
        return a
    if isinstance(e, Softmax):
        r, c = shape(e.arg)
        if c != "1":
            raise InputError(f"softmax needs a vector, but {to_text(e.arg)} is {r}×{c}")
        return (r, c)
    if isinstance(e, (Det, Inv)):
        r, c = shape(e.arg)
        if r != c:
            name = "det" if isinstance(e, Det) else "the inverse"
            raise InputError(f"{name} needs a square matrix, but {to_text(e.arg)} is {r}×{c}")
        return ("1", "1") if isinstance(e, Det) else (r, c)
    if isinstance(e, Diag):
        return (shape(e.arg)[0],) * 2
    if isinstance(e, (Norm2, Tr)):
        r, c = shape(e.arg)
        if isinstance(e, Norm2) and c != "1":
            raise InputError(f"‖·‖² needs a vector, but {to_text(e.arg)} is {r}×{c}")
        if isinstance(e, Tr) and r != c:
            raise InputError(f"tr needs a square matrix, but {to_text(e.arg)} is {r}×{c}")
        return ("1", "1")
    if isinstance(e, Pow):
        if shape(e.base) != ("1", "1"):
            raise InputError(f"a power needs a scalar, but {to_text(e.base)} is "
                             f"{'×'.join(shape(e.base))} (write ||v||^2 for a squared norm)")
        return ("1", "1")
    if isinstance(e, Add):
        shapes = [shape(t) for t in e.terms]
        for s, t in zip(shapes[1:], e.terms[1:]):
            if s != shapes[0]:
                raise InputError(f"cannot add {to_text(e.terms[0])} ({'×'.join(shapes[0])}) and "
                                 f"{to_text(t)} ({'×'.join(s)}): the shapes differ")
        return shapes[0]
    if isinstance(e, Prod):
        current = shape(e.factors[0])
        for k, f in enumerate(e.factors[1:], start=1):
            s = shape(f)
            if current[1] == s[0]:
                current = (current[0], s[1])
            elif current == ("1", "1"):
                current = s
            elif s == ("1", "1"):
                pass
            else:
                raise InputError(f"cannot multiply {to_text(_product(e.factors[:k]))}"
                                 f" ({'×'.join(current)}) by {to_text(f)} ({'×'.join(s)}): "
                                 "the inner sizes differ")
        return current
    raise TypeError(e)


def is_scalar(e) -> bool:
    return shape(e) == ("1", "1")


def depends(e, x: Var) -> bool:
    if isinstance(e, Var):
        return e.name == x.name
    for attr in ("arg", "base"):
        if hasattr(e, attr):
            return depends(getattr(e, attr), x)
    for attr in ("factors", "terms"):
        if hasattr(e, attr):
            return any(depends(f, x) for f in getattr(e, attr))
    if isinstance(e, (Had, HDiv)):
        return depends(e.left, x) or depends(e.right, x)
    return False

# ---------------------------------------------------------------- parsing


TOKEN = re.compile(r"\s*(?:(?P<num>\d+)|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<tr>\^\s*T(?![A-Za-z0-9_]))"
                   r"|(?P<op>\|\||\.\*|\./|⊙|⊘|\^|'|\(|\)|\+|-|−|\*|·|/|,))")


def _tokens(text: str) -> list:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise InputError(f"cannot read {text[pos:].strip()[:1]!r} at column {pos + 1} of "
                             f"{text!r}")
        kind = m.lastgroup
        value = m.group(kind)
        out.append((kind, "−" if value == "-" else value, m.start(kind)))
        pos = m.end()
    return out + [("end", "", len(text))]


class _Parser:
    """expr := term (± term)*; term := unary ((*|·|juxtaposition) unary)*;
    unary := − unary | postfix; postfix := atom (^T | ' | ^N | ^-1)*;
    atom := N | NAME | f(expr) | max(0, expr) | (expr) | ||expr||.
    ``u .* v`` / ``u ⊙ v`` and ``u ./ v`` / ``u ⊘ v`` are element-wise, ``p / N`` divides by a
    whole number; all three bind like a product, to the left."""

    def __init__(self, text: str, shapes: dict):
        self.text, self.shapes, self.toks, self.i, self.norm = text, shapes, _tokens(text), 0, 0

    def peek(self):
        return self.toks[self.i]

    def take(self, value=None):
        tok = self.toks[self.i]
        if value is not None and tok[1] != value:
            found = tok[1] or "the end"
            raise InputError(f"expected {value!r} at column {tok[2] + 1} of {self.text!r}, "
                             f"found {found!r}")
        self.i += 1
        return tok

    def parse(self):
        if self.peek()[0] == "end":
            raise InputError("the expression is empty")
        e = self.expr()
        if self.peek()[0] != "end":
            tok = self.peek()
            raise InputError(f"unexpected {tok[1]!r} at column {tok[2] + 1} of {self.text!r}")
        return e

    def expr(self):
        terms = [self.term()]
        while self.peek()[1] in ("+", "−"):
            op = self.take()[1]
            t = self.term()
            terms.append(t if op == "+" else Neg(t))
        return terms[0] if len(terms) == 1 else Add(tuple(terms))

    def starts_atom(self):
        kind, value, _ = self.peek()
        return kind in ("num", "name") or value == "(" or (value == "||" and not self.norm)

    def term(self):
        factors = [self.unary()]
        while True:
            value = self.peek()[1]
            if value == "·":
                self.take()
                right = self.unary()
                factors = [T(_product(factors)), right]
            elif value in (".*", "⊙", "./", "⊘"):
                self.take()
                node = Had if value in (".*", "⊙") else HDiv
                factors = [node(_product(factors), self.unary())]
            elif value == "/":
                self.take()
                kind, number, col = self.take()
                if kind != "num" or int(number) == 0:
                    raise InputError(f"expected a nonzero whole number after / at column "
                                     f"{col + 1} of {self.text!r} (write u ./ v to divide "
                                     "entry by entry)")
                left = _product(factors)
                if isinstance(left, Num):
                    factors = [Num(_number(sp.Rational(left.value, int(number))))]
                else:
                    factors = [Num(sp.Rational(1, int(number))), left]
            elif value == "*":
                self.take()
                factors.append(self.unary())
            elif self.starts_atom():
                factors.append(self.unary())
            else:
                break
        return _product(factors)

    def unary(self):
        if self.peek()[1] == "−":
            self.take()
            return Neg(self.unary())
        return self.postfix()

    def postfix(self):
        e = self.atom()
        while True:
            kind, value, _ = self.peek()
            if kind == "tr" or value == "'":
                self.take()
                e = T(e)
            elif value == "^":
                self.take()
                if self.peek()[1] == "−":
                    self.take()
                    kind, value, col = self.take()
                    if value != "1" or isinstance(e, _NormBox):
                        raise InputError(f"only the inverse ^-1 is supported, at column "
                                         f"{col + 1} of {self.text!r}")
                    e = Inv(e)
                    continue
                kind, value, col = self.take()
                if kind != "num":
                    raise InputError(f"expected a whole-number power or T at column {col + 1} "
                                     f"of {self.text!r}")
                if isinstance(e, _NormBox):
                    if value != "2":
                        raise InputError("only the squared norm ||v||^2 is supported")
                    e = Norm2(e.arg)
                else:
                    e = Pow(e, int(value))
            else:
                break
        if isinstance(e, _NormBox):
            raise InputError("write the squared norm as ||v||^2")
        return e

    def atom(self):
        kind, value, col = self.take()
        if kind == "num":
            return Num(int(value))
        if kind == "name":
            if value in FUNCTIONS + ("tr", "sum") + MORE and self.peek()[1] == "(":
                self.take("(")
                if value == "max":
                    zero = self.take()
                    if zero[1] != "0":
                        raise InputError("max is supported as max(0, …), the ReLU")
                    self.take(",")
                arg = self.expr()
                self.take(")")
                if value == "max":
                    return Func("relu", arg)
                if value in MORE:
                    return {"softmax": Softmax, "det": Det, "inv": Inv}[value](arg)
                if value == "tr":
                    return Tr(arg)
                if value == "sum":
                    return Prod((T(_ones(shape(arg)[0])), arg))
                return Func("log" if value == "ln" else value, arg)
            if value in ("tr", "sum") + FUNCTIONS + MORE:
                raise InputError(f"{value} needs parentheses: {value}(…)")
            return Var(value, self.shapes.get(value, ("1", "1")))
        if value == "(":
            e = self.expr()
            self.take(")")
            return e
        if value == "||":
            self.norm += 1
            e = self.expr()
            self.norm -= 1
            self.take("||")
            return _NormBox(e)
        raise InputError(f"unexpected {value or 'end'!r} at column {col + 1} of {self.text!r}")


@dataclass(frozen=True)
class _NormBox:
    arg: object


def _ones(dim):
    return Var("𝟏", (dim, "1"))


def _product(factors):
    return factors[0] if len(factors) == 1 else Prod(tuple(factors))


DIM = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_]*|[1-9][0-9]*)$")


def parse_shapes(specs) -> dict:
    """``["a=n", "A=m,n"]`` → {"a": ("n", "1"), "A": ("m", "n")}."""
    shapes = {}
    for spec in specs:
        name, eq, dims = spec.partition("=")
        name, parts = name.strip(), [d.strip() for d in dims.split(",")]
        if not eq or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or len(parts) > 2 \
                or not all(DIM.match(p) for p in parts):
            raise InputError(f"--shape {spec!r}: write NAME=DIM for a vector or NAME=ROWS,COLS "
                             "for a matrix (e.g. x=n, A=m,n)")
        if name in shapes:
            raise InputError(f"--shape gives {name} twice")
        shapes[name] = (parts[0], parts[1] if len(parts) == 2 else "1")
    return shapes


def parse_matrix(text: str, shapes: dict):
    e = _Parser(text, shapes).parse()
    shape(e)
    return e

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
            factors.insert(0, Num(_number(coeff)))
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


def _number(value):
    """An int when whole, else the exact fraction."""
    value = sp.Rational(value)
    return int(value) if value.q == 1 else value


def _factor_left(terms):
    """Like terms added (xᵀ + xᵀ = 2xᵀ), then a common left factor taken out."""
    cores, coeffs = [], []
    for t in terms:
        sign, core = (-1, t.arg) if isinstance(t, Neg) else (1, t)
        c = 1
        if isinstance(core, Prod) and isinstance(core.factors[0], Num):
            c, core = core.factors[0].value, _product(core.factors[1:])
        if core in cores:
            coeffs[cores.index(core)] += sign * c
        else:
            cores.append(core)
            coeffs.append(sign * c)
    merged = []
    for core, c in zip(cores, coeffs):
        if c == 0:
            continue
        term = core if abs(c) == 1 else simplify(Prod((Num(_number(abs(c))), core)))
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
            rests = [_product(t.factors[1:]) for t in merged]
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
        tails.append(_product(tuple(f for f in factors if not is_scalar(f)))
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
        core = _product(tuple(([Num(abs(int(c)))] if abs(c) != 1 else []) + body))
        return Neg(core) if c < 0 else core
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        return Pow(_scalar_from_sympy(expr.base, atoms), int(expr.exp))
    raise ValueError(expr)


# ---------------------------------------------------------------- differentiation


def _unsupported(e, x):
    return InputError(f"the derivative of {to_text(e)} with respect to {x.name} is not "
                      "supported by the index method here")


def push_transpose(e):
    """(PQ)ᵀ = QᵀPᵀ, (a + b)ᵀ = aᵀ + bᵀ, (aᵀ)ᵀ = a, down to the names."""
    if isinstance(e, T):
        a = e.arg
        if isinstance(a, T):
            return push_transpose(a.arg)
        if isinstance(a, Prod):
            return Prod(tuple(push_transpose(T(f)) for f in reversed(a.factors)))
        if isinstance(a, Add):
            return Add(tuple(push_transpose(T(t)) for t in a.terms))
        if isinstance(a, Neg):
            return Neg(push_transpose(T(a.arg)))
        if is_scalar(a):
            return push_transpose(a)
        return e
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
        p = _product(left)
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
    """f′(u): exp′ = exp, sin′ = cos, cos′ = −sin, σ′ = σ(1 − σ), tanh′ = 1 − tanh²
    (entry by entry for a vector: σ(u) ⊙ (𝟏 − σ(u)), 𝟏 − tanh(u) ⊙ tanh(u)), ln′(u) = u⁻¹,
    relu′(u) = 1[u > 0].  relu(t) = max(0, t) has no derivative at t = 0; there we take the
    subgradient 0 (so relu′(0) = 0, as the deep-learning libraries do)."""
    if e.name == "exp":
        return e
    if e.name == "relu":
        return Func("step", e.arg)
    if not is_scalar(e.arg) and e.name in ("sigmoid", "tanh"):
        ones = _ones(shape(e.arg)[0])
        if e.name == "sigmoid":
            return Had(e, Add((ones, Neg(e))))
        return Add((ones, Neg(Had(e, e))))
    if e.name == "sin":
        return Func("cos", e.arg)
    if e.name == "cos":
        return Neg(Func("sin", e.arg))
    if is_scalar(e.arg):
        if e.name == "sigmoid":
            return Prod((e, Add((Num(1), Neg(e)))))
        if e.name == "tanh":
            return Add((Num(1), Neg(Pow(e, 2))))
        if e.name == "log":
            return Pow(e.arg, -1)
    return Func(e.name, e.arg, prime=True)


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

# ---------------------------------------------------------------- notation


def _needs_parens(e, inside):
    if isinstance(e, (Add,)):
        return True
    if isinstance(e, (Had, HDiv)):
        return inside in ("prod", "post")
    if isinstance(e, Num) and not isinstance(e.value, int):
        return inside in ("prod", "post")
    if isinstance(e, Neg):
        return inside in ("prod", "post", "sum")
    if isinstance(e, Prod):
        return inside == "post"
    return False


def _wrap(e, inside, fmt):
    s = _show(e, fmt)
    if _needs_parens(e, inside):
        return r"\left(" + s + r"\right)" if fmt == "latex" else f"({s})"
    return s


FUNC_TEXT = {"sigmoid": "σ", "exp": "exp", "log": "ln", "sin": "sin", "cos": "cos",
             "tanh": "tanh", "relu": "relu"}
FUNC_LATEX = {"sigmoid": r"\sigma", "exp": r"\exp", "log": r"\ln", "sin": r"\sin",
              "cos": r"\cos", "tanh": r"\tanh", "relu": r"\operatorname{relu}"}


def _show(e, fmt):
    latex = fmt == "latex"
    if isinstance(e, Var):
        if e.name == "𝟏":
            return r"\mathbf{1}" if latex else "𝟏"
        name = e.name if not latex else (e.name if len(e.name) == 1
                                         else r"\mathrm{" + e.name.replace("_", r"\_") + "}")
        if latex and e.shape[1] == "1" and e.shape[0] != "1":
            return r"\mathbf{" + name + "}"
        return name
    if isinstance(e, Num):
        if isinstance(e.value, int):
            return str(e.value)
        v = sp.Rational(e.value)
        return rf"\frac{{{v.p}}}{{{v.q}}}" if latex else f"{v.p}/{v.q}"
    if isinstance(e, Identity):
        return "I"
    if isinstance(e, Inv):
        return _wrap(e.arg, "post", fmt) + ("^{-1}" if latex else "⁻¹")
    if isinstance(e, T) and isinstance(e.arg, Inv):
        return _wrap(e.arg.arg, "post", fmt) + (r"^{-\mathsf{T}}" if latex else "⁻ᵀ")
    if isinstance(e, (Had, HDiv)):
        op = {(Had, True): r" \odot ", (Had, False): " ⊙ ", (HDiv, True): r" \oslash ",
              (HDiv, False): " ⊘ "}[type(e), latex]
        return _wrap(e.left, "prod", fmt) + op + _wrap(e.right, "prod", fmt)
    if isinstance(e, (Softmax, Det)):
        name = ("softmax" if isinstance(e, Softmax) else "det")
        if latex:
            return rf"\operatorname{{{name}}}\left(" + _show(e.arg, fmt) + r"\right)"
        return f"{name}({_show(e.arg, fmt)})"
    if isinstance(e, Func) and e.name == "step":
        inner = _show(e.arg, fmt)
        return (r"\mathbf{1}\left[" + inner + r" > 0\right]") if latex else f"1[{inner} > 0]"
    if isinstance(e, Zero):
        return r"\mathbf{0}" if latex and e.shape != ("1", "1") else "0"
    if isinstance(e, T):
        return _wrap(e.arg, "post", fmt) + (r"^{\mathsf{T}}" if latex else "ᵀ")
    if isinstance(e, Pow):
        base = _wrap(e.base, "post", fmt)
        if isinstance(e.base, Func):
            base = f"({base})" if not latex else r"\left(" + base + r"\right)"
        return base + (f"^{{{e.exp}}}" if latex else str(e.exp).translate(SUPERSCRIPT))
    if isinstance(e, Neg):
        return ("-" if latex else "−") + _wrap(e.arg, "prod", fmt)
    if isinstance(e, Add):
        out = _show(e.terms[0], fmt)
        for t in e.terms[1:]:
            if isinstance(t, Neg):
                out += (" - " if latex else " − ") + _wrap(t.arg, "sum", fmt)
            else:
                out += " + " + _show(t, fmt)
        return out
    if isinstance(e, Prod):
        parts = [_wrap(f, "prod", fmt) for f in e.factors]
        if latex:
            return " ".join(p.replace(r"\left(\frac", r"\frac").replace(r"}\right)", "}")
                            if isinstance(f, Num) else p for p, f in zip(parts, e.factors))
        spaced = any(isinstance(f, Var) and len(f.name) > 1 for f in e.factors)
        if spaced:
            return " ".join(parts)
        out = parts[0]
        for p, f in zip(parts[1:], e.factors[1:]):
            named = isinstance(f, (Func, Det, Softmax, Tr)) and p[:1].isalpha() and p[0] != "σ"
            out += (" " if named and (out[-1:].isalnum() or out[-1:] == ")") else "") + p
        return out
    if isinstance(e, Norm2):
        inner = _show(e.arg, fmt)
        return (r"\lVert " + inner + r" \rVert^{2}") if latex else f"‖{inner}‖²"
    if isinstance(e, Tr):
        return (r"\operatorname{tr}\left(" + _show(e.arg, fmt) + r"\right)") if latex \
            else f"tr({_show(e.arg, fmt)})"
    if isinstance(e, Diag):
        return (r"\operatorname{diag}\left(" + _show(e.arg, fmt) + r"\right)") if latex \
            else f"diag({_show(e.arg, fmt)})"
    if isinstance(e, Func):
        name = (FUNC_LATEX if latex else FUNC_TEXT)[e.name] + (("'" if latex else "′")
                                                               if e.prime else "")
        return name + (r"\left(" + _show(e.arg, fmt) + r"\right)" if latex
                       else f"({_show(e.arg, fmt)})")
    raise TypeError(e)


def to_text(e) -> str:
    return _show(e, "text")


def to_latex(e) -> str:
    return _show(e, "latex")


def to_sympy_syntax(e) -> str:
    """The expression in SymPy's matrix syntax: ``x.T*(A + A.T)``."""
    def atom(a):
        s = to_sympy_syntax(a)
        return s if isinstance(a, (Var, Identity, Zero, T, Func, Tr, Diag, Had, HDiv, Softmax,
                                   Det, Inv, Num)) else f"({s})"
    if isinstance(e, Var):
        return "ones" if e.name == "𝟏" else e.name
    if isinstance(e, Num):
        if isinstance(e.value, int):
            return str(e.value)
        v = sp.Rational(e.value)
        return f"Rational({v.p}, {v.q})"
    if isinstance(e, Identity):
        return f"Identity({e.dim})"
    if isinstance(e, Had):
        return f"HadamardProduct({to_sympy_syntax(e.left)}, {to_sympy_syntax(e.right)})"
    if isinstance(e, HDiv):
        return (f"HadamardProduct({to_sympy_syntax(e.left)}, "
                f"HadamardPower({to_sympy_syntax(e.right)}, -1))")
    if isinstance(e, Softmax):
        return f"softmax({to_sympy_syntax(e.arg)})"
    if isinstance(e, Det):
        return f"Determinant({to_sympy_syntax(e.arg)})"
    if isinstance(e, Inv):
        return f"Inverse({to_sympy_syntax(e.arg)})"
    if isinstance(e, Func) and e.name == "step":
        return f"Heaviside({to_sympy_syntax(e.arg)}, 0)"
    if isinstance(e, Zero):
        return "0" if e.shape == ("1", "1") else f"ZeroMatrix({e.shape[0]}, {e.shape[1]})"
    if isinstance(e, T):
        return atom(e.arg) + ".T"
    def negated(a):     # −(PQ) is -P*Q: the product binds tighter than the sign
        return to_sympy_syntax(a) if isinstance(a, Prod) else atom(a)
    if isinstance(e, Neg):
        return "-" + negated(e.arg)
    if isinstance(e, Add):
        out = to_sympy_syntax(e.terms[0])
        for t in e.terms[1:]:
            out += f" - {negated(t.arg)}" if isinstance(t, Neg) else f" + {to_sympy_syntax(t)}"
        return out
    if isinstance(e, Prod):
        return "*".join(atom(f) for f in e.factors)
    if isinstance(e, Pow):
        return f"{atom(e.base)}**{e.exp}"
    if isinstance(e, Norm2):
        return f"{atom(e.arg)}.T*{atom(e.arg)}"
    if isinstance(e, Tr):
        return f"Trace({to_sympy_syntax(e.arg)})"
    if isinstance(e, Diag):
        return f"diag({to_sympy_syntax(e.arg)})"
    if isinstance(e, Func):
        return f"{e.name}{'_prime' if e.prime else ''}({to_sympy_syntax(e.arg)})"
    raise TypeError(e)

# ---------------------------------------------------------------- concrete instantiation


class sigmoid(sp.Function):
    """σ(t) = 1/(1 + e^(−t)), with σ′ = σ(1 − σ)."""

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, t, **kwargs):
        return 1 / (1 + sp.exp(-t))


def _relu_piecewise(t):
    return sp.Piecewise((t, t > 0), (0, True))


def _step_piecewise(t):
    return sp.Piecewise((1, t > 0), (0, True))


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


class relu(sp.Function):
    """relu(t) = max(0, t); relu′(t) = 1[t > 0], with the subgradient 0 at t = 0."""

    def fdiff(self, argindex=1):
        return step(self.args[0])

    def _latex(self, printer):
        return r"\operatorname{relu}\left(" + printer._print(self.args[0]) + r"\right)"


class step(sp.Function):
    """1[t > 0]: 1 for t > 0, 0 for t ≤ 0."""

    def fdiff(self, argindex=1):
        return sp.Integer(0)

    def _latex(self, printer):
        return r"\mathbf{1}\left[" + printer._print(self.args[0]) + r" > 0\right]"


SYMPY_FUNCS = {"exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh,
               "sigmoid": lambda t: 1 / (1 + sp.exp(-t)), "relu": _relu_piecewise,
               "step": _step_piecewise}


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
        f = SYMPY_FUNCS[e.name]
        t = sp.Symbol("t")
        g = sp.Lambda(t, sp.diff(f(t), t)) if e.prime else f
        return instantiate(e.arg, sizes, names).applyfunc(g)
    raise TypeError(e)


def _dims(*exprs):
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
    that an m×n result is also checked non-square."""
    first = [3, 2, 4, 5, 1, 6]
    second = [2, 3, 1, 4, 5, 3]
    return [{d: first[k % 6] for k, d in enumerate(dims)},
            {d: second[k % 6] for k, d in enumerate(dims)}]


def _zero(entry) -> bool:
    entry = sp.simplify(entry)
    if entry == 0:
        return True
    return sp.simplify(sp.expand(entry.rewrite(sp.exp))) == 0


def check_result(expr, wrt: Var, result, sizes: dict) -> tuple:
    """(passed, detail): the result against SymPy's entry-by-entry derivative."""
    names = {}
    f = instantiate(expr, sizes, names)
    x = instantiate(wrt, sizes, names)
    got = instantiate(result, sizes, names)
    if wrt.shape[1] == "1":
        want = f.jacobian(list(x))
    else:
        want = x.applyfunc(lambda s: sp.diff(f[0, 0], s))
    if got.shape != want.shape:
        return False, f"shape {got.shape} but the entries give {want.shape} at {sizes}"
    for (i, j) in [(i, j) for i in range(want.rows) for j in range(want.cols)]:
        if not _zero(got[i, j] - want[i, j]):
            return False, f"entry ({i + 1},{j + 1}) differs at {sizes}"
    return True, "entry by entry at " + ", ".join(f"{k}={v}" for k, v in sizes.items())

# ---------------------------------------------------------------- the index form


class IndexPrinter(StrPrinter):
    """Entries with explicit sums, one line: Σₖ aₖxₖ, δₖⱼ."""

    printmethod = "_derive_index_text"

    def _sub(self, idx):
        return "".join(self._print(i) for i in idx).translate(SUBSCRIPT)

    def _print_Indexed(self, e):
        name = e.base.name
        if name == "𝟏":
            return "1"
        return name + self._sub(e.indices)

    def _print_Sum(self, e):
        body = e.function
        out = self._print(body)
        if isinstance(body, sp.Add):
            out = f"({out})"
        for var, lo, hi in reversed(e.limits):
            out = f"Σ{self._sub((var,))} " + out
        return out

    def _print_KroneckerDelta(self, e):
        return "δ" + self._sub(e.args)

    def _print_Mul(self, e):
        c, rest = e.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        below = [f for f in factors if isinstance(f, sp.Pow) and f.exp.is_Rational
                 and f.exp < 0]
        if below:       # a quotient: numerator / denominator
            above = [f for f in factors if f not in below]
            den = sp.Mul(*[f.base ** -f.exp for f in below], evaluate=False)
            num = self._print(sp.Mul(*above)) if above else "1"
            if len(above) == 1 and isinstance(above[0], sp.Add):
                num = f"({num})"
            den_text = self._print(den)
            if isinstance(den, (sp.Mul, sp.Add, sp.Sum)):
                den_text = f"({den_text})"
            body = f"{num}/{den_text}"
            sign = "−" if c < 0 else ""
            c = abs(c)
            if c != 1:
                body = self._print(c) + "·" + body
            return sign + body
        parts = []
        for f in factors:
            s = self._print(f)
            if isinstance(f, (sp.Add, sp.Sum)) and len(factors) > 1 or isinstance(f, sp.Add):
                s = f"({s})"
            parts.append(s)
        body = "".join(parts) if all(len(p) <= 3 or p.startswith("(") for p in parts) \
            else "·".join(parts)
        if c == 1:
            return body
        if c == -1:
            return "−" + body
        if not c.is_Integer:
            return ("−" if c < 0 else "") + f"({self._print(abs(c))})" + body
        return self._print(c) + body

    def _print_Pow(self, e):
        if e.exp.is_Integer and e.exp < 0:
            return self._print_Mul(sp.Mul(1, e, evaluate=False))
        if e.exp.is_Integer and e.exp > 0:
            base = self._print(e.base)
            if not isinstance(e.base, (sp.Indexed, sp.Symbol)):
                base = f"({base})"
            return base + str(e.exp).translate(SUPERSCRIPT)
        return super()._print_Pow(e)

    def _print_Add(self, e, order=None):
        terms = sorted(sp.Add.make_args(e), key=lambda t: (t.could_extract_minus_sign(),
                                                           sp.default_sort_key(t)))
        out = self._print(terms[0])
        for t in terms[1:]:
            if t.could_extract_minus_sign():
                out += " − " + self._print(-t)
            else:
                out += " + " + self._print(t)
        return out.replace("-", "−")

    def _print_InverseEntry(self, e):
        X, k, l = e.args
        return f"({X.name}⁻¹)" + self._sub((k, l))

    def _print_step(self, e):
        return f"1[{self._print(e.args[0])} > 0]"

    def _print_Function(self, e):
        name = FUNC_TEXT.get(type(e).__name__, type(e).__name__)
        return f"{name}({self._print(e.args[0])})"

    def _print_Derivative(self, e):
        return self._print(e.expr.func(sp.Symbol("·"))).replace("(·)", "′") + \
            f"({self._print(e.expr.args[0])})"

    def _print_Subs(self, e):
        inner = e.expr
        if isinstance(inner, sp.Derivative):
            name = FUNC_TEXT.get(type(inner.expr).__name__, type(inner.expr).__name__)
            return f"{name}′({self._print(e.point[0])})"
        return super()._print_Subs(e)

    def _print_exp(self, e):
        return f"exp({self._print(e.args[0])})"


def index_text(e) -> str:
    return IndexPrinter().doprint(e)


def index_latex(e) -> str:
    s = sp.latex(e, fold_short_frac=False)
    s = re.sub(r"\{(\S)\}_\{", r"\1_{", s)
    s = s.replace(r"\operatorname{sigmoid}", r"\sigma").replace(r"\log", r"\ln").replace(r"\mathtt{\text{𝟏}}", "1")
    s = s.replace("𝟏", "1")
    return s


IDX = [sp.Symbol(s, integer=True) for s in "klprst"]
COFACTOR = "C"


class _Entries:
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
            f = {"sigmoid": sigmoid, "relu": relu, "step": step}.get(e.name) or getattr(sp, e.name)
            return f(self.entry(e.arg, r, c))
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
        p = _product(tuple(left))
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


def _concrete_index(expr, sizes, names, fixed: dict):
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
    e = e.replace(lambda a: isinstance(a, InverseEntry),
                  lambda a: names[a.args[0].name].inv()[int(a.args[1]) - 1, int(a.args[2]) - 1])
    e = e.replace(lambda a: isinstance(a, relu), lambda a: _relu_piecewise(a.args[0]))
    e = e.replace(lambda a: isinstance(a, step), lambda a: _step_piecewise(a.args[0]))
    e = e.replace(lambda a: isinstance(a, sp.Symbol) and a.name in names and names[a.name].shape == (1, 1),
                  lambda a: names[a.name][0, 0])
    return e.doit()

# ---------------------------------------------------------------- the derivation


@dataclass(frozen=True)
class Formula:
    text: str
    latex: str


@dataclass(frozen=True)
class MatrixStep:
    """One step; ``kind`` names the words in the templates (entrywise, component, collapse,
    recognise, shape); ``formulas`` are the lines of mathematics it shows."""

    kind: str
    formulas: tuple
    detail: str = ""


@dataclass(frozen=True)
class MatrixCheck:
    passed: bool
    detail: str


@dataclass(frozen=True)
class MatrixSolution:
    input: str
    expression: Formula
    wrt: str
    wrt_shape: tuple
    kind: str            # "vector" (numerator-layout Jacobian) or "matrix" (arranged like X)
    result: object
    result_text: Formula
    result_sympy: str
    shape: tuple
    layout: str
    steps: tuple
    checks: tuple
    wrt_space: Formula = Formula("", "")
    wrt_symbol: Formula = Formula("", "")
    notes: tuple = ()    # keys of remarks the templates word, e.g. "relu-at-zero"

    @property
    def verified(self) -> bool:
        return all(c.passed for c in self.checks)


def solve_matrix(text: str, wrt: str, shapes: dict) -> MatrixSolution:
    """Differentiate ``text`` with respect to ``wrt`` by the index method, checked."""
    expr = parse_matrix(text, shapes)
    if wrt not in shapes and wrt is not None:
        x = Var(wrt, ("1", "1"))
    else:
        x = Var(wrt, shapes[wrt])
    if not depends(expr, x):
        raise InputError(f"{text!r} does not contain {wrt}")
    if x.shape == ("1", "1"):
        raise InputError(f"give {wrt} a shape (--shape {wrt}=n): the index method differentiates "
                         "by a vector or a matrix")
    of_shape = shape(expr)
    if x.shape[1] == "1":
        if of_shape[1] != "1":
            raise _unsupported(expr, x)
        kind = "vector"
        result = collect_scalars(simplify(jacobian(expr, x)))
        out_shape = (of_shape[0], x.shape[0])
    else:
        if of_shape != ("1", "1"):
            raise InputError(f"{text} is {'×'.join(of_shape)}: the derivative by the matrix "
                             f"{wrt} is done for scalar functions")
        kind = "matrix"
        result = collect_scalars(simplify(gradient_matrix(expr, x)))
        out_shape = x.shape
    # index steps
    ent = _Entries()
    i, j = sp.symbols("i j", integer=True)
    if kind == "vector":
        row = i if of_shape[0] != "1" else 1
        comp = sp.IndexedBase(x.name)[j]
    else:
        row = 1
        comp = sp.IndexedBase(x.name)[i, j]
    entry = ent.entry(expr, row, 1)
    derivative = sp.diff(entry, comp)
    counted = []
    collapsed = collapse(derivative, counted)
    f_name = "f" if of_shape == ("1", "1") else "fᵢ"
    comp_text = index_text(comp)
    steps = [
        MatrixStep("entrywise", (Formula(f"{f_name} = " + (to_text(expr) if row == 1 else
                                  f"({to_text(expr)})ᵢ") + f" = {index_text(entry)}",
                                  _equation_latex(("f" if row == 1 else "f_{i}"),
                                                  r"\left(" + to_latex(expr) + r"\right)_{i}"
                                                  if row != 1 else to_latex(expr),
                                                  index_latex(entry))),)),
        MatrixStep("component", (Formula(f"∂{f_name}/∂{comp_text} = {index_text(derivative)}",
                                         r"\frac{\partial " + ("f" if row == 1 else "f_{i}") +
                                         r"}{\partial " + index_latex(comp) + "} = " +
                                         index_latex(derivative)),)),
        MatrixStep("collapse", (Formula(f"∂{f_name}/∂{comp_text} = {index_text(collapsed)}",
                                        r"\frac{\partial " + ("f" if row == 1 else "f_{i}") +
                                        r"}{\partial " + index_latex(comp) + "} = " +
                                        index_latex(collapsed)),),
                   detail=str(len(counted))),
    ]
    label_text = f"d{'f'}/d{x.name}"
    steps.append(MatrixStep("recognise", (Formula(f"{label_text} = {to_text(result)}",
                                                  r"\frac{\partial f}{\partial " +
                                                  to_latex(x) + "} = " + to_latex(result)),),
                            detail=kind))
    steps.append(MatrixStep("shape", (Formula(f"{out_shape[0]}×{out_shape[1]}",
                                              f"{out_shape[0]}\\times {out_shape[1]}"),),
                            detail=kind))

    checks = []
    for sizes in size_choices(_dims(expr, x, result)):
        try:
            passed, detail = check_result(expr, x, result, sizes)
            checks.append(MatrixCheck(passed, detail))
            checks.append(_check_collapsed(expr, x, collapsed, derivative, sizes, kind,
                                           row != 1, comp))
        except (sp.ShapeError, ValueError, TypeError, KeyError, IndexError) as error:
            checks.append(MatrixCheck(False, f"the check could not be made at {sizes}: {error}"))
    return MatrixSolution(
        input=text, expression=Formula(to_text(expr), to_latex(expr)), wrt=x.name,
        wrt_shape=x.shape, kind=kind, result=result,
        result_text=Formula(to_text(result), to_latex(result)),
        result_sympy=to_sympy_syntax(result), shape=out_shape, layout=LAYOUT,
        steps=tuple(steps), checks=tuple(checks), wrt_space=_space(x.shape),
        wrt_symbol=Formula(to_text(x), to_latex(x)), notes=_notes(expr))


def _contains(e, test) -> bool:
    if test(e):
        return True
    for attr in ("arg", "base", "left", "right"):
        if hasattr(e, attr) and _contains(getattr(e, attr), test):
            return True
    for attr in ("factors", "terms"):
        if hasattr(e, attr) and any(_contains(f, test) for f in getattr(e, attr)):
            return True
    return False


def _notes(expr) -> tuple:
    """Remarks the solution must state: relu is not differentiable at 0 (we use relu′(0) = 0);
    ln det X needs det X > 0."""
    notes = []
    if _contains(expr, lambda a: isinstance(a, Func) and a.name == "relu"):
        notes.append("relu-at-zero")
    if _contains(expr, lambda a: isinstance(a, Det)):
        notes.append("det-cofactors")
    if _contains(expr, lambda a: isinstance(a, Inv)):
        notes.append("inverse-entries")
    return tuple(notes)


def _equation_latex(left, *sides) -> str:
    """left = a = b on one line, or aligned one side a line when that line would be long."""
    if sum(len(s) for s in sides) < 110:
        return left + "".join(" = " + s for s in sides)
    return r"\begin{aligned} " + left + " &= " + r" \\ &= ".join(sides) + r" \end{aligned}"


SUPER_LETTERS = str.maketrans("0123456789mnpkd", "⁰¹²³⁴⁵⁶⁷⁸⁹ᵐⁿᵖᵏᵈ")


def _space(dims) -> Formula:
    """ℝⁿ or ℝᵐˣⁿ."""
    r, c = dims
    text = r if c == "1" else f"{r}×{c}"
    sup = text.replace("×", "ˣ").translate(SUPER_LETTERS)
    plain = all(ch in "⁰¹²³⁴⁵⁶⁷⁸⁹ᵐⁿᵖᵏᵈˣ" for ch in sup)
    return Formula("ℝ" + (sup if plain else f"^({text})"),
                   r"\mathbb{R}^{" + text.replace("×", r"\times ") + "}")


def _check_collapsed(expr, x, collapsed, derivative, sizes, kind, has_row, comp) -> MatrixCheck:
    """The collapsed index formula, at concrete sizes and every (i, j), against SymPy."""
    names = {}
    f = instantiate(expr, sizes, names)
    xm = instantiate(x, sizes, names)
    i, j = sp.symbols("i j", integer=True)
    rows = f.rows
    for r in range(rows):
        for c in range(xm.rows if kind == "vector" else xm.rows):
            cols = range(1) if kind == "vector" else range(xm.cols)
            for cc in cols:
                if kind == "vector":
                    fixed = {j: c + 1}
                    if has_row:
                        fixed[i] = r + 1
                    want = sp.diff(f[r, 0], xm[c, 0])
                else:
                    fixed = {i: c + 1, j: cc + 1}
                    want = sp.diff(f[0, 0], xm[c, cc])
                got = _concrete_index(collapsed, sizes, names, fixed)
                if not _zero(got - want):
                    return MatrixCheck(False, f"the collapsed entry formula differs at {fixed} "
                                              f"({sizes})")
    return MatrixCheck(True, "the collapsed entry formula, every entry at " +
                       ", ".join(f"{k}={v}" for k, v in sizes.items()))

# ---------------------------------------------------------------- output


def to_json(solution: MatrixSolution) -> dict:
    return {
        "input": solution.input,
        "kind": "matrix",
        "wrt": solution.wrt,
        "result": solution.result_sympy,
        "result_text": solution.result_text.text,
        "result_latex": solution.result_text.latex,
        "layout": solution.layout,
        "shape": list(solution.shape),
        "verified": solution.verified,
        "notes": list(solution.notes),
        "checks": [{"passed": c.passed, "detail": c.detail} for c in solution.checks],
        "steps": [{"kind": s.kind, "text": [f.text for f in s.formulas],
                   "latex": [f.latex for f in s.formulas]} for s in solution.steps],
    }


@dataclass(frozen=True)
class MatrixDocument:
    text: str
    verified: bool
    solution: MatrixSolution


def matrix_document(text: str, wrt, shapes, *, fmt: str = "text", standalone: bool = False,
                    templates: Optional[str] = None) -> MatrixDocument:
    """The rendered derivation for the command line.  ``shapes`` are the ``--shape`` specs;
    ``wrt`` a name (or a one-element sequence of names)."""
    from .render import render_document

    if isinstance(wrt, (list, tuple)):
        if len(wrt) != 1:
            raise InputError("with --shape give exactly one --wrt (a vector or a matrix)")
        wrt = wrt[0]
    if not wrt:
        raise InputError("with --shape give the variable: --wrt NAME")
    if fmt not in ("text", "markdown", "latex", "json"):
        raise InputError(f"--format {fmt} does not go with --shape (text, markdown, latex, json)")
    if standalone and fmt != "latex":
        raise InputError("--standalone goes with --format latex")
    solution = solve_matrix(text, wrt, parse_shapes(shapes))
    if fmt == "json":
        out = json.dumps(to_json(solution), ensure_ascii=False, indent=2) + "\n"
    else:
        out = render_document("matrix.j2", fmt, standalone, templates, solution=solution)
    return MatrixDocument(out, solution.verified, solution)
