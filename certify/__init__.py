"""certify: exact certificates for ReLU-network constructions.

Build a network (the builder records each step), evaluate it exactly on a finite domain,
write a certificate, and let the independent kernel re-verify every claim.

Names are imported lazily, so `certify check` loads only the kernel (and the CLI).
"""

import importlib
import sys
import types

__version__ = "0.1.0"

_EXPORTS = {
    "CertifyError": "kernel.errors", "ClaimError": "kernel.errors", "LimitError": "kernel.errors",
    "MalformedError": "kernel.errors",
    "Layer": "network", "Network": "network", "exact_float": "network",
    "BooleanCube": "domain", "Domain": "domain", "Grid": "domain", "Points": "domain", "Product": "domain",
    "Evaluation": "evaluate", "evaluate": "evaluate",
    "SupError": "approximation", "sup_error": "approximation",
    "Certificate": "certificate", "certificate": "certificate",
    "regions_1d": "regions",
}
_SUBMODULES = {"target", "build", "gadgets", "theorems", "smt", "kernel"}


# Public functions that share their name with the module defining them. When the import system
# binds the submodule on the package, keep the function: `from certify import evaluate` must
# always be the function (`certify.evaluate` the module is still in sys.modules).
_FUNCTION_MODULES = {"evaluate", "certificate"}


class _Package(types.ModuleType):
    def __setattr__(self, name, value):
        if name in _FUNCTION_MODULES and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def check(path_or_dict, **kw):
    """Return the kernel's Report for a certificate file path or dict."""
    from .kernel import check as kernel_check
    return kernel_check(path_or_dict, **kw)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'certify' has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = sorted(_EXPORTS) + ["check", "target"]
