"""Reading matrix expressions (``x^T A x``, ``tr(A X B)``, ``sigmoid(W x + b)``) and shape
declarations (``A=m,n``) with a small recursive-descent parser of our own: the text is never
evaluated."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from derive.errors import InputError
from derive.matrices.elementwise import typed
from derive.matrices.expressions import (Add, Det, Func, HDiv, Had, Inv, Neg, Norm2, Num, Pow, Prod,
                                       Softmax, T, Tr, Var, number, ones, product_of)
from derive.matrices.shapes import shape

# the names written f(…) besides the element-wise functions (``derive.matrices.elementwise``)
OPERATORS = ("tr", "sum", "max", "softmax", "det", "inv")


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
                factors = [T(product_of(factors)), right]
            elif value in (".*", "⊙", "./", "⊘"):
                self.take()
                node = Had if value in (".*", "⊙") else HDiv
                factors = [node(product_of(factors), self.unary())]
            elif value == "/":
                self.take()
                kind, digits, col = self.take()
                if kind != "num" or int(digits) == 0:
                    raise InputError(f"expected a nonzero whole number after / at column "
                                     f"{col + 1} of {self.text!r} (write u ./ v to divide "
                                     "entry by entry)")
                left = product_of(factors)
                if isinstance(left, Num):
                    factors = [Num(number(sp.Rational(left.value, int(digits))))]
                else:
                    factors = [Num(sp.Rational(1, int(digits))), left]
            elif value == "*":
                self.take()
                factors.append(self.unary())
            elif self.starts_atom():
                factors.append(self.unary())
            else:
                break
        return product_of(factors)

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
            elementwise = typed(value)
            if (elementwise or value in OPERATORS) and self.peek()[1] == "(":
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
                if elementwise:
                    return Func(elementwise.name, arg)
                if value == "sum":
                    return Prod((T(ones(shape(arg)[0])), arg))
                return {"softmax": Softmax, "det": Det, "inv": Inv, "tr": Tr}[value](arg)
            if elementwise or value in OPERATORS:
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
