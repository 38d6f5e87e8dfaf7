"""HTML views of articles; all article text is escaped, since it is untrusted."""

from __future__ import annotations

from html import escape

import pandas as pd

from korwatch_utils.tables import join_lists

_STYLE = (
    "<style>"
    ".kw-diff{display:flex;gap:1em;font-family:sans-serif;font-size:13px}"
    ".kw-diff>div{flex:1;min-width:0}"
    ".kw-line{margin:2px 0;white-space:pre-wrap}"
    ".kw-removed{color:#8a1c1c;background:#fde8e8}"
    ".kw-rule{font-size:11px;background:#8a1c1c;color:#fff;border-radius:3px;padding:0 4px;margin-left:4px}"
    ".kw-cut{background:#fde8e8;color:#8a1c1c;text-decoration:line-through}"
    ".kw-no{color:#999;display:inline-block;width:2.5em}"
    "</style>"
)


def article_diff_html(doc_id: str, cleaned) -> str:
    """Side-by-side HTML of one article: its lines with removals marked, and the cleaned text.

    Args:
        doc_id: the article to show.
        cleaned: the CleanResult from `korwatch_utils.text.cleaning.clean`.

    Returns:
        An HTML fragment; every piece of article text in it is escaped.
    """
    article = cleaned.articles.loc[cleaned.articles["doc_id"] == doc_id].iloc[0]
    lines = cleaned.paragraphs.loc[cleaned.paragraphs["doc_id"] == doc_id]
    cuts = cleaned.removed.loc[cleaned.removed["doc_id"] == doc_id]
    left = []
    for line in lines.itertuples():
        number = f'<span class="kw-no">{line.line_no}</span>'
        if line.rule:
            badge = f'<span class="kw-rule">{escape(line.rule)}</span>'
            left.append(f'<div class="kw-line kw-removed"><s>{number}{escape(line.text)}</s>{badge}</div>')
            continue
        shown, badges = escape(line.text), ""
        for cut in cuts.loc[cuts["line_no"] == line.line_no].itertuples():
            shown = shown.replace(escape(cut.text), f'<span class="kw-cut">{escape(cut.text)}</span>', 1)
            badges += f'<span class="kw-rule">{escape(cut.rule)}</span>'
        left.append(f'<div class="kw-line">{number}{shown}{badges}</div>')
    right = [f'<div class="kw-line">{escape(p)}</div>' for p in article["text"].split("\n\n") if p]
    title = escape(article["title"] or "(no title)")
    return (
        f"{_STYLE}<h4>{escape(str(doc_id))}: {title}</h4>"
        f'<div class="kw-diff"><div><b>As loaded (normalised; removed lines struck, with their rule)</b>{"".join(left)}</div>'
        f'<div><b>Cleaned</b>{"".join(right)}</div></div>'
    )


def table_html(frame: pd.DataFrame) -> str:
    """A DataFrame as an HTML table with every cell escaped (list cells joined with "; ")."""
    return join_lists(frame).to_html(index=False, escape=True)


def cue_sentences_html(cues: pd.DataFrame, limit: int = 50) -> str:
    """Each cue's sentence with the cue, the speaker and the target highlighted; all text escaped.

    Args:
        cues: rows of the cues table (`stance.stance_cues`).
        limit: show at most this many sentences.
    """
    style = ("<style>.kw-cue{background:#fde68a;font-weight:bold}.kw-speaker{background:#bfdbfe}"
             ".kw-target{background:#fecaca}.kw-sent{font-family:sans-serif;font-size:13px;margin:6px 0}"
             ".kw-meta{color:#555;font-size:11px}</style>")
    parts = [style, '<div class="kw-sent"><span class="kw-cue">cue</span> <span class="kw-speaker">speaker</span> '
                    '<span class="kw-target">target</span></div>']
    for row in cues.head(limit).itertuples(index=False):
        sentence = escape(row.sentence)
        sentence = _mark(sentence, escape(row.cue), "kw-cue")
        written = getattr(row, "speaker_text", "") or row.speaker  # the speaker as the sentence writes it
        for name, css in ((written, "kw-speaker"), (row.target, "kw-target")):
            if name:
                sentence = _mark(sentence, escape(name), css)
        meta = (f"{escape(str(row.doc_id))} #{row.sent_id} · {escape(row.category)} ({escape(row.polarity)}"
                f"{', negated' if row.negated else ''}) · speaker: {escape(row.speaker) or '?'}"
                f" [{escape(getattr(row, 'speaker_source', '') or row.attribution) or 'unknown'}]"
                f"{f' · confidence {row.confidence:.2f}' if hasattr(row, 'confidence') else ''}"
                f" · target: {escape(row.target) or '?'}")
        parts.append(f'<div class="kw-sent">{sentence}<div class="kw-meta">{meta}</div></div>')
    if len(cues) > limit:
        parts.append(f'<div class="kw-meta">… and {len(cues) - limit} more</div>')
    return "".join(parts)


def _mark(html: str, fragment: str, css: str) -> str:
    """Wrap the first occurrence of an (escaped) fragment outside any tag in a span."""
    position = 0
    while True:
        index = html.find(fragment, position)
        if index < 0 or not fragment:
            return html
        if html.rfind("<", 0, index) <= html.rfind(">", 0, index):  # not inside a tag
            return f'{html[:index]}<span class="{css}">{fragment}</span>{html[index + len(fragment):]}'
        position = index + 1
