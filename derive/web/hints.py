"""The first rung of the hint ladder, "Which rule?": the rule a solution starts from and the
rules it uses inside it, read from the solution's own (checked) steps, in Markdown by the
template ``web/hint.md.j2``.

The rule a solution starts from is the first rule of differentiation met in reading order,
where the steps of a computation graph's combination (the chain rule along one path, the
total-derivative rule over several) come before its local derivatives, as they are what
the graph's answer is built by.  Steps that only arrange the work — the intermediate
variables, the list of local derivatives, substitution, simplification, a new order — name
no rule.
"""

from __future__ import annotations

from derive.core.steps import Solution
from derive.present.render import environment, template_errors

# steps that arrange the work rather than apply a rule of differentiation
ARRANGING = frozenset({"intermediates", "local-derivatives", "combine", "substitute",
                       "simplify-all", "simplify", "notation", "rewrite", "multiply-out",
                       "order", "paths"})


def rules_in_order(steps) -> list:
    """The steps that apply a rule, each rule once, in reading order: a combination's rules
    (chain, total) first, then the others depth first."""
    combined, others = [], []

    def visit(step, into):
        if step.rule == "combine":
            for sub in step.substeps:
                visit(sub, combined)
            return
        if step.rule not in ARRANGING:
            into.append(step)
        for sub in step.substeps:
            visit(sub, into)

    for step in steps:
        visit(step, others)
    firsts, seen = [], set()
    for step in combined + others:
        if step.rule not in seen:
            seen.add(step.rule)
            firsts.append(step)
    return firsts


def solutions_of(result) -> list[Solution]:
    """A solution, or the worked entries of a gradient, Jacobian or vector."""
    if isinstance(result, Solution):
        return [result]
    return [entry.solution for row in result.entries for entry in row
            if entry.solution is not None]


def which_rule(result) -> str:
    """The hint as Markdown: the rule to start from, and the other rules the work uses."""
    steps = [step for solution in solutions_of(result) for step in solution.steps]
    found = rules_in_order(steps)
    with template_errors("web/hint.md.j2"):
        template = environment("markdown").get_template("web/hint.md.j2")
        return template.render(first=found[0] if found else None, others=found[1:]).strip()
