"""Fixtures for the course-format tests: paths to the fixture folders and small builders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from elearn.coursefmt import Glossary, Module, parse_module

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_ROOT = FIXTURES / "good" / "courses"
BAD_ROOT = FIXTURES / "bad" / "courses"


@pytest.fixture
def good_root() -> Path:
    return GOOD_ROOT


@pytest.fixture
def bad_root() -> Path:
    return BAD_ROOT


@pytest.fixture
def glossary() -> Glossary:
    return Glossary(
        {
            "TAEG": "Tasso Annuo Effettivo Globale, spese comprese.",
            "TAN": "Tasso Annuo Nominale.",
        }
    )


@pytest.fixture
def make_module(glossary: Glossary) -> Callable[..., Module]:
    """Build a module from Markdown text (front matter added unless given); errors fail."""

    def build(
        body: str,
        *,
        title: str = "Prova",
        language: str = "it",
        media: tuple[str, ...] = (),
        front_matter: bool = True,
        allow_errors: bool = False,
    ) -> Module:
        text = f"---\ntitle: {title}\nminutes: 5\n---\n\n{body}" if front_matter else body
        module, errors = parse_module(
            text.encode(),
            "01-prova.md",
            course_slug="corso",
            language=language,
            glossary=glossary,
            media=media,
        )
        assert module is not None
        if not allow_errors:
            assert [str(e) for e in errors] == []
        return module

    return build
