"""Certify maximum(5) = max(x_0, ..., x_4) exactly on {-2, -1/2, 0, 1, 3}^5 (3125 points).

Writes proofs/gadgets/maximum_5.json.
"""

from fractions import Fraction
from pathlib import Path

from certify import Product, certificate
from certify.gadgets import maximum

OUT = Path(__file__).resolve().parent.parent / "proofs" / "gadgets" / "maximum_5.json"


def main():
    n = 5
    domain = Product([[-2, Fraction(-1, 2), 0, 1, 3]] * n)
    cert = certificate(maximum(n), domain, [["max", *[["x", i] for i in range(n)]]], eps=0,
                       construction="maximum", parameters={"n": n}, paper="-",
                       theorem="max of n inputs of any sign in depth ceil(log2 n) + 1, weights +-1")
    cert.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
