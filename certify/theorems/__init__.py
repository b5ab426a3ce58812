"""Whole constructions from the papers (small weights, constant weights, depth separation, ...)."""

from .constant_weights import ConstantWeightsResult, constant_weights  # noqa: F401
