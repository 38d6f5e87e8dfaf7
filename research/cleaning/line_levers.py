"""Levers on the line classifier of cleaning, and its learning curve, scored out of fold with outlets grouped.

    python -m research.cleaning.line_levers [--data ../shared/data]

Same lines, features and outlet folds as training/train_lines.py: each line
the classifier decides (those no rule removes) is scored by a model trained on
the other four folds. Printed for each variant: the share of boilerplate lines
removed at the threshold that keeps 99 % of body lines (one threshold over all
folds' out-of-fold scores, so variants are compared at the same body figure).

- model class: logistic regression over C (shipped: C by log loss) against
  gradient-boosted trees, which can learn interactions a sum of weights cannot
  ("a short line after the story's last prose line");
- caption marks: one more feature, a photo caption's position words or an
  agency photo credit ("(kiri)", "ANTARA FOTO", "REUTERS/"), written from
  Indonesian captioning conventions, not from these pages;
- learning curve: the logistic regression at C 1 (the best here) trained on a quarter, a half, three
  quarters and all of each fold's training outlets (chosen by a hash of the
  outlet), scored on the same held-out fold;
- synthetic pages: IndoSum articles (CC BY-SA) made into pages, their URL's
  words as the title and one to three other articles' URL words inserted among
  the first paragraphs as related headlines, added to every fold's training
  lines (first whole pages, then their headlines alone).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer

import training.train_lines as train_lines
from korwatch_utils.text.cleaning import normalize
from korwatch_utils.text.lines import SHAPE_CHARS, line_features
from korwatch_utils.weights import probability
from training.logistic import fit
from training.stages import DEFAULT_DATA

CAPTION_MARK = re.compile(
    r"\((?:ki(?:ri)?|ka(?:nan)?|tengah|depan|belakang|ki-ka|kiri ke kanan|dari kiri)\)|\bANTARA\s*FOTO\b|\bfoto\s*:|"
    r"\b(?:REUTERS|AFP|AP|EPA|Getty Images|Xinhua|Yonhap|KCNA)\s*/|/\s*(?:REUTERS|AFP|AP|EPA|Xinhua|Yonhap|KCNA)\b",
    re.I)


def with_caption_mark(line, title_words):
    features = line_features(line, title_words)
    ends = line.text[:SHAPE_CHARS // 2] + " " + line.text[-SHAPE_CHARS // 2:]
    features["caption_mark"] = float(bool(CAPTION_MARK.search(ends)))
    return features


def removed_at_body_kept(scores: np.ndarray, labels: np.ndarray, kept: float = train_lines.BODY_KEPT) -> float:
    threshold = float(np.quantile(scores[labels == 0], kept)) + 1e-6
    return float(np.mean(scores[labels == 1] >= threshold))


def out_of_fold(rows, folds, labels, train_and_score) -> np.ndarray:
    scores = np.zeros(len(labels))
    for fold in range(train_lines.FOLDS):
        scores[folds == fold] = train_and_score(folds != fold, folds == fold)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    pages = train_lines.load_pages(args.data)
    for name, features in (("shipped features", line_features), ("+ caption marks", with_caption_mark)):
        train_lines.line_features = features  # examples() reads the features through the module
        rows = train_lines.examples(pages)
        folds = np.array([train_lines.fold_of(pages[page].outlet) for _, _, page in rows])
        labels = np.array([label for _, label, _ in rows])
        print(f"{name}: {len(rows)} lines, {int(labels.sum())} boilerplate")
        for c in (0.3, 1.0, 3.0):
            def logistic(train, test, c=c):
                weights = fit([(rows[i][0], labels[i]) for i in np.flatnonzero(train)], c)
                return [probability(weights, rows[i][0]) for i in np.flatnonzero(test)]
            scores = out_of_fold(rows, folds, labels, logistic)
            print(f"  logistic C={c}: removed {removed_at_body_kept(scores, labels):.3f}")
        if features is line_features:
            matrix = DictVectorizer(sort=True).fit_transform([f for f, _, _ in rows]).toarray()
            for depth, rate, rounds in ((3, 0.1, 200), (4, 0.05, 400), (None, 0.05, 300)):
                def trees(train, test, depth=depth, rate=rate, rounds=rounds):
                    model = HistGradientBoostingClassifier(max_depth=depth, learning_rate=rate, max_iter=rounds,
                                                           random_state=0).fit(matrix[train], labels[train])
                    return model.predict_proba(matrix[test])[:, 1]
                scores = out_of_fold(rows, folds, labels, trees)
                print(f"  trees depth={depth} rate={rate} rounds={rounds}: removed "
                      f"{removed_at_body_kept(scores, labels):.3f}")
    train_lines.line_features = line_features
    learning_curve(pages)
    with_synthetic_pages(pages, args.data)


def learning_curve(pages, c: float = 1.0) -> None:
    rows = train_lines.examples(pages)
    folds = np.array([train_lines.fold_of(pages[page].outlet) for _, _, page in rows])
    labels = np.array([label for _, label, _ in rows])
    draw = np.array([int(hashlib.sha256(f"curve{pages[page].outlet}".encode()).hexdigest(), 16) % 100 / 100
                     for _, _, page in rows])
    print("learning curve (logistic, C 1):")
    for share in (0.25, 0.5, 0.75, 1.0):
        def logistic(train, test, share=share):
            weights = fit([(rows[i][0], labels[i]) for i in np.flatnonzero(train & (draw < share))], c)
            return [probability(weights, rows[i][0]) for i in np.flatnonzero(test)]
        scores = out_of_fold(rows, folds, labels, logistic)
        print(f"  {share:.2f} of the training outlets: removed {removed_at_body_kept(scores, labels):.3f}")


LOWER_IN_HEADLINES = {"dan", "di", "ke", "dari", "yang", "untuk", "dengan", "atau", "pada", "ini", "itu", "soal"}


def headline_from_url(url: str) -> str:
    """A headline from a URL's last part ("ketua-mpr-mustahil-..." -> "Ketua Mpr Mustahil ...")."""
    slug = url.rstrip("/").split("/")[-1].split("?")[0].replace(".html", "")
    words = [word for word in slug.split("-") if word and not word.isdigit()][:12]
    return " ".join(word if index and word in LOWER_IN_HEADLINES else word.capitalize()
                    for index, word in enumerate(words))


def synthetic_pages(data: Path, count: int, seed: int = 7) -> list:
    """IndoSum articles as pages: a title, paragraphs up to about 2,000 characters, related headlines among them."""
    folder = data / "articles" / "indosum-dev"
    meta = pd.read_csv(folder / "metadata.csv").dropna(subset=["url"]).reset_index(drop=True)
    draw = random.Random(seed)
    pages = []
    for number in draw.sample(range(len(meta)), count):
        row = meta.iloc[number]
        paragraphs = [line.strip() for line in (folder / row["file"]).read_text(encoding="utf-8").split("\n")
                      if line.strip()]
        related = [headline_from_url(meta.iloc[draw.randrange(len(meta))]["url"]) for _ in range(draw.randint(1, 3))]
        related = iter([line for line in related if len(line.split()) >= 4])
        spots = {draw.randint(1, min(4, len(paragraphs))) for _ in range(3)}
        lines, labels = [headline_from_url(row["url"])], ["title"]
        for index, paragraph in enumerate(paragraphs):
            headline = next(related, None) if index in spots else None
            if headline:
                lines.append(headline)
                labels.append("other")
            lines.append(paragraph)
            labels.append("body")
            if sum(map(len, lines)) > 2000:
                break
        normalized = normalize("\n\n".join(lines)).split("\n")
        filled = [i for i, line in enumerate(normalized) if line]
        pages.append(train_lines.Page(f"synthetic{number}.txt", f"synthetic{number}", normalized,
                                      {i: label for i, label in zip(filled, labels)}, ""))
    return pages


def with_synthetic_pages(pages, data: Path, c: float = 1.0) -> None:
    rows = train_lines.examples(pages)
    folds = np.array([train_lines.fold_of(pages[page].outlet) for _, _, page in rows])
    labels = np.array([label for _, label, _ in rows])
    print("synthetic pages in every fold's training (logistic, C 1):")
    for count, headlines_only in ((150, False), (400, False), (50, True), (150, True)):
        extra = [(features, label) for features, label, _ in train_lines.examples(synthetic_pages(data, count))
                 if label or not headlines_only]

        def logistic(train, test):
            weights = fit([(rows[i][0], labels[i]) for i in np.flatnonzero(train)] + extra, c)
            return [probability(weights, rows[i][0]) for i in np.flatnonzero(test)]
        what = "their related headlines alone" if headlines_only else "whole pages"
        print(f"  {count} pages, {what} ({len(extra)} lines): removed "
              f"{removed_at_body_kept(out_of_fold(rows, folds, labels, logistic), labels):.3f}")


if __name__ == "__main__":
    main()
