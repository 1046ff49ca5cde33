"""Long rows of ``align*`` environments broken so that they fit the line.

TeX does not break displayed equations: a row wider than the text runs off the page.  Before
a document is written, each ``align*`` row whose right-hand side is estimated to be wider than
the room left by the widest left-hand side and the widest note (``&& \\text{…}``) is broken,
in this order of preference:

1. a chain ``a = b = c = d`` into rows ``&= b`` / ``&= c`` …, as many per row as fit;
2. a sum into rows continued with ``&\\quad + term``;
3. a product into rows continued with ``&\\quad \\cdot factor``.

Breaks are made only at the top level: never inside braces, ``\\left … \\right`` pairs or
environments, so the LaTeX stays balanced.  Widths are estimated from the LaTeX text in ems of
the body font (letters ½ em, binary operators with their spacing 1.2 em, fractions as wide as
their wider part, scripts at 70 %); the estimate errs on the wide side.
"""

from __future__ import annotations

import re
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
LETTER = 0.55
NOTE_LETTER = 0.5


def tokenize(tex: str) -> list[str]:
    return TOKEN.findall(tex)


def _group_end(tokens: list[str], start: int) -> int:
    """The index after the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i] == "{":
            depth += 1
        elif tokens[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(tokens)


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
        lines += _break_sum(line, room)
    return lines


def _break_sum(line: list[str], room: float) -> list[str]:
    terms = _terms(line, ("+", "-"))
    if len(terms) == 1:
        return _break_product(line, room)
    out = []
    for k, chunk in enumerate(_pack(terms, room - (CONTINUATION_EM if terms else 0), [])):
        out.append(_text(chunk) if k == 0 else "\\quad " + _text(chunk))
    return out


def _break_product(line: list[str], room: float) -> list[str]:
    factors = _terms(line, ("\\cdot",))
    out = []
    for k, chunk in enumerate(_pack(factors, room - CONTINUATION_EM, [])):
        out.append(_text(chunk) if k == 0 else "\\quad " + _text(chunk))
    return out


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
        if len(lines) == 1:
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
