"""The configuration defaults in README.md and docs/operator.md are the ones the code uses."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from elearn.config import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
# A table row whose default is exactly one `literal` (optionally followed by an explanation).
ROW = re.compile(r"^\| `([A-Z_]+)` \| `([^`]+)`(?: \([^)]*\))? \|", re.MULTILINE)
# Documented names that the code stores under another key.
CONFIG_KEY = {"TIMEZONE": "BABEL_DEFAULT_TIMEZONE"}
# Defaults documented as a shape rather than a value.
NOT_LITERAL = {"DATABASE_URL"}


def documented_defaults(document: str) -> list[tuple[str, str]]:
    text = (ROOT / document).read_text(encoding="utf-8")
    return [(name, value) for name, value in ROW.findall(text) if name not in NOT_LITERAL]


@pytest.mark.parametrize("document", ["README.md", "docs/operator.md"])
def test_documented_configuration_defaults_match_the_code(document, monkeypatch, tmp_path):
    rows = documented_defaults(document)
    for name in {*CONFIG_KEY, *(name for name, _ in rows)} & set(os.environ):
        monkeypatch.delenv(name)
    settings = settings_from_env(tmp_path)
    assert any(name == "LOGIN_RATE_LIMIT" for name, _ in rows)
    mismatches = {
        name: (value, settings[CONFIG_KEY.get(name, name)])
        for name, value in rows
        if str(settings[CONFIG_KEY.get(name, name)]) != value
    }
    assert mismatches == {}
