"""The certificate's top level: version, provenance, domain, network, hash, target, claims, hints."""

from dataclasses import dataclass

from .canonical import FORMAT, network_sha256
from .domain import Domain, parse_domain
from .errors import MalformedError
from .expr import Parser
from .fields import integer, lst, obj, rational, rationals, typed
from .network import Network, parse_network
from .region_claims import EXTRA, parse_extra
from .steps import parse_steps

_TOP = ("format", "provenance", "domain", "network", "network_sha256", "target", "claims", "steps")
_CLAIMS = ("depth", "width", "layer_sizes", "max_weight", "max_abs_weight", "max_abs_bias", "sup_error", "steps_cover")
_PROVENANCE = ("construction", "parameters", "paper", "theorem", "tool")


@dataclass(frozen=True)
class Claims:
    """The top-level claims; `sup_bound` is None when no sup_error claim is made."""
    depth: int
    width: int
    layer_sizes: tuple
    max_weight: object
    max_abs_weight: object
    max_abs_bias: object
    sup_bound: object
    attained: object
    steps_cover: bool


@dataclass(frozen=True, eq=False)
class Certificate:
    """A parsed certificate; `raw` is the JSON object it came from."""
    raw: dict
    domain: Domain
    network: Network
    target: tuple | None
    claims: Claims
    steps: tuple
    argmax: tuple | None
    layer_bounds: tuple | None
    extra: tuple = ((), None, None)  # region claims, per-layer weight bounds, parametric claim
    neurons: int = 0  # of the network and of every network nested in an expression
    limits: object = None  # the Limits it was parsed under, which also bound its checking


def _claims(value, limits) -> Claims:
    """Return the parsed `claims` object."""
    sup = obj(value, "claims", _CLAIMS, EXTRA)["sup_error"]
    if sup is not None:
        obj(sup, "claims.sup_error", ("bound",), ("attained",))
    bound = None if sup is None else rational(sup["bound"], "claims.sup_error.bound", limits)
    attained = rational(sup["attained"], "claims.sup_error.attained", limits) if sup and "attained" in sup else None
    return Claims(integer(value["depth"], "claims.depth"), integer(value["width"], "claims.width"),
                  tuple(integer(n, f"claims.layer_sizes[{k}]") for k, n in
                        enumerate(lst(value["layer_sizes"], "claims.layer_sizes"))),
                  *(rational(value[k], f"claims.{k}", limits) for k in _CLAIMS[3:6]),
                  bound, attained, typed(value["steps_cover"], "claims.steps_cover", bool))


def parse_certificate(raw: dict, limits) -> Certificate:
    """Return the parsed certificate; raise MalformedError/LimitError naming the first bad field."""
    if raw.get("format") != FORMAT:
        raise MalformedError(f"format: expected {FORMAT!r}, got {str(raw.get('format'))[:40]!r} "
                             "(unknown format or version)")
    obj(raw, "certificate", _TOP, ("hints",))
    for key in _PROVENANCE:
        typed(obj(raw["provenance"], "provenance", _PROVENANCE)[key], f"provenance.{key}",
              dict if key == "parameters" else str)
    domain = parse_domain(raw["domain"], limits)
    net = parse_network(raw["network"], "network", limits, limits.max_weights)
    if net.input_dim != domain.d:
        raise MalformedError(f"network.input_dim: {net.input_dim}, but the domain has d = {domain.d}")
    if raw["network_sha256"] != network_sha256(raw["network"]):
        raise MalformedError(f"network_sha256: does not match the network (computed {network_sha256(raw['network'])}, "
                             f"file has {str(raw['network_sha256'])[:64]!r})")
    parser = Parser(domain.d, limits, sum(len(layer.weights) for layer in net.layers), sum(net.sizes[1:]))
    claims, target = _claims(raw["claims"], limits), raw["target"]
    if target is not None and len(lst(target, "target")) != net.sizes[-1]:
        raise MalformedError(f"target: {len(target)} expressions for {net.sizes[-1]} network outputs")
    if target is None and claims.sup_bound is not None:
        raise MalformedError("target: null, but claims.sup_error needs a target")
    target = None if target is None else tuple(parser.expr(e, f"target[{o}]") for o, e in enumerate(target))
    steps = parse_steps(raw["steps"], net, parser, limits)
    hints = obj(raw.get("hints", {}), "hints", (), ("argmax", "layer_bounds"))
    if "argmax" in hints and claims.sup_bound is None:
        raise MalformedError("hints.argmax: there is no sup_error claim to attain")
    argmax, bounds = (rationals(hints[k], f"hints.{k}", limits, n) if k in hints else None
                      for k, n in (("argmax", domain.d), ("layer_bounds", len(net.layers))))
    return Certificate(raw, domain, net, target, claims, steps, argmax, bounds, parse_extra(raw["claims"], net, limits),
                       parser.neurons, limits)
