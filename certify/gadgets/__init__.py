# numeric gadgets (bits, sawtooth, Yarotsky square/product, maximum, 1-D interpolation)
from .bits import bit_expr, bits  # noqa: E402,F401
from .interpolate import interpolant_expr, interpolate_1d  # noqa: E402,F401
from .maximum import maximum  # noqa: E402,F401
from .sawtooth import sawtooth, sawtooth_expr, tent  # noqa: E402,F401
from .yarotsky import square_interp_expr, yarotsky_multiply, yarotsky_square  # noqa: E402,F401
