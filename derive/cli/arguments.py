"""Reading the command line's words before Click does, so that an expression that begins
with "-" (``-sin(x)``, ``-x^2``, ``-2*b**3 + b``) is the expression, not a cluster of short
options.

A word that begins with "-" is an option only when it is written as one of the command's own
options: a long option by its exact name (``--wrt``, ``--format=json``; a name that merely
looks like one, ``--formt``, is left to Click, which says "No such option" and suggests the
right one), or a cluster of the command's short options in which a short option that takes
a value is the last and followed by nothing or by a plain word — a number for a numeric
option (``-h``, ``-n2``, ``-o out.tex``, ``-oout.tex``).  Every other word is a value: the
word after an option that takes one, else a positional argument.  ``-`` alone is a
positional argument (standard input) and everything after ``--`` is positional.

So ``derive -x`` and ``derive -nx`` differentiate −x and −nx, while ``derive -ox`` writes
to the file ``x`` and ``derive -h`` shows the help: ``--`` before the expression makes it
the expression whatever it looks like (``derive -- -h``).
"""

from __future__ import annotations

import re
from typing import Optional

import click

LONG_OPTION = re.compile(r"--[A-Za-z][\w-]*")
INLINE_VALUE = re.compile(r"[\w./~:@%-]+")   # what `-oout.tex` may carry
INLINE_NUMBER = re.compile(r"\d+(\.\d*)?")   # what `-n2` may carry


def option_arity(params) -> dict[str, tuple[int, re.Pattern]]:
    """Each option name of ``params`` -> the number of words it takes after it, and the
    pattern of a value written in the same word (``-n2``)."""
    arity = {}
    for param in params:
        if isinstance(param, click.Option):
            takes = 0 if param.is_flag or param.count else param.nargs
            numeric = isinstance(param.type, (click.types.IntParamType,
                                              click.types.FloatParamType))
            shape = (takes, INLINE_NUMBER if numeric else INLINE_VALUE)
            arity.update({name: shape for name in param.opts + param.secondary_opts})
    return arity


def option_words(word: str, arity: dict[str, tuple[int, re.Pattern]]) -> Optional[int]:
    """None when ``word`` is a value; else the number of words after it that the option
    takes."""
    if not word.startswith("-") or word in ("-", "--"):
        return None
    if word.startswith("--"):
        name, inline, _ = word.partition("=")
        if name in arity:
            return 0 if inline else arity[name][0]
        return 0 if LONG_OPTION.fullmatch(name) else None
    for k, letter in enumerate(word[1:], start=1):
        if "-" + letter not in arity:
            return None
        takes, inline = arity["-" + letter]
        if takes:
            rest = word[k + 1:]
            if not rest:
                return takes
            return 0 if inline.fullmatch(rest) else None
    return 0


def positionals_last(args, arity: dict[str, tuple[int, re.Pattern]]) -> list[str]:
    """``args`` with the options (and their values) first, in their order, then ``--`` and
    the positional arguments, in theirs: Click then reads no positional word as an option."""
    options, positional = [], []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            positional.extend(args[i + 1:])
            break
        taken = option_words(word, arity)
        if taken is None:
            positional.append(word)
            i += 1
        else:
            options.extend(args[i:i + 1 + taken])
            i += 1 + taken
    return options + (["--"] + positional if positional else [])


class ExpressionCommand(click.Command):
    """A command whose arguments are expressions: a positional word that begins with "-" is
    an argument unless it is written as one of the command's options."""

    def parse_args(self, ctx, args):
        arity = option_arity(self.get_params(ctx))
        return super().parse_args(ctx, positionals_last(list(args), arity))
