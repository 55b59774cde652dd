"""Loading good course folders into the data model, and the defaults of the format."""

from __future__ import annotations

from pathlib import Path

from elearn.coursefmt import (
    Choice,
    SimulatorBlock,
    course_from_files,
    load_course,
    load_courses,
    parse_module,
    with_file,
)

from .conftest import GOOD_ROOT

COURSE = GOOD_ROOT / "budget-familiare"


def test_good_courses_load_without_errors() -> None:
    result = load_courses(GOOD_ROOT)
    assert [str(e) for e in result.errors] == []
    assert result.ok
    assert [c.slug for c in result.courses] == ["budget-familiare"]
    assert result.glossary.lookup("taeg") == "TAEG"


def test_course_yml_values_are_read() -> None:
    course, errors = load_course(COURSE)
    assert errors == []
    assert course is not None
    assert course.title == "Il bilancio familiare"
    assert course.summary == "Capire dove vanno i soldi ogni mese."
    assert (course.language, course.level, course.audience) == ("it", "base", ["tutti"])
    assert course.pass_score == 80
    assert course.module_order == ["01-entrate-e-uscite.md", "02-spese-fisse-e-variabili.md"]
    assert [m.slug for m in course.modules] == ["01-entrate-e-uscite", "02-spese-fisse-e-variabili"]
    assert course.quiz_count == 3


def test_module_front_matter_and_blocks_are_read() -> None:
    course, _ = load_course(COURSE)
    assert course is not None
    first = course.module("01-entrate-e-uscite")
    assert first is not None
    assert (first.title, first.minutes) == ("Entrate e uscite", 15)
    assert first.objectives == ["Distinguere entrate nette e lorde"]
    assert first.body.startswith("\n# Entrate e uscite")
    assert first.body_line == 7
    assert first.glossary_terms == ["TAEG"]
    single, number = first.quizzes
    assert single.id == "spesa-fissa" and single.explicit_id
    assert single.type == "single" and single.shuffle
    assert single.choices == [Choice("L'affitto", True), Choice("La cena al ristorante", False)]
    assert single.explanation == "L'affitto si paga ogni mese, sempre uguale."
    assert (single.line, single.question_line) == (18, 20)
    assert number.type == "number" and number.answer == 1800 and number.tolerance == 0
    assert first.simulators == [
        SimulatorBlock("loan", {"principal": 10000, "annual_rate": 7.5, "months": 60}, 37)
    ]
    second = course.module("02-spese-fisse-e-variabili")
    assert second is not None
    assert second.glossary_terms == ["Spesa fissa", "TAN", "TAEG"]
    assert second.images == ["media/torta.png"]
    assert second.quizzes[0].type == "multiple" and not second.quizzes[0].shuffle
    assert second.simulators[0].values["incomes"] == [{"category": "Stipendio", "amount": 1800}]


def test_defaults_apply_when_optional_keys_are_absent() -> None:
    files = {
        "course.yml": b"title: Corso\nsummary: Breve.\nlanguage: en\n",
        "02-b.md": b"---\ntitle: B\nminutes: 3\n---\n",
        "01-a.md": b"---\ntitle: A\nminutes: 3\n---\n",
        "notes.txt": b"kept, not a module",
    }
    course, errors = course_from_files(files, "corso")
    assert errors == []
    assert course is not None
    assert (course.level, course.audience, course.pass_score) == ("base", ["tutti"], 80)
    assert course.module_order == ["01-a.md", "02-b.md"]  # file names sorted
    assert course.files["notes.txt"] == b"kept, not a module"
    assert course.modules[0].language == "en"


def test_module_names_may_omit_md_in_course_yml() -> None:
    files = {
        "course.yml": b"title: C\nsummary: S.\nlanguage: it\nmodules: [02-b, 01-a.md]\n",
        "01-a.md": b"---\ntitle: A\nminutes: 3\n---\n",
        "02-b.md": b"---\ntitle: B\nminutes: 3\n---\n",
    }
    course, errors = course_from_files(files, "corso")
    assert errors == [] and course is not None
    assert course.module_order == ["02-b.md", "01-a.md"]


def test_bom_and_crlf_modules_load() -> None:
    data = "\ufeff---\r\ntitle: Con BOM\r\nminutes: 5\r\n---\r\n\r\n[[TAEG]]\r\n".encode()
    files = {"course.yml": b"title: C\nsummary: S.\nlanguage: it\n", "01-a.md": data}
    course, errors = course_from_files(files, "corso")
    assert errors == [] or [str(e) for e in errors] == [
        "corso/01-a.md:6: glossary term 'TAEG' is not defined in glossary.yml"
    ]
    module, errors = parse_module(data, "01-a.md")
    assert module is not None and module.title == "Con BOM"
    assert [str(e) for e in errors] == [
        "01-a.md:6: glossary term 'TAEG' is not defined in glossary.yml"
    ]


def test_parse_module_returns_a_best_effort_module_with_errors() -> None:
    module, errors = parse_module(b"---\ntitle: T\n---\n\n# Ciao\n", "01-a.md", path="x/01-a.md")
    assert module is not None and module.title == "T"
    assert [str(e) for e in errors] == ["x/01-a.md:1: front matter: missing required key 'minutes'"]


def test_with_file_revalidates_the_changed_course() -> None:
    result = load_courses(GOOD_ROOT)
    course, glossary = result.courses[0], result.glossary
    changed, errors = with_file(
        course, "01-entrate-e-uscite.md", b"---\ntitle: Nuovo\nminutes: 2\n---\n", glossary=glossary
    )
    assert errors == [] and changed is not None
    assert changed.modules[0].title == "Nuovo"
    assert changed.modules[0].content_hash != course.modules[0].content_hash
    assert changed.modules[1].content_hash == course.modules[1].content_hash
    broken, errors = with_file(
        course, "01-entrate-e-uscite.md", b"no front matter\n", glossary=glossary
    )
    assert broken is None
    assert [str(e) for e in errors] == [
        "budget-familiare/01-entrate-e-uscite.md:1: front matter missing: the file must start "
        "with a '---' block with title and minutes"
    ]


def test_unsafe_paths_in_a_files_dict_are_refused() -> None:
    files = {
        "course.yml": b"title: C\nsummary: S.\nlanguage: it\n",
        "01-a.md": b"---\ntitle: A\nminutes: 3\n---\n",
        "../evil.md": b"x",
    }
    course, errors = course_from_files(files, "corso", display_dir="courses/corso")
    assert course is None
    assert [str(e) for e in errors] == ["courses/corso/../evil.md:1: unsafe file path '../evil.md'"]


def test_single_course_folder_can_be_the_root(tmp_path: Path) -> None:
    result = load_courses(COURSE)
    assert result.ok and [c.slug for c in result.courses] == ["budget-familiare"]
    assert result.glossary.lookup("TAN") == "TAN"  # glossary from the parent folder
