"""The package's layout holds: imports point down the layers, no cycle, one home for each word class, and
a store key that follows the analysis code it runs."""

import ast
import re
import shutil
from pathlib import Path

import pytest

from korwatch_utils import sources
from korwatch_utils.storage import keys
from korwatch_utils.text import indonesian

ROOT = Path(__file__).resolve().parent.parent
WORD_CLASSES = {
    "pronouns": {*indonesian.PERSONAL_PRONOUNS, *indonesian.OTHER_PRONOUNS},
    "prepositions": {*indonesian.TOWARDS, *indonesian.TEMPORAL_PREPOSITIONS, indonesian.AGENT_PREPOSITION,
                     indonesian.ACCORDING_TO},
    "reporting verbs": {*indonesian.REPORTING_ROOTS, *indonesian.REPORTING_VERBS},
    "weekdays": set(indonesian.WEEKDAYS),
}


def test_every_module_has_a_layer_and_imports_only_its_own_layer_or_below_at_top_level():
    wrong = []
    for module in sources.modules():
        for found in sources.imports(module):
            if not found.top_level:
                wrong.append(f"{module}:{found.line} imports {found.imported} inside a function")
            elif sources.layer(found.imported) > sources.layer(module):
                wrong.append(f"{module}:{found.line} imports {found.imported}, a higher layer")
    assert wrong == []


def test_the_package_has_no_import_cycle():
    graph = {module: {found.imported for found in sources.imports(module)} for module in sources.modules()}
    state: dict[str, str] = {}

    def visit(module, path):
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                pytest.fail("import cycle: " + " -> ".join([*path, module, imported]))
            if imported not in state:
                visit(imported, [*path, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def _spellings(path: Path) -> set[tuple[str, int, str]]:
    """(class, line, word) for each word of a class in a string literal of the file, docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words = set(re.findall(r"[a-z']+", node.value.lower()))
            found |= {(name, node.lineno, word) for name, members in WORD_CLASSES.items() for word in words & members}
    return found


def test_pronouns_prepositions_reporting_verbs_and_weekdays_are_spelled_only_in_the_language_module():
    language = Path(indonesian.__file__).resolve()
    elsewhere = {f"{path.relative_to(ROOT)}:{line} {name} {word!r}"
                 for path in sorted(sources.PACKAGE_DIR.rglob("*.py")) if path.resolve() != language
                 for name, line, word in _spellings(path)}
    assert elsewhere == set()


def test_the_word_class_check_finds_a_spelling_where_there_is_one(tmp_path):
    module = tmp_path / "rule.py"
    module.write_text('"""Docstring: kata Senin."""\nPATTERN = r"\\b(?:ia|dia)\\b"\nDAY = "Jumat"\n', encoding="utf-8")
    assert {(name, word) for name, _, word in _spellings(module)} == {("pronouns", "ia"), ("pronouns", "dia"),
                                                                       ("weekdays", "jumat")}


def test_no_file_of_the_repository_edits_sys_path():
    edits = [str(path.relative_to(ROOT)) for folder in ("korwatch_utils", "benchmarks", "tests", "training", "research")
             for path in (ROOT / folder).rglob("*.py")
             if re.search(r"sys\.path\.(?:insert|append)|sys\.path\s*=", path.read_text(encoding="utf-8"))
             and path.name != Path(__file__).name]
    assert edits == []


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the package's sources that the `sources` functions read instead of the real ones."""
    copy = tmp_path / "korwatch_utils"
    shutil.copytree(sources.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("models", "__pycache__", "*.csv"))
    monkeypatch.setattr(sources, "PACKAGE_DIR", copy)
    sources.imports.cache_clear()
    yield copy
    sources.imports.cache_clear()


def test_changing_any_module_an_analysis_runs_changes_the_store_key(package_copy):
    modules = keys.analysis_modules()
    assert {"korwatch_utils.analyses.countries", "korwatch_utils.text.indonesian", "korwatch_utils.nlp.syntax",
            "korwatch_utils.input.articles", "korwatch_utils.tables"} <= set(modules)
    before = keys.code_version()
    for module in modules:
        path = sources.module_file(module)
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\n# changed\n", encoding="utf-8")
        assert keys.code_version() != before, f"{module} does not key the store"
        path.write_text(original, encoding="utf-8")
    assert keys.code_version() == before


def test_a_module_an_analysis_starts_to_import_keys_the_store_and_views_never_do(package_copy):
    before = keys.code_version()
    for view in ("views/plots.py", "views/report.py", "cli.py", "storage/cluster.py", "storage/store.py"):
        (package_copy / view).write_text("CHANGED = True\n", encoding="utf-8")
    assert keys.code_version() == before
    (package_copy / "analyses" / "newcomer.py").write_text("WORDS = ()\n", encoding="utf-8")
    stance = package_copy / "analyses" / "stance.py"
    stance.write_text("from korwatch_utils.analyses.newcomer import WORDS\n" + stance.read_text(encoding="utf-8"),
                      encoding="utf-8")
    sources.imports.cache_clear()
    assert "korwatch_utils.analyses.newcomer" in keys.analysis_modules()
    changed = keys.code_version()
    (package_copy / "analyses" / "newcomer.py").write_text("WORDS = ('baru',)\n", encoding="utf-8")
    assert keys.code_version() != changed


def test_new_weights_of_a_learned_decision_change_the_store_key(package_copy):
    (package_copy / "models").mkdir(exist_ok=True)
    weights = package_copy / "models" / "lines.json"
    weights.write_text('{"weights": {}, "threshold": 0.5, "version": "a"}', encoding="utf-8")
    before = keys.code_version()
    weights.write_text('{"weights": {}, "threshold": 0.6, "version": "b"}', encoding="utf-8")
    assert keys.code_version() != before
