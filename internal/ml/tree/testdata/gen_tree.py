#!/usr/bin/python3
"""Writes tree.json, the fixture of the decision-tree tests of package tree.

Run with Debian's Python (scikit-learn 1.2.1, NumPy 1.24):

    /usr/bin/python3 internal/ml/tree/testdata/gen_tree.py

For each data set, criterion, max_depth and min_samples_leaf it fits
scikit-learn's DecisionTreeClassifier and stores the fitted tree_ arrays
(feature, threshold, children, impurity, n_node_samples, value). scikit-learn
keeps X as float32, so the data are rounded to float32 first: the Go side then
reads exactly the numbers scikit-learn split on, and midpoint thresholds agree
to the last bit.

scikit-learn breaks ties between equally good splits with a random feature
order, which a Go reimplementation cannot follow. The script therefore
recomputes every candidate split of every internal node with NumPy
(independently of scikit-learn) and asserts that the best one is unique by a
margin and is the split scikit-learn chose; a data set that fails is redrawn
with the next seed. It also stores the root's candidates (feature, threshold,
weighted impurity decrease) computed by NumPy.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
MARGIN = 1e-9  # best minus second-best weighted impurity decrease
CONFIGS = [  # (criterion, max_depth, min_samples_leaf)
    ("gini", 1, 1), ("gini", 2, 1), ("gini", 3, 1), ("gini", 4, 1), ("gini", 2, 5),
    ("entropy", 1, 1), ("entropy", 2, 1), ("entropy", 3, 1), ("entropy", 4, 1), ("entropy", 2, 5),
]


def impurity(counts, criterion):
    n = counts.sum()
    p = counts[counts > 0] / n
    if criterion == "gini":
        return 1.0 - (p * p).sum()
    return -(p * np.log2(p)).sum()


def candidates(X, y, idx, classes, criterion, n_total, min_leaf):
    """Every split of the samples idx: (feature, threshold, decrease)."""
    out = []
    n_t = len(idx)
    parent = impurity(np.bincount(y[idx], minlength=classes), criterion)
    for f in range(X.shape[1]):
        order = idx[np.argsort(X[idx, f], kind="stable")]
        xs = X[order, f]
        for p in range(1, n_t):
            if xs[p] <= xs[p - 1]:
                continue
            if p < min_leaf or n_t - p < min_leaf:
                continue
            left = np.bincount(y[order[:p]], minlength=classes)
            right = np.bincount(y[order[p:]], minlength=classes)
            dec = n_t / n_total * (parent - (n_t - p) / n_t * impurity(right, criterion)
                                   - p / n_t * impurity(left, criterion))
            out.append((f, xs[p - 1] / 2.0 + xs[p] / 2.0, dec))
    return out


class Unsuitable(Exception):
    pass


def check_tree(X, y, classes, tree, criterion, min_leaf):
    """Walks scikit-learn's tree and asserts every split is the unique best
    candidate by MARGIN."""
    t = tree.tree_
    n_total = len(y)

    def walk(node, idx):
        if t.children_left[node] == -1:
            return
        cands = candidates(X, y, idx, classes, criterion, n_total, min_leaf)
        decs = sorted((c[2] for c in cands), reverse=True)
        if len(decs) > 1 and decs[0] - decs[1] <= MARGIN:
            raise Unsuitable(f"node {node}: best splits tie ({decs[0]} vs {decs[1]})")
        best = max(cands, key=lambda c: c[2])
        f, thr = t.feature[node], t.threshold[node]
        if best[0] != f or best[1] != thr:
            raise Unsuitable(f"node {node}: NumPy's best split {best[:2]} is not scikit-learn's {(f, thr)}")
        go_left = X[idx, f] <= thr
        walk(t.children_left[node], idx[go_left])
        walk(t.children_right[node], idx[~go_left])

    walk(0, np.arange(n_total))


def fit_case(name, X, y, classes):
    runs = []
    for criterion, depth, min_leaf in CONFIGS:
        tree = DecisionTreeClassifier(criterion=criterion, max_depth=depth,
                                      min_samples_leaf=min_leaf, random_state=0).fit(X, y)
        check_tree(X, y, classes, tree, criterion, min_leaf)
        t = tree.tree_
        # The root's candidates depend on the criterion and min_samples_leaf
        # only: store them once per criterion (min_samples_leaf 1).
        root = []
        if depth == 1:
            root = candidates(X, y, np.arange(len(y)), classes, criterion, len(y), min_leaf)
        runs.append({
            "criterion": criterion,
            "max_depth": depth,
            "min_samples_leaf": min_leaf,
            "feature": t.feature.tolist(),
            "threshold": t.threshold.tolist(),
            "left": t.children_left.tolist(),
            "right": t.children_right.tolist(),
            "impurity": t.impurity.tolist(),
            "samples": t.n_node_samples.tolist(),
            "value": t.value[:, 0, :].tolist(),
            "train_accuracy": float(tree.score(X, y)),
            "root_candidates": [[int(f), float(thr), float(d)] for f, thr, d in root],
        })
        print(f"{name} {criterion} depth {depth} leaf {min_leaf}: {t.node_count} nodes")
    return {"name": name, "classes": classes, "X": X.tolist(), "y": y.tolist(), "runs": runs}


def with_seeds(name, make, seed):
    """Draws the data with seed, seed+1, ... until every tree is tie-free."""
    for s in range(seed, seed + 200):
        X, y, classes = make(np.random.default_rng(s))
        X = X.astype(np.float32).astype(np.float64)
        try:
            return fit_case(name, X, y, classes)
        except Unsuitable as e:
            print(f"{name} seed {s}: {e}")
    raise SystemExit(f"{name}: no tie-free data")


def blobs(rng):
    centres = np.array([[-1.0, -0.5], [1.0, -0.3], [0.0, 1.2]])
    y = rng.integers(0, 3, size=120)
    return centres[y] + rng.normal(scale=0.8, size=(120, 2)), y, 3


def moons(rng):
    n = 150
    t = rng.uniform(0, np.pi, size=n)
    y = rng.integers(0, 2, size=n)
    X = np.where(y[:, None] == 0,
                 np.c_[np.cos(t), np.sin(t)],
                 np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return X + rng.normal(scale=0.25, size=(n, 2)), y, 2


def iris(rng):
    # Iris measurements are rounded to 0.1 cm, so many values and many
    # splits tie, and both petal features separate setosa perfectly: the
    # root split itself is a tie. Jitter of a quarter of each feature's sd
    # makes the values distinct and the best splits unique.
    X, y = load_iris(return_X_y=True)
    return X + rng.normal(size=X.shape) * (0.25 * X.std(axis=0)), y, 3


def main():
    cases = [with_seeds("blobs", blobs, 1), with_seeds("moons", moons, 1), with_seeds("iris", iris, 1)]
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__, "script": "gen_tree.py"}
    with open(os.path.join(HERE, "tree.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, allow_nan=False)


if __name__ == "__main__":
    main()
