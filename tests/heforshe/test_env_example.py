"""Every variable the settings read is documented in .env.example."""

from __future__ import annotations

import re

from tests.conftest import ROOT

# Read by settings but meant for development only, documented in the README.
DEVELOPMENT_ONLY = {"HOST", "PORT", "STATIC_ROOT"}


def test_every_setting_variable_is_in_env_example():
    settings_source = (ROOT / "heforshe" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|int|bool|list|required)\(\s*"([A-Z0-9_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented - DEVELOPMENT_ONLY == set()
