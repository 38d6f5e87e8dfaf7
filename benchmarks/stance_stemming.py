"""How well cue words are reduced to their lexicon lemma: PySastrawi alone vs with korwatch's overrides.

Usage: python -m benchmarks.stance_stemming [--data ../shared/data] [--articles 500]
Prints accuracy on a hand-made list of inflected cue forms, then, for each
lemma cue, the commonest words in IndoSum dev articles that reduce to it, so
that a stem shared with an unrelated word shows up (tuju: menuju).
"""

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils.analyses.stance import _stemmer, lemma, load_cues
from training.stages import DEFAULT_DATA

# Inflected forms of the lexicon's lemma cues, and the lemma each should reduce to (written by hand).
GOLD = {
    "kecam": "mengecam dikecam kecaman mengecamnya", "kutuk": "mengutuk dikutuk kutukan",
    "kritik": "mengkritik dikritik kritikan", "sesal": "menyesalkan disesalkan", "protes": "memprotes diprotes",
    "tuduh": "menuduh dituduh tuduhan menuduhnya", "tuding": "menuding dituding tudingan",
    "khawatir": "mengkhawatirkan kekhawatiran dikhawatirkan", "prihatin": "keprihatinan memprihatinkan",
    "cemas": "mencemaskan kecemasan", "peringat": "memperingatkan diperingatkan peringatan peringatkan",
    "ancam": "mengancam diancam ancaman", "desak": "mendesak didesak desakan", "minta": "meminta diminta permintaan",
    "seru": "menyerukan diserukan seruan", "imbau": "mengimbau imbauan diimbau",
    "bantah": "membantah dibantah bantahan membantahnya", "sangkal": "menyangkal disangkal",
    "tepis": "menepis ditepis", "tolak": "menolak ditolak penolakan menolaknya",
    "sepakat": "menyepakati disepakati kesepakatan", "setuju": "menyetujui disetujui persetujuan",
    "dukung": "mendukung didukung dukungan pendukung", "bela": "membela dibela pembelaan",
    "janji": "berjanji menjanjikan dijanjikan", "komitmen": "berkomitmen", "tekad": "bertekad",
    "ikrar": "berikrar", "klaim": "mengklaim diklaim",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()

    pairs = [(form, stem) for stem, forms in GOLD.items() for form in forms.split()]
    raw = sum(_stemmer().stem(form) == stem for form, stem in pairs)
    corrected = sum(lemma(form) == stem for form, stem in pairs)
    print(f"inflected cue forms      {len(pairs)}")
    print(f"PySastrawi alone         {raw / len(pairs):.0%} ({raw}/{len(pairs)})")
    print(f"with stem_overrides.csv  {corrected / len(pairs):.0%} ({corrected}/{len(pairs)})")
    for form, stem in pairs:
        if lemma(form) != stem:
            print(f"  still wrong: {form} -> {lemma(form)} (want {stem})")

    lexicon = load_cues()
    lemmas = set(lexicon.loc[lexicon["match"] == "lemma", "cue"])
    files = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[: args.articles]
    words = Counter(w.lower() for f in files for w in re.findall(r"\w+(?:-\w+)*", f.read_text(encoding="utf-8")))
    reaching = defaultdict(Counter)
    for word, count in words.items():
        stem = lemma(word)
        if stem in lemmas:
            reaching[stem][word] += count
    print(f"\nwords of {len(files)} IndoSum dev articles reaching each lemma cue (commonest first):")
    for stem in sorted(reaching, key=lambda s: -sum(reaching[s].values())):
        print(f"  {stem:<10} " + ", ".join(f"{w} {c}" for w, c in reaching[stem].most_common(6)))


if __name__ == "__main__":
    main()
