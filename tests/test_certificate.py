"""The writer: canonical, deterministic, atomic output that the kernel accepts."""

import json
import os
from fractions import Fraction as F

import pytest

from certify import Grid, MalformedError, Network, certificate
from certify.certificate import save_text
from certify.kernel import check
from certify.kernel.canonical import network_sha256
from certify.target import abs_, coords


def make():
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])
    return certificate(net, Grid(1, 1, 2), abs_(coords(1)[0]), construction="abs", parameters={"R": 1, "p": 2})


def test_deterministic_and_canonical(tmp_path):
    a, b = make(), make()
    assert a.text == b.text
    data = json.loads(a.text)
    assert json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n" == a.text
    assert data["network_sha256"] == network_sha256(data["network"])
    a.save(tmp_path / "c.json")
    assert (tmp_path / "c.json").read_text() == a.text
    assert check(str(tmp_path / "c.json")).ok


def test_claims_follow_the_paper():
    c = make().data["claims"]
    assert c["depth"] == 2 and c["width"] == 2 and c["max_weight"] == 1 and c["sup_error"]["bound"] == 0


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text("old")

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_text(path, "new contents")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_parameters_must_be_exact():
    net = Network.from_layers([([[1]], [0]), ([[1]], None)])
    with pytest.raises(MalformedError, match="not exact JSON"):
        certificate(net, Grid(1, 1, 1), None, construction="x", parameters={"eps": 0.1})
    c = certificate(net, Grid(1, 1, 1), None, construction="x", parameters={"eps": F(1, 10)})
    assert c.data["provenance"]["parameters"] == {"eps": "1/10"}
