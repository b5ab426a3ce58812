"""Certify small_weights on a steep step: N'(x) = relu(2^40 x) - relu(2^40 x - 1) (d = 1, k = 2).

On I = {j/4 : -4 <= j <= 4} the step is 1[x > 0]: bounded, yet N' needs the weight 2^40. N^ has
depth 3k + 3 = 9 and weights at most 20. Writes proofs/small_weights/steep_step.json
(byte-identical on every run).
"""

from fractions import Fraction
from pathlib import Path

from certify import Network
from certify.theorems import small_weights

OUT = Path(__file__).resolve().parent.parent / "proofs" / "small_weights" / "steep_step.json"


def main():
    net = Network.from_layers([([[2**40], [2**40]], [0, -1]), ([[1, -1]], None)])
    result = small_weights(net, 1, 4, Fraction(1, 8), construction="small_weights_steep_step")
    result.certificate.save(OUT)
    print(f"wrote {OUT}: depth {result.network.depth}, width {result.network.width}, "
          f"max weight {result.network.max_weight} (N' has {net.max_weight})")


if __name__ == "__main__":
    main()
