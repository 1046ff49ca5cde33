"""What is shown is what was checked: every formula a solution prints is read back with
derive's own parser and compared with the expression it was printed from.

``read_back(printed, expr, fmt)`` parses ``printed`` (Unicode text, or LaTeX when ``fmt`` is
``"latex"``) with :func:`derive.read.parsing.parse` in its ``printed`` dialect – the one that
also reads derive's own output: ``u₁``, ``eˣ``, ``\\mathit{rate}``, ``d/dx[…]``, SymPy's
``Abs`` and ``E`` – and compares the result with ``expr`` as a function:

1. structurally, once the variables of the reading are matched by name with those of
   ``expr`` (cheap: most formulas are printed from the tree they read back as);
2. after ``.doit()`` on both (SymPy's automatic evaluation: ``2x/(x² + 1)`` read back is an
   unevaluated quotient, the expression an evaluated product);
3. numerically at a few real points with :func:`derive.core.numeric.value_at` (never
   ``sympy.simplify``, which is far too slow for every line).

A formula that cannot be read, or reads back as something else, raises
:class:`~derive.errors.VerificationError` (exit code 3) with a one-line message naming it.
:func:`read_back_leibniz` does the same for a derivative symbol (``df/dx``, ``∂²f/∂y∂x``,
``\\frac{d f}{d x}``): the symbol read back must name the same function, variables and order.
A formula that is a whole derivative label, ``f″(x)``, ``f⁽⁴⁾(x)``, ``f^{(4)}\\left(x\\right)``,
printed for the derivative of a function of one variable, is read as a label: its name, its
number of primes (or its order) and its variable must be those of the derivative.

Results are cached per (format, printed text, expression): a solution prints the same
expression many times (the function, each "so …" line, the JSON of each step).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Optional

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.core.numeric import value_at
from derive.errors import VerificationError
from derive.read.parsing import MAX_LENGTH, ParseError, parse

__all__ = ["read_back", "read_back_leibniz", "read_back_matrix", "checking", "reading"]

# what the parser does not read: the evaluation bar of a derivative at a point, which derive
# prints only for a partial derivative of an abstract function of several arguments (an
# evaluation trace, whose lines its own checks verify, is laid out without the read-back)
# ((∂/∂ξ₁ f(ξ₀, ξ₁))|_(ξ₀ = x, ξ₁ = x²), \left. … \right\vert_{…})
_UNREAD = re.compile(r"\|_\(|\\right\\vert_\{")

# the real points tried, per variable a different sequence so that x - y is not 0 everywhere
_POINTS = ("0.37", "1.61", "-0.53", "2.93", "0.81", "-1.87", "4.3", "1.13")
_MAX_DEPTH = 1000
_AGREEMENTS = 2          # points where both sides are defined and agree
_TOLERANCE = mpmath.mpf(10) ** -12

# On for everything the command line prints (``derive.cli.main.run`` turns it on) and in the
# tests, which read back the whole corpus; off by default for the Python interface, where a
# batch of solutions (a sheet made in Python, the benchmark) would pay about a quarter more
# time per solution for it — reading a formula back costs about as long as printing it.
# Tests that render deliberately broken printers collect instead of raising:
# ``reading(found)``.
_state = {"on": False, "found": None}


@contextmanager
def checking(on: bool):
    """Run with the read-back on or off (off by default; the command line turns it on)."""
    before = _state["on"]
    _state["on"] = on
    try:
        yield
    finally:
        _state["on"] = before


@contextmanager
def reading(found: list):
    """Read back everything rendered inside, collecting the mismatches in ``found`` (message
    strings) instead of raising."""
    before = dict(_state)
    _state.update(on=True, found=found)
    try:
        yield found
    finally:
        _state.update(before)


def _fail(message: str) -> None:
    if _state["found"] is not None:
        _state["found"].append(message)
        return
    raise VerificationError(message)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ------------------------------------------------------------------------------------------
# Expressions
# ------------------------------------------------------------------------------------------
def read_back(printed: str, expr, fmt: str) -> str:
    """Check that ``printed`` (the text or LaTeX of ``expr``) reads back as ``expr``; return
    ``printed``.  ``fmt`` is ``"text"`` or ``"latex"``."""
    if not _state["on"] or not isinstance(expr, sp.Basic) or _UNREAD.search(printed):
        return printed
    problem = _problem(printed, expr, fmt)
    if problem:
        _fail(problem)
    return printed


@lru_cache(maxsize=4096)
def _problem(printed: str, expr: sp.Basic, fmt: str) -> Optional[str]:
    """Why ``printed`` is not ``expr`` (a one-line message), or None."""
    label = _prime_label(printed, fmt)
    if label is not None and _prime_derivative(expr) is not None:
        return _label_problem(printed, label, _prime_derivative(expr))
    names = frozenset(s.name for s in expr.free_symbols if isinstance(s, sp.Symbol))
    try:
        # derive's own output may be longer and deeper than what a user may type
        read = parse(printed, printed=True, names=names,
                     max_length=max(MAX_LENGTH, len(printed)), max_depth=_MAX_DEPTH)
    except ParseError as err:
        return (f"read-back: the printed formula '{_short(printed)}' cannot be read back "
                f"({err})")
    if not same_function(read, expr):
        return (f"read-back: the printed formula '{_short(printed)}' is not the expression "
                f"that was checked")
    return None


# ------------------------------------------------------------------------------------------
# Derivative labels f′(x), f″(x), f⁽⁴⁾(x)
# ------------------------------------------------------------------------------------------
# A derivative of a function of one variable is labelled with primes: f′(x), f″(x), f‴(x),
# f⁽⁴⁾(x); in LaTeX f'(x), f''\left(x\right), f^{(4)}\left(x\right) or f^{\prime\prime}(x).
# The parser reads some of these (f″(x)) but not all (f⁽⁴⁾(x); f^{(4)} would read as a power),
# so a formula that is one such label, printed for such a derivative, is read as a label:
# its name, order and variable must be those of the derivative.
_TEXT_LABEL = re.compile(r"^(?P<name>[^\s()′″‴'⁽]+)(?:(?P<marks>[′″‴']+)|⁽(?P<n>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾)"
                         r"\((?P<arg>[^()]+)\)$")
_LATEX_LABEL = re.compile(r"^(?P<name>(?:\\mathit\{[A-Za-z]+\}|\\?[A-Za-z]+)(?:_\{[^{}()]+\})?)"
                          r"(?:(?P<marks>'+)|\^\{\((?P<n>\d+)\)\}"
                          r"|\^\{(?P<primes>(?:\\prime\s*)+)\})"
                          r"(?:\\left\((?P<arg>[^()]+)\\right\)|\((?P<arg2>[^()]+)\))$")
_MARKS = {"′": 1, "″": 2, "‴": 3, "'": 1}
_ALL_SUPER_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _prime_label(printed: str, fmt: str):
    """(name, order, variable) of a printed label f″(x), or None when ``printed`` is not one."""
    found = (_LATEX_LABEL if fmt == "latex" else _TEXT_LABEL).match(printed.strip())
    if not found:
        return None
    if found["marks"]:
        order = sum(_MARKS[c] for c in found["marks"])
    elif found["n"]:
        order = int(found["n"].translate(_ALL_SUPER_DIGITS))
    else:
        order = found["primes"].count("\\prime")
    argument = found["arg"] if found["arg"] is not None else found.groupdict().get("arg2")
    return found["name"], order, argument


def _prime_derivative(expr):
    """(function name, order, variable) when ``expr`` is the derivative of an undefined
    function of one variable by that variable, f⁽ⁿ⁾(x); else None."""
    if not isinstance(expr, sp.Derivative):
        return None
    inner = expr.expr
    if not (isinstance(inner, AppliedUndef) and len(inner.args) == 1
            and isinstance(inner.args[0], sp.Symbol)):
        return None
    variable = inner.args[0]
    if any(v != variable for v in expr.variables):
        return None
    return inner.func.__name__, len(expr.variables), variable.name


def _label_problem(printed: str, label, derivative) -> Optional[str]:
    """Why the printed label does not name ``derivative`` (a one-line message), or None."""
    name, order, argument = label
    wanted_name, wanted_order, wanted_variable = derivative
    read_name, read_variable = _symbol_name(name), _symbol_name(argument)
    if read_name is None or read_variable is None:
        return f"read-back: the printed label '{_short(printed)}' cannot be read back"
    if (_plain(read_name), order, _plain(read_variable)) != (
            _plain(wanted_name), wanted_order, _plain(wanted_variable)):
        return (f"read-back: the printed label '{_short(printed)}' does not name the "
                f"derivative that was checked")
    return None


def _plain(name: str) -> str:
    """A name as printing shows it: ``x1`` and ``x_1`` are both x₁."""
    return name.replace("_", "")


def _by_name(read: sp.Basic, expr: sp.Basic) -> sp.Basic:
    """``read`` with its variables replaced by the variables of ``expr`` of the same name."""
    mine = {_plain(s.name): s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    swap = {s: mine[_plain(s.name)] for s in read.free_symbols
            if isinstance(s, sp.Symbol) and _plain(s.name) in mine
            and mine[_plain(s.name)] != s}
    return read.xreplace(swap) if swap else read


def same_function(read: sp.Basic, expr: sp.Basic) -> bool:
    """Whether ``read`` and ``expr`` are the same function: structurally, after ``doit``,
    else numerically at a few real points."""
    read = _by_name(read, expr)
    if read == expr:
        return True
    try:
        evaluated_read, evaluated = _evaluated(read), _evaluated(expr)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        evaluated_read, evaluated = read, expr
    if evaluated_read == evaluated:
        return True
    difference = _numeric_verdict(evaluated_read, evaluated)
    return difference


def _evaluated(e: sp.Basic) -> sp.Basic:
    return e.doit() if isinstance(e, sp.Basic) else e


def _concrete(e: sp.Basic) -> sp.Basic:
    """Abstract functions f(…), g(…) replaced by concrete ones, so that both sides can be
    evaluated (the same replacement on both sides keeps equal things equal)."""
    functions = {applied.func: len(applied.args) for applied in e.atoms(AppliedUndef)}
    if not functions:
        return e
    for function, arity in functions.items():
        slots = sp.symbols(f"t0:{arity}", real=True)
        shift = sp.Rational(sum(map(ord, function.__name__)) % 13 + 2, 7)
        body = sp.Add(*[sp.sin(t + shift) * (j + 1) for j, t in enumerate(slots)]) + \
            sp.exp(sp.Add(*slots) * sp.Rational(1, 3))
        e = e.replace(function, sp.Lambda(slots, body))
    return e.doit()


def _numeric_verdict(a: sp.Basic, b: sp.Basic) -> bool:
    """True unless a point is found where both are defined and differ; needs agreement at
    ``_AGREEMENTS`` points (fewer when the domain is small)."""
    if isinstance(a, sp.core.relational.Relational):
        if not (isinstance(b, sp.core.relational.Relational) and a.rel_op == b.rel_op):
            return False
        a, b = a.lhs - a.rhs, b.lhs - b.rhs
    if not (isinstance(a, sp.Expr) and isinstance(b, sp.Expr)):
        return False
    a, b = _concrete(a), _concrete(b)
    if a.atoms(AppliedUndef, sp.Derivative, sp.Subs) or b.atoms(AppliedUndef, sp.Derivative,
                                                                   sp.Subs):
        return False
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    agreed = 0
    for i in range(len(_POINTS)):
        point = {s: sp.Rational(_POINTS[(i + 3 * k) % len(_POINTS)]) + sp.Rational(k, 11)
                 for k, s in enumerate(symbols)}
        u, v = value_at(a, point), value_at(b, point)
        if u is None or v is None:
            continue
        if abs(u - v) > _TOLERANCE * (1 + abs(u) + abs(v)):
            return False
        agreed += 1
        if agreed >= _AGREEMENTS:
            return True
    return agreed > 0 or not symbols and value_at(a, {}) is None and value_at(b, {}) is None


# ------------------------------------------------------------------------------------------
# Derivative symbols
# ------------------------------------------------------------------------------------------
_TEXT_LEIBNIZ = re.compile(r"^(?P<d>[d∂])(?P<n>[²³⁴⁵⁶⁷⁸⁹]?)\s*(?P<of>[^/]*)/(?P<den>.+)$")
_LATEX_LEIBNIZ = re.compile(
    r"^\\frac\{(?P<d>d|\\partial)(?:\^\{(?P<n>\d+)\})?\s*(?P<of>.*?)\}\{(?P<den>.*)\}$")
_SUPER_DIGITS = str.maketrans("²³⁴⁵⁶⁷⁸⁹", "23456789")


def _symbol_name(text: str) -> Optional[str]:
    text = text.strip()
    primes = len(text) - len(text.rstrip("′'"))
    if primes:  # y′, y″ as the textbook style names the derivatives of y
        base = _symbol_name(text[:-primes])
        return base and base + "′" * primes
    try:
        read = parse(text, printed=True)
    except ParseError:
        return None
    if isinstance(read, sp.Symbol):
        return read.name
    return None


def _leibniz_parts(printed: str, fmt: str):
    """(partial, order, of-name or None, [wrt names in the order written]) or None."""
    text = printed.strip()
    if fmt == "latex":
        found = _LATEX_LEIBNIZ.match(text)
        if not found:
            return None
        partial = found["d"] != "d"
        order = int(found["n"] or 1)
        den = found["den"]
        mark = r"\\partial" if partial else r"d"
        pieces = [p for p in re.split(r"(?:^|\s)" + mark + r"(?=\s|[A-Za-z\\])", den) if p.strip()]
        wrt = []
        for piece in pieces:
            piece = piece.strip()
            power = re.fullmatch(r"(.*?)\^\{(\d+)\}", piece)
            count = 1
            if power:
                piece, count = power[1], int(power[2])
            wrt += [piece] * count
    else:
        found = _TEXT_LEIBNIZ.match(text)
        if not found:
            return None
        partial = found["d"] == "∂"
        order = int(found["n"].translate(_SUPER_DIGITS) or 1)
        den = found["den"]
        mark = "∂" if partial else "d"
        if not den.startswith(mark):
            return None
        wrt = []
        for piece in den[1:].split(mark):
            power = re.fullmatch(r"(.*?)([²³⁴⁵⁶⁷⁸⁹]*)", piece.strip())
            count = int(power[2].translate(_SUPER_DIGITS) or 1)
            wrt += [power[1]] * count
    of = found["of"].strip() or None
    return partial, order, of, wrt


def read_back_leibniz(printed: str, of, wrt, partial: bool, order: int, fmt: str) -> str:
    """Check that the derivative symbol ``printed`` names d^order(of)/d(wrt)^order (∂ when
    ``partial``); ``wrt`` is one variable or a sequence of variables (a mixed partial, in
    the order they were taken).  Returns ``printed``."""
    if not _state["on"]:
        return printed
    if isinstance(wrt, (list, tuple)):
        wanted = tuple(_text_name(v) for v in wrt)
    else:
        wanted = (_text_name(wrt),) * int(order)
    problem = _leibniz_problem(printed, _text_name(of) if of is not None else None,
                               wanted, bool(partial), fmt)
    if problem:
        _fail(problem)
    return printed


def _text_name(thing) -> Optional[str]:
    if thing is None:
        return None
    if isinstance(thing, AppliedUndef):
        return thing.func.__name__
    if isinstance(thing, sp.core.function.UndefinedFunction):
        return thing.__name__
    if isinstance(thing, sp.Symbol):
        return thing.name
    return str(thing)


@lru_cache(maxsize=4096)
def _leibniz_problem(printed: str, of: Optional[str], wrt: tuple, partial: bool,
                     fmt: str) -> Optional[str]:
    parts = _leibniz_parts(printed, fmt)
    where = f"the printed derivative symbol '{_short(printed)}'"
    if parts is None:
        return f"read-back: {where} cannot be read back"
    read_partial, order, read_of, read_wrt = parts
    names = [_symbol_name(w) for w in read_wrt]
    read_of_name = _symbol_name(read_of) if read_of is not None else None
    if None in names or (read_of is not None and read_of_name is None):
        return f"read-back: {where} cannot be read back"
    # the variables are written in the order of application reversed: ∂²f/∂y∂x
    written_order = tuple(_plain(n) for n in reversed(names))   # x₁ reads back as x_1
    if (read_partial != partial or order != len(wrt)
            or (read_of_name and _plain(read_of_name)) != (of and _plain(of))
            or written_order != tuple(_plain(w) for w in wrt)):
        return f"read-back: {where} does not name the derivative that was checked"
    return None


# ------------------------------------------------------------------------------------------
# Matrices
# ------------------------------------------------------------------------------------------
def read_back_matrix(printed: str, matrix, fmt: str, entry_printer) -> str:
    """A matrix is checked entry by entry: each entry's printing (``entry_printer``) reads
    back as the entry.  Returns ``printed``."""
    if not _state["on"]:
        return printed
    rows: Iterable = matrix.tolist() if hasattr(matrix, "tolist") else matrix
    for row in rows:
        for entry in (row if isinstance(row, (list, tuple)) else [row]):
            if isinstance(entry, sp.Basic):
                read_back(entry_printer(entry), entry, fmt)
    return printed
