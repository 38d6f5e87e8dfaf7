"""matplotlib figures for the notebooks; each takes a table and returns the Figure."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from korwatch_utils.analyses.trends import periods_between

TYPE_COLOURS = {"PER": "#1f77b4", "ORG": "#ff7f0e", "LOC": "#2ca02c"}
MAX_PERIOD_LABELS = 16  # period labels on a share-over-time axis; the rest are thinned out
# DejaVu Sans (matplotlib's own) draws Latin and Cyrillic; NanumGothic, shipped by the pinned
# koreanize-matplotlib under the SIL Open Font License, draws Hangul. matplotlib falls back from one
# family of the list to the next glyph by glyph.
FONT_FAMILIES = ["DejaVu Sans", "NanumGothic"]
HANGUL_FONT_PACKAGE, HANGUL_FONT_FILE = "koreanize_matplotlib", Path("fonts") / "NanumGothic.ttf"


def use_fonts_for_every_script() -> None:
    """Register NanumGothic and draw text in FONT_FAMILIES, so Korean, Cyrillic and Latin names all render.

    Only the font file is read: importing koreanize_matplotlib would set its own font for everything.
    """
    spec = importlib.util.find_spec(HANGUL_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return  # not installed: charts still draw, Hangul as boxes
    font = Path(list(spec.submodule_search_locations)[0]) / HANGUL_FONT_FILE
    if font.is_file() and FONT_FAMILIES[1] not in {entry.name for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(font))
    plt.rcParams["font.family"] = FONT_FAMILIES


use_fonts_for_every_script()


def entity_bar_chart(totals: pd.DataFrame, top_n: int = 20, ax=None, title: str = "Most mentioned entities"):
    """Horizontal bars of the top_n entities by mentions, coloured by type (totals: entity, type, mentions)."""
    top = totals.head(top_n).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * len(top) + 1)))
    ax.barh(top["entity"], top["mentions"], color=[TYPE_COLOURS.get(kind, "#7f7f7f") for kind in top["type"]])
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour) for colour in TYPE_COLOURS.values()]
    ax.legend(handles, TYPE_COLOURS.keys(), loc="best", framealpha=0.8)
    ax.set_xlabel("mentions")
    ax.set_title(title if len(top) else f"{title}: none match the filters")
    ax.figure.tight_layout()
    return ax.figure


def cooccurrence_heatmap(pairs: pd.DataFrame, entities: list[str], ax=None):
    """Sentences shared by each pair of the given entities, as a symmetric heatmap with counts written in."""
    if not entities:
        if ax is None:
            _, ax = plt.subplots(figsize=(4, 1))
        ax.set_axis_off()
        ax.set_title("no entities to show")
        return ax.figure
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


def attention_chart(table: pd.DataFrame, top_n: int = 6, ax=None):
    """Mentions over time of the `top_n` most mentioned entities of a `trends.trends` table, one line each."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    if table.empty:
        ax.set_axis_off()
        ax.set_title("no dated articles")
        return ax.figure
    top = table.groupby("entity")["mentions"].sum().sort_values(ascending=False, kind="stable").index[:top_n]
    wide = table[table["entity"].isin(top)].pivot_table(index="period", columns="entity", values="mentions",
                                                         aggfunc="sum", fill_value=0)
    wide = wide.reindex(periods_between(wide.index.min(), wide.index.max()), fill_value=0)  # quiet periods at 0
    wide[list(top)].plot(ax=ax, marker="o")
    ax.set_xlabel("")
    ax.set_ylabel("mentions")
    ax.set_title("Attention over time (by each article's reference date)")
    ax.legend(fontsize=8, frameon=False)
    ax.figure.tight_layout()
    return ax.figure


def pair_balance_chart(balance: pd.DataFrame, speaker: str, target: str, ax=None):
    """Negative (down) and positive (up) cues from speaker to target per period, from `trends.pair_balance`."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    if balance.empty:
        ax.set_axis_off()
        ax.set_title(f"no dated cues from {speaker} to {target}")
        return ax.figure
    balance = balance.set_index("period").reindex(periods_between(balance["period"].min(), balance["period"].max()),
                                                  fill_value=0).rename_axis("period").reset_index()
    ax.bar(balance["period"], balance["positive"], color="#4c9f70", label="positive")
    ax.bar(balance["period"], -balance["negative"], color="#c0504d", label="negative")
    ax.axhline(0, color="k", linewidth=0.8)
    ax.set_title(f"{speaker} -> {target}: stance cues per period")
    ax.set_ylabel("cues")
    ax.legend(fontsize=8, frameon=False)
    ax.figure.tight_layout()
    return ax.figure


def _date_clusters(days: list, gap_days: int = 730) -> list[list]:
    """Sorted dates split where more than gap_days separate neighbours (1961 | 2000 | 2023-2024)."""
    clusters: list[list] = []
    for day in sorted(days):
        if clusters and (day - clusters[-1][-1]).days <= gap_days:
            clusters[-1].append(day)
        else:
            clusters.append([day])
    return clusters


def timeline_chart(events: pd.DataFrame, colour_by: str = "entity", max_colours: int = 8, max_rows: int = 25):
    """Dated events as marks on a date axis, one row per article; the axis breaks across gaps of years.

    With more than max_rows articles, the rows are the max_rows entities named in
    most events instead (an event sits on the row of its first such entity), so
    the chart stays readable, and quick to draw, for a thousand articles.

    Args:
        events: the events table (`timeline.timeline`); undated events are left out.
        colour_by: "entity" (the event's first entity) or "doc_id".
        max_colours: distinct colours for the commonest keys; the rest are grey.

    Returns:
        The Figure: one panel per cluster of dates, so 1961, 2000 and 2024 are all readable.
        A range (e.g. "19 dan 20 Juni") is a bar from its start to its end; a planned event is hollow;
        an event dated against an ambiguous reference is hatched (its scatter has gid "ambiguous").
    """
    dated = events[events["date"] != ""].reset_index(drop=True)  # a unique index: `_timeline_rows` relies on it
    if dated.empty:
        return _empty_timeline("no dated events")
    dated, title = _timeline_rows(dated, colour_by, max_rows)
    if dated.empty:  # many articles, and no dated event names an entity
        return _empty_timeline("no dated event names an entity")
    palette = plt.get_cmap("tab10").colors
    common = dated["key"].value_counts().index[:max_colours]  # the commonest keys by events, not by marks
    # Marks that would fall on one another are drawn once (`doc_id` is the row here: an article or an entity).
    dated = dated.drop_duplicates(["doc_id", "start", "stop", "key", "planned", "ambiguous"])
    colours = {key: palette[i % len(palette)] for i, key in enumerate(common)}
    rows = {doc_id: i for i, doc_id in enumerate(sorted(dated["doc_id"].unique()))}
    clusters = _date_clusters(list(dated["start"]))
    stops = [dated.loc[(dated["start"] >= c[0]) & (dated["start"] <= c[-1]), "stop"].max() for c in clusters]
    spans = [max((stop - c[0]).days, 30) for c, stop in zip(clusters, stops)]
    figure, axes = plt.subplots(1, len(clusters), sharey=True, squeeze=False,
                                figsize=(min(16, 4 + 3 * len(clusters)), 1.2 + 0.55 * len(rows)),
                                gridspec_kw={"width_ratios": [max(s, sum(spans) * 0.15) for s in spans], "wspace": 0.06})
    for ax, cluster in zip(axes[0], clusters):
        _timeline_panel(ax, dated[(dated["start"] >= cluster[0]) & (dated["start"] <= cluster[-1])], cluster, rows,
                        colours)
    _break_marks(axes[0])
    axes[0][0].set_yticks(list(rows.values()), list(rows.keys()), fontsize=8)
    axes[0][0].set_ylim(-0.7, len(rows) - 0.1)
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=colour) for colour in colours.values()]
    figure.legend(handles, list(colours.keys()), loc="lower center", ncol=min(4, len(colours)), fontsize=8,
                  frameon=False)
    figure.suptitle(title, fontsize=11)
    figure.subplots_adjust(bottom=0.12 + 0.05 * ((len(colours) + 3) // 4), top=0.85)
    return figure


def _empty_timeline(title: str):
    figure, ax = plt.subplots(figsize=(7, 1.5))
    ax.set_axis_off()
    ax.set_title(title)
    return figure


def _timeline_rows(dated: pd.DataFrame, colour_by: str, max_rows: int) -> tuple[pd.DataFrame, str]:
    """The dated events with start, stop, colour key and row (doc_id, or an entity past max_rows articles),
    and the chart's title."""
    dated["start"] = pd.to_datetime(dated["date"])
    dated["stop"] = pd.to_datetime(dated["end"].where(dated["end"] != "", dated["date"]))
    dated["key"] = ([names[0] if names else "(no entity)" for names in dated["entities"]]
                    if colour_by == "entity" else dated["doc_id"])
    if dated["doc_id"].nunique() <= max_rows:
        return dated, "Dated events (hollow: planned; hatched: ambiguous year; bars: ranges)"
    named = dated["entities"].explode().dropna().astype(str)  # one row per (event, entity), in list order
    top = list(named.value_counts().index[:max_rows])
    first = named[named.isin(top)]
    dated["doc_id"] = first[~first.index.duplicated()].reindex(dated.index).fillna("")  # each event's first top one
    return dated[dated["doc_id"] != ""], (f"Dated events of the {len(top)} entities named in most of them "
                                          "(hollow: planned; hatched: ambiguous year; bars: ranges)")


def _timeline_panel(ax, chosen: pd.DataFrame, cluster: list, rows: dict, colours: dict) -> None:
    """One cluster of dates: range bars, marks (hollow when planned, hatched when ambiguous), sparse labels."""
    low, high = cluster[0], max(cluster[-1], chosen["stop"].max())  # a year-long event shows whole
    pad = pd.Timedelta(days=max(3, (high - low).days * 0.08 + 3))
    labelled: dict[int, pd.Timestamp] = {}
    min_gap = (high - low + 2 * pad) * 0.06  # closer marks on a row share the first one's label
    chosen = chosen.sort_values("start")
    ys = chosen["doc_id"].map(rows)
    edge = [colours.get(key, "#999999") for key in chosen["key"]]
    ranged = (chosen["stop"] > chosen["start"]).to_numpy()
    if ranged.any():  # one call per panel: drawing thousands of events stays quick
        ax.hlines(ys[ranged], chosen["start"][ranged], chosen["stop"][ranged], linewidth=5, alpha=0.6,
                  colors=[c for c, r in zip(edge, ranged) if r])
    faces = ["white" if planned else colour for planned, colour in zip(chosen["planned"], edge)]
    for ambiguous in (False, True):  # dates resting on an ambiguous reference: hatched, apart
        keep = (chosen["ambiguous"] == ambiguous).to_numpy()
        if keep.any():
            ax.scatter(chosen["start"][keep], ys[keep], s=64, zorder=3, hatch="/////" if ambiguous else None,
                       edgecolors=[c for c, k in zip(edge, keep) if k], gid="ambiguous" if ambiguous else "dated",
                       facecolors=["white" if ambiguous else f for f, k in zip(faces, keep) if k])
    for start, y, key in zip(chosen["start"], ys, chosen["key"]):
        if y in labelled and start - labelled[y] < min_gap:
            continue
        labelled[y] = start
        ax.annotate(str(key)[:22], (start, y), xytext=(0, 7), textcoords="offset points", fontsize=7,
                    rotation=25, ha="left", va="bottom")
    ax.set_xlim(low - pad, high + pad)
    locator = mdates.AutoDateLocator(minticks=1, maxticks=4)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)


def _break_marks(axes) -> None:
    """The // marks of a broken axis between neighbouring panels."""
    for left, right in zip(axes[:-1], axes[1:]):
        left.spines["right"].set_visible(False)
        right.spines["left"].set_visible(False)
        right.tick_params(axis="y", left=False)
        for ax, x in ((left, 1), (right, 0)):
            ax.plot([x - 0.015, x + 0.015], [-0.02, 0.02], transform=ax.transAxes, color="k", clip_on=False)
            ax.plot([x - 0.015, x + 0.015], [0.98, 1.02], transform=ax.transAxes, color="k", clip_on=False)


def share_panels(table: pd.DataFrame, label: str, share: str = "share", low: str = "share_low",
                 high: str = "share_high", *, group: str = "outlet", top_n: int = 8, max_panels: int = 6,
                 title: str = "share of attention"):
    """One panel per outlet (the first max_panels): the top_n rows by share as horizontal bars, each with its
    95 % interval as an error bar."""
    groups = list(dict.fromkeys(table[group]))[:max_panels]
    figure, axes = plt.subplots(1, max(1, len(groups)), squeeze=False,
                                figsize=(max(6.0, 3.6 * len(groups)), max(2.5, 0.32 * top_n + 1.2)))
    if not groups:
        axes[0][0].set_title(f"{title}: nothing to show")
        axes[0][0].axis("off")
        return figure
    for ax, name in zip(axes[0], groups):
        rows = table[table[group] == name].sort_values(share, ascending=False, kind="stable").head(top_n).iloc[::-1]
        ax.barh(rows[label].astype(str), rows[share], color="#4c72b0",
                xerr=[rows[share] - rows[low], rows[high] - rows[share]], ecolor="#333333", capsize=2)
        ax.set_xlim(0, min(1.0, max(0.05, float(rows[high].max()) * 1.1)))
        ax.set_title(str(name), fontsize=10)
        ax.set_xlabel(title)
    figure.tight_layout()
    return figure


def share_over_time_chart(attention: pd.DataFrame, entity: str, outlets: list[str] | None = None, ax=None,
                          max_outlets: int = 8):
    """The entity's share of each outlet's attention per period, a line per outlet with its 95 % band; of
    more than max_outlets outlets, the max_outlets that mention the entity most (the title says so)."""
    rows = attention[attention["entity"] == entity]  # the entity first: an archive's table has a million rows
    rows = rows[~rows["period"].str.startswith("(")]
    if outlets:
        rows = rows[rows["outlet"].isin(outlets)]
    most = rows.groupby("outlet")["mentions"].sum().sort_values(ascending=False, kind="stable")
    if len(most) > max_outlets:  # forty lines with their bands hide one another
        rows = rows[rows["outlet"].isin(most.index[:max_outlets])]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    # Periods are placed by their rank and labelled: as strings, matplotlib would try to read each as a date.
    periods = sorted(set(rows["period"]))
    place = {period: i for i, period in enumerate(periods)}
    for name, group in rows.groupby("outlet", sort=True):
        group = group.sort_values("period")
        x = group["period"].map(place)
        ax.plot(x, group["share"], marker="o", label=str(name))
        ax.fill_between(x, group["share_low"], group["share_high"], alpha=0.15)
    ax.set_ylabel(f"share of attention: {entity}")
    shown = f" (the {max_outlets} of {len(most)} outlets naming it most)" if len(most) > max_outlets else ""
    ax.set_title(f"{entity}, by outlet{shown}" if len(rows) else f"{entity}: no outlet names it in a dated period")
    if len(rows):
        step = max(1, math.ceil(len(periods) / MAX_PERIOD_LABELS))
        ax.set_xticks(range(0, len(periods), step), periods[::step])
        ax.legend(loc="best", fontsize=8, framealpha=0.8)
        ax.tick_params(axis="x", rotation=45)
    ax.figure.tight_layout()
    return ax.figure


def difference_chart(compared: pd.DataFrame, a: str, b: str, top_n: int = 15, ax=None):
    """Each entity's share in outlet a minus outlet b with its 95 % interval; dark where the interval leaves
    out zero (a difference larger than its uncertainty), grey where it does not."""
    rows = compared.head(top_n).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.5, 0.3 * len(rows) + 1.2)))
    ax.barh(rows["entity"], rows["difference"], color=["#1f4e79" if clear else "#bbbbbb" for clear in rows["clear"]],
            xerr=[rows["difference"] - rows["difference_low"], rows["difference_high"] - rows["difference"]],
            ecolor="#333333", capsize=2)
    ax.axvline(0, color="#333333", linewidth=0.8)
    periods = int(rows["shared_periods"].iloc[0]) if len(rows) else 0
    ax.set_xlabel(f"share in {a} minus share in {b}")
    ax.set_title(f"{a} vs {b} over the {periods} period(s) both covered (dark: clear difference)" if len(rows)
                 else f"{a} and {b} share no period")
    ax.figure.tight_layout()
    return ax.figure
