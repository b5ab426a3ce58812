"""Sweep the depth-separation constructions over d and eps; print the markdown tables of
docs/depth-separation.md (measured width, max weight, certified error, next to the bounds).

Every "measured sup" is what the certificate writer computes: exact for rational targets, a rigorous
upper bound (rounded up to 10 digits) for irrational ones; "kernel" is the independent kernel's verdict
on the certificate claiming the construction's eps. Run: python benchmarks/depth_separation_sweep.py
[--quick] [--only=additive,radial,ses,ses_lipschitz,ses_monomials,srv,srv_spread,baseline] (the quick
sweep is a subset, for a smoke test).
"""

from __future__ import annotations

import math
import sys
import time
from fractions import Fraction

from certify.kernel import check
from certify.target import coords, pi, sin
from certify.theorems.additive import additive
from certify.theorems.depsep import ball_grid
from certify.theorems.interpolation_baseline import interpolation_baseline
from certify.theorems.radial import radial
from certify.theorems.safran_eldan_shamir import (PI_UP, hard_depth2, hard_depth3, hard_function, lipschitz_witness,
                                                   paper_eps, radial_monomial)
from certify.theorems.srv import discrete_lipschitz, linear_code, scale, srv_depth3, srv_spread, srv_support_exact

QUICK = "--quick" in sys.argv


def q(x, digits=3) -> str:
    """Return a short rendering of a rational (tables only; the certificates are exact): an integer, a
    small fraction n/d, or a decimal with `digits` significant digits."""
    x = Fraction(x)
    if x.denominator == 1 and abs(x) < 10**7:
        return str(x.numerator)
    if x.denominator <= 1000 and abs(x.numerator) < 1000:
        return f"{x.numerator}/{x.denominator}"
    return _dec(x, digits)


def _dec(x: Fraction, digits: int) -> str:
    sign = "-" if x < 0 else ""
    x = abs(x)
    e = math.floor(math.log10(x.numerator) - math.log10(x.denominator))
    if x >= Fraction(10) ** e * 10:
        e += 1
    elif x < Fraction(10) ** e:
        e -= 1
    m = round(x / Fraction(10) ** e * 10 ** (digits - 1))
    if m >= 10 ** digits:
        m, e = m // 10, e + 1
    s = str(m)
    mant = s[0] + ("." + s[1:] if len(s) > 1 else "")
    return f"{sign}{mant}e{e}" if e else f"{sign}{mant}"


def row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def run(con, kernel=True):
    """Return (stats, measured sup, kernel verdict, seconds)."""
    t0 = time.time()
    measured = con.certificate("measured", attained=False).data["claims"]["sup_error"]["bound"]
    verdict = "-"
    if kernel:
        report = check(con.certificate().data)
        verdict = "ok" if report.ok else f"FAIL {report.first_failure[:60]}"
    return con.stats(), Fraction(measured), verdict, time.time() - t0


def table_additive():
    print("### Additive, f(x) = sum_i sin(pi x_i)/pi on I^d (R = 1, p = 4), depth 2 (Vardi-Shamir Thm 3.6)\n")
    print(row("d", "eps", "width", "intervals d*ceil(2/sqrt(4 eps/(d M)))", "max weight", "weights",
              "measured sup", "budget (interp + rounding)", "kernel"))
    print(row(*["---"] * 9))
    t = coords(1)[0]
    for d in ((1, 2, 3) if QUICK else (1, 2, 3, 4)):
        for eps in ((Fraction(1, 10),) if QUICK else (Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000))):
            con = additive([sin(pi() * t) / pi()] * d, 1, 4, eps, curvature=[4] * d)
            s, m, v, _ = run(con, kernel=d <= 3)
            pred = d * math.ceil(2 / math.sqrt(float(4 * eps / (d * 4))))
            print(row(d, q(eps), s["width"], pred, q(s["max_weight"]), s["weights"], q(m),
                      q(sum(con.budget.values())), v))
    print()


def table_radial():
    print("### Radial, f(x) = 1 - ||x|| on the grid points of B_d (step 1/4), depth 3 (Vardi-Shamir Thm 3.5)\n")
    print(row("d", "eps", "layer 1", "layer sizes", "max weight", "weights", "points", "measured sup",
              "budget L h_r + delta + Lambda d h1^2/4", "kernel"))
    print(row(*["---"] * 10))
    for d in ((2, 3) if QUICK else (2, 3, 4, 5)):
        for eps in ((Fraction(1, 4),) if QUICK else (Fraction(1, 4), Fraction(1, 8), Fraction(1, 16))):
            for layer1 in ("uniform", "grid"):
                con = radial(d, ["sub", 1, ["x", 0]], 1, eps, 4, layer1=layer1)
                s, m, v, _ = run(con, kernel=d <= 4)
                print(row(d, q(eps), layer1, s["layer_sizes"], q(s["max_weight"]), s["weights"], s["points"], q(m),
                          q(sum(con.budget.values())), v))
    print()


def table_ses():
    print("### Safran-Eldan-Shamir Theorem 4: f(x) = sin(2 pi d^3 ||x||^2)/(2 pi d^3) at eps_d = 1/(101 e^2 pi^3 d^3)\n")
    print("Depth 3 (layer 1 exact on the grid) and depth 2 (interpolation) on the same grid points of B_d; "
          "`uniform` gives the sizes of the depth-3 network whose bound holds on all of B_d (not built: "
          "layer 2 alone would have (layer-1 units) x (layer-2 units) weights).\n")
    print(row("d", "p", "eps_d", "points", "depth-3 layer sizes", "depth-3 max weight", "depth-3 measured sup",
              "depth-2 width", "depth-2 max weight", "depth-2 measured sup", "uniform depth-3 sizes", "kernel"))
    print(row(*["---"] * 12))
    for d, p in (((2, 6),) if QUICK else ((2, 6), (2, 8), (3, 4), (3, 6), (4, 3))):
        eps = paper_eps(d)
        con3 = hard_depth3(d, eps, p)
        s3, m3, v3, _ = run(con3, kernel=d <= 3)
        con2 = hard_depth2(d, p, eps)
        s2, m2, v2, _ = run(con2, kernel=d <= 3)
        C, h2 = 2 * PI_UP * d ** 3, Fraction(con3.parameters["h2"])
        lam = Fraction(con3.parameters["Lambda"])
        n1 = math.ceil(2 / math.sqrt(float(7 * eps / (4 * d * lam))))
        over = d * (2 / n1) ** 2 / 4
        uniform = [d * (n1 + 1), math.ceil((1 + over) / float(h2)) + 1, 1]
        print(row(d, p, q(eps), s3["points"], s3["layer_sizes"], q(s3["max_weight"]), q(m3), s2["width"],
                  q(s2["max_weight"]), q(m2), f"~{uniform}", f"{v3}/{v2}"))
    print()
    print("The depth-2 width is the number of points minus collinear ones: ~ vol(B_d) p^d. On a grid that resolves the "
          "oscillation of f along every axis (about 4 points per period 1/(2 d^3) of r near 1, p ~ 8 d^3), that is\n")
    print(row("d", "p = 8 d^3", "grid points in B_d (depth-2 width)", "depth-3 width (grid layer 1)"))
    print(row(*["---"] * 4))
    for d in (2, 3, 4, 5, 6):
        p = 8 * d ** 3
        vol = math.pi ** (d / 2) / math.gamma(d / 2 + 1)
        eps = paper_eps(d)
        h2 = math.sqrt(float(4 * eps / (2 * PI_UP * d ** 3)))
        print(row(d, p, f"~{vol * p ** d:.2e}", f"max({d * (2 * p - 1)}, ~{math.ceil(1 / h2) + 1})"))
    print()


def table_ses_lipschitz():
    print("### The Lipschitz constant of the Theorem 4 function\n")
    print(row("d", "h", "certified slope c", "certified eps", "Lipschitz >= c - 2 eps/h", "analytic upper bound", "kernel"))
    print(row(*["---"] * 7))
    for d in ((2,) if QUICK else (2, 3, 4)):
        con, lower = lipschitz_witness(d)
        cert = con.certificate()
        v = "ok" if check(cert.data).ok else "FAIL"
        print(row(d, con.parameters["h"], con.parameters["slope c"], cert.data["claims"]["sup_error"]["bound"],
                  f"{q(lower, 7)}", 2, v))
    print()


def table_ses_monomials():
    print("### Safran-Eldan-Shamir Theorem 3: ||x||^(2k) at depth 2 on the grid points of B_d (step 1/2)\n")
    print(row("k", "d", "eps", "ridges", "width", "max weight", "measured sup", "kernel"))
    print(row(*["---"] * 8))
    for k in (1, 2):
        for d in ((2, 3) if QUICK else (2, 3, 4, 6)):
            for eps in ((Fraction(1, 10),) if QUICK else (Fraction(1, 10), Fraction(1, 100))):
                con = radial_monomial(d, k, eps, 2)
                s, m, v, _ = run(con, kernel=d <= 4)
                print(row(k, d, q(eps), con.parameters["ridges"], s["width"], q(s["max_weight"]), q(m), v))
    print()


def table_srv():
    print("### Safran-Reichman-Valiant setting: IP mod 2 on H_d in B_2d, depth 3\n")
    print(row("d", "m", "points", "width", "max weight", "eps", "d^2/eps", "d/eps^2", "sup on H_d (exact)",
              "sup vs F on H_d + rho moves", "discrete Lip of f on H_d", "kernel"))
    print(row(*["---"] * 12))
    for d in ((1, 2, 3) if QUICK else (1, 2, 3, 4, 5, 6)):
        exact = srv_support_exact(d)
        s, m, v, _ = run(exact)
        lip = discrete_lipschitz(d) if d <= 4 else "-"
        for eps in (Fraction(1, 10), Fraction(1, 100)) if not QUICK else (Fraction(1, 10),):
            pert, verdicts = "-", v
            if d <= 2 or (d == 3 and eps == Fraction(1, 10)):
                con = srv_depth3(d, eps)
                _, mp, vp, _ = run(con)
                pert, verdicts = q(mp), f"{v}/{vp}"
            print(row(d, scale(d), s["points"], s["width"], q(s["max_weight"]), q(eps), q(d * d / eps),
                      q(d / eps ** 2), q(m), pert, lip, verdicts))
    print()


def table_srv_spread():
    print("### The well-spread support: the cube through a binary [n, k] code, depth 3\n")
    print(row("k", "n", "dmin", "m", "amplitude r/m", "plain cube amplitude 1/ceil(sqrt(2k))", "points", "width",
              "max weight", "sup on S (exact)", "sup vs F on S + rho moves (eps)", "kernel"))
    print(row(*["---"] * 12))
    for k in ((2, 3) if QUICK else (2, 3, 4, 5, 6, 8, 10)):
        for mult in (4, 8):
            n = mult * k
            P, dmin = linear_code(k, n)
            mm = math.isqrt(2 * n - 1) + 1
            amp = Fraction(math.isqrt(dmin * 10**4), 100) / mm
            m_sup, v, pert = "-", "-", "-"
            if k <= 6 and mult == 4:  # certify (4^k support points)
                _, m_sup, v, _ = run(srv_spread(k, n))
                m_sup = q(m_sup)
            if k == 2 and mult == 4:
                eps = Fraction(1, 5)
                _, mp, vp, _ = run(srv_spread(k, n, eps))
                pert, v = f"{q(mp)} ({q(eps)})", f"{v}/{vp}"
            print(row(k, n, dmin, mm, q(amp), q(Fraction(1, scale(k))), 4 ** k, k + 1, max(mm, k), m_sup, pert, v))
    print()


def table_baseline():
    print("### Depth-2 interpolation baseline: ||x||^2 exactly on the grid points of B_d (step 1/4)\n")
    print(row("d", "points", "width", "max weight", "direction w", "measured sup", "kernel"))
    print(row(*["---"] * 7))
    for d in ((1, 2) if QUICK else (1, 2, 3, 4)):
        con = interpolation_baseline(ball_grid(d, 4), ["norm2sq"])
        s, m, v, _ = run(con, kernel=d <= 3)
        print(row(d, s["points"], s["width"], q(s["max_weight"]), con.parameters["direction"], q(m), v))
    print()


def main():
    t0 = time.time()
    only = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")]
    for table in (table_additive, table_radial, table_ses, table_ses_lipschitz, table_ses_monomials, table_srv,
                  table_srv_spread, table_baseline):
        if not only or table.__name__.removeprefix("table_") in only[0].split(","):
            table()
        sys.stdout.flush()
    print(f"(sweep took {time.time() - t0:.0f} s)")


if __name__ == "__main__":
    _ = hard_function
    main()
