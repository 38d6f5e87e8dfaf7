"""Train the attribution models (korwatch_utils/models/attribution.json) from the blind statement annotations.

    python -m training.train_attribution [--data ../shared/data]

Data: training/data/statements (400 IndoSum articles, annotated blind), split
by article into train (80 %) and dev (20 %) by a hash of the id; the blind
gold's dev split (benchmarks/stance_gold.jsonl) joins dev. The gold's test
split is never read here. Steps, each cached under training/work/attribution:
the rules' candidate rows for every article (clean, NER, canonical names,
`stance.stance_cues`); labelled examples; three logistic regressions on
train (cue sense, speaker, target: scikit-learn, fixed seed, deterministic
solver); on dev, the role thresholds, a calibrator (a logistic regression over
the three scores) and the default minimum confidence.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.stance_scoring import Names, gold_articles, read_gold, same_sentence, score
from korwatch_utils.analyses import attribution
from korwatch_utils.analyses.entities import entity_mentions
from korwatch_utils.analyses.stance import lemma, stance_cues
from korwatch_utils.nlp.ner import annotate, model_version
from korwatch_utils.nlp.syntax import parser_version
from korwatch_utils.storage.keys import code_version
from training.logistic import fit, log_loss
from training.stages import DEFAULT_DATA, ROOT, WORK

STATEMENTS = ROOT / "training" / "data" / "statements"
CACHE = WORK / "attribution"
DEV_SHARE = 20  # percent of the annotated articles held out for tuning
C_VALUES = (0.1, 0.3, 1.0, 3.0)


def split_of(doc_id: str) -> str:
    """train or dev, fixed by the article's id."""
    return "dev" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 100 < DEV_SHARE else "train"


def annotated_statements(folder: str = "annotations") -> dict[str, list[dict]]:
    """The statements of one annotation (annotations: the first annotators; second: the 60 articles labelled
    again) by article; articles without one map to []."""
    by_doc: dict[str, list[dict]] = {}
    for path in sorted((STATEMENTS / folder).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                by_doc.setdefault(row["doc"], [])
                if not row.get("none"):
                    by_doc[row["doc"]].append(row)
    return by_doc


def rule_rows(data: Path, doc_ids: list[str], name: str) -> dict:
    """The cleaned articles, sentences, canonical mentions and the rules' cue rows, cached by name, the
    articles, and the code and models that made them (a new cleaning or NER model makes them anew)."""
    key = hashlib.sha256("\n".join([code_version(), model_version(), parser_version(), *doc_ids]).encode())
    path = CACHE / f"{name}-{key.hexdigest()[:12]}.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    articles = gold_articles(data, doc_ids)
    annotations = annotate(articles)
    mentions = entity_mentions(articles, annotations)
    cues = stance_cues(articles, mentions, annotations.sentences)
    tables = {"articles": articles, "sentences": annotations.sentences, "mentions": mentions, "cues": cues}
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(tables))
    return tables


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def as_gold(statements: dict[str, list[dict]], tables: dict) -> list[dict]:
    """Annotations in the gold's form: the sentence that holds each locator (from korwatch's sentences)."""
    texts = dict(zip(tables["articles"]["doc_id"], tables["articles"]["text"]))
    found = []
    for doc_id, rows in statements.items():
        if doc_id not in texts:
            continue
        sentences = tables["sentences"][tables["sentences"]["doc_id"] == doc_id]
        spans = [texts[doc_id][a:b] for a, b in zip(sentences["start_char"], sentences["end_char"])]
        for row in rows:
            sentence = next((s for s in spans if _norm(row["locator"]) in _norm(s)), row["locator"])
            found.append({"doc_id": doc_id, "sentence": sentence, "cue": row["cue"], "categories": row["categories"],
                          "speakers": row["speaker"], "targets": row["target"], "quote": row["quote"]})
    return found


def _same_cue(statement_cue: str, cue: str) -> bool:
    a, b = statement_cue.lower(), cue.lower()
    return a in b or b in a or lemma(a.split()[0]) == lemma(b.split()[0])


def matching_statement(row, statements: list[dict]):
    """The statement a rule row reports (same sentence, cue and an accepted category), or None."""
    for statement in statements:
        if (statement["doc_id"] == row.doc_id and row.category in statement["categories"]
                and _same_cue(statement["cue"], row.cue) and same_sentence(statement["sentence"], row.sentence)):
            return statement
    return None


def examples(tables: dict, statements: list[dict], names: Names, *, grouped: bool = False) -> tuple[list, list, list]:
    """(sense features, label) per row and (role features, label) per candidate of the rows that report one;
    grouped: each role's candidates as one list per row (what a ranker is scored on)."""
    documents = attribution.documents(tables["articles"], tables["sentences"], tables["mentions"])
    by_doc = {}
    for statement in statements:
        by_doc.setdefault(statement["doc_id"], []).append(statement)
    sense, roles = [], {role: [] for role in attribution.ROLES}
    for row in tables["cues"].itertuples(index=False):
        if row.category == "hedge":
            continue
        document = documents[row.doc_id]
        statement = matching_statement(row, by_doc.get(row.doc_id, []))
        sense.append((attribution.sense_features(row, document), int(statement is not None)))
        if statement is None:
            continue
        for role, accepted in (("speaker", statement["speakers"]), ("target", statement["targets"])):
            found = attribution.candidates(row, document, role)
            pairs = [(attribution.role_features(row, candidate, document, role, len(found)),
                      int(bool(candidate.entity) and names.accepts([a for a in accepted if a], candidate.entity)))
                     for candidate in found]
            if grouped:
                roles[role].append(pairs)
            else:
                roles[role].extend(pairs)
    return sense, roles["speaker"], roles["target"]


def decided_rows(tables: dict, model: attribution.Model) -> pd.DataFrame:
    """The rule rows with the model's decision on each (every row kept, with its scores)."""
    documents = attribution.documents(tables["articles"], tables["sentences"], tables["mentions"])
    rows = []
    for row in tables["cues"].itertuples(index=False):
        if row.category == "hedge":
            continue
        decision = attribution.decide(row, documents[row.doc_id], model)
        rows.append({**row._asdict(), "speaker": decision.speaker, "target": decision.target,
                     "sense": decision.sense, "speaker_score": decision.speaker_score,
                     "target_score": decision.target_score, "confidence": decision.confidence})
    return pd.DataFrame(rows)


def prf(rows: pd.DataFrame, statements: list[dict], names: Names) -> tuple[float, float, float]:
    result = score(rows, statements, names)
    p = result["matched"] / result["cues"] if result["cues"] else 0.0
    r = result["matched"] / result["statements"] if result["statements"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _pick_threshold(rows, column, statements, names, grid) -> tuple[float, tuple]:
    """The highest threshold within 0.005 of the best F1 (precision 0.8 costs three quarters of the recall on
    dev: the curve is printed, and an analyst who quotes raises --min-confidence)."""
    results = [(round(float(t), 2), prf(rows[rows[column] >= t], statements, names)) for t in grid]
    for t, (p, r, f) in results:
        if column == "confidence":
            print(f"  dev at confidence >= {t:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    best = max(f for _, (_, _, f) in results)
    return max((pair for pair in results if pair[1][2] >= best - 0.005), key=lambda pair: pair[0])  # F1 ties: precision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=attribution.MODEL_FILE)
    args = parser.parse_args()
    train(args.data, args.out)


def train(data: Path, out: Path) -> dict:
    """Build the model file from the annotations and the articles in data; return what the stage log keeps."""
    names = Names()
    annotated = annotated_statements()
    train_ids = sorted(doc for doc in annotated if split_of(doc) == "train")
    dev_ids = sorted(doc for doc in annotated if split_of(doc) == "dev")
    gold_dev_ids, gold_dev = read_gold("dev")
    train = rule_rows(data, train_ids, "train")
    dev = rule_rows(data, dev_ids, "dev")
    gold = rule_rows(data, gold_dev_ids, "gold_dev")
    train_statements = as_gold({d: annotated[d] for d in train_ids}, train)
    dev_statements = as_gold({d: annotated[d] for d in dev_ids}, dev) + gold_dev
    dev_tables = {name: pd.concat([dev[name], gold[name]], ignore_index=True) for name in dev}
    print(f"train {len(train_ids)} articles, {len(train_statements)} statements, {len(train['cues'])} rule rows; "
          f"dev {len(dev_ids)} + {len(gold_dev_ids)} gold articles, {len(dev_statements)} statements")

    weights = {}
    train_sets = examples(train, train_statements, names)
    dev_sets = examples(dev_tables, dev_statements, names)
    for name, pairs, held in zip(("sense", "speaker", "target"), train_sets, dev_sets):
        losses = {c: log_loss(fit(pairs, c), held) for c in C_VALUES}
        best = min(losses, key=losses.get)
        weights[name] = fit(pairs, best)
        print(f"{name}: {len(pairs)} train examples ({sum(l for _, l in pairs)} positive), C={best}, "
              f"dev log loss {losses[best]:.3f} (" + ", ".join(f"{c}: {v:.3f}" for c, v in losses.items()) + ")")

    identity = {"sense": 1.0, "__bias__": 0.0}
    thresholds = {"speaker": 0.5, "target": 0.5}
    for role in attribution.ROLES:  # each role's abstention threshold, the other fixed, rows cut by sense
        best = None
        for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            model = attribution.Model(weights["sense"], weights["speaker"], weights["target"], identity,
                                      {**thresholds, role: t}, "tuning")
            rows = decided_rows(dev_tables, model)
            if role == "speaker":
                quality = _pick_threshold(rows, "sense", dev_statements, names, np.arange(0.2, 0.9, 0.05))[1]
            else:
                chosen = rows[rows["sense"] >= 0.5]
                result = score(chosen, dev_statements, names)
                quality = (result["on_target"] / max(1, result["matched"]),)
            if best is None or quality[-1] > best[1][-1]:
                best = (t, quality)
        thresholds[role] = float(best[0])
        print(f"{role} threshold {best[0]} (dev {best[1]})")

    model = attribution.Model(weights["sense"], weights["speaker"], weights["target"], identity, thresholds, "tuning")
    rows = decided_rows(dev_tables, model)
    matched = score(rows, dev_statements, names)["matched_pairs"]
    right = {(cue["doc_id"], cue["start_char"]) for _, cue in matched}
    features = [attribution.calibrator_features(r.sense, r.speaker_score, bool(r.speaker), r.target_score)
                for r in rows.itertuples()]
    labels = [int((r.doc_id, r.start_char) in right) for r in rows.itertuples()]
    calibrator = fit(list(zip(features, labels)), 1.0)
    model = model._replace(calibrator=calibrator)
    rows = decided_rows(dev_tables, model)
    minimum, quality = _pick_threshold(rows, "confidence", dev_statements, names, np.arange(0.2, 0.9, 0.05))
    thresholds["min_confidence"] = round(float(minimum), 2)
    print(f"calibrator fitted on {len(labels)} dev rows ({sum(labels)} right); minimum confidence "
          f"{thresholds['min_confidence']}: dev P {quality[0]:.3f} R {quality[1]:.3f} F1 {quality[2]:.3f}")
    payload = {"version": hashlib.sha256(json.dumps(weights, sort_keys=True).encode()).hexdigest()[:12],
               "trained_on": {"train_articles": len(train_ids), "dev_articles": len(dev_ids) + len(gold_dev_ids),
                              "train_statements": len(train_statements), "dev_statements": len(dev_statements)},
               "thresholds": thresholds, "sense": weights["sense"], "speaker": weights["speaker"],
               "target": weights["target"], "calibrator": calibrator}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, sort_keys=True, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")
    return {"min_confidence": thresholds["min_confidence"], "speaker_threshold": thresholds["speaker"]}


if __name__ == "__main__":
    main()
