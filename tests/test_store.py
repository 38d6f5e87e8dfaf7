"""The incremental DuckDB store: new, changed, deleted and duplicate files, interrupted runs, schema versions."""

import os
import shutil
from datetime import date, datetime, timezone
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from korwatch_utils.storage import queries, store as store_module
from korwatch_utils.analyses.entities import cooccurrence, entity_table, filter_entities, suggest_aliases
from korwatch_utils.analyses.stance import stance_matrix
from korwatch_utils.analyses.trends import trends
from korwatch_utils.analyses.analysis import analyse
from korwatch_utils.text.cleaning import clean
from korwatch_utils.input.articles import load_articles
from korwatch_utils.analyses.entities import entity_mentions
from korwatch_utils.nlp.ner import annotate
from korwatch_utils.storage.store import SCHEMA_VERSION, Store, StoreError, default_store_path
from korwatch_utils.tables import conform, join_lists


@pytest.fixture()
def folder(tmp_path, seeds_dir):
    target = tmp_path / "articles"
    shutil.copytree(seeds_dir, target)
    return target


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))


def assert_same_as_fresh_analysis(store: Store, folder) -> None:
    """Every stored table equals what a from-scratch analysis of the folder gives."""
    fresh = analyse(clean(load_articles(folder).articles).articles)
    stored = store.tables()
    for name in fresh._fields:
        pd.testing.assert_frame_equal(getattr(stored, name), getattr(fresh, name), obj=name)


SPELLING_VARIANTS = {  # one name spelt two ways, in articles that fall into different chunks
    "010_caps.txt": "Duda di Kyiv\n\nPresiden Polandia ANDRZEJ DUDA mengecam serangan Rusia pada Senin (22/8/2022). "
                    "ANDRZEJ DUDA mengatakan Polandia mendukung Ukraina. Menurut ANDRZEJ DUDA, NATO harus bersatu.\n",
    "011_mixed.txt": "Duda di Seoul\n\nPresiden Polandia Andrzej Duda tiba di Seoul pada Selasa (23/8/2022) untuk "
                     "bertemu Presiden Korea Selatan Yoon Suk-yeol.\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("chunk_size", [1, 2, 32])
def test_store_equals_a_fresh_analysis_whatever_the_chunk_size(folder, tmp_path, chunk_size):
    for name, text in SPELLING_VARIANTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, chunk_size=chunk_size, progress=False)
    assert_same_as_fresh_analysis(store, folder)
    articles = clean(load_articles(folder).articles).articles
    pd.testing.assert_frame_equal(conform("mentions", entity_mentions(articles, annotate(articles)), sort=True),
                                  store.tables().mentions)  # `korwatch entities` and `korwatch run` agree
    names = set(store.tables().mentions.entity)
    assert "Andrzej Duda" in names and "ANDRZEJ DUDA" not in names


def test_first_sync_then_nothing_to_do(folder, tmp_path):
    store = Store(tmp_path / "k.duckdb")
    first = store.sync(folder, progress=False)
    assert len(first.new) == 5 and not first.changed and not first.deleted
    again = store.sync(folder, progress=False)
    assert (again.new, again.changed, again.deleted, again.unchanged) == ([], [], [], 5)
    assert "ner" not in again.seconds  # the model was not even called
    assert_same_as_fresh_analysis(store, folder)


def test_new_changed_deleted_and_duplicate_files(folder, tmp_path):
    store = Store(tmp_path / "k.duckdb", )
    store.sync(folder, progress=False)
    (folder / "005_new.txt").write_text("Judul Baru\n\nPresiden Rusia Vladimir Putin tiba di Pyongyang pada Rabu "
                                        "(19/6/2024) dan mengecam Amerika Serikat.\n", encoding="utf-8")
    changed = folder / "003_2cf6b44c30c56885.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Washington menuduh", "Washington kembali menuduh"),
                       encoding="utf-8")
    (folder / "004_4a20ed6e27fda8e6.txt").unlink()
    shutil.copy(folder / "000_123b081560ab25d8.txt", folder / "000_copy.txt")  # same text: a duplicate
    report = store.sync(folder, progress=False)
    assert report.new == ["005_new"]
    assert report.changed == ["003_2cf6b44c30c56885"]
    assert report.deleted == ["004_4a20ed6e27fda8e6"]
    assert report.unchanged == 3
    articles = store.table("articles")
    assert set(articles.doc_id) == {"000_123b081560ab25d8", "001_7df7abb8e9f6bdba", "002_0e14fa672863eebd",
                                    "003_2cf6b44c30c56885", "005_new"}
    duplicate = store.table("load_report").set_index("path").filter(like="000_copy", axis=0)
    assert duplicate.status.tolist() == ["skipped"] and "duplicate" in duplicate.reason.iloc[0]
    tables = store.tables()
    assert not (tables.mentions.doc_id == "004_4a20ed6e27fda8e6").any()
    assert "kembali menuduh" in " ".join(tables.cues.sentence)
    assert not tables.mentions.duplicated(["doc_id", "start_char", "end_char"]).any()
    assert_same_as_fresh_analysis(store, folder)


def test_metadata_change_reanalyses_the_article(folder, tmp_path):
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, progress=False)
    metadata = folder / "metadata.csv"
    frame = pd.read_csv(metadata, keep_default_na=False, dtype=str)
    frame.loc[frame.file.str.startswith("003"), "published"] = "2023-09-06"
    frame.to_csv(metadata, index=False)
    report = store.sync(folder, progress=False)
    assert report.changed == ["003_2cf6b44c30c56885"]
    references = store.tables().references.set_index("doc_id")
    assert references.loc["003_2cf6b44c30c56885", ["reference", "source"]].tolist() == ["2023-09-06", "metadata"]


def test_new_model_version_reanalyses_everything(folder, tmp_path, monkeypatch):
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, progress=False)
    monkeypatch.setattr(store_module, "model_version", lambda models_dir=None: "another-model")
    report = store.sync(folder, progress=False)
    assert len(report.changed) == 5
    assert store.meta()["model_version"] == "another-model"


def test_changed_korwatch_code_reanalyses_everything(folder, tmp_path, monkeypatch):
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, progress=False)
    assert store.sync(folder, progress=False).unchanged == 5
    monkeypatch.setattr(store_module, "code_version", lambda: "other-code")
    assert len(store.sync(folder, progress=False).changed) == 5


def test_an_analysts_alias_file_reanalyses_everything(folder, tmp_path):
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, progress=False)
    (folder / "aliases.csv").write_text("alias,entity,type\nPyongyang,Korea Utara,LOC\n", encoding="utf-8")
    report = store.sync(folder, progress=False)
    assert len(report.changed) == 5
    assert "Pyongyang" not in set(store.tables().mentions.entity)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from korwatch_utils.storage import store
    original = store.Store._write_chunk
    written = []
    def write_then_die(self, con, doc_ids, tables):
        original(self, con, doc_ids, tables)
        written.append(doc_ids)
        if len(written) == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # a crash between two chunks, as hard as it gets
    store.Store._write_chunk = write_then_die
    store.Store(sys.argv[1]).sync(sys.argv[2], chunk_size=1, progress=False)
""")


@pytest.mark.slow
def test_a_killed_run_is_finished_by_the_next_one(folder, tmp_path):
    path = tmp_path / "k.duckdb"
    result = subprocess.run([sys.executable, "-c", KILLER, str(path), str(folder)], capture_output=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]
    store = Store(path)
    assert len(store.table("articles")) == 2  # two chunks of one article made it
    report = store.sync(folder, progress=False)
    assert len(report.new) == 3 and report.unchanged == 2
    assert_same_as_fresh_analysis(store, folder)


def test_a_failing_chunk_leaves_nothing_half_written(folder, tmp_path, monkeypatch):
    store = Store(tmp_path / "k.duckdb")
    original = store_module.Store._insert
    calls = []

    def fail_on_cues(con, name, frame):
        if name == "cues":
            calls.append(name)
            raise KeyboardInterrupt  # Ctrl-C in the middle of writing a chunk
        original(con, name, frame)

    monkeypatch.setattr(store_module.Store, "_insert", staticmethod(fail_on_cues))
    with pytest.raises(KeyboardInterrupt):
        store.sync(folder, chunk_size=5, progress=False)
    monkeypatch.setattr(store_module.Store, "_insert", staticmethod(original))
    assert calls and store.table("articles").empty and store.table("mentions").empty
    store.sync(folder, progress=False)
    assert_same_as_fresh_analysis(store, folder)


def test_schema_version_is_checked_and_migrated(tmp_path, monkeypatch):
    import duckdb

    path = tmp_path / "k.duckdb"
    Store(path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(StoreError, match="newer korwatch"):
        Store(path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
    # A future schema that adds a column: opening the current store migrates it.
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(store_module, "MIGRATIONS", {SCHEMA_VERSION: ["ALTER TABLE articles ADD COLUMN note VARCHAR"]})
    migrated = Store(path)
    assert migrated.meta()["schema_version"] == str(SCHEMA_VERSION + 1)
    with duckdb.connect(str(path)) as con:
        assert "note" in [row[0] for row in con.execute("DESCRIBE articles").fetchall()]


def test_a_version_1_store_is_migrated_and_analysed_again(folder, tmp_path):
    import duckdb

    path = tmp_path / "k.duckdb"
    with duckdb.connect(str(path)) as con:  # what korwatch's schema 1 wrote, with one stored article
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        con.execute("CREATE TABLE articles (doc_id VARCHAR, store_key VARCHAR)")
        con.execute("INSERT INTO articles VALUES ('000_123b081560ab25d8', 'old-key')")
        con.execute("CREATE TABLE reference_dates (doc_id VARCHAR, reference VARCHAR, source VARCHAR, evidence VARCHAR)")
        con.execute("CREATE TABLE events (doc_id VARCHAR, entities VARCHAR, stance VARCHAR)")
        con.execute("INSERT INTO events VALUES ('000_123b081560ab25d8', 'Korea Utara; Rusia', '')")
    store = Store(path)
    assert store.meta()["schema_version"] == str(SCHEMA_VERSION) and store.table("articles").empty
    with duckdb.connect(str(path)) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        kinds = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'events'").fetchall())
    assert "reference_dates" not in tables and "references" in tables and kinds["entities"] == "VARCHAR[]"
    assert len(store.sync(folder, progress=False).new) == 5
    assert_same_as_fresh_analysis(store, folder)


def test_a_version_2_store_is_rebuilt_with_the_new_columns(folder, tmp_path):
    import duckdb

    path = tmp_path / "k.duckdb"
    with duckdb.connect(str(path)) as con:  # schema 2: no dateline, hedged or ambiguous columns yet
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
        con.execute('CREATE TABLE "references" (doc_id VARCHAR, reference VARCHAR, source VARCHAR, evidence VARCHAR)')
        con.execute("CREATE TABLE articles (doc_id VARCHAR, store_key VARCHAR)")
    store = Store(path)
    assert store.meta()["schema_version"] == str(SCHEMA_VERSION) and "ambiguous" in store.table("references")
    assert len(store.sync(folder, progress=False).new) == 5
    assert_same_as_fresh_analysis(store, folder)


def test_default_store_sits_beside_the_input(tmp_path):
    assert default_store_path(tmp_path / "berita") == tmp_path / "berita.korwatch" / "korwatch.duckdb"


SYNC = textwrap.dedent("""
    import sys
    from korwatch_utils.storage.store import Store
    report = Store(sys.argv[1]).sync(sys.argv[2], chunk_size=1, progress=False)
    print(len(report.new) + len(report.changed) + report.unchanged)
""")
HOLD_LOCK = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
""")


@pytest.mark.slow
def test_two_syncs_at_once_both_succeed(folder, tmp_path):
    path = tmp_path / "k.duckdb"
    Store(path)
    runs = [subprocess.Popen([sys.executable, "-c", SYNC, str(path), str(folder)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-1500:] for _, err in results]
    assert all(out.strip() == "5" and "Traceback" not in err for out, err in results)
    assert_same_as_fresh_analysis(Store(path), folder)


@pytest.mark.slow
def test_a_notebook_style_read_during_a_sync_succeeds(folder, tmp_path):
    path = tmp_path / "k.duckdb"
    Store(path)
    run = subprocess.Popen([sys.executable, "-c", SYNC, str(path), str(folder)], stderr=subprocess.PIPE, text=True)
    seen = set()
    while run.poll() is None:
        seen.add(len(Store(path).table("articles")))  # waits while a chunk is being committed
    assert run.wait() == 0
    assert len(Store(path).table("articles")) == 5 and seen <= {0, 1, 2, 3, 4, 5}


@pytest.mark.slow
def test_a_store_busy_past_the_limit_stops_with_one_line_and_status_2(folder, tmp_path):
    path = tmp_path / "k.duckdb"
    Store(path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", "run", str(folder), "--store", str(path),
                               "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "KORWATCH_BUSY_TIMEOUT": "1"})
    finally:
        holder.kill()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == ["store busy: another korwatch process is writing; waiting",
                     f"korwatch: error: store busy: another korwatch process has been writing to {path} for 1 s; "
                     "try again when it has finished"]


def test_the_day_of_the_analysis_keys_the_store_by_its_year_where_files_have_a_modification_day(folder, tmp_path):
    written = datetime(2026, 11, 30, 12, tzinfo=timezone.utc).timestamp()  # before every day below, whatever today is
    for path in folder.iterdir():
        os.utime(path, (written, written))
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, progress=False, today=date(2026, 12, 7))
    assert store.sync(folder, progress=False, today=date(2026, 12, 8)).unchanged == 5  # same year: nothing to redo
    assert len(store.sync(folder, progress=False, today=date(2027, 1, 2)).changed) == 5  # a new year may date more


def test_today_is_a_parameter_of_the_timeline_and_no_date_is_inferred_after_it():
    from korwatch_utils.analyses.timeline import infer_reference, today_in_key

    text = "Ia berbicara di Jakarta, Senin (22/8)."  # a Monday 22 August: 2016, 2022 ...
    assert infer_reference(text, today=date(2026, 12, 7)).reference == "2022-08-22"
    assert infer_reference(text, today=date(2020, 1, 1)).reference == "2016-08-22"
    assert today_in_key(date(2026, 12, 7), "2026-11-30") == "2026"
    assert today_in_key(date(2026, 12, 7), "") == "2026-12-07"  # no modification day: today bounds the date


def test_a_new_article_recleans_only_the_articles_whose_site_furniture_it_changes(folder, tmp_path):
    """A line becomes a site's furniture when its third article arrives: the two earlier articles of that site
    are cleaned again, the others are not, and the store still equals a fresh analysis."""
    furniture = "Redaksi Warta Timur menerima tulisan opini pembaca lewat surel redaksi"
    stories = ["Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam untuk kunjungan dua hari.",
               "Korea Selatan memanggil duta besar Rusia setelah pakta pertahanan itu diteken di Pyongyang.",
               "Jepang menyatakan keprihatinan atas kerja sama militer Rusia dan Korea Utara pada Rabu."]
    metadata = pd.read_csv(folder / "metadata.csv", keep_default_na=False, dtype=str)

    def add(n: int) -> None:
        for i in range(n + 1):
            (folder / f"wt{i}.txt").write_text(f"{stories[i]}\n{furniture}\n", encoding="utf-8")
        rows = [{"file": f"wt{i}.txt", "outlet": "Warta Timur"} for i in range(n + 1)]
        pd.concat([metadata, pd.DataFrame(rows)]).fillna("").to_csv(folder / "metadata.csv", index=False)

    store = Store(tmp_path / "k.duckdb")
    add(1)
    store.sync(folder, progress=False)
    assert furniture in " ".join(store.table("articles").text)
    add(2)
    report = store.sync(folder, progress=False)
    assert (report.new, report.changed, report.unchanged) == (["wt2"], ["wt0", "wt1"], 5)
    assert furniture not in " ".join(store.table("articles").text)
    assert set(store.table("removed").query("text == @furniture").rule) == {"repeated"}
    assert_same_as_fresh_analysis(store, folder)


INDOSUM = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "articles" / "indosum-dev"


@pytest.mark.slow
def test_database_aggregates_equal_the_pandas_tables_on_the_seeds_and_a_news_folder(folder, tmp_path):
    """Every table `storage.queries` computes in DuckDB (entity totals under every filter, entity table,
    co-occurrence, name counts, merged spellings, stance matrix, cues, trends, events) equals the `analyses`
    function over `Store.tables()`, row for row."""
    for name, text in SPELLING_VARIANTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    for path in sorted(INDOSUM.glob("*.txt"))[:40]:
        shutil.copy(path, folder / path.name)
    store = Store(tmp_path / "k.duckdb")
    store.sync(folder, progress=False)
    tables = store.tables()
    assert len(tables.mentions) > 500 and (tables.cues.speaker != "").sum() > 10
    searched = tables.mentions.entity[tables.mentions.entity != ""].iloc[0][:4]
    for options in ({}, {"merge": False}, {"types": ["PER", "ORG"]}, {"search": searched}, {"min_mentions": 3},
                    {"doc_ids": sorted(set(tables.mentions.doc_id))[:7]}):
        pd.testing.assert_frame_equal(queries.entity_totals(store, **options),
                                      filter_entities(tables.mentions, **options), obj=str(options))
    pd.testing.assert_frame_equal(queries.stance_matrix(store), stance_matrix(tables.cues))
    pd.testing.assert_frame_equal(queries.events(store), join_lists(tables.events), check_dtype=False)
    pd.testing.assert_frame_equal(queries.events(store, lists=True), tables.events, check_dtype=False)
    pd.testing.assert_frame_equal(queries.cues(store), tables.cues, check_dtype=False)
    pd.testing.assert_frame_equal(queries.entity_table(store), entity_table(tables.mentions), check_dtype=False)
    pd.testing.assert_frame_equal(queries.cooccurrence(store), cooccurrence(tables.mentions), check_dtype=False)
    pd.testing.assert_frame_equal(suggest_aliases(queries.mention_counts(store)), suggest_aliases(tables.mentions),
                                  check_dtype=False)
    respelt = tables.mentions[tables.mentions.text != tables.mentions.entity]
    pd.testing.assert_frame_equal(queries.merged_spellings(store), respelt.groupby(["text", "entity", "type"]).size()
                                  .reset_index(name="mentions"), check_dtype=False)
    for options in ({}, {"freq": "week"}, {"exclude_ambiguous": True}, {"types": ["LOC"]},
                    {"entities": ["Korea Utara", "Rusia"]}):
        database, in_memory = (queries.trends(store, **options),
                               trends(tables.mentions, tables.cues, tables.references, **options))
        pd.testing.assert_frame_equal(database.table, in_memory.table, check_dtype=False, obj=str(options))
        assert (database.undated, database.ambiguous) == (in_memory.undated, in_memory.ambiguous)


def test_article_fields_read_the_chosen_columns_of_every_article_and_refuse_an_unknown_one(tmp_path, seeds_dir):
    from korwatch_utils.storage import queries

    store = Store(tmp_path / "k.duckdb")
    store.sync(seeds_dir, progress=False)
    fields = queries.article_fields(store, "path", "outlet")
    assert list(fields.columns) == ["doc_id", "path", "outlet"]
    assert sorted(fields.doc_id) == sorted(store.table("articles").doc_id)
    with pytest.raises(KeyError, match="no password"):
        queries.article_fields(store, "password")
