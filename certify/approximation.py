"""Exact sup-error of a network against a target on a finite domain, streamed in chunks."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .domain import Domain, as_domain
from .evaluate import CHUNK, evaluate_chunk, plan_for_box
from .kernel.errors import MalformedError
from .network import Network
from .target import KNOWN_OPS, Expr, evaluate_expr, network_target, to_ast


@dataclass(frozen=True)
class SupError:
    """The exact max over points and outputs of |N(x)_o - f_o(x)|, and where it is attained."""

    value: Fraction
    point: tuple[Fraction, ...]
    index: int
    output: int
    network_value: Fraction
    target_value: Fraction | None
    # targets with irrational operators (certify.rigorous): value and target_value are None and
    # lower <= max |N(x) - f(x)| <= upper, both rational; point is where the largest upper end occurs
    upper: Fraction | None = None
    lower: Fraction | None = None


def target_asts(target, outputs: int) -> list:
    """Return one expression AST per output from an Expr, AST, Network or list of them."""
    if isinstance(target, Network):
        return [network_target(target, o).ast for o in range(target.output_dim)]
    if isinstance(target, Expr) or (isinstance(target, list) and target and isinstance(target[0], str) and target[0] in KNOWN_OPS):
        items = [target]
    elif isinstance(target, (list, tuple)):
        items = list(target)
    else:
        items = [target]
    asts = [to_ast(t) for t in items]
    if len(asts) != outputs:
        raise MalformedError(f"target has {len(asts)} expressions, the network has {outputs} outputs")
    return asts


def exact_argmax(num: np.ndarray, den: np.ndarray) -> int:
    """Return the first index of the largest num/den (den > 0), comparing exactly."""
    idx = np.arange(len(num))
    while len(idx) > 1:
        half = len(idx) // 2
        a, b = idx[:half], idx[half:2 * half]
        keep = num[a] * den[b] >= num[b] * den[a]
        winners = np.where(keep, a, b)
        idx = np.concatenate([winners, idx[2 * half:]])
        idx.sort()
    return int(idx[0])


def sup_error(net: Network, domain, target, chunk_size: int = CHUNK) -> SupError:
    """Return the exact sup over the domain of |N(x) - f(x)| (max over outputs) and a maximiser; for a
    target with irrational operators, a rigorous rational enclosure [lower, upper] instead."""
    domain: Domain = as_domain(domain)
    asts = target_asts(target, net.output_dim)
    from .rigorous import is_irrational, sup_error_rigorous
    if any(map(is_irrational, asts)):
        return sup_error_rigorous(net, domain, asts, chunk_size)
    lo, hi = domain.bounding_box()
    best, plan, plan_den = None, None, None
    for start, stop in domain.chunks(chunk_size):
        nums, den = domain.chunk(start, stop)
        if den != plan_den:
            plan, plan_den = plan_for_box(net, lo, hi, den), den
        Z, D = evaluate_chunk(net, nums, den, plan)
        for o, ast in enumerate(asts):
            tn, td = evaluate_expr(ast, nums, den)
            err_num = np.abs(Z[:, o].astype(object) * td - tn * D)
            err_den = td * D
            i = exact_argmax(err_num, err_den)
            value = Fraction(int(err_num[i]), int(err_den[i]))
            if best is None or value > best.value:
                point = tuple(Fraction(int(v), den) for v in nums[i])
                best = SupError(value, point, start + i, o, Fraction(int(Z[i, o]), D), Fraction(int(tn[i]), int(td[i])))
    return best
