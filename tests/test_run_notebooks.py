"""`korwatch run` executes notebooks without races, and a failing notebook is one line, never a traceback."""

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from korwatch_utils.notebooks import execute_notebooks

pytestmark = pytest.mark.slow  # kernels, browsers, Dask clusters or whole runs: not in make test-quick

ROOT = Path(__file__).resolve().parent.parent


def _notebook(folder: Path, name: str, *sources: str) -> Path:
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    node.cells = [nbformat.v4.new_code_cell("value = 1")]
    node.cells[0].metadata["tags"] = ["parameters"]
    node.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / name
    nbformat.write(node, path)
    return path


def test_notebooks_side_by_side_all_finish_and_get_their_parameters(tmp_path):
    folder, out = tmp_path / "nb", tmp_path / "out"
    folder.mkdir(), out.mkdir()
    notebooks = [_notebook(folder, f"0{i}_n.ipynb", "print(value * 2)") for i in range(1, 5)]
    lines = []
    runs = execute_notebooks(notebooks, out, {"value": 21, "undeclared": 1}, concurrency=4, say=lines.append)
    assert [run.ok for run in runs] == [True] * 4
    assert len(lines) == 4 and all(line.startswith("notebook 0") and " done in " in line for line in lines)
    for notebook in notebooks:
        executed = nbformat.read(out / notebook.name, as_version=4)
        assert executed.cells[-1].outputs[0]["text"] == "42\n"
        assert "undeclared" not in "".join(cell.source for cell in executed.cells)


def test_a_raising_cell_is_named_and_the_others_still_run(tmp_path):
    folder, out = tmp_path / "nb", tmp_path / "out"
    folder.mkdir(), out.mkdir()
    broken = _notebook(folder, "01_broken.ipynb", "x = 1", "raise ValueError('no such entity')\nx = 2")
    fine = _notebook(folder, "02_fine.ipynb", "print('ok')")
    runs = execute_notebooks([broken, fine], out, {}, say=lambda line: None)
    assert not runs[0].ok and runs[1].ok
    assert "ValueError: no such entity" in runs[0].line() and "raise ValueError" in runs[0].line()
    executed = nbformat.read(out / "01_broken.ipynb", as_version=4)
    assert executed.cells[runs[0].cell - 1].source.startswith("raise ValueError")
    assert "\n" not in runs[0].line()
    assert (out / "01_broken.ipynb").is_file() and (out / "02_fine.ipynb").is_file()
    assert runs[0].log is not None and runs[0].log.is_file()


def test_a_kernel_killed_mid_run_is_reported_as_dead(tmp_path):
    folder, out = tmp_path / "nb", tmp_path / "out"
    folder.mkdir(), out.mkdir()
    killed = _notebook(folder, "01_killed.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "1")
    (run,) = execute_notebooks([killed], out, {}, say=lambda line: None)
    assert not run.ok and "kernel died" in run.problem and "import os" in run.line()


def test_korwatch_run_with_a_killed_kernel_exits_nonzero_in_one_line_and_keeps_its_outputs(tmp_path):
    """The real command, as a user runs it: the CSVs and report.html are there, stderr has no traceback."""
    folder, out = tmp_path / "nb", tmp_path / "out"
    folder.mkdir()
    shutil.copy(ROOT / "notebooks" / "01_cleaning.ipynb", folder)
    _notebook(folder, "02_killed.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    articles = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", articles)
    env = {**os.environ, "KORWATCH_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", "run", str(articles), "--out", str(out),
                             "--notebooks", str(folder), "--workers", "1"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "WARNING | Kernel" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if "02_killed.ipynb failed" in line]
    assert len(failed) == 1 and "kernel died" in failed[0]
    assert "notebook 01_cleaning.ipynb: done in" in result.stderr
    assert (out / "report.html").is_file() and len(list(out.glob("*.csv"))) >= 10
    assert (out / "01_cleaning.ipynb").is_file()


@pytest.mark.parametrize("content", ["not json", '{"cells": 3}'])
def test_an_unreadable_notebook_is_one_line(tmp_path, content):
    path = tmp_path / "01_bad.ipynb"
    path.write_text(content, encoding="utf-8")
    (run,) = execute_notebooks([path], tmp_path, {}, say=lambda line: None)
    assert not run.ok and run.problem.startswith("cannot be read")


def test_the_start_timeout_grows_with_the_load_in_whole_seconds(monkeypatch):
    from korwatch_utils import notebooks

    monkeypatch.setattr(notebooks.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(notebooks.os, "getloadavg", lambda: (0.5, 0, 0))
    assert notebooks.start_timeout() == notebooks.START_TIMEOUT
    monkeypatch.setattr(notebooks.os, "getloadavg", lambda: (5.1, 0, 0))
    busy = notebooks.start_timeout()
    assert isinstance(busy, int) and busy == math.ceil(notebooks.START_TIMEOUT * 2.55)
