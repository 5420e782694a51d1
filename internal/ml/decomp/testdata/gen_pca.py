#!/usr/bin/python3
"""Writes testdata/pca.json, the fixture of pca_test.go.

Run with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/decomp/testdata/gen_pca.py

Cases: scikit-learn's PCA(svd_solver="full") on iris, wine (raw and
standardized with StandardScaler), the 8x8 digits and a random 3-D cloud
made here with a fixed seed (its samples are stored; the real data sets are
the same files internal/ml embeds, loaded by scikit-learn's loaders).

Each component is sign-normalised as the Go code does: the entry of largest
magnitude (the first on a tie) is made positive. Eigenvectors of (nearly)
equal eigenvalues are not unique, so "determined" marks the components whose
eigenvalue is apart from both neighbours by more than 1e-6 of the largest;
the Go test compares only those. The reconstruction error is
mean((X_s - inverse_transform(transform(X_s)))^2) of a PCA(n_components=d)
fit, X_s being the (standardized) input, for a few d.
"""

import json
import os

import numpy as np
from sklearn.datasets import load_digits, load_iris, load_wine
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
GAP = 1e-6


def normalise(components):
    out = components.copy()
    for row in out:
        big = np.argmax(np.abs(row))  # first maximum on a tie, as in Go
        if row[big] < 0:
            row *= -1
    return out


def case(name, X, standardize, ds, store_x=False):
    Xs = StandardScaler().fit_transform(X) if standardize else X.astype(float)
    pca = PCA(svd_solver="full").fit(Xs)
    ev = pca.explained_variance_
    # Near-ties among the largest values are ambiguous in the sign rule too.
    comps = normalise(pca.components_)
    determined = []
    for k in range(len(ev)):
        lo = ev[k + 1] if k + 1 < len(ev) else -np.inf
        hi = ev[k - 1] if k > 0 else np.inf
        ok = min(hi - ev[k], ev[k] - lo) > GAP * ev[0]
        a = np.sort(np.abs(comps[k]))
        ok = ok and a[-1] - a[-2] > 1e-6
        determined.append(bool(ok))
    errors = {}
    for d in ds:
        p = PCA(n_components=d, svd_solver="full").fit(Xs)
        errors[str(d)] = float(np.mean((Xs - p.inverse_transform(p.transform(Xs))) ** 2))
    c = {
        "name": name,
        "standardize": standardize,
        "n": int(X.shape[0]),
        "mean": X.mean(axis=0).tolist(),
        "scale": (StandardScaler().fit(X).scale_ if standardize else np.ones(X.shape[1])).tolist(),
        "components": comps.tolist(),
        "determined": determined,
        "explained_variance": ev.tolist(),
        "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
        "reconstruction_error": errors,
    }
    if store_x:
        c["X"] = X.tolist()
    print(f"{name}: {sum(determined)}/{len(determined)} components determined")
    return c


def main():
    iris = load_iris().data
    wine = load_wine().data
    digits = load_digits().data
    rng = np.random.default_rng(7)
    # A flattened cloud near a tilted plane: sd 3, 1.5, 0.3 along a random
    # orthonormal basis, shifted off the origin.
    Q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    cloud = (rng.normal(size=(120, 3)) * [3, 1.5, 0.3]) @ Q.T + [1, -2, 0.5]

    cases = [
        case("iris", iris, False, [0, 1, 2, 4]),
        case("wine", wine, False, [1, 2, 13]),
        case("wine_standardized", wine, True, [1, 2, 5, 13]),
        case("digits", digits, False, [1, 2, 10, 40]),
        case("cloud3d", cloud, False, [1, 2, 3], store_x=True),
    ]
    # Values quoted by datasets_real_test.go and data/README.md.
    print("wine means:", np.round(wine.mean(axis=0), 4).tolist())
    print("digits means:", np.round(digits.mean(axis=0), 4).tolist())
    with open(os.path.join(HERE, "pca.json"), "w") as f:
        json.dump({"cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
