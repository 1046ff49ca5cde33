"""Problem sheets: problems drawn from banks, reproducibly, each with its worked and checked
solution.

Drawing.  Every random choice comes from ``random.Random`` seeded with text built from the
sheet's seed (``"derive sheet 42: variant 1: problem 3"``): Python seeds from text through
SHA-512, so the same seed gives the same sheet on every machine and run (no ``hash()``, no
set order).
The templates of a sheet are chosen once; each variant draws its own parameters for them, so
the versions of a sheet have the same shape and different numbers.

Well-posed problems.  A draw is put back and drawn again when it

* divides by zero, or writes a coefficient 0 or 1, an exponent 0 or 1, or a term 0 (a
  template's parameters met an unlucky value),
* is the same problem as another one on the sheet (or, where the template allows, as the
  same problem of an earlier variant),
* has a derivative that is identically 0, or a gradient or Jacobian with a zero row or
  column (the function does not use one of its variables),
* has too few real values for its answer to be checked, or is undefined at its point.

Every answer is checked against SymPy (``Solution.verified``); an answer that fails its check
is a bug in derive, raised as ``VerificationError``, never printed.

Each problem draws from its own stream (``"derive sheet 42: variant 1: problem 3"``), so the
problems can be worked one at a time or in several processes at once with the same result.
They are worked in two rounds: first every problem on its own (the slow part, in parallel
when asked), then, in order, a problem that repeats an earlier one on its sheet (or, where
the template allows, the same problem of an earlier variant) draws again from where its
stream stopped.  Both rounds are the same in a serial and a parallel run, so the sheets are
the same bytes.

Methods.  Implicit differentiation, tangent lines, first principles and logarithmic
differentiation are worked by ``derive.calculus``, which this layer does not import: the
function that works them (``derive.calculus.methods.work``) is passed in by
``derive.api.make_sheet``, and the problem's solution is that method's result.

Multiple choice.  The wrong options are mistakes: the function that asks
(``derive.api.ask_choices``: the table of ``derive.checking.mistakes``, or the mistakes of a
method) is passed in by ``derive.api.make_sheet``; only "find f′" and "find dy/dx" problems
(kinds derivative, partial, implicit and first-principles, without definitions, a point or
a second derivative of a curve) are asked this way, and a draw whose mistakes give fewer
than three different wrong answers is drawn again, then, when the template keeps failing,
replaced by another template of the same bank.

Pictures.  The computation graph and the plot of f and f′ are drawn for the derivatives of
one variable worked by the rules (kinds derivative and graph); the worked solution of any
other problem says that no picture is drawn for it.  A sheet only records
that it wants them; they are drawn when the sheet is laid out (``derive.present.sheets``).
"""

from __future__ import annotations

import io
import os
import pickle
import random
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence, Union

import sympy as sp

from derive.core.engine import in_inputs
from derive.core.steps import ArraySolution
from derive.core.numeric import is_real_number
from derive.core.steps import Solution
from derive.core.timing import time_limit
from derive.errors import InputError, TimeLimitExceeded, VerificationError, own_errors
from derive.read.parsing import ParseError
from derive.read.request import check_style
from derive.read.worked import worked, worked_array
from derive.sheets.banks import (Bank, Filled, Read, Template, Value, format_value, ill_posed,
                                 read_filled, template_error)
from derive.sheets.limits import MAX_COUNT, MAX_VARIANTS

MAX_DRAWS = 60               # draws of one template before it is declared unusable
PREFER_NEW_DRAWS = 40        # draws spent looking for a problem no earlier variant has
PROBLEM_SECONDS = 30.0       # time to work one problem
CHOICE_DRAWS = 3             # draws of a template whose mistakes give too few wrong answers
CHOICE_KINDS = ("derivative", "partial", "implicit", "first-principles")
PICTURED_KINDS = ("derivative", "graph")
PARALLEL_FROM = 8            # problems (count × variants) from which processes pay off
STYLE = "textbook"           # how the solutions are worked, unless the sheet says otherwise

# what asks a multiple-choice question: ``derive.checking.quiz.choices`` (expression text,
# seed, wrt=, order=) → its options (``.options``: ``.expression``, ``.correct``, ``.id``)
# and ``.key``; raises InputError when the mistakes give too few wrong answers
AskChoices = Callable[..., object]
# what works a problem of a method of its own (implicit, tangent, first principles, or a
# derivative by logarithms): ``derive.calculus.methods.work`` (kind, expression text, wrt=,
# order=, at=, dependent=, method=) → its checked result
WorkMethod = Callable[..., object]


@dataclass(frozen=True)
class Choice:
    """An option of a multiple-choice problem; a wrong one names the mistakes that give it."""

    expression: sp.Expr
    correct: bool
    mistake: Optional[str] = None


@dataclass(frozen=True)
class Choices:
    """The options of a multiple-choice problem in the order shown (from ``quiz.choices``,
    kept as plain data) and the index of the right one; ``asked``: the question as
    ``choices`` gave it (with the mistakes and the solution behind each option), for a
    Moodle question, which names them in its feedback."""

    options: tuple[Choice, ...]
    key: int
    asked: object = field(default=None, compare=False, repr=False)

    @property
    def wrong(self) -> tuple[Choice, ...]:
        return tuple(o for o in self.options if not o.correct)


@dataclass(frozen=True)
class Problem:
    """One problem of a sheet: the template, the values drawn for it, the filled-in text and
    its worked, checked solution."""

    number: int
    template: Template
    values: tuple[tuple[str, Value], ...]
    filled: Filled
    solution: Union[Solution, ArraySolution]
    key: str
    functions: tuple[sp.Expr, ...] = ()   # as written, in the intermediates if it has any
    choices: Optional[Choices] = None     # the options, on a multiple-choice sheet

    @property
    def pictured(self) -> bool:
        """Whether pictures are drawn for this kind of problem (a derivative of one variable
        worked by the rules)."""
        return self.kind in PICTURED_KINDS and isinstance(self.solution, Solution) and \
            not self.solution.partial

    @property
    def by_method(self) -> bool:
        """Whether the problem is worked by a method of its own (``WorkMethod``): its
        solution is that method's result, laid out by its own presenter."""
        return self.template.by_method

    @property
    def kind(self) -> str:
        return self.template.kind

    @property
    def prompt(self) -> str:
        return self.filled.prompt

    @property
    def difficulty(self) -> int:
        return self.template.difficulty

    @property
    def tags(self) -> tuple[str, ...]:
        return self.template.tags

    @property
    def bank(self) -> str:
        return self.template.bank

    @property
    def is_array(self) -> bool:
        return isinstance(self.solution, ArraySolution)

    @property
    def verified(self) -> bool:
        return self.solution.verified


@dataclass(frozen=True)
class Variant:
    """One version of a sheet (A, B, …)."""

    label: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Sheet:
    """A problem sheet: its metadata and one or more variants of the same problems."""

    title: str
    seed: int
    variants: tuple[Variant, ...]
    banks: tuple[Bank, ...]
    course: str = ""
    date: str = ""
    author: str = ""
    instructions: str = ""
    multiple_choice: bool = False
    graph: bool = False            # the computation graph in the worked solutions
    plot: bool = False             # the plot of f and f′ in the worked solutions
    style: str = "textbook"        # how the solutions are worked (derive.core.engine.STYLES)

    @property
    def pictures(self) -> bool:
        return self.graph or self.plot

    @property
    def count(self) -> int:
        return len(self.variants[0].problems)

    @property
    def problems(self):
        for variant in self.variants:
            yield from variant.problems


# ------------------------------------------------------------------------------------------
# Choosing templates
# ------------------------------------------------------------------------------------------
def difficulty_range(text: Optional[str]) -> Optional[tuple[int, int]]:
    """``"2"`` → (2, 2); ``"1-2"`` → (1, 2); None → any difficulty."""
    if text is None or str(text).strip() == "":
        return None
    parts = str(text).replace(" ", "").split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (1, 2) or not all(1 <= n <= 3 for n in numbers):
        raise InputError(f"difficulty {text!r}: give 1, 2 or 3, or a range such as 1-2")
    low, high = numbers[0], numbers[-1]
    if low > high:
        raise InputError(f"difficulty {text!r}: the range goes from low to high, such as 1-2")
    return low, high


def matches(template: Template, difficulty, topics) -> bool:
    if difficulty and not difficulty[0] <= template.difficulty <= difficulty[1]:
        return False
    if topics:
        wanted = {t.lower() for t in topics}
        return any(tag.lower() in wanted for tag in template.tags)
    return True


def choose_templates(banks: Sequence[Bank], count: int, difficulty, topics, rng,
                     multiple_choice: bool = False) -> list[Template]:
    """``count`` templates shared as evenly as possible among the banks that have matching
    ones; within a bank, distinct templates until every one is used, easier ones first.
    ``multiple_choice`` keeps the templates that can be asked so (``choice_ready``)."""
    pools = [pool_of(bank, difficulty, topics, multiple_choice) for bank in banks]
    pools = [pool for pool in pools if pool]
    if not pools:
        names = ", ".join(b.name for b in banks)
        wanted = _wanted(difficulty, topics, multiple_choice)
        raise InputError(f"no problem in {names} has {wanted or 'templates'}; "
                         "`derive problems` lists the banks and their topics")
    quotas = [count // len(pools)] * len(pools)
    for i in sorted(rng.sample(range(len(pools)), count % len(pools))):
        quotas[i] += 1
    chosen = []
    for pool, quota in zip(pools, quotas):
        picks: list[Template] = []
        while len(picks) < quota:
            batch = [t for t in pool if picks.count(t) < t.different]
            if not batch:
                raise InputError(
                    f"{pool[0].bank} has {len(picks)} different problems"
                    + (f" of {_wanted(difficulty, topics, multiple_choice)}"
                       if difficulty or topics or multiple_choice else "")
                    + f", fewer than the {quota} asked of it: ask for fewer with --count")
            rng.shuffle(batch)
            picks += batch[:quota - len(picks)]
        chosen += sorted(picks, key=lambda t: (t.difficulty, pool.index(t)))
    return chosen


def _wanted(difficulty, topics, multiple_choice: bool) -> str:
    """What a sheet asks of its problems, in words (empty when it asks nothing)."""
    wanted = []
    if multiple_choice:
        wanted.append("a question that can be multiple choice")
    if difficulty:
        wanted.append("difficulty " + (str(difficulty[0]) if difficulty[0] == difficulty[1]
                                       else f"{difficulty[0]}-{difficulty[1]}"))
    if topics:
        wanted.append("topic " + " or ".join(topics))
    return " and ".join(wanted)


def pool_of(bank: Bank, difficulty, topics, multiple_choice: bool = False) -> list[Template]:
    """The templates of ``bank`` a sheet may use, in the bank's order."""
    return [t for t in bank.templates if matches(t, difficulty, topics)
            and (not multiple_choice or choice_ready(t))]


# ------------------------------------------------------------------------------------------
# Drawing one problem
# ------------------------------------------------------------------------------------------
def flaw(read: Read) -> Optional[str]:
    """Why a read draw is not written the way a teacher would write it, or None: a factor
    or term 0, a coefficient 1 (1·x), an exponent 0 or 1, a power of 1 or 0."""
    expressions = list(read.functions) + [d for _, d in read.definitions]
    for expression in expressions:
        for node in sp.preorder_traversal(expression):
            if isinstance(node, sp.Mul):
                numbers = [a for a in node.args if a.is_Number]
                if any(n == 0 for n in numbers):
                    return "a factor 0"
                reciprocal = any(isinstance(a, sp.Pow) and a.exp.is_negative
                                 for a in node.args)
                if any(n == 1 for n in numbers) and not reciprocal:
                    return "a coefficient 1"
            elif isinstance(node, sp.Pow):
                if node.exp.is_Number and node.exp in (0, 1):
                    return f"an exponent {node.exp}"
                if node.base.is_Number and node.base in (0, 1):
                    return f"a power of {node.base}"
            elif isinstance(node, sp.Add) and any(a.is_Number and a == 0 for a in node.args):
                return "a term 0"
    return None


def problem_key(template: Template, read: Read, filled: Filled) -> str:
    """What makes two problems the same: the kind, the functions as read, the variables,
    the order, the definitions and the point."""
    parts = [template.kind, filled.method, filled.dependent or "",
             "|".join(sp.srepr(f) for f in read.functions),
             ",".join(filled.wrt), str(filled.order), ",".join(filled.variables),
             "|".join(f"{n}={sp.srepr(d)}" for n, d in read.definitions),
             "" if read.point is None else ",".join(f"{k}={v}" for k, v in read.point.items())]
    return "\n".join(parts)


def _defined_at(read: Read) -> bool:
    """Every function has a real value at the problem's point."""
    try:
        return all(is_real_number(in_inputs(f, read.definitions).doit().subs(read.point))
                   for f in read.functions)
    except (ZeroDivisionError, TypeError, ValueError):
        return False


def _zero_parts(solution) -> Optional[str]:
    """Why the answer is trivial: identically 0, or (a gradient or Jacobian) a zero row or
    column."""
    if not isinstance(solution, ArraySolution):
        return "its derivative is 0" if getattr(solution, "result", None) == 0 else None
    matrix = solution.result
    if all(e == 0 for e in matrix):
        return f"its {solution.kind} is 0"
    if solution.kind in ("gradient", "jacobian"):
        rows = [matrix.row(i) for i in range(matrix.rows)]
        columns = [matrix.col(j) for j in range(matrix.cols)]
        if solution.kind == "gradient":
            columns = []
        if any(all(e == 0 for e in line) for line in rows + columns):
            return f"its {solution.kind} has a row or column of zeros"
    return None


def _wrt(filled: Filled):
    """The variable of a filled template (a list for a mixed partial; None when not given)."""
    return list(filled.wrt) if len(filled.wrt) > 1 else (filled.wrt[0] if filled.wrt else None)


@own_errors
def _work(template: Template, filled: Filled, style: str = STYLE, picture: bool = False,
          methods: Optional[WorkMethod] = None):
    """The worked solution of a filled template in ``style``, read and solved as the Python
    interface does (``derive.read.worked``); ``picture``: with the computation graph, for its
    drawing, whatever the style.  A problem of a method of its own is worked by
    ``methods``."""
    if template.by_method:
        return methods(template.kind, filled.expression, wrt=_wrt(filled), order=filled.order,
                       at=filled.at, dependent=filled.dependent, method=filled.method)
    where = list(filled.where) or None
    if template.kind in ("gradient", "jacobian", "hessian"):
        return worked_array(template.kind, filled.expression,
                            ",".join(filled.variables) or None, at=filled.at, where=where,
                            style=style)
    return worked(filled.expression, _wrt(filled), order=filled.order, at=filled.at,
                  where=where, style=style, picture=picture)


def _shown(values) -> str:
    return ", ".join(f"{n}={format_value(v)}" for n, v in values) or "no parameters"


def solve_draw(template: Template, values, filled: Filled, style: str = STYLE,
               picture: bool = False, methods: Optional[WorkMethod] = None):
    """The checked solution of one draw (worked in ``style``, with its computation graph
    when ``picture``; by ``methods`` for a problem of a method of its own), or the reason
    (text) why the draw is ill-posed."""
    def too_slow():
        return TimeLimitExceeded(f"{template.where_is()}: problem {template.id!r} "
                                 f"({_shown(values)}) took more than {PROBLEM_SECONDS:g} s "
                                 "to work")

    try:
        with time_limit(PROBLEM_SECONDS, too_slow):
            solution = _work(template, filled, style, picture, methods)
    except ParseError as error:
        if ill_posed(error):
            return "it divides by zero"
        raise template_error(template, values, error) from None
    except InputError as error:
        raise InputError(f"{template.where_is()}: problem {template.id!r}: with "
                         f"{_shown(values)}: {error}") from None
    # from first principles, the derivative 0 of a constant is the lesson, not a flaw
    trivial = None if template.kind == "first-principles" else _zero_parts(solution)
    if trivial:
        return trivial
    if not solution.verified:
        failed = solution.failed_checks
        if failed and all(c.method == "inconclusive" for c in failed):
            return "its answer cannot be checked: it has too few real values"
        first = failed[0] if failed else None
        detail = f"{first.rule}: {first.detail or first.method}" if first else "no checks"
        raise VerificationError(
            f"problem {template.name} with {_shown(values)} ({filled.expression}): a step "
            f"failed its check ({detail}); this is a bug in derive, please report it")
    return solution


TOO_FEW_MISTAKES = "its mistakes give fewer than three different wrong answers"


class NoChoices(InputError):
    """No draw of a template gives a multiple-choice question (too few different mistakes)."""


def choice_ready(template: Template) -> bool:
    """Whether a template can be asked as multiple choice: "find f′" (by the rules, by
    logarithms or from first principles) or dy/dx of a curve, for one function, with no
    definitions to work through and no point to evaluate at."""
    if template.kind == "implicit" and template.order != 1:
        return False
    return template.kind in CHOICE_KINDS and not template.where and template.at is None


def ask(filled: Filled, seed: int, choices: AskChoices,
        style: str = STYLE, solution=None) -> Union[Choices, str]:
    """The multiple-choice question of a filled template (asked by ``choices``, its right
    option the answer of ``solution``, the problem's solution worked in ``style``), or why
    there is none."""
    try:
        question = choices(filled.expression, seed, wrt=_wrt(filled), order=filled.order,
                           style=style, solution=solution)
    except InputError:
        return TOO_FEW_MISTAKES
    return Choices(tuple(Choice(o.expression, o.correct, o.id) for o in question.options),
                   question.key, question)


def draw_problem(template: Template, number: int, rng: random.Random, taken: set,
                 elsewhere: frozenset = frozenset(), *,
                 quiz_seed: Optional[int] = None,
                 choices: Optional[AskChoices] = None, style: str = STYLE,
                 picture: bool = False, methods: Optional[WorkMethod] = None) -> Problem:
    """Draw values for ``template`` until the problem is well-posed and not in ``taken``
    (the keys of the problems already on this variant); one that is in ``elsewhere`` (the
    same problem in earlier variants) is taken only when nothing else turns up.  The
    solution is worked in ``style`` (with its computation graph when ``picture``; by
    ``methods`` for a problem of a method of its own).  With
    ``quiz_seed``, the problem is also asked as multiple choice (``ask``, by ``choices``); a
    template whose draws give too few wrong answers ``CHOICE_DRAWS`` times raises
    ``NoChoices``."""
    if quiz_seed is not None and choices is None:
        raise TypeError("a multiple-choice problem needs the function that asks it: "
                        "choices=derive.checking.quiz.choices (derive.api.make_sheet "
                        "passes it)")
    if template.by_method and methods is None:
        raise TypeError(f"a {template.kind} problem is worked by its own method: "
                        "methods=derive.calculus.methods.work (derive.api.make_sheet passes "
                        "it)")
    reasons: list[str] = []
    fallback = None
    refused = 0

    def finish(values, filled, key, read) -> Union[Problem, str]:
        outcome = solve_draw(template, values, filled, style, picture, methods)
        if isinstance(outcome, str):
            return outcome
        question = None
        if quiz_seed is not None:
            question = ask(filled, quiz_seed, choices, style, outcome)
            if isinstance(question, str):
                return question
        return Problem(number, template, values, filled, outcome, key, read.functions,
                       choices=question)

    for attempt in range(MAX_DRAWS):
        values = template.draw(rng)
        filled = template.fill(values)
        try:
            read = read_filled(template, filled)
        except ParseError as error:
            if ill_posed(error):
                reasons.append("it divides by zero")
                continue
            raise template_error(template, values, error) from None
        problem_flaw = flaw(read)
        if problem_flaw:
            reasons.append(f"it writes {problem_flaw}")
            continue
        if read.point is not None and not _defined_at(read):
            reasons.append("it is undefined at its point")
            continue
        key = problem_key(template, read, filled)
        if key in taken:
            reasons.append("it is the same as another problem on the sheet")
            continue
        if key in elsewhere and attempt < PREFER_NEW_DRAWS:
            fallback = fallback or (values, filled, key, read)
            continue
        outcome = finish(values, filled, key, read)
        if isinstance(outcome, Problem):
            return outcome
        reasons.append(outcome)
        if outcome == TOO_FEW_MISTAKES:
            refused += 1
            if refused >= CHOICE_DRAWS:
                break
    if fallback is not None and refused < CHOICE_DRAWS:
        outcome = finish(*fallback)
        if isinstance(outcome, Problem):
            return outcome
        reasons.append(outcome)
    if refused >= CHOICE_DRAWS:
        raise NoChoices(f"{template.where_is()}: problem {template.id!r}: its common "
                        "mistakes give fewer than three different wrong answers")
    common = max(sorted(set(reasons)), key=reasons.count) if reasons else "no draw"
    raise InputError(f"{template.where_is()}: problem {template.id!r}: no well-posed draw in "
                     f"{MAX_DRAWS} tries (most often: {common})")


# ------------------------------------------------------------------------------------------
# The sheet
# ------------------------------------------------------------------------------------------
def variant_label(index: int) -> str:
    return chr(ord("A") + index)


@dataclass(frozen=True)
class Slot:
    """The work of one problem of one variant: the templates to try in turn (the chosen one,
    then, on a multiple-choice sheet, the others of its bank), on a multiple-choice sheet
    the function that asks the question (module-level, so a slot pickles for a worker
    process), the style of the solution and whether its computation graph is drawn."""

    variant: int
    number: int
    templates: tuple[Template, ...]
    seed: int
    multiple_choice: bool = False
    choices: Optional[AskChoices] = None
    style: str = STYLE
    picture: bool = False
    methods: Optional[WorkMethod] = None

    @property
    def stream(self) -> str:
        return f"derive sheet {self.seed}: variant {self.variant}: problem {self.number}"

    @property
    def quiz_seed(self) -> Optional[int]:
        if not self.multiple_choice:
            return None
        return random.Random(self.stream + ": choices").getrandbits(32)


def work_slot(slot: Slot, taken=frozenset(), elsewhere=frozenset(), state=None):
    """Draw and work the problem of ``slot``, not one in ``taken``, preferably not one in
    ``elsewhere``; the stream starts afresh, or at ``state`` where an earlier call stopped.
    Returns (problem, state of the stream)."""
    rng = random.Random(slot.stream)
    if state is not None:
        rng.setstate(state)
    last: Optional[NoChoices] = None
    for template in slot.templates:
        try:
            problem = draw_problem(template, slot.number, rng, set(taken), frozenset(elsewhere),
                                   quiz_seed=slot.quiz_seed, choices=slot.choices,
                                   style=slot.style, picture=slot.picture,
                                   methods=slot.methods)
        except NoChoices as error:
            last = error
            continue
        return problem, rng.getstate()
    if len(slot.templates) == 1:
        raise last
    raise InputError(f"{last}, nor do the other problems of its bank that match")


def default_jobs() -> int:
    """The processors this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:      # not on Linux
        return max(1, os.cpu_count() or 1)


class _Pickler(pickle.Pickler):
    """Pickles SymPy expressions as they are: an expression is rebuilt from its arguments
    without evaluation, so a sum written ``5 + 4x³`` stays so (SymPy's own pickles rebuild
    with evaluation, which puts the terms in SymPy's order)."""

    def reducer_override(self, obj):
        if isinstance(obj, sp.Basic) and not obj.is_Atom and obj.args:
            return _rebuilt, (type(obj), obj.args)
        return NotImplemented


def _rebuilt(cls, args):
    with sp.evaluate(False):
        return cls(*args)


def _work_slot_packed(slot: Slot) -> bytes:
    """``work_slot`` in a worker process: its result pickled by ``_Pickler``."""
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(work_slot(slot))
    return buffer.getvalue()


def _first_round(slots: Sequence[Slot], jobs: int, progress) -> list:
    """Every slot worked on its own, in order of the slots; in ``jobs`` processes."""
    if jobs <= 1:
        done = []
        for slot in slots:
            done.append(work_slot(slot))
            if progress is not None:
                progress(done[-1][0])
        return done
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_work_slot_packed, slot): i for i, slot in enumerate(slots)}
        done = [None] * len(slots)
        try:
            for future in as_completed(futures):
                done[futures[future]] = pickle.loads(future.result())
                if progress is not None:
                    progress(done[futures[future]][0])
        except BaseException:
            for future in futures:          # the first error stops the sheet
                future.cancel()
            raise
    return done


def make_sheet(banks: Sequence[Bank], *, count: int = 10, difficulty=None,
               topics: Sequence[str] = (), seed: int = 0, variants: int = 1,
               title: str = "Derivatives", course: str = "", date: str = "", author: str = "",
               instructions: str = "", multiple_choice: bool = False, graph: bool = False,
               plot: bool = False, jobs: Optional[int] = None,
               progress: Optional[Callable[[Problem], None]] = None,
               choices: Optional[AskChoices] = None, style: str = STYLE,
               methods: Optional[WorkMethod] = None) -> Sheet:
    """A sheet of ``count`` problems from ``banks`` in ``variants`` versions, their worked
    solutions in ``style`` ("textbook", "graph" or "compact"; the textbook style works a
    function of one variable, the others are worked as computation graphs).

    ``difficulty`` is None or (low, high); ``topics`` keeps templates with one of these tags.
    ``multiple_choice`` asks every problem with four options, by ``choices`` (a module-level
    function such as ``derive.checking.quiz.choices``; ``derive.api.make_sheet`` passes it);
    ``methods`` works the problems of a method of their own (implicit, tangent, first
    principles, by logarithms: ``derive.calculus.methods.work``, passed by the api too);
    ``graph`` and ``plot`` ask for pictures in the worked solutions (drawn when the sheet is
    laid out, by ``derive.present.sheets``).  ``jobs`` processes work the problems (default: one
    per processor; one for a sheet of fewer than ``PARALLEL_FROM`` problems); the sheet is
    the same whatever their number.  ``progress`` is called after each problem is worked.
    """
    if not 1 <= count <= MAX_COUNT:
        raise InputError(f"the count must be between 1 and {MAX_COUNT}, not {count}")
    if not 1 <= variants <= MAX_VARIANTS:
        raise InputError(f"the number of variants must be between 1 and {MAX_VARIANTS}, "
                         f"not {variants}")
    if jobs is not None and jobs < 1:
        raise InputError(f"the number of jobs must be at least 1, not {jobs}")
    check_style(style)
    if multiple_choice and choices is None:
        raise TypeError("a multiple-choice sheet needs the function that asks the questions: "
                        "choices=derive.checking.quiz.choices (derive.api.make_sheet passes "
                        "it)")
    if isinstance(difficulty, str):
        difficulty = difficulty_range(difficulty)
    templates = choose_templates(banks, count, difficulty, tuple(topics),
                                 random.Random(f"derive sheet {seed}: choice"), multiple_choice)
    candidates = []
    for number, template in enumerate(templates, start=1):
        others = []
        if multiple_choice:
            bank = next(b for b in banks if b.name == template.bank and template in b.templates)
            others = [t for t in pool_of(bank, difficulty, tuple(topics), True) if t != template]
            random.Random(f"derive sheet {seed}: others {number}").shuffle(others)
        candidates.append((template, *others))
    slots = [Slot(index, number, candidates[number - 1], seed, multiple_choice,
                  choices if multiple_choice else None, style, graph, methods)
             for index in range(variants) for number in range(1, count + 1)]
    if jobs is None:
        jobs = default_jobs() if len(slots) >= PARALLEL_FROM else 1
    first = _first_round(slots, min(jobs, len(slots)), progress)

    done: list[Variant] = []
    for index in range(variants):
        problems: list[Problem] = []
        taken: set[str] = set()
        for number in range(1, count + 1):
            k = index * count + number - 1
            problem, state = first[k]
            elsewhere = frozenset(v.problems[number - 1].key for v in done)
            if problem.key in taken or problem.key in elsewhere:
                slot = slots[k]
                start = slot.templates.index(problem.template)
                slot = replace(slot, templates=slot.templates[start:])
                problem, _ = work_slot(slot, taken, elsewhere, state)
            taken.add(problem.key)
            problems.append(problem)
        done.append(Variant(variant_label(index), tuple(problems)))
    return Sheet(title=title, seed=seed, variants=tuple(done), banks=tuple(banks),
                 course=course, date=date, author=author, instructions=instructions,
                 multiple_choice=multiple_choice, graph=graph, plot=plot, style=style)

