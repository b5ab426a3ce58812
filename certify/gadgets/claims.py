"""Extra value claims on the recorded steps of a finished block.

Composition rewrites a step's claims in terms of the values it reads, so a step deep inside a
composite can only state what it computes from its own inputs. Once a gadget is assembled, it
knows what those inputs are as functions of the gadget's input x; `add_claims` attaches those
global statements ("neuron (3, 0) equals g_2(x)") to the step that owns the neurons.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from ..build import Block
from ..kernel.errors import MalformedError
from ..target import to_ast


def add_claims(block: Block, extra: dict) -> Block:
    """Return the block with claims appended: extra maps a step index to [(terms, expr), ...].

    `terms` is a list of (layer, index, coefficient); every named neuron must exist. A claim the
    step already makes is not repeated.
    """
    sizes = block.network.layer_sizes
    steps = list(block.steps)
    for sid, values in extra.items():
        claims = []
        for terms, expr in values:
            terms = tuple((l, i, Fraction(c)) for l, i, c in terms)
            for l, i, _ in terms:
                if not (1 <= l <= len(sizes) and 0 <= i < sizes[l - 1]):
                    raise MalformedError(f"claim on step {sid} names neuron ({l}, {i}) outside the network")
            claim = (terms, to_ast(expr))
            if claim not in steps[sid].values and claim not in claims:
                claims.append(claim)
        steps[sid] = replace(steps[sid], values=steps[sid].values + tuple(claims))
    return Block(block.network, tuple(steps), block.input_names, block.output_names)
