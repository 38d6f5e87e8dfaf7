"""The `korwatch` command: CSV on stdout, one-line errors with exit status 2."""

import io
import re
import subprocess
import sys

import pandas as pd
import pytest

from korwatch_utils.cli import CLEAN_COLUMNS, COMMAND_TABLES, main
from korwatch_utils.tables import columns


def run_cli(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_clean_writes_documented_columns(capsys, seeds_dir):
    status, out, _ = run_cli(capsys, "clean", str(seeds_dir))
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert status == 0
    assert list(frame.columns) == CLEAN_COLUMNS == ["doc_id", "title", "published", "outlet", "url", "lang", "n_chars", "text"]
    assert len(frame) == 5 and not frame.text.str.contains("Komentar (0)", regex=False).any()


def test_removed_and_report(capsys, seeds_dir):
    status, out, _ = run_cli(capsys, "removed", str(seeds_dir))
    removed = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert status == 0 and list(removed.columns) == ["doc_id", "line_no", "text", "rule", "score"]
    assert "comment_section" in set(removed.rule)
    status, out, _ = run_cli(capsys, "report", str(seeds_dir))
    report = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert (report.status == "loaded").sum() == 5


def test_extra_rules_option(capsys, tmp_path):
    (tmp_path / "a.txt").write_text("Presiden Yoon mengecam pengerahan pasukan itu.\nIkuti @situs kami\n", encoding="utf-8")
    rules = tmp_path / "my_rules.csv"
    rules.write_text("rule,action,pattern,description\nmy_footer,line,^Ikuti @situs,\n", encoding="utf-8")
    _, out, _ = run_cli(capsys, "removed", str(tmp_path / "a.txt"), "--rules", str(rules))
    assert "my_footer" in out


@pytest.mark.parametrize("args", [["clean", "/no/such/folder"], ["removed", "/no/such/file.txt"]])
def test_bad_path_is_one_line_and_status_2(capsys, args):
    status, out, err = run_cli(capsys, *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("korwatch: error: no such file or folder")


@pytest.mark.parametrize("value", ["inf", "0", "-1", "nan", "lima"])
def test_max_mb_that_is_no_positive_size_is_a_usage_error(capsys, tmp_path, value):
    with pytest.raises(SystemExit) as exit_:
        main(["clean", str(tmp_path), "--max-mb", value])
    assert exit_.value.code == 2 and "not a positive number of megabytes" in capsys.readouterr().err


def test_an_output_folder_that_is_a_file_is_one_line_and_status_2(capsys, tmp_path):
    (tmp_path / "a.txt").write_text("Presiden Yoon mengecam pengerahan pasukan itu.\n", encoding="utf-8")
    taken = tmp_path / "taken"
    taken.write_text("", encoding="utf-8")
    status, _, err = run_cli(capsys, "fetch", "https://berita.example/a", "--into", str(taken))
    assert status == 2 and err.count("\n") == 1 and err.startswith("korwatch: error:")


@pytest.mark.slow
def test_console_script_help():
    for args in (["--help"], ["clean", "--help"], ["run", "--help"]):
        result = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", *args], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: korwatch" in result.stdout
    result = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2


@pytest.mark.parametrize("command", sorted(COMMAND_TABLES))
def test_help_of_each_table_command_lists_every_column_of_its_table(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    words = set(re.findall(r"[a-z_]+", capsys.readouterr().out))
    missing = [column for column in columns(COMMAND_TABLES[command]) if column not in words]
    assert missing == []


@pytest.fixture()
def copied_seeds(tmp_path, seeds_dir, monkeypatch):
    import shutil

    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))  # no NER cache from other tests
    return shutil.copytree(seeds_dir, tmp_path / "articles")


def test_a_table_command_on_an_unchanged_folder_runs_no_model_and_answers_the_same(capsys, copied_seeds, monkeypatch):
    from korwatch_utils.analyses import analysis, stance

    status, first, err = run_cli(capsys, "stance", str(copied_seeds), "--workers", "1")
    assert status == 0 and "5 new" in err
    calls = []
    monkeypatch.setattr(analysis, "annotate", lambda *a, **k: calls.append("ner"))
    monkeypatch.setattr(stance, "parse", lambda *a, **k: calls.append("parser"))
    for command in ("stance", "entity-totals", "timeline", "trends"):
        status, out, err = run_cli(capsys, command, str(copied_seeds), "--workers", "1")
        assert status == 0 and "5 unchanged" in err, err
        if command == "stance":
            assert out == first
    status, _, err = run_cli(capsys, "clean", str(copied_seeds))  # cleaning alone: no store, no model
    assert status == 0 and "store" not in err
    assert calls == []


def test_a_store_answers_alone_when_its_folder_is_gone_and_is_only_read(capsys, copied_seeds, tmp_path, monkeypatch):
    import duckdb

    store = tmp_path / "archive.duckdb"
    status, with_folder, _ = run_cli(capsys, "entity-totals", str(copied_seeds), "--store", str(store), "--workers", "1")
    assert status == 0 and store.is_file()
    copied_seeds.rename(tmp_path / "moved")
    connect, modes = duckdb.connect, []
    monkeypatch.setattr(duckdb, "connect", lambda path, **kwargs: modes.append(kwargs.get("read_only")) or
                        connect(path, **kwargs))
    status, alone, err = run_cli(capsys, "entity-totals", "--store", str(store))
    assert status == 0 and alone == with_folder and "Kim Jong Un" in alone
    for command in ("trends", "stance-matrix", "timeline", "quotes", "merged-spellings"):
        assert run_cli(capsys, command, "--store", str(store))[0] == 0
    assert modes and set(modes) == {True}  # DuckDB's read-only mode: the file is never written (read-only media too)


def test_the_tables_notebooks_02_03_and_05_compute_are_commands_too(capsys, copied_seeds, tmp_path):
    from korwatch_utils.analyses.entities import mentions_per_article
    from korwatch_utils.analyses.stance import filter_cues, stance_matrix
    from korwatch_utils.analyses.trends import pair_balance, top_pair
    from korwatch_utils.storage import queries
    from korwatch_utils.storage.store import Store

    path = tmp_path / "k.duckdb"
    assert run_cli(capsys, "entity-totals", str(copied_seeds), "--store", str(path), "--workers", "1")[0] == 0
    store = Store(path)

    def command(*args) -> pd.DataFrame:
        status, out, _ = run_cli(capsys, *args, "--store", str(path))
        assert status == 0
        return pd.read_csv(io.StringIO(out), keep_default_na=False)

    cues, references = queries.cues(store), store.table("references")
    balance = pair_balance(cues, references, *top_pair(cues, references))
    assert len(balance) and command("trends", "--balance").values.tolist() == balance.values.tolist()
    top = list(queries.entity_totals(store)["entity"].head(5))
    table = mentions_per_article(queries.entity_table(store, top), top).rename_axis("entity").reset_index()
    assert command("mentions-per-article", "--top", "5").values.tolist() == table.values.tolist()
    merged = queries.merged_spellings(store)
    assert len(merged) and command("merged-spellings").values.tolist() == merged.values.tolist()
    confident = stance_matrix(filter_cues(cues, min_confidence=0.6))
    assert command("stance-matrix", "--min-confidence", "0.6").values.tolist() == confident.values.tolist()
    assert len(confident) < len(command("stance-matrix"))


@pytest.mark.parametrize("content", [None, b"not a database at all" * 100])
def test_a_missing_or_corrupt_store_is_one_line_and_a_failing_status(capsys, tmp_path, content):
    store = tmp_path / "archive.duckdb"
    if content is not None:
        store.write_bytes(content)
    status, out, err = run_cli(capsys, "stance-matrix", "--store", str(store))
    assert status == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert str(store) in err


def test_a_store_read_alone_of_an_older_schema_or_another_program_is_refused_and_kept(capsys, tmp_path):
    import duckdb

    from korwatch_utils.storage.store import SCHEMA_VERSION

    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:  # an older korwatch's store with one analysed article
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION - 1)])
        con.execute("CREATE TABLE articles (doc_id VARCHAR, store_key VARCHAR)")
        con.execute("INSERT INTO articles VALUES ('a', 'k')")
    status, out, err = run_cli(capsys, "entity-totals", "--store", str(old))
    assert status == 2 and out == "" and err.count("\n") == 1
    assert f"older korwatch (schema {SCHEMA_VERSION - 1}" in err
    with duckdb.connect(str(old)) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE sales (amount INTEGER)")
    status, _, err = run_cli(capsys, "trends", "--store", str(other))
    assert status == 2 and "not a korwatch store" in err
    with duckdb.connect(str(other)) as con:
        assert [row[0] for row in con.execute("SHOW TABLES").fetchall()] == ["sales"]


def test_a_store_that_fails_while_read_is_one_line(capsys, tmp_path, monkeypatch):
    import duckdb

    from korwatch_utils.storage.store import Store

    Store(tmp_path / "k.duckdb")

    def damaged(*args, **kwargs):
        raise duckdb.IOException("Corrupt database file: computed checksum 1 does not match stored checksum 2")

    monkeypatch.setattr(Store, "sql", damaged)
    monkeypatch.setattr(Store, "table", damaged)
    status, out, err = run_cli(capsys, "stance-matrix", "--store", str(tmp_path / "k.duckdb"))
    assert status == 2 and out == "" and err.splitlines()[-1] == (
        "korwatch: error: the store cannot be read or written: Corrupt database file: computed checksum 1 does not "
        "match stored checksum 2") and "Traceback" not in err


@pytest.mark.parametrize("command", ["stance-matrix", "timeline", "trends", "stance", "quotes", "outlets"])
def test_a_folder_with_no_article_gives_tables_with_no_rows(capsys, tmp_path, command):
    (tmp_path / "kosong").mkdir()
    status, out, err = run_cli(capsys, command, str(tmp_path / "kosong"), "--workers", "1")
    assert status == 0 and "Traceback" not in err and len(out.strip().splitlines()) <= 1


def test_neither_a_path_nor_a_store_is_one_line(capsys):
    status, _, err = run_cli(capsys, "trends")
    assert status == 2 and err.count("\n") == 1 and "--store" in err
