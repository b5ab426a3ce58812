"""Region-wise checking vs one monolithic Z3 query, on sawtooth and Yarotsky networks of depth 4..20.

Run: python benchmarks/bench_regions.py [--quick] [--timeout SECONDS]

1-D (the kernel's exact breakpoint sweep, certify/kernel/regions.py, against
certify/smt/monolithic.py, every ReLU an if-then-else in one Z3 formula):
- sawtooth g_k vs another network for the same function (tents relu(2x) - relu(4x - 2)): the
  claim sup_[0,1] |g_k - g'_k| <= 0 (network equivalence). Region-wise: sweep of the difference,
  plus the sweep of g_k that counts its 2^k pieces (which no single Z3 query can state).
- Yarotsky f_m vs x^2: the claim sup_[0,1] |f_m - x^2| <= 2^(-2m-2) (tight). Region-wise: sweep
  plus the vertex of the quadratic on each piece. Monolithic: nonlinear real arithmetic.
2-D (exact polygon cells vs monolithic): sup over [-1, 1]^2 of |N| for random networks with 64
ReLUs and for yarotsky_multiply(m, 1).
Times are CPU seconds of this process (Z3 runs in it); a monolithic query stops at the time-out
(wall clock) and is then not run at larger depths.
"""

import argparse
import random
import time
from fractions import Fraction

from certify import Network
from certify.gadgets import sawtooth, yarotsky_multiply, yarotsky_square
from certify.kernel.regions import cells_2d, difference, sup_abs_1d, sweep_1d
from certify.regions import difference_network
from certify.smt.encode import dense_layers
from certify.smt.monolithic import exceeds

H = Fraction(1, 2)


def other_sawtooth(k: int) -> Network:
    """Return g_k built from the tent t(x) = relu(2x) - relu(4x - 2) (the same function on [0, 1])."""
    layers = [([[2], [4]], [0, -2])]
    for _ in range(k - 1):
        layers.append(([[2, -2], [4, -4]], [0, -2]))
    return Network.from_layers(layers + [([[1, -1]], None)])


def cpu(f):
    start = time.process_time()
    value = f()
    return value, time.process_time() - start


def region_wise_sawtooth(k):
    """Return (sup |g_k - g'_k|, number of pieces of g_k): two sweeps."""
    layers = difference(dense_layers(sawtooth(k).network), dense_layers(other_sawtooth(k)))
    pieces = sweep_1d(dense_layers(sawtooth(k).network), Fraction(0), Fraction(1))
    return sup_abs_1d(sweep_1d(layers, Fraction(0), Fraction(1)))[0], len(pieces)


def region_wise_yarotsky(m):
    pieces = sweep_1d(dense_layers(yarotsky_square(m).network), Fraction(0), Fraction(1))
    return sup_abs_1d(pieces, (0, 0, 1))[0], len(pieces)


def random_net(rng, widths=(16, 16, 16, 16)):
    layers, prev = [], 2
    for w in widths:
        layers.append(([[Fraction(rng.randint(-4, 4), rng.randint(1, 4)) for _ in range(prev)] for _ in range(w)],
                       [Fraction(rng.randint(-4, 4), 4) for _ in range(w)]))
        prev = w
    return Network.from_layers(layers + [([[rng.randint(-3, 3) for _ in range(prev)]], None)])


def sup_2d(net):
    cells, den = cells_2d(dense_layers(net), (-1, -1), (1, 1))
    best = max(abs(Fraction(a1 * n1 + a2 * n2 + c * D, den * D)) for verts, (a1, a2, c) in cells for n1, n2, D in verts)
    return best, len(cells)


def row(name, depth, pieces, value, region_s, mono):
    mono_s = "-" if mono is None else (f"> {mono.seconds:.0f} (timeout)" if mono.answer == "unknown" else
                                       f"{mono.seconds:.2f} ({mono.answer})")
    print(f"| {name} | {depth} | {pieces} | {value} | {region_s:.3f} | {mono_s} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="depths 4..12 only")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per monolithic query")
    args = ap.parse_args()
    depths = range(4, 13, 2) if args.quick else range(4, 21, 2)
    ms = int(args.timeout * 1000)
    print("| claim | depth | pieces/cells | exact sup | region-wise CPU s | monolithic Z3 s |")
    print("|---|---|---|---|---|---|")
    alive = True
    for k in depths:
        (value, pieces), t = cpu(lambda: region_wise_sawtooth(k))
        mono = None
        if alive:
            diff = difference_network(sawtooth(k).network, other_sawtooth(k), 0, 0)
            mono = exceeds(diff, [0], [1], 0, timeout_ms=ms)
            alive = mono.answer != "unknown"
        row(f"sawtooth g_{k} = g'_{k}", k + 1, pieces, value, t, mono)
    alive = True
    for m in depths:
        (value, pieces), t = cpu(lambda: region_wise_yarotsky(m))
        mono = None
        if alive:
            mono = exceeds(yarotsky_square(m).network, [0], [1], Fraction(1, 4 ** (m + 1)), (0, 0, 1), timeout_ms=ms)
            alive = mono.answer != "unknown"
        row(f"Yarotsky f_{m} vs x^2", m + 1, pieces, value, t, mono)
    rng = random.Random(5)
    for trial in range(3):
        net = random_net(rng)
        (value, cells), t = cpu(lambda: sup_2d(net))
        row(f"random 2-D, 64 ReLUs (#{trial})", net.depth, cells, value, t, exceeds(net, [-1, -1], [1, 1], value, timeout_ms=ms))
    for m in range(2, 6 if args.quick else 7):
        net = yarotsky_multiply(m, 1).network
        (value, cells), t = cpu(lambda: sup_2d(net))
        row(f"yarotsky_multiply({m}, 1), {sum(net.layer_sizes[:-1])} ReLUs", net.depth, cells, value, t,
            exceeds(net, [-1, -1], [1, 1], value, timeout_ms=ms))


if __name__ == "__main__":
    main()
