"""Certify small_weights on a trained-looking float network (d = 2, widths 5, 5, 1, k = 3).

The weights are float64 values from 4000 steps of gradient descent fitting
max(0, 1 - |x_1| - |x_2|) + x_1 x_2 / 2 on the 9 x 9 grid; each is converted exactly to a
rational (certify.network.exact_float), so N' has denominators of 50+ bits. Writes
proofs/small_weights/trained_round.json (the "round" route: N'' in Q_t with t = 2^s, on I with
p = 4) and proofs/small_weights/trained_lp.json (the paper's LP route, on p = 2), both
byte-identical on every run.
"""

from fractions import Fraction
from pathlib import Path

from certify import Network, exact_float
from certify.theorems import small_weights

OUT = Path(__file__).resolve().parent.parent / "proofs" / "small_weights"
W1 = [[-0.7202393854938222, 0.40908052044577736], [-0.04688901743101764, -0.787016642482515],
      [0.4608407335543053, -0.6932688662481945], [0.3340898022527308, 0.813903931149126],
      [-0.5879583537908221, -0.5944927036824713]]
B1 = [-2.8880541629538266e-05, 0.01034972249721449, -5.003546432191069e-05, 0.5306432332211425, 0.5912803067621012]
W2 = [[0.6703945455441441, 0.3457056325742061, 0.10214193834093586, -0.4020296828563074, -0.028537691462676585],
      [0.31093717431652335, -0.60090197107991, -0.20462780443107972, -0.8502698186211707, -0.5766988091421283],
      [-0.929074019115106, -0.34352336584918364, -0.6388260503096256, 0.050926057609387385, 0.8271909294168615],
      [-0.08726962568580052, -1.1259671230263784, -0.2408434508591409, -0.06034057523525702, 0.04542116957481364],
      [-0.7155751308962782, -0.14695988482930192, -0.42872443754194695, -0.5450426726353329, 0.5204438084209729]]
B2 = [0.2392508717838343, 0.10202254486239017, 0.22023517392701886, -0.00013014019853535433, -0.008425084380814971]
W3 = [[-0.8181608955212655, -0.018240401398006992, 1.11361127369557, -0.2495498090412268, -0.4654476781881724]]


def trained() -> Network:
    """Return the float network, every weight converted exactly."""
    def exact(rows):
        return [[exact_float(v) for v in r] for r in rows]

    return Network.from_layers([(exact(W1), exact([B1])[0]), (exact(W2), exact([B2])[0]), (exact(W3), None)])


def main():
    net = trained()
    for name, p, eps, method in [("trained_round", 4, Fraction(1, 16), "round"), ("trained_lp", 2, Fraction(1, 8), "lp")]:
        result = small_weights(net, 1, p, eps, rationalise_method=method, construction=f"small_weights_{name}")
        result.certificate.save(OUT / f"{name}.json")
        print(f"wrote {OUT / name}.json: N'' in Q_t with t = {result.rationalised.t}; depth {result.network.depth}, "
              f"width {result.network.width}, max weight {result.network.max_weight}")


if __name__ == "__main__":
    main()
