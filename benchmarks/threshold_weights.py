"""Weights of threshold arithmetic: the block-save constructions against the naive single-gate ones.

Prints, for m = 4, 8, 16, 32, the ReLU depth, width and max weight (weights and biases) of each
construction of certify.gadgets.arithmetic and of its naive version, whose gates read
sum_j 2^j (column j) and so have exponential weights. Run: python benchmarks/threshold_weights.py
"""

from __future__ import annotations

import random
import sys
import time

from certify.gadgets import arithmetic as ar

MS = (4, 8, 16, 32)


def coefficients(n: int, bits: int, seed: int = 0) -> list[int]:
    """Return n deterministic coefficients of exactly `bits` bits with alternating signs."""
    rng = random.Random(seed * 1000 + n * 100 + bits)
    return [(-1) ** i * (2 ** (bits - 1) + rng.randrange(2 ** (bits - 1))) for i in range(n)]


def cases():
    """Yield (name, n, m, coefficient bits, ours, naive) with Arithmetic constructions."""
    for n in (4, 16):
        for m in MS:
            yield "iterated_addition", n, m, 1, ar.iterated_addition_circuit(n, m), ar.naive_iterated_addition_circuit(n, m)
    for bits in (4, 16):
        for m in MS:
            cs = coefficients(4, bits)
            yield "weighted_sum_bits", 4, m, bits, ar.weighted_sum_circuit(cs, m), ar.naive_weighted_sum_circuit(cs, m)
    for m in MS:
        cs = coefficients(4, 8)
        yield "relu_of_sum", 4, m, 8, ar.relu_of_sum_circuit(cs, -3, m), ar.naive_relu_of_sum_circuit(cs, -3, m)
    for m in MS:
        yield "compare", 2, m, 1, ar.compare_circuit(m), ar.naive_compare_circuit(m)
    for m in MS[:3]:
        yield "multiply", 2, m, 1, ar.multiply_circuit(m), ar.naive_multiply_circuit(m)


def stats(A) -> tuple[int, int, int]:
    """Return (depth, width, max weight) of the ReLU network of a construction."""
    net = A.circuit.to_network()
    return net.depth, net.width, int(net.max_weight)


def main(out=sys.stdout) -> None:
    t0 = time.time()
    head = ("construction", "n", "m", "coef bits", "depth", "width", "max weight",
            "naive depth", "naive width", "naive max weight")
    print("| " + " | ".join(head) + " |", file=out)
    print("|" + "---|" * len(head), file=out)
    for name, n, m, bits, ours, naive in cases():
        row = (name, n, m, bits, *stats(ours), *stats(naive))
        print("| " + " | ".join(str(v) for v in row) + " |", file=out)
    print(f"\n({time.time() - t0:.1f} s)", file=out)


if __name__ == "__main__":
    main()
