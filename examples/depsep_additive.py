"""Vardi-Shamir Theorem 3.6 (additive functions at depth 2): certify
f(x) = sin(pi x_0)/pi + exp(x_1) + sqrt(x_2^2 + 1) within 1/50 on the grid I^3 (R = 1, p = 4).

Writes proofs/depth_separation/additive_d3.json (an irrational target: the kernel decides the bound
with exact square roots and arb balls).
"""

from fractions import Fraction
from pathlib import Path

from certify.target import coords, exp, pi, sin, sqrt
from certify.theorems.additive import additive

OUT = Path(__file__).resolve().parent.parent / "proofs" / "depth_separation" / "additive_d3.json"


def main():
    t = coords(1)[0]
    fs = [sin(pi() * t) / pi(), exp(t), sqrt(t * t + 1)]
    # |f_0''| = pi |sin| <= 4, |f_1''| = e^t <= 3, |f_2''| = (1 + t^2)^(-3/2) <= 1 on [-1, 1]
    con = additive(fs, 1, 4, Fraction(1, 50), curvature=[4, 3, 1])
    con.certificate().save(OUT)
    print(f"wrote {OUT}: {con.stats()}")


if __name__ == "__main__":
    main()
