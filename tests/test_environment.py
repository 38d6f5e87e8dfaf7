"""requirements.txt is the one list of pins; environment.yml and pyproject.toml must agree with it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            pins[name.lower()] = version
    return pins


def test_environment_yml_installs_the_same_pins():
    env = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\s*$", env, re.M), "environment.yml must pin python=3.11"
    pip_lines = re.findall(r"^\s{6,}-\s*(.+?)\s*$", env, re.M)
    # Either it points at requirements.txt, or it lists exactly the same pins.
    if pip_lines != ["-r requirements.txt"]:
        listed = dict(line.lower().split("==") for line in pip_lines if "==" in line)
        assert listed == _pins()


def test_torch_is_pinned_exactly():
    assert _pins()["torch"] == "2.13.0"


def test_every_package_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = {re.split(r"[<>=!~\[ ]", dep)[0].lower() for dep in project["dependencies"]}
    assert needed <= set(_pins()), f"not pinned in requirements.txt: {needed - set(_pins())}"
