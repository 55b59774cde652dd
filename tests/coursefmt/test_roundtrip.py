"""Export gives back every file byte for byte; content hashes detect changes."""

from __future__ import annotations

from pathlib import Path

from elearn.coursefmt import course_files, export_course, export_glossary, load_course, load_courses

from .conftest import GOOD_ROOT

COURSE = GOOD_ROOT / "budget-familiare"


def _disk_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_course_files_are_the_bytes_on_disk() -> None:
    course, _ = load_course(COURSE)
    assert course is not None
    assert course_files(course) == _disk_files(COURSE)


def test_export_writes_identical_bytes(tmp_path: Path) -> None:
    result = load_courses(GOOD_ROOT)
    course = result.courses[0]
    target = export_course(course, tmp_path / "courses")
    export_glossary(result.glossary, tmp_path / "courses")
    assert target == tmp_path / "courses" / "budget-familiare"
    assert _disk_files(target) == _disk_files(COURSE)
    assert (tmp_path / "courses" / "glossary.yml").read_bytes() == (
        GOOD_ROOT / "glossary.yml"
    ).read_bytes()
    again = load_courses(tmp_path / "courses")
    assert again.ok
    assert again.courses[0].content_hash == course.content_hash
    assert [m.content_hash for m in again.courses[0].modules] == [
        m.content_hash for m in course.modules
    ]


def test_export_with_clean_removes_files_no_longer_in_the_course(tmp_path: Path) -> None:
    course, _ = load_course(COURSE)
    assert course is not None
    target = tmp_path / "budget-familiare"
    target.mkdir()
    (target / "03-vecchio.md").write_text("stale")
    (target / ".git-keep").write_text("hidden files stay")
    export_course(course, tmp_path, clean=True)
    assert not (target / "03-vecchio.md").exists()
    assert (target / ".git-keep").exists()
    assert {p for p in _disk_files(target) if not p.startswith(".")} == set(course.files)


def test_module_content_hash_is_sha256_of_the_file() -> None:
    import hashlib

    course, _ = load_course(COURSE)
    assert course is not None
    module = course.modules[0]
    expected = hashlib.sha256((COURSE / module.filename).read_bytes()).hexdigest()
    assert module.content_hash == expected
