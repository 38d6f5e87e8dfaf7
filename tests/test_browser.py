"""JupyterLab in a real browser: open notebooks 02, 04, 05 and 06, run them, move the widgets, check what redraws.

Needs Debian's Chromium (/usr/bin/chromium; `make test` installs it where it can) and the
playwright package (requirements.txt). Skipped, saying why, where either is missing.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # kernels, browsers, Dask clusters or whole runs: not in make test-quick

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("KORWATCH_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = os.environ.get("KORWATCH_SCREENSHOTS")  # a folder to keep screenshots in (the README's comes from here)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: `make test` installs it")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) to run the "
                "browser tests", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on localhost with a token, serving a copy of notebooks/ and seeds/ (nothing in the repo changes)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    port, token = _free_port(), secrets.token_hex(16)
    settings = root / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')  # no news pop-up
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KORWATCH_CACHE": str(root / "cache"),
           "JUPYTER_CONFIG_DIR": str(root / "cfg"), "JUPYTERLAB_SETTINGS_DIR": str(root / "lab-settings")}
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a busy machine starts JupyterLab slowly
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
    yield base, token
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-default-apps", "--no-first-run"])
        yield chromium
        chromium.close()


# Generous ceilings, not waits: each step returns as soon as the state it needs is there. They only
# decide how long a broken run takes to fail (a busy machine can take minutes to start a kernel).
STEP_TIMEOUT = 300_000


def open_and_run(browser, lab, notebook: str):
    """A page with the notebook opened in JupyterLab and all its cells run to the end without error."""
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(STEP_TIMEOUT)
    workspace = notebook.split(".")[0]  # a workspace of its own: no other notebook is restored beside it
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/notebooks/{notebook}?reset&token={token}",
              wait_until="domcontentloaded")
    page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                           " return w && w.sessionContext && w.content && w.content.widgets.length > 0; }",
                           timeout=STEP_TIMEOUT)
    # Running cells before the kernel is up drops them silently: wait for a started, idle kernel.
    page.evaluate("async () => { const w = window.jupyterapp.shell.currentWidget;"
                  " await w.context.ready; await w.sessionContext.ready; }")
    page.wait_for_function("() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session;"
                           " return k && k.kernel && k.kernel.status === 'idle'; }", timeout=STEP_TIMEOUT)
    # The command resolves once every cell has run; false when a cell raised.
    succeeded = page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')")
    assert succeeded, f"a cell of {notebook} raised in JupyterLab"
    return page


def visible_notebook(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def explorer_table(page, marker: str):
    """The HTML table of the explorer widget (the widget output area holding `marker` in a header)."""
    locator = visible_notebook(page).locator(".widget-html-content table").filter(has_text=marker).last
    locator.wait_for(state="visible", timeout=STEP_TIMEOUT)
    return locator


def first_column(table) -> list[str]:
    return [cell.strip() for cell in table.locator("tbody tr td:first-child").all_inner_texts()]


def chart_source(page) -> str:
    image = visible_notebook(page).locator(".widget-output img").first
    image.wait_for(state="visible", timeout=STEP_TIMEOUT)
    return image.get_attribute("src")


def test_notebook_02_filters_redraw_table_and_chart(browser, lab):
    page = open_and_run(browser, lab, "02_entity_frequency.ipynb")
    before = first_column(explorer_table(page, "articles"))
    chart_before = chart_source(page)
    assert "Korea Utara" in before and "Vladimir Putin" in before

    types = visible_notebook(page).locator(".widget-select-multiple select").first  # entity types: PER, ORG, LOC
    types.select_option(["PER"])
    page.wait_for_function(
        "([marker]) => ![...document.querySelectorAll('.widget-html-content table')].some("
        "t => t.innerText.includes(marker))", arg=["Korea Utara"], timeout=STEP_TIMEOUT)
    only_people = first_column(explorer_table(page, "articles"))
    assert "Vladimir Putin" in only_people and "Korea Utara" not in only_people
    assert chart_source(page) != chart_before

    slider = visible_notebook(page).locator(".widget-slider .widget-readout").first  # minimum mentions: type a value into the readout
    slider.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const t = [...document.querySelectorAll('.widget-html-content table')].pop();"
        " return t && t.querySelectorAll('tbody tr').length === 2; }", timeout=STEP_TIMEOUT)
    assert set(first_column(explorer_table(page, "articles"))) == {"Vladimir Putin", "Kim Jong Un"}
    if SCREENSHOTS:
        visible_notebook(page).locator(".widget-select-multiple").first.scroll_into_view_if_needed()
        page.screenshot(path=str(Path(SCREENSHOTS) / "notebook02.png"))
    page.close()


def test_notebook_04_entity_filter_redraws_timeline_and_table(browser, lab):
    page = open_and_run(browser, lab, "04_timeline.ipynb")
    rows_before = explorer_table(page, "resolved_by").locator("tbody tr").count()
    chart_before = chart_source(page)
    visible_notebook(page).locator(".widget-select-multiple select").first.select_option(["Kim Jong Un"])
    page.wait_for_function(
        "([n]) => { const t = [...document.querySelectorAll('.widget-html-content table')]"
        ".filter(t => t.innerText.includes('resolved_by')).pop(); return t && t.querySelectorAll('tbody tr').length < n; }",
        arg=[rows_before], timeout=STEP_TIMEOUT)
    table = explorer_table(page, "resolved_by")
    entities = table.locator("tbody tr td:nth-child(9)").all_inner_texts()  # TimelineExplorer.COLUMNS
    assert entities and all("Kim Jong Un" in cell for cell in entities)
    assert chart_source(page) != chart_before
    if SCREENSHOTS:
        visible_notebook(page).locator(".widget-select-multiple").first.scroll_into_view_if_needed()
        page.screenshot(path=str(Path(SCREENSHOTS) / "notebook04.png"))
    page.close()


def test_notebook_05_frequency_toggle_redraws_trends_table_and_chart(browser, lab):
    page = open_and_run(browser, lab, "05_trends.ipynb")
    periods = first_column(explorer_table(page, "ambiguous_articles"))
    chart_before = chart_source(page)
    assert periods and all(len(period) == 7 for period in periods)  # months: 2024-06
    visible_notebook(page).locator(".widget-toggle-button", has_text="week").first.click()
    page.wait_for_function(
        "() => { const t = [...document.querySelectorAll('.widget-html-content table')]"
        ".filter(t => t.innerText.includes('ambiguous_articles')).pop();"
        " return t && t.querySelector('tbody td') && t.querySelector('tbody td').innerText.includes('-W'); }",
        timeout=STEP_TIMEOUT)
    weeks = first_column(explorer_table(page, "ambiguous_articles"))
    assert weeks and all("-W" in period for period in weeks)
    assert chart_source(page) != chart_before
    page.close()


def test_notebook_06_entity_and_outlet_choices_redraw_the_outlet_table_and_chart(browser, lab):
    page = open_and_run(browser, lab, "06_outlets.ipynb")
    before = first_column(explorer_table(page, "outlet_mentions"))
    chart_before = chart_source(page)
    assert before and len(set(before)) == 1  # one entity: the most mentioned
    entity = visible_notebook(page).locator(".widget-dropdown select").first
    labels = entity.locator("option").all_inner_texts()  # ipywidgets writes spaces as no-break spaces
    label = next(label for label in labels if label.replace("\xa0", " ") != before[0])
    choice = label.replace("\xa0", " ")
    entity.select_option(label=label)
    page.wait_for_function(
        "(name) => { const t = [...document.querySelectorAll('.widget-html-content table')]"
        ".filter(t => t.innerText.includes('outlet_mentions')).pop();"
        " return t && t.querySelector('tbody td') && t.querySelector('tbody td').innerText.trim().replace(/\\u00a0/g, ' ') === name; }",
        arg=choice, timeout=STEP_TIMEOUT)
    after = first_column(explorer_table(page, "outlet_mentions"))
    assert after and set(after) == {choice}
    assert chart_source(page) != chart_before
    page.close()
