#!/usr/bin/python3
"""Writes svm.json, the fixture of the SVM tests (svm_test.go).

Run with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/svm/testdata/gen_svm.py

It draws two small 2-D problems with NumPy (fixed seeds): overlapping blobs
for the linear kernel and two noisy rings, separable only after a
non-linear map, for the polynomial and RBF kernels. For every case it fits
scikit-learn's SVC (libsvm) with tol=1e-3, once with its default shrinking
and once without, and stores the multipliers per training sample, the
support set, the intercept, the dual objective and the decision function on
held-out test points. Labels are 0/1; the decision function is positive for
class 1.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.svm import SVC

HERE = os.path.dirname(os.path.abspath(__file__))


def blobs(rng, n):
    y = np.arange(n) % 2
    centres = np.array([[-1.0, -0.5], [1.0, 0.5]])
    X = centres[y] + rng.normal(scale=0.9, size=(n, 2))
    return X, y


def rings(rng, n):
    y = np.arange(n) % 2
    t = rng.uniform(0, 2 * np.pi, size=n)
    r = np.where(y == 1, 0.9, 2.0) + rng.normal(scale=0.25, size=n)
    X = np.c_[r * np.cos(t), r * np.sin(t)]
    return X, y


def gram(kernel, A, B, gamma, coef0, degree):
    if kernel == "linear":
        return A @ B.T
    if kernel == "poly":
        return (gamma * A @ B.T + coef0) ** degree
    d2 = ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)
    return np.exp(-gamma * d2)


def fit(X, y, Xt, kernel, C, gamma, coef0, degree, shrinking):
    m = SVC(kernel=kernel, C=C, gamma=gamma, coef0=coef0, degree=degree,
            tol=1e-3, shrinking=shrinking).fit(X, y)
    alpha = np.zeros(len(X))
    # dual_coef_ holds yᵢαᵢ with yᵢ = +1 for class 1 (classes_[1]).
    alpha[m.support_] = np.abs(m.dual_coef_[0])
    ypm = np.where(y == 1, 1.0, -1.0)
    K = gram(kernel, X, X, gamma, coef0, degree)
    ay = alpha * ypm
    dual = alpha.sum() - 0.5 * ay @ K @ ay
    dec = m.decision_function(Xt)
    # The formula the Go code implements, as a check of our reading of
    # sklearn's conventions: f(x) = Σ αᵢ yᵢ K(xᵢ, x) − b with b = −intercept_.
    mine = ay @ gram(kernel, X, Xt, gamma, coef0, degree) + m.intercept_[0]
    assert np.allclose(mine, dec, atol=1e-9), "decision formula"
    assert np.abs(ay.sum()) < 1e-9
    return {
        "alpha": alpha.tolist(),
        "support": sorted(int(i) for i in m.support_),
        "b": float(-m.intercept_[0]),
        "dual_objective": float(dual),
        "w_norm2": float(ay @ K @ ay),
        "n_iter": int(m.n_iter_[0]),
        "decision": dec.tolist(),
        "predict": m.predict(Xt).astype(int).tolist(),
    }


def main():
    rng = np.random.default_rng(7)
    data = {}
    for name, gen in (("blobs", blobs), ("rings", rings)):
        X, y = gen(rng, 80)
        Xt, yt = gen(rng, 40)
        data[name] = {"X": X.tolist(), "y": y.tolist(), "X_test": Xt.tolist(), "y_test": yt.tolist()}

    cases = []
    specs = [
        ("linear C=0.1", "blobs", "linear", 0.1, 1.0, 0.0, 3),
        ("linear C=1", "blobs", "linear", 1.0, 1.0, 0.0, 3),
        ("linear C=100", "blobs", "linear", 100.0, 1.0, 0.0, 3),
        ("poly degree 2", "rings", "poly", 1.0, 0.5, 1.0, 2),
        ("poly degree 3", "rings", "poly", 1.0, 0.5, 1.0, 3),
        ("rbf gamma 0.5", "rings", "rbf", 1.0, 0.5, 0.0, 3),
        ("rbf gamma 2", "rings", "rbf", 10.0, 2.0, 0.0, 3),
    ]
    for name, ds, kernel, C, gamma, coef0, degree in specs:
        d = data[ds]
        X, y, Xt = np.array(d["X"]), np.array(d["y"]), np.array(d["X_test"])
        shrink = fit(X, y, Xt, kernel, C, gamma, coef0, degree, True)
        plain = fit(X, y, Xt, kernel, C, gamma, coef0, degree, False)
        # Predictions are compared exactly: no test point may sit so close
        # to the boundary that a 1e-3 solution could flip it.
        margin = np.abs(np.array(shrink["decision"])).min()
        assert margin > 0.02, f"{name}: a test point at |f| = {margin}"
        cases.append({"name": name, "dataset": ds, "kernel": kernel, "C": C, "gamma": gamma,
                      "coef0": coef0, "degree": degree, "shrinking": shrink, "no_shrinking": plain})
        print(f"{name}: {len(shrink['support'])} SVs, n_iter {shrink['n_iter']} / {plain['n_iter']} (no shrinking), "
              f"min |f| on test {margin:.3f}")

    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "tol": 1e-3, "data": data, "cases": cases}
    with open(os.path.join(HERE, "svm.json"), "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
