"""matplotlib figures for the notebooks; each takes a table and returns the Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

TYPE_COLOURS = {"PER": "#1f77b4", "ORG": "#ff7f0e", "LOC": "#2ca02c"}


def entity_bar_chart(totals: pd.DataFrame, top_n: int = 20, ax=None, title: str = "Most mentioned entities"):
    """Horizontal bars of the top_n entities by mentions, coloured by type (totals: entity, type, mentions)."""
    top = totals.head(top_n).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * len(top) + 1)))
    ax.barh(top["entity"], top["mentions"], color=[TYPE_COLOURS.get(kind, "#7f7f7f") for kind in top["type"]])
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour) for colour in TYPE_COLOURS.values()]
    ax.legend(handles, TYPE_COLOURS.keys(), loc="lower right", frameon=False)
    ax.set_xlabel("mentions")
    ax.set_title(title if len(top) else f"{title}: none match the filters")
    ax.figure.tight_layout()
    return ax.figure


def cooccurrence_heatmap(pairs: pd.DataFrame, entities: list[str], ax=None):
    """Sentences shared by each pair of the given entities, as a symmetric heatmap with counts written in."""
    matrix = pd.DataFrame(0, index=entities, columns=entities)
    chosen = pairs[pairs["entity_a"].isin(entities) & pairs["entity_b"].isin(entities)]
    for a, b, count in zip(chosen["entity_a"], chosen["entity_b"], chosen["sentences"]):
        matrix.loc[a, b] = matrix.loc[b, a] = count
    if ax is None:
        size = max(4.0, 0.45 * len(entities) + 2)
        _, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(matrix.to_numpy(), cmap="Blues")
    ax.set_xticks(range(len(entities)), entities, rotation=60, ha="right")
    ax.set_yticks(range(len(entities)), entities)
    peak = matrix.to_numpy().max() or 1
    for i in range(len(entities)):
        for j in range(len(entities)):
            if matrix.iat[i, j]:
                ax.text(j, i, matrix.iat[i, j], ha="center", va="center", fontsize=8,
                        color="white" if matrix.iat[i, j] > peak / 2 else "black")
    ax.figure.colorbar(image, ax=ax, shrink=0.7, label="sentences shared")
    ax.set_title("Entities named in the same sentence")
    ax.figure.tight_layout()
    return ax.figure


def stance_heatmaps(matrix: pd.DataFrame, top_n: int = 12):
    """Speaker x target heatmaps side by side: negative cues and positive cues (matrix from `stance_matrix`)."""
    speakers = matrix.groupby("speaker")["total"].sum().sort_values(ascending=False).head(top_n).index.tolist()
    targets = matrix.groupby("target")["total"].sum().sort_values(ascending=False).head(top_n).index.tolist()
    figure, axes = plt.subplots(1, 2, figsize=(max(8.0, 1.1 * len(targets) + 6), max(3.0, 0.4 * len(speakers) + 2)),
                                squeeze=False)
    if not speakers:
        for ax in axes[0]:
            ax.set_axis_off()
        axes[0][0].set_title("no cue with both a speaker and a target")
        return figure
    for ax, polarity, colours in zip(axes[0], ("negative", "positive"), ("Reds", "Greens")):
        grid = matrix.pivot_table(index="speaker", columns="target", values=polarity, aggfunc="sum", fill_value=0)
        grid = grid.reindex(index=speakers, columns=targets, fill_value=0)
        peak = max(1, grid.to_numpy().max())
        ax.imshow(grid.to_numpy(), cmap=colours, vmin=0, vmax=peak * 1.5, aspect="auto")  # 1.5: keep numbers legible
        ax.set_xticks(range(len(targets)), targets, rotation=60, ha="right")
        ax.set_yticks(range(len(speakers)), speakers)
        for i in range(len(speakers)):
            for j in range(len(targets)):
                if grid.iat[i, j]:
                    ax.text(j, i, grid.iat[i, j], ha="center", va="center", fontsize=8)
        ax.set_title(f"{polarity} cues (speaker → target)")
        ax.set_xlabel("target")
    axes[0][0].set_ylabel("speaker")
    figure.tight_layout()
    return figure
