# numeric gadgets (bits, sawtooth, Yarotsky square/product, maximum, 1-D interpolation)
from .bits import bit_expr, bits  # noqa: E402,F401
from .interpolate import interpolant_expr, interpolate_1d  # noqa: E402,F401
from .maximum import maximum  # noqa: E402,F401
from .sawtooth import sawtooth, sawtooth_expr, tent  # noqa: E402,F401
from .yarotsky import square_interp_expr, yarotsky_multiply, yarotsky_square  # noqa: E402,F401
# threshold circuits and threshold arithmetic with polynomial weights (docs/threshold-arithmetic.md)
from .threshold import inner_product_mod2, parity, threshold_circuit, threshold_gate  # noqa: E402,F401
from .arithmetic import (compare, iterated_addition, multiply, naive_compare, naive_iterated_addition,  # noqa: E402,F401
                         naive_multiply, naive_relu_of_sum, naive_weighted_sum_bits, relu_of_sum, weighted_sum_bits)
