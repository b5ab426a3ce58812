"""Domains: sizes, bounding boxes, enumeration order and chunking (expected values by hand)."""

import itertools
from fractions import Fraction as F

import pytest

from certify import BooleanCube, Grid, MalformedError, Points, Product
from certify.domain import domain_from_json


def test_grid_matches_the_paper_definition():
    g = Grid(2, 1, 2)
    I = [F(j, 2) for j in range(-2, 3)]
    assert g.size == 25 and list(g) == list(itertools.product(I, I))
    assert g.bounding_box() == ((-1, -1), (1, 1))
    assert Grid(3, F(3, 2), 4).size == 13**3


def test_chunks_cover_in_order_without_materialising():
    g = Grid(3, 2, 3)  # 13^3 points
    pts = []
    for start, stop in g.chunks(100):
        nums, den = g.chunk(start, stop)
        pts.extend(tuple(F(int(v), den) for v in row) for row in nums)
    assert pts == list(itertools.product([F(j, 3) for j in range(-6, 7)], repeat=3))
    assert g.point(g.size - 1) == (2, 2, 2)
    huge = Grid(30, 10, 10)  # 201^30 points: chunks are computed arithmetically
    nums, den = huge.chunk(huge.size - 2, huge.size)
    assert den == 10 and [int(v) for v in nums[1]] == [100] * 30 and int(nums[0][-1]) == 99


def test_other_domains():
    assert list(BooleanCube(2)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    p = Product([[F(1, 2), 0], [3, F(-1, 3), 3]])
    assert p.size == 4 and list(p) == [(0, F(-1, 3)), (0, 3), (F(1, 2), F(-1, 3)), (F(1, 2), 3)]
    assert p.bounding_box() == ((0, F(-1, 3)), (F(1, 2), 3))
    pts = Points([[1, "1/2"], [0, 0]])
    assert list(pts) == [(1, F(1, 2)), (0, 0)] and pts.bounding_box() == ((0, 0), (1, F(1, 2)))
    for d in (Grid(2, 1, 3), BooleanCube(3), p, pts):
        assert domain_from_json(d.to_json()) == d


@pytest.mark.parametrize("make", [lambda: Grid(0, 1, 1), lambda: Grid(1, F(1, 3), 2), lambda: Grid(1, 1, 0),
                                  lambda: Points([]), lambda: Points([[1], [1]]), lambda: Product([[]]),
                                  lambda: Points([[0.5]])])
def test_bad_domains(make):
    with pytest.raises(MalformedError):
        make()
