"""Whole constructions from the papers (small weights, constant weights, depth separation, ...)."""

from .constant_weights import ConstantWeightsResult, constant_weights  # noqa: F401
from .small_weights import SmallWeights, small_weights  # noqa: F401
# depth separation (docs/depth-separation.md)
from .additive import additive  # noqa: F401,E402
from .interpolation_baseline import interpolation_baseline  # noqa: F401,E402
from .radial import radial  # noqa: F401,E402
from .safran_eldan_shamir import hard_depth3, hard_function, lipschitz_witness, paper_eps, radial_monomial  # noqa: F401,E402
from .srv import srv_depth3, srv_support_exact  # noqa: F401,E402
from .extraction import Extraction, Spliced, check_equivalent, extract_circuit, lookup_circuit, splice  # noqa: F401,E402
