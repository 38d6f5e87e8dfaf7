"""Logistic models shipped as JSON weights: {feature: weight, "__bias__": b}. Nothing here imports the package.

Scoring is a sum over the features an item has, so a model costs little beside the
work that made its features; training scripts write these files with scikit-learn.
"""

from __future__ import annotations

import math

BIAS = "__bias__"


def probability(weights: dict, features: dict[str, float]) -> float:
    """The logistic model's probability for one item's features (missing features weigh nothing)."""
    total = weights.get(BIAS, 0.0) + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


def size_class(value: float) -> str:
    """A coarse size class for a count, as a feature value: 0, 1, 2, 3-4, 5-8, 9-16, 17-32, more."""
    return str(min(6, math.ceil(math.log2(value + 1)))) if value > 0 else "0"
