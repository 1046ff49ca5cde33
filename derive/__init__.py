"""derive: worked, verified derivatives, the way a teacher writes them on the board.

>>> from derive import differentiate
>>> solution = differentiate("ln(sin(x^3)^2)")
>>> solution.result
6*x**2*cot(x**3)
"""

from derive.api import differentiate, gradient, hessian, jacobian
from derive.core.multivariable import ArraySolution
from derive.errors import DeriveError, InputError, TimeLimitExceeded, VerificationError
from derive.core.steps import Solution, Step
from derive.present.results import render

__version__ = "0.1.0"
__all__ = ["differentiate", "gradient", "jacobian", "hessian", "trace", "check", "check_array",
           "matrix", "render",
           "ArraySolution", "Solution", "Step", "DeriveError", "InputError",
           "VerificationError", "TimeLimitExceeded", "__version__"]

# loaded when first used, so that `derive EXPR` does not import them at start-up
_LAZY = {"trace": ("derive.ad.traces", "trace"), "check": ("derive.checking.answers", "check"),
         "matrix": ("derive.matrices.solution", "matrix"),
         "check_array": ("derive.checking.array_answers", "check_array")}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module
        module, attribute = _LAZY[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
