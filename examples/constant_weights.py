"""Remark 3.1: turn poly-bounded weights into weights bounded by 1, at the same depth.

Writes proofs/constant_weights/*.json: the bits gadget (weights up to Rp) and the Yarotsky
square f_3, each re-expressed with every weight and bias in [-1, 1], certified equal on the domain.
"""

from fractions import Fraction
from pathlib import Path

from certify import Grid, Points
from certify.gadgets import bits, yarotsky_square
from certify.theorems.constant_weights import constant_weights

OUT = Path(__file__).resolve().parents[1] / "proofs" / "constant_weights"

r = constant_weights(bits(2, 4).network, 1, domain=Grid(1, 2, 4))
r.certificate.save(OUT / "bits_R2_p4_unit.json")
r = constant_weights(yarotsky_square(3).network, 1, domain=Points([[Fraction(j, 16)] for j in range(17)]))
r.certificate.save(OUT / "yarotsky_square_3_unit.json")
