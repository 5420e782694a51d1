#!/usr/bin/python3
"""Writes kfold.json, the fixture of the K-fold tests of package eval
(kfold_test.go).

Run with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/eval/testdata/gen_kfold.py

  - "sizes": the fold sizes of scikit-learn's KFold(n_splits=k,
    shuffle=True) for several n and k; KFold in Go must give the same.
  - "cv": noisy samples of sin(πx), a fold assignment made by scikit-learn's
    KFold(5, shuffle=True, random_state=0) (stored per sample, so the Go
    test uses the very same folds), and for degrees 1..8 each fold's
    validation MSE of a numpy.polyfit fit on the other folds.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.model_selection import KFold

HERE = os.path.dirname(os.path.abspath(__file__))


def fold_of(n, k, seed):
    folds = np.full(n, -1)
    for f, (_, val) in enumerate(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(n))):
        folds[val] = f
    assert (folds >= 0).all()
    return folds


def sizes():
    out = []
    for n, k in [(10, 2), (10, 3), (23, 5), (30, 5), (31, 10), (7, 7), (100, 6)]:
        folds = fold_of(n, k, 0)
        out.append({"n": n, "k": k, "sizes": np.bincount(folds, minlength=k).tolist()})
    return out


def cv_case():
    rng = np.random.default_rng(5)
    n, k = 32, 5
    x = rng.uniform(-1.0, 1.0, n)
    y = np.sin(np.pi * x) + 0.3 * rng.standard_normal(n)
    folds = fold_of(n, k, 0)
    scores = []
    for d in range(1, 9):
        fold_mse = []
        for f in range(k):
            tr, va = folds != f, folds == f
            c = np.polyfit(x[tr], y[tr], d)
            fold_mse.append(float(np.mean((np.polyval(c, x[va]) - y[va]) ** 2)))
        scores.append({"degree": d, "fold_mse": fold_mse,
                       "mean": float(np.mean(fold_mse)), "std": float(np.std(fold_mse))})
    return {"x": x.tolist(), "y": y.tolist(), "k": k, "folds": folds.tolist(), "scores": scores}


def main():
    out = {"meta": {"generator": "testdata/gen_kfold.py",
                    "sklearn": sklearn.__version__, "numpy": np.__version__},
           "sizes": sizes(), "cv": cv_case()}
    with open(os.path.join(HERE, "kfold.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
