"""PyTorch import and export (optional extra: pip install "certify[torch]"; on this project's machines
`pip install torch==2.13.0` installs the CPU build).

`from_torch(module)` reads an nn.Sequential (nested ones are flattened) of nn.Linear and nn.ReLU,
with nn.Identity, nn.Flatten and nn.Dropout (in eval mode, or p = 0) as no-ops, and returns the
exact Network: every float weight (float16/bfloat16/float32/float64) is converted exactly
(certify.network.exact_float). Any other module is refused with its name.

`to_torch(net)` returns an nn.Sequential of Linear/ReLU with the weights rounded to `dtype`
(float64 by default), for running a certified network in PyTorch.
"""

from __future__ import annotations

from fractions import Fraction

from ..kernel.errors import MalformedError
from ..network import Network
from . import exact_matrix, network_from_chain


def _torch():
    try:
        import torch
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise ImportError('PyTorch import/export needs torch: pip install "certify[torch]"') from e
    return torch


def _leaves(module, prefix=""):
    """Yield (name, module) for the modules of a (nested) nn.Sequential in order."""
    nn = _torch().nn
    if isinstance(module, nn.Sequential):
        for name, child in module.named_children():
            yield from _leaves(child, f"{prefix}{name}.")
    else:
        yield prefix.rstrip(".") or type(module).__name__, module


def _array(tensor):
    """Return a tensor as a numpy float64/int array holding the same values exactly."""
    t = tensor.detach().cpu()
    if t.is_floating_point():
        return t.to(_torch().float64).numpy()  # every float16/bfloat16/float32 value is a float64 exactly
    return t.numpy()


def from_torch(module, input_dim: int | None = None) -> Network:
    """Return the exact Network of an nn.Sequential (or a single nn.Linear) of Linear and ReLU layers."""
    nn = _torch().nn
    ops, dim = [], input_dim
    for name, m in _leaves(module):
        where = f"torch module {name} ({type(m).__name__})"
        if isinstance(m, nn.Linear):
            W = exact_matrix(_array(m.weight), f"{where} weight")
            if dim is None:
                dim = m.in_features
            b = exact_matrix(_array(m.bias).reshape(1, -1), f"{where} bias")[0] if m.bias is not None \
                else [Fraction(0)] * m.out_features
            ops.append(("affine", W, b))
        elif isinstance(m, nn.ReLU):
            ops.append(("relu",))
        elif isinstance(m, (nn.Identity, nn.Flatten)):
            continue
        elif isinstance(m, nn.Dropout):
            if m.training and m.p > 0:
                raise MalformedError(f"{where}: dropout in training mode is random; call model.eval() first")
        else:
            raise MalformedError(f"{where}: only Linear, ReLU, Identity, Flatten and Dropout are supported")
    if dim is None:
        raise MalformedError("torch: no Linear layer, and no input_dim given")
    return network_from_chain(ops, dim)


def to_torch(net: Network, dtype=None):
    """Return an nn.Sequential computing the network, weights rounded to `dtype` (default torch.float64)."""
    torch = _torch()
    dtype = dtype or torch.float64
    layers = []
    for l, layer in enumerate(net.sparse_layers, 1):
        lin = torch.nn.Linear(layer.in_size, layer.size, bias=layer.bias is not None, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[float(w) for w in row] for row in layer.dense()], dtype=dtype))
            if layer.bias is not None:
                lin.bias.copy_(torch.tensor([float(b) for b in layer.bias], dtype=dtype))
        layers.append(lin)
        if l < net.depth:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)
