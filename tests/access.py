"""Access rules for the route matrix, gathered from each domain's `tests/<domain>/access.py`.

Each such module defines `RULES: dict[endpoint, rule]` and may define
`sample_values(app, people, values)` to add URL parameter values (ids of objects it creates).
A rule is PUBLIC, GUEST, or the tuple of roles allowed (anonymous → login page, others → 403).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

ROLES = ("anonymous", "worker", "trainer", "manager", "admin")
PUBLIC = "public"  # everyone
GUEST = "guest"  # anonymous visitors; logged-in people are sent home
LOGGED_IN = ("worker", "trainer", "manager", "admin")


def _domain_modules() -> list[Any]:
    here = Path(__file__).parent
    return [
        importlib.import_module(f"tests.{path.parent.name}.access")
        for path in sorted(here.glob("*/access.py"))
    ]


def all_rules() -> dict[str, object]:
    rules: dict[str, object] = {}
    for module in _domain_modules():
        overlap = rules.keys() & module.RULES.keys()
        assert not overlap, f"endpoints with two rules: {sorted(overlap)}"
        rules.update(module.RULES)
    return rules


def extra_sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    for module in _domain_modules():
        hook = getattr(module, "sample_values", None)
        if hook is not None:
            hook(app, people, values)
