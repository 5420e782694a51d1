#!/usr/bin/python3
"""Writes testdata/naivebayes.json, the fixture of naivebayes_test.go.

Run with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/bayes/testdata/gen_naivebayes.py

Cases: scikit-learn's GaussianNB (default var_smoothing = 1e-9) fitted on
  - blobs: 2-D, three Gaussian classes of different spreads and sizes, made
    here with a fixed NumPy seed;
  - correlated: 2-D, two long diagonal stripes (features correlated within
    each class), where the independence assumption is wrong;
  - iris (4 features) and wine (13 features, raw units, so var_smoothing's
    epsilon is not negligible next to the small features), loaded with
    scikit-learn's loaders (the same files internal/ml embeds).
Every case is split with train_test_split(test_size=0.3, random_state=0,
stratify=y) and stores its train and test samples, so the Go test reads
exactly the same numbers. Expected: class_prior_, theta_, var_, epsilon_,
and on the test rows predict_proba, predict and the joint log-likelihood.
The script asserts that no test row is near a tie (the two best joint
log-likelihoods differ by more than 1e-6), so comparing predictions exactly
is well posed.
"""

import json
import os

import numpy as np
from sklearn.datasets import load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

HERE = os.path.dirname(os.path.abspath(__file__))
TIE_GAP = 1e-6


def blobs():
    rng = np.random.default_rng(7)
    sizes = [60, 40, 30]
    centres = [(-2.0, -1.0), (1.5, 0.5), (0.0, 2.5)]
    spreads = [(0.8, 0.5), (0.6, 1.2), (1.0, 0.4)]
    X = np.vstack([rng.normal(c, s, size=(m, 2)) for c, s, m in zip(centres, spreads, sizes)])
    y = np.repeat(np.arange(3), sizes)
    return X, y


def correlated():
    rng = np.random.default_rng(11)
    m = 80
    c = s = np.sqrt(0.5)
    T = np.array([[1.6 * c, 1.6 * s], [-0.3 * s, 0.3 * c]])  # long axis at 45°
    Z = rng.normal(size=(2 * m, 2)) @ T
    y = np.repeat([0, 1], m)
    Z[:, 0] += np.where(y == 0, -1.0, 1.0)
    return Z, y


def case(name, X, y):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    nb = GaussianNB().fit(Xtr, ytr)
    assert list(nb.classes_) == list(range(len(nb.classes_))), name
    jll = nb._joint_log_likelihood(Xte)
    top = np.sort(jll, axis=1)
    gap = (top[:, -1] - top[:, -2]).min()
    assert gap > TIE_GAP, f"{name}: near-tie {gap}"
    print(f"{name}: {len(Xtr)} train, {len(Xte)} test, test accuracy {nb.score(Xte, yte):.3f}, min gap {gap:.3g}")
    return {
        "name": name,
        "classes": int(len(nb.classes_)),
        "var_smoothing": nb.var_smoothing,
        "X_train": Xtr.tolist(),
        "y_train": ytr.tolist(),
        "X_test": Xte.tolist(),
        "y_test": yte.tolist(),
        "class_prior": nb.class_prior_.tolist(),
        "class_count": nb.class_count_.astype(int).tolist(),
        "theta": nb.theta_.tolist(),
        "var": nb.var_.tolist(),
        "epsilon": nb.epsilon_,
        "proba": nb.predict_proba(Xte).tolist(),
        "predict": nb.predict(Xte).tolist(),
        "jll": jll.tolist(),
    }


def main():
    iris = load_iris()
    wine = load_wine()
    cases = [
        case("blobs", *blobs()),
        case("correlated", *correlated()),
        case("iris", iris.data, iris.target),
        case("wine", wine.data, wine.target),
    ]
    with open(os.path.join(HERE, "naivebayes.json"), "w") as f:
        json.dump({"cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
