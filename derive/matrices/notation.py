"""Writing matrix expressions: bold vectors, ᵀ, ⊙, ‖·‖² in text and LaTeX, SymPy's matrix
syntax for JSON, one entry with explicit sums (Σₖ aₖxₖ, δₖⱼ) for the index method, and the
lines of a derivation (``formula_text``/``formula_latex``) from their sides as data."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.printing.str import StrPrinter

from derive.matrices.elementwise import function, functions, of_index_class
from derive.matrices.expressions import (Add, Det, Diag, Func, HDiv, Had, Identity, Inv, Neg, Norm2,
                                       Num, Pow, Prod, Softmax, T, Tr, Var, Zero)

SUBSCRIPT = str.maketrans("0123456789+-()ijklmnprst", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₗₘₙₚᵣₛₜ")
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

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


# operators written as a name applied to one argument: tr(A), det(X) / Trace(A), Determinant(X)
OPERATORS = {Softmax: "softmax", Det: "det", Tr: "tr", Diag: "diag"}
SYMPY_OPERATORS = {Softmax: "softmax", Det: "Determinant", Inv: "Inverse", Tr: "Trace",
                   Diag: "diag"}


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
    if type(e) in OPERATORS:
        name = OPERATORS[type(e)]
        if latex:
            return rf"\operatorname{{{name}}}\left(" + _show(e.arg, fmt) + r"\right)"
        return f"{name}({_show(e.arg, fmt)})"
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
            named = isinstance(f, (Det, Softmax, Tr)) or (isinstance(f, Func) and
                                                          len(function(f.name).text) > 1)
            named = named and p[:1].isalpha()
            out += (" " if named and (out[-1:].isalnum() or out[-1:] == ")") else "") + p
        return out
    if isinstance(e, Norm2):
        inner = _show(e.arg, fmt)
        return (r"\lVert " + inner + r" \rVert^{2}") if latex else f"‖{inner}‖²"
    if isinstance(e, Func):
        return function(e.name).written(_show(e.arg, fmt), fmt, e.prime)
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
    if type(e) in SYMPY_OPERATORS:
        return f"{SYMPY_OPERATORS[type(e)]}({to_sympy_syntax(e.arg)})"
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
    if isinstance(e, Func):
        return function(e.name).in_sympy_syntax(to_sympy_syntax(e.arg), e.prime)
    raise TypeError(e)


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

    def _print_Function(self, e):
        found = of_index_class(type(e))
        if found is None:
            return f"{type(e).__name__}({self._print(e.args[0])})"
        return found.written(self._print(e.args[0]), "text")

    def _print_Derivative(self, e):
        return self._print(e.expr.func(sp.Symbol("·"))).replace("(·)", "′") + \
            f"({self._print(e.expr.args[0])})"

    def _print_Subs(self, e):
        inner = e.expr
        if isinstance(inner, sp.Derivative):
            found = of_index_class(type(inner.expr))
            name = found.text if found else type(inner.expr).__name__
            return f"{name}′({self._print(e.point[0])})"
        return super()._print_Subs(e)

    def _print_exp(self, e):
        return f"exp({self._print(e.args[0])})"


def index_text(e) -> str:
    return IndexPrinter().doprint(e)


def index_latex(e) -> str:
    s = sp.latex(e, fold_short_frac=False)
    s = re.sub(r"\{(\S)\}_\{", r"\1_{", s)
    for f in functions():       # SymPy's name of a function, where it is not ours (\log → \ln)
        if f.sympy_latex and f.sympy_latex != f.latex:
            s = s.replace(f.sympy_latex, f.latex)
    s = s.replace(r"\mathtt{\text{𝟏}}", "1")
    s = s.replace("𝟏", "1")
    return s


# ---------------------------------------------------------------- lines of a derivation

@dataclass(frozen=True)
class Label:
    """A side of a formula that names a quantity rather than computing it:

    * ``function`` (has_row): f, or fᵢ for the i-th entry of a vector function;
    * ``entry`` (expression): the i-th entry of an expression, (aᵀx)ᵢ;
    * ``partial`` (has_row, component): ∂f/∂xⱼ, ∂fᵢ/∂Xᵢⱼ;
    * ``derivative`` (x): the derivative by the vector or matrix x, df/dx;
    * ``arranged`` (x, row, col): one entry of that derivative, (df/dX)ⱼᵢ;
    * ``shape`` (rows, cols): m×n;  ``space`` (rows, cols): ℝⁿ, ℝᵐˣⁿ.
    """

    kind: str
    args: tuple


MATRIX_RECORDS = (Var, Num, Identity, Zero, T, Prod, Add, Neg, Norm2, Tr, Pow, Func, Diag, Had,
                  HDiv, Softmax, Det, Inv)
SUPER_LETTERS = str.maketrans("0123456789mnpkd", "⁰¹²³⁴⁵⁶⁷⁸⁹ᵐⁿᵖᵏᵈ")
LONG_LATEX = 110  # characters of the right-hand sides beyond which a chain is aligned


def formula_text(sides) -> str:
    """left = right = …, one line of text."""
    return " = ".join(_side(s, "text") for s in sides)


def formula_latex(sides) -> str:
    """left = right = … in LaTeX; a chain of three or more sides whose right-hand sides are
    long is aligned, one side a line."""
    parts = [_side(s, "latex") for s in sides]
    if len(parts) < 3 or sum(len(p) for p in parts[1:]) < LONG_LATEX:
        return " = ".join(parts)
    return r"\begin{aligned} " + parts[0] + " &= " + r" \\ &= ".join(parts[1:]) + \
        r" \end{aligned}"


def _side(side, fmt) -> str:
    latex = fmt == "latex"
    if isinstance(side, Label):
        return _label(side, latex)
    if isinstance(side, MATRIX_RECORDS):
        return to_latex(side) if latex else to_text(side)
    return index_latex(side) if latex else index_text(side)


def _label(label: Label, latex: bool) -> str:
    kind, args = label.kind, label.args
    if kind == "function":
        return ("f_{i}" if latex else "fᵢ") if args[0] else "f"
    if kind == "entry":
        return (r"\left(" + to_latex(args[0]) + r"\right)_{i}" if latex
                else f"({to_text(args[0])})ᵢ")
    if kind == "partial":
        f = _label(Label("function", args[:1]), latex)
        return (r"\frac{\partial " + f + r"}{\partial " + index_latex(args[1]) + "}" if latex
                else f"∂{f}/∂{index_text(args[1])}")
    if kind == "derivative":
        return (r"\frac{\partial f}{\partial " + to_latex(args[0]) + "}" if latex
                else f"df/d{args[0].name}")
    if kind == "arranged":
        whole = _label(Label("derivative", args[:1]), latex)
        return (r"\left(" + whole + r"\right)_{" + ",".join(args[1:]) + "}" if latex
                else f"({whole})" + "".join(args[1:]).translate(SUBSCRIPT))
    if kind == "shape":
        return f"{args[0]}\\times {args[1]}" if latex else f"{args[0]}×{args[1]}"
    if kind == "space":
        return _space(*args, latex)
    raise ValueError(kind)


def _space(rows, cols, latex) -> str:
    """ℝ, ℝⁿ or ℝᵐˣⁿ (ℝ^(…) where a dimension has no superscript letter)."""
    if (rows, cols) == ("1", "1"):
        return r"\mathbb{R}" if latex else "ℝ"
    text = rows if cols == "1" else f"{rows}×{cols}"
    if latex:
        return r"\mathbb{R}^{" + text.replace("×", r"\times ") + "}"
    sup = text.replace("×", "ˣ").translate(SUPER_LETTERS)
    plain = all(ch in "⁰¹²³⁴⁵⁶⁷⁸⁹ᵐⁿᵖᵏᵈˣ" for ch in sup)
    return "ℝ" + (sup if plain else f"^({text})")
