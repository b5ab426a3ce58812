"""Certify claims about 2-input networks on continuous sets: affine pieces, sup over a box, Lipschitz.

- maximum(2) computes max(x, y) = relu(x - y) + relu(y) - relu(-y). On the triangle
  {0 <= y <= x <= 1} it is the affine map x: one activation pattern holds there, and the
  certificate carries Farkas multipliers, so the kernel re-checks it with no solver. On
  {-1 <= x <= y <= 1} it equals y, but the pattern changes at y = 0: Z3 splits the polytope.
  Over [-1, 1]^2 it differs from another network for max, (x + y + |x - y|)/2, by exactly 0, and
  it is 1-Lipschitz for the max-norm. Writes proofs/regions/maximum_2_affine.json.
- yarotsky_multiply(5, 1) (32 ReLUs): its Lipschitz constant on [-1, 1]^2 for the max-norm, from the
  gradients of all its linear regions, next to the product-of-norms bound, and the exact maximum of
  |N(x, y)| over the box. Writes proofs/regions/yarotsky_multiply_5_lipschitz.json.
"""

from fractions import Fraction
from pathlib import Path

from certify import Grid, Network, certificate
from certify.extra_claims import ExtraClaims
from certify.gadgets import maximum, yarotsky_multiply

PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "regions"
H = Fraction(1, 2)


def main():
    block = maximum(2)
    other = Network.from_layers([([[1, 1], [-1, -1], [1, -1], [-1, 1]], [0, 0, 0, 0]), ([[H, -H, H, H]], None)])
    extra = (ExtraClaims(block.network)
             .affine([[-1, 1], [1, 0], [0, -1]], [0, 1, 0], [1, 0], 0)
             .affine([[1, -1], [-1, 0], [0, 1]], [0, 1, 1], [0, 1], 0)
             .sup_error([-1, -1], [1, 1], other)
             .lipschitz([-1, -1], [1, 1], norm="linf")
             .layer_bounds())
    cert = certificate(block, Grid(2, 1, 4), [["max", ["x", 0], ["x", 1]]], construction="maximum",
                       parameters={"n": 2}, theorem="max(x, y) = relu(x - y) + relu(y) - relu(-y)",
                       extra_claims=extra.json())
    cert.save(PROOFS / "maximum_2_affine.json")
    m, M = 5, 1
    block = yarotsky_multiply(m, M)
    extra = (ExtraClaims(block.network)
             .lipschitz([-1, -1], [1, 1], norm="linf")
             .lipschitz([-1, -1], [1, 1], norm="linf", method="product")
             .sup_error([-1, -1], [1, 1]))
    cert = certificate(block, Grid(2, M, 4), [["mul", ["x", 0], ["x", 1]]], construction="yarotsky_multiply",
                       parameters={"m": m, "M": M},
                       paper="Yarotsky: Error bounds for approximations with deep ReLU networks (2017)",
                       theorem="Proposition 3: the product network; its linear regions on [-M, M]^2",
                       extra_claims=extra.json())
    cert.save(PROOFS / f"yarotsky_multiply_{m}_lipschitz.json")
    print(f"wrote {PROOFS}/maximum_2_affine.json and yarotsky_multiply_{m}_lipschitz.json")


if __name__ == "__main__":
    main()
