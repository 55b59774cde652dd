"""The finance library and the course format import alone: no web framework, no database, and
no SciPy until a TAEG is computed (issue 18: a course check took 2.5 s)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("flask", "flask_sqlalchemy", "sqlalchemy", "scipy", "matplotlib")


def _loaded_after_import(module: str) -> list[str]:
    code = (
        f"import json, sys; import {module}; "
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", ["elearn.coursefmt", "simulators", "elearn.resources.rules"])
def test_pure_package_imports_without_web_database_or_scipy(module: str) -> None:
    assert _loaded_after_import(module) == []


def test_taeg_still_loads_scipy_when_it_computes() -> None:
    code = (
        "import sys; from simulators import run; "
        "run('taeg', {'cashflows': [{'years': 0, 'amount': 1000}, "
        "{'years': 1, 'amount': -1100}]}); "
        "print('scipy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "True"
