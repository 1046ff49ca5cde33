"""Read a function typed the way people write it on paper into an unevaluated SymPy tree.

``parse("3x^2 sin x")`` gives ``Mul(3, Pow(x, 2), sin(x))``: every node is built with
``evaluate=False``, so the user's structure and term order survive (``x*x^2`` stays a product
of two factors, ``x + x^2`` keeps its order).  The text never reaches ``eval``, ``exec``,
``sympify`` or ``parse_expr``: lark cuts it into tokens, ``_Normaliser`` rewrites those,
lark's LALR(1) parser checks them against ``grammar.lark``, and a transformer builds each
SymPy node itself.

The language, in words (``grammar.lark`` has the rules and the same examples):

Numbers
    ``2`` is ``Integer(2)``; decimals are exact: ``0.5`` is ``Rational(1, 2)``, so answers
    stay exact.  An integer over an integer in lowest terms (``1/2``, ``\\frac{3}{4}``) is one
    ``Rational``; other quotients stay quotients (``x/2`` is ``Mul(x, Pow(2, -1))``).
    Literals have at most 100 digits; powers are never evaluated, so ``10^10^10^10`` is
    just a nested ``Pow``.  Scientific notation (``1e5``, ``2E-3``) is refused, since it
    would otherwise read as a product with ``e``.
Names
    Every variable is ``Symbol(name, real=True)``.  A run of letters is cut greedily, left
    to right, into the longest known names (function names, Greek names, ``pi``), and
    single letters: ``xy`` is x·y, ``xsin x`` is x·sin(x), ``pie`` is π·e, ``ex`` is e·x,
    ``expx`` is exp(x), ``theta`` is θ and ``xi`` is ξ (not x·i); ``i`` is a plain variable.
    Digits written right after a variable letter belong to it (``x1``, ``x12``, ``θ2``), and
    so does a subscript (``w_2``, ``x_i``, ``x_{12}``, ``theta_1`` give the names ``w_2``,
    ``x_i``, ``x_12``, ``theta_1``); an unbraced subscript is one run of letters or of
    digits (``x_ij`` is one name, ``x_1y`` is x_1·y).  Greek letters may be spelled out
    (``alpha`` … ``omega``, and the capitals that differ from Latin ones: ``Gamma Delta
    Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega``), typed in Unicode (``θ``) or in LaTeX
    (``\\theta``).
    ``pi``, ``π``, ``\\pi`` are ``sympy.pi``; ``e`` and ``\\mathrm{e}`` are ``sympy.E``
    (``e^x`` is ``Pow(E, x)``); capital ``E`` is an ordinary variable.
Operators
    ``+ - * /`` and ``^`` (also ``**``, ``·``, ``×``, ``⋅``, ``÷``, ``−``, ``\\cdot``,
    ``\\times``, ``\\div``).  Sums and products are flat nodes in typed order; ``a - b`` is
    ``Add(a, Mul(-1, b))`` and a minus sign in front of a number or of a product that starts
    with a number goes into that number (``x - 2`` is ``Add(x, -2)``, ``-2x`` is
    ``Mul(-2, x)``).  ``^`` is right-associative (``2^3^x`` = 2^(3^x)) and binds tighter
    than a sign (``-x^2`` = -(x²), ``2^-x`` = 2^(-x)).  The exponent is one atom:
    ``x^2y`` = x²·y, ``e^2x`` = e²·x; group with ``()`` or ``{}``: ``e^{2x}``.  Unicode
    superscripts are exponents: ``x²``, ``x⁻¹``, ``x¹⁰``.
Implicit multiplication
    Factors written side by side multiply: ``2x``, ``2 sin(x)``, ``x(x+1)``,
    ``(x+1)(x-1)``, ``2 pi x``, ``3x^2y``.  It binds tighter than ``/``: ``1/2x`` is
    1/(2x).  Only the first factor may be a number (``x 2`` is an error).
Functions
    ``sin cos tan sec csc(cosec) cot``, their inverses (``asin``/``arcsin`` …), the
    hyperbolic ones and their inverses (``asinh``/``arsinh``/``arcsinh`` …), ``exp``,
    ``ln`` and ``log`` (natural), ``log(x, b)``, ``log_b x``, ``log_{10} x``, ``log10 x``,
    ``log2 x`` (``LogBase``), ``sqrt``, ``cbrt``, ``root(x, n)``, ``abs`` and ``|x|``.
    Arguments go in parentheses, or in a LaTeX brace group (``\\sqrt{x}``), or, for a
    simple argument, after a space: the argument is then one implicit product that does not
    start with a bracket and holds no function except at its start, so ``sin 2x`` =
    sin(2x), ``sin x^2`` = sin(x²), ``sin x + 1`` = sin(x)+1, ``sin x cos x`` =
    sin(x)·cos(x), ``ln ln x`` = ln(ln(x)).  A power on the name is a power of the value
    (``sin^2 x``, ``sin²x``, ``sin^{2}(x)`` are sin(x)²), except ``^-1`` on a
    trigonometric or hyperbolic name, which is the inverse (``sin^-1 x``, ``sin^{-1}(x)``
    are asin(x)); ``ln^-1`` and other ``^-1`` are errors, being ambiguous.  In an exponent
    a function needs its parentheses: ``e^sin(x)``, not ``e^sin x``.
    ``f``, ``g``, ``h``, ``F``, ``G``, ``H`` directly before ``(`` are abstract functions
    (``sympy.Function('f')``); every other single letter before ``(`` multiplies
    (``x(x+1)``).  Two or more letters before ``(`` that do not end in a known function
    are an error: ``foo(x)`` is "unknown function 'foo'" (write ``a*b*(…)`` for a product).
    One letter before f, g or h multiplies (``xf(x)`` is x·f(x)); more are an error too
    (``erf(x)``), and so are other notations' names (``tg``, ``ctg``, ``sh``, ``ch``, ``th``).
Radicals
    ``√x``, ``∛x``, ``∜x`` apply to the one atom after them: ``√2x`` is √2·x, ``√x^2`` is
    (√x)², ``√(x+1)`` groups.
LaTeX
    ``\\frac{a}{b}`` (``\\dfrac``, ``\\tfrac``), ``\\sqrt{x}``, ``\\sqrt[n]{x}``, function
    commands (``\\sin``, ``\\arcsin``, ``\\sinh``, ``\\ln``, ``\\log_{2}``, ``\\exp`` …),
    ``\\operatorname{…}``, ``\\mathrm{…}``, Greek commands (also ``\\varepsilon``,
    ``\\vartheta``, ``\\varphi``), ``\\cdot``, ``\\times``, ``\\div``, ``\\left( … \\right)``,
    ``\\left| … \\right|``, ``\\lvert … \\rvert``, ``\\left\\lvert … \\right\\rvert``, ``{…}``
    as grouping, and the spacing commands ``\\, \\; \\: \\!`` (ignored).  Square brackets
    exist only in ``\\sqrt[n]``.
Bars
    A ``|`` closes the innermost open ``|`` when it follows something that can end an
    operand; otherwise it opens one: ``|x||y|`` is |x|·|y|, ``||x|-1|`` nests.
Whitespace
    Spaces, tabs and newlines are ignored except where they separate names (``sin x``).

Errors are :class:`ParseError` (a ``ValueError``) with a one-line message and the 0-based
column of the fault; nothing else escapes :func:`parse`.  Limits: ``max_length``
characters, ``max_depth`` levels of brackets (counted on the raw text before lark sees it)
and of the parse tree (checked before the tree is turned into SymPy).
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import Callable, Optional

import sympy as sp
from lark import Lark, Token, Tree
from lark import __version__ as lark_version
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.visitors import Transformer_NonRecursive, v_args
from sympy.core.function import AppliedUndef

from derive.cache import cache_dir
from derive.errors import InputError
from derive.functions import LogBase

__all__ = ["ParseError", "parse", "parse_symbol", "parse_point"]

MAX_LENGTH = 2000  # characters of input
MAX_DEPTH = 200    # levels of brackets, and of the parse tree
MAX_DIGITS = 100   # digits of one number
POINT_SYNTAX = "expected NAME=VALUE[,NAME=VALUE...]"


# ------------------------------------------------------------------------------------------
# The error
# ------------------------------------------------------------------------------------------
class ParseError(InputError):
    """Input that cannot be read, with the 0-based ``column`` of the fault in ``text``."""

    def __init__(self, message: str, text: str, column: int):
        self.message = message
        self.text = text
        self.column = max(0, min(int(column), len(text)))
        super().__init__(message, text, self.column)

    def caret(self) -> str:
        """The text on one line (whitespace shown as spaces) and a '^' under the fault."""
        shown = "".join(" " if ch.isspace() else ch if ch.isprintable() else "?"
                        for ch in self.text)
        return shown + "\n" + " " * self.column + "^"

    def details(self) -> str:
        """The text and its caret, indented under the message."""
        return "\n".join("  " + line for line in self.caret().splitlines())

    def __str__(self) -> str:
        return f"column {self.column + 1}: {self.message}"


class _Fault(Exception):
    """A fault found before the text is known to the raiser; ``parse`` adds the text."""

    def __init__(self, message: str, column: Optional[int] = None):
        super().__init__(message)
        self.message = message
        self.column = column


# ------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------
_TRIG = ("sin", "cos", "tan", "sec", "csc", "cot")
_HYPERBOLIC = tuple(name + "h" for name in _TRIG)
_INVERSE = {name: "a" + name for name in _TRIG + _HYPERBOLIC}


def _function_spellings() -> dict[str, str]:
    """Every accepted spelling of a function name -> its canonical name."""
    spellings = {name: name for name in ("ln", "log", "exp", "sqrt", "cbrt", "root", "abs")}
    spellings["cosec"] = "csc"
    for name in _TRIG + _HYPERBOLIC:
        spellings[name] = name
        prefixes = ("a", "arc") if name in _TRIG else ("a", "ar", "arc")
        for prefix in prefixes:
            spellings[prefix + name] = "a" + name
    return spellings


_FUNCTION_SPELLINGS = _function_spellings()
_ABSTRACT_FUNCTIONS = frozenset("fghFGH")
_PRIME_ORDER = {"'": 1, "\u2032": 1, "\u2033": 2, "\u2034": 3}   # ' ′ ″ ‴
# names of functions in other notations that end in an abstract-function letter, and
# would otherwise read as a product: tg(x) is not t·g(x)
_OTHER_NOTATIONS = {"tg": "tan", "ctg": "cot", "cotg": "cot", "arctg": "arctan",
                    "arcctg": "arccot", "sh": "sinh", "ch": "cosh", "th": "tanh", "cth": "coth"}

_GREEK_LOWER = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
                "omicron rho sigma tau upsilon phi chi psi omega").split()
_GREEK_UPPER = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
_GREEK_NAMES = frozenset(_GREEK_LOWER + _GREEK_UPPER)
_CONSTANTS = {"pi": sp.pi, "e": sp.E}

# α (U+03B1) … ω (U+03C9) in alphabet order; U+03C2 is the final sigma ς.
_GREEK_CHARS = {chr(0x3B1 + i): name for i, name in enumerate((
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma sigma tau upsilon phi chi psi omega").split())}
_GREEK_CHARS.update(zip("\u0393\u0394\u0398\u039b\u039e\u03a0\u03a3\u03a5\u03a6\u03a8\u03a9",
                        _GREEK_UPPER))
_GREEK_CHARS.update({"ϑ": "theta", "ϕ": "phi", "ϵ": "epsilon", "µ": "mu"})

# Known multi-letter words, longest first, then any one letter: a letter run is cut greedily.
_WORDS = sorted(set(_FUNCTION_SPELLINGS) | _GREEK_NAMES | {"pi"}, key=len, reverse=True)
_WORD_OR_LETTER = re.compile("|".join(_WORDS) + "|[A-Za-z]")

_LATEX_GREEK = {name: name for name in _GREEK_NAMES}
_LATEX_GREEK.update({"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi",
                     "varrho": "rho", "varsigma": "sigma"})
_LATEX_OPERATORS = {"cdot": "STAR", "times": "STAR", "div": "SLASH"}
_LATEX_FRACTIONS = frozenset({"frac", "dfrac", "tfrac"})
_LATEX_NAME_WRAPPERS = frozenset({"mathrm", "operatorname", "text", "mathit", "textrm"})
_LATEX_SIZES = {"left": "_LBAR", "bigl": "_LBAR", "Bigl": "_LBAR",
                "right": "_RBAR", "bigr": "_RBAR", "Bigr": "_RBAR", "big": "BAR", "Big": "BAR"}
_LATEX_BARS = {"lvert": "_LBAR", "rvert": "_RBAR", "vert": "BAR", "mid": "BAR"}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
# superscript and subscript letters, as derive prints them (eˣ, e²ˣ, u₁, xᵢ, log₂)
_LETTER_SUPERSCRIPTS = str.maketrans(
    "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵝᵞᵟᶿᵠᵡ",
    "0123456789abcdefghijklmnoprstuvwxyzβγδθφχ")
_SUBSCRIPT_CHARS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789aehijklmnoprstuvx"))
_SUBSCRIPT_CHARS.update({"ᵦ": "beta", "ᵧ": "gamma", "ᵨ": "rho", "ᵩ": "phi", "ᵪ": "chi"})

# The dialect of derive's own output (parse(..., printed=True)): SymPy's names as the JSON
# writes them (Abs, sgn/sign, E) and the derivative operators d/dx[…], ∂/∂x, \frac{d}{dx}.
_PRINTED_SPELLINGS = {"Abs": "abs", "sgn": "sign", "sign": "sign"}
# (printed?, multi-letter variable names known to the reader)
_RELATIONS = {"≠": "!=", "≤": "<=", "≥": ">=", "<": "<", ">": ">", "=": "=="}
_LATEX_RELATIONS = {"neq": "!=", "ne": "!=", "leq": "<=", "le": "<=", "geq": ">=", "ge": ">="}
_DIALECT: ContextVar = ContextVar("derive_parse_dialect", default=(False, frozenset()))


@functools.lru_cache(maxsize=64)
def _printed_words(names: frozenset):
    words = sorted(set(_WORDS) | set(_PRINTED_SPELLINGS) | set(names), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words) + "|[A-Za-z]")
_RADICAL_INDEX = {"√": 2, "∛": 3, "∜": 4}

# Token types after which a '|' closes, and before which a number needs an operator.
_OPERAND_END = frozenset({"NUMBER", "VAR", "CONST", "_RPAR", "_RBRACE", "_RBAR", "SUPERSCRIPT",
                          "LETTER_SUPERSCRIPT", "_RSQB"})
_ARGUMENT_START = frozenset({"NUMBER", "VAR", "CONST", "FUNC", "ABSFUNC", "FRAC", "RADICAL",
                             "_LBAR", "MINUS"})
_OPENERS = {"_LPAR": "_RPAR", "_LBRACE": "_RBRACE", "_LSQB": "_RSQB", "_LBAR": "_RBAR"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
_BRACKET_WORDS = {"_LPAR": ("parenthesis", "(", ")"), "_LBRACE": ("brace", "{", "}"),
                  "_LSQB": ("bracket", "[", "]"), "_LBAR": ("'|'", "|", "|")}


# ------------------------------------------------------------------------------------------
# Token normalisation: raw lark tokens -> the tokens the grammar's rules read
# ------------------------------------------------------------------------------------------
def _piece(type_: str, value: str, start: int, end: int, like: Token) -> Token:
    """A token for text[start:end], on the same line as ``like``."""
    column = like.column + (start - like.start_pos)
    return Token(type_, value, start_pos=start, line=like.line, column=column,
                 end_line=like.line, end_column=column + (end - start), end_pos=end)


def _split_letters(run: str) -> list[tuple[int, str]]:
    """Cut a run of letters into known words (longest first) and single letters."""
    return [(match.start(), match.group()) for match in _WORD_OR_LETTER.finditer(run)]


def _name_kind(word: str) -> str:
    if word in _FUNCTION_SPELLINGS:
        return "FUNC"
    return "CONST" if word in _CONSTANTS else "VAR"


class _Normaliser:
    """Rewrites one token list: names, Greek letters, LaTeX commands, subscripts, brackets."""

    def __init__(self, raw: list[Token]):
        self.raw = raw
        self.i = 0
        self.out: list[Token] = []
        self.printed, self.names = _DIALECT.get()

    # -- helpers ---------------------------------------------------------------------------
    def _peek(self, type_: Optional[str] = None) -> Optional[Token]:
        tok = self.raw[self.i] if self.i < len(self.raw) else None
        if tok is not None and type_ is not None and tok.type != type_:
            return None
        return tok

    def _take(self, type_: str, message: str, column: int) -> Token:
        tok = self._peek(type_)
        if tok is None:
            raise _Fault(message, column)
        self.i += 1
        return tok

    def _last(self) -> Optional[Token]:
        return self.out[-1] if self.out else None

    # -- the pass --------------------------------------------------------------------------
    def run(self) -> list[Token]:
        handlers: dict[str, Callable[[Token], None]] = {
            "NAME": self._name, "GREEK_CHAR": self._greek, "CMD": self._command,
            "_UNDERSCORE": self._subscript, "NUMBER": self._number, "_LSQB": self._square,
            "PRIME": self._stray_prime, "SUBSCRIPT": self._unicode_subscript,
            "PARTIAL": self._partial, "RELCHAR": self._relation,
        }
        while self.i < len(self.raw):
            tok = self.raw[self.i]
            self.i += 1
            handlers.get(tok.type, self.out.append)(tok)
        return self.out

    def _number(self, tok: Token) -> None:
        digits = sum(ch.isdigit() for ch in tok.value)
        if digits > MAX_DIGITS:
            raise _Fault(f"number is too long ({digits} digits, at most {MAX_DIGITS})",
                         tok.start_pos)
        self._refuse_scientific(tok)
        self.out.append(tok)

    def _touching(self, tok: Token, count: int) -> list[Token]:
        """Up to ``count`` raw tokens that follow ``tok`` with no space between."""
        following, end = [], tok.end_pos
        for nxt in self.raw[self.i:self.i + count]:
            if nxt.start_pos != end:
                break
            following.append(nxt)
            end = nxt.end_pos
        return following

    def _refuse_scientific(self, number: Token) -> None:
        """``1e5``, ``2E-3``: would silently read as 1·e5 or 2·e - 3, so refuse them."""
        following = self._touching(number, 3)
        kinds = [tok.type for tok in following]
        marker = kinds[:1] == ["NAME"] and following[0].value in ("e", "E")
        exponent = kinds[1:2] == ["NUMBER"] or kinds[1:3] in (["MINUS", "NUMBER"],
                                                               ["PLUS", "NUMBER"])
        if marker and exponent:
            raise _Fault("scientific notation is not supported: write a power of 10, like 10^5",
                         following[0].start_pos)

    def _name(self, tok: Token) -> None:
        """A run of letters: cut it into words and letters, then look at what follows."""
        if self.printed and tok.value == "d" and self._operator(tok, "d"):
            return
        pieces = self._split(tok.value)
        for offset, word in pieces:
            start = tok.start_pos + offset
            self.out.append(_piece(*self._kind(word), start, start + len(word), tok))
        last_word = pieces[-1][1]
        if self._merge_digits(tok):
            return
        if self._prime(tok, pieces):
            return
        if self._peek("_LPAR") is None and not self._left_parenthesis():
            return
        if last_word in _ABSTRACT_FUNCTIONS:
            self._refuse_hidden_name(tok, pieces)
            self.out[-1] = Token.new_borrow_pos("ABSFUNC", last_word, self.out[-1])
        elif len(tok.value) > 1 and len(last_word) == 1 and self._kind(last_word)[0] == "VAR":
            raise _Fault(f"unknown function '{tok.value}'", tok.start_pos)

    def _left_parenthesis(self) -> bool:
        """``\\left(`` next, in derive's own output: ``f\\left(x\\right)`` is f(x)."""
        following = self.raw[self.i:self.i + 2]
        return (self.printed and len(following) == 2 and following[0].value == "\\left"
                and following[1].type == "_LPAR")

    def _split(self, run: str) -> list[tuple[int, str]]:
        if not self.printed:
            return _split_letters(run)
        return [(m.start(), m.group()) for m in _printed_words(self.names).finditer(run)]

    def _kind(self, word: str) -> tuple[str, str]:
        """The token type and value of one word of a run of letters."""
        if self.printed:
            if word in self.names:
                return "VAR", word
            if word in _PRINTED_SPELLINGS:
                return "FUNC", word
            if word == "E":
                return "CONST", "e"
        return _name_kind(word), word

    # -- derive's own output -------------------------------------------------------------------
    def _operator(self, tok: Token, mark: str) -> bool:
        """``d/dx``, ``∂/∂x`` (text) before what they apply to: one DIFFOP token."""
        raw, i = self.raw, self.i
        if i + 1 >= len(raw) or raw[i].type != "SLASH":
            return False
        den = raw[i + 1]
        if mark == "d" and den.type == "NAME" and den.value.startswith("d"):
            rest, j = den.value[1:], i + 2
        elif mark == "∂" and den.type == "PARTIAL":
            rest, j = "", i + 2
        else:
            return False
        if not rest and j < len(raw) and raw[j].type in ("NAME", "GREEK_CHAR"):
            rest = raw[j].value if raw[j].type == "NAME" else _GREEK_CHARS.get(raw[j].value, "")
            j += 1
        if not rest:
            return False
        if j < len(raw) and raw[j].type == "SUBSCRIPT" and raw[j].start_pos == raw[j - 1].end_pos:
            rest += "_" + "".join(_SUBSCRIPT_CHARS[c] for c in raw[j].value)
            j += 1
        self.i = j
        self.out.append(Token.new_borrow_pos("DIFFOP", f"{mark}:{rest}", tok))
        return True

    def _relation(self, tok: Token) -> None:
        """``≠ ≤ ≥ < > =`` between two sides: a condition, in derive's own output only."""
        if not self.printed:
            raise _Fault(f"unexpected character '{tok.value}'", tok.start_pos)
        self.out.append(Token.new_borrow_pos("RELOP", _RELATIONS[tok.value], tok))

    def _partial(self, tok: Token) -> None:
        if not (self.printed and self._operator(tok, "∂")):
            raise _Fault(f"unexpected character '{tok.value}'", tok.start_pos)

    def _latex_operator(self, tok: Token) -> bool:
        """``\\frac{d}{dx}``, ``\\frac{\\partial}{\\partial x}``: one DIFFOP token."""
        raw, i = self.raw, self.i
        kinds = [(t.type, t.value) for t in raw[i:i + 4]]
        if kinds[:4] == [("_LBRACE", "{"), ("NAME", "d"), ("_RBRACE", "}"), ("_LBRACE", "{")]:
            mark = "d"
        elif kinds[:4] == [("_LBRACE", "{"), ("CMD", "\\partial"), ("_RBRACE", "}"),
                           ("_LBRACE", "{")]:
            mark = "∂"
        else:
            return False
        j, depth, body = i + 4, 1, []
        while j < len(raw):
            depth += {"_LBRACE": 1, "_RBRACE": -1}.get(raw[j].type, 0)
            if depth == 0:
                break
            body.append(raw[j])
            j += 1
        if j >= len(raw) or not body:
            return False
        if mark == "d":
            if body[0].type != "NAME" or not body[0].value.startswith("d"):
                return False
            first = body[0].value[1:]
            rest = ([first] if first else []) + [t.value for t in body[1:]]
        else:
            if (body[0].type, body[0].value) != ("CMD", "\\partial"):
                return False
            rest = [t.value for t in body[1:]]
        try:
            variable = _read("".join(rest), MAX_LENGTH, MAX_DEPTH)
        except (_Fault, ParseError):
            return False
        if not isinstance(variable, sp.Symbol):
            return False
        self.i = j + 1
        self.out.append(Token.new_borrow_pos("DIFFOP", f"{mark}:{variable.name}", tok))
        return True

    def _unicode_subscript(self, tok: Token) -> None:
        """``u₁``, ``x₁₂``, ``xᵢ`` name a variable (u_1, x_12, x_i); ``log₂`` gives log a
        base."""
        last = self._last()
        sub = "".join(_SUBSCRIPT_CHARS.get(c, "") for c in tok.value)
        if last is not None and last.type == "FUNC" and last.value == "log" and sub.isalnum():
            self.out.append(Token.new_borrow_pos("_UNDERSCORE", "_", tok))
            base = "NUMBER" if sub.isdigit() else _name_kind(sub)
            self.out.append(Token.new_borrow_pos(base, sub, tok))
            return
        if (last is None or last.type not in ("VAR", "CONST") or last.end_pos != tok.start_pos
                or len(sub) < len(tok.value) and not sub.isalpha()):
            raise _Fault("a subscript must follow a variable name or log", tok.start_pos)
        self.out[-1] = _piece("VAR", f"{last.value}_{sub}", last.start_pos, tok.end_pos, last)

    def _prime(self, tok: Token, pieces) -> bool:
        """``f'(x)``, ``g″(u)``: the derivative of an abstract function, applied."""
        prime = self._peek("PRIME")
        if prime is None or prime.start_pos != tok.end_pos:
            return False
        after = self.raw[self.i + 1] if self.i + 1 < len(self.raw) else None
        if self.printed and after is not None and after.value == "\\left":
            after = self.raw[self.i + 2] if self.i + 2 < len(self.raw) else None
        if pieces[-1][1] not in _ABSTRACT_FUNCTIONS or after is None or after.type != "_LPAR":
            self._stray_prime(prime)
        self._refuse_hidden_name(tok, pieces)
        self.out[-1] = Token.new_borrow_pos("ABSFUNC", pieces[-1][1], self.out[-1])
        self.out.append(prime)
        self.i += 1
        return True

    @staticmethod
    def _stray_prime(prime: Token) -> None:
        raise _Fault("a prime marks the derivative of a function f, g or h and needs its "
                     "argument: write f'(x)", prime.start_pos)

    @staticmethod
    def _refuse_hidden_name(tok: Token, pieces) -> None:
        """A run of letters ending in f, g or h before ``(``: ``xf(x)`` is x·f(x), but a
        longer run is a function we do not know (``erf(x)`` is not e·r·f(x)), and so are
        the other notations (``tg(x)``: write tan)."""
        name = tok.value
        if name in _OTHER_NOTATIONS:
            raise _Fault(f"unknown function '{name}': write {_OTHER_NOTATIONS[name]}",
                         tok.start_pos)
        letters = 0
        for _, word in reversed(pieces[:-1]):
            if _name_kind(word) == "FUNC":
                break
            letters += 1
        if letters >= 2:
            raise _Fault(f"unknown function '{name}'", tok.start_pos)

    def _merge_digits(self, name: Token) -> bool:
        """``x1``, ``θ2``: digits right after a variable letter; ``log10``, ``log2``."""
        last, number = self.out[-1], self._peek("NUMBER")
        if number is None or number.start_pos != name.end_pos or not number.value.isdigit():
            return False
        if last.type == "FUNC" and last.value == "log" and number.value in ("10", "2"):
            merged = "FUNC", "log" + number.value
        elif last.type == "VAR" or last.value == "e":
            merged = "VAR", last.value + number.value
        else:
            return False
        self.out[-1] = _piece(*merged, last.start_pos, number.end_pos, last)
        self.i += 1
        return True

    def _greek(self, tok: Token) -> None:
        word = _GREEK_CHARS.get(tok.value)
        if word is None:
            raise _Fault(f"unexpected character '{tok.value}'", tok.start_pos)
        self.out.append(Token.new_borrow_pos(_name_kind(word), word, tok))
        self._merge_digits(tok)

    def _command(self, tok: Token) -> None:
        """A LaTeX command: becomes a name, an operator, FRAC or a bar, or vanishes."""
        word = tok.value[1:]
        if word in _LATEX_SIZES:
            self._sized_delimiter(tok, _LATEX_SIZES[word])
        elif word in _LATEX_BARS:
            self.out.append(Token.new_borrow_pos(_LATEX_BARS[word], "|", tok))
        elif word in _LATEX_OPERATORS:
            self.out.append(Token.new_borrow_pos(_LATEX_OPERATORS[word], tok.value, tok))
        elif word in _LATEX_FRACTIONS and self.printed and self._latex_operator(tok):
            return
        elif word == "mathit" and self.printed:
            expected = f"expected {{name}} after '{tok.value}'"
            self._take("_LBRACE", expected, tok.end_pos)
            name = self._take("NAME", expected, tok.end_pos)
            self._take("_RBRACE", f"expected '}}' after '{tok.value}{{{name.value}'", name.end_pos)
            self.out.append(_piece("VAR", name.value, tok.start_pos, name.end_pos, tok))
        elif word in _LATEX_FRACTIONS:
            self.out.append(Token.new_borrow_pos("FRAC", tok.value, tok))
        elif word in _LATEX_NAME_WRAPPERS:
            expected = f"expected {{name}} after '{tok.value}'"
            self._take("_LBRACE", expected, tok.end_pos)
            name = self._take("NAME", expected, tok.end_pos)
            self._take("_RBRACE", f"expected '}}' after '{tok.value}{{{name.value}'", name.end_pos)
            self._name(name)
        elif word in _FUNCTION_SPELLINGS:
            self.out.append(Token.new_borrow_pos("FUNC", word, tok))
        elif self.printed and word in _LATEX_RELATIONS:
            self.out.append(Token.new_borrow_pos("RELOP", _LATEX_RELATIONS[word], tok))
        elif word in _LATEX_GREEK or word == "pi":
            greek = _LATEX_GREEK.get(word, word)
            self.out.append(Token.new_borrow_pos(_name_kind(greek), greek, tok))
        else:
            raise _Fault(f"unknown command '{tok.value}'", tok.start_pos)

    def _sized_delimiter(self, tok: Token, bar_role: str) -> None:
        """``\\left(`` is ``(``; ``\\left|`` or ``\\left\\lvert`` is an opening bar, ``\\right|``
        or ``\\right\\rvert`` a closing one."""
        nxt = self._peek()
        if nxt is not None and (nxt.type == "BAR"
                                or nxt.type == "CMD" and nxt.value[1:] in _LATEX_BARS):
            self.i += 1
            self.out.append(Token.new_borrow_pos(bar_role, "|", nxt))
        elif self.printed and nxt is not None and nxt.type in ("_LSQB", "_RSQB"):
            return
        elif nxt is None or nxt.type not in ("_LPAR", "_RPAR", "_LBRACE", "_RBRACE"):
            raise _Fault(f"'{tok.value}' must be followed by a bracket or '|'", tok.end_pos)

    def _subscript(self, tok: Token) -> None:
        """``x_1``, ``x_{12}``, ``theta_i`` name a variable; ``log_2`` gives log a base."""
        last = self._last()
        if last is not None and last.type == "FUNC" and last.value == "log":
            self.out.append(tok)
            return
        if last is None or last.type not in ("VAR", "CONST"):
            raise _Fault("a subscript '_' must follow a variable name or log", tok.start_pos)
        braced = self._peek("_LBRACE") is not None
        self.i += braced
        parts = [self._subscript_part(tok)]
        while braced and self._peek("_RBRACE") is None:
            parts.append(self._subscript_part(tok))
        end = self._take("_RBRACE", "unbalanced brace: '{' is never closed", tok.end_pos).end_pos \
            if braced else self.raw[self.i - 1].end_pos
        self.out[-1] = _piece("VAR", f"{last.value}_{''.join(parts)}", last.start_pos, end, last)

    def _subscript_part(self, underscore: Token) -> str:
        """One piece of a subscript: a run of letters or digits, or a Greek letter."""
        tok, value = self._peek(), None
        if tok is not None and tok.type in ("NAME", "NUMBER"):
            value = tok.value
        elif tok is not None and tok.type == "GREEK_CHAR":
            value = _GREEK_CHARS.get(tok.value)
        elif tok is not None and tok.type == "CMD":
            value = _LATEX_GREEK.get(tok.value[1:])
        if not value or not value.isalnum():
            raise _Fault("a subscript must be letters or digits, like x_1 or x_{ij}",
                         underscore.end_pos)
        self.i += 1
        return value

    def _square(self, tok: Token) -> None:
        last = self._last()
        if last is not None and last.type == "DIFFOP":
            self.out.append(tok)
            return
        if last is None or last.type != "FUNC" or last.value != "sqrt":
            raise _Fault("unexpected character '['", tok.start_pos)
        self.out.append(tok)


def _resolve_brackets(tokens: list[Token]) -> list[Token]:
    """Decide which bars open and which close, and check every bracket is matched."""
    stack: list[Token] = []
    result: list[Token] = []
    for tok in tokens:
        if tok.type == "BAR":
            closes = (stack and stack[-1].type == "_LBAR" and result
                      and result[-1].type in _OPERAND_END)
            tok = Token.new_borrow_pos("_RBAR" if closes else "_LBAR", "|", tok)
        if tok.type in _OPENERS:
            stack.append(tok)
        elif tok.type in _CLOSERS:
            _close(stack, tok)
        result.append(tok)
    if stack:
        raise _unclosed(stack[-1])
    return result


def _close(stack: list[Token], closer: Token) -> None:
    wanted_opener = _CLOSERS[closer.type]
    if not stack:
        kind, open_, close = _BRACKET_WORDS[wanted_opener]
        raise _Fault(f"unbalanced {kind}: '{close}' has no matching '{open_}'", closer.start_pos)
    opener = stack.pop()
    if opener.type == wanted_opener:
        return
    if opener.type == "_LBAR":
        raise _unclosed(opener)
    _, open_, _ = _BRACKET_WORDS[opener.type]
    _, _, close = _BRACKET_WORDS[wanted_opener]
    raise _Fault(f"mismatched brackets: '{close}' cannot close the '{open_}' "
                 f"at column {opener.start_pos + 1}", closer.start_pos)


def _unclosed(opener: Token) -> _Fault:
    if opener.type == "_LBAR":
        return _Fault("unbalanced '|': the absolute value bar is never closed", opener.start_pos)
    kind, open_, _ = _BRACKET_WORDS[opener.type]
    return _Fault(f"unbalanced {kind}: '{open_}' is never closed", opener.start_pos)


class _PostLexer:
    """lark's hook after lexing: normalise the whole token list at once."""

    always_accept = ("NAME", "GREEK_CHAR", "CMD", "BAR", "SUBSCRIPT", "PARTIAL", "RELCHAR")

    def process(self, stream):
        return _resolve_brackets(_Normaliser(list(stream)).run())


@functools.lru_cache(maxsize=None)
def _lark() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    # the LALR tables are kept in derive's private cache folder, so that a command-line run
    # does not rebuild them; lark checks the grammar's hash stored in the file
    folder = cache_dir()
    cache = str(folder / f"grammar-lark{lark_version}.tables") if folder else False
    parser = Lark(grammar, parser="lalr", lexer="basic", postlex=_PostLexer(),
                  propagate_positions=True, cache=cache)
    # Lark.lex builds its lexer anew on every call unless the instance has one (about 0.7 ms
    # a call, as long as the parse itself): build it once
    parser.lexer = parser._build_lexer()
    return parser


# ------------------------------------------------------------------------------------------
# Building SymPy nodes
# ------------------------------------------------------------------------------------------
def _number(text: str) -> sp.Rational:
    whole, _, fraction = text.partition(".")
    if not fraction:
        return sp.Integer(int(whole))
    scale = 10 ** len(fraction)
    return sp.Rational(int(whole or "0") * scale + int(fraction), scale)


def _negate(expr: sp.Expr) -> sp.Expr:
    """-expr, with the sign put into a leading number: -2 and -2x rather than -1·2x."""
    if isinstance(expr, sp.Number):
        return -expr
    if isinstance(expr, sp.Mul):
        first, *rest = expr.args
        if isinstance(first, sp.Number) and first.is_positive:
            return sp.Mul(-first, *rest, evaluate=False)
    return sp.Mul(sp.Integer(-1), expr, evaluate=False)


def _is_zero(expr: sp.Expr) -> bool:
    return isinstance(expr, sp.Number) and expr.is_zero


def _reciprocal(expr: sp.Expr, column: Optional[int]) -> sp.Expr:
    if _is_zero(expr):
        raise _Fault("division by zero", column)
    return sp.Pow(expr, sp.Integer(-1), evaluate=False)


def _fraction(numerator: sp.Expr, denominator: sp.Expr) -> Optional[sp.Rational]:
    """``1/2`` is the number one half: integers in lowest terms, denominator > 1."""
    if (isinstance(numerator, sp.Integer) and isinstance(denominator, sp.Integer)
            and denominator > 1 and gcd(int(numerator), int(denominator)) == 1):
        return sp.Rational(numerator, denominator)
    return None


def _divide(numerator: sp.Expr, denominator: sp.Expr, column: Optional[int]) -> sp.Expr:
    reciprocal = _reciprocal(denominator, column)
    number = _fraction(numerator, denominator)
    return number if number is not None else sp.Mul(numerator, reciprocal, evaluate=False)


def _power(base: sp.Expr, exponent: sp.Expr, column: Optional[int]) -> sp.Expr:
    if _is_zero(base) and isinstance(exponent, sp.Number) and exponent.is_negative:
        raise _Fault("division by zero", column)
    return sp.Pow(base, exponent, evaluate=False)


def _root(radicand: sp.Expr, index: sp.Expr) -> sp.Expr:
    if isinstance(index, sp.Integer):
        if index == 0:
            raise _Fault("division by zero: the index of a root cannot be 0")
        return sp.Pow(radicand, sp.Rational(1, index), evaluate=False)
    return sp.Pow(radicand, _reciprocal(index, None), evaluate=False)


def _log(arg: sp.Expr, base: Optional[sp.Expr] = None) -> sp.Expr:
    if base is None:
        return sp.log(arg, evaluate=False)
    if isinstance(base, sp.Number) and (not base.is_positive or base == 1):
        raise _Fault("the base of a logarithm must be positive and not 1")
    return LogBase(arg, base, evaluate=False)


def _unary(cls) -> Callable[..., sp.Expr]:
    return lambda arg: cls(arg, evaluate=False)


# canonical name -> (smallest, largest number of arguments, builder)
_FUNCTIONS: dict[str, tuple[int, int, Callable[..., sp.Expr]]] = {
    name: (1, 1, _unary(getattr(sp, name)))
    for name in _TRIG + _HYPERBOLIC + tuple(_INVERSE.values())
}
_FUNCTIONS.update({
    "ln": (1, 1, _log),
    "log": (1, 2, _log),
    "log10": (1, 1, lambda arg: _log(arg, sp.Integer(10))),
    "log2": (1, 1, lambda arg: _log(arg, sp.Integer(2))),
    "exp": (1, 1, _unary(sp.exp)),
    "abs": (1, 1, _unary(sp.Abs)),
    "sqrt": (1, 1, lambda arg: _root(arg, sp.Integer(2))),
    "cbrt": (1, 1, lambda arg: _root(arg, sp.Integer(3))),
    "sign": (1, 1, _unary(sp.sign)),
    "root": (2, 2, _root),
})


@dataclass(frozen=True)
class _Head:
    """A function name as written: ``log_2``, ``sin^2``, ``sin^-1``."""

    typed: str
    column: int
    base: Optional[sp.Expr] = None
    power: Optional[int] = None

    @property
    def name(self) -> str:
        return _FUNCTION_SPELLINGS.get(self.typed, _PRINTED_SPELLINGS.get(self.typed, self.typed))


def _arguments_word(low: int, high: int) -> str:
    count = str(low) if low == high else f"{low} or {high}"
    return f"{count} argument" + ("" if high == 1 else "s")


def _apply(head: _Head, args: list[sp.Expr]) -> sp.Expr:
    """Apply a function head to its arguments: arity, log base, inverse and power."""
    name = head.name
    if head.power == -1:
        if name not in _INVERSE:
            raise _Fault(f"'{head.typed}^-1' is ambiguous: write 1/{head.typed}(...) "
                         "or the inverse function by name", head.column)
        name = _INVERSE[name]
    low, high, build = _FUNCTIONS[name]
    if head.base is not None:
        if name != "log":
            raise _Fault(f"only log takes a base, not '{head.typed}'", head.column)
        low = high = 1
    if not low <= len(args) <= high:
        raise _Fault(f"{head.typed} takes {_arguments_word(low, high)} ({len(args)} given)",
                     head.column)
    try:
        value = build(*args, head.base) if head.base is not None else build(*args)
    except _Fault as fault:
        raise _Fault(fault.message, head.column) from None
    if head.power is not None and head.power != -1:
        value = sp.Pow(value, sp.Integer(head.power), evaluate=False)
    return value


_with_meta = v_args(meta=True)


class _Builder(Transformer_NonRecursive):
    """lark tree -> SymPy tree, every node unevaluated.  Not recursive: deep trees are safe."""

    # -- tokens ------------------------------------------------------------------------------
    def NUMBER(self, tok: Token) -> sp.Rational:
        return _number(tok.value)

    def SUPERSCRIPT(self, tok: Token) -> sp.Integer:
        return sp.Integer(int(tok.value.translate(_SUPERSCRIPTS)))

    def LETTER_SUPERSCRIPT(self, tok: Token) -> sp.Expr:
        """``eˣ``, ``e²ˣ``, ``xⁿ``: the exponent as if typed in ``^(…)``."""
        try:
            return _read(tok.value.translate(_LETTER_SUPERSCRIPTS), MAX_LENGTH, MAX_DEPTH)
        except _Fault as fault:
            raise _Fault(f"cannot read the exponent '{tok.value}': {fault.message}",
                         tok.start_pos) from None

    def DIFFOP(self, tok: Token) -> sp.Symbol:
        return sp.Symbol(tok.value.partition(":")[2], real=True)

    def relation(self, children):
        left, op, right = children
        return sp.Rel(left, right, op.value, evaluate=False)

    def diff(self, children):
        variable, body = children
        return sp.Derivative(body, variable)

    def VAR(self, tok: Token) -> sp.Symbol:
        return sp.Symbol(tok.value, real=True)

    def CONST(self, tok: Token) -> sp.Expr:
        return _CONSTANTS[tok.value]

    # -- operators -----------------------------------------------------------------------------
    def start(self, children):
        return children[0]

    def sum(self, children):
        terms = [children[0]]
        for op, term in zip(children[1::2], children[2::2]):
            terms.append(term if op.type == "PLUS" else _negate(term))
        return sp.Add(*terms, evaluate=False)

    def product(self, children):
        factors = [children[0]]
        for op, operand in zip(children[1::2], children[2::2]):
            if op.type == "STAR":
                factors.append(operand)
                continue
            reciprocal = _reciprocal(operand, op.start_pos)
            number = _fraction(factors[0], operand) if len(factors) == 1 else None
            if number is not None:  # 1/2 is the number one half
                factors[0] = number
            else:
                factors.append(reciprocal)
        return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)

    def neg(self, children):
        return _negate(children[-1])

    def pos(self, children):
        return children[-1]

    def implicit(self, children):
        return children[0] if len(children) == 1 else sp.Mul(*children, evaluate=False)

    arg_product = implicit

    @_with_meta
    def power(self, meta, children):
        base, exponent = children
        return _power(base, exponent, meta.start_pos)

    # -- other atoms ---------------------------------------------------------------------------
    def abs(self, children):
        return sp.Abs(children[0], evaluate=False)

    def frac(self, children):
        frac, numerator, denominator = children
        return _divide(numerator, denominator, frac.start_pos)

    def radical(self, children):
        sign, radicand = children
        return sp.Pow(radicand, sp.Rational(1, _RADICAL_INDEX[sign.value]), evaluate=False)

    # -- functions -----------------------------------------------------------------------------
    def head(self, children):
        func, *parts = children
        return _Head(func.value, func.start_pos, **dict(parts))

    def log_base(self, children):
        return "base", children[0]

    def func_power(self, children):
        return "power", int(children[0])

    @_with_meta
    def func_exponent(self, meta, children):
        *sign, number = children
        if not isinstance(number, sp.Integer):
            raise _Fault("the power of a function name must be a whole number", meta.start_pos)
        return -number if sign else number

    def call(self, children):
        head, *args = children
        return _apply(head, args)

    bare_app = call

    def nth_root(self, children):
        head, index, radicand = children
        if head.name != "sqrt" or head.base is not None or head.power is not None:
            raise _Fault(f"only \\sqrt takes an index in [...], not '{head.typed}'", head.column)
        try:
            return _root(radicand, index)
        except _Fault as fault:
            raise _Fault(fault.message, head.column) from None

    def abstract(self, children):
        name, *args = children
        return sp.Function(name.value)(*args)

    def abstract_derivative(self, children):
        """f′(a) (``order`` primes): d f/dx at x = a, a derivative when a is a variable,
        else the derivative at a slot with a put in it."""
        name, primes, argument = children
        order = sum(_PRIME_ORDER[ch] for ch in primes.value)
        f = sp.Function(name.value)
        if isinstance(argument, sp.Symbol):
            return sp.Derivative(f(argument), (argument, order))
        slot = sp.Dummy("xi")
        return sp.Subs(sp.Derivative(f(slot), (slot, order)), slot, argument)


# ------------------------------------------------------------------------------------------
# Checks around the parser
# ------------------------------------------------------------------------------------------
def _too_deep(max_depth: int, column: int) -> _Fault:
    return _Fault(f"expression is nested too deeply (more than {max_depth} levels)", column)


def _check_bracket_depth(text: str, max_depth: int) -> None:
    """Fail fast on deep bracket nesting, before lark sees the text."""
    depth = 0
    for column, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > max_depth:
                raise _too_deep(max_depth, column)
        elif ch in ")]}":
            depth = max(0, depth - 1)


def _check_tree_depth(tree: Tree, max_depth: int) -> None:
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise _too_deep(max_depth, getattr(node.meta, "start_pos", 0))
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _shown(ch: str) -> str:
    if not ch.isprintable() or ch.isspace():
        return f"U+{ord(ch):04X}"
    return f'"{ch}"' if ch == "'" else f"'{ch}'"


# What may follow a function name before its argument: a log base, then a power.
_HEAD_SUFFIX = re.compile(r"(_UNDERSCORE (NUMBER|VAR|CONST))?\s?"
                          r"(SUPERSCRIPT|_POW (_LBRACE |_LPAR )?(MINUS )?NUMBER( _RBRACE| _RPAR)?)?")


def _dangling_function(before: list[Token]) -> Optional[Token]:
    """The function name that the tokens read so far end with (``sin``, ``log_2``, ``sin^2``)."""
    for i in range(len(before) - 1, max(-1, len(before) - 9), -1):
        if before[i].type == "FUNC":
            suffix = " ".join(tok.type for tok in before[i + 1:])
            return before[i] if _HEAD_SUFFIX.fullmatch(suffix) else None
    return None


def _syntax_fault(text: str, tokens: list[Token], index: int) -> _Fault:
    """A message for the token at ``index`` (or the end) that the grammar does not allow."""
    before = tokens[:index]
    prev = before[-1] if before else None
    tok = tokens[index] if index < len(tokens) else None
    func = _dangling_function(before)
    if func is not None and tok is not None and tok.type in _ARGUMENT_START:
        return _Fault(f"write {func.value}(...) with parentheses here", func.start_pos)
    if func is not None:
        column = tok.start_pos if tok is not None else prev.end_pos
        return _Fault(f"function '{func.value}' needs an argument", column)
    if tok is None:
        return _Fault(f"expression ends unexpectedly after '{text[prev.start_pos:prev.end_pos]}'",
                      prev.end_pos)
    typed = text[tok.start_pos:tok.end_pos]
    if tok.type == "NUMBER" and prev is not None and prev.type in _OPERAND_END:
        return _Fault(f"missing operator before the number '{typed}'", tok.start_pos)
    if prev is not None and _OPENERS.get(prev.type) == tok.type:
        return _Fault(f"empty brackets '{text[prev.start_pos:prev.end_pos]}{typed}'",
                      tok.start_pos)
    return _Fault(f"unexpected '{typed}'", tok.start_pos)


def _parse_tokens(text: str, tokens: list[Token]) -> Tree:
    interactive = _lark().parse_interactive()
    index = 0
    try:
        for index, tok in enumerate(tokens):
            interactive.feed_token(tok)
        index = len(tokens)
        return interactive.feed_eof(tokens[-1])
    except UnexpectedToken:
        raise _syntax_fault(text, tokens, index) from None


def _check_length(text: str, max_length: int) -> None:
    if len(text) > max_length:
        raise _Fault(f"expression is too long ({len(text)} characters, at most {max_length})",
                     max_length)


def _read(text: str, max_length: int, max_depth: int) -> sp.Expr:
    _check_length(text, max_length)
    if not text.strip():
        raise _Fault("empty expression", 0)
    _check_bracket_depth(text, max_depth)
    try:
        tokens = list(_lark().lex(text))
    except UnexpectedCharacters as err:
        raise _Fault(f"unexpected character {_shown(text[err.pos_in_stream])}",
                     err.pos_in_stream) from None
    if not tokens:
        raise _Fault("empty expression", 0)
    tree = _parse_tokens(text, tokens)
    _check_tree_depth(tree, max_depth)
    try:
        return _Builder().transform(tree)
    except VisitError as err:
        raise err.orig_exc from None


# ------------------------------------------------------------------------------------------
# Public interface
# ------------------------------------------------------------------------------------------
def parse(text: str, *, max_length: int = MAX_LENGTH, max_depth: int = MAX_DEPTH,
          printed: bool = False, names=frozenset()) -> sp.Expr:
    """Read ``text`` into an unevaluated SymPy expression; raise :class:`ParseError`.

    ``printed``: read derive's own output too (the read-back of every displayed formula,
    ``derive.present.readback``): SymPy's names ``Abs``, ``sgn``/``sign`` and ``E`` (Euler's
    number, not a variable), ``\\mathit{rate}`` as one name, and the derivative operators
    ``d/dx[…]``, ``d/dx (…)``, ``∂/∂x f(x, y)``, ``\\frac{d}{dx}\\left[…\\right]`` (a SymPy
    ``Derivative``).  ``names``: multi-letter variable names the text may contain
    (``rate``), read as one name rather than letter by letter (only with ``printed``).
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}", "", 0)
    # the multi-letter names, and E where it is the reader's variable (not Euler's number)
    token = _DIALECT.set((bool(printed), frozenset(n for n in names if n.isalpha()
                                                   and (len(n) > 1 or n == "E"))
                          if printed else frozenset()))
    try:
        return _read(text, max_length, max_depth)
    except _Fault as fault:
        raise ParseError(fault.message, text, fault.column or 0) from None
    except ParseError:
        raise
    except UnexpectedInput as err:  # pragma: no cover - every lark error is handled above
        raise ParseError(f"could not read the expression: {type(err).__name__}", text,
                         getattr(err, "pos_in_stream", 0) or 0) from None
    except (RecursionError, MemoryError, ArithmeticError, TypeError, ValueError) as err:
        # Last line of defence: report, never crash.  Tests treat this message as a bug.
        raise ParseError(f"internal error while reading the expression ({type(err).__name__})",
                         text, 0) from None
    finally:
        _DIALECT.reset(token)


def typed_decimals(text) -> bool:
    """Whether a number of ``text`` is written with a decimal point (``0.5``, ``x^1.9``): its
    answer is then written in decimals too (``derive.core.forms.decimal_numbers``).  False for
    text that does not lex (the parser reports that)."""
    if not isinstance(text, str) or "." not in text:
        return False
    try:
        return any(t.type == "NUMBER" and "." in t.value for t in _lark().lex(text))
    except (UnexpectedInput, _Fault, ParseError):
        return False


def parse_symbol(text: str) -> sp.Symbol:
    """Read one variable name (``x``, ``x1``, ``w_2``, ``theta``, ``θ``) into its Symbol."""
    expr = parse(text)
    if isinstance(expr, sp.Symbol):
        return expr
    column = len(text) - len(text.lstrip())
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 30 else shown[:27] + "..."
    if expr in (sp.E, sp.pi):
        raise ParseError(f"'{shown}' is a constant, not a variable", text, column)
    raise ParseError(f"expected a single variable name like x, x1 or theta, not '{shown}'",
                     text, column)


def _split_top_level(text: str, separator: str) -> list[tuple[int, int]]:
    """Spans of ``text`` between separators that are outside brackets."""
    spans, depth, start = [], 0, 0
    for column, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            spans.append((start, column))
            start = column + 1
    spans.append((start, len(text)))
    return spans


def _shifted(err: ParseError, text: str, offset: int) -> ParseError:
    return ParseError(err.message, text, offset + err.column)


def _point_entry(text: str, start: int, end: int) -> tuple[sp.Symbol, sp.Expr]:
    """One ``NAME=VALUE`` of a point, with errors reported in columns of the whole text."""
    segment = text[start:end]
    equals = segment.find("=")
    if equals < 0 or not segment[:equals].strip() or not segment[equals + 1:].strip():
        blank = len(segment) - len(segment.lstrip())
        raise ParseError(POINT_SYNTAX, text, start + (equals if equals >= 0 else blank))
    try:
        symbol = parse_symbol(segment[:equals])
    except ParseError as err:
        raise _shifted(err, text, start) from None
    value_start = start + equals + 1
    try:
        value = parse(text[value_start:end])
    except ParseError as err:
        raise _shifted(err, text, value_start) from None
    if value.free_symbols or value.atoms(AppliedUndef):
        blank = len(text[value_start:end]) - len(text[value_start:end].lstrip())
        raise ParseError(f"the value of {symbol} must be a number", text, value_start + blank)
    return symbol, value


def parse_point(text: str) -> dict[sp.Symbol, sp.Expr]:
    """Read ``"x=1, y=pi/2"`` into ``{x: 1, y: pi/2}``; the values must be constants."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}", "", 0)
    try:
        _check_length(text, MAX_LENGTH)
    except _Fault as fault:
        raise ParseError(fault.message, text, fault.column) from None
    if not text.strip():
        raise ParseError(POINT_SYNTAX, text, 0)
    point: dict[sp.Symbol, sp.Expr] = {}
    for start, end in _split_top_level(text, ","):
        symbol, value = _point_entry(text, start, end)
        if symbol in point:
            name_column = start + len(text[start:end]) - len(text[start:end].lstrip())
            raise ParseError(f"{symbol} is given twice", text, name_column)
        point[symbol] = value
    return point


def is_vector(text: str) -> bool:
    """Whether the text is a bracketed list of components, ``[f1, f2, …]``."""
    stripped = text.strip()
    return stripped.startswith("[") and stripped.endswith("]")


def vector_components(text: str) -> tuple[tuple[str, int], ...]:
    """The components of ``"[3x^2 y, 2x + y^2]"`` as text, each with the column where it
    starts (a component may itself be a bracketed row: ``[[a, b], [c, d]]``)."""
    if not is_vector(text):
        raise ParseError("expected a vector written as [f1, f2, ...]", text, 0)
    opening = text.index("[")
    closing = text.rindex("]")
    components = []
    for start, end in _split_top_level(text[opening + 1:closing], ","):
        start, end = start + opening + 1, end + opening + 1
        if not text[start:end].strip():
            raise ParseError("empty component in the vector", text, start)
        components.append((text[start:end], start))
    return tuple(components)


def parse_vector(text: str) -> tuple[sp.Expr, ...]:
    """Read ``"[3x^2 y, 2x + y^2]"`` into its components, each read by ``parse``; errors are
    reported at their column in the whole text."""
    components = []
    for component, start in vector_components(text):
        try:
            components.append(parse(component))
        except ParseError as err:
            raise _shifted(err, text, start) from None
    return tuple(components)


DEFINITION_SYNTAX = "expected NAME=EXPRESSION, such as u=x^2"


def parse_definition(text: str) -> tuple[sp.Symbol, sp.Expr]:
    """Read ``"u = x^2"`` (an intermediate variable defined by the user) into (u, x²)."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, not {type(text).__name__}", "", 0)
    equals = text.find("=")
    if equals < 0 or not text[:equals].strip() or not text[equals + 1:].strip():
        raise ParseError(DEFINITION_SYNTAX, text, max(equals, 0))
    try:
        name = parse_symbol(text[:equals])
    except ParseError as err:
        raise ParseError(f"{err.message} (the name before '=')", text, err.column) from None
    try:
        definition = parse(text[equals + 1:])
    except ParseError as err:
        raise _shifted(err, text, equals + 1) from None
    return name, definition
