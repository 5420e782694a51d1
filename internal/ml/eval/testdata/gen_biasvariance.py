#!/usr/bin/python3
"""Writes biasvariance.json, the fixture of the bias–variance tests of
package eval (biasvariance_test.go).

Run with Debian's Python (NumPy 1.24):

    /usr/bin/python3 internal/ml/eval/testdata/gen_biasvariance.py

It makes its own data with NumPy (fixed seeds) and stores it beside the
expected values, so the Go test reads exactly the same numbers:

  - "arrays": fixed truth f(x_j) and predictions ŷ_t(x_j); bias², variance
    (numpy.var, ddof=0) and the expected MSE bias² + variance + σ².
  - "experiment": T training sets drawn around sin(πx), each fitted with
    numpy.polyfit at degrees 1..6 and evaluated with numpy.polyval at the
    test points; the decomposition per degree after the first 3 and after
    all T fits.
"""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def decompose(truth, preds, noise_var):
    mean = preds.mean(axis=0)
    bias2 = float(np.mean((mean - truth) ** 2))
    variance = float(np.mean(preds.var(axis=0)))
    return {"bias2": bias2, "variance": variance,
            "expected_mse": bias2 + variance + noise_var}


def arrays_case():
    rng = np.random.default_rng(11)
    truth = rng.standard_normal(9)
    preds = truth + 0.3 + 0.5 * rng.standard_normal((6, 9))
    noise_var = 0.04
    return {"truth": truth.tolist(), "predictions": preds.tolist(),
            "noise_var": noise_var, **decompose(truth, preds, noise_var)}


def experiment_case():
    rng = np.random.default_rng(12)
    trials, n, sigma, max_degree, m = 8, 14, 0.3, 6, 25
    xs = rng.uniform(-1.0, 1.0, (trials, n))
    ys = np.sin(np.pi * xs) + sigma * rng.standard_normal((trials, n))
    test_x = -1 + (2 * np.arange(m) + 1) / m  # midpoints of m cells of [-1, 1]
    truth = np.sin(np.pi * test_x)
    after = {}
    for prefix in (3, trials):
        rows = []
        for d in range(1, max_degree + 1):
            preds = np.array([np.polyval(np.polyfit(xs[t], ys[t], d), test_x)
                              for t in range(prefix)])
            rows.append({"degree": d, **decompose(truth, preds, sigma**2)})
        after[str(prefix)] = rows
    return {"train_x": xs.tolist(), "train_y": ys.tolist(),
            "test_x": test_x.tolist(), "truth": truth.tolist(),
            "noise_var": sigma**2, "max_degree": max_degree, "after": after}


def main():
    out = {"meta": {"generator": "testdata/gen_biasvariance.py", "numpy": np.__version__},
           "arrays": arrays_case(), "experiment": experiment_case()}
    with open(os.path.join(HERE, "biasvariance.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
