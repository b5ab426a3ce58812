"""The continuous piecewise-linear interpolant of (knots, values) as a depth-2 network.

With pieces L_i(x) = v_i + s_i (x - t_i) on [t_i, t_{i+1}] and slope jumps D_i = s_i - s_{i-1}
at the interior knots, for every split piece j:

    f = L_j + sum_{0 < i <= j} D_i relu(t_i - x) + sum_{j < i < n-1} D_i relu(x - t_i)

(on piece j every unit is 0; crossing knot t_i adds D_i (x - t_i), as it must). The paper form
has no output bias, so the affine part L_j = a + b x costs units of its own on [t_0, t_{n-1}]:
none if L_j = 0; one, relu(+-L_j), if L_j does not change sign there; one if L_j = b (x - t_i)
for a kink t_i (b relu(x - t_i) - b relu(t_i - x) merges with the kink unit there); else two,
relu(L_j) - relu(-L_j). Units at the same knot and orientation are merged and zero units dropped.
"""

from __future__ import annotations

from fractions import Fraction

from ..build import Block
from ..kernel.numbers import format_rational
from ..network import Network

Unit = tuple  # (weight w, bias c): the hidden unit relu(w x + c)


def interpolant_expr(knots, values, x=("x", 0)) -> list:
    """Return the expression of the interpolant on [t_0, t_{n-1}] (0 outside): sum of [t_i <= x < t_{i+1}] L_i(x)."""
    t, v = [Fraction(a) for a in knots], [Fraction(a) for a in values]
    x = list(x)
    pieces = []
    for i in range(len(t) - 1):
        s = (v[i + 1] - v[i]) / (t[i + 1] - t[i])
        line = ["add", format_rational(v[i]), ["mul", format_rational(s), ["sub", x, format_rational(t[i])]]]
        upper = "le" if i == len(t) - 2 else "lt"
        cond = ["and", ["ge", x, format_rational(t[i])], [upper, x, format_rational(t[i + 1])]]
        pieces.append(["if", cond, line, 0])
    return pieces[0] if len(pieces) == 1 else ["add", *pieces]


def _add(units: dict, unit: Unit, coef: Fraction) -> None:
    units[unit] = units.get(unit, Fraction(0)) + coef


def _affine_options(a: Fraction, b: Fraction, lo: Fraction, hi: Fraction, kinks) -> list[dict]:
    """Return ways to write a + b x on [lo, hi] as sum c relu(w x + c0): {unit: coefficient}."""
    if a == 0 and b == 0:
        return [{}]
    options = []
    end_lo, end_hi = a + b * lo, a + b * hi
    if end_lo >= 0 and end_hi >= 0:
        options.append({(b, a): Fraction(1)})
    if end_lo <= 0 and end_hi <= 0:
        options.append({(-b, -a): Fraction(-1)})
    for t in kinks:
        if b != 0 and a + b * t == 0:
            options.append({(Fraction(1), -t): b, (Fraction(-1), t): -b})
    options.append({(b, a): Fraction(1), (-b, -a): Fraction(-1)})
    return options


def _plan(t: list[Fraction], v: list[Fraction]) -> dict:
    """Return the fewest-unit representation {(w, c): coefficient} over all splits and affine options."""
    n = len(t)
    slopes = [(v[i + 1] - v[i]) / (t[i + 1] - t[i]) for i in range(n - 1)]
    jumps = {i: slopes[i] - slopes[i - 1] for i in range(1, n - 1) if slopes[i] != slopes[i - 1]}
    best = None
    for j in range(n - 1):
        kinks = {}
        for i, d in jumps.items():
            _add(kinks, (Fraction(-1), t[i]) if i <= j else (Fraction(1), -t[i]), d)
        a, b = v[j] - slopes[j] * t[j], slopes[j]
        for option in _affine_options(a, b, t[0], t[-1], [t[i] for i in jumps]):
            units = dict(kinks)
            for unit, c in option.items():
                _add(units, unit, c)
            units = {u: c for u, c in units.items() if c}
            if best is None or len(units) < len(best):
                best = units
    return best


def interpolate_1d(knots, values) -> Block:
    """Return the interpolant of (t_i, v_i) on [t_0, t_{n-1}] as a depth-2 network; one input, one output.

    Knots strictly increasing, n >= 2. Depth 2; hidden units = K + a, where K is the number of
    interior knots where the slope changes (a lower bound for any depth-2 network: each kink
    needs a unit breaking there) and a in {0, 1, 2} is the fewest extra units over the
    representations in the module docstring (one zero unit if f = 0). Each unit is
    relu(+-(x - t_i)) (weights +-1, bias -+t_i, output weight the slope jump) or an affine unit
    relu(+-(a + b x)). Exact on [t_0, t_{n-1}]; nothing is claimed outside. With slopes s_i and
    intercepts c_i = v_i - s_i t_i: max weight <= max(1, max|t_i|, max|c_i|, max|D_i| + max|s_i|).
    """
    t, v = [Fraction(a) for a in knots], [Fraction(a) for a in values]
    if len(t) < 2 or len(t) != len(v):
        raise ValueError("interpolate_1d needs n >= 2 knots and as many values")
    if any(t[i] >= t[i + 1] for i in range(len(t) - 1)):
        raise ValueError("interpolate_1d needs strictly increasing knots")
    units = sorted(_plan(t, v).items())
    x = ["x", 0]
    if units:
        W1 = [[w] for (w, _), _ in units]
        b1 = [c for (_, c), _ in units]
        W2 = [[coef for _, coef in units]]
        claims = [([(1, k, 1)], ["max", ["add", ["mul", format_rational(w), x], format_rational(c)], 0])
                   for k, ((w, c), _) in enumerate(units)]
    else:
        W1, b1, W2 = [[0]], [0], [[0]]
        claims = [([(1, 0, 1)], 0)]
    net = Network.from_layers([(W1, b1), (W2, None)])
    claims.append(([(2, 0, 1)], interpolant_expr(t, v)))
    params = {"knots": [format_rational(a) for a in t], "values": [format_rational(a) for a in v]}
    return Block.single(net, op="interpolate_1d", label=f"piecewise-linear interpolant through {len(t)} knots",
                        params=params, values=claims, input_names=["x"], output_names=["f(x)"])
