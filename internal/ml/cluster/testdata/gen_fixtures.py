#!/usr/bin/python3
"""Writes the JSON fixtures of three packages: kmeans.json beside this script
(package cluster), poly.json into ../../linear/testdata (package linear) and
moons.json into ../../dataset/testdata (package dataset).

Run from anywhere with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/cluster/testdata/gen_fixtures.py

The script makes its own data with NumPy (fixed seeds) and stores it in the
fixtures, so the Go tests read exactly the same numbers. It asserts the
conditions the Go tests rely on (no empty cluster, no near-tie in any
assignment, well-conditioned polynomial fits) so a fixture that would make a
test ill-posed is never written.
"""

import json
import os

import numpy as np
import sklearn
from numpy.polynomial import legendre as L
from sklearn.cluster import KMeans

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_ITERS = [1, 2, 3]


def nearest(X, C):
    """Labels and the relative gap between the best and second-best squared
    distance for every sample."""
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    order = np.sort(d2, axis=1)
    gap = (order[:, 1] - order[:, 0]) / np.maximum(order[:, 1], 1e-300)
    return d2.argmin(axis=1), gap.min()


class Unsuitable(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Unsuitable(msg)


def kmeans_case(name, X, k, seed):
    """Tries initial centroids drawn with seed, seed+1, ... and keeps the first
    that passes every check (the search is deterministic)."""
    for s in range(seed, seed + 100):
        try:
            return kmeans_try(name, X, k, s)
        except Unsuitable as e:
            print(f"seed {s}: {e}")
    raise SystemExit(f"{name}: no suitable initial centroids")


def kmeans_try(name, X, k, seed):
    rng = np.random.default_rng(seed)
    init_idx = rng.choice(len(X), size=k, replace=False)
    init = X[init_idx].copy()
    lab0, gap0 = nearest(X, init)
    check(len(np.unique(lab0)) == k, f"{name}: initial assignment leaves a cluster empty")
    check(gap0 > 1e-9, f"{name}: near-tie in the initial assignment")

    def fit(m):
        km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=m, tol=0,
                    algorithm="lloyd")
        km.fit(X)
        return km

    conv = fit(300)
    check(conv.n_iter_ < 300, f"{name}: did not converge")
    # Converging after max(MAX_ITERS) iterations makes every max_iter a
    # distinct, unconverged state.
    check(conv.n_iter_ > max(MAX_ITERS), f"{name}: converges in {conv.n_iter_} iterations")
    runs = []
    # Every assignment Lloyd makes is the labels_ of some max_iter=m run, so
    # checking all of them proves no cluster went empty (scikit-learn would
    # have relocated it, we keep it) and no sample was near a tie.
    for m in range(1, conv.n_iter_ + 1):
        km = fit(m)
        check(len(np.unique(km.labels_)) == k, f"{name}: empty cluster at max_iter={m}")
        lab, gap = nearest(X, km.cluster_centers_)
        assert (lab == km.labels_).all(), f"{name}: labels_ are not the nearest centers"
        check(gap > 1e-9, f"{name}: near-tie at max_iter={m}")
        if m in MAX_ITERS or m == conv.n_iter_:
            runs.append({
                "max_iter": m,
                "n_iter": int(km.n_iter_),
                "labels": km.labels_.tolist(),
                "inertia": float(km.inertia_),
                "centers": km.cluster_centers_.tolist(),
            })
    return {
        "name": name,
        "init_seed": seed,
        "k": k,
        "X": X.tolist(),
        "init_index": init_idx.tolist(),
        "init": init.tolist(),
        "runs": runs,
        "converged_n_iter": int(conv.n_iter_),
    }


def kmeans_fixtures():
    rng = np.random.default_rng(20240501)
    cases = []

    centers = np.array([[-5.0, -2.0], [0.0, 4.0], [5.0, -1.0]])
    X = np.vstack([c + 0.8 * rng.standard_normal((50, 2)) for c in centers])
    cases.append(kmeans_case("separated_blobs", X, 3, seed=1))

    centers = np.array([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0], [2.5, 2.5]])
    X = np.vstack([c + 1.0 * rng.standard_normal((50, 2)) for c in centers])
    cases.append(kmeans_case("overlapping_blobs", X, 4, seed=2))

    X = rng.uniform(0.0, 1.0, size=(300, 2))
    cases.append(kmeans_case("uniform_square", X, 5, seed=3))
    return cases


def scaled_legvander(x, deg):
    """Φ_ik = √(2k+1)·P_k(x_i), the orthonormal basis of package linear."""
    return L.legvander(x, deg) * np.sqrt(2 * np.arange(deg + 1) + 1)


def ridge(x, y, deg, lam):
    """Minimiser of (1/n)‖Φw − y‖² + λ Σ_{k≥1} w_k², by lstsq (minimum norm
    when singular) and, when well posed, cross-checked with solve on the
    normal equations."""
    n = len(x)
    Phi = scaled_legvander(x, deg)
    Ip = np.eye(deg + 1)
    Ip[0, 0] = 0
    A = np.vstack([Phi / np.sqrt(n), np.sqrt(lam) * Ip[1:]])
    b = np.concatenate([y / np.sqrt(n), np.zeros(deg)])
    w, _, rank, sv = np.linalg.lstsq(A, b, rcond=None)
    cond = sv[0] / sv[-1] if rank == deg + 1 else None  # None: singular
    if rank == deg + 1:
        # The normal equations square the condition number of A, so the
        # agreement expected is about cond(A)²·ε.
        w2 = np.linalg.solve(Phi.T @ Phi / n + lam * Ip, Phi.T @ y / n)
        tol = max(1e-9, 100 * cond**2 * np.finfo(float).eps)
        assert np.abs(w - w2).max() <= tol * np.abs(w).max(), \
            f"lstsq and solve disagree at degree {deg}, lambda {lam}"
    return w, rank, cond


def poly_fixtures():
    rng = np.random.default_rng(7)
    n = 20
    x = rng.uniform(-1.0, 1.0, n)
    y = np.sin(np.pi * x) + 0.2 * rng.standard_normal(n)
    grid = np.linspace(-1.0, 1.0, 41)
    cases = []
    scale = lambda d: np.sqrt(2 * np.arange(d + 1) + 1)
    for (nn, deg) in [(20, 1), (20, 3), (20, 9), (20, 15), (8, 9), (8, 15)]:
        xs, ys = x[:nn], y[:nn]
        for lam in [0.0, 1e-3, 0.1]:
            w, rank, cond = ridge(xs, ys, deg, lam)
            c = {
                "n": nn, "degree": deg, "lambda": lam,
                "weights": w.tolist(),
                "rank": int(rank),
                "monomial": L.leg2poly(w * scale(deg)).tolist(),
                "grid_pred": L.legval(grid, w * scale(deg)).tolist(),
                "train_mse": float(np.mean((scaled_legvander(xs, deg) @ w - ys) ** 2)),
                "cond": cond if cond is None else float(cond),
            }
            if lam == 0 and nn > deg:
                pf = np.polyfit(xs, ys, deg)[::-1]  # lowest degree first
                assert np.allclose(pf, c["monomial"], rtol=0, atol=1e-8 * np.abs(pf).max()), \
                    f"polyfit and legendre fit disagree at degree {deg}"
                c["polyfit"] = pf.tolist()
            cases.append(c)

    # Legendre → monomial on a fixed weight vector.
    w = rng.standard_normal(7)
    conv = {"weights": w.tolist(), "monomial": L.leg2poly(w * scale(6)).tolist()}
    return {"x": x.tolist(), "y": y.tolist(), "grid": grid.tolist(),
            "cases": cases, "leg2poly": conv}


def moons_fixtures():
    # Noise-free and unshuffled, so the points are the curves themselves.
    from sklearn.datasets import make_moons
    out = []
    for n in [7, 8, 100]:
        X, y = make_moons(n_samples=n, shuffle=False, noise=None)
        out.append({"n": n, "X": X.tolist(), "labels": y.tolist()})
    return out


def main():
    meta = {"generator": "testdata/gen_fixtures.py",
            "sklearn": sklearn.__version__, "numpy": np.__version__}
    ml = os.path.dirname(os.path.dirname(HERE))  # internal/ml
    fixtures = {
        os.path.join(HERE, "kmeans.json"): {"meta": meta, "cases": kmeans_fixtures()},
        os.path.join(ml, "linear", "testdata", "poly.json"): {"meta": meta, **poly_fixtures()},
        os.path.join(ml, "dataset", "testdata", "moons.json"): {"meta": meta, "cases": moons_fixtures()},
    }
    for path, data in fixtures.items():
        with open(path, "w") as f:
            json.dump(data, f, allow_nan=False)


if __name__ == "__main__":
    main()
