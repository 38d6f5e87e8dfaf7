"""The notebooks run on a folder other than seeds/, headless, as `korwatch run` does it."""

from pathlib import Path

import pandas as pd
import pytest

from korwatch_utils.cli import main

pytestmark = pytest.mark.slow  # kernels, browsers, Dask clusters or whole runs: not in make test-quick

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_korwatch_run_executes_notebooks_on_another_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "Kim Jong Un Tiba di Vladivostok <script>alert('x')</script>\n\nPemimpin Korea Utara Kim Jong Un tiba di Vladivostok pada Selasa "
        "untuk bertemu Presiden Rusia Vladimir Putin.\n\nBaca juga: Putin ke Pyongyang\n", encoding="utf-8")
    (articles / "b.html").write_text(
        "<html><body><article><p>Kementerian Luar Negeri Korea Selatan memanggil duta besar Rusia di Seoul "
        "pada hari Kamis untuk memprotes pakta pertahanan itu.</p></article></body></html>", encoding="utf-8")
    (articles / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    out = tmp_path / "out"
    assert main(["run", str(articles), "--out", str(out), "--notebooks", str(NOTEBOOKS)]) == 0
    executed = sorted(p.name for p in out.glob("*.ipynb"))
    assert executed == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    report = pd.read_csv(out / "load_report.csv", keep_default_na=False)
    assert report.set_index("doc_id").loc["broken", "status"] == "skipped"
    removed = pd.read_csv(out / "removed.csv", keep_default_na=False)
    assert set(removed.rule) == {"title", "related_link"}
    mentions = pd.read_csv(out / "mentions.csv", keep_default_na=False)
    assert {"Kim Jong Un", "Vladimir Putin"} <= set(mentions.text)
    entities = pd.read_csv(out / "entities.csv", keep_default_na=False)
    assert {("a", "Kim Jong Un", "PER"), ("a", "Vladimir Putin", "PER"), ("b", "Seoul", "LOC")} <= set(
        zip(entities.doc_id, entities.entity, entities.type))
    cues = pd.read_csv(out / "cues.csv", keep_default_na=False)
    assert list(cues.columns[:9]) == ["doc_id", "sent_id", "speaker", "cue", "category", "polarity", "target",
                                      "quote", "sentence"]
    events = pd.read_csv(out / "events.csv", keep_default_na=False)
    assert set(events.expression) >= {"Selasa", "pada hari Kamis"}
    assert set(events.resolved_by) == {"unresolved"}  # no published date nor full date: nothing is guessed
    for notebook in executed:
        text = (out / notebook).read_text(encoding="utf-8")
        assert "000_123b081560ab25d8" not in text, f"{notebook} still shows the seeds"
    assert "Kim Jong Un tiba di Vladivostok" in (out / "01_cleaning.ipynb").read_text(encoding="utf-8")
    assert "Vladimir Putin" in (out / "02_entity_frequency.ipynb").read_text(encoding="utf-8")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Vladimir Putin" in report and "<img" in report
    assert "<script>" not in report and "&lt;script&gt;" in report
    assert "2 new, 0 changed, 0 deleted, 0 unchanged" in capsys.readouterr().err  # the folder, not the seeds

    # A re-run analyses nothing again: the store beside the folder already has both articles.
    assert main(["run", str(articles), "--out", str(out), "--notebooks", str(NOTEBOOKS)]) == 0
    assert "0 new, 0 changed, 0 deleted, 2 unchanged" in capsys.readouterr().err
    assert (tmp_path / "articles.korwatch" / "korwatch.duckdb").is_file()
