"""Certify Yarotsky's square and product networks with their exact errors.

- yarotsky_square(4) against u^2 on u = j/32 in [0, 1]: sup error exactly 2^-10, attained at
  the odd multiples of 1/32 (proofs/gadgets/yarotsky_square_4.json).
- yarotsky_multiply(3, 2) against xy on the grid I^2, R = 2, p = 16: sup error exactly
  M^2 2^(-2m-2) = 1/64, attained at x = y = 1/8 (proofs/gadgets/yarotsky_multiply_3_M2.json).
"""

from fractions import Fraction
from pathlib import Path

from certify import Grid, Product, certificate
from certify.gadgets import yarotsky_multiply, yarotsky_square

PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "gadgets"
PAPER = "Yarotsky: Error bounds for approximations with deep ReLU networks (2017)"


def main():
    m = 4
    domain = Product([[Fraction(j, 2 ** (m + 1)) for j in range(2 ** (m + 1) + 1)]])
    cert = certificate(yarotsky_square(m), domain, [["pow", ["x", 0], 2]], eps=Fraction(1, 4 ** (m + 1)),
                       construction="yarotsky_square", parameters={"m": m}, paper=PAPER,
                       theorem="Proposition 2: f_m = x - sum_{s<=m} g_s/4^s, sup_[0,1] |f_m - x^2| = 2^(-2m-2)")
    cert.save(PROOFS / f"yarotsky_square_{m}.json")
    m, M = 3, 2
    cert = certificate(yarotsky_multiply(m, M), Grid(2, M, 2 ** (m + 1)), [["mul", ["x", 0], ["x", 1]]],
                       eps=Fraction(M * M, 4 ** (m + 1)), construction="yarotsky_multiply",
                       parameters={"m": m, "M": M}, paper=PAPER,
                       theorem="Proposition 3 (by xy = M^2 ((x+y)^2 - (x-y)^2) / (4M^2)): |error| <= M^2 2^(-2m-2)")
    cert.save(PROOFS / f"yarotsky_multiply_{m}_M{M}.json")
    print(f"wrote {PROOFS}/yarotsky_*.json")


if __name__ == "__main__":
    main()
