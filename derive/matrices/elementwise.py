"""The element-wise functions of matrix calculus, one record each: everything the matrix wing
knows of a function applied entry by entry (σ(Wx), exp(x), relu(Wx + b)) lives here.

A record says how the function is typed (its name and other spellings), its derivative as a
matrix expression (σ′ = σ ⊙ (𝟏 − σ) entry by entry), how it is written in text, LaTeX and
SymPy's matrix syntax, the SymPy function of the index form (one entry with explicit sums)
and its explicit SymPy counterpart for the entry-by-entry check, and the remark the solution
must make when it occurs.  The parser, the printers, the rules and the checks all look a
function up here (``function``, ``typed``, ``of_index_class``, ``functions``), never test its
name, so a new element-wise function is one record in ``ELEMENTWISE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import sympy as sp

from derive.matrices.expressions import Add, Func, Had, Neg, Num, Pow, Prod


# ---------------------------------------------------------------- SymPy functions of the index form

class sigmoid(sp.Function):
    """σ(t) = 1/(1 + e^(−t)), with σ′ = σ(1 − σ)."""

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, t, **kwargs):
        return 1 / (1 + sp.exp(-t))


class relu(sp.Function):
    """relu(t) = max(0, t); relu′(t) = 1[t > 0], with the subgradient 0 at t = 0."""

    def fdiff(self, argindex=1):
        return step(self.args[0])

    def _latex(self, printer, exp=None):
        return _index_latex(self, printer, exp)


class step(sp.Function):
    """1[t > 0]: 1 for t > 0, 0 for t ≤ 0."""

    def fdiff(self, argindex=1):
        return sp.Integer(0)

    def _latex(self, printer, exp=None):
        return _index_latex(self, printer, exp)


def _index_latex(e, printer, exp=None) -> str:
    """A function of the index form in LaTeX, as its record writes it (raised to ``exp``
    when SymPy prints it as the base of a power)."""
    written = of_index_class(type(e)).written(printer._print(e.args[0]), "latex")
    return written if exp is None else r"\left(" + written + r"\right)^{" + exp + "}"


def _relu_piecewise(t):
    return sp.Piecewise((t, t > 0), (0, True))


def _step_piecewise(t):
    return sp.Piecewise((1, t > 0), (0, True))


# ---------------------------------------------------------------- the records

@dataclass(frozen=True)
class Elementwise:
    """One function applied entry by entry.

    name         its name in ``Func`` records, and as typed (``sigmoid(Wx)``)
    text, latex  its name as written: σ, ``\\sigma``
    explicit     t ↦ the SymPy expression of f(t), for the check with explicit matrices
    index        the SymPy function of the index form (default ``explicit``)
    derivative   (f(u), 𝟏) ↦ f′(u) as a matrix expression, where 𝟏 is the ones vector of
                 u's length, or None when u is a scalar; None (or a rule that returns None)
                 writes f′(u)
    spellings    other names it is typed as (``ln`` for log); ``typed=False``: never typed,
                 only reached as a derivative (1[t > 0])
    form_text, form_latex   a notation other than name(argument), ``{}`` the argument
    sympy_syntax            its SymPy matrix syntax, ``{}`` the argument (default name(…))
    sympy_latex  how SymPy's LaTeX printer names ``index``, where that is not ``latex``
    note         the key of the remark the solution states when the function occurs
    """

    name: str
    text: str
    latex: str
    explicit: Callable
    index: Optional[Callable] = None
    derivative: Optional[Callable] = None
    spellings: tuple = ()
    typed: bool = True
    form_text: str = ""
    form_latex: str = ""
    sympy_syntax: str = ""
    sympy_latex: str = ""
    note: str = ""

    @property
    def index_function(self) -> Callable:
        return self.index or self.explicit

    def written(self, argument: str, fmt: str, prime: bool = False) -> str:
        """f(argument) in ``fmt`` (text or latex); f′(argument) when ``prime``."""
        latex = fmt == "latex"
        form = self.form_latex if latex else self.form_text
        if form:
            return form.format(argument)
        name = (self.latex if latex else self.text) + (("'" if latex else "′") if prime else "")
        return name + (r"\left(" + argument + r"\right)" if latex else f"({argument})")

    def in_sympy_syntax(self, argument: str, prime: bool = False) -> str:
        if self.sympy_syntax:
            return self.sympy_syntax.format(argument)
        return f"{self.name}{'_prime' if prime else ''}({argument})"


def _exp_derivative(f, ones):
    return f                                                    # exp′ = exp


def _sigmoid_derivative(f, ones):
    if ones is None:                                            # σ′ = σ(1 − σ)
        return Prod((f, Add((Num(1), Neg(f)))))
    return Had(f, Add((ones, Neg(f))))                          # σ(u) ⊙ (𝟏 − σ(u))


def _tanh_derivative(f, ones):
    if ones is None:                                            # tanh′ = 1 − tanh²
        return Add((Num(1), Neg(Pow(f, 2))))
    return Add((ones, Neg(Had(f, f))))                          # 𝟏 − tanh(u) ⊙ tanh(u)


def _log_derivative(f, ones):
    return Pow(f.arg, -1) if ones is None else None             # ln′(u) = u⁻¹


ELEMENTWISE: dict[str, Elementwise] = {r.name: r for r in (
    Elementwise("exp", "exp", r"\exp", sp.exp, derivative=_exp_derivative),
    Elementwise("log", "ln", r"\ln", sp.log, spellings=("ln",), derivative=_log_derivative,
                sympy_latex=r"\log"),
    Elementwise("sin", "sin", r"\sin", sp.sin,
                derivative=lambda f, ones: Func("cos", f.arg)),
    Elementwise("cos", "cos", r"\cos", sp.cos,
                derivative=lambda f, ones: Neg(Func("sin", f.arg))),
    Elementwise("tanh", "tanh", r"\tanh", sp.tanh, derivative=_tanh_derivative),
    Elementwise("sigmoid", "σ", r"\sigma", lambda t: 1 / (1 + sp.exp(-t)), index=sigmoid,
                derivative=_sigmoid_derivative, sympy_latex=r"\operatorname{sigmoid}"),
    # relu(t) = max(0, t) has no derivative at t = 0; there the subgradient 0 is used
    # (relu′(0) = 0, as the deep-learning libraries do), and the solution says so
    Elementwise("relu", "relu", r"\operatorname{relu}", _relu_piecewise, index=relu,
                derivative=lambda f, ones: Func("step", f.arg), note="relu-at-zero"),
    Elementwise("step", "1", r"\mathbf{1}", _step_piecewise, index=step, typed=False,
                form_text="1[{} > 0]", form_latex=r"\mathbf{{1}}\left[{} > 0\right]",
                sympy_syntax="Heaviside({}, 0)"),
)}


# ---------------------------------------------------------------- looking functions up

def functions() -> tuple:
    """Every element-wise function, in the table's order."""
    return tuple(ELEMENTWISE.values())


def function(name: str) -> Elementwise:
    """The record of the function ``Func(name, …)`` applies."""
    return ELEMENTWISE[name]


def typed(word: str) -> Optional[Elementwise]:
    """The function a word of the input names (``ln`` → log), or None."""
    for r in ELEMENTWISE.values():
        if r.typed and (word == r.name or word in r.spellings):
            return r
    return None


def of_index_class(cls) -> Optional[Elementwise]:
    """The record whose index-form SymPy function is ``cls`` (``sp.log`` → log), or None."""
    for r in ELEMENTWISE.values():
        if r.index_function is cls:
            return r
    return None


def derivative_of(f: Func, ones) -> object:
    """f′(u) for ``f`` = f(u), as a matrix expression: the record's rule, else f′(u) itself;
    ``ones`` the ones vector 𝟏 of u's length, None for a scalar u."""
    rule = function(f.name).derivative
    found = rule(f, ones) if rule else None
    return Func(f.name, f.arg, prime=True) if found is None else found
