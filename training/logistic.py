"""Logistic regressions over feature dicts, written as the JSON weights `korwatch_utils.weights` scores."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from korwatch_utils.weights import BIAS, probability


def fit(pairs: list, c: float) -> dict:
    """A logistic regression over (features, label) pairs, as {feature: weight, BIAS: b} (lbfgs: deterministic)."""
    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform([features for features, _ in pairs])
    y = np.array([label for _, label in pairs])
    model = LogisticRegression(C=c, max_iter=5000, solver="lbfgs").fit(x, y)
    weights = {name: round(float(w), 6) for name, w in zip(vectorizer.feature_names_, model.coef_[0]) if abs(w) > 1e-6}
    weights[BIAS] = round(float(model.intercept_[0]), 6)
    return weights


def log_loss(weights: dict, pairs: list) -> float:
    """Mean log loss of the weights on (features, label) pairs."""
    probs = np.clip([probability(weights, f) for f, _ in pairs], 1e-6, 1 - 1e-6)
    labels = np.array([label for _, label in pairs])
    return float(-np.mean(labels * np.log(probs) + (1 - labels) * np.log(1 - probs)))
