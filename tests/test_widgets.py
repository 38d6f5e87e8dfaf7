"""Widgets and HTML views, driven from code without a browser."""

import ipywidgets as widgets

from korwatch_utils import clean, load_articles
from korwatch_utils.render import article_diff_html
from korwatch_utils.widgets import article_viewer


def test_picking_an_article_redraws_the_pane(seeds_cleaned):
    viewer = article_viewer(seeds_cleaned)
    picker, pane = viewer.children
    assert isinstance(picker, widgets.Dropdown) and picker.value == "000_123b081560ab25d8"
    assert "Ren Hao" in pane.value and "byline" in pane.value
    picker.value = "004_4a20ed6e27fda8e6"
    assert "Wonderful web site" in pane.value and "Ren Hao" not in pane.value


def test_article_text_is_escaped(tmp_path):
    hostile = "<script>alert('x')</script> Putin &amp; Kim bertemu di Pyongyang pada hari Rabu. <b>tebal</b>\n"
    (tmp_path / "h.txt").write_text("Judul <i>miring</i>\n" + hostile + "[iklan_1]\n", encoding="utf-8")
    cleaned = clean(load_articles(tmp_path).articles)
    html = article_diff_html("h", cleaned)
    assert "<script>" not in html and "<b>tebal" not in html and "<i>miring" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html
