"""How a textbook-style solution is laid out: which derivatives are written in one line.

A derivative needs no work of its own when it is one rule (x³ → 3x², sin x → cos x) or a
constant times one rule (6x³ → 18x²): its line is the answer and the rule's name.  A sum of
such terms is written in one line too where it is part of a larger derivative (f′ = 2x for
f = x² + 1 in the quotient rule; du/dx = 18x² for u = 6x³ + 8), while the function's own sum
is worked term by term, the sum rule written out.  The decisions are the textbook method's
(``derive.core.textbook.one_line``), shared with the checker that names the line a mistake
is made on; here they are Jinja tests (``single``, ``immediate``, ``short_chain``,
``reordered``) and a filter (``quick_steps``) of every format's environment.
"""

from __future__ import annotations

import sympy as sp

from derive.core.steps import Step
from derive.core.textbook import short_chain, one_line as immediate, single


def quick_steps(step: Step) -> list[Step]:
    """The rules a sum's one-line terms use, each rule once, in order (the variable's own
    derivative, 1, is not named): the words after "= 3x² + 4x − 5"."""
    seen, out = set(), []
    for sub in step.substeps:
        if not single(sub):
            continue
        for s in [sub] + (list(sub.substeps) if sub.rule == "constant-multiple" else []):
            if s.rule != "variable" and s.rule not in seen:
                seen.add(s.rule)
                out.append(s)
    return out


def reordered(result, expanded) -> bool:
    """``result`` is the sum ``expanded`` with its terms in another order: a line a teacher
    does not write (3/√x − 4/x² = −4/x² + 3/√x)."""
    return isinstance(expanded, sp.Add) and sp.Add(*expanded.args) == result


def rewriting(step: Step) -> str:
    """What a simplification step does, for its words (``rules/simplify-<kind>.j2``):
    "factor" (a sum became a product with a sum in it: a common factor taken out),
    "fraction" (a sum with fractions became one fraction), "expand" (products of sums
    multiplied out and collected, in a sum or a numerator), or "" (anything else)."""
    before, after = step.target, step.result
    if not isinstance(before, sp.Expr) or not isinstance(after, sp.Expr):
        return ""
    top_before, below_before = sp.fraction(before, exact=True)   # e^(-x) is no fraction
    top_after, below_after = sp.fraction(after, exact=True)
    if isinstance(before, sp.Add) and below_after == 1 and isinstance(after, sp.Mul) and any(
            isinstance(f, sp.Add) for f in after.args):
        return "factor"
    if isinstance(before, sp.Add) and below_after != 1:
        return "fraction"
    if isinstance(top_after, sp.Add) and _has_product_of_sum(top_before):
        return "expand"
    return ""


def _has_product_of_sum(e) -> bool:
    return any(isinstance(m, sp.Mul) and any(isinstance(f, sp.Add) for f in m.args)
               for m in sp.preorder_traversal(e))


__all__ = ["single", "immediate", "short_chain", "quick_steps", "reordered", "rewriting"]
