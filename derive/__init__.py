"""derive: worked, verified derivatives, the way a teacher writes them on the board.

>>> from derive import differentiate
>>> solution = differentiate("ln(sin(x^3)^2)")
>>> solution.result
6*x**2*cot(x**3)
"""

from .api import differentiate, gradient, hessian, jacobian
from .multivariable import ArraySolution
from .errors import DeriveError, InputError, TimeLimitExceeded, VerificationError
from .steps import Solution, Step

__version__ = "0.1.0"
__all__ = ["differentiate", "gradient", "jacobian", "hessian", "trace", "check", "check_array",
           "matrix",
           "ArraySolution", "Solution", "Step", "DeriveError", "InputError",
           "VerificationError", "TimeLimitExceeded", "__version__"]

# loaded when first used, so that `derive EXPR` does not import them at start-up
_LAZY = {"trace": ("traces", "trace"), "check": ("answers", "check"),
         "matrix": ("matrices", "matrix"),
         "check_array": ("array_answers", "check_array")}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module
        module, attribute = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
