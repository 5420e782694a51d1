#!/usr/bin/python3
"""Writes linreg.json and regularized.json for linreg_test.go and
regularized_test.go.

Run from anywhere with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/linear/testdata/gen_linreg.py

The script makes its own data with NumPy (fixed seeds) and stores it in the
fixtures beside the expected values, so the Go tests read exactly the same
numbers.

linreg.json: least-squares fits θ (intercept first) by numpy.linalg.lstsq on
[1 | X] and by sklearn LinearRegression, for a 1-D and a 3-D data set.

regularized.json: sklearn Ridge(alpha) and Lasso(alpha) (tol=1e-12 and a
large max_iter, so the reference is converged far below the 1e-4 the Go
test asks for) on data with 3 relevant and 5 irrelevant features, at alphas
where the lasso keeps every weight, zeroes some, and zeroes all.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import Lasso, LinearRegression, Ridge

HERE = os.path.dirname(os.path.abspath(__file__))


def linreg_case(name, X, y):
    A = np.hstack([np.ones((len(X), 1)), X])
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    lr = LinearRegression().fit(X, y)
    sk = np.concatenate([[lr.intercept_], lr.coef_])
    assert np.allclose(theta, sk, atol=1e-9), (theta, sk)
    # L, the largest eigenvalue of the Hessian (2/n) AᵀA of the MSE.
    L = np.linalg.eigvalsh(2 * A.T @ A / len(X)).max()
    return {
        "name": name,
        "X": X.tolist(),
        "y": y.tolist(),
        "lstsq": theta.tolist(),
        "sklearn": sk.tolist(),
        "mse": float(np.mean((A @ theta - y) ** 2)),
        "hessian_max_eig": float(L),
    }


def linreg():
    rng = np.random.default_rng(20261126)
    x = rng.uniform(0, 2, size=(40, 1))
    y = 1.5 - 2.0 * x[:, 0] + 0.4 * rng.standard_normal(40)
    X3 = rng.standard_normal((60, 3)) * [1.0, 3.0, 0.5] + [2.0, -1.0, 0.0]
    y3 = 0.7 + X3 @ [1.0, -0.5, 2.0] + 0.3 * rng.standard_normal(60)
    return {"cases": [linreg_case("1d", x, y), linreg_case("3d", X3, y3)]}


def regularized():
    rng = np.random.default_rng(7)
    n, d = 80, 8
    Z = rng.standard_normal((n, d))
    X = Z * np.sqrt(0.7) + np.sqrt(0.3) * rng.standard_normal((n, 1))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    beta = np.array([3.0, -2.0, 1.5, 0, 0, 0, 0, 0])
    y = 2.0 + X @ beta + 1.0 * rng.standard_normal(n)
    ridge, lasso = [], []
    for a in [1e-3, 0.1, 1.0, 10.0, 100.0, 1000.0]:
        r = Ridge(alpha=a).fit(X, y)
        ridge.append({"alpha": a, "intercept": float(r.intercept_), "coef": r.coef_.tolist()})
    zeroed = []
    for a in [1e-3, 0.01, 0.05, 0.2, 0.5, 1.0, 5.0]:
        m = Lasso(alpha=a, tol=1e-12, max_iter=1_000_000).fit(X, y)
        lasso.append({"alpha": a, "intercept": float(m.intercept_), "coef": m.coef_.tolist()})
        zeroed.append(int((m.coef_ == 0).sum()))
    # The fixture must exercise all three regimes.
    assert zeroed[0] == 0 and 0 < min(z for z in zeroed if z > 0) < d and zeroed[-1] == d, zeroed
    return {"X": X.tolist(), "y": y.tolist(), "ridge": ridge, "lasso": lasso}


def main():
    print("scikit-learn", sklearn.__version__, "numpy", np.__version__)
    for name, data in [("linreg.json", linreg()), ("regularized.json", regularized())]:
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(data, f, indent=None, separators=(",", ":"))
            f.write("\n")
        print("wrote", name)


if __name__ == "__main__":
    main()
