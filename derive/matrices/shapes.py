"""The shape of a matrix expression, (rows, cols), found from the shapes of its names; an
expression whose shapes do not fit (adding a vector to a matrix) is an input error."""

from __future__ import annotations

from derive.errors import InputError
from derive.matrices.expressions import (Add, Det, Diag, Func, HDiv, Had, Identity, Inv, Neg, Norm2,
                                       Num, Pow, Prod, Softmax, T, Tr, Var, Zero, product_of)
from derive.matrices.notation import to_text


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
                raise InputError(f"cannot multiply {to_text(product_of(e.factors[:k]))}"
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
