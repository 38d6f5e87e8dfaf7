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
