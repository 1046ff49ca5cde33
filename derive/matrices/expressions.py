"""The expressions of matrix calculus: plain, immutable records, one per operation.

Vectors and matrices are ``Var`` with their shape (rows, cols) as strings of dimensions
(``("n", "1")`` a column vector in ℝⁿ, ``("m", "n")`` an m×n matrix, ``("1", "1")`` a
scalar); ``derive.matrices.solution`` works with them (shapes, derivatives, the index method) and
``derive.matrices.notation`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

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


def ones(dim: str) -> Var:
    """The vector 𝟏 of ones in ℝ^dim."""
    return Var("𝟏", (dim, "1"))


def product_of(factors):
    """The product of the factors (the one factor itself when there is one)."""
    return factors[0] if len(factors) == 1 else Prod(tuple(factors))


def number(value):
    """An int when whole, else the exact fraction."""
    value = sp.Rational(value)
    return int(value) if value.q == 1 else value
