"""The closing note of the resources map lists every figure still "da verificare"."""

from __future__ import annotations

import re
from pathlib import Path

from elearn.resources.rules import available_years, load_year

DOCS = Path(__file__).resolve().parents[2] / "docs" / "resources.md"
PRIMARY_HOSTS = ("inps.it", "agenziaentrate.gov.it", "normattiva.it", "gazzettaufficiale.it")


def _section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index('## Figures still "da verificare"')
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_docs_list_exactly_the_parameters_still_to_verify():
    latest = load_year(max(available_years()))
    unverified = {key for key, p in latest.parameters.items() if not p.verified or not p.known}
    listed = set(re.findall(r"`([a-z0-9_]+\.[a-z0-9_]+)`", _section()))
    assert unverified - listed == set(), "to verify, but missing from docs/resources.md"
    assert listed - unverified == set(), "listed as to verify, but verified (or unknown key)"


def test_a_verified_figure_cites_a_primary_source():
    for year in available_years():
        for parameter in load_year(year).parameters.values():
            if parameter.verified:
                assert any(host in parameter.url for host in PRIMARY_HOSTS), parameter.key
