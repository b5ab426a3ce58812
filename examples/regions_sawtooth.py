"""Certify the linear regions of the sawtooth g_20 (Telgarsky 2016) on the whole interval [0, 1].

Claims checked by the exact breakpoint sweep (no solver): exactly 2^20 affine pieces with slopes
+-2^20; sup g_20 = 1 (attained at 2^-20); Lipschitz constant 2^20 (from the pieces) and the cruder
product-of-layer-norms bound; per-layer weight bounds. Z3 proves the parametric claim: for every
k >= 1 the k-fold tent network has depth k + 1, width <= 2 and max weight <= 4.
Writes proofs/regions/sawtooth_20.json.
"""

from fractions import Fraction
from pathlib import Path

import sympy

from certify import Product, certificate
from certify.extra_claims import ExtraClaims
from certify.gadgets import sawtooth, sawtooth_expr
from certify.smt.parametric import Parameter

OUT = Path(__file__).resolve().parent.parent / "proofs" / "regions" / "sawtooth_20.json"


def main():
    k, kk = 20, sympy.Symbol("k", integer=True)
    block = sawtooth(k)
    net = block.network
    extra = (ExtraClaims(net)
             .pieces(0, 1, pieces=2**k, slopes_in=[-2**k, 2**k])
             .sup_error(0, 1)
             .lipschitz(0, 1, bound=2**k)
             .lipschitz(0, 1, method="product")
             .layer_bounds()
             .parametric([Parameter("k", min=1)], {"k": k},
                         {"depth": kk + 1, "width": sympy.Integer(2), "max_weight": sympy.Integer(4)},
                         [("depth", "eq", kk + 1), ("width", "le", 2), ("max_weight", "le", 4)]))
    domain = Product([[Fraction(j, 64) for j in range(65)]])
    cert = certificate(block, domain, [sawtooth_expr(k)], eps=0, construction="sawtooth", parameters={"k": k},
                       paper="Telgarsky: Benefits of depth in neural networks (2016)",
                       theorem="the k-fold tent map has 2^k affine pieces on [0, 1] with width 2 per layer",
                       extra_claims=extra.json())
    cert.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
