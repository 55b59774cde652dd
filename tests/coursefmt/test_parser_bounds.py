"""Texts that would keep the Markdown parser busy for seconds are refused before parsing,
with a message saying what to change; ordinary modules of any realistic size still parse."""

from __future__ import annotations

import pytest

from elearn.coursefmt import parse_module
from elearn.coursefmt.parse import MAX_MODULE_BRACKETS, MAX_MODULE_CHARS

HEAD = "---\ntitle: Prova\nminutes: 5\n---\n\n"

# What the outside probe sent (100-150 KB), and the same shapes under the size bound.
PATHOLOGICAL = {
    "open brackets": "[" * 100_000,
    "open links": "[a](" * 30_000,
    "nested links": "[" * 50_000 + "a" + "](b)" * 50_000,
    "glossary openings": "[[" * 50_000,
    "open brackets, small": "[" * 20_000,
    "open links, small": "[a](" * 5_000,
    "nested links, small": "[" * 5_000 + "a" + "](b)" * 5_000,
    "one long paragraph of links": "[x](y) " * 2_000,
}


def parse(body: str):
    return parse_module((HEAD + body).encode(), "01-prova.md", path="corso/01-prova.md")


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_a_pathological_text_is_refused_with_a_clear_message(name: str) -> None:
    module, errors = parse(PATHOLOGICAL[name])
    assert module is None
    assert len(errors) == 1
    message = errors[0].message("it")
    assert errors[0].code in {"module_too_long", "too_many_brackets"}
    assert "dividilo in due moduli" in message
    assert str(errors[0]).startswith("corso/01-prova.md:")


def test_the_too_long_message_says_the_size_and_the_limit() -> None:
    _, errors = parse("Testo semplice. " * 4_000)
    assert errors[0].message("it") == (
        f"il modulo ha {len(HEAD) + 64_000} caratteri, al massimo {MAX_MODULE_CHARS}: "
        "dividilo in due moduli"
    )


def test_the_bracket_message_names_the_line_where_the_limit_is_passed() -> None:
    body = "Intro.\n\n" + "[a](b) testo\n" * (MAX_MODULE_BRACKETS + 5)
    _, errors = parse(body)
    limit_line = HEAD.count("\n") + 2 + MAX_MODULE_BRACKETS + 1
    assert [(e.line, e.code) for e in errors] == [(limit_line, "too_many_brackets")]


def test_a_long_module_with_many_links_within_the_bounds_still_parses() -> None:
    body = "\n\n".join(f"Paragrafo {n} con un [link](https://example.org/{n})." for n in range(400))
    body += "\n\n" + "Testo. " * 2_000
    assert len(HEAD + body) < MAX_MODULE_CHARS
    module, errors = parse(body)
    assert errors == [] and module is not None
