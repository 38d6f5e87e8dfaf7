"""Execute the numbered notebooks headless, as `korwatch run` does: one line per notebook, never a traceback.

Each kernel talks over jupyter_client's `ipc` transport, on Unix sockets in a
folder of its own, so kernels started side by side cannot race for TCP ports
(and ipykernel has no plain-TCP warning to print). At most `concurrency`
kernels run at once (default: one per core), a kernel that fails to start is
started once more, and the start timeout grows with the machine's load.
Kernel output goes to a log file, kept beside the notebook only when it failed.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


CELL_TIMEOUT = 1800  # seconds one cell may take before its notebook is stopped
START_TIMEOUT = 120  # seconds a kernel may take to answer on an idle machine; scaled up by the load
START_TRIES = 2  # a kernel that fails to start is started once more
# nbclient and jupyter_client log a dying kernel on stderr; the notebook's one line says it instead.
_QUIET = logging.getLogger("korwatch.notebooks")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass
class NotebookRun:
    """How one notebook ran: its name, seconds, and the problem ('' when it ran to the end)."""

    name: str
    seconds: float
    problem: str = ""
    cell: int | None = None  # the number (from 1) of the cell it stopped in, in the executed copy
    source: str = ""  # that cell's first line
    log: Path | None = None  # the kernel's output, kept when the notebook failed

    @property
    def ok(self) -> bool:
        return not self.problem

    def line(self) -> str:
        """One line for the terminal."""
        if self.ok:
            return f"notebook {self.name}: done in {self.seconds:.1f} s"
        where = f" in cell {self.cell} ({self.source!r})" if self.cell else ""
        log = f" (kernel log: {self.log})" if self.log else ""
        return f"notebook {self.name} failed{where} after {self.seconds:.1f} s: {self.problem}{log}"


def start_timeout() -> int:
    """START_TIMEOUT, longer in proportion when the machine's load is above its core count (whole seconds:
    nbclient's setting is an integer)."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        load = 0.0
    return math.ceil(START_TIMEOUT * max(1.0, load / (os.cpu_count() or 1)))


def execute_notebooks(notebooks: list[Path], out: Path, parameters: dict, *, concurrency: int | None = None,
                      say=None) -> list[NotebookRun]:
    """Execute each notebook with the parameters its `parameters` cell declares; write it, executed, into out.

    Args:
        notebooks: the notebooks, in order.
        out: the folder the executed copies go to (a failed notebook is written up to its error).
        parameters: values for the parameters cells; names a notebook does not declare are left out.
        concurrency: kernels at once (default: the number of cores).
        say: called with each notebook's line as it finishes (default: print to stderr).

    Returns:
        One NotebookRun per notebook, in the order given.
    """
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    limit = max(1, concurrency or os.cpu_count() or 1)
    return asyncio.run(_execute_all(notebooks, Path(out), parameters, limit, say))


async def _execute_all(notebooks, out: Path, parameters: dict, limit: int, say) -> list[NotebookRun]:
    gate = asyncio.Semaphore(limit)
    with tempfile.TemporaryDirectory(prefix="kw-") as sockets:  # short: a Unix socket path has ~100 characters

        async def one(index: int, notebook: Path) -> NotebookRun:
            async with gate:
                run = await _execute_one(notebook, out, parameters, Path(sockets) / f"k{index}")
            say(run.line())
            return run

        return list(await asyncio.gather(*(one(index, notebook) for index, notebook in enumerate(notebooks))))


async def _execute_one(notebook: Path, out: Path, parameters: dict, sockets: Path) -> NotebookRun:
    # The Jupyter stack is imported only where notebooks run: nbformat's schema validator alone takes about
    # 2 s to import, which every other korwatch command (this module is imported by the CLI) would pay.
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from papermill import inspect_notebook
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    started = time.perf_counter()
    output = out / notebook.name
    try:
        declared = inspect_notebook(str(notebook))
        node = parameterize_notebook(load_notebook_node(str(notebook)),
                                     {name: value for name, value in parameters.items() if name in declared})
    except Exception as error:  # not a notebook papermill can read: say so, in one line
        return NotebookRun(notebook.name, time.perf_counter() - started, f"cannot be read ({_first_line(error)})")
    log_path = sockets.with_suffix(".log")
    problem, cell, source = "", None, ""
    for attempt in range(1, START_TRIES + 1):
        cells_started: list[int] = []
        client = None
        with open(log_path, "ab") as log:  # in the runner's own temporary folder
            try:
                client = NotebookClient(
                    node, km=AsyncKernelManager(kernel_name=_kernel_name(node), transport="ipc",
                                                ip=f"{sockets}-{attempt}", log=_QUIET), log=_QUIET,
                    timeout=CELL_TIMEOUT, startup_timeout=start_timeout(), shutdown_kernel="immediate",
                    resources={"metadata": {"path": str(notebook.parent)}},
                    on_cell_start=lambda cell, cell_index: cells_started.append(cell_index))
                await client.async_execute(cleanup_kc=True, stdout=log, stderr=log)
                problem = ""
                break
            except Exception as error:  # a cell raised, timed out or lost its kernel; or the kernel never started
                problem = _describe(error)
                if cells_started:
                    cell = cells_started[-1] + 1
                    source = (node.cells[cells_started[-1]].source.strip().splitlines() or [""])[0][:60]
                if cells_started or attempt == START_TRIES:
                    break  # only a kernel that never ran a cell is started again
                await _stop(client)
    seconds = time.perf_counter() - started
    node.metadata.pop("widgets", None)  # the saved widget state shows the seeds' articles
    kept = out / f"{notebook.stem}.kernel.log"
    try:
        nbformat.write(node, output)
        if problem and log_path.exists():
            shutil.copyfile(log_path, kept)
        else:
            kept.unlink(missing_ok=True)  # an earlier failure's log, now out of date
    except OSError as error:  # the output folder cannot be written: this notebook's line says so
        problem = problem or f"its output cannot be written ({error.strerror or error})"
    return NotebookRun(notebook.name, seconds, problem, cell, source, kept if kept.exists() else None)


async def _stop(client) -> None:
    """Stop whatever a failed start left running."""
    try:
        if client is not None and client.km is not None and client.km.has_kernel:
            await client.km.shutdown_kernel(now=True)
    except Exception:  # the kernel is already gone; nothing to stop
        pass


def _kernel_name(node) -> str:
    return node.metadata.get("kernelspec", {}).get("name") or "python3"


def _describe(error: Exception) -> str:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # see _execute_one

    if isinstance(error, CellExecutionError):
        return f"{error.ename}: {_first_line(error.evalue) if error.evalue else ''}".rstrip(": ")
    if isinstance(error, DeadKernelError):
        return "the kernel died"
    if isinstance(error, CellTimeoutError):
        return f"a cell ran longer than {CELL_TIMEOUT} s"
    return f"{error.__class__.__name__}: {_first_line(error)}"


def _first_line(error) -> str:
    return (str(error).strip().splitlines() or [""])[0][:200]
