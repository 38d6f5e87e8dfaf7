"""Train the line classifier of cleaning (korwatch_utils/models/lines.json) from labelled scraped pages.

    python -m training.train_lines [--data ../shared/data]

Data: ../shared/data/pages (150 pages of about 95 sites, every non-empty line
labelled title, body or other; the texts stay there, never committed). A
line is boilerplate when labelled other; title and body lines are kept. The
features are `korwatch_utils.text.lines.line_features` over the cleaning
rules' votes; it learns from the lines it decides on (those no rule removes). The regularisation and the threshold come from out-of-fold
scores with outlets grouped into five folds (a test outlet is never seen in
training): the threshold is the lowest that keeps 99 % of body lines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from korwatch_utils.text.cleaning import load_rules, normalize, rule_votes
from korwatch_utils.text.lines import MODEL_FILE, LineModel, line_features, page_lines
from korwatch_utils.weights import probability
from korwatch_utils.text.indonesian import WORD
from training.logistic import fit
from training.stages import DEFAULT_DATA

C_VALUES = (0.1, 0.3, 1.0, 3.0)
FOLDS = 5
BODY_KEPT = 0.99  # the share of body lines the threshold keeps on outlets never trained on


class Page(NamedTuple):
    """One labelled page: its normalized lines, each non-empty line's label by index, its outlet."""

    file: str
    outlet: str
    lines: list[str]
    labels: dict[int, str]  # line index -> title | body | other
    raw_text: str


def load_pages(data: Path) -> list[Page]:
    """The labelled pages; a label is a line's number in the file, from 1 (blank lines carry none)."""
    folder = data / "pages"
    pages = []
    for part in sorted((folder / "labels").glob("part*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            label = json.loads(line)
            raw = (folder / "texts" / label["file"]).read_text(encoding="utf-8")
            lines = normalize(raw).split("\n")
            labels = {number - 1: kind for kind in ("title", "body", "other") for number in label[kind]
                      if number <= len(lines) and lines[number - 1]}
            pages.append(Page(label["file"], label["outlet"] or label["file"], lines, labels, raw))
    return pages


def fold_of(outlet: str, folds: int = FOLDS) -> int:
    return int(hashlib.sha256(outlet.encode()).hexdigest(), 16) % folds


def examples(pages: list[Page]) -> list[tuple[dict, int, int]]:
    """(features, is boilerplate, page index) for every labelled line the classifier decides: those no rule
    removes, the headline aside (cleaning makes it the title first)."""
    rules = load_rules()
    found = []
    for number, page in enumerate(pages):
        verdict, _, _, _ = rule_votes(page.lines, rules)
        order = [i for i, text in enumerate(page.lines) if text]
        texts = [page.lines[i] for i in order]
        title = frozenset(w.lower() for w in WORD.findall(texts[0])) if texts else frozenset()
        for i, line in zip(order, page_lines(texts, [verdict.get(i, "") for i in order])):
            if i in page.labels and not line.vote and page.labels[i] != "title":  # what the classifier decides
                found.append((line_features(line, title), int(page.labels[i] == "other"), number))
    return found


def train_model(pages: list[Page], *, say=print) -> LineModel:
    """C by out-of-fold log loss (outlets grouped), then the lowest threshold keeping BODY_KEPT of body lines
    out of fold; the weights from every page."""
    rows = examples(pages)
    folds = np.array([fold_of(pages[page].outlet) for _, _, page in rows])
    pairs = [(features, label) for features, label, _ in rows]
    out_of_fold = {}
    for c in C_VALUES:
        scores = np.zeros(len(pairs))
        for fold in range(FOLDS):
            train = [pair for pair, f in zip(pairs, folds) if f != fold]
            weights = fit(train, c)
            held = np.flatnonzero(folds == fold)
            scores[held] = [probability(weights, pairs[i][0]) for i in held]
        out_of_fold[c] = scores
    labels = np.array([label for _, label in pairs])
    losses = {c: float(-np.mean(labels * np.log(np.clip(s, 1e-6, 1)) + (1 - labels) * np.log(np.clip(1 - s, 1e-6, 1))))
              for c, s in out_of_fold.items()}
    best = min(losses, key=losses.get)
    scores = out_of_fold[best]
    body = scores[labels == 0]
    threshold = float(np.quantile(body, BODY_KEPT)) + 1e-6  # 99 % of body lines score below it
    removed = float(np.mean(scores[labels == 1] >= threshold))
    say(f"{len(pages)} pages, {len(pairs)} lines ({int(labels.sum())} boilerplate); C={best} (out-of-fold log loss "
        + ", ".join(f"{c}: {v:.3f}" for c, v in losses.items()) + f"); threshold {threshold:.3f}: out of fold "
        f"{np.mean(body < threshold):.3f} of body lines kept, {removed:.3f} of boilerplate lines removed")
    weights = fit(pairs, best)
    return LineModel(weights, round(threshold, 4), hashlib.sha256(json.dumps(weights, sort_keys=True).encode())
                     .hexdigest()[:12])


def save(model: LineModel, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"version": model.version, "threshold": model.threshold, "weights": model.weights},
                              sort_keys=True, indent=0) + "\n", encoding="utf-8")


def train(data: Path, out: Path) -> dict:
    """Build the shipped line classifier; what the stage log keeps."""
    model = train_model(load_pages(data))
    save(model, out)
    return {"threshold": model.threshold}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args()
    train(args.data, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
