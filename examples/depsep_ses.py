"""Safran-Eldan-Shamir (COLT 2019): certificates for Theorem 3 (||x||^4 at depth 2), Theorem 4's function
sin(2 pi d^3 ||x||^2)/(2 pi d^3) at depth 3 with the theorem's accuracy 1/(101 e^2 pi^3 d^3), the same
function at depth 2 (interpolation on the same grid points of B_2), and a Lipschitz witness showing that
the function is not 1-Lipschitz (Lip >= 1.9998; it is 2-Lipschitz on B_d).

Writes proofs/depth_separation/ses_*.json.
"""

from fractions import Fraction
from pathlib import Path

from certify.theorems.safran_eldan_shamir import hard_depth2, hard_depth3, lipschitz_witness, paper_eps, radial_monomial

DIR = Path(__file__).resolve().parent.parent / "proofs" / "depth_separation"


def main():
    d, p = 2, 8
    witness, lower = lipschitz_witness(d)
    jobs = {"ses_norm4_d3_depth2.json": radial_monomial(3, 2, Fraction(1, 50), 4),
            "ses_hard_d2_depth3.json": hard_depth3(d, paper_eps(d), p),
            "ses_hard_d2_depth2.json": hard_depth2(d, p, paper_eps(d)),
            "ses_lipschitz_witness_d2.json": witness}
    for name, con in jobs.items():
        con.certificate().save(DIR / name)
        print(f"wrote {DIR / name}: {con.stats()}")
    print(f"Lipschitz constant of the Theorem 4 function (d = {d}) >= {lower} = {float(lower):.6f}")


if __name__ == "__main__":
    main()
