"""Certify sawtooth(6): g_6 = 1 - |2 frac(32 x) - 1| exactly at every x = j/256 in [0, 1].

The points j/256 contain the 65 breakpoints j/64 (where g_6 alternates 0, 1) and three points
inside each of the 64 affine pieces. Writes proofs/gadgets/sawtooth_6.json.
"""

from fractions import Fraction
from pathlib import Path

from certify import Product, certificate
from certify.gadgets import sawtooth, sawtooth_expr

OUT = Path(__file__).resolve().parent.parent / "proofs" / "gadgets" / "sawtooth_6.json"


def main():
    k, den = 6, 256
    domain = Product([[Fraction(j, den) for j in range(den + 1)]])
    cert = certificate(sawtooth(k), domain, [sawtooth_expr(k)], eps=0,
                       construction="sawtooth", parameters={"k": k},
                       paper="Telgarsky: Benefits of depth in neural networks (2016)",
                       theorem="the k-fold tent map: width 2 per layer, 2^k affine pieces on [0, 1]")
    cert.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
