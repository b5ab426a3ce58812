"""Z3 encodings: affine-on-polytope claims, exact maxima over boxes, parametric weight bounds."""

from .affine import AffineCheck, check_affine, farkas_multipliers  # noqa: F401
from .box import BoxMax, max_over_box  # noqa: F401
