"""Certify small_weights on a random depth-3 network with large rational weights (d = 2).

N' has weights +-s * 2^e / q with s in 1..9, q in {1, 3, 5} and e in -E_l..E_l for layer l,
E = (24, 6, 6): layer 1 has weights up to about 2^27 and the common denominator of N' has 40+
bits. The output layer is scaled by a power of two so that N' stays within [-4, 4] on the grid. Writes proofs/small_weights/random_depth3.json
(byte-identical on every run: Python's random with a fixed seed).
"""

import random
from fractions import Fraction
from pathlib import Path

from certify import Grid, Network, evaluate
from certify.theorems import small_weights

OUT = Path(__file__).resolve().parent.parent / "proofs" / "small_weights" / "random_depth3.json"
D, WIDTHS, R, P, EPS, SEED, E = 2, (3, 3), 1, 2, Fraction(1, 16), 2020, (24, 6, 6)


def random_network(rng: random.Random) -> Network:
    """Return the random depth-3 network, its output scaled into [-4, 4] on the grid."""
    def weight(e):
        return rng.choice([-1, 1]) * rng.randint(1, 9) * Fraction(2) ** rng.randint(-e, e) / rng.choice([1, 3, 5])

    sizes, layers = (D, *WIDTHS), []
    for n_in, n_out, e in zip(sizes, sizes[1:], E):
        layers.append(([[weight(e) for _ in range(n_in)] for _ in range(n_out)], [weight(e) for _ in range(n_out)]))
    layers.append(([[weight(E[-1]) for _ in range(sizes[-1])]], None))
    net = Network.from_layers(layers)
    top = max(abs(y[0]) for y in evaluate(net, Grid(D, R, P)))
    scale = Fraction(4) / top
    scale = Fraction(2) ** (scale.numerator.bit_length() - scale.denominator.bit_length() - 1)  # a power of two
    return Network.from_layers(layers[:-1] + [([[w * scale for w in layers[-1][0][0]]], None)])


def main():
    net = random_network(random.Random(SEED))
    result = small_weights(net, R, P, EPS, construction="small_weights_random_depth3")
    result.certificate.save(OUT)
    print(f"wrote {OUT}: depth {result.network.depth}, width {result.network.width}, "
          f"max weight {result.network.max_weight} (N' has {net.max_weight})")


if __name__ == "__main__":
    main()
