"""What the code imports is declared, and the demo generator's packages are not runtime requirements."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys

from tests.conftest import ROOT

APPS = ("heforshe", "pledges", "stories", "partners", "actionkits", "giving", "champions", "events")
FIRST_PARTY = {*APPS, "tests", "bench"}
DEMO_ONLY = {"fpdf2", "uharfbuzz", "fonttools", "fontpkg-noto-sans", "fontpkg-noto-sans-arabic"}


def normalise(name: str) -> str:
    # "moto[server]" declares the distribution moto (with its server extra).
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0]).lower()


def declared(filename: str) -> dict[str, str]:
    """name -> pinned version of a requirements file, following its -r includes."""
    found: dict[str, str] = {}
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found |= declared(line[3:].strip())
        elif line:
            name, _, version = line.partition("==")
            assert version, f"{filename}: {line!r} is not pinned with =="
            found[normalise(name)] = version
    return found


def own(filename: str) -> set[str]:
    """The names a requirements file lists itself (without its includes)."""
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / filename).read_text().splitlines()]
    return {normalise(line.partition("==")[0]) for line in lines if line and not line.startswith("-r ")}


def imported_distributions(directories) -> dict[str, set[str]]:
    """distribution -> the files importing it, for every third-party import under `directories`."""
    by_module = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for directory in directories:
        for path in (ROOT / directory).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".", 1)[0]
                    if top in sys.stdlib_module_names or top in FIRST_PARTY or top == "__future__":
                        continue
                    for dist in by_module.get(top, [f"<not installed: {top}>"]):
                        found.setdefault(normalise(dist), set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_demo_generators_packages_are_not_runtime_requirements():
    assert DEMO_ONLY & set(declared("requirements.txt")) == set()


def test_the_demo_requirements_list_the_demo_generators_packages():
    assert own("requirements-demo.txt") == DEMO_ONLY


def test_development_installs_the_demo_requirements_too():
    assert DEMO_ONLY <= set(declared("requirements-dev.txt"))


def test_every_package_the_site_imports_is_declared():
    runtime_or_demo = set(declared("requirements-demo.txt"))
    missing = {dist: files for dist, files in imported_distributions(APPS).items() if dist not in runtime_or_demo}
    assert missing == {}


def test_what_only_the_demo_imports_is_only_in_the_demo_requirements():
    runtime = set(declared("requirements.txt"))
    for dist, files in imported_distributions(APPS).items():
        if dist in DEMO_ONLY:
            assert dist not in runtime
            assert files <= {"actionkits/documents.py"}, files


def test_every_package_the_tests_import_is_declared():
    everything = set(declared("requirements-dev.txt"))
    missing = {dist: files for dist, files in imported_distributions(["tests"]).items() if dist not in everything}
    assert missing == {}


WITHOUT_DEMO_PACKAGES = r"""
import importlib.abc, os, sys

BLOCKED = {"fpdf", "uharfbuzz", "fontTools", "fontpkg_noto_sans", "fontpkg_noto_sans_arabic"}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None

sys.meta_path.insert(0, Block())
os.environ["DJANGO_SETTINGS_MODULE"] = "heforshe.settings"
import django
django.setup()
from django.core.management import call_command
from django.urls import get_resolver
get_resolver().url_patterns  # imports every view
from heforshe.celery import app
app.loader.import_default_modules()  # every tasks.py
import importlib
for module in ("admin", "services", "selectors", "views", "api.views"):
    for name in ("heforshe", "pledges", "stories", "partners", "actionkits"):
        try:
            importlib.import_module(f"{name}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.{module}" and not exc.name.startswith(f"{name}."):
                raise
call_command("check")
print("OK")
"""


def test_the_site_starts_without_the_demo_packages():
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DEMO_PACKAGES],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("OK")
