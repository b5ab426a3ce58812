"""The builder API: blocks with recorded steps, composed the way a proof composes them."""

from .block import Block, Step, compose, constant, identity, linear, parallel, readout, scale, sum_blocks

__all__ = ["Block", "Step", "compose", "constant", "identity", "linear", "parallel", "readout", "scale",
           "sum_blocks"]
