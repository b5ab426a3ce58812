"""Blocks: networks with named inputs/outputs and the construction steps that produced them.

A step owns a set of neurons (layer, index) of its block's network and carries claims
"sum c * value(l, i) == expr at every domain point", where expr may read the block input
["x", i] and other neurons ["v", l, i]. Composing blocks fuses adjacent affine maps (no depth
is wasted) and rewrites every step so that its claims stay true in the composite network:
references to neurons that disappear in the fusion become the linear forms that replace them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..kernel.errors import MalformedError
from ..kernel.numbers import format_rational
from ..network import Layer, Network
from ..target import expand_coords

Ref = tuple  # ("x", i) | ("v", l, i) | ("1",)
Form = dict  # Ref -> Fraction


@dataclass(frozen=True)
class Step:
    """One recorded construction step: what it produced and what it claims."""

    op: str
    label: str
    params: dict
    neurons: frozenset  # of (layer, index)
    inputs: tuple  # "x" and ids of earlier steps
    values: tuple = ()  # of (terms ((l, i, c), ...), expression AST)
    max_weight: Fraction | None = field(default=None)


@dataclass(frozen=True)
class Block:
    """A network plus the steps that built it; inputs and outputs are named, in order."""

    network: Network
    steps: tuple[Step, ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]

    @classmethod
    def single(cls, network: Network, *, op: str, label: str, params=None, values=(),
               input_names=None, output_names=None) -> Block:
        """Return a one-step block owning every neuron of `network`, with the given value claims."""
        neurons = frozenset((l, i) for l, L in enumerate(network.sparse_layers, 1) for i in range(L.size))
        claims = tuple((tuple((l, i, Fraction(c)) for l, i, c in terms), _ast(expr)) for terms, expr in values)
        for terms, _ in claims:
            for l, i, _c in terms:
                if not (1 <= l <= network.depth and 0 <= i < network.layer_sizes[l - 1]):
                    raise MalformedError(f"step {op!r}: claim names neuron ({l}, {i}) outside the network")
        step = Step(op, label, dict(params or {}), neurons, ("x",), claims)
        return cls(network, (step,), _names(input_names, network.input_dim, "x"),
                   _names(output_names, network.output_dim, "y"))

    @property
    def depth(self) -> int:
        """Return the depth of the block's network."""
        return self.network.depth

    def output_form(self, o: int) -> Form:
        """Return output o as a linear form over the last hidden layer (or the input)."""
        k = self.network.depth
        last = self.network.sparse_layers[-1]
        form: Form = {(("x", j) if k == 1 else ("v", k - 1, j)): w for j, w in last.rows[o]}
        if last.bias is not None and last.bias[o]:
            form[("1",)] = last.bias[o]
        return form

    def pad(self, depth: int, nonneg=None) -> Block:
        """Return an equal block of the given depth; outputs flagged non-negative pass as relu(y), others as relu(y) - relu(-y)."""
        k, m = self.depth, self.network.output_dim
        if depth < k:
            raise MalformedError(f"cannot pad a depth-{k} block to depth {depth}")
        if depth == k:
            return self
        nonneg = list(nonneg) if nonneg is not None else [False] * m
        last = self.network.sparse_layers[-1]
        bias = last.bias or (Fraction(0),) * m
        rows, bs, slots = list(last.rows), list(bias), []  # slots[o] = (pos index, neg index or None)
        for o in range(m):
            if nonneg[o]:
                slots.append((o, None))
            else:
                slots.append((o, len(rows)))
                rows.append(tuple((j, -w) for j, w in last.rows[o]))
                bs.append(-bias[o])
        width = len(rows)
        one = Fraction(1)
        layers = list(self.network.sparse_layers[:-1]) + [Layer(last.in_size, tuple(rows), tuple(bs))]
        for _ in range(depth - k - 1):
            layers.append(Layer(width, tuple(((i, one),) for i in range(width)), (Fraction(0),) * width))
        out_rows = tuple(((p, one),) if q is None else ((p, one), (q, -one)) for p, q in slots)
        layers.append(Layer(width, out_rows, None))
        net = Network(self.network.input_dim, tuple(layers), "paper")

        def ref_map(ref):
            if ref[0] == "v" and ref[1] == k:
                p, q = slots[ref[2]]
                return {("v", k, p): one} if q is None else {("v", k, p): one, ("v", k, q): -one}
            return {ref: one}

        steps = [_rewrite(s, ref_map, lambda r: {r: one}) for s in self.steps]
        steps = [Step(s.op, s.label, s.params, s.neurons | {(k, q) for o, (p, q) in enumerate(slots)
                                                            if q is not None and (k, p) in s.neurons},
                      s.inputs, s.values, s.max_weight) for s in steps]
        new = frozenset((l, i) for l in range(k + 1, depth + 1) for i in range(net.layer_sizes[l - 1]))
        readers = tuple(sorted({sid for sid, s in enumerate(steps) if any(l == k for l, _ in s.neurons)}))
        claims = tuple((((depth, o, one),), _form_ast({("v", k, p): one} if q is None else
                                                     {("v", k, p): one, ("v", k, q): -one}))
                       for o, (p, q) in enumerate(slots))
        steps.append(Step("pass_through", f"carry {m} value(s) from layer {k} to layer {depth}",
                          {"from_layer": k, "to_layer": depth}, new, readers, claims))
        return Block(net, tuple(steps), self.input_names, self.output_names)


def _names(names, n, prefix) -> tuple[str, ...]:
    names = tuple(names) if names is not None else tuple(f"{prefix}{i}" for i in range(n))
    if len(names) != n:
        raise MalformedError(f"expected {n} names, got {len(names)}")
    return names


def _ast(expr):
    from ..target import to_ast
    return to_ast(expr)


def _form_ast(form: Form):
    """Return the expression AST of a linear form."""
    parts = []
    for ref, c in sorted(form.items(), key=lambda kv: (kv[0][0], kv[0][1:])):
        if not c:
            continue
        atom = format_rational(c) if ref == ("1",) else list(ref)
        parts.append(atom if ref == ("1",) or c == 1 else ["mul", format_rational(c), atom])
    if not parts:
        return 0
    return parts[0] if len(parts) == 1 else ["add", *parts]


def _subst(ast, x_map, v_map):
    """Return ast with ["x", i] -> x_map(i) and ["v", l, i] -> v_map(l, i) (both ASTs)."""
    if not isinstance(ast, list) or not ast:
        return ast
    op = ast[0]
    if op == "x":
        return x_map(ast[1])
    if op == "v":
        return v_map(ast[1], ast[2])
    if op == "network" and x_map(0) != ["x", 0]:
        raise MalformedError("cannot rewrite a 'network' claim in terms of another block's outputs")
    return [op, *(_subst(a, x_map, v_map) for a in ast[1:])]


def _combine(form_map, refs) -> Form:
    out: Form = {}
    for ref, c in refs:
        for r2, c2 in form_map(ref).items():
            out[r2] = out.get(r2, Fraction(0)) + c * c2
    return {r: c for r, c in out.items() if c}


def _rewrite(step: Step, v_ref_map, x_ref_map, shift=None) -> Step:
    """Return the step with neuron references rewritten through v_ref_map / x_ref_map (Ref -> Form)."""

    def ref_form(ref):
        return v_ref_map(ref) if ref[0] == "v" else x_ref_map(ref) if ref[0] == "x" else {ref: Fraction(1)}

    values = []
    for terms, expr in step.values:
        form = _combine(ref_form, [(("v", l, i), c) for l, i, c in terms])
        neuron_terms = tuple((r[1], r[2], c) for r, c in sorted(form.items()) if r[0] == "v")
        rest = {r: c for r, c in form.items() if r[0] != "v"}
        rhs = _subst(expr, lambda i: _form_ast(ref_form(("x", i))),
                     lambda l, i: _form_ast(ref_form(("v", l, i))))
        if not neuron_terms:
            continue  # the claim no longer concerns any neuron of the network
        if rest:
            rhs = ["sub", rhs, _form_ast(rest)]
        if (neuron_terms, rhs) not in values:
            values.append((neuron_terms, rhs))
    neurons = step.neurons if shift is None else frozenset(shift(n) for n in step.neurons)
    return Step(step.op, step.label, step.params, frozenset(n for n in neurons if n is not None),
                step.inputs, tuple(values), step.max_weight)


def compose(outer: Block, inner: Block) -> Block:
    """Return the block x -> outer(inner(x)); inner's linear output fuses into outer's first layer."""
    if inner.network.output_dim != outer.network.input_dim:
        raise MalformedError(f"compose: inner block has {inner.network.output_dim} outputs, "
                             f"outer block reads {outer.network.input_dim}")
    kA = inner.depth
    net = outer.network.compose(inner.network)
    one = Fraction(1)

    def inner_v(ref):
        _, l, i = ref
        return inner.output_form(i) if l == kA else {ref: one}

    def outer_v(ref):
        _, l, i = ref
        return {("v", l + kA - 1, i): one}

    def outer_x(ref):
        return inner.output_form(ref[1])

    steps = [_rewrite(s, inner_v, lambda r: {r: one}, lambda n: None if n[0] == kA else n) for s in inner.steps]
    d_outer = outer.network.input_dim
    outer_steps = [Step(s.op, s.label, s.params, s.neurons, s.inputs,
                        tuple((t, expand_coords(e, d_outer)) for t, e in s.values), s.max_weight) for s in outer.steps]
    feeders = tuple(sorted({sid for sid, s in enumerate(steps) if any(l == kA - 1 for l, _ in s.neurons)}))
    if kA == 1:
        feeders = ("x",)
    off = len(inner.steps)
    for s in outer_steps:
        s2 = _rewrite(s, outer_v, outer_x, lambda n: (n[0] + kA - 1, n[1]))
        inputs = []
        for src in s.inputs:
            inputs.extend(feeders if src == "x" else (src + off,))
        steps.append(Step(s2.op, s2.label, s2.params, s2.neurons, _dedup(inputs), s2.values, s2.max_weight))
    return Block(net, tuple(steps), inner.input_names, outer.output_names)


def _dedup(inputs) -> tuple:
    xs = ("x",) if "x" in inputs else ()
    return xs + tuple(sorted({i for i in inputs if i != "x"}))


def parallel(*blocks: Block, nonneg=None) -> Block:
    """Return the blocks side by side on the same input, outputs concatenated (shallower ones padded)."""
    d = blocks[0].network.input_dim
    if any(b.network.input_dim != d for b in blocks):
        raise MalformedError("parallel: blocks read inputs of different dimensions")
    depth = max(b.depth for b in blocks)
    flags = nonneg or [None] * len(blocks)
    blocks = tuple(b.pad(depth, f) for b, f in zip(blocks, flags))
    net = Network.concat(*(b.network for b in blocks))
    steps, offsets = [], [0] * (depth + 1)
    one = Fraction(1)
    for b in blocks:
        off = tuple(offsets)
        base = len(steps)

        def v_map(ref, off=off):
            return {("v", ref[1], ref[2] + off[ref[1]]): one}

        for s in b.steps:
            s2 = _rewrite(s, v_map, lambda r: {r: one}, lambda n, off=off: (n[0], n[1] + off[n[0]]))
            inputs = tuple(src if src == "x" else src + base for src in s.inputs)
            steps.append(Step(s2.op, s2.label, s2.params, s2.neurons, inputs, s2.values, s2.max_weight))
        for l in range(1, depth + 1):
            offsets[l] += b.network.layer_sizes[l - 1]
    outputs = tuple(n for b in blocks for n in b.output_names)
    return Block(net, tuple(steps), blocks[0].input_names, outputs)


def linear(matrix, *, input_names=None, output_names=None, op="linear", label=None) -> Block:
    """Return the depth-1 block y = M x (a linear read-out; it fuses into whatever it follows)."""
    rows = [list(r) for r in matrix]
    net = Network.from_layers([(rows, None)])
    values = [(((1, i, 1),), _form_ast({("x", j): Fraction(w) for j, w in enumerate(r) if w}))
              for i, r in enumerate(rows)]
    return Block.single(net, op=op, label=label or f"linear read-out ({len(rows)} outputs)",
                        params={}, values=values, input_names=input_names, output_names=output_names)


def readout(block: Block, matrix, **kw) -> Block:
    """Return x -> M block(x), fused into the block's output layer."""
    return compose(linear(matrix, **kw), block)


def scale(block: Block, c) -> Block:
    """Return x -> c * block(x)."""
    m = block.network.output_dim
    return readout(block, [[c if i == j else 0 for j in range(m)] for i in range(m)], label=f"scale by {c}")


def sum_blocks(*blocks: Block) -> Block:
    """Return x -> the sum of the blocks' outputs (all with the same number of outputs)."""
    m = blocks[0].network.output_dim
    both = parallel(*blocks)
    return readout(both, [[1 if j % m == i else 0 for j in range(m * len(blocks))] for i in range(m)],
                   label=f"sum of {len(blocks)} blocks")


def identity(d: int, *, nonneg: bool = False) -> Block:
    """Return the depth-2 block x -> x: relu(x) if x >= 0 on the domain, else relu(x) - relu(-x)."""
    if nonneg:
        net = Network.from_layers([([[1 if j == i else 0 for j in range(d)] for i in range(d)], [0] * d),
                                   ([[1 if j == i else 0 for j in range(d)] for i in range(d)], None)])
        values = [(((1, i, 1),), ["x", i]) for i in range(d)]
    else:
        W1 = [[(1 if j == i else 0) for j in range(d)] for i in range(d)] + \
             [[(-1 if j == i else 0) for j in range(d)] for i in range(d)]
        W2 = [[(1 if j == i else -1 if j == i + d else 0) for j in range(2 * d)] for i in range(d)]
        net = Network.from_layers([(W1, [0] * (2 * d)), (W2, None)])
        values = [(((1, i, 1), (1, i + d, -1)), ["x", i]) for i in range(d)]
    values += [(((2, i, 1),), ["x", i]) for i in range(d)]
    return Block.single(net, op="identity", label=f"pass {d} value(s) through one ReLU layer",
                        params={"d": d, "nonneg": nonneg}, values=values)


def constant(values, d: int) -> Block:
    """Return the depth-2 block x -> (c_1, ..., c_m): one hidden unit relu(1) = 1 (no output bias)."""
    cs = [Fraction(c) for c in values]
    net = Network.from_layers([([[0] * d], [1]), ([[c] for c in cs], None)])
    claims = [(((1, 0, 1),), 1)] + [(((2, o, 1),), format_rational(c)) for o, c in enumerate(cs)]
    block = Block.single(net, op="constant", label=f"constant {[format_rational(c) for c in cs]}",
                         params={"values": [format_rational(c) for c in cs]}, values=claims)
    step = block.steps[0]
    return Block(block.network, (Step(step.op, step.label, step.params, step.neurons, (), step.values),),
                 block.input_names, block.output_names)
