"""Functions that SymPy lacks or rewrites on sight, kept as written for the solution.

``LogBase(x, b)`` is log_b(x) = ln(x)/ln(b).  SymPy's own ``log(x, b)`` turns into the quotient
at once, which would hide the rule the user asked about; ``doit()`` gives SymPy's form, which
is what the independent check differentiates.
"""

from __future__ import annotations

import sympy as sp


class LogBase(sp.Function):
    """log_b(x), the logarithm of ``x`` to the constant base ``b``: ln(x) / ln(b)."""

    nargs = 2

    @classmethod
    def eval(cls, arg, base):  # noqa: D102 - stays unevaluated: the user's form is kept
        return None

    def doit(self, **hints):
        arg, base = (a.doit(**hints) if hints.get("deep", True) else a for a in self.args)
        return sp.log(arg) / sp.log(base)

    def _eval_rewrite_as_log(self, arg, base, **kwargs):
        return sp.log(arg) / sp.log(base)

    def fdiff(self, argindex=1):
        arg, base = self.args
        if argindex == 1:
            return 1 / (arg * sp.log(base))
        return -sp.log(arg) / (base * sp.log(base) ** 2)

    def _eval_is_real(self):
        arg, base = self.args
        if arg.is_positive and base.is_positive:
            return True
        return None

    def _latex(self, printer, exp=None):
        arg, base = self.args
        tex = r"\log_{%s}{\left(%s \right)}" % (printer._print(base), printer._print(arg))
        return tex if exp is None else r"\log_{%s}^{%s}{\left(%s \right)}" % (
            printer._print(base), exp, printer._print(arg))

    def _sympystr(self, printer):
        arg, base = self.args
        return "log(%s, %s)" % (printer._print(arg), printer._print(base))


def derivatives_as_subs(e: sp.Expr) -> sp.Expr:
    """SymPy writes d/dx f(g(x)) with ∂f(g(x))/∂g(x), a derivative by an expression; the same
    as f′ at g(x), ``Subs(Derivative(f(ξ), ξ), ξ, g(x))``, which survives putting concrete
    functions in place of f and g."""
    def by_symbols(d):
        expr, slots, values = d.expr, [], []
        variables = []
        for v, n in d.variable_count:
            if v.is_Symbol:
                variables.append((v, n))
                continue
            slot = sp.Dummy("xi")
            expr = expr.xreplace({v: slot})
            slots.append(slot)
            values.append(v)
            variables.append((slot, n))
        inner = sp.Derivative(expr, *variables)
        return sp.Subs(inner, tuple(slots), tuple(values)) if slots else inner

    return e.replace(lambda d: isinstance(d, sp.Derivative)
                     and any(not v.is_Symbol for v, _ in d.variable_count), by_symbols)
