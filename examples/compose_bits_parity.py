"""Compose gadgets the way a proof does: grid input -> bits -> threshold circuit -> read-out.

On I = {j/4 : -8 <= j <= 8} the network outputs 2 * (parity of the binary digits of 4x + 8) - 1,
i.e. +1 when 4x + 8 has an odd number of one bits, -1 otherwise.
Run: python examples/compose_bits_parity.py   (writes proofs/compose/bits_parity.json)
"""

from pathlib import Path

from certify import Grid, certificate
from certify.build import compose, constant, parallel, readout
from certify.gadgets import bits, parity
from certify.target import bit, coords, mod, sum_coords

R, p = 2, 4
x = coords(1)[0]
digits = bits(R, p)                                   # layer 2 holds the 5 bits of j = 4x + 8
odd = compose(parity(5), digits)                      # the parity circuit reads them (no depth lost)
signed = readout(parallel(odd, constant([1], 1)), [[2, -1]])   # 2 * parity - 1, as a linear read-out
j = p * x + R * p
target = 2 * mod(sum(bit(j, k) for k in range(5)), 2) - 1
cert = certificate(signed, Grid(1, R, p), target, construction="bits -> parity -> read-out",
                   parameters={"R": R, "p": p}, paper="Vardi, Shamir (2020)",
                   theorem="Section 4.1.1 (binary input) composed with a threshold circuit")
cert.save(Path(__file__).resolve().parents[1] / "proofs" / "compose" / "bits_parity.json")
