"""Parametric weight bounds, proven by Z3 for every parameter value, tied to one concrete instance.

- bits(R, p) (the binary expansion of p x + Rp on the grid): depth 3, width 2Rp, max weight
  max(p, 2, Rp). Z3 proves, for all integers p >= 1 and rationals R >= 0: width <= 2Rp and
  max weight <= (R + 1) p + 2 (nonlinear real arithmetic). The instance R = 2, p = 4 must agree.
  Writes proofs/regions/bits_R2_p4_parametric.json.
- maximum(n): width 3 floor(n/2) + 2 (n mod 2) = 2n - floor(n/2) and max weight 1. Z3 proves, for all
  integers n >= 2: width <= (3n + 1)/2. Writes proofs/regions/maximum_7_parametric.json.
"""

from fractions import Fraction
from pathlib import Path

import sympy

from certify import Product, certificate
from certify.extra_claims import ExtraClaims
from certify.gadgets import bit_expr, bits, maximum
from certify.smt.parametric import Parameter

PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "regions"


def main():
    R, p = Fraction(2), 4
    r, q = sympy.symbols("R p")
    block = bits(R, p)
    extra = (ExtraClaims(block.network).layer_bounds().parametric(
        [Parameter("R", min=0, integer=False), Parameter("p", min=1)], {"R": R, "p": p},
        {"depth": sympy.Integer(3), "width": 2 * r * q, "max_weight": sympy.Max(q, 2, r * q)},
        [("depth", "eq", 3), ("width", "le", 2 * r * q), ("max_weight", "le", (r + 1) * q + 2)]))
    grid = Product([[Fraction(j, p) for j in range(-int(R * p), int(R * p) + 1)]])
    j = ["add", ["mul", p, ["x", 0]], int(R * p)]
    cert = certificate(block, grid, [bit_expr(k, j) for k in range(block.network.output_dim)], eps=0,
                       construction="bits", parameters={"R": 2, "p": p},
                       paper="Vardi, Shamir: Neural networks with small weights and depth-separation barriers (2020)",
                       theorem="section 4.1.1: the bits of p x + Rp with weights max(p, 2, Rp)", extra_claims=extra.json())
    cert.save(PROOFS / "bits_R2_p4_parametric.json")
    n, nn = 7, sympy.Symbol("n", integer=True)
    block = maximum(n)
    width = 3 * sympy.floor(nn / 2) + 2 * (nn - 2 * sympy.floor(nn / 2))
    extra = ExtraClaims(block.network).parametric(
        [Parameter("n", min=2)], {"n": n}, {"width": width, "max_weight": sympy.Integer(1)},
        [("width", "le", (3 * nn + 1) / 2), ("max_weight", "eq", 1)])
    cert = certificate(block, Product([[-1, 0, 1]] * n), [["max", *(["x", i] for i in range(n))]], eps=0,
                       construction="maximum", parameters={"n": n},
                       theorem="max of n numbers by a tree of pairwise maxima: width 3 floor(n/2) + 2 (n mod 2)",
                       extra_claims=extra.json())
    cert.save(PROOFS / f"maximum_{n}_parametric.json")
    print(f"wrote {PROOFS}/bits_R2_p4_parametric.json and maximum_{n}_parametric.json")


if __name__ == "__main__":
    main()
