"""Whole constructions from the papers (small weights, constant weights, depth separation, ...)."""

from .constant_weights import ConstantWeightsResult, constant_weights  # noqa: F401
from .small_weights import SmallWeights, small_weights  # noqa: F401
