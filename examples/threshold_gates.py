"""Certify a threshold gate, parity and inner product mod 2 as ReLU networks.

Writes proofs/threshold/{threshold_gate, parity_8, inner_product_mod2_4}.json (byte-identical on
every run): a gate relu(z) - relu(z - 1) on integer points, parity in ReLU depth 2 (one threshold
layer and a linear read-out) and inner product mod 2 in ReLU depth 3.
"""

from pathlib import Path

from certify import BooleanCube, Product, certificate
from certify.gadgets import inner_product_mod2, parity, threshold_gate

OUT = Path(__file__).resolve().parent.parent / "proofs" / "threshold"
PAPER = "Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (2020)"


def main():
    w, b = [3, -2, 1], -1
    z = ["add", ["mul", 3, ["x", 0]], ["mul", -2, ["x", 1]], ["x", 2], -1]
    certificate(threshold_gate(w, b), Product([range(-3, 4)] * 3), [["if", ["gt", z, 0], 1, 0]], eps=0,
                construction="threshold_gate", parameters={"weights": w, "bias": b}, paper=PAPER,
                theorem="a threshold gate 1[w.x + b > 0] on integer inputs is relu(z) - relu(z - 1)"
                ).save(OUT / "threshold_gate.json")
    certificate(parity(8), BooleanCube(8), [["parity"]], eps=0, construction="parity", parameters={"n": 8},
                paper=PAPER, theorem="parity of n bits in ReLU depth 2, width n, weights <= max(2, n - 1)"
                ).save(OUT / "parity_8.json")
    certificate(inner_product_mod2(4), BooleanCube(8), [["ip_mod2"]], eps=0, construction="inner_product_mod2",
                parameters={"n": 4}, paper=PAPER,
                theorem="inner product mod 2 of two n-bit vectors in ReLU depth 3, width n, weights <= max(2, n - 1)"
                ).save(OUT / "inner_product_mod2_4.json")
    print(f"wrote {OUT}/threshold_gate.json, parity_8.json, inner_product_mod2_4.json")


if __name__ == "__main__":
    main()
