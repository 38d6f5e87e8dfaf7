"""On every seed: no boilerplate survives cleaning, and no line of the article body is lost."""

import re

import pytest

from korwatch_utils.text.cleaning import normalize

# What an analyst would strike from each seed, read by hand: (start of the line, rule).
BOILERPLATE = {
    "000_123b081560ab25d8": [
        ("Putin Kunjungi Korea Utara, AS-Korsel", "title"),
        ("Ren Hao – NTD", "byline"),
        ("(Hui)", "inline_credit"),
    ],
    "001_7df7abb8e9f6bdba": [
        # the photo caption ("... pada September 2023. (Sumber: Sputnik) |"): the line classifier takes it out
        # whole, as the labelled pages count captions (the rules alone cut only its credit)
        ("Presiden Rusia Vladimir Putin dan pemimpin Korea Utara Kim Jong-un dalam pertemuan", "model"),
        ("[iklan_2]", "ad_placeholder"),
        ("Sumber: https://baoquocte.vn/", "source_line"),
        ("Komentar (0)", "comment_section"),
    ],
    "002_0e14fa672863eebd": [
        ("Korea Selatan Murka Rusia dan Korea Utara Jalin Pakta Pertahanan", "title"),
        ("Korea Selatan Murka Rusia dan Korea Utara Jalin Pakta Pertahanan", "repeated_title"),
        ("SEOUL:", "dateline"),
        ("Comments", "comment_section"),
        ("No comments yet.", "comment_section"),
        ("Tinggalkan Balasan", "comment_section"),
        ("Alamat email Anda tidak akan dipublikasikan.", "comment_section"),
    ],
    "003_2cf6b44c30c56885": [
        ("visitaaponce.com", "site_name"),
        ("Washington Kim akan Mengadakan", "title"),
        ("Washington : Kim akan Mengadakan", "repeated_title"),
        # the photo caption under the headline ("... senjata.(AFP)"): the line classifier takes it out whole,
        # as the labelled pages count captions (the rules alone cut only its credit)
        ("Kim Jong Un dikabarkan akan bertemu", "model"),
        ("Baca juga: Korut Luncurkan", "related_link"),
        ("Baca juga: Rusia Cap Jurnalis", "related_link"),
        ("(AFP/Cah)", "inline_credit"),
        ("Cek berita dan artikel yg lain di Google News", "promotion"),
        ("Editor : Thalatie Yani", "editor_line"),
        ("Terkini Lainnya", "section_label"),
        ("Tautan Sahabat", "section_label"),
    ],
    "004_4a20ed6e27fda8e6": [
        ("Putin-Jong Un Bertemu, Putin Tawarkan Pasokan Senjata?", "title"),
        ("pxhs", "comment"),
        ("July 22, 2024 @ 7:15 pm", "comment"),
        ("Wonderful web site", "comment"),
    ],
}


def _body_lines(raw: str, boilerplate: list[tuple[str, str]]) -> list[str]:
    """The seed's lines that are article body: all lines minus the boilerplate, credits cut."""
    body = []
    for line in normalize(raw).split("\n"):
        for start, rule in boilerplate:
            if rule == "dateline" and line.startswith(start):  # cut from the start; the story stays
                line = line[len(start):].lstrip()
        if not line or any(line.startswith(start) for start, rule in boilerplate
                           if not start.startswith("(") and rule != "dateline"):
            continue
        for start, _ in boilerplate:
            if start.startswith("(") and line.endswith(start):
                line = line[: -len(start)].rstrip()
        body.append(line)
    return body


@pytest.mark.parametrize("doc_id", sorted(BOILERPLATE))
def test_no_boilerplate_survives(seeds_cleaned, doc_id):
    article = seeds_cleaned.articles.set_index("doc_id").loc[doc_id]
    removed = seeds_cleaned.removed.loc[seeds_cleaned.removed.doc_id == doc_id]
    for start, rule in BOILERPLATE[doc_id]:
        hits = removed.loc[removed.text.str.startswith(start, na=False) & (removed.rule == rule)]
        assert len(hits) >= 1, f"{start!r} should be removed by {rule}"
        if rule not in ("title", "repeated_title"):
            assert start not in article.text, f"{start!r} survived cleaning"
    # Every removal is one of the listed boilerplate lines: nothing else was taken.
    assert len(removed) == len(BOILERPLATE[doc_id])


@pytest.mark.parametrize("doc_id", sorted(BOILERPLATE))
def test_no_body_line_is_removed(seeds_dir, seeds_cleaned, doc_id):
    article = seeds_cleaned.articles.set_index("doc_id").loc[doc_id]
    body = _body_lines((seeds_dir / f"{doc_id}.txt").read_text(encoding="utf-8"), BOILERPLATE[doc_id])
    kept = article.text.split("\n\n")
    assert kept == body
    sentences = [s for line in body for s in re.split(r"(?<=[.!?])\s+", line) if s]
    assert all(s in article.text for s in sentences)
