"""ipywidgets controls for the notebooks; callbacks only call package functions."""

from __future__ import annotations

import ipywidgets as widgets

from korwatch_utils.render import article_diff_html


def article_viewer(cleaned) -> widgets.VBox:
    """A picker of articles and an HTML pane showing the chosen one raw vs cleaned.

    Args:
        cleaned: the CleanResult from `korwatch_utils.cleaning.clean`.

    Returns:
        VBox(children=[Dropdown, HTML]); setting the dropdown's value redraws the pane.
    """
    doc_ids = list(cleaned.articles["doc_id"])
    picker = widgets.Dropdown(options=doc_ids, description="Article", layout=widgets.Layout(width="60%"))
    pane = widgets.HTML()

    def show(change=None) -> None:
        pane.value = article_diff_html(picker.value, cleaned) if picker.value is not None else ""

    picker.observe(show, names="value")
    show()
    return widgets.VBox([picker, pane])
