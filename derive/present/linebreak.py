"""Long lines broken so that they fit: rows of LaTeX ``align*`` environments, and lines of text.

**LaTeX.**  TeX does not break displayed equations: a row wider than the text runs off the
page.  Before a document is written (a sheet, or a single solution in ``render``), each
``align*`` row whose right-hand side is estimated to be wider than the room left by the widest
left-hand side and the widest note (``&& \\text{…}``) is broken, in this order of preference:

1. a chain ``a = b = c = d`` into rows ``&= b`` / ``&= c`` …, as many per row as fit;
2. a sum into rows continued with ``&\\quad + term``;
3. a product into rows continued with ``&\\quad \\cdot factor``;
4. a single term still too wide inside its widest ``\\left( … \\right)`` pair (the halves
   closed with ``\\right.`` and ``\\left.``, sized alike by a ``\\vphantom``) or fraction (its
   numerator on several rows of an ``aligned``), and so on inward.

Every row stays balanced: braces, ``\\left … \\right`` pairs and environments open and close
on it.  Widths are estimated from the LaTeX text in ems of
the body font (letters ½ em, binary operators with their spacing 1.2 em, fractions as wide as
their wider part, scripts at 70 %); the estimate errs on the wide side.

**Text.**  A line wider than the terminal is wrapped (``wrap_text``) at the places a teacher
would break it, in this order of preference: the gap before a note or between the items of a
list, a relation (``=``, ``⇒``, ``→``, ``≈``), a sum's ``+`` or ``-``, a product's ``·``, any
other space; a break inside brackets costs more the deeper it is, so a function's argument is
cut only when nothing outside it fits.  Numbers and names hold no space and are never cut.
Each continuation line starts ``HANG`` columns right of its formula: of the column after a
row's label in the two-column layout (``1. Intermediate variables   u = …``), else after the
line's indentation.  Widths are display columns (sub- and superscripts one, combining marks
none, East Asian wide characters two).  The breaks lose nothing: joining a line's
continuations back — one space for each, none before a ``·`` that was written without one —
gives the line back, but for the width of a gap (two spaces or more) that a break replaced.
A line that cannot be cut short enough (one unbreakable token) is left long; the lines of a
drawn matrix (``⎡ ⎤``) are never wrapped.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Optional

LINE_EM = 40.0          # the width rows are fitted into, in ems (A4, 11 pt, 2.2 cm margins)
NOTE_GAP_EM = 2.0       # the space amsmath keeps between the equation and a note
MIN_ROOM_EM = 12.0      # never squeeze the right-hand sides narrower than this
CONTINUATION_EM = 1.0   # the \quad that starts a continued row

ALIGN = re.compile(r"(\\begin\{align\*\})(.*?)(\\end\{align\*\})", re.S)
TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)

SCRIPT = 0.7
WIDTHS = {
    "+": 1.2, "-": 1.2, "=": 1.35, "<": 1.35, ">": 1.35, ",": 0.45, ";": 0.45, ".": 0.3,
    "(": 0.4, ")": 0.4, "[": 0.3, "]": 0.3, "|": 0.3, "/": 0.5, "'": 0.3, "!": 0.3,
    "\\cdot": 0.75, "\\times": 1.2, "\\pm": 1.2, "\\mp": 1.2, "\\to": 1.4, "\\le": 1.35,
    "\\leq": 1.35, "\\ge": 1.35, "\\geq": 1.35, "\\ne": 1.35, "\\neq": 1.35,
    "\\approx": 1.35, "\\quad": 1.0, "\\qquad": 2.0, "\\,": 0.17, "\\:": 0.22, "\\;": 0.28,
    "\\!": -0.17, "\\ ": 0.33, "\\{": 0.5, "\\}": 0.5, "\\|": 0.5, "\\partial": 0.6,
    "\\nabla": 0.85, "\\infty": 1.0, "\\ldots": 1.2, "\\cdots": 1.2, "\\dots": 1.2,
    "\\prime": 0.3, "&": 0.0, "\\\\": 0.0, "\\displaystyle": 0.0, "\\textstyle": 0.0,
    "\\limits": 0.0, "\\nolimits": 0.0,
}
FUNCTIONS = {"sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "coth", "sech",
             "csch", "arcsin", "arccos", "arctan", "arccot", "arcsec", "arccsc", "ln", "log",
             "exp", "lim", "max", "min", "det"}
FRACTIONS = {"\\frac": 1.0, "\\dfrac": 1.0, "\\tfrac": 0.7, "\\cfrac": 1.0}
TEXTS = {"\\text", "\\textrm", "\\textbf", "\\textit", "\\emph", "\\mathrm", "\\operatorname",
         "\\mathbf", "\\mathit", "\\mathsf", "\\mbox"}
PHANTOMS = {"\\vphantom"}
LETTER = 0.55
NOTE_LETTER = 0.5


def tokenize(tex: str) -> list[str]:
    return TOKEN.findall(tex)


def _matching(tokens: list[str], start: int, opening: str, closing: str) -> int:
    """The index of the ``closing`` token that matches the ``opening`` one at ``start``
    (the length of ``tokens`` when it is missing)."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i] == opening:
            depth += 1
        elif tokens[i] == closing:
            depth -= 1
            if depth == 0:
                return i
    return len(tokens)


def _group_end(tokens: list[str], start: int) -> int:
    """The index after the ``}`` that closes the ``{`` at ``start``."""
    return min(_matching(tokens, start, "{", "}") + 1, len(tokens))


def _argument(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The argument starting at ``i`` (a brace group's inside, or one token) and the index
    after it."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i >= len(tokens):
        return [], i
    if tokens[i] == "{":
        end = _group_end(tokens, i)
        return tokens[i + 1:end - 1], end
    return [tokens[i]], i + 1


def _environment_end(tokens: list[str], start: int) -> int:
    """The index after the ``\\end{…}`` matching the ``\\begin`` at ``start``."""
    depth = 0
    i = start
    while i < len(tokens):
        if tokens[i] == "\\begin":
            depth += 1
        elif tokens[i] == "\\end":
            depth -= 1
            if depth == 0:
                return _argument(tokens, i + 1)[1]
        i += 1
    return len(tokens)


def _matrix_width(inside: list[str]) -> float:
    rows = [split_top(row, "&") for row in split_top(inside, "\\\\")]
    columns = max(len(r) for r in rows) if rows else 0
    widest = [max((width(r[j]) for r in rows if j < len(r)), default=0.0)
              for j in range(columns)]
    return sum(widest) + 1.0 * max(columns - 1, 0) + 1.2


def width(tokens: list[str]) -> float:
    """The estimated width of a piece of math, in ems."""
    total, i = 0.0, 0
    while i < len(tokens):
        t = tokens[i]
        if t.isspace():
            i += 1
        elif t in ("^", "_"):
            argument, i = _argument(tokens, i + 1)
            total += SCRIPT * width(argument)
        elif t in FRACTIONS:
            top, i = _argument(tokens, i + 1)
            bottom, i = _argument(tokens, i)
            total += FRACTIONS[t] * max(width(top), width(bottom)) + 0.25
        elif t == "\\sqrt":
            j = i + 1
            if j < len(tokens) and tokens[j] == "[":
                j = tokens.index("]", j) + 1 if "]" in tokens[j:] else j
            argument, i = _argument(tokens, j)
            total += width(argument) + 1.0
        elif t in PHANTOMS:
            i = _argument(tokens, i + 1)[1]
        elif t in TEXTS:
            argument, i = _argument(tokens, i + 1)
            total += NOTE_LETTER * len("".join(a for a in argument if not a.isspace()))
        elif t in ("\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\big",
                   "\\Big"):
            delimiter, i = _argument(tokens, i + 1)
            total += 0.0 if delimiter == ["."] else 0.45
        elif t == "\\begin":
            end = _environment_end(tokens, i)
            name, inner = _argument(tokens, i + 1)
            closing = end - 1
            while closing > inner and tokens[closing] != "\\end":
                closing -= 1
            total += _matrix_width(tokens[inner:closing])
            i = end
        elif t == "{":
            end = _group_end(tokens, i)
            total += width(tokens[i + 1:end - 1])
            i = end
        elif t in WIDTHS:
            total += WIDTHS[t]
            i += 1
        elif t.startswith("\\") and t[1:] in FUNCTIONS:
            total += 0.45 * len(t[1:]) + 0.2
            i += 1
        elif t.startswith("\\") and len(t) > 2:
            total += 0.6          # a Greek letter or another symbol
            i += 1
        elif t == "}":
            i += 1
        else:
            total += LETTER
            i += 1
    return total


def split_top(tokens: list[str], separator: str) -> list[list[str]]:
    """``tokens`` cut at each ``separator`` outside braces, ``\\left…\\right`` and
    environments."""
    parts, current, depth = [], [], 0
    for t in tokens:
        if t in ("{", "\\left", "\\begin"):
            depth += 1
        elif t in ("}", "\\right", "\\end"):
            depth -= 1
        if t == separator and depth == 0:
            parts.append(current)
            current = []
        else:
            current.append(t)
    parts.append(current)
    return parts


def _terms(tokens: list[str], operators: tuple[str, ...]) -> list[list[str]]:
    """A sum (or product) cut before each top-level binary operator; each part after the
    first starts with its operator."""
    parts, current, depth = [], [], 0
    previous: Optional[str] = None
    for t in tokens:
        if t in ("{", "\\left", "\\begin"):
            depth += 1
        elif t in ("}", "\\right", "\\end"):
            depth -= 1
        binary = previous is not None and previous not in ("=", "+", "-", "\\cdot", "(", "[")
        if depth == 0 and t in operators and binary and current:
            parts.append(current)
            current = []
        current.append(t)
        if not t.isspace() and depth == 0:
            previous = t
        elif not t.isspace():
            previous = "}"
    parts.append(current)
    return parts


def _trimmed(tokens: list[str]) -> list[str]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].isspace():
        start += 1
    while end > start and tokens[end - 1].isspace():
        end -= 1
    return tokens[start:end]


def _text(tokens: list[str]) -> str:
    return "".join(tokens).strip()


def _pack(parts: list[list[str]], room: float, joiner: list[str]) -> list[list[str]]:
    """Consecutive parts joined (with ``joiner`` between) while the line fits ``room``."""
    lines: list[list[str]] = []
    for part in parts:
        if lines and width(lines[-1] + joiner + part) <= room:
            lines[-1] = lines[-1] + joiner + part
        else:
            lines.append(list(part))
    return lines


def break_rhs(rhs: list[str], room: float) -> list[str]:
    """The right-hand side ``= a = b …`` as one or more lines (LaTeX, each starting with a
    relation or a continued operator) that fit ``room`` where the estimate allows."""
    chain = split_top(rhs, "=")
    if len(chain) < 2 or _text(chain[0]):
        return [_text(rhs)]
    pieces = [["=", " "] + _trimmed(piece) for piece in chain[1:]]
    lines = []
    for line in _pack(pieces, room, [" "]):
        if width(line) <= room:
            lines.append(_text(line))
            continue
        rows = _break_wide(line, room - CONTINUATION_EM)
        lines += [_text(row) if k == 0 else "\\quad " + _text(row) for k, row in enumerate(rows)]
    return lines


def _break_wide(line: list[str], room: float) -> list[list[str]]:
    """``line`` as rows that fit ``room`` where it can be cut: at the top-level ``+`` and
    ``-`` of a sum, else at the ``\\cdot`` of a product, else inside its widest
    ``\\left … \\right`` pair or fraction (``_open``)."""
    if width(line) <= room:
        return [line]
    for operators in (("+", "-"), ("\\cdot",)):
        parts = _terms(line, operators)
        if len(parts) > 1:
            return [row for chunk in _pack(parts, room, []) for row in _break_wide(chunk, room)]
    return _open(line, room)


def _widest_group(line: list[str]) -> Optional[tuple[int, int]]:
    """The (start, end) of the widest top-level ``\\left … \\right`` pair or fraction of
    ``line``; None when it has neither."""
    best, widest, i, depth = None, 0.0, 0, 0
    while i < len(line):
        t = line[i]
        end = None
        if depth == 0 and t == "\\left":
            end = _pair_end(line, i)
        elif depth == 0 and t in FRACTIONS:
            end = _argument(line, _argument(line, i + 1)[1])[1]
        elif t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        if end is None:
            i += 1
            continue
        if width(line[i:end]) > widest:
            best, widest = (i, end), width(line[i:end])
        i = end
    return best


def _pair_end(tokens: list[str], start: int) -> int:
    """The index after the delimiter of the ``\\right`` matching the ``\\left`` at ``start``."""
    return _argument(tokens, _matching(tokens, start, "\\left", "\\right") + 1)[1]


def _open(line: list[str], room: float) -> list[list[str]]:
    """``line``, a single term too wide for ``room``, cut inside its widest group: a
    ``\\left( … \\right)`` pair becomes ``\\left( … \\right.`` on its first row and
    ``\\left. … \\right)`` on its last (each with a ``\\vphantom`` of the whole inside, so
    that the delimiters keep their size); a fraction gets its numerator on several rows
    (``aligned``).  Unchanged when the group's inside cannot be cut."""
    group = _widest_group(line)
    if group is None:
        return [line]
    start, end = group
    prefix, suffix = _text(line[:start]), _text(line[end:])
    room_inside = room - width(line[:start]) - 1.0
    if line[start] == "\\left":
        opening, body_start = _argument(line, start + 1)
        closing = end - 1
        while line[closing] != "\\right":
            closing -= 1
        inside = _trimmed(line[body_start:closing])
        rows = _break_wide(inside, room_inside)
        if len(rows) == 1:
            return [line]
        phantom = f"\\vphantom{{{_text(inside)}}}"
        texts = [_text(row) for row in rows]
        texts[0] = f"{prefix} \\left{_text(opening)}{phantom} {texts[0]} \\right.".strip()
        texts[-1] = f"\\left.{phantom} {texts[-1]} {_text(line[closing:end])} {suffix}".strip()
        return [tokenize(t) for t in texts]
    numerator, after = _argument(line, start + 1)
    denominator, _ = _argument(line, after)
    rows = _break_wide(_trimmed(numerator), room_inside)
    if len(rows) == 1:
        return [line]
    stacked = " \\\\ &\\quad ".join(_text(row) for row in rows)
    fraction = (f"{line[start]}{{\\begin{{aligned}}&{stacked}\\end{{aligned}}}}"
                f"{{{_text(denominator)}}}")
    return [tokenize(f"{prefix} {fraction} {suffix}".strip())]


def fit_rows(body: str, line: float = LINE_EM) -> str:
    """The inside of one ``align*`` with its long rows broken; unchanged when every row
    fits or the rows are not of the form ``lhs & rhs [&& note]``."""
    rows = split_top(tokenize(body), "\\\\")
    cells = [split_top(row, "&") for row in rows]
    if any(len(c) not in (1, 2, 4) or (len(c) == 4 and _text(c[2])) for c in cells):
        return body
    cells = [c for c in cells]
    lhs_width = max((width(c[0]) for c in cells if len(c) > 1), default=0.0)
    notes = [c[3] for c in cells if len(c) == 4]
    note_width = max((width(n) for n in notes), default=0.0)
    room = max(MIN_ROOM_EM, line - lhs_width - (note_width + NOTE_GAP_EM if notes else 0.0))
    out, changed = [], False
    for row, c in zip(rows, cells):
        if len(c) == 1 or width(c[1]) <= room:
            out.append(_text(row))
            continue
        lines = break_rhs(c[1], room)
        if lines == [_text(c[1])]:
            out.append(_text(row))
            continue
        changed = True
        note = f" && {_text(c[3])}" if len(c) == 4 else ""
        out.append(f"{_text(c[0])} &{lines[0]}{note}")
        out += [f"&{line_text}" for line_text in lines[1:]]
    if not changed:
        return body
    return "\n" + " \\\\\n".join(r for r in out if r) + "\n"


def fit_aligns(tex: str, line: float = LINE_EM) -> str:
    """Every ``align*`` of a LaTeX document with its long rows broken (see the module)."""
    return ALIGN.sub(lambda m: m.group(1) + fit_rows(m.group(2), line) + m.group(3), tex)


PARAGRAPH = re.compile(r"(\{\\leftskip=([\d.]+)em)(.*?)(\\par\})", re.S)
INLINE = re.compile(r"\$([^$]+)\$")


def fit_inline(formula: str, room: float) -> str:
    """An in-line formula wider than ``room`` ems as a top-aligned ``aligned`` block of rows
    that fit: cut before its ``=`` signs, then inside a row as ``align*`` rows are cut
    (``break_rhs``); unchanged when it fits or cannot be cut."""
    tokens = tokenize(formula)
    if width(tokens) <= room:
        return formula
    chain = split_top(tokens, "=")
    if len(chain) >= 2 and _text(chain[0]):
        lhs = _trimmed(chain[0])
        rhs = tokens[len(chain[0]):]
        rows = break_rhs(rhs, max(MIN_ROOM_EM, room - width(lhs)))
        head = _text(lhs) + " "
    else:
        rhs = _trimmed(tokens)
        rows = [_text(row) if k == 0 else "\\quad " + _text(row)
                for k, row in enumerate(_break_wide(rhs, room))]
        head = ""
    if rows == [_text(rhs)]:
        return formula
    return (f"\\begin{{aligned}}[t]{head}&{rows[0]} "
            + " ".join(f"\\\\ &{row}" for row in rows[1:]) + "\\end{aligned}")


def fit_paragraphs(tex: str, line: float = LINE_EM) -> str:
    """Every in-line formula of the indented paragraphs a rule-by-rule (compact) solution is
    made of (``{\\leftskip=…em … \\par}``) fitted to the room its indentation leaves
    (``fit_inline``): TeX breaks an in-line formula only at its top-level operators, and a
    wide fraction has none."""
    def paragraph(match):
        room = line - float(match.group(2))
        text = match.group(3)

        def formula(m):
            # the words before it on its line ("so", "quotient rule:") and the note after
            # it (\quad \text{…}) share the line with the formula's widest row
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            beside = (_words_width(text[start:m.start()])
                      + _words_width(text[m.end():end if end >= 0 else len(text)]))
            return "$" + fit_inline(m.group(1), max(MIN_ROOM_EM, room - beside)) + "$"
        return match.group(1) + INLINE.sub(formula, text) + match.group(4)
    return PARAGRAPH.sub(paragraph, tex)


def _words_width(tex: str) -> float:
    """The estimated width of LaTeX text outside math: its math parts by ``width``, the
    letters of the rest at half an em each, what a paragraph's set-up commands take none."""
    tex = re.sub(r"\\(leftskip|rightskip)=[^\\]*|\\noindent|plus 1fil|\\\\", "", tex)
    parts = tex.split("$")
    words = "".join(parts[0::2])
    words = re.sub(r"\\(emph|text|textbf)\{|[{}]", "", words)
    words = re.sub(r"\\quad", "  ", words)
    return 0.5 * len(words.strip()) + sum(width(tokenize(m)) for m in parts[1::2])


# ------------------------------------------------------------------------------------------
# Text
# ------------------------------------------------------------------------------------------
TEXT_WIDTH = 100        # the width of text output that does not go to a terminal
HANG = 2                # continuation lines start this many columns right of their formula
MIN_TEXT_ROOM = 20      # ... or fewer, down to HANG, when that would leave less room
DEPTH_COST = 40         # a break one bracket deep costs as much as this many empty columns
BREAK_COST = {"gap": 0, "list": 5, "relation": 12, "additive": 15, "product": 30, "space": 40}
RELATIONS = frozenset("=⇒→≈≤≥≠<>")
ADDITIVE = frozenset("+-−±∓")
PRODUCTS = frozenset("·×")
OPERATORS = RELATIONS | ADDITIVE | PRODUCTS
OPENING, CLOSING = frozenset("([{"), frozenset(")]}")
DRAWING = frozenset("⎡⎢⎣⎤⎥⎦⎛⎜⎝⎞⎟⎠")
LABEL = re.compile(r"[^\s=][^=]*?  +(?=\S)")


def _columns_of(c: str) -> int:
    """The columns one character takes: none for a combining mark, two for an East Asian
    wide or full-width character, one for any other (sub- and superscripts too)."""
    if c.isascii():
        return 1
    return (0 if unicodedata.combining(c) else
            2 if unicodedata.east_asian_width(c) in ("W", "F") else 1)


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal (see ``_columns_of``)."""
    return sum(map(_columns_of, text))


def _column_offsets(line: str) -> list[int]:
    """``offsets[i]`` = the display width of ``line[:i]``: any slice's width is then one
    subtraction, so wrapping a line costs time linear in its length, not quadratic."""
    offsets = [0]
    for c in line:
        offsets.append(offsets[-1] + _columns_of(c))
    return offsets


def formula_column(line: str) -> int:
    """The index where the formula of ``line`` starts: after the label of a two-column row
    (text at the left margin without ``=``, then two spaces or more), else after the
    indentation."""
    label = LABEL.match(line)
    if label:
        return label.end()
    return len(line) - len(line.lstrip(" "))


def _space_kind(line: str, start: int, end: int) -> Optional[str]:
    """What kind of break the run of spaces ``line[start:end]`` is (a key of
    ``BREAK_COST``), or None where no break may be made: right after a binary operator
    written between spaces (``a = b`` is cut before the ``=``, never after it)."""
    before, after = line[start - 1], line[end]
    spaced = end + 1 < len(line) and line[end + 1] == " "
    if end - start >= 2:
        return "gap"
    if before in OPERATORS and (start < 2 or line[start - 2] == " "):
        return None
    if after in OPERATORS and spaced:
        return ("relation" if after in RELATIONS else
                "additive" if after in ADDITIVE else "product")
    if before in ",;":
        return "list"
    return "space"


def text_breaks(line: str, start: int) -> list[tuple[int, int, str, int]]:
    """The places after ``start`` where ``line`` may be cut, in order, as (cut, resume,
    kind, depth): the line ends before ``cut``, its continuation starts at ``resume`` (the
    spaces between are dropped; a ``·`` written without spaces is cut before it, dropping
    nothing), ``kind`` is a key of ``BREAK_COST`` and ``depth`` the brackets around."""
    breaks, depth, i = [], 0, 0
    while i < len(line):
        c = line[i]
        if c == " ":
            end = i
            while end < len(line) and line[end] == " ":
                end += 1
            kind = _space_kind(line, i, end) if start < i and end < len(line) else None
            if kind is not None:
                breaks.append((i, end, kind, depth))
            i = end
            continue
        if c in PRODUCTS and start < i and line[i - 1] != " " and line[i + 1:i + 2] not in ("", " "):
            breaks.append((i, i, "product", depth))
        depth += (c in OPENING) - (c in CLOSING and depth > 0)
        i += 1
    return breaks


def _best_break(offsets: list[int], breaks, start: int,
                room: int) -> Optional[tuple[int, int]]:
    """The (cut, resume) that ends the line begun at ``start`` within ``room`` columns at the
    least cost (empty columns left, plus the kind's and the depth's cost; the later break
    on a tie); the first break after ``start`` when none fits; None when there is none.
    ``offsets`` are the line's ``_column_offsets``; ``breaks`` its ``text_breaks``, in
    order (only those after ``start`` are looked at)."""
    best, least = None, None
    first = bisect.bisect_right(breaks, (start, math.inf))
    for cut, resume, kind, depth in breaks[first:]:
        used = offsets[cut] - offsets[start]
        if used > room:
            return best or (cut, resume)
        cost = room - used + BREAK_COST[kind] + DEPTH_COST * depth
        if least is None or cost <= least:
            best, least = (cut, resume), cost
    return best


def wrap_line(line: str, width: int = TEXT_WIDTH) -> list[str]:
    """``line`` as lines no wider than ``width`` where it can be cut (see the module)."""
    if display_width(line) <= width or DRAWING.intersection(line):
        return [line]
    column = formula_column(line)
    head = display_width(line[:column])
    indent = min(head + HANG, max(HANG, width - MIN_TEXT_ROOM))
    breaks = text_breaks(line, column)
    offsets = _column_offsets(line)
    pieces, start, room = [line[:column]], column, width - head
    while offsets[-1] - offsets[start] > room:
        chosen = _best_break(offsets, breaks, start, room)
        if chosen is None:
            break
        pieces[-1] += line[start:chosen[0]]
        pieces.append(" " * indent)
        start, room = chosen[1], width - indent
    pieces[-1] += line[start:]
    return pieces


_WIDTH: ContextVar[int] = ContextVar("text_width", default=TEXT_WIDTH)


@contextmanager
def text_width(columns: int):
    """Inside the block, ``wrap_text`` without a width wraps at ``columns`` (0: not at all)
    instead of ``TEXT_WIDTH``: the command line sets the terminal's width with it."""
    token = _WIDTH.set(columns)
    try:
        yield
    finally:
        _WIDTH.reset(token)


def wrap_text(text: str, width: Optional[int] = None) -> str:
    """Every line of ``text`` wrapped to ``width`` columns (None: the width ``text_width``
    set, else ``TEXT_WIDTH``; 0 or less: left as it is)."""
    width = _WIDTH.get() if width is None else width
    if width <= 0:
        return text
    return "\n".join(piece for line in text.split("\n") for piece in wrap_line(line, width))
