"""Vardi-Shamir Theorem 3.5 (radial functions at depth 3): certify f(x) = 1 - ||x|| within 1/8 on the
grid points of the unit ball B_3 (step 1/4), with layer-1 knots from the error budget (the bound holds on
all of B_3) and with knots on the grid (exact ||x||^2 there).

Writes proofs/depth_separation/radial_d3_uniform.json and radial_d3_grid.json (the target is compared
exactly: 1 - ||x|| reduces to sqrt(q) vs r, decided by squaring).
"""

from fractions import Fraction
from pathlib import Path

from certify.theorems.radial import radial

DIR = Path(__file__).resolve().parent.parent / "proofs" / "depth_separation"


def main():
    for layer1 in ("uniform", "grid"):
        con = radial(3, ["sub", 1, ["x", 0]], 1, Fraction(1, 8), 4, layer1=layer1)
        out = DIR / f"radial_d3_{layer1}.json"
        con.certificate().save(out)
        print(f"wrote {out}: {con.stats()}")


if __name__ == "__main__":
    main()
