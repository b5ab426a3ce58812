"""Certify threshold arithmetic with polynomial weights exactly on the whole Boolean cube.

Writes proofs/threshold/{iterated_addition_n3_m3, iterated_addition_n2_m5, weighted_sum_bits, relu_of_sum, compare_m5,
multiply_m3}.json (byte-identical on every run). Each certificate checks every gate claim
"neurons = 1[z > 0]", the carry look-ahead lemmas G_t = floor(D_t / 2^b) and
P_t = 1[D_t = 2^b - 1], and every output bit against integer arithmetic (docs/threshold-arithmetic.md).
"""

from pathlib import Path

from certify import BooleanCube, certificate
from certify.gadgets import arithmetic as ar

OUT = Path(__file__).resolve().parent.parent / "proofs" / "threshold"
PAPER = ("Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (2020), section 4.1.1; "
         "Siu, Roychowdhury: On optimal depth threshold circuits for multiplication and related problems (1994)")


def write(name, A, d, theorem):
    """Certify the construction A on {0,1}^d against its integer targets and save it as name.json."""
    cert = certificate(A.block(), BooleanCube(d), list(A.targets), eps=0, construction=A.op,
                       parameters=A.params, paper=PAPER, theorem=theorem)
    cert.save(OUT / f"{name}.json")
    print(f"wrote {OUT / name}.json")


def main():
    write("iterated_addition_n3_m3", ar.iterated_addition_circuit(3, 3), 9,
          "the m + ceil(log2 n) bits of the sum of n m-bit numbers in 2 threshold layers (ReLU depth 3), "
          "weights <= max(n (4^b - 1), ceil((m + ceil(log2 n)) / b) + 1), b = max(1, ceil(log2 n))")
    write("iterated_addition_n2_m5", ar.iterated_addition_circuit(2, 5), 10,
          "the m + 1 bits of x + y in 2 threshold layers (ReLU depth 3): blocks of one bit, carry look-ahead")
    write("weighted_sum_bits", ar.weighted_sum_circuit([5, -3], 4, 1), 8,
          "sum c_i x_i + bias in two's complement in 2 threshold layers (ReLU depth 3), weights <= max(N (4^b - 1), T + 1)")
    write("relu_of_sum", ar.relu_of_sum_circuit([3, -2, 1], -2, 3), 9,
          "the bits of max(0, sum c_i x_i + bias) in 3 threshold layers (ReLU depth 4), poly-bounded weights")
    write("compare_m5", ar.compare_circuit(5), 10,
          "1[x > y] for m-bit x, y in 2 threshold layers (ReLU depth 3), every weight +-1, no bias")
    write("multiply_m3", ar.multiply_circuit(3), 6,
          "the 2m bits of x * y in 3 threshold layers (ReLU depth 4), poly-bounded weights")


if __name__ == "__main__":
    main()
