"""Certify Yarotsky's f_20 against x^2 on the whole interval [0, 1], not just on a grid.

f_m interpolates x^2 at the knots i/2^m, so sup_[0,1] |f_m - x^2| = 2^(-2m-2), attained at the
midpoints. The kernel re-checks it with the exact breakpoint sweep (2^20 pieces) and, on each
piece, the endpoints and the vertex of the quadratic error. Z3 proves that for every m >= 2 the
construction has depth m + 1, width 3 and max weight 4. Writes proofs/regions/yarotsky_square_20.json.
"""

from fractions import Fraction
from pathlib import Path

import sympy

from certify import Product, certificate
from certify.extra_claims import ExtraClaims
from certify.gadgets import yarotsky_square
from certify.smt.parametric import Parameter

OUT = Path(__file__).resolve().parent.parent / "proofs" / "regions" / "yarotsky_square_20.json"


def main():
    m, mm = 20, sympy.Symbol("m", integer=True)
    block = yarotsky_square(m)
    extra = (ExtraClaims(block.network)
             .sup_error(0, 1, [0, 0, 1], bound=Fraction(1, 2 ** (2 * m + 2)))
             .pieces(0, 1, pieces=2**m)
             .parametric([Parameter("m", min=2)], {"m": m},
                         {"depth": mm + 1, "width": sympy.Integer(3), "max_weight": sympy.Integer(4)},
                         [("depth", "eq", mm + 1), ("width", "le", 3), ("max_weight", "le", 4)]))
    domain = Product([[Fraction(j, 64) for j in range(65)]])
    cert = certificate(block, domain, [["pow", ["x", 0], 2]], construction="yarotsky_square",
                       parameters={"m": m}, paper="Yarotsky: Error bounds for approximations with deep ReLU networks (2017)",
                       theorem="Proposition 2: sup over [0, 1] of |f_m(x) - x^2| = 2^(-2m-2)",
                       extra_claims=extra.json())
    cert.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
