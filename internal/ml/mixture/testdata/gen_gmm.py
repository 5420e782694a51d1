#!/usr/bin/python3
"""Writes gmm.json, the fixture of the Gaussian-mixture EM tests (gmm_test.go).

Run from anywhere with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/mixture/testdata/gen_gmm.py

The script makes its own data with NumPy (fixed seeds), picks initial
parameters, and records what scikit-learn's GaussianMixture does from them:

  * runs: GaussianMixture(max_iter=N, tol=0, weights_init, means_init,
    precisions_init) for N = 1, 2, 5, 20: weights_, means_, covariances_
    (written as full d×d matrices whatever the type), lower_bound_,
    score(X) (the mean log-likelihood of the final parameters) and
    predict_proba(X) (the responsibilities of one more E-step);
  * converged: the same with tol=1e-6 (our MixtureTol) and max_iter=1000,
    its n_iter_, after checking that no change of the mean log-likelihood is
    within 1% of the tolerance (so rounding, about 1e-14 here, cannot move
    the stop);
  * m_step: sklearn.mixture._gaussian_mixture._estimate_gaussian_parameters
    on random responsibilities, the M-step on its own.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_ITERS = [1, 2, 5, 20]
PROBA_ITERS = [1, 5]  # runs that also store predict_proba (it is bulky)
TOL = 1e-6
REG = 1e-6  # scikit-learn's default reg_covar, our MixtureRegCovar


def full(cov, kind, k, d):
    """covariances_ of any type as k full d×d matrices."""
    if kind == "full":
        return cov
    if kind == "diag":
        return np.array([np.diag(c) for c in cov])
    return np.array([c * np.eye(d) for c in cov])


def precisions(cov_full, kind):
    """precisions_init in scikit-learn's shape for each type."""
    if kind == "full":
        return np.array([np.linalg.inv(c) for c in cov_full])
    if kind == "diag":
        return np.array([1 / np.diag(c) for c in cov_full])
    return np.array([1 / c[0, 0] for c in cov_full])


def fit(X, kind, w0, m0, c0, max_iter, tol):
    gm = GaussianMixture(n_components=len(w0), covariance_type=kind,
                         max_iter=max_iter, tol=tol, reg_covar=REG,
                         weights_init=w0, means_init=m0,
                         precisions_init=precisions(c0, kind))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return gm


def initial(X, kind, k, rng):
    """Initial parameters: distinct samples as means, unequal weights, and
    covariances of the type's structure (a shared tilted matrix for full)."""
    n, d = X.shape
    means = X[rng.choice(n, size=k, replace=False)]
    weights = np.arange(1, k + 1, dtype=float)
    weights /= weights.sum()
    C = np.cov(X.T, bias=True)
    if kind == "full":
        covs = np.array([C * (0.5 + 0.25 * j) for j in range(k)])
    elif kind == "diag":
        covs = np.array([np.diag(np.diag(C)) * (0.5 + 0.25 * j) for j in range(k)])
    else:
        covs = np.array([np.mean(np.diag(C)) * (0.5 + 0.25 * j) * np.eye(d) for j in range(k)])
    return weights, means, covs


class Unsuitable(Exception):
    pass


def case(name, X, kind, k, seed):
    """Tries initial parameters drawn with seed, seed+1, ... and keeps the
    first that passes every check (the search is deterministic)."""
    for s in range(seed, seed + 100):
        try:
            return try_case(name, X, kind, k, s)
        except Unsuitable as e:
            print(f"{name} seed {s}: {e}")
    raise SystemExit(f"{name}: no suitable initial parameters")


def try_case(name, X, kind, k, seed):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w0, m0, c0 = initial(X, kind, k, rng)
    runs = []
    for m in MAX_ITERS:
        gm = fit(X, kind, w0, m0, c0, m, 0.0)
        assert gm.n_iter_ == m
        runs.append({
            "max_iter": m,
            "weights": gm.weights_.tolist(),
            "means": gm.means_.tolist(),
            "covariances": full(gm.covariances_, kind, k, d).tolist(),
            "lower_bound": float(gm.lower_bound_),
            "score": float(gm.score(X)),
        })
        if m in PROBA_ITERS:
            runs[-1]["predict_proba"] = gm.predict_proba(X).tolist()

    conv = fit(X, kind, w0, m0, c0, 1000, TOL)
    assert conv.converged_, f"{name}: did not converge"
    # Mean log-likelihood after m iterations, m = 0..n_iter_: the changes our
    # stepper compares with the tolerance.
    lls = [fit(X, kind, w0, m0, c0, 1, 0.0).lower_bound_]
    for m in range(1, conv.n_iter_ + 1):
        lls.append(fit(X, kind, w0, m0, c0, m, 0.0).score(X))
    changes = np.abs(np.diff(lls))
    if np.any(np.abs(changes / TOL - 1) < 0.01):
        raise Unsuitable("a change of the log-likelihood within 1% of tol")
    assert np.all(np.diff(lls) > -1e-12), f"{name}: log-likelihood fell"

    # The M-step alone, on random responsibilities.
    resp = rng.uniform(size=(n, k))
    resp /= resp.sum(axis=1, keepdims=True)
    nk, means, covs = _estimate_gaussian_parameters(X, resp, REG, kind)
    return {
        "name": name,
        "init_seed": seed,
        "covariance_type": kind,
        "k": k,
        "X": X.tolist(),
        "weights_init": w0.tolist(),
        "means_init": m0.tolist(),
        "covariances_init": c0.tolist(),
        "runs": runs,
        "converged_n_iter": int(conv.n_iter_),
        "m_step": {
            "resp": resp.tolist(),
            "weights": (nk / n).tolist(),
            "means": means.tolist(),
            "covariances": full(covs, kind, k, d).tolist(),
        },
    }


def main():
    rng = np.random.default_rng(20240611)
    # Three 2-D clusters of different shapes: a tilted ellipse, a round one
    # and a flat one.
    parts = []
    for mu, cov, m in [([-3, 0], [[2.0, 1.2], [1.2, 1.0]], 60),
                       ([2, 3], [[0.3, 0.0], [0.0, 0.3]], 40),
                       ([2.5, -2], [[2.5, -0.4], [-0.4, 0.25]], 50)]:
        parts.append(rng.multivariate_normal(mu, cov, size=m))
    X2 = np.vstack(parts)
    # Two overlapping 3-D clusters, to exercise d > 2.
    X3 = np.vstack([rng.multivariate_normal([0, 0, 0], [[1, 0.5, 0], [0.5, 1, 0.3], [0, 0.3, 1]], size=40),
                    rng.multivariate_normal([2, 1, -1], [[0.5, 0, 0], [0, 2, -0.6], [0, -0.6, 1]], size=40)])
    cases = []
    for kind in ["full", "diag", "spherical"]:
        cases.append(case("shapes2d_" + kind, X2, kind, 3, seed=1))
    cases.append(case("overlap3d_full", X3, "full", 2, seed=2))
    cases.append(case("overlap3d_diag", X3, "diag", 2, seed=3))
    meta = {"generator": "testdata/gen_gmm.py",
            "sklearn": sklearn.__version__, "numpy": np.__version__}
    with open(os.path.join(HERE, "gmm.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, allow_nan=False)


if __name__ == "__main__":
    main()
