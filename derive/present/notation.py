"""How the solution writes its formulas: one line of Unicode text, and LaTeX.

Both printers write mathematics the way a teacher writes it on the board, not the way SymPy
spells it for a programmer.  They share every decision about *layout* (what is a fraction, what
is grouped, how two factors are joined, where a minus sign goes); each printer only supplies the
glyphs.  The shared part lives in :class:`_BoardLayout`; :class:`TextPrinter` (Unicode, built on
SymPy's ``StrPrinter``) and :class:`LatexBoardPrinter` (built on SymPy's ``LatexPrinter``) are
the two renderings.

Conventions (text / LaTeX)
--------------------------
Order
    ``order=None`` sorts terms and factors the way SymPy does (``3x² + 2x + 1``); ``order="none"``
    prints the arguments of sums and products in the order they are stored, so an expression
    built with ``evaluate=False`` keeps the user's order (``x + x²``).  Any other SymPy order
    name (``"lex"``, ``"grlex"``, ``"old"`` …) is passed on to SymPy.
Signs
    Text uses the ASCII hyphen-minus ``-`` for minus (it survives every terminal and copy/paste;
    the Unicode minus does not).  Factors of -1 and negative numeric factors anywhere in a product,
    nested unevaluated products included, are collected into one sign in front: ``Mul(-1, x)``
    prints ``-x``, ``Add(x, Mul(-1, y))`` prints ``x - y``; an even number of them cancels.
Sums
    Nested sums are flattened (``x + y + z``); a negated sum is parenthesised: ``x - (y + z)``.
Products
    Juxtaposition where it is unambiguous (``2x``, ``3xy``, ``x(x + 1)``, ``(x + 1)(x - 1)``,
    ``2√x``, ``2eˣ``), a space before a function name or a power of e that does not follow a
    number (``6x² cot(x³)``, ``2 sin(x)``, ``x eˣ``), and ``·`` (``\\cdot``) where juxtaposition
    would misread: between powers of the same letter (``x·xˣ``, ``x²·xˣ``), before a number
    (``2·3``, ``x·2``, ``x·2ˣ``), after a function call, a root,
    an absolute value, a power of a number or a power written with ``^(…)`` (``sin(x)·x``,
    ``√x·x``, ``|x|·|y|``, ``3ˣ·x³``, ``x^(1/x)·(x + 1)``), next to a multi-letter name, the
    number 1 or a fraction.
    Products built with ``evaluate=False`` that are not in SymPy's evaluated form keep their
    factors as built, and:

    * a typed division – factors followed only by reciprocals, ``Mul(a, Pow(b, -1))`` as SymPy
      and the parser build ``a/b`` – prints as the fraction ``a/b``;
    * a product with a factor that is a fraction or itself a product is *shown as a product*:
      ``·`` between all factors, a plain number still sticking to the factor after it as its
      coefficient: ``Mul(1/w, 2, v, cos(u), 3x², evaluate=False)`` → ``(1/w)·2v·cos(u)·3x²``
      (LaTeX ``\\frac{1}{w} \\cdot 2 v \\cdot \\cos\\left(u\\right) \\cdot 3 x^{2}``);
      fractions inside are parenthesised in text and bare in LaTeX;
    * any other such product is joined like an evaluated one, except that two letters are not
      run together (``Mul(x, x)`` → ``x·x``).  The number of factors alone does not decide,
      so a user's ``eˣ sin(x) cos(x)`` looks the same in either factor order.

Fractions
    An evaluated product with negative numeric powers or a rational coefficient is written as one
    fraction: ``1/x``, ``1/x²``, ``3/(2x)``, ``sin(x)/x²``, ``3x/2``; in LaTeX ``\\frac{…}{…}``
    (inside an exponent LaTeX also uses the slash: ``e^{x/2}``).  Only *numeric* negative
    exponents make fractions; symbolic ones stay powers: ``e^(-x)``, ``x^(-n)``.
Powers
    Text uses superscripts when the exponent is a non-negative integer, a one-letter symbol or a
    positive integer times a one-letter symbol and every character has a superscript form
    (``x²``, ``x¹⁰``, ``xⁿ``, ``eˣ``, ``e²ˣ``); otherwise ``^`` and parentheses
    (``e^(x²)``, ``e^(-x)``, ``2^(3x + 1)``, ``x^(2/3)``; a lone symbol needs none: ``x^π``).
    Exponent 1/2, 1/3, 1/4 are roots: ``√x``, ``∛x``, ``∜x``, ``√(x + 1)``; ``\\sqrt{x}``,
    ``\\sqrt[3]{x}``.  Integer powers ≥ 2 of trigonometric and hyperbolic functions go on the
    name: ``sin²(x³)``, ``\\sin^{2}\\left(x^{3}\\right)``; other functions are parenthesised:
    ``(ln(x))²``, ``(f(x))²``.
Functions
    ``ln`` for ``log``; ``log₂(x)``, ``log_b(x)`` for :class:`~derive.functions.LogBase`
    (``\\log_{2}``); ``|x|`` (``\\left\\lvert x \\right\\rvert``, never a bare ``|``, which
    would end a Markdown table cell); ``sgn`` (``\\operatorname{sgn}``); ``eˣ`` for
    ``exp``; ``cot``, ``sec``, ``csc`` kept.  Inverse trigonometric functions are ``arcsin``,
    ``arccos``, ``arctan``, ``arccot``, ``arcsec``, ``arccsc``; inverse hyperbolic functions are
    the ISO 80000-2 *area* functions ``arsinh``, ``arcosh``, ``artanh``, ``arcoth``, ``arsech``,
    ``arcsch`` (never ``sinh⁻¹``, which reads as a reciprocal).  LaTeX uses the amsmath-free
    commands that exist (``\\arcsin``, ``\\sinh``…) and ``\\operatorname{…}`` for the rest.
    Arguments are always in parentheses: ``sin(x)``, ``\\sin\\left(x\\right)``.
Derivatives
    ``f′(x)``, ``f″(x)``, ``f‴(x)``, ``f⁽⁴⁾(x)`` (``f'``, ``f''``, ``f'''``, ``f^{(4)}``) for a
    derivative of an undefined one-argument function, whether SymPy writes it as
    ``Derivative(f(x), x)``, ``Derivative(f(g(x)), g(x))`` or
    ``Subs(Derivative(f(ξ), ξ), ξ, g(x))`` – all three print ``f′(g(x))`` for the last two.
    Any other derivative prints as an operator: ``d/dx (x sin(x))``, ``∂/∂x f(x, y)``.
Names
    :func:`name_text` / :func:`name_latex`: Greek names become letters (``θ``, ``\\theta``);
    subscripts (``u_1``, ``x1``) become Unicode subscripts where every character has one
    (``u₁``, ``xᵢ``) and ``x_b`` otherwise; LaTeX ``u_{1}``.  Multi-letter names are
    ``\\mathit{rate}`` in LaTeX.
Other
    ``π``, ``∞``, ``i``; Floats in their shortest form (``0.1``, ``1.5×10⁻⁸``); relations
    ``x ≠ 0`` (``x \\neq 0``), ``≤``, ``≥``; ``And``/``Or`` as ``… and …``.

The LaTeX output needs only amsmath (for ``\\operatorname``, ``\\text`` and ``\\lvert``) and
is meant for math mode, e.g. inside ``align*``; it carries no ``$`` delimiters.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter, accepted_latex_functions
from sympy.printing.latex import translate as _latex_translate
from sympy.printing.pretty.pretty_symbology import greek_unicode
from sympy.printing.str import StrPrinter

from derive.core.forms import as_decimals, split_sign
from derive.errors import use_expression_writer
from derive.functions import LogBase

__all__ = [
    "leibniz_sequence_text", "leibniz_sequence_latex", "matrix_text", "matrix_latex",
    "to_text", "to_latex", "name_text", "name_latex", "leibniz_text", "leibniz_latex",
    "TextPrinter", "LatexBoardPrinter",
]


# ---------------------------------------------------------------------------------------------
# Tables

#: SymPy function class name -> (text name, LaTeX command).
_FUNCTIONS = {
    "sin": ("sin", r"\sin"), "cos": ("cos", r"\cos"), "tan": ("tan", r"\tan"),
    "cot": ("cot", r"\cot"), "sec": ("sec", r"\sec"), "csc": ("csc", r"\csc"),
    "sinh": ("sinh", r"\sinh"), "cosh": ("cosh", r"\cosh"), "tanh": ("tanh", r"\tanh"),
    "coth": ("coth", r"\coth"), "sech": ("sech", r"\operatorname{sech}"),
    "csch": ("csch", r"\operatorname{csch}"),
    "asin": ("arcsin", r"\arcsin"), "acos": ("arccos", r"\arccos"),
    "atan": ("arctan", r"\arctan"), "acot": ("arccot", r"\operatorname{arccot}"),
    "asec": ("arcsec", r"\operatorname{arcsec}"), "acsc": ("arccsc", r"\operatorname{arccsc}"),
    "asinh": ("arsinh", r"\operatorname{arsinh}"), "acosh": ("arcosh", r"\operatorname{arcosh}"),
    "atanh": ("artanh", r"\operatorname{artanh}"), "acoth": ("arcoth", r"\operatorname{arcoth}"),
    "asech": ("arsech", r"\operatorname{arsech}"), "acsch": ("arcsch", r"\operatorname{arcsch}"),
    "log": ("ln", r"\ln"), "sign": ("sgn", r"\operatorname{sgn}"),
}

#: Functions whose integer powers are written on the name: sin²(x).
_POWER_ON_NAME = frozenset(
    "sin cos tan cot sec csc sinh cosh tanh coth sech csch".split())

_RELATIONS = {  # SymPy rel_op -> (text, LaTeX)
    "==": ("=", "="), "!=": ("≠", r"\neq"), "<": ("<", "<"), "<=": ("≤", r"\leq"),
    ">": (">", ">"), ">=": ("≥", r"\geq"),
}

_SUPERSCRIPT = dict(zip(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzβγδθφχ",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵝᵞᵟᶿᵠᵡ"))
_SUBSCRIPT = dict(zip(
    "0123456789+-=()aehijklmnoprstuvxβγρφχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_PRIMES = {1: "′", 2: "″", 3: "‴"}
_ROOT_SIGNS = {2: "√", 3: "∛", 4: "∜"}


def _script(text: str, table: dict) -> str | None:
    """``text`` in super/subscript characters, or None if one of them has no such form."""
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    return None


# ---------------------------------------------------------------------------------------------
# Names

def _name_of(symbol) -> str:
    """The raw name of a Symbol, an (applied) undefined function or a string."""
    if isinstance(symbol, str):
        return symbol
    if isinstance(symbol, AppliedUndef):
        return symbol.func.__name__
    name = getattr(symbol, "name", None)
    return name if isinstance(name, str) else str(symbol)


def _greek(word: str) -> str:
    return greek_unicode.get(word, word)


def _is_word(symbol) -> bool:
    """A name whose main part is several letters (``rate``), not one (``x``, ``θ``, ``u₁``)."""
    base, _, _ = split_super_sub(_name_of(symbol))
    return len(_greek(base)) > 1


def name_text(symbol) -> str:
    """A variable name in text: ``theta`` → ``θ``, ``u_1``/``u1`` → ``u₁``, ``x_i`` → ``xᵢ``.

    A sub- or superscript without Unicode forms for all its characters is written ``x_b`` /
    ``x^b``.
    """
    base, supers, subs = split_super_sub(_name_of(symbol))
    out = _greek(base)
    for sub in subs:
        sub = _greek(sub)
        out += _script(sub, _SUBSCRIPT) or "_" + sub
    for sup in supers:
        sup = _greek(sup)
        out += _script(sup, _SUPERSCRIPT) or "^" + sup
    return out


def name_latex(symbol) -> str:
    r"""A variable name in LaTeX: ``theta`` → ``\theta``, ``u_1`` → ``u_{1}``, ``x12`` → ``x_{12}``.

    Multi-letter names are set as one word: ``rate`` → ``\mathit{rate}``.
    """
    base, supers, subs = split_super_sub(_name_of(symbol))
    out = _latex_translate(base)
    if out == base and len(base) > 1:
        out = r"\mathit{%s}" % base
    if subs:
        out += "_{%s}" % " ".join(_latex_translate(s) for s in subs)
    if supers:
        out += "^{%s}" % " ".join(_latex_translate(s) for s in supers)
    return out


# ---------------------------------------------------------------------------------------------
# Structure shared by both printers

# Kinds of the two ends of a factor, which decide how neighbouring factors are joined.
# NUMPOW ends a power of a number (2ˣ), CARET a power written with ^(…) (x^(2/3)).
NUM, ONE, FRAC, SYM, WORD, PAREN, FUNC, EXP, ABS, ROOT, NUMPOW, CARET = (
    "num", "one", "frac", "sym", "word", "paren", "func", "exp", "abs", "root", "numpow",
    "caret")
# Joints between factors.
DOT, SPACE, JUXTAPOSE = "dot", "space", "juxtapose"
# Forms of a power.
RECIPROCAL, RADICAL, POWER_ON_NAME, POWER = "reciprocal", "radical", "on-name", "power"


def _separator(left: str, right: str) -> str:
    """How two adjacent factors are joined, from the kind of the left one's end and the right
    one's start: ``·`` before a number, after a call, a root, |…|, a power of a number or a
    power written with ^(…), next to 1, a fraction or a multi-letter name (but eˣ(x + 1) and
    eˣ√(x² + 1): a power of e written with a superscript before a bracket or a root); a
    space before a function name
    (and before a power of e unless it follows a number); juxtaposition otherwise."""
    if right in (NUM, ONE, FRAC) or left in (ONE, FRAC):
        return DOT
    if right == FUNC:
        return SPACE
    if right == EXP:
        return JUXTAPOSE if left == NUM else SPACE
    if left == EXP and right in (PAREN, ROOT):     # eˣ(x + 1), eˣ√(x² + 1)
        return JUXTAPOSE
    if left in (FUNC, EXP, ABS, ROOT, WORD, NUMPOW, CARET) or right == WORD:
        return DOT
    return JUXTAPOSE


def _letter_base(expr):
    """The letter a factor is a power of (x for x, x² and xˣ), else None."""
    if expr.is_Symbol:
        return expr
    if expr.is_Pow and expr.base.is_Symbol:
        return expr.base
    return None


def _as_power(expr):
    """``(base, exponent)`` of a ``Pow`` or an ``exp``, else None."""
    if expr.is_Pow:
        return expr.base, expr.exp
    if isinstance(expr, sp.exp):
        return sp.E, expr.exp
    return None


def _power_form(base, exponent):
    """How a power is written: ``(RECIPROCAL, None)`` for a negative numeric exponent (1/x²),
    ``(RADICAL, n)`` for exponent 1/n with n = 2, 3, 4, ``(POWER_ON_NAME, None)`` for an integer
    power ≥ 2 of a trigonometric or hyperbolic function, ``(POWER, None)`` otherwise."""
    if exponent.is_Number and exponent.is_extended_negative and exponent.is_finite:
        return RECIPROCAL, None
    if exponent.is_Rational and exponent.p == 1 and exponent.q in _ROOT_SIGNS:
        return RADICAL, exponent.q
    if (exponent.is_Integer and exponent >= 2 and base.is_Function
            and type(base).__name__ in _POWER_ON_NAME):
        return POWER_ON_NAME, None
    return POWER, None


def _reciprocal(base, exponent):
    """base**(-exponent), kept unevaluated (so 1/x² shows x², not something SymPy rewrote)."""
    return base if exponent == -1 else sp.Pow(base, -exponent, evaluate=False)


def _factor_group(factor, exponentials_first: bool = True) -> int:
    """0 numbers (π too), 1 variables and their powers, 2 exponentials (eˣ, 2ˣ) when
    ``exponentials_first``, 3 everything else (a stable sort key): x²eˣ,
    e²ˣ(2 sin(3x) + 3 cos(3x)), 2ˣ ln(2)."""
    if factor.is_Number or factor.is_NumberSymbol:
        return 0
    base, exponent = factor.as_base_exp()
    if base.is_Symbol:
        return 1
    if exponentials_first and (isinstance(factor, sp.exp)
                               or (base.is_number and not exponent.is_number)):
        return 2
    return 3


def _is_reciprocal(expr) -> bool:
    """1/q or b**(-n): a factor that a typed division ``a/b`` leaves in a product."""
    if expr.is_Rational:
        return expr.p == 1 and expr.q > 1
    power = _as_power(expr)
    return bool(power) and _power_form(*power)[0] == RECIPROCAL


def _simple_exponent(exponent) -> bool:
    """An exponent text may write as superscript: a non-negative integer, a one-letter symbol,
    or a positive integer times a one-letter symbol (² ˣ ²ˣ)."""
    if exponent.is_Integer:
        return exponent >= 0
    if exponent.is_Symbol:
        return not _is_word(exponent)
    return (exponent.is_Mul and len(exponent.args) == 2 and exponent.args[0].is_Integer
            and exponent.args[0] > 0 and exponent.args[1].is_Symbol
            and not _is_word(exponent.args[1]))


def _is_call(expr) -> bool:
    """A function application written name(…): sin, ln, f, LogBase, |…| (not exp)."""
    return expr.is_Function and not isinstance(expr, sp.exp)


def _base_needs_group(base) -> bool:
    """Whether a power's base is parenthesised: everything but symbols, constants, |x| and
    non-negative numbers: ``(x + 1)²``, ``(2x)³``, ``(ln(x))²``, ``(-2)²``, ``(1/2)ˣ``."""
    if base.is_Symbol or base.is_NumberSymbol or base is sp.I or isinstance(base, sp.Abs):
        return False
    if base.is_Integer or base.is_Float:
        return bool(base.is_negative)
    return True


def _radicand_needs_group(base) -> bool:
    """Whether text parenthesises what is under √: not for a symbol, a constant, a non-negative
    integer or a function call (``√x``, ``√2``, ``√sin(x)``); yes otherwise (``√(x + 1)``)."""
    if base.is_Symbol or base.is_NumberSymbol or _is_call(base):
        return False
    if base.is_Integer:
        return bool(base.is_negative)
    return True


def _prime_form(derivative):
    """``(function, order, argument)`` when a Derivative is f⁽ⁿ⁾ of an undefined function of one
    argument, differentiated only with respect to that argument; else None."""
    inner = derivative.expr
    if not isinstance(inner, AppliedUndef) or len(inner.args) != 1:
        return None
    arg = inner.args[0]
    if any(v != arg for v, _ in derivative.variable_count):
        return None
    return inner.func, derivative.derivative_count, arg


@dataclass(frozen=True)
class _Product:
    """How a product is laid out: the factors above and below the bar (no bar when
    ``denominator`` is empty); ``stored``: not SymPy's evaluated form, factors kept as built;
    ``dotted``: ``·`` between all factors (see :meth:`_BoardLayout._product`)."""

    stored: bool
    numerator: tuple
    denominator: tuple = ()
    dotted: bool = False


@functools.lru_cache(maxsize=None)
def _own_methods(printer_class) -> frozenset:
    """Names of the ``_print_*`` methods defined by this module's printer classes."""
    return frozenset(name for klass in printer_class.__mro__ if issubclass(klass, _BoardLayout)
                     for name in vars(klass) if name.startswith("_print_"))


class _BoardLayout:
    """The layout both printers share.  A concrete printer provides the rendering hooks:

    ``_JOINTS`` (glyphs for DOT/SPACE/JUXTAPOSE), ``_COLUMN`` (0 = text, 1 = LaTeX in the name
    tables), ``_paren``, ``_fraction_factor``, ``_render_fraction``, ``_render_root``,
    ``_render_power``, ``_render_call``, ``_render_abs``, ``_render_leibniz``,
    ``_render_primes``, ``_subscripted``, ``_render_scientific``, ``_render_subs``, ``_name``,
    ``_other_function_name`` and the constants ``_PI``, ``_INFINITY``, ``_AND``, ``_OR``.
    """

    # -- dispatch --------------------------------------------------------------------------------

    def _print(self, expr, **kwargs):
        """SymPy's dispatch, except that a method of this module for the expression's own class
        wins over the object's ``_sympystr`` / ``_latex`` (LogBase brings both, in SymPy's
        style); objects this module does not know keep printing themselves."""
        name = "_print_" + type(expr).__name__
        if not isinstance(expr, AppliedUndef) and name in _own_methods(type(self)):
            self._print_level += 1
            try:
                return getattr(self, name)(expr, **kwargs)
            finally:
                self._print_level -= 1
        return super()._print(expr, **kwargs)

    # -- ordering ------------------------------------------------------------------------------

    def _terms(self, expr):
        """The terms of a sum in print order, nested sums flattened; a sum that is not a
        polynomial starts with a positive term where it has one, as a book writes it
        (3/√x − 4/x², eˣ cos(x) − eˣ sin(x); a polynomial keeps its descending powers)."""
        terms = []
        for term in self._as_ordered_terms(expr):
            terms.extend(self._terms(term) if term.is_Add else [term])
        if (self.order not in ("none", "old") and terms and split_sign(terms[0])[0]
                and not expr.is_polynomial()):
            positive = next((t for t in terms if not split_sign(t)[0]), None)
            if positive is not None:
                terms.remove(positive)
                terms.insert(0, positive)
        yield from terms

    def _factors(self, expr):
        """The factors of a product in print order (stored order for ``order="none"``):
        SymPy's order, except that powers of variables come before other powers, as a
        teacher writes 2x·3^(x²) ln 3 (SymPy: 2·3^(x²)·x·ln 3)."""
        if self.order in ("none", "old"):
            return list(expr.args)
        factors = expr.as_ordered_factors()
        # an exponential goes before one bracket, e²ˣ(2 sin(3x) + 3 cos(3x)), x eˣ(x + 2), as
        # books print it; in a longer product after the other factors, (x + 1)(x + 2)eˣ
        short = sum(1 for f in factors if _factor_group(f, False) == 3
                    and not _is_reciprocal(f)) <= 2
        return sorted(factors, key=lambda f: _factor_group(f, short))

    # -- products --------------------------------------------------------------------------------

    def _product(self, expr) -> _Product:
        """Lay out a product without sign (see :func:`derive.core.forms.split_sign`).

        An evaluated product is one fraction: numeric negative powers and the denominator of a
        rational coefficient go below the bar (``3/(2x)``).  A stored product (built with
        ``evaluate=False``, not in SymPy's form) keeps its factors as built:

        * a typed division – factors followed only by reciprocals, ``Mul(a, b, Pow(c, -1))`` –
          is the fraction ``ab/c``;
        * otherwise, a product with a factor that is a fraction or itself a product is *shown as
          a product*: ``·`` between all factors, ``(1/w)·2v·cos(u)·3x²``;
        * any other stored product is joined like an evaluated one, except that two letters are
          not run together (``x·x``).
        """
        factors = self._factors(expr)
        if sp.Mul(*expr.args) != expr:
            cut = len(factors)
            while cut > 0 and _is_reciprocal(factors[cut - 1]):
                cut -= 1
            if 0 < cut < len(factors) and not any(map(_is_reciprocal, factors[:cut])):
                numerator = factors[:cut] if factors[:cut] != [sp.S.One] else []
                denominator = [sp.Integer(f.q) if f.is_Rational else _reciprocal(*_as_power(f))
                               for f in factors[cut:]]
                return _Product(True, tuple(numerator), tuple(denominator),
                                self._shows_product(numerator))
            return _Product(True, tuple(factors), (), self._shows_product(factors))
        numerator, denominator = [], []
        for f in factors:
            power = _as_power(f)
            if f.is_Rational and not f.is_Integer:
                if f.p != 1:
                    numerator.append(sp.Integer(f.p))
                denominator.append(sp.Integer(f.q))
            elif power and _power_form(*power)[0] == RECIPROCAL:
                denominator.append(_reciprocal(*power))
            else:
                numerator.append(f)
        return _Product(False, tuple(numerator), tuple(denominator))

    def _shows_product(self, factors) -> bool:
        """Whether stored factors are separated by ``·``: one of them is a fraction or a
        product itself, so juxtaposition would blur where each factor ends."""
        return any(self._kinds(f)[0] == FRAC or split_sign(f)[1].is_Mul for f in factors)

    def _kinds(self, expr):
        """``(start, end)`` kinds of ``expr`` written as a factor of a product."""
        negative, magnitude = split_sign(expr)
        if negative or expr.is_Add or expr.is_Relational:
            return PAREN, PAREN
        if magnitude is not expr:  # signs that cancelled
            return self._kinds(magnitude)
        if expr.is_Number:
            if expr == 1:
                return ONE, ONE
            return (FRAC, FRAC) if expr.is_Rational and not expr.is_Integer else (NUM, NUM)
        if expr.is_Symbol:
            return (WORD, WORD) if _is_word(expr) else (SYM, SYM)
        if expr.is_NumberSymbol or expr is sp.I or expr is sp.oo:
            return SYM, SYM
        if expr.is_Mul:
            layout = self._product(expr)
            if layout.denominator:
                return FRAC, FRAC
            return self._kinds(layout.numerator[0])[0], self._kinds(layout.numerator[-1])[1]
        power = _as_power(expr)
        if power:
            form, _ = _power_form(*power)
            base, _ = power
            if form == RECIPROCAL:
                return FRAC, FRAC
            if form == RADICAL:
                return ROOT, ROOT
            if form == POWER_ON_NAME:
                return FUNC, FUNC
            if base is sp.E:   # eˣ(x + 1) as printed; e^(x + 1)·(x + 2) keeps its dot
                return EXP, (EXP if _simple_exponent(power[1]) else CARET)
            start, end = (PAREN, PAREN) if _base_needs_group(base) else self._kinds(base)
            if not _simple_exponent(power[1]):
                end = CARET
            elif end in (NUM, ONE):
                end = NUMPOW
            return start, end
        if isinstance(expr, sp.Abs):
            return ABS, ABS
        if expr.is_Function or isinstance(expr, (sp.Derivative, sp.Subs)):
            return FUNC, FUNC
        return PAREN, PAREN

    def _factor(self, expr) -> str:
        """One factor of a product: sums, negative factors and relations in parentheses,
        fractions through ``_fraction_factor`` (parenthesised in text)."""
        text = self._print(expr)
        start, _ = self._kinds(expr)
        if start == PAREN and (expr.is_Add or expr.is_Relational or split_sign(expr)[0]):
            return self._paren(text)
        if start == FRAC:
            return self._fraction_factor(text)
        return text

    def _join(self, factors, dotted=False, stored=False) -> str:
        """Factors joined by the joints of :func:`_separator`.  ``dotted``: ``·`` between all
        factors, except that a plain number stays the coefficient of the factor after it.
        ``stored`` (a product shown as built): two letters are not run together either
        (``x·x``, ``y·x²``), as that would read as SymPy's evaluated product."""
        out, previous = "", None
        for f in factors:
            start, end = self._kinds(f)
            if previous is not None:
                p_expr, p_end = previous
                joint = _separator(p_end, start)
                if dotted and not (p_end == NUM and p_expr.is_Number and joint != DOT):
                    joint = DOT
                if stored and p_end == SYM and start == SYM:
                    joint = DOT
                if joint == JUXTAPOSE and _letter_base(p_expr) is not None and \
                        _letter_base(p_expr) == _letter_base(f):
                    joint = DOT         # x·xˣ, x²·xˣ: not xxˣ, x²xˣ
                out += self._JOINTS[joint]
            out += self._factor(f)
            previous = (f, end)
        return out

    def _fraction(self, numerator, denominator, dotted=False, stored=False) -> str:
        """numerator/denominator from factor lists (an empty numerator is 1)."""
        def side(factors):
            if len(factors) == 1:
                return self._print(factors[0])
            return self._join(factors, dotted, stored)
        top = side(numerator) if numerator else self._print(sp.S.One)
        bottom = side(denominator)
        top_group = len(numerator) == 1 and numerator[0].is_Add
        only = denominator[0]
        bottom_group = (len(denominator) > 1 or only.is_Add or only.is_Mul or only.is_Relational
                        or self._kinds(only)[0] == FRAC
                        or split_sign(only)[0])   # 1/(-2), 1/(-3/4)
        return self._render_fraction(top, bottom, top_group, bottom_group)

    def _inline_fraction(self, top, bottom, top_group, bottom_group) -> str:
        """a/b with grouped sides in parentheses: ``(x + 1)/x``, ``3/(2x)``."""
        if top_group:
            top = self._paren(top)
        if bottom_group:
            bottom = self._paren(bottom)
        return "%s/%s" % (top, bottom)

    # -- SymPy printer methods ------------------------------------------------------------------

    def _print_Add(self, expr, **kwargs):
        """Terms joined by `` + `` and `` - ``; a negated sum is parenthesised."""
        out = ""
        for i, term in enumerate(self._terms(expr)):
            negative, magnitude = split_sign(term)
            text = self._print(magnitude)
            if magnitude.is_Add:
                text = self._paren(text)
            if i == 0:
                out = "-" + text if negative else text
            else:
                out += (" - " if negative else " + ") + text
        return out

    def _print_Mul(self, expr, **kwargs):
        """Sign in front, then a fraction or a product of factors (see :meth:`_product`)."""
        negative, magnitude = split_sign(expr)
        if magnitude is not expr:
            text = self._print(magnitude)
            return ("-" if negative else "") + (self._paren(text) if magnitude.is_Add else text)
        layout = self._product(expr)
        if layout.denominator:
            return self._fraction(layout.numerator, layout.denominator, layout.dotted,
                                  layout.stored)
        return self._join(layout.numerator, layout.dotted, layout.stored)

    def _print_Pow(self, expr, **kwargs):
        """Powers, roots and reciprocals (see :func:`_power_form`)."""
        return self._power(expr.base, expr.exp)

    def _print_exp(self, expr, **kwargs):
        """exp(a) is the power e^a."""
        return self._power(sp.E, expr.exp)

    def _power(self, base, exponent) -> str:
        form, n = _power_form(base, exponent)
        if form == RECIPROCAL:
            return self._fraction((), (_reciprocal(base, exponent),))
        if form == RADICAL:
            return self._render_root(n, self._print(base), _radicand_needs_group(base))
        if form == POWER_ON_NAME:
            return self._print_Function(base, exp=exponent)
        text = self._print(base)
        if _base_needs_group(base):
            text = self._paren(text)
        return self._render_power(text, exponent)

    def _print_Rational(self, expr, **kwargs):
        """Integers as digits, other rationals as p/q (``\\frac{p}{q}``)."""
        if expr.is_Integer:
            return str(expr.p)
        if expr.is_negative:
            return "-" + self._print(-expr)
        return self._fraction((sp.Integer(expr.p),), (sp.Integer(expr.q),))

    _print_Integer = _print_Rational

    def _print_Float(self, expr, **kwargs):
        """The shortest decimal that reads back as the same double: 0.1, 2.5, 1.5×10⁻⁸."""
        if expr.is_negative:
            return "-" + self._print(-expr)
        text = repr(float(expr))
        if "e" in text:
            mantissa, power = text.split("e")
            return self._render_scientific(mantissa, int(power))
        return text

    def _print_Symbol(self, expr, **kwargs):
        """Names through :func:`name_text` / :func:`name_latex`."""
        return self._name(expr)

    _print_Dummy = _print_Symbol

    def _print_Exp1(self, expr, **kwargs):
        return "e"

    def _print_Pi(self, expr, **kwargs):
        return self._PI

    def _print_ImaginaryUnit(self, expr, **kwargs):
        return "i"

    def _print_Infinity(self, expr, **kwargs):
        return self._INFINITY

    def _print_NegativeInfinity(self, expr, **kwargs):
        return "-" + self._INFINITY

    def _function_name(self, expr) -> str:
        """Name of a function: the table, then the undefined function's own name."""
        entry = _FUNCTIONS.get(type(expr).__name__)
        if entry:
            return entry[self._COLUMN]
        if isinstance(expr, AppliedUndef):
            return self._name(expr)
        return self._other_function_name(type(expr).__name__)

    def _print_Function(self, expr, exp=None, **kwargs):
        """name(arguments); ``exp`` (integer ≥ 2) is written on the name: sin²(x)."""
        args = ", ".join(self._print(a) for a in expr.args)
        return self._render_call(self._function_name(expr), args, exp)

    def _print_log(self, expr, exp=None, **kwargs):
        """ln(x)."""
        return self._print_Function(expr, exp=exp)

    def _print_log_base(self, expr, exp=None, **kwargs):
        """log₂(x), log_b(x), ``\\log_{2}\\left(x\\right)`` for :class:`LogBase` (registered
        under the class's name below)."""
        arg, base = expr.args
        return self._render_call(self._subscripted("log", base), self._print(arg), None)

    def _print_Abs(self, expr, exp=None, **kwargs):
        """|x|, ``\\left\\lvert x \\right\\rvert``."""
        return self._render_abs(self._print(expr.args[0]))

    def _print_Derivative(self, expr, **kwargs):
        """f′(x) for an undefined function of one argument, else the operator d/dx (…)."""
        prime = _prime_form(expr)
        if prime:
            func, order, arg = prime
            return self._render_call(self._render_primes(self._name(func), order),
                                     self._print(arg), None)
        partial = len(expr.expr.free_symbols) > 1
        operator = self._render_leibniz(
            None, [(self._print(v), int(n)) for v, n in expr.variable_count], partial)
        return self._apply_operator(operator, expr.expr)

    def _apply_operator(self, operator, expr) -> str:
        """d/dx applied to an expression: ``d/dx (x sin(x))``, ``∂/∂x f(x, y)``."""
        body = self._print(expr)
        if not (expr.is_Symbol or _is_call(expr)):
            body = self._paren(body)
        return operator + " " + body

    def _print_Subs(self, expr, **kwargs):
        """f′(g(x)) for SymPy's chain-rule form Subs(Derivative(f(ξ), ξ), ξ, g(x))."""
        inner, variables, points = expr.args
        if isinstance(inner, sp.Derivative) and len(variables) == 1:
            prime = _prime_form(inner)
            if prime and prime[2] == variables[0]:
                func, order, _ = prime
                return self._render_call(self._render_primes(self._name(func), order),
                                         self._print(points[0]), None)
        where = ", ".join("%s = %s" % (self._print(v), self._print(p))
                          for v, p in zip(variables, points))
        return self._render_subs(self._print(inner), where)

    def _print_Relational(self, expr, **kwargs):
        """x ≠ 0, x ≤ 1 (``\\neq``, ``\\leq``)."""
        op = _RELATIONS.get(expr.rel_op, (expr.rel_op, expr.rel_op))[self._COLUMN]
        return "%s %s %s" % (self._print(expr.lhs), op, self._print(expr.rhs))

    def _print_And(self, expr, **kwargs):
        """Conditions joined with “and”."""
        return self._AND.join(self._print(a) for a in expr.args)

    def _print_Or(self, expr, **kwargs):
        return self._OR.join(self._print(a) for a in expr.args)

    # -- Leibniz notation ----------------------------------------------------------------------

    def _leibniz(self, of, wrt, partial=False, order=1) -> str:
        """d(of)/d(wrt)ⁿ; ``of`` None gives the operator d/dx, an expression d/dx (…)."""
        variables = [(self._name(wrt) if isinstance(wrt, (str, sp.Symbol))
                      else self._print(sp.sympify(wrt)), int(order))]
        if of is None:
            return self._render_leibniz(None, variables, partial)
        if isinstance(of, (str, sp.Symbol, AppliedUndef, sp.core.function.UndefinedFunction)):
            return self._render_leibniz(self._name(of), variables, partial)
        operator = self._render_leibniz(None, variables, partial)
        return self._apply_operator(operator, sp.sympify(of))


# SymPy dispatches on the class name: _print_LogBase, kept in step with derive.functions.
setattr(_BoardLayout, "_print_" + LogBase.__name__, _BoardLayout._print_log_base)


class TextPrinter(_BoardLayout, StrPrinter):
    """One-line Unicode, as a teacher writes on the board (see the module docstring)."""

    _COLUMN = 0
    _JOINTS = {DOT: "·", SPACE: " ", JUXTAPOSE: ""}
    _PI, _INFINITY, _AND, _OR = "π", "∞", " and ", " or "

    def _name(self, symbol) -> str:
        return name_text(symbol)

    def _other_function_name(self, name: str) -> str:
        return name

    def _paren(self, text: str) -> str:
        return "(%s)" % text

    def _fraction_factor(self, text: str) -> str:
        """A fraction inside a product is parenthesised: (1/w)·2v."""
        return self._paren(text)

    def _render_fraction(self, top, bottom, top_group, bottom_group) -> str:
        return self._inline_fraction(top, bottom, top_group, bottom_group)

    def _render_root(self, n, radicand, grouped) -> str:
        """√x, ∛x, √(x + 1)."""
        return _ROOT_SIGNS[n] + (self._paren(radicand) if grouped else radicand)

    def _render_power(self, base, exponent) -> str:
        """Superscript for an integer, a one-letter symbol or (positive integer)·symbol when
        every character has a superscript form; else ^ with the exponent in parentheses unless
        it is a lone symbol or a positive decimal (x^0.9)."""
        text = self._print(exponent)
        superscript = _script(text, _SUPERSCRIPT) if _simple_exponent(exponent) else None
        if superscript:
            return base + superscript
        if not (exponent.is_Symbol or exponent.is_NumberSymbol
                or exponent.is_Float and exponent.is_positive):
            text = self._paren(text)
        return "%s^%s" % (base, text)

    def _render_call(self, name, args, exp) -> str:
        """sin(x), sin²(x)."""
        power = "" if exp is None else _script(self._print(exp), _SUPERSCRIPT)
        return "%s%s(%s)" % (name, power, args)

    def _render_abs(self, text) -> str:
        return "|%s|" % text

    def _render_primes(self, name, order) -> str:
        """f′, f″, f‴, f⁽⁴⁾."""
        return name + (_PRIMES.get(order) or _script("(%d)" % order, _SUPERSCRIPT))

    def _subscripted(self, name, sub) -> str:
        """log₂, log₁₀, logₑ; log_b where the subscript has no Unicode form."""
        text = self._print(sub)
        script = _script(text, _SUBSCRIPT)
        if script:
            return name + script
        if not (sub.is_Symbol or sub.is_Integer):
            text = self._paren(text)
        return "%s_%s" % (name, text)

    def _render_leibniz(self, of, variables, partial) -> str:
        """dy/dx, ∂u₂/∂x, d²y/dx², d/dx."""
        d = "∂" if partial else "d"
        total = sum(n for _, n in variables)
        top = d + (_script(str(total), _SUPERSCRIPT) if total > 1 else "") + (of or "")
        bottom = "".join(d + v + (_script(str(n), _SUPERSCRIPT) if n > 1 else "")
                         for v, n in variables)
        return "%s/%s" % (top, bottom)

    def _render_scientific(self, mantissa, power) -> str:
        return "%s×10%s" % (mantissa, _script(str(power), _SUPERSCRIPT))

    def _render_subs(self, inner, where) -> str:
        return "(%s)|_(%s)" % (inner, where)


class LatexBoardPrinter(_BoardLayout, LatexPrinter):
    """LaTeX math as a teacher writes it (see the module docstring); amsmath suffices."""

    _COLUMN = 1
    _JOINTS = {DOT: r" \cdot ", SPACE: " ", JUXTAPOSE: " "}
    _PI, _INFINITY, _AND, _OR = r"\pi", r"\infty", r" \text{ and } ", r" \text{ or } "

    def __init__(self, settings=None):
        super().__init__(dict({"ln_notation": True}, **(settings or {})))
        self._exponent_depth = 0

    def _name(self, symbol) -> str:
        return name_latex(symbol)

    def _other_function_name(self, name: str) -> str:
        return "\\" + name if name in accepted_latex_functions else r"\operatorname{%s}" % name

    def _paren(self, text: str) -> str:
        return r"\left(%s\right)" % text

    def _fraction_factor(self, text: str) -> str:
        """\\frac needs no parentheses inside a product."""
        return text if self._exponent_depth == 0 else self._paren(text)

    def _render_fraction(self, top, bottom, top_group, bottom_group) -> str:
        """\\frac{top}{bottom}; inline a/b inside an exponent (e^{x/2})."""
        if self._exponent_depth:
            return self._inline_fraction(top, bottom, top_group, bottom_group)
        return r"\frac{%s}{%s}" % (top, bottom)

    def _render_root(self, n, radicand, grouped) -> str:
        return r"\sqrt{%s}" % radicand if n == 2 else r"\sqrt[%d]{%s}" % (n, radicand)

    def _superscript(self, exponent) -> str:
        self._exponent_depth += 1
        try:
            return "^{%s}" % self._print(exponent)
        finally:
            self._exponent_depth -= 1

    def _render_power(self, base, exponent) -> str:
        return base + self._superscript(exponent)

    def _render_call(self, name, args, exp) -> str:
        r"""\sin\left(x\right), \sin^{2}\left(x\right)."""
        power = "" if exp is None else self._superscript(exp)
        return r"%s%s\left(%s\right)" % (name, power, args)

    def _render_abs(self, text) -> str:
        r"""\left\lvert x \right\rvert: amsmath's bars, which no Markdown table reads as a
        cell border (a bare ``|`` ends the cell)."""
        return r"\left\lvert %s \right\rvert" % text

    def _render_primes(self, name, order) -> str:
        """f', f'', f''', f^{(4)}."""
        return name + ("'" * order if order <= 3 else "^{(%d)}" % order)

    def _subscripted(self, name, sub) -> str:
        return r"\%s_{%s}" % (name, self._print(sub))

    def _render_leibniz(self, of, variables, partial) -> str:
        r"""\frac{dy}{dx}, \frac{\partial u_{2}}{\partial x}, \frac{d^{2}y}{dx^{2}}."""
        d = r"\partial" if partial else "d"
        gap = " " if partial else ""
        total = sum(n for _, n in variables)
        top = d + ("^{%d}" % total if total > 1 else "") + (gap + of if of else "")
        bottom = " ".join(d + gap + v + ("^{%d}" % n if n > 1 else "") for v, n in variables)
        return r"\frac{%s}{%s}" % (top, bottom)

    def _render_scientific(self, mantissa, power) -> str:
        return r"%s \times 10^{%d}" % (mantissa, power)

    def _render_subs(self, inner, where) -> str:
        r"""\left. f \right\vert_{x = a}: the evaluation bar, spelt without a bare ``|``."""
        return r"\left. %s \right\vert_{%s}" % (inner, where)


# ---------------------------------------------------------------------------------------------
# Public functions

def to_text(expr, *, order: str | None = None) -> str:
    """``expr`` as one line of Unicode text, the way a teacher writes it on the board."""
    return TextPrinter({"order": order}).doprint(as_decimals(sp.sympify(expr)))


def to_latex(expr, *, order: str | None = None) -> str:
    """``expr`` as LaTeX math (no ``$`` delimiters), the way a teacher writes it."""
    return LatexBoardPrinter({"order": order}).doprint(as_decimals(sp.sympify(expr)))


def leibniz_text(of, wrt, *, partial=False, order=1) -> str:
    """``dy/dx``, ``∂u₂/∂x``, ``d²y/dx²``; ``of=None`` gives the operator ``d/dx``."""
    return TextPrinter()._leibniz(of, wrt, partial, order)


def leibniz_latex(of, wrt, *, partial=False, order=1) -> str:
    r"""``\frac{dy}{dx}``, ``\frac{\partial u_{2}}{\partial x}``, ``\frac{d^{2}y}{dx^{2}}``."""
    return LatexBoardPrinter()._leibniz(of, wrt, partial, order)


def matrix_text(matrix) -> str:
    """A matrix on several lines between Unicode brackets, columns aligned:

    ⎡2xy  x²⎤
    ⎣2y   2x⎦
    """
    rows = [[to_text(e) for e in matrix.row(i)] for i in range(matrix.rows)]
    widths = [max(len(r[j]) for r in rows) for j in range(matrix.cols)]
    cells = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    if len(cells) == 1:
        return "[" + cells[0] + "]"
    brackets = [("⎡", "⎤")] + [("⎢", "⎥")] * (len(cells) - 2) + [("⎣", "⎦")]
    return "\n".join(left + cell + right for (left, right), cell in zip(brackets, cells))


def matrix_latex(matrix) -> str:
    r"""A matrix as ``\begin{bmatrix} … \end{bmatrix}`` (amsmath)."""
    rows = [" & ".join(to_latex(e) for e in matrix.row(i)) for i in range(matrix.rows)]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def _grouped(sequence):
    """(x, x, y) → [(y, 1), (x, 2)]: the last variable differentiated by is written first."""
    groups = []
    for v in reversed(tuple(sequence)):
        if groups and groups[-1][0] == v:
            groups[-1] = (v, groups[-1][1] + 1)
        else:
            groups.append((v, 1))
    return groups


def _leibniz_sequence(printer, of, sequence, partial):
    variables = [(printer._name(v), k) for v, k in _grouped(sequence)]
    return printer._render_leibniz(None if of is None else printer._name(of), variables,
                                   partial)


def leibniz_sequence_text(of, sequence, *, partial=False) -> str:
    """``∂²f/∂y∂x`` for differentiating f by x, then by y."""
    return _leibniz_sequence(TextPrinter(), of, sequence, partial)


def leibniz_sequence_latex(of, sequence, *, partial=False) -> str:
    r"""``\frac{\partial^{2} f}{\partial y \partial x}`` for differentiating f by x, then y."""
    return _leibniz_sequence(LatexBoardPrinter(), of, sequence, partial)


# error messages anywhere in derive write expressions in this notation
use_expression_writer(to_text)
