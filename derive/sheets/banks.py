"""Problem banks: TOML files of problem templates a teacher edits by hand.

A bank is one topic (``problems/chain-rule.toml``).  Each ``[[problems]]`` entry is a
template whose ``{name}`` placeholders are filled with parameters drawn at random::

    [[problems]]
    id = "sine-of-power"
    expression = "sin({a} x^{n})"
    difficulty = 1
    tags = ["sine", "power"]
    [problems.params]
    a = {int = [2, 9]}
    n = {choice = [2, 3, 4]}

Filling a template gives text in derive's input syntax, which is then read by
``derive.read.parsing.parse`` like anything a user types: a bank is never evaluated as Python.
The format is described in ``problems/README.md``.

A malformed bank is an ``InputError`` whose message starts with ``file:line:``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional, Union

from derive.errors import InputError
from derive.read.equations import is_equation, read_equation
from derive.read.parsing import (ParseError, is_vector, parse, parse_definition, parse_point,
                                 parse_symbol, parse_vector)

KINDS = ("derivative", "partial", "gradient", "jacobian", "hessian", "graph", "implicit",
         "tangent", "first-principles")
# the kinds worked by a method of their own (``derive.calculus``), not by the chain of rules
METHOD_KINDS = ("implicit", "tangent", "first-principles")
METHODS = ("rules", "log")     # how a derivative is worked: by the rules, or by logarithms
DIFFICULTIES = (1, 2, 3)
BANK_KEYS = ("title", "description", "position", "problems")
PROBLEM_KEYS = ("id", "kind", "expression", "difficulty", "tags", "prompt", "wrt", "order",
                "vars", "where", "at", "dependent", "method", "params")
# which optional keys each kind accepts (id, kind, expression, difficulty, tags, prompt and
# params are accepted by every kind, where by those of the chain of rules; graph requires
# where, tangent requires at)
KIND_KEYS = {
    "derivative": ("wrt", "order", "at", "method"),
    "partial": ("wrt", "order", "at"),
    "graph": ("wrt", "at"),
    "gradient": ("vars", "at"),
    "jacobian": ("vars", "at"),
    "hessian": ("vars", "at"),
    "implicit": ("wrt", "order", "at", "dependent"),
    "tangent": ("wrt", "at"),
    "first-principles": ("wrt",),
}
OPTIONAL_KEYS = ("wrt", "order", "vars", "at", "dependent", "method")
DEFAULT_POSITION = 1000
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_CHOICES = 1000


def banks_root() -> Path:
    """The shipped banks: ``problems/`` beside the package in a checkout, or the copy inside
    the installed wheel."""
    checkout = Path(__file__).resolve().parents[2] / "problems"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("derive") / "_data" / "problems"))


# ------------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------------
Value = Union[int, float, str]


@dataclass(frozen=True)
class Param:
    """A parameter drawn uniformly from a list of values: the whole numbers of an interval
    (``{int = [low, high]}``, less any ``exclude``) or the listed ``choice``."""

    name: str
    values: tuple[Value, ...]

    def draw(self, rng) -> Value:
        return rng.choice(self.values)


@dataclass(frozen=True)
class Filled:
    """A template with every placeholder replaced: text in derive's input syntax."""

    expression: str
    wrt: tuple[str, ...]
    order: int
    variables: tuple[str, ...]
    where: tuple[str, ...]
    at: Optional[str]
    prompt: str
    dependent: Optional[str] = None     # implicit: the name of y
    method: str = "rules"               # derivative: "log" works it by logarithms


@dataclass(frozen=True)
class Template:
    """One problem template of a bank."""

    bank: str
    id: str
    kind: str
    expression: str
    difficulty: int
    tags: tuple[str, ...]
    prompt: str
    wrt: tuple[str, ...]
    order: Union[int, str]
    variables: tuple[str, ...]
    where: tuple[str, ...]
    at: Optional[str]
    params: tuple[Param, ...]
    source: str          # the bank file
    line: int            # the line of its [[problems]] header
    lines: tuple[tuple[str, int], ...] = ()   # the line of each key, for messages
    dependent: Optional[str] = None           # implicit: the name of y (default y)
    method: str = "rules"                     # derivative: "log", by logarithms

    @property
    def name(self) -> str:
        return f"{self.bank}/{self.id}"

    @property
    def by_method(self) -> bool:
        """Whether the problem is worked by a method of its own (``derive.calculus``): a kind
        of ``METHOD_KINDS``, or a derivative by logarithms."""
        return self.kind in METHOD_KINDS or self.method != "rules"

    @property
    def different(self) -> int:
        """How many different draws the parameters allow (at most ``MAX_CHOICES``): a
        template without parameters is one problem."""
        count = 1
        for p in self.params:
            count = min(count * len(p.values), MAX_CHOICES)
        return count

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, self.line)

    def where_is(self, key: str = "") -> str:
        return f"{self.source}:{self.line_of(key) if key else self.line}"

    def draw(self, rng) -> tuple[tuple[str, Value], ...]:
        """Values for the parameters, drawn in the order they are declared."""
        return tuple((p.name, p.draw(rng)) for p in self.params)

    def fill(self, values) -> Filled:
        """The template with ``values`` put in for the placeholders."""
        table = dict(values)
        text = lambda s: fill_text(s, table)  # noqa: E731
        order = self.order
        if isinstance(order, str):
            shown = text(order).strip()
            if not re.fullmatch(r"\d+", shown) or int(shown) < 1:
                raise InputError(f"{self.where_is('order')}: problem {self.id!r}: the order "
                                 f"{shown!r} is not a whole number of at least 1")
            order = int(shown)
        return Filled(expression=text(self.expression), wrt=tuple(text(w) for w in self.wrt),
                      order=order, variables=tuple(text(v) for v in self.variables),
                      where=tuple(text(w) for w in self.where),
                      at=text(self.at) if self.at is not None else None,
                      prompt=text(self.prompt),
                      dependent=text(self.dependent) if self.dependent is not None else None,
                      method=self.method)

    def fields(self) -> tuple[tuple[str, str], ...]:
        """(key, text) of every field that may hold placeholders."""
        items = [("expression", self.expression), ("prompt", self.prompt)]
        items += [("wrt", w) for w in self.wrt] + [("vars", v) for v in self.variables]
        items += [("where", w) for w in self.where]
        if self.at is not None:
            items.append(("at", self.at))
        if self.dependent is not None:
            items.append(("dependent", self.dependent))
        if isinstance(self.order, str):
            items.append(("order", self.order))
        return tuple(items)


@dataclass(frozen=True)
class Bank:
    """A file of problem templates on one topic."""

    name: str
    title: str
    description: str
    position: int
    path: str
    templates: tuple[Template, ...]


def format_value(value: Value) -> str:
    """A drawn value as input text; a negative number is put in parentheses so that
    ``x^{n}`` and ``{a} x`` stay what they say."""
    if isinstance(value, str):
        return value
    shown = repr(value)
    return f"({shown})" if shown.startswith("-") else shown


def fill_text(text: str, values: dict) -> str:
    """Replace ``{name}`` for each parameter ``name``; other braces (LaTeX input such as
    ``\\frac{1}{x}``) are left alone."""
    return PLACEHOLDER.sub(
        lambda m: format_value(values[m.group(1)]) if m.group(1) in values else m.group(0),
        text)


# ------------------------------------------------------------------------------------------
# Finding banks
# ------------------------------------------------------------------------------------------
def bank_names() -> list[str]:
    """The names of the shipped banks, alphabetical."""
    return sorted(p.stem for p in banks_root().glob("*.toml"))


def bank_path(name: str) -> Path:
    """A bank's file: a shipped bank's name, or a path to a teacher's own ``.toml`` file."""
    given = Path(name)
    if name.endswith(".toml") or given.parent != Path(".") or given.is_file():
        if not given.is_file():
            raise InputError(f"{name}: no such bank file")
        return given
    shipped = banks_root() / f"{name}.toml"
    if not shipped.is_file():
        known = ", ".join(bank_names())
        raise InputError(f"unknown bank {name!r}: choose one of {known}, or give the path of "
                         "a .toml file")
    return shipped


def load_banks(names=()) -> list[Bank]:
    """The banks named (all shipped banks when none are), each once, in the order given —
    or, for all banks, in the order of their ``position``."""
    if not names:
        banks = [load_bank(name) for name in bank_names()]
        return sorted(banks, key=lambda b: (b.position, b.name))
    banks, seen = [], set()
    for name in names:
        path = bank_path(name).resolve()
        if path not in seen:
            seen.add(path)
            banks.append(load_bank(name))
    return banks


def load_bank(name: str) -> Bank:
    """Read and check one bank (by name or path)."""
    path = bank_path(name)
    shown = _shown_path(path, name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        raise InputError(f"{shown}:{line}: the file is not UTF-8 text") from None
    except OSError as error:
        raise InputError(f"{shown}: cannot read the bank: {error.strerror or error}") from None
    # the banks that ship with derive are probed by its test suite, not on every sheet
    return read_bank(text, shown, path.stem, probing=path.parent != banks_root())


def read_bank(text: str, source: str, name: str, *, probing: bool = True) -> Bank:
    """Check a bank's TOML text; ``source`` is how messages name the file.  ``probing``:
    also parse every template filled with sample values (``probe``), so that a template that
    cannot be read is reported with its line before any sheet is drawn from it."""
    return _Reader(text, source, name, probing).bank()


def _shown_path(path: Path, given: str) -> str:
    """The path as the user gave it; a shipped bank as ``problems/<name>.toml``."""
    if path.parent == banks_root():
        return f"problems/{path.name}"
    return given


# ------------------------------------------------------------------------------------------
# Reading and checking
# ------------------------------------------------------------------------------------------
class _Lines:
    """Where things are in the file: the header line of each ``[[problems]]`` entry and the
    line of a key inside it (tomllib gives no positions for valid TOML)."""

    HEADER = re.compile(r"^\s*\[\[\s*problems\s*\]\]")

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if self.HEADER.match(line)]

    def header(self, index: int) -> int:
        return self.headers[index] + 1 if index < len(self.headers) else 1

    def key(self, key: str, index: Optional[int] = None) -> Optional[int]:
        """The line where ``key =`` is written: in problem ``index`` (before any sub-table
        of it), or before the first problem when ``index`` is None."""
        start, end = self._span(index)
        pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        for i in range(start, end):
            if i > start and self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def param(self, name: str, index: int) -> Optional[int]:
        """The line of parameter ``name`` of problem ``index``: in its [problems.params]
        table, or in an inline ``params = {...}``."""
        start, end = self._span(index)
        own_line = re.compile(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*=")
        inline = re.compile(r"[{,]\s*[\"']?" + re.escape(name) + r"[\"']?\s*=")
        in_params = False
        for i in range(start, end):
            line = self.lines[i]
            if line.lstrip().startswith("["):
                in_params = bool(re.match(r"^\s*\[\s*problems\s*\.\s*params\s*\]", line))
                continue
            if in_params and own_line.match(line):
                return i + 1
            if re.match(r"^\s*params\s*=", line) and inline.search(line):
                return i + 1
        return self.key("params", index)

    def _span(self, index):
        if index is None:
            return 0, self.headers[0] if self.headers else len(self.lines)
        if index >= len(self.headers):
            return 0, len(self.lines)
        start = self.headers[index]
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines)
        return start, end


class _Reader:
    """Checks one bank's data, reporting the first fault as ``file:line: what``."""

    def __init__(self, text: str, source: str, name: str, probing: bool = True):
        self.text, self.source, self.name, self.probing = text, source, name, probing
        self.where = _Lines(text)

    def fail(self, line: int, message: str):
        raise InputError(f"{self.source}:{line}: {message}")

    def bank(self) -> Bank:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            self.fail(*_decode_fault(error))
        for key in data:
            if key not in BANK_KEYS:
                self.fail(self.where.key(key) or 1,
                          f"unknown key {key!r} (a bank has {', '.join(BANK_KEYS)})")
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            self.fail(self.where.key("title") or 1, "the bank needs a title = \"...\"")
        description = data.get("description", "")
        if not isinstance(description, str):
            self.fail(self.where.key("description") or 1, "description must be text")
        position = data.get("position", DEFAULT_POSITION)
        if not isinstance(position, int) or isinstance(position, bool):
            self.fail(self.where.key("position") or 1, "position must be a whole number")
        problems = data.get("problems")
        if not isinstance(problems, list) or not problems:
            self.fail(self.where.key("problems") or 1,
                      "the bank has no problems: add [[problems]] entries")
        templates, ids = [], {}
        for index, entry in enumerate(problems):
            template = self.template(index, entry)
            if template.id in ids:
                self.fail(template.line, f"problem id {template.id!r} is used twice (first "
                                         f"on line {ids[template.id]})")
            ids[template.id] = template.line
            templates.append(template)
        return Bank(self.name, title.strip(), description.strip(), position, self.source,
                    tuple(templates))

    # --- one problem ----------------------------------------------------------------------
    def template(self, index: int, entry) -> Template:
        header = self.where.header(index)
        if not isinstance(entry, dict):
            self.fail(header, "each problem is a table: write it under [[problems]]")
        problem_id = entry.get("id")
        if not isinstance(problem_id, str) or not ID_PATTERN.match(problem_id):
            self.fail(self.where.key("id", index) or header,
                      "each problem needs an id made of letters, digits, '-' and '_'")
        at = lambda key: self.where.key(key, index) or header  # noqa: E731

        def fault(key, message):
            self.fail(at(key), f"problem {problem_id!r}: {message}")

        for key in entry:
            if key not in PROBLEM_KEYS:
                fault(key, f"unknown key {key!r} (a problem has {', '.join(PROBLEM_KEYS)})")
        kind = entry.get("kind", "derivative")
        if kind not in KINDS:
            fault("kind", f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
        for key in entry:
            if (key in OPTIONAL_KEYS and key not in KIND_KEYS[kind]) or (
                    key == "where" and kind in METHOD_KINDS):
                fault(key, f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} problem has no "
                           f"{key!r}")
        expression = entry.get("expression")
        if "expression" in entry and not isinstance(expression, str):
            fault("expression", "expression must be text, in quotes")
        if not isinstance(expression, str) or not expression.strip():
            fault("expression", "expression = \"...\" is missing")
        if kind == "implicit" and not is_equation(expression):
            fault("expression", "an implicit problem's expression is an equation "
                  "\"LEFT = RIGHT\", such as \"x^2 + y^2 = {r2}\"")
        if kind not in ("implicit", "tangent") and is_equation(expression):
            fault("expression", "an equation \"LEFT = RIGHT\" goes with kind = \"implicit\" "
                  f"or \"tangent\", not {kind!r}")
        if (kind == "jacobian") != is_vector(expression):
            fault("expression", "a jacobian problem's expression is a vector [f1, f2, ...]"
                  if kind == "jacobian" else
                  f"a vector [f1, f2, ...] goes with kind = \"jacobian\", not {kind!r}")
        difficulty = entry.get("difficulty")
        if difficulty not in DIFFICULTIES or isinstance(difficulty, bool):
            fault("difficulty", "difficulty must be 1, 2 or 3")
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            fault("tags", "tags must be a list of words, such as [\"chain\", \"sine\"]")
        prompt = entry.get("prompt", "")
        if not isinstance(prompt, str):
            fault("prompt", "prompt must be text")
        wrt = _text_list(entry.get("wrt", []), lambda m: fault("wrt", m), "wrt")
        if kind == "partial" and not wrt:
            fault("kind", "a partial problem needs wrt = \"x\" or wrt = [\"x\", \"y\"]")
        if kind in ("derivative", "graph") and len(wrt) > 1:
            fault("wrt", "several variables make a mixed partial: use kind = \"partial\"")
        order = entry.get("order", 1)
        if isinstance(order, bool) or not isinstance(order, (int, str)) or (
                isinstance(order, int) and order < 1):
            fault("order", "order must be a whole number of at least 1, or \"{param}\"")
        if order != 1 and len(wrt) > 1:
            fault("order", "give either several wrt variables or an order, not both")
        variables = _text_list(entry.get("vars", []), lambda m: fault("vars", m), "vars",
                               split=True)
        where = _text_list(entry.get("where", []), lambda m: fault("where", m), "where")
        if kind == "graph" and not where:
            fault("kind", "a graph problem needs where = [\"u = ...\", ...]")
        at_point = entry.get("at")
        if at_point is not None and not isinstance(at_point, str):
            fault("at", "at must be text such as \"x = 2\"")
        if kind == "tangent" and at_point is None:
            fault("kind", "a tangent problem needs its point: at = \"x = 2\" (on a curve "
                          "\"x = 3, y = 4\")")
        dependent = entry.get("dependent")
        if dependent is not None and (not isinstance(dependent, str) or not dependent.strip()):
            fault("dependent", "dependent must be the name of y, such as \"y\"")
        method = entry.get("method", "rules")
        if method not in METHODS:
            fault("method", f"method must be one of {', '.join(repr(m) for m in METHODS)}")
        if method == "log" and (order != 1 or at_point is not None or where or len(wrt) > 1):
            fault("method", "logarithmic differentiation (method = \"log\") finds dy/dx: "
                            "no order, at or where")
        params = self.params(index, problem_id, entry.get("params", {}), at)
        lines = tuple((key, at(key)) for key in entry if key != "params") + tuple(
            (f"params.{p.name}", self.where.param(p.name, index) or header) for p in params)
        template = Template(
            bank=self.name, id=problem_id, kind=kind, expression=expression,
            difficulty=difficulty, tags=tuple(t.strip() for t in tags), prompt=prompt.strip(),
            wrt=wrt, order=order, variables=variables, where=where, at=at_point,
            params=params, source=self.source, line=header, lines=lines,
            dependent=dependent.strip() if dependent is not None else None, method=method)
        self.check_placeholders(template)
        if self.probing:
            probe(template)
        return template

    def params(self, index, problem_id, table, at) -> tuple[Param, ...]:
        if not isinstance(table, dict):
            self.fail(at("params"), f"problem {problem_id!r}: params is a table: "
                                    "[problems.params] with a = {int = [2, 9]}")
        params = []
        for name, spec in table.items():
            line = self.where.param(name, index) or at("params")

            def bad(message, name=name, line=line):
                self.fail(line, f"problem {problem_id!r}: parameter {name}: {message}")

            if not NAME_PATTERN.match(name):
                bad("a parameter name is a letter followed by letters, digits or '_'")
            params.append(Param(name, _values(spec, bad)))
        return tuple(params)

    def check_placeholders(self, template: Template) -> None:
        used = set()
        for key, text in template.fields():
            used.update(PLACEHOLDER.findall(text))
        for param in template.params:
            if param.name not in used:
                self.fail(template.line_of(f"params.{param.name}"),
                          f"problem {template.id!r}: parameter {param.name} is not used: "
                          f"write {{{param.name}}} where its value goes")


def _decode_fault(error: tomllib.TOMLDecodeError) -> tuple[int, str]:
    """(line, message) of a TOML syntax error; tomllib puts the place in the message."""
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if found:
        message = message[:found.start()]
        return int(found.group(1)), f"column {found.group(2)}: {message} (TOML syntax)"
    found = re.search(r"\s*\(at end of document\)\s*$", message)
    if found:
        return message.count("\n") + 1, f"{message[:found.start()]} at the end of the file"
    return 1, f"{message} (TOML syntax)"


def _text_list(value, fail, key, split=False) -> tuple[str, ...]:
    """A text or a list of texts; ``split``: ``"x,y"`` is two names."""
    if isinstance(value, str):
        items = [v for v in value.split(",")] if split else [value]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        fail(f"{key} must be text or a list of texts")
    items = [v.strip() for v in items]
    if any(not v for v in items):
        fail(f"{key} has an empty entry")
    return tuple(items)


def _values(spec, bad) -> tuple[Value, ...]:
    """The values of one parameter spec: ``{int = [low, high], exclude = [...]}`` or
    ``{choice = [...]}``."""
    usage = "write {int = [low, high]} or {choice = [v1, v2, ...]}"
    if not isinstance(spec, dict):
        bad(usage)
    kinds = [k for k in ("int", "choice") if k in spec]
    if len(kinds) != 1:
        bad(usage if not kinds else "give int or choice, not both")
    extra = sorted(set(spec) - {"int", "choice", "exclude"})
    if extra:
        bad(f"unknown key {extra[0]!r} ({usage}, optionally with exclude = [...])")
    exclude = spec.get("exclude", [])
    if not isinstance(exclude, list) or not all(_is_number(v) for v in exclude):
        bad("exclude must be a list of numbers")
    if "int" in spec:
        bounds = spec["int"]
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)):
            bad("int = [low, high] takes two whole numbers")
        low, high = bounds
        if low > high:
            bad(f"int = [{low}, {high}]: the low end is above the high end")
        if high - low >= MAX_CHOICES:
            bad(f"int = [{low}, {high}] is too wide (at most {MAX_CHOICES} values)")
        values = tuple(v for v in range(low, high + 1) if v not in exclude)
    else:
        choices = spec["choice"]
        if not isinstance(choices, list) or not choices:
            bad("choice = [...] needs at least one value")
        for v in choices:
            if not (_is_number(v) or (isinstance(v, str) and v.strip())):
                bad(f"choice values are numbers or text, not {v!r}")
        values = tuple(v.strip() if isinstance(v, str) else v for v in choices
                       if v not in exclude)
    if not values:
        bad("every value is excluded")
    return values


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ------------------------------------------------------------------------------------------
# Checking that a template reads
# ------------------------------------------------------------------------------------------
def probe_values(template: Template):
    """A few draws that between them use every listed value once and both ends of every
    interval: enough to catch a template that does not read."""
    rounds = max([2] + [len(p.values) for p in template.params])
    for i in range(rounds):
        yield tuple((p.name, p.values[0 if len(p.values) == 1 else
                                      (i % len(p.values) if i < len(p.values) else -1)])
                    for p in template.params)


def probe(template: Template) -> None:
    """Parse the template's fields for the probe draws; a fault other than a draw that
    divides by zero is the template's."""
    for values in probe_values(template):
        try:
            read_filled(template, template.fill(values))
        except ParseError as error:
            if not ill_posed(error):
                raise template_error(template, values, error) from None


def ill_posed(error: ParseError) -> bool:
    """A draw that divides by zero: the draw is at fault, not the template."""
    return error.message.startswith("division by zero")


@dataclass(frozen=True)
class Read:
    """A filled template read by the parser."""

    functions: tuple          # the expression, or a vector's components
    definitions: tuple        # (name, definition) of each where entry
    point: Optional[dict]
    wrt: tuple
    variables: tuple


FIELD_NAMES = {"expression": "expression", "where": "where entry", "at": "point",
               "wrt": "variable", "vars": "variable", "dependent": "dependent variable"}


class _FieldError(ParseError):
    """A ParseError that knows which key of the template it came from."""

    def __init__(self, error: ParseError, key: str):
        super().__init__(error.message, error.text, error.column)
        self.key = key


def read_filled(template: Template, filled: Filled) -> Read:
    """Parse every field of a filled template (raises ParseError for the first that does not
    read)."""
    def reading(key, function, text):
        try:
            return function(text)
        except ParseError as error:
            raise _FieldError(error, key) from None

    if template.kind == "jacobian":
        functions = reading("expression", parse_vector, filled.expression)
    elif is_equation(filled.expression):
        equation = reading("expression", read_equation, filled.expression)
        functions = (equation.left, equation.right)
    else:
        functions = (reading("expression", parse, filled.expression),)
    definitions = tuple(reading("where", parse_definition, w) for w in filled.where)
    point = reading("at", parse_point, filled.at) if filled.at is not None else None
    wrt = tuple(reading("wrt", parse_symbol, w) for w in filled.wrt)
    variables = tuple(reading("vars", parse_symbol, v) for v in filled.variables)
    if filled.dependent is not None:
        reading("dependent", parse_symbol, filled.dependent)
    return Read(functions, definitions, point, wrt, variables)


def template_error(template: Template, values, error: Exception) -> InputError:
    """``file:line: problem 'id': with a=2, b=3 the expression "..." does not read: …``."""
    key = getattr(error, "key", "expression")
    drawn = ", ".join(f"{n}={format_value(v)}" for n, v in values)
    text = getattr(error, "text", "")
    what = FIELD_NAMES.get(key, key) + (f" {text!r}" if text else "")
    with_values = f"with {drawn}, " if drawn else ""
    return InputError(f"{template.where_is(key)}: problem {template.id!r}: {with_values}the "
                      f"{what} does not read: {error}")
