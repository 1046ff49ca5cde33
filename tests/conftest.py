"""Shared helpers for derive's tests: the corpus table, trusted SymPy forms, and a check that
two expressions are the same real function (symbolically, else numerically at random points).
"""

from __future__ import annotations

import csv
import random
import re
import signal
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

CORPUS = Path(__file__).parent / "corpus" / "functions.tsv"

ABSTRACT_NAMES = ("f", "g", "h")
# names that keep their SymPy meaning when they are not called: pi, E, I, oo
SYMPY_CONSTANTS = {"pi", "E", "I", "oo"}

DIGITS = 30
RTOL = 1e-9
MIN_POINTS = 3          # points where both sides must be defined and agree
WANTED_POINTS = 6       # points looked for before stopping
TRIES = 200
SCALES = (1, 3, 10)     # mixed scales: asin lives on [-1, 1], acosh(2x) only beyond 1/2
SYMBOLIC_BUDGET = 4.0   # seconds for sympy.simplify before falling back to numbers


# --- the corpus ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    input: str
    sympy: str
    wrt: str
    family: str

    @property
    def abstract(self) -> bool:
        return self.family == "abstract"


def load_corpus(path: Path = CORPUS) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Row(r["input"], r["sympy"], r["wrt"], r["family"]) for r in reader]


# --- trusted SymPy forms ------------------------------------------------------------------

IDENTIFIER = re.compile(r"\b([A-Za-z_][A-Za-z_0-9]*)\b(\s*\()?")


def real_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def sympy_locals(text: str) -> dict:
    """The locals for ``sympify``: every name that is not called is a real symbol (even one
    SymPy knows, such as ``beta`` or ``S``), f, g, h called are abstract functions, and
    everything else called is SymPy's function of that name."""
    names = {}
    for name, call in IDENTIFIER.findall(text):
        if call and name in ABSTRACT_NAMES:
            names[name] = sp.Function(name)
        elif not call and name not in SYMPY_CONSTANTS:
            names[name] = real_symbol(name)
    return names


def from_sympy(text: str) -> sp.Expr:
    """Trusted test data written in SymPy's syntax, with real symbols."""
    return sp.sympify(text, locals=sympy_locals(text))


def normalize(expr: sp.Expr) -> sp.Expr:
    """The same expression with every symbol the real symbol of its name and every abstract
    function the plain ``Function`` of its name, so that derive's objects and the test's
    compare whatever assumptions either side attached."""
    expr = sp.sympify(expr)
    symbols = {s: real_symbol(s.name) for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    expr = expr.xreplace(symbols)
    functions = {f.func for f in expr.atoms(AppliedUndef)}
    for f in functions:
        expr = expr.replace(f, sp.Function(f.__name__))
    return expr


# --- deciding equality --------------------------------------------------------------------

class _OutOfTime(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def symbolically_zero(difference: sp.Expr, budget: float = SYMBOLIC_BUDGET) -> bool:
    """``simplify(difference) == 0``, giving up (False) after ``budget`` seconds."""
    if difference == 0:
        return True
    try:
        with time_limit(budget):
            return sp.simplify(difference) == 0
    except (_OutOfTime, RecursionError, TypeError, ValueError, NotImplementedError):
        return False


def stand_in(name: str, arity: int) -> sp.Lambda:
    """A fixed smooth function of ``arity`` arguments for the abstract function ``name``."""
    shift = {"f": 0, "g": 1, "h": 2}.get(name, 3)
    t = sp.symbols(f"t0:{arity}", cls=sp.Dummy)
    body = sum((sp.sin(ti + shift) + ti**2 / (shift + 3) + (i + 1) * ti / 5
                for i, ti in enumerate(t)), sp.Integer(2))
    return sp.Lambda(t, body + (sp.Mul(*t) / 7 if arity > 1 else 0))


def _by_symbols(d: sp.Derivative) -> sp.Expr:
    """∂f(g(x))/∂g(x) as f′ at g(x): Subs(Derivative(f(ξ), ξ), ξ, g(x))."""
    expr, variables, slots, values = d.expr, [], [], []
    for v, n in d.variable_count:
        if not v.is_Symbol:
            slot = sp.Dummy("xi")
            expr = expr.xreplace({v: slot})
            slots.append(slot)
            values.append(v)
            v = slot
        variables.append((v, n))
    inner = sp.Derivative(expr, *variables)
    return sp.Subs(inner, tuple(slots), tuple(values)) if slots else inner


def concrete(expr: sp.Expr) -> sp.Expr:
    """Abstract functions f, g, h replaced by fixed smooth functions, derivatives done.
    (A derivative by an expression, SymPy's ∂f(g(x))/∂g(x), is first written as f′ at
    g(x), which survives putting a concrete g in.)"""
    undefined = {(f.func, len(f.args)) for f in expr.atoms(AppliedUndef)}
    if not undefined:
        return expr
    expr = expr.replace(lambda d: isinstance(d, sp.Derivative)
                        and any(not v.is_Symbol for v, _ in d.variable_count), _by_symbols)
    for func, arity in undefined:
        expr = expr.replace(func, stand_in(func.__name__, arity))
    return expr.doit()


def _evaluate(expr: sp.Expr, point: dict, digits: int):
    try:
        v = sp.N(expr.xreplace(point), digits)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    re_part, im_part = v.as_real_imag()
    if not re_part.is_Number or not im_part.is_Number:
        return None
    return re_part, im_part


def real_value(expr: sp.Expr, point: dict):
    """``expr`` at ``point`` as a real Float, or None where undefined, not real, or too
    ill-conditioned to evaluate (tan of 10³⁴ needs more than 30 digits: the value is trusted
    only when 30 and 60 digits agree)."""
    coarse, fine = _evaluate(expr, point, DIGITS), _evaluate(expr, point, 2 * DIGITS)
    if coarse is None or fine is None:
        return None
    (re_c, im_c), (re_f, im_f) = coarse, fine
    if abs(re_c - re_f) > 1e-20 * (1 + abs(re_f)) or abs(im_c - im_f) > 1e-20 * (1 + abs(re_f)):
        return None
    if abs(im_f) > 1e-20 * (1 + abs(re_f)):
        return None
    return re_f


def parts(expr: sp.Expr) -> list[sp.Expr]:
    """The subexpressions that vary, the whole included."""
    seen = []
    for sub in sp.preorder_traversal(expr):
        if not sub.is_Atom and sub.free_symbols and sub not in seen:
            seen.append(sub)
    return seen or [expr]


def defined_at(expr: sp.Expr, point: dict, pieces=None) -> bool:
    """Whether ``expr`` is defined at ``point`` in real calculus: every part of it is real
    there (|x·√(−x)| is real for x > 0, but √(−x) is not: no point of its domain)."""
    return all(real_value(p, point) is not None for p in (pieces or parts(expr)))


def random_points(symbols, seed: int):
    rng = random.Random(seed)
    for _ in range(TRIES):
        yield {s: sp.Rational(rng.randint(-1000, 1000) * rng.choice(SCALES), 1000)
               for s in symbols}


@dataclass
class Comparison:
    agreed: int
    mismatch: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatch and self.agreed >= MIN_POINTS


def compare_numerically(actual: sp.Expr, expected: sp.Expr, domain: sp.Expr | None = None,
                        seed: int = 0) -> Comparison:
    """Evaluate both at random real points where ``expected`` is real and finite and
    ``domain`` (the function a derivative is taken of) is defined, every part of it real.
    At such a point ``actual`` must be real and agree; points where ``actual`` is undefined
    (0/0 at a removable point) are skipped."""
    actual, expected = concrete(normalize(actual)), concrete(normalize(expected))
    domain = concrete(normalize(domain)) if domain is not None else None
    pieces = parts(domain) if domain is not None else None
    symbols = sorted(actual.free_symbols | expected.free_symbols
                     | (domain.free_symbols if domain is not None else set()), key=str)
    agreed = 0
    for point in random_points(symbols, seed):
        if domain is not None and not defined_at(domain, point, pieces):
            continue
        want = real_value(expected, point)
        if want is None:
            continue
        raw = _evaluate(actual, point, 2 * DIGITS)
        if raw is None:  # undefined here (a removable 0/0): no verdict at this point
            continue
        got = real_value(actual, point)
        where = ", ".join(f"{s}={v}" for s, v in point.items())
        if got is None and abs(raw[1]) > 1e-20 * (1 + abs(raw[0])):
            return Comparison(agreed, f"at {where}: expected {want}, got non-real "
                                      f"{raw[0]} + {raw[1]}*I")
        if got is None:  # too ill-conditioned to tell
            continue
        if abs(got - want) > RTOL * (1 + abs(want)):
            return Comparison(agreed, f"at {where}: expected {want}, got {got}")
        agreed += 1
        if agreed >= WANTED_POINTS:
            break
    if not symbols:  # two numbers: agreeing once is agreeing
        return Comparison(MIN_POINTS if agreed else 0,
                          "" if agreed else f"{actual} vs {expected}")
    return Comparison(agreed)


def seed_of(label: str) -> int:
    return zlib.crc32(label.encode("utf-8"))


def same_function(actual: sp.Expr, expected: sp.Expr, domain: sp.Expr | None = None,
                  label: str = "") -> tuple[bool, str]:
    """Whether two expressions are the same real function: symbolically when SymPy can tell
    (``simplify(a - b) == 0``), otherwise numerically at random points of the domain."""
    a, b = normalize(actual), normalize(expected)
    if symbolically_zero(a - b):
        return True, "symbolic"
    result = compare_numerically(a, b, domain, seed=seed_of(label))
    if result.ok:
        return True, f"numeric at {result.agreed} points"
    if result.mismatch:
        return False, f"{actual} != {expected}: {result.mismatch}"
    return False, (f"undecided: only {result.agreed} points where both {actual} and "
                   f"{expected} are defined")


def assert_same_function(actual, expected, domain=None, label=""):
    ok, how = same_function(actual, expected, domain, label)
    assert ok, how


# --- derive, cached (each solution is worked once per test session) ---------------------

@lru_cache(maxsize=None)
def solved(text: str, wrt: str | None = None, style: str = "graph", order: int = 1):
    from derive import differentiate
    return differentiate(text, wrt, style=style, order=order)


def walk(steps):
    for step in steps:
        yield from step.walk()


def pdflatex_path() -> str:
    """The pdflatex program; a missing one fails on CI (.ci/run installs TeX Live) and
    skips elsewhere."""
    import os
    import shutil

    import pytest
    found = shutil.which("pdflatex")
    if found is None and os.environ.get("CI"):
        pytest.fail("pdflatex is missing: .ci/run installs TeX Live")
    if found is None:
        pytest.skip("pdflatex is not installed here (CI installs it)")
    return found


def assert_compiles(tex: str, folder, name: str, what: str = "") -> None:
    """``tex`` written to ``folder/name.tex`` compiles with pdflatex (the log's end shown
    when it does not)."""
    import subprocess
    source = folder / f"{name}.tex"
    source.write_text(tex, encoding="utf-8")
    done = subprocess.run([pdflatex_path(), "-interaction=nonstopmode", "-halt-on-error",
                           source.name], cwd=folder, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{what or name}:\n{done.stdout[-2000:]}"
