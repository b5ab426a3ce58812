"""Safran-Reichman-Valiant setting (our instantiation, certify/theorems/srv.py): the depth-3 network
computes IP(x, y)/m exactly on the embedded cube H_3 in B_6, and stays within eps = 1/10 of the
1-Lipschitz (McShane) extension of that function on H_2 and its moves by rho = eps/2 along each axis.

Also the well-spread variant: the cube through a binary [16, 4] code (minimum distance 6), on which the
1-Lipschitz target has amplitude 61/150 instead of the plain cube's 1/m.

Writes proofs/depth_separation/srv_ip_d3.json, srv_lipschitz_d2.json and srv_spread_k4.json.
"""

from fractions import Fraction
from pathlib import Path

from certify.theorems.srv import srv_depth3, srv_spread, srv_support_exact

DIR = Path(__file__).resolve().parent.parent / "proofs" / "depth_separation"


def main():
    for name, con in (("srv_ip_d3.json", srv_support_exact(3)), ("srv_lipschitz_d2.json", srv_depth3(2, Fraction(1, 10))),
                      ("srv_spread_k4.json", srv_spread(4))):
        con.certificate().save(DIR / name)
        print(f"wrote {DIR / name}: {con.stats()}")


if __name__ == "__main__":
    main()
