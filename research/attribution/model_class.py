"""Model class for the attributor's decisions: logistic regression (shipped) against gradient-boosted trees.

    python -m research.attribution.model_class [--data ../shared/data]

Same features, same train / dev split as training/train_attribution.py (its
cached rule rows). Prints, on dev: the cue-sense model's log loss and ROC AUC,
and the speaker ranker's top candidate right for how many rows that report a
statement (of those where some candidate is right), for logistic regression,
gradient-boosted trees (they can learn interactions a sum of weights cannot:
"a pronoun inside a quotation") and a pairwise ranker (trained on right-minus-
wrong candidate differences: the ranking objective itself).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from benchmarks.stance_scoring import Names, read_gold
from training.stages import DEFAULT_DATA
from training.train_attribution import annotated_statements, as_gold, examples, rule_rows, split_of


def models(seed: int = 0):
    return {
        "logistic C=1": lambda: LogisticRegression(C=1.0, max_iter=5000),
        "trees depth 3": lambda: HistGradientBoostingClassifier(max_depth=3, learning_rate=0.05, max_iter=300,
                                                                random_state=seed),
        "trees depth 6": lambda: HistGradientBoostingClassifier(max_depth=6, learning_rate=0.05, max_iter=300,
                                                                random_state=seed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    names = Names()
    annotated = annotated_statements()
    train_ids = sorted(d for d in annotated if split_of(d) == "train")
    dev_ids = sorted(d for d in annotated if split_of(d) == "dev")
    gold_dev_ids, gold_dev = read_gold("dev")
    train = rule_rows(args.data, train_ids, "train")
    dev = rule_rows(args.data, dev_ids, "dev")
    gold = rule_rows(args.data, gold_dev_ids, "gold_dev")
    dev_tables = {name: pd.concat([dev[name], gold[name]], ignore_index=True) for name in dev}
    train_sense, train_groups, _ = examples(train, as_gold({d: annotated[d] for d in train_ids}, train), names,
                                            grouped=True)
    dev_sense, dev_groups, _ = examples(dev_tables, as_gold({d: annotated[d] for d in dev_ids}, dev) + gold_dev,
                                        names, grouped=True)

    vectorizer = DictVectorizer(sort=True)
    x_sense = vectorizer.fit_transform([f for f, _ in train_sense]).toarray()
    y_sense = np.array([label for _, label in train_sense])
    x_dev_sense = vectorizer.transform([f for f, _ in dev_sense]).toarray()
    y_dev_sense = np.array([label for _, label in dev_sense])
    speaker_vectorizer = DictVectorizer(sort=True)
    train_pairs = [pair for group in train_groups for pair in group]
    x_speaker = speaker_vectorizer.fit_transform([f for f, _ in train_pairs]).toarray()
    y_speaker = np.array([label for _, label in train_pairs])
    reachable = [g for g in dev_groups if any(label for _, label in g)]
    print(f"sense: {len(train_sense)} train, {len(dev_sense)} dev rows; speaker: {len(train_pairs)} train candidates,"
          f" {len(dev_groups)} dev rows, {len(reachable)} with a right candidate")
    for name, make in models().items():
        sense_model = make().fit(x_sense, y_sense)
        p = sense_model.predict_proba(x_dev_sense)[:, 1]
        speaker_model = make().fit(x_speaker, y_speaker)
        right = 0
        for group in reachable:
            scores = speaker_model.predict_proba(speaker_vectorizer.transform([f for f, _ in group]).toarray())[:, 1]
            right += group[int(np.argmax(scores))][1]
        print(f"{name}: sense dev log loss {log_loss(y_dev_sense, p):.3f} AUC {roc_auc_score(y_dev_sense, p):.3f}; "
              f"speaker top candidate right {right} of {len(reachable)}")
    for c in (0.1, 1.0):
        print(f"pairwise logistic C={c}: speaker top candidate right "
              f"{pairwise_right(train_groups, reachable, speaker_vectorizer, c)} of {len(reachable)}")


def pairwise_right(train_groups, reachable, vectorizer, c: float = 1.0) -> int:
    """A ranker trained on differences (right candidate minus a wrong one of the same row): the ranking
    objective rather than each candidate scored alone."""
    diffs, labels = [], []
    for group in (g for g in train_groups if g):
        x = vectorizer.transform([f for f, _ in group]).toarray()
        for i, (_, right) in enumerate(group):
            for j, (_, other) in enumerate(group):
                if right and not other:
                    diffs += [x[i] - x[j], x[j] - x[i]]
                    labels += [1, 0]
    model = LogisticRegression(C=c, max_iter=5000, fit_intercept=False).fit(np.array(diffs), labels)
    found = 0
    for group in reachable:
        scores = vectorizer.transform([f for f, _ in group]).toarray() @ model.coef_[0]
        found += group[int(np.argmax(scores))][1]
    return found


if __name__ == "__main__":
    main()
