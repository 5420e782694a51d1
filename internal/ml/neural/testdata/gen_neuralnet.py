#!/usr/bin/python3
"""Writes neuralnet.json, the fixture of TestNetworkFullBatchStep.

Run with Debian's Python (NumPy 1.24):

    /usr/bin/python3 internal/ml/neural/testdata/gen_neuralnet.py

For each case it draws data and starting weights with NumPy (fixed seeds),
then computes, independently of the Go code, with the forward pass and
backpropagation written out below in matrix form:

  * the outputs of the network on the data and its mean data loss,
  * the penalty lam * sum(W**2) (L2) or lam * sum(|W|) (L1), weights only,
  * the weights after one full-batch gradient descent step
    W <- W - lr * dJ/dW with J = mean loss + penalty.

Weights are stored out x in, the first hidden layer first.
"""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

ACT = {
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z, a: np.where(z > 0, 1.0, 0.01)),
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(layers, X, act, problem):
    """Returns pre-activations and outputs of every layer (input first)."""
    zs, hs = [], [X]
    for l, (W, b) in enumerate(layers):
        z = hs[-1] @ W.T + b
        if l < len(layers) - 1:
            h = ACT[act][0](z)
        elif problem == "binary":
            h = ACT["sigmoid"][0](z)
        elif problem == "multiclass":
            h = softmax(z)
        else:
            h = z
        zs.append(z)
        hs.append(h)
    return zs, hs


def data_loss(out, y, problem):
    n = len(y)
    if problem == "binary":
        return -np.mean(y * np.log(out[:, 0]) + (1 - y) * np.log(1 - out[:, 0]))
    if problem == "multiclass":
        return -np.mean(np.log(out[np.arange(n), y.astype(int)]))
    return np.sum((out[:, 0] - y) ** 2) / (2 * n)


def penalty(layers, kind, lam):
    if kind == "l2":
        return lam * sum(np.sum(W * W) for W, _ in layers)
    if kind == "l1":
        return lam * sum(np.sum(np.abs(W)) for W, _ in layers)
    return 0.0


def sgd_step(layers, X, y, act, problem, kind, lam, lr):
    n = len(y)
    zs, hs = forward(layers, X, act, problem)
    out = hs[-1]
    # dJ/dz of the output layer: the same (prediction - target)/n for the
    # sigmoid + binary cross-entropy, softmax + cross-entropy and the
    # linear output + squared error pairs.
    if problem == "multiclass":
        target = np.zeros_like(out)
        target[np.arange(n), y.astype(int)] = 1
    else:
        target = y[:, None]
    delta = (out - target) / n
    new = []
    for l in range(len(layers) - 1, -1, -1):
        W, b = layers[l]
        gW = delta.T @ hs[l]
        gb = delta.sum(axis=0)
        if kind == "l2":
            gW = gW + 2 * lam * W
        elif kind == "l1":
            gW = gW + lam * np.sign(W)
        if l > 0:
            delta = (delta @ W) * ACT[act][1](zs[l - 1], hs[l])
        new.append((W - lr * gW, b - lr * gb))
    return new[::-1], out


def case(name, seed, n, inputs, hidden, act, problem, classes, kind, lam, lr):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, inputs))
    if problem == "binary":
        y = (X[:, 0] * X[:, -1] + 0.3 * rng.normal(size=n) > 0).astype(float)
    elif problem == "multiclass":
        y = rng.integers(0, classes, size=n).astype(float)
    else:
        y = np.sin(X[:, 0]) + 0.5 * X[:, -1] + 0.1 * rng.normal(size=n)
    sizes = [inputs] + hidden + [classes if problem == "multiclass" else 1]
    layers = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        layers.append((0.8 * rng.normal(size=(o, i)), 0.2 * rng.normal(size=o)))
    zs, hs = forward(layers, X, act, problem)
    # A ReLU pre-activation at its kink or a weight at 0 (L1) would make
    # the gradient ill-defined; the seeds are chosen so none is near one.
    for z in zs[:-1]:
        assert np.abs(z).min() > 1e-6, name
    for W, _ in layers:
        assert np.abs(W).min() > 1e-6, name
    after, out = sgd_step(layers, X, y, act, problem, kind, lam, lr)
    js = lambda ls: [{"W": W.tolist(), "b": b.tolist()} for W, b in ls]
    return {
        "name": name, "problem": problem, "activation": act, "hidden": hidden,
        "classes": classes, "penalty": kind, "rate": lam, "lr": lr,
        "X": X.tolist(), "y": y.tolist(),
        "initial": js(layers), "after": js(after),
        "outputs": out.tolist(),
        "loss": data_loss(out, y, problem), "penalty_value": penalty(layers, kind, lam),
    }


def main():
    cases = [
        case("binary tanh L2", 1, 40, 3, [4, 2], "tanh", "binary", 2, "l2", 0.01, 0.3),
        case("multiclass relu L1", 2, 45, 2, [5], "relu", "multiclass", 3, "l1", 0.003, 0.1),
        case("regression sigmoid L2", 3, 30, 4, [3, 3], "sigmoid", "regression", 1, "l2", 0.02, 0.05),
        case("binary linear model L1", 4, 25, 5, [], "tanh", "binary", 2, "l1", 0.01, 0.5),
        case("regression leaky_relu", 5, 35, 2, [6], "leaky_relu", "regression", 1, "none", 0.0, 0.1),
        case("multiclass linear hidden L2", 6, 50, 3, [4, 4, 4], "linear", "multiclass", 4, "l2", 0.005, 0.2),
    ]
    with open(os.path.join(HERE, "neuralnet.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
