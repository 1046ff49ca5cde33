"""derive: worked, verified derivatives, the way a teacher writes them on the board.

>>> from derive import differentiate
>>> solution = differentiate("ln(sin(x^3)^2)")
>>> solution.result
6*x**2*cot(x**3)
"""

from derive.api import (check, check_array, differentiate, gradient, hessian, jacobian, matrix,
                        trace)
from derive.core.steps import ArraySolution
from derive.errors import DeriveError, InputError, TimeLimitExceeded, VerificationError
from derive.core.steps import Solution, Step
from derive.present.results import render

__version__ = "0.1.0"
__all__ = ["differentiate", "gradient", "jacobian", "hessian", "trace", "check", "check_array",
           "matrix", "render",
           "ArraySolution", "Solution", "Step", "DeriveError", "InputError",
           "VerificationError", "TimeLimitExceeded", "__version__"]
