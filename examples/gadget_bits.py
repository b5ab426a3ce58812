"""Certify bits(R=2, p=4): the 5 bits of j = 4x + 8 for every x in I = {j/4 : -8 <= j <= 8}.

Writes proofs/gadgets/bits_R2_p4.json (byte-identical on every run).
"""

from pathlib import Path

from certify import Grid, certificate
from certify.gadgets import bit_expr, bits

OUT = Path(__file__).resolve().parent.parent / "proofs" / "gadgets" / "bits_R2_p4.json"


def main():
    R, p = 2, 4
    L = (2 * R * p).bit_length()
    j = ["add", ["mul", p, ["x", 0]], R * p]
    cert = certificate(bits(R, p), Grid(1, R, p), [bit_expr(k, j) for k in range(L)], eps=0,
                       construction="bits", parameters={"R": R, "p": p},
                       paper="Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (2020)",
                       theorem="Section 4.1.1: the binary representation of x in I by two layers with poly-bounded weights")
    cert.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
