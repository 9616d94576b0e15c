"""Turning signals into a calibrated support score, and measuring how good it is.

Each backend reduces a (claim, source) pair to a few numbers; a logistic model maps
them to a score in 0..1. The model is fitted offline (bench/bench_support.py) with
balanced class weights, so a score of 0.5 is the point where a supported claim and
an unsupported one are equally likely *whatever the share of each in the data*: one
pair of thresholds in the config then means the same thing for every backend.

Pure Python on purpose: the lexical backend must run without numpy.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LogisticModel:
    """score = sigmoid(bias + sum(weight * (signal - mean) / scale))."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]

    def score(self, signals: Sequence[float]) -> float:
        if len(signals) != len(self.weights):
            raise ValueError(f"expected {len(self.weights)} signals, got {len(signals)}")
        z = self.bias
        for value, weight, mean, scale in zip(
            signals, self.weights, self.means, self.scales, strict=True
        ):
            z += weight * (value - mean) / scale
        return sigmoid(z)


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit_logistic(
    rows: Sequence[Sequence[float]],
    labels: Sequence[bool],
    names: Sequence[str],
    *,
    l2: float = 1.0,
    iterations: int = 50,
) -> LogisticModel:
    """Fit a class-balanced, L2-regularized logistic regression by Newton's method."""
    if not rows or len(rows) != len(labels):
        raise ValueError("fit_logistic: need as many labels as rows, and at least one")
    width = len(rows[0])
    means = [sum(r[j] for r in rows) / len(rows) for j in range(width)]
    scales = []
    for j in range(width):
        variance = sum((r[j] - means[j]) ** 2 for r in rows) / len(rows)
        scales.append(math.sqrt(variance) or 1.0)
    xs = [[1.0] + [(r[j] - means[j]) / scales[j] for j in range(width)] for r in rows]
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise ValueError("fit_logistic: need both supported and unsupported examples")
    # Each class carries half the total weight, so the fit does not lean to the majority.
    class_weight = {True: len(labels) / (2 * positives), False: len(labels) / (2 * negatives)}
    beta = [0.0] * (width + 1)
    for _ in range(iterations):
        gradient = [0.0] * (width + 1)
        hessian = [[0.0] * (width + 1) for _ in range(width + 1)]
        for x, y in zip(xs, labels, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, x, strict=True)))
            w = class_weight[y]
            error = w * (p - (1.0 if y else 0.0))
            curvature = w * p * (1.0 - p)
            for a in range(width + 1):
                gradient[a] += error * x[a]
                row = hessian[a]
                for b in range(a, width + 1):
                    row[b] += curvature * x[a] * x[b]
        for a in range(width + 1):
            for b in range(a):
                hessian[a][b] = hessian[b][a]
            if a:  # the bias is not shrunk
                gradient[a] += l2 * beta[a]
                hessian[a][a] += l2
        step = _solve(hessian, gradient)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return LogisticModel(
        names=tuple(names),
        weights=tuple(beta[1:]),
        bias=beta[0],
        means=tuple(means),
        scales=tuple(scales),
    )


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are tiny)."""
    n = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            if factor:
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(a[r][r]) < 1e-12:
            continue
        out[r] = (a[r][n] - sum(a[r][c] * out[c] for c in range(r + 1, n))) / a[r][r]
    return out


# --------------------------------------------------------------------------- measuring


def balanced_accuracy(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> float:
    """Mean of the recall on supported and on unsupported claims at `threshold`."""
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
    tn = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s < threshold)
    positives = sum(labels)
    negatives = len(labels) - positives
    return 0.5 * (tp / max(positives, 1) + tn / max(negatives, 1))


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The threshold (midway between two scores) that maximizes balanced accuracy."""
    ordered = sorted(set(scores))
    cuts = [(a + b) / 2 for a, b in itertools.pairwise(ordered)] or [0.5]
    return max(cuts, key=lambda t: (balanced_accuracy(scores, labels, t), -abs(t - 0.5)))


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Probability that a supported claim outscores an unsupported one (ties count half)."""
    pairs = sorted(zip(scores, labels, strict=True))
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += average_rank * sum(1 for _, y in pairs[i:j] if y)
        i = j
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def stratified_folds(labels: Sequence[bool], folds: int, seed: int = 0) -> list[int]:
    """A fold number for each example, each fold with the same share of each class."""
    rng = random.Random(seed)
    assignment = [0] * len(labels)
    for cls in (True, False):
        members = [i for i, y in enumerate(labels) if y == cls]
        rng.shuffle(members)
        for position, i in enumerate(members):
            assignment[i] = position % folds
    return assignment
