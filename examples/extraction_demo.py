"""Section 4.2 of Vardi & Shamir: the threshold circuit T inside N^, and splicing a shallower one.

Writes proofs/extraction/*.json. For each small network N' (depth k = 2):
  *_extract.json   N^ = small_weights(N', R, p, eps) (depth 3k + 3 = 9), with steps claiming that
                   each neuron of layers 2..8 equals the sum of its gates in the extracted circuit T
                   (depth 3k + 1 = 7), evaluated on the unary code of layer 1;
  *_splice_T.json  T spliced back in (sanity: depth(T) + 2 = 9);
  *_lookup.json    T replaced by a depth-1 circuit T' equal to T on every input that occurs on the
                   grid (one AND gate per occurring input vector): depth(T') + 2 = 3, same eps.
The circuits T and T' are also written as *.circuit files (docs/circuits.md JSON format; not
*.json, so `certify check proofs/` does not take them for certificates). The demos: |x| on I = {j/2 : |j| <= 2}; the comparison relu(x0 - x1) on {-1, 0, 1}^2; and the
parity of j on I = {-2, ..., 2} (a sawtooth: 1 at odd j, 0 at even j).
"""

import json
from fractions import Fraction
from pathlib import Path

from certify.network import Network
from certify.theorems import extract_circuit, lookup_circuit, small_weights, splice

OUT = Path(__file__).resolve().parents[1] / "proofs" / "extraction"

DEMOS = {
    "abs": (Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)]), 1, 2, Fraction(1, 4)),
    "compare": (Network.from_layers([([[1, -1]], [0]), ([[1]], None)]), 1, 1, Fraction(1, 4)),
    "parity": (Network.from_layers([([[1], [1], [1], [1]], [2, 1, 0, -1]), ([[1, -2, 2, -2]], None)]),
               2, 1, Fraction(1, 4)),
}


def main():
    for name, (net, R, p, eps) in DEMOS.items():
        result = small_weights(net, R, p, eps)
        ex = extract_circuit(result)
        ex.certificate.save(OUT / f"{name}_extract.json")
        (OUT / f"{name}_T.circuit").write_text(json.dumps(ex.circuit.to_json(), sort_keys=True) + "\n")
        splice(result, ex.circuit, ex).certificate.save(OUT / f"{name}_splice_T.json")
        lookup = lookup_circuit(ex)
        (OUT / f"{name}_lookup.circuit").write_text(json.dumps(lookup.to_json(), sort_keys=True) + "\n")
        spliced = splice(result, lookup, ex)
        spliced.certificate.save(OUT / f"{name}_lookup.json")
        print(f"{name}: N^ depth {result.network.depth}, T depth {ex.depth} ({ex.circuit.size} gates, "
              f"{ex.circuit.num_inputs} inputs, {len(ex.occurring)} occurring), T' depth {lookup.depth}, "
              f"spliced depth {spliced.depth}")


if __name__ == "__main__":
    main()
