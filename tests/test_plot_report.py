"""`certify plot` and `certify report`: the exact data behind the figures, the PNG files read back
(size, pixels, the tEXt Description that says what they show), and the HTML page parsed."""

import base64
import io
import json
import sys
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from certify import Grid, Network, Product, certificate, cli
from certify.target import abs_, coords

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")
from certify import plot  # noqa: E402
from certify.report_html import html_report  # noqa: E402

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture
def kink_cert(tmp_path):
    """relu(x - 1/3) + relu(x + 1/2) against |x| on the grid {j/4 : |j| <= 4}: breakpoints -1/2 and 1/3."""
    x = coords(1)
    net = Network.from_layers([([[1], [1]], ["-1/3", "1/2"]), ([[1, 1]], None)])
    path = tmp_path / "kink.json"
    certificate(net, Grid(d=1, R=1, p=4), abs_(x[0]), construction="kink").save(path)
    return path


@pytest.fixture
def cert_2d(tmp_path):
    """|x0| + |x1| against x0^2 + x1^2 on a 9x9 grid: error 1/4 + 1/4 at (+-1/2, +-1/2)."""
    x = coords(2)
    net = Network.from_layers([([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]), ([[1, 1, 1, 1]], None)])
    path = tmp_path / "two.json"
    certificate(net, Grid(d=2, R=1, p=4), x[0] ** 2 + x[1] ** 2, construction="two").save(path)
    return path


def png(path_or_bytes):
    """Return (PIL image, its pixels) of a PNG file or bytes."""
    img = Image.open(io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes)
    img.load()
    return img, np.asarray(img.convert("RGB"))


def has_colour(pixels, rgb, tol=30) -> bool:
    return bool((np.abs(pixels.astype(int) - np.array(rgb)).max(axis=2) <= tol).any())


def test_function_1d_data_is_exact(kink_cert):
    (f,) = plot.function_1d(plot.load(kink_cert))
    assert f.breakpoints == [Fraction(-1, 2), Fraction(1, 3)] and f.n_breakpoints == 2
    assert (f.lo, f.hi) == (-1, 1)
    assert list(f.knots_x) == [-1, -0.5, 1 / 3, 1] and f.knots_y[0] == pytest.approx(0)  # N(-1) = 0
    assert f.points.tolist() == [k / 4 for k in range(-4, 5)]
    # the error at every grid point, computed here by hand in Fractions
    net_at = lambda x: max(x - Fraction(1, 3), 0) + max(x + Fraction(1, 2), 0)
    errors = [abs(net_at(Fraction(k, 4)) - abs(Fraction(k, 4))) for k in range(-4, 5)]
    assert f.max_error == max(errors) and f.argmax == errors.index(max(errors))
    assert f.error.tolist() == [float(e) for e in errors]


def test_plot_1d_png_files(kink_cert, tmp_path, capsys):
    out = tmp_path / "figs"
    assert cli.main(["plot", str(kink_cert), "-o", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == ["kink_function.png", "kink_weights.png"]
    img, pixels = png(out / "kink_function.png")
    assert img.format == "PNG" and img.size == (800, 650)
    desc = img.text["Description"]
    assert "function 1-D" in desc and "breakpoints 2: -1/2, 1/3" in desc and "max error 7/6; bound 7/6" in desc
    assert pixels.std() > 10 and has_colour(pixels, (31, 119, 180)) and has_colour(pixels, (214, 39, 40))
    img, pixels = png(out / "kink_weights.png")
    assert img.text["Description"].startswith("certify plot: weights; layers 2; max weight 1")
    assert has_colour(pixels, (31, 119, 180)) and has_colour(pixels, (255, 127, 14))  # weights and biases


def test_plot_1d_too_many_pieces_is_sampled_not_swept():
    """The tent map composed 16 times has 2^16 pieces: the figure samples it instead of sweeping them all."""
    tent = ([[2, -4], [2, -4]], [0, "-1/2"])
    net = Network.from_layers([([[1], [1]], [0, "-1/2"])] + [tent] * 15 + [([[2, -4]], None)])
    cert = certificate(net, Product([[0, "1/3", 1]]), construction="tent16")
    (f,) = plot.function_1d(plot.load(cert.data))
    assert not f.exact_knots and f.breakpoints == [] and plot.MAX_SAMPLED_KINKS // 2 < f.n_breakpoints < 2**16
    assert len(f.knots_x) > 60000 and f.knots_y.max() == 1.0
    img, _ = png(plot.figures(cert.data)[0].png)
    assert "(sampled at" in img.text["Description"] and "not computed" in img.text["Description"]


def test_plot_2d_heat_map(cert_2d, tmp_path):
    paths = plot.plot_certificate(cert_2d, tmp_path, dpi=50)
    assert [p.name for p in paths] == ["two_heatmap.png", "two_weights.png"]
    img, pixels = png(paths[0])
    assert img.size == (520, 230)
    assert "heatmap 2-D" in img.text["Description"] and "table 9x9" in img.text["Description"]
    assert "max error 1/2" in img.text["Description"]
    (g,) = plot.grid_2d(plot.load(cert_2d))
    assert g.network.shape == (9, 9) and g.network[0, 0] == 2.0 and g.error[4, 4] == 0.0
    assert g.error.max() == pytest.approx(0.5) and g.max_error == Fraction(1, 2)


def test_plot_high_dimension_error_histogram(tmp_path):
    x = coords(3)
    net = Network.from_layers([([[1, 1, 1]], [0]), ([[1]], None)])
    path = tmp_path / "three.json"
    certificate(net, Grid(d=3, R=1, p=1), x[0] + x[1] + x[2], construction="three").save(path)
    paths = plot.plot_certificate(path, tmp_path)
    assert [p.name for p in paths] == ["three_error.png", "three_weights.png"]
    assert "error histogram; points 27; max error 3" in png(paths[0])[0].text["Description"]


def test_plot_irrational_target_is_approximated(tmp_path):
    """sin(x) against x on [-1, 1]: the error is irrational; the figures use approximations within 2^-40."""
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, -1]], None)])
    cert = certificate(net, Grid(d=1, R=1, p=4), [["sin", ["x", 0]]], construction="sin")
    (f,) = plot.function_1d(plot.load(cert.data))
    assert abs(f.max_error - Fraction(1) + Fraction(0.8414709848078965)) < Fraction(1, 2**39)  # 1 - sin(1)
    assert f.dense_x is not None and abs(f.dense_target[-1] - 0.8414709848078965) < 1e-12
    (path, _) = plot.plot_certificate(cert.data, tmp_path, prefix="sin")
    assert "max error ~0.158529" in png(path)[0].text["Description"]


def test_plot_malformed_and_without_matplotlib(kink_cert, capsys, monkeypatch):
    assert cli.main(["plot", str(FIX / "bad" / "zero_denominator.json")]) == 2
    assert "MALFORMED" in capsys.readouterr().out
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as if not installed
    assert cli.main(["plot", str(kink_cert)]) == 2
    assert 'pip install "certify[plot]"' in capsys.readouterr().err
    text, report = html_report(kink_cert)
    assert report.ok and "Figures need matplotlib" in text and "<img" not in text


class Page(HTMLParser):
    """Collect the tags, attributes and text of a page, and the text of elements with an id."""

    def __init__(self):
        super().__init__()
        self.tags, self.by_id, self.stack, self.text = [], {}, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.stack.append(attrs.get("id"))
        if attrs.get("id"):
            self.by_id[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for i in self.stack:
            if i:
                self.by_id[i] += data

    def all(self, tag):
        return [a for t, a in self.tags if t == tag]


def parse(text) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_report_html_is_self_contained_with_claims_steps_figures_and_verdict(kink_cert, tmp_path):
    out = tmp_path / "kink.html"
    assert cli.main(["report", str(kink_cert), "-o", str(out)]) == 0
    page = parse(out.read_text(encoding="utf-8"))
    assert page.by_id["verdict"].startswith("VERIFIED")
    assert not page.all("script") and not page.all("link")
    for _tag, attrs in page.tags:  # nothing is fetched from elsewhere
        for key in ("src", "href"):
            assert not attrs.get(key, "").startswith(("http:", "https:", "//"))
    imgs = page.all("img")
    assert len(imgs) == 2 == len(page.all("figure"))
    for img in imgs:
        assert img["src"].startswith("data:image/png;base64,") and img["alt"]
        data = base64.b64decode(img["src"].split(",", 1)[1])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and png(data)[0].size[0] == 800
    body = " ".join(page.text)
    raw = json.loads(kink_cert.read_text())
    assert "kink" in body and "f_0(x) = |x_0|" in body and "7/6" in body
    assert raw["network_sha256"] in body
    assert len(raw["steps"]) == 1 and "the network" in body  # the step's label
    assert "checks verified" in body and "sup_error" in body


def test_report_false_and_malformed(tmp_path):
    text, report = html_report(FIX / "bad" / "wrong_step_value.json", figures=False)
    page = parse(text)
    assert report.exit_code == 1 and page.by_id["verdict"].startswith("FALSE")
    assert page.by_id["first-failure"].startswith("step 1 (read-out): values[0] at x=(-1)")
    rows = [a for a in page.all("tr") if a.get("class") == "fail"]
    assert len(rows) == 1
    out = tmp_path / "m.html"
    assert cli.main(["report", str(FIX / "bad" / "zero_denominator.json"), "-o", str(out)]) == 2
    page = parse(out.read_text())
    assert page.by_id["verdict"].startswith("MALFORMED") and 'zero denominator in "1/0"' in page.by_id["first-failure"]
    assert not page.all("img")
