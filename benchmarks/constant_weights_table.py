"""Width growth of constant_weights (Remark 3.1): prints a markdown table for docs/constant-weights.md."""

from certify.gadgets import bits, maximum, yarotsky_square
from certify.theorems.constant_weights import constant_weights

CASES = [(f"bits(R={R}, p={p})", bits(R, p).network) for R, p in [(1, 2), (1, 4), (2, 4), (2, 8), (4, 8), (4, 16)]]
CASES += [(f"yarotsky_square({m})", yarotsky_square(m).network) for m in (2, 4, 8)]
CASES += [(f"maximum({n})", maximum(n).network) for n in (4, 16)]

print("| network | depth | width | max weight | width (bound 1) | growth | width (bound 2) |")
print("|---|---|---|---|---|---|---|")
for name, net in CASES:
    one, two = constant_weights(net, 1).network, constant_weights(net, 2).network
    assert one.depth == net.depth and one.max_weight <= 1 and two.max_weight <= 2
    print(f"| {name} | {net.depth} | {net.width} | {net.max_weight} | {one.width} | {one.width / net.width:.1f}x | {two.width} |")
