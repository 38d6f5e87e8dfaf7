"""Logistic models shipped as JSON weights: {feature: weight, "__bias__": b}. Nothing here imports the package.

Scoring is a sum over the features an item has, so a model costs little beside the
work that made its features; training scripts write these files with scikit-learn.
Every shipped model file, Stanza's too, fails the same way: ModelFilesError, naming it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

BIAS = "__bias__"
RESTORE_HINT = "restore it with `git checkout -- korwatch_utils/models` or rebuild it with `make models`"


class ModelFilesError(RuntimeError):
    """A shipped model file is missing or unreadable; the message names it and how to restore it."""


def read_weights(path: str | Path, fields: tuple[str, ...]) -> dict | None:
    """A shipped JSON model holding `fields`, or None where the file is absent.

    Raises:
        ModelFilesError: the file is there but cannot be read, or lacks a field.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        missing = [field for field in fields if field not in data]
    except (OSError, ValueError, TypeError) as error:
        raise ModelFilesError(f"the model file {path} cannot be read ({error.__class__.__name__}); "
                              f"{RESTORE_HINT}") from None
    if missing:
        raise ModelFilesError(f"the model file {path} cannot be read (no {', '.join(missing)}); {RESTORE_HINT}")
    return data


def probability(weights: dict, features: dict[str, float]) -> float:
    """The logistic model's probability for one item's features (missing features weigh nothing)."""
    total = weights.get(BIAS, 0.0) + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


def size_class(value: float) -> str:
    """A coarse size class for a count, as a feature value: 0, 1, 2-3, 4-7, 8-15, 16-31, 32 or more."""
    return str(min(6, math.ceil(math.log2(value + 1)))) if value > 0 else "0"
