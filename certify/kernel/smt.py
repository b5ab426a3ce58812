"""Z3 and Farkas checks on polytopes P = {x : A x <= b} (docs/regions.md).

Numbers enter Z3 as exact rational numerals. `unsat` proves a claim, `sat` gives an exact
counterexample, `unknown` rejects. A Farkas certificate (lam >= 0, lam A = u, lam b <= v) proves
u.x <= v on P with no solver at all.
"""

from fractions import Fraction

import numpy as np
import z3


def num(v) -> z3.ArithRef:
    """Return the exact Z3 numeral of a rational."""
    v = Fraction(v)
    return z3.RealVal(f"{v.numerator}/{v.denominator}")


def lin(u, xs, v=0) -> z3.ArithRef:
    """Return the Z3 term u.x + v."""
    return z3.Sum([num(c) * x for c, x in zip(u, xs) if c] + [num(v)])


def point(model, xs) -> tuple:
    """Return the model's exact values of xs: Fractions (a linear query's models are rational)."""
    return tuple(exact(model.eval(x, model_completion=True)) for x in xs)


def exact(v):
    """Return a Z3 numeral as a Fraction, or an irrational algebraic number as its exact Z3 text."""
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    return Fraction(v.as_fraction()) if z3.is_rational_value(v) else v.sexpr()


def polytope(A, b, xs) -> list:
    """Return the constraints A x <= b."""
    return [lin(row, xs) <= num(bi) for row, bi in zip(A, b)]


TIMEOUT_MS = 120_000  # per Z3 query; a timeout is `unknown`, which rejects


def make_solver(kind=z3.Solver, timeout_ms=None):
    """Return a fresh Z3 solver (or optimiser) whose queries time out after TIMEOUT_MS (or timeout_ms if less)."""
    s = kind()
    s.set("timeout", min(TIMEOUT_MS, timeout_ms or TIMEOUT_MS))
    return s


def decide(solver, *goal):
    """Return the model if `goal` is satisfiable in the solver's context, None if unsat; raise on unknown."""
    solver.push()
    solver.add(*goal)
    try:
        result = solver.check()
        if result == z3.unknown:
            raise TimeoutError(f"Z3 answered unknown ({solver.reason_unknown()})")
        return solver.model() if result == z3.sat else None
    finally:
        solver.pop()


def farkas(A, b, u, v, lam) -> str | None:
    """Return None if lam proves u.x <= v on {A x <= b} (lam >= 0, lam A = u, lam b <= v), else why not."""
    if len(lam) != len(b):
        return f"{len(lam)} multipliers for {len(b)} constraints"
    if any(x < 0 for x in lam):
        return f"multiplier {next(k for k, x in enumerate(lam) if x < 0)} is negative"
    combo = [sum((lam[k] * A[k][j] for k in range(len(b))), Fraction(0)) for j in range(len(u))]
    if combo != list(u):
        j = next(j for j in range(len(u)) if combo[j] != u[j])
        return f"lam A has coordinate {j} = {combo[j]}, need {u[j]}"
    rhs = sum((x * y for x, y in zip(lam, b)), Fraction(0))
    return None if rhs <= v else f"lam b = {rhs} > {v}"


def pre_maps(W, b, G, H):
    """Return the pre-activations W (G x + H) + b of a layer as affine maps (G', H') of x."""
    return W @ G, W @ H + b


def pattern_maps(layers, pattern):
    """Yield (l, i, g, h): neuron i of layer l (1-based) is g.x + h before its ReLU, given the activation
    pattern of the hidden layers (pattern[l-1][i] = 1 if active); the output layer comes last."""
    d = layers[0][0].shape[1]
    G = np.array([[Fraction(int(i == j)) for j in range(d)] for i in range(d)], dtype=object)
    H = np.array([Fraction(0)] * d, dtype=object)
    for l, (W, b) in enumerate(layers, 1):
        G, H = pre_maps(W, b, G, H)
        for i in range(len(b)):
            yield l, i, tuple(G[i]), H[i]
        if l < len(layers):
            on = np.array([[Fraction(int(bit))] for bit in pattern[l - 1]], dtype=object)
            G, H = G * on, H * on[:, 0]


def _range(g, h, box):
    """Return the exact range (low, high) of g.x + h over the box (lo, hi); None for no box."""
    if box is None:
        return None
    lo, hi = box
    return (h + sum(c * (lo[j] if c > 0 else hi[j]) for j, c in enumerate(g)),
            h + sum(c * (hi[j] if c > 0 else lo[j]) for j, c in enumerate(g)))


def _possible(z, low_high, solver, positive) -> bool:
    """Return whether z > 0 (positive) or z < 0 somewhere in the solver's region; the box range decides first."""
    if low_high is not None:
        low, high = low_high if positive else (-low_high[1], -low_high[0])
        if low > 0 or high <= 0:
            return low > 0
    return decide(solver, z > 0 if positive else z < 0) is not None


def leaves(layers, solver, xs, box=None):
    """Yield (G, H), the output maps G x + H, on every linear region of the network inside the region held
    by the solver (the box (lo, hi) bounds it, or is None). Regions split only where a neuron takes both
    strict signs; during each yield the solver also holds that region's sign constraints."""
    d = len(xs)
    eye = np.array([[Fraction(int(i == j)) for j in range(d)] for i in range(d)], dtype=object)
    yield from _descend(layers, 0, eye, np.array([Fraction(0)] * d, dtype=object), None, 0, solver, xs, box)


def _descend(layers, l, G, H, pre, i, solver, xs, box):
    W, b = layers[l]
    if pre is None:
        pre = pre_maps(W, b, G, H)
        if l == len(layers) - 1:
            yield pre
            return
    Gp, Hp = pre
    if i == len(b):
        yield from _descend(layers, l + 1, Gp, Hp, None, 0, solver, xs, box)
        return
    z, span = lin(Gp[i], xs, Hp[i]), _range(Gp[i], Hp[i], box)
    pos, neg = _possible(z, span, solver, True), _possible(z, span, solver, False)
    for active in ([True] if pos else []) + ([False] if neg or not pos else []):
        Gn, Hn = Gp.copy(), Hp.copy()
        if not active:
            Gn[i], Hn[i] = [Fraction(0)] * len(xs), Fraction(0)
        if pos and neg:
            solver.push()
            solver.add(z >= 0 if active else z <= 0)
        yield from _descend(layers, l, G, H, (Gn, Hn), i + 1, solver, xs, box)
        if pos and neg:
            solver.pop()
