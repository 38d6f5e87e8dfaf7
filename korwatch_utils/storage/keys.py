"""What a stored article's tables depend on, as digests: the code that analyses it, the data and the models.

The code is found, not listed: the modules that loading, cleaning and
analysing import, directly or not (`sources.closure`), so a module an
analysis starts to use keys the store without anyone remembering to add it.
Where chunks run (`storage.cluster`) and how tables are shown (views, cli)
are not among them: changing them re-analyses nothing.
"""

from __future__ import annotations

import hashlib

from korwatch_utils import sources

# What the store runs on each article: `input.articles` loads it, `text.cleaning` cleans it,
# `analyses.analysis.analyse_batch` makes every analysis table.
ANALYSIS_ENTRY_POINTS = ("korwatch_utils.input.articles", "korwatch_utils.text.cleaning",
                         "korwatch_utils.analyses.analysis")
# The learned decisions' weights, shipped as data beside the Stanza models (whose versions key the store apart).
ANALYSIS_WEIGHTS = ("models/lines.json", "models/attribution.json")


def analysis_modules(entry_points: tuple[str, ...] = ANALYSIS_ENTRY_POINTS) -> list[str]:
    """The package modules whose code decides the stored tables."""
    return sorted({module for entry in entry_points for module in sources.closure(entry)})


def code_version(entry_points: tuple[str, ...] = ANALYSIS_ENTRY_POINTS) -> str:
    """A digest of the sources of `analysis_modules()` and of ANALYSIS_WEIGHTS: part of every article's key, so an upgrade that
    changes how entities, stance cues or dates are found re-analyses stored articles, with no version to bump.

    The model's own cache (`nlp.ner.annotate`) is keyed separately, so re-analysing costs the steps
    after the model only.
    """
    digest = hashlib.sha256()
    for module in analysis_modules(entry_points):
        digest.update(module.encode() + b"\0" + sources.module_file(module).read_bytes())
    for name in ANALYSIS_WEIGHTS:
        path = sources.PACKAGE_DIR / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()[:16]
