"""Every validation rule, on the bad fixture courses, with its exact `path:line: message`."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from elearn.coursefmt import MESSAGES, CourseError, load_course, load_courses, parse_glossary
from elearn.coursefmt.errors import CONTEXT_PREFIXES

from .conftest import BAD_ROOT, FIXTURES

# One entry per course folder under fixtures/bad/courses; each folder is about one family
# of rules (see the folder names), and lists every problem found, in file and line order.
EXPECTED_ERRORS: dict[str, list[str]] = {
    'Bilancio_2024': [
        "courses/Bilancio_2024/course.yml:1: course folder name 'Bilancio_2024' must use only lowercase letters, digits and hyphens",
    ],
    'course-keys': [
        "courses/course-keys/course.yml:1: unknown key 'titel' (allowed: title, summary, language, level, audience, modules, pass_score)",
        "courses/course-keys/course.yml:1: missing required key 'title'",
        "courses/course-keys/course.yml:4: unknown key 'descrizione' (allowed: title, summary, language, level, audience, modules, pass_score)",
    ],
    'course-required': [
        "courses/course-required/course.yml:1: missing required key 'title'",
        "courses/course-required/course.yml:1: missing required key 'summary'",
        "courses/course-required/course.yml:1: missing required key 'language'",
    ],
    'course-types': [
        "courses/course-types/course.yml:1: 'title' must be a non-empty text",
        "courses/course-types/course.yml:2: 'summary' must be a non-empty text",
        "courses/course-types/course.yml:4: 'audience' must be a list of non-empty texts",
        "courses/course-types/course.yml:5: 'pass_score' must be a whole number from 0 to 100",
        "courses/course-types/course.yml:6: 'modules' must be a list of non-empty texts",
    ],
    'course-values': [
        "courses/course-values/course.yml:3: 'language' must be one of: it, en (found 'de')",
        "courses/course-values/course.yml:4: 'level' must be one of: base, intermedio, avanzato (found 'esperto')",
        "courses/course-values/course.yml:7: 'audience' must be one of: tutti, maternita, figli, legge104, svantaggiati (found 'operai')",
        "courses/course-values/course.yml:8: 'audience' lists 'tutti' more than once",
        "courses/course-values/course.yml:9: 'pass_score' must be a whole number from 0 to 100",
    ],
    'course-yaml': [
        'courses/course-yaml/course.yml:2: invalid YAML: mapping values are not allowed here',
    ],
    'course-yaml-alias': [
        'courses/course-yaml-alias/course.yml:4: YAML aliases (*name) are not allowed',
    ],
    'course-yaml-duplicate': [
        "courses/course-yaml-duplicate/course.yml:4: 'modules' must not be empty",
        "courses/course-yaml-duplicate/course.yml:5: duplicate key 'language'",
    ],
    'front-matter': [
        "courses/front-matter/01-senza.md:1: front matter missing: the file must start with a '---' block with title and minutes",
        "courses/front-matter/02-aperta.md:1: front matter is not closed by a '---' line",
        "courses/front-matter/03-chiavi.md:1: front matter: missing required key 'title'",
        "courses/front-matter/03-chiavi.md:1: front matter: missing required key 'minutes'",
        "courses/front-matter/03-chiavi.md:2: front matter: unknown key 'titolo' (allowed: title, minutes, objectives)",
        "courses/front-matter/03-chiavi.md:3: front matter: unknown key 'durata' (allowed: title, minutes, objectives)",
        "courses/front-matter/03-chiavi.md:4: front matter: 'objectives' must be a list of non-empty texts",
        "courses/front-matter/04-minuti.md:3: front matter: 'minutes' must be a whole number from 1 to 600",
        "courses/front-matter/04-minuti.md:4: front matter: 'objectives' must be a list of non-empty texts",
        "courses/front-matter/05-minuti.md:3: front matter: 'minutes' must be a whole number from 1 to 600",
        "courses/front-matter/06-minuti.md:3: front matter: 'minutes' must be a whole number from 1 to 600",
        "courses/front-matter/07-yaml.md:4: invalid YAML: expected ',' or ']', but got '<stream end>'",
        "courses/front-matter/08-lista.md:1: front matter: expected 'key: value' lines (a YAML mapping)",
    ],
    'media-and-terms': [
        "courses/media-and-terms/01-immagini.md:9: image not found: 'media/assente.png' (put the file in the course's media/ folder)",
        "courses/media-and-terms/01-immagini.md:11: image 'https://example.com/a.png' must be a relative path inside media/, e.g. media/grafico.png",
        "courses/media-and-terms/01-immagini.md:13: image '../segreto.png' must be a relative path inside media/, e.g. media/grafico.png",
        "courses/media-and-terms/01-immagini.md:13: image '/etc/passwd.png' must be a relative path inside media/, e.g. media/grafico.png",
        "courses/media-and-terms/01-immagini.md:15: glossary term 'TEGM' is not defined in glossary.yml",
        "courses/media-and-terms/01-immagini.md:20: glossary term 'Spread' is not defined in glossary.yml",
        "courses/media-and-terms/01-immagini.md:22: unknown block ':::tipp' (allowed: tip, warning, example, definition)",
        "courses/media-and-terms/01-immagini.md:27: glossary term 'Mutuo' is not defined in glossary.yml",
        "courses/media-and-terms/01-immagini.md:29: image not found: 'media/no.png' (put the file in the course's media/ folder)",
        "courses/media-and-terms/01-immagini.md:31: glossary term 'Conto' is not defined in glossary.yml",
        "courses/media-and-terms/media/evil.svg:1: media file 'media/evil.svg' is not a supported image (png, jpg, jpeg, gif, webp)",
    ],
    'missing-course-yml': [
        'courses/missing-course-yml/course.yml:1: course.yml is missing',
    ],
    'module-list': [
        "courses/module-list/course.yml:6: module file '02-assente.md' is listed but does not exist",
        "courses/module-list/course.yml:7: module entry '../fuori.md' must be the name of a .md file in the course folder",
        "courses/module-list/course.yml:8: 'modules' lists '01-intro' more than once",
    ],
    'modules-encoding': [
        'courses/modules-encoding/01-latin1.md:7: file is not valid UTF-8 text',
        "courses/modules-encoding/Modulo 3.md:1: module file name 'Modulo 3.md' must use only lowercase letters, digits and hyphens",
    ],
    'no-modules': [
        'courses/no-modules/course.yml:1: the course has no modules',
    ],
    'quizzes': [
        "courses/quizzes/01-scelte.md:8: quiz: 'single' question needs exactly one correct choice (found 2)",
        "courses/quizzes/01-scelte.md:18: quiz: 'single' question needs exactly one correct choice (found 0)",
        "courses/quizzes/01-scelte.md:26: quiz: 'multiple' question needs at least one correct choice",
        "courses/quizzes/01-scelte.md:34: quiz: 'single' question needs 'choices' with at least 2 choices (found 1)",
        "courses/quizzes/01-scelte.md:39: quiz: 'multiple' question needs 'choices' with at least 2 choices (found 0)",
        "courses/quizzes/01-scelte.md:47: quiz choice: expected 'key: value' lines (a YAML mapping)",
        "courses/quizzes/01-scelte.md:48: quiz choice: unknown key 'testo' (allowed: text, correct)",
        "courses/quizzes/01-scelte.md:48: quiz choice: missing required key 'text'",
        "courses/quizzes/01-scelte.md:49: quiz choice: 'correct' must be true or false",
        "courses/quizzes/01-scelte.md:54: quiz: 'answer' is not used by 'single' questions",
        "courses/quizzes/01-scelte.md:55: quiz: 'tolerance' is not used by 'single' questions",
        "courses/quizzes/02-chiavi.md:7: quiz: unknown key 'domanda' (allowed: id, question, type, choices, shuffle, answer, tolerance, explanation)",
        "courses/quizzes/02-chiavi.md:15: quiz: missing required key 'question'",
        "courses/quizzes/02-chiavi.md:25: quiz: 'type' must be one of: single, multiple, number (found 'vero-falso')",
        "courses/quizzes/02-chiavi.md:30: quiz: 'shuffle' must be true or false",
        "courses/quizzes/02-chiavi.md:31: quiz: 'explanation' must be a non-empty text",
        "courses/quizzes/02-chiavi.md:39: quiz: 'id' must use only letters, digits, hyphens and underscores (at most 80)",
        "courses/quizzes/02-chiavi.md:47: quiz: expected 'key: value' lines (a YAML mapping)",
        "courses/quizzes/02-chiavi.md:53: invalid YAML: expected ',' or ']', but got '<stream end>'",
        "courses/quizzes/03-numeri.md:6: quiz: 'number' question needs a numeric 'answer'",
        "courses/quizzes/03-numeri.md:14: quiz: 'number' question needs a numeric 'answer'",
        "courses/quizzes/03-numeri.md:20: quiz: 'number' question needs a numeric 'answer'",
        "courses/quizzes/03-numeri.md:21: quiz: 'tolerance' must be a number >= 0",
        "courses/quizzes/03-numeri.md:28: quiz: 'choices' is not used by 'number' questions",
        "courses/quizzes/04-duplicati.md:16: quiz: duplicate quiz id 'stessa' (first used on line 7)",
        "courses/quizzes/04-duplicati.md:31: quiz: duplicate quiz id 'stessa-domanda-c6d90045' (first used on line 25)",
    ],
    'simulators': [
        "courses/simulators/01-simulatori.md:6: simulator: unknown simulator 'mutuo' (available: budget, debt, loan, savings, savings-goal)",
        'courses/simulators/01-simulatori.md:10: simulator: the block needs a simulator name, e.g. ```simulator loan (available: budget, debt, loan, savings, savings-goal)',
        "courses/simulators/01-simulatori.md:15: simulator: 'principal' must be a number (use a dot for decimals: 7.5)",
        "courses/simulators/01-simulatori.md:16: simulator: 'annual_rate' must be a number (use a dot for decimals: 7.5)",
        "courses/simulators/01-simulatori.md:18: simulator: unknown field 'rate' for simulator 'loan' (allowed: annual_rate, installment_fee, method, months, principal, upfront_fees)",
        "courses/simulators/01-simulatori.md:19: simulator: 'method' must be one of: french, italian (found 'tedesco')",
        "courses/simulators/01-simulatori.md:23: simulator: 'incomes' must be a list of entries with category (text), amount (number)",
        "courses/simulators/01-simulatori.md:26: simulator: 'expenses' must be a list of entries with category (text), amount (number)",
        "courses/simulators/01-simulatori.md:27: simulator: 'savings' must be a number (use a dot for decimals: 7.5)",
        "courses/simulators/01-simulatori.md:32: invalid YAML: expected ',' or ']', but got '<stream end>'",
        "courses/simulators/01-simulatori.md:35: simulator: expected 'key: value' lines (a YAML mapping)",
    ],
}


def test_every_bad_course_is_refused_with_all_its_errors() -> None:
    result = load_courses(BAD_ROOT)
    assert result.courses == []
    expected = sorted(line for lines in EXPECTED_ERRORS.values() for line in lines)
    assert sorted(str(error) for error in result.errors) == expected


@pytest.mark.parametrize("case", sorted(set(EXPECTED_ERRORS) - {"missing-course-yml"}))
def test_load_course_reports_exact_errors_for(case: str) -> None:
    course, errors = load_course(BAD_ROOT / case)
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
