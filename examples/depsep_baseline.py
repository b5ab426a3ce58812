"""The depth-2 exact-interpolation baseline: ||x||^2 interpolated exactly on the grid points of B_3
(step 1/4) through a generic projection: width = number of points (minus the collinear ones).

Writes proofs/depth_separation/baseline_norm2sq_d3.json.
"""

from pathlib import Path

from certify.theorems.depsep import ball_grid
from certify.theorems.interpolation_baseline import interpolation_baseline

OUT = Path(__file__).resolve().parent.parent / "proofs" / "depth_separation" / "baseline_norm2sq_d3.json"


def main():
    con = interpolation_baseline(ball_grid(3, 4), ["norm2sq"])
    con.certificate().save(OUT)
    print(f"wrote {OUT}: {con.stats()}")


if __name__ == "__main__":
    main()
