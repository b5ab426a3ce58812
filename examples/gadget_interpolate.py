"""Certify interpolate_1d through (0, 1), (1/3, -1), (1, 2), (2, 2), (5/2, 0) on x = j/12 in [0, 5/2].

Writes proofs/gadgets/interpolate_1d.json.
"""

from fractions import Fraction
from pathlib import Path

from certify import Product, certificate
from certify.gadgets import interpolant_expr, interpolate_1d

OUT = Path(__file__).resolve().parent.parent / "proofs" / "gadgets" / "interpolate_1d.json"


def main():
    knots = [0, Fraction(1, 3), 1, 2, Fraction(5, 2)]
    values = [1, -1, 2, 2, 0]
    domain = Product([[Fraction(j, 12) for j in range(31)]])
    cert = certificate(interpolate_1d(knots, values), domain, [interpolant_expr(knots, values)], eps=0,
                       construction="interpolate_1d", parameters={"knots": knots, "values": values}, paper="-",
                       theorem="a continuous piecewise-linear function of one variable is a depth-2 network")
    cert.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
