"""Every validation rule, on the bad fixture courses, with its exact `path:line: message`."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest

from elearn.coursefmt import (
    MESSAGES,
    CourseError,
    load_course,
    load_courses,
    parse_glossary,
    parse_module,
)
from elearn.coursefmt.errors import CONTEXT_PREFIXES

from .conftest import BAD_ROOT, FIXTURES

# Every error the bad fixture courses must produce, one `path:line: message` a line, grouped
# by course folder; each folder is about one family of rules (see the folder names).
EXPECTED_LINES = (FIXTURES / "bad" / "expected-errors.txt").read_text(encoding="utf-8").splitlines()
EXPECTED_ERRORS: dict[str, list[str]] = {}
for _line in EXPECTED_LINES:
    EXPECTED_ERRORS.setdefault(_line.split("/")[1], []).append(_line)

# Git cannot be trusted to keep a non-UTF-8 file byte for byte through every tool (and ruff
# refuses to read it), so that one fixture file is written at test time.
LATIN1_MODULE = (
    b"---\ntitle: Perch\xc3\xa9\nminutes: 5\n---\n\nTesto corretto.\nQui c\xe8 un errore.\n"
)


@pytest.fixture
def bad_courses(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(BAD_ROOT, root)
    (root / "modules-encoding" / "01-latin1.md").write_bytes(LATIN1_MODULE)
    return root


def test_every_bad_course_is_refused_with_all_its_errors(bad_courses: Path) -> None:
    result = load_courses(bad_courses)
    assert result.courses == []
    expected = sorted(line for lines in EXPECTED_ERRORS.values() for line in lines)
    assert sorted(str(error) for error in result.errors) == expected


@pytest.mark.parametrize("case", sorted(set(EXPECTED_ERRORS) - {"missing-course-yml"}))
def test_load_course_reports_exact_errors_for(case: str, bad_courses: Path) -> None:
    course, errors = load_course(bad_courses / case)
    assert course is None
    assert [str(error) for error in errors] == EXPECTED_ERRORS[case]


def test_error_lines_are_one_based_and_in_file_order() -> None:
    _, errors = load_course(BAD_ROOT / "quizzes")
    assert all(error.line >= 1 for error in errors)
    assert errors == sorted(errors, key=lambda e: (e.path, e.line))


def test_errors_are_translated_to_italian() -> None:
    _, errors = load_course(BAD_ROOT / "quizzes")
    italian = [error.format("it") for error in errors]
    assert (
        "courses/quizzes/01-scelte.md:8: quiz: una domanda 'single' richiede esattamente "
        "una scelta corretta (trovate 2)"
    ) in italian
    _, errors = load_course(BAD_ROOT / "front-matter")
    assert (
        "courses/front-matter/03-chiavi.md:2: intestazione: chiave sconosciuta 'titolo' "
        "(ammesse: title, minutes, objectives)"
    ) in [error.format("it") for error in errors]


def test_error_keeps_code_and_params_and_str_is_english() -> None:
    error = CourseError("courses/b/02-spese.md", 31, "single_correct", {"count": 2}, "quiz")
    assert str(error) == (
        "courses/b/02-spese.md:31: quiz: 'single' question needs exactly one correct choice "
        "(found 2)"
    )
    assert error.message("it").startswith("quiz: una domanda 'single'")
    assert error.format("fr") == str(error)  # unknown languages fall back to English


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_message_has_english_and_italian_with_the_same_placeholders(code: str) -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    assert set(MESSAGES[code]) == {"en", "it"}
    assert fields(MESSAGES[code]["en"]) == fields(MESSAGES[code]["it"])


def test_context_prefixes_exist_in_both_languages() -> None:
    assert all(set(prefixes) == {"en", "it"} for prefixes in CONTEXT_PREFIXES.values())


def test_bad_glossary_entries_are_reported_and_terms_using_them_fail() -> None:
    result = load_courses(FIXTURES / "bad-glossary" / "courses")
    assert [str(e) for e in result.errors] == [
        "courses/corso/01-intro.md:6: glossary term 'TAN' is not defined in glossary.yml",
        "courses/glossary.yml:2: definition of 'TAN' must be a non-empty text",
        "courses/glossary.yml:3: definition of 'Rata' must be a non-empty text",
        "courses/glossary.yml:4: duplicate key 'TAEG'",
    ]
    assert result.glossary.terms == {"TAEG": "Tasso Annuo Effettivo Globale."}


def test_invalid_glossary_yaml_reports_its_line() -> None:
    _, errors = parse_glossary(b"TAEG: uno\nTAN: [due\n", "courses/glossary.yml")
    assert [str(e) for e in errors] == [
        "courses/glossary.yml:2: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_symlinks_in_a_course_folder_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "courses" / "corso"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: T\nsummary: S.\nlanguage: it\n")
    (folder / "01-a.md").write_text("---\ntitle: A\nminutes: 3\n---\n")
    (folder / "02-link.md").symlink_to("/etc/passwd")
    course, errors = load_course(folder)
    assert course is None
    assert [str(e) for e in errors] == [
        "courses/corso/02-link.md:1: symbolic links are not allowed in a course folder"
    ]


def test_a_missing_course_folder_is_an_error(tmp_path: Path) -> None:
    course, errors = load_course(tmp_path / "courses" / "nessuno")
    assert course is None
    assert [str(e) for e in errors] == ["courses/nessuno/course.yml:1: course.yml is missing"]


def test_hostile_yaml_is_reported_never_executed_or_crashing() -> None:
    text = (
        "---\ntitle: T\nminutes: 3\n---\n\n"
        "```simulator budget\n"
        "incomes:\n"
        "  - {[a]: 1}\n"
        "savings: !!python/object/apply:os.system ['echo hi']\n"
        "```\n\n"
        "```quiz\n"
        "question: !!python/object/apply:os.system ['echo hi']\n"
        "```\n\n"
        "```quiz\n"
        f"question: {'[' * 300}\n"
        "```\n"
    )
    _, errors = parse_module(text.encode(), "01-a.md")
    assert [str(e) for e in errors] == [
        "01-a.md:7: simulator: 'incomes' must be a list of entries with category (text), "
        "amount (number), subitem (text, optional), frequency (choice, optional)",
        "01-a.md:9: simulator: 'savings' must be a number (use a dot for decimals: 7.5)",
        "01-a.md:12: quiz: 'single' question needs 'choices' with at least 2 choices (found 0)",
        "01-a.md:13: quiz: 'question' must be a non-empty text",
        "01-a.md:17: invalid YAML: expected the node content, but found '<stream end>'",
    ]
    # Nesting deep enough to exhaust Python's stack never reaches the YAML parser: quiz
    # texts are Markdown too, and the bracket bound refuses the module first.
    deep = text.replace("[" * 300, "[" * 3000)
    _, errors = parse_module(deep.encode(), "01-a.md")
    assert [e.code for e in errors] == ["too_many_brackets"]


def test_budget_block_accepts_subitem_frequency_and_group_and_checks_their_words() -> None:
    good = (
        "---\ntitle: T\nminutes: 3\n---\n\n"
        "```simulator budget\n"
        "incomes:\n"
        "  - {category: lavoro, subitem: tredicesima, amount: 1300, frequency: annuale}\n"
        "expenses:\n"
        "  - {category: bollette, subitem: tari, amount: 240, frequency: yearly, group: need}\n"
        "  - {category: Affitto, amount: 700}\n"
        "```\n"
    )
    module, errors = parse_module(good.encode(), "01-a.md")
    assert errors == []
    block = module.simulators[0]
    assert block.values["expenses"][0]["group"] == "need"
    bad = good.replace("group: need", "group: luxury")
    _, errors = parse_module(bad.encode(), "01-a.md")
    assert [e.code for e in errors] == ["bad_entries"]
