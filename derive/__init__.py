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
__all__ = ["differentiate", "gradient", "jacobian", "hessian", "ArraySolution", "Solution", "Step", "DeriveError", "InputError",
           "VerificationError", "TimeLimitExceeded", "__version__"]
