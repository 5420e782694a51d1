#!/usr/bin/python3
"""Writes logistic.json, the fixture of logistic_test.go.

Run from anywhere with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/linear/testdata/gen_logistic.py

It draws its own data with NumPy (fixed seeds) and fits scikit-learn's
LogisticRegression (lbfgs, tight tolerance) for a few penalties. Our
objective is mean cross-entropy + (λ/2)‖W‖² with unpenalised intercepts;
scikit-learn minimises C·Σ CE + ½‖W‖², the same minimiser when
C = 1/(λ·n). More than two classes use the multinomial (softmax) model.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))


def blobs(rng, n, centres, sd):
    centres = np.asarray(centres, dtype=float)
    y = np.arange(n) % len(centres)
    X = centres[y] + rng.normal(0.0, sd, (n, centres.shape[1]))
    return X, y


def objective(X, y, W, b, lam):
    """Mean cross-entropy + (λ/2)‖W‖², computed directly in NumPy."""
    Z = X @ W.T + b
    if W.shape[0] == 1:
        z = Z[:, 0]
        ce = np.logaddexp(0.0, np.where(y == 1, -z, z))
    else:
        lse = np.logaddexp.reduce(Z, axis=1)
        ce = lse - Z[np.arange(len(y)), y]
    return ce.mean() + lam / 2 * (W ** 2).sum()


def case(name, X, y, lam):
    n = len(y)
    classes = int(y.max()) + 1
    clf = LogisticRegression(C=1.0 / (lam * n), solver="lbfgs", tol=1e-12, max_iter=100000,
                             multi_class="multinomial" if classes > 2 else "auto")
    clf.fit(X, y)
    W, b = clf.coef_, clf.intercept_
    return {
        "name": name,
        "classes": classes,
        "lambda": lam,
        "X": X.tolist(),
        "y": y.tolist(),
        "weights": W.tolist(),
        "intercepts": b.tolist(),
        "loss": objective(X, y, W, b, lam),
        "proba_first": clf.predict_proba(X[:5]).tolist(),
    }


def main():
    rng = np.random.default_rng(20240601)
    # Two overlapping blobs, so the weights stay finite even for small λ.
    Xb, yb = blobs(rng, 60, [[-1.0, -0.5], [1.0, 0.8]], 1.0)
    # Three blobs in three features.
    Xm, ym = blobs(rng, 90, [[-1.5, 0.0, 0.5], [1.5, 0.5, -0.5], [0.0, -1.5, 0.0]], 1.0)
    cases = []
    for lam in [0.01, 0.1, 1.0]:
        cases.append(case(f"binary λ={lam}", Xb, yb, lam))
        cases.append(case(f"softmax λ={lam}", Xm, ym, lam))
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}
    with open(os.path.join(HERE, "logistic.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
