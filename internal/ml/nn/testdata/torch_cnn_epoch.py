#!/usr/bin/env python3
"""Times one training epoch of nn.DefaultCNN in PyTorch on one CPU thread,
to compare by hand with BenchmarkCNNEpoch (bench_test.go). Not run by CI.

The same network and epoch: 1 437 training digits (80% of the 1 797, a
seeded permutation; the images differ from the Go benchmark's draw, which
does not change the work), pixels scaled to [0, 1], batches of 32 (the last
of 29), Conv 8 3×3 same → ReLU → MaxPool 2 → Conv 16 3×3 same → ReLU →
MaxPool 2 → Flatten → Linear 10, softmax cross-entropy, SGD η = 0.1.

    /usr/bin/python3 internal/ml/nn/testdata/torch_cnn_epoch.py

Measured with Debian's python3-torch 1.13.1 (apt-get install python3-torch).
Prints the median and the best wall time of 20 epochs after 3 warm-up
epochs, and the median processor time (steadier on a busy machine, as
BenchmarkCNNEpoch's cpu-ms/op), in float32 (PyTorch's default) and
float64 (as the Go engine computes).
"""
import gzip
import os
import statistics
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

here = os.path.dirname(os.path.abspath(__file__))
with gzip.open(os.path.join(here, "..", "..", "dataset", "digits.csv.gz"), "rt") as f:
    rows = np.loadtxt(f, delimiter=",")
X, y = rows[:, :64] / 16.0, rows[:, 64].astype(np.int64)
idx = np.random.default_rng(1).permutation(len(X))[:1437]
X, y = X[idx], y[idx]


def time_net(layers, make_opt, n, dtype):
    """Median and best wall time and median processor time, in ms, of one
    epoch of the network on the first n digits in batches of 32."""
    torch.manual_seed(3)
    net = torch.nn.Sequential(*layers).to(dtype)
    opt = make_opt(net.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    xs = torch.tensor(X[:n], dtype=dtype).reshape(-1, 1, 8, 8)
    ys = torch.tensor(y[:n])
    times, cpu = [], []
    for epoch in range(23):
        t0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, len(xs), 32):
            opt.zero_grad()
            loss = loss_fn(net(xs[start:start + 32]), ys[start:start + 32])
            loss.backward()
            opt.step()
        if epoch >= 3:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return statistics.median(times) * 1e3, min(times) * 1e3, statistics.median(cpu) * 1e3


def time_epochs(dtype):
    """nn.DefaultCNN on 1 437 digits, SGD η = 0.1 (BenchmarkCNNEpoch)."""
    return time_net([
        torch.nn.Conv2d(1, 8, 3, padding="same"), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding="same"), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64, 10),
    ], lambda p: torch.optim.SGD(p, lr=0.1), 1437, dtype)


def time_training_default(dtype):
    """cnn-training's default network on its 1 079 training digits, Adam
    η = 0.01 (BenchmarkCNNEpochTrainingDefault)."""
    return time_net([
        torch.nn.Conv2d(1, 4, 3, padding="same"), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 12, 3, padding="same"), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.AdaptiveMaxPool2d(1), torch.nn.Flatten(), torch.nn.Linear(12, 10),
    ], lambda p: torch.optim.Adam(p, lr=0.01), 1079, dtype)


print("torch", torch.__version__, "threads", torch.get_num_threads())
for name, run in (("nn.DefaultCNN", time_epochs), ("cnn-training default", time_training_default)):
    for dtype in (torch.float32, torch.float64):
        med, best, cpu = run(dtype)
        print(f"{name}, {dtype}: one epoch median {med:.1f} ms, best {best:.1f} ms; processor time median {cpu:.1f} ms")
