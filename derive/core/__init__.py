"""The engine: worked derivatives as plain records, each step checked.

steps (the frozen records) ← rules and local (one derivative rule per record, applied at a
node) ← graph (intermediate variables, the paths from x to y) ← engine (chain rule and total
derivative, substitution) ← simplify (the rewriting a teacher writes) ← verify and numeric (the
independent oracle: SymPy's diff, symbolically then numerically); multivariable (gradients,
Jacobians, Hessians); timing and sizes (the limits one request works within).
Imports only the base (derive.errors, derive.functions, derive.cache).
"""
