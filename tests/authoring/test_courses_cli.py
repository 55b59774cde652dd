"""`elearn courses check/import/export` on the bundled curriculum and on bad folders."""

from __future__ import annotations

import filecmp
from pathlib import Path

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import Course, ModuleProgress, ModuleVersion
from elearn.paths import resource_dir

BUNDLED = resource_dir("courses")


def test_bundled_courses_pass_the_checker(runner):
    result = runner.invoke(args=["courses", "check", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) >= 9 and all(line.endswith("OK") for line in lines)


def test_check_reports_every_error_with_path_and_line(runner, tmp_path):
    folder = tmp_path / "courses" / "rotto"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: X\nsummary: Y\nlanguage: it\ncolour: red\n")
    (folder / "01-a.md").write_text(
        "---\ntitle: A\nminutes: 5\n---\n\n```quiz\nquestion: Q?\nchoices:\n"
        "  - text: uno\n    correct: true\n  - text: due\n    correct: true\n```\n"
    )
    result = runner.invoke(args=["courses", "check", str(tmp_path / "courses")])
    assert result.exit_code == 1
    assert "courses/rotto/course.yml:4:" in result.output
    assert (
        "courses/rotto/01-a.md:8: quiz: "
        "'single' question needs exactly one correct choice (found 2)" in result.output
    )


def test_import_is_idempotent_and_export_gives_the_same_bytes(app, runner, tmp_path):
    first = runner.invoke(args=["courses", "import", str(BUNDLED)])
    assert first.exit_code == 0, first.output
    with app.app_context():
        courses = db.session.scalar(select(func.count(Course.id)))
        versions = db.session.scalar(select(func.count(ModuleVersion.id)))
    assert courses >= 9
    second = runner.invoke(args=["courses", "import", str(BUNDLED)])
    assert f"created 0, updated 0, unchanged {courses}, new module versions 0" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ModuleVersion.id))) == versions
        slugs = list(db.session.scalars(select(Course.slug)))
    for slug in slugs:
        out = runner.invoke(args=["courses", "export", slug, "--to", str(tmp_path / "out")])
        assert out.exit_code == 0, out.output
        comparison = filecmp.dircmp(BUNDLED / slug, tmp_path / "out" / slug)
        assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
        for path in (BUNDLED / slug).rglob("*"):
            if path.is_file():
                assert (
                    path.read_bytes()
                    == (tmp_path / "out" / slug / path.relative_to(BUNDLED / slug)).read_bytes()
                )
    # Round trip: importing the export changes nothing.
    (tmp_path / "out" / "glossary.yml").write_bytes((BUNDLED / "glossary.yml").read_bytes())
    third = runner.invoke(args=["courses", "import", str(tmp_path / "out")])
    assert "created 0, updated 0" in third.output and "new module versions 0" in third.output


def test_changed_module_becomes_a_new_version_and_progress_is_kept(
    app, runner, tmp_path, make_user
):
    import shutil

    from tests.learning.access import FIXTURES

    root = tmp_path / "courses"
    shutil.copytree(FIXTURES, root)
    runner.invoke(args=["courses", "import", str(root)])
    user_id = make_user("worker")
    with app.app_context():
        db.session.add(
            ModuleProgress(
                user_id=user_id, course_slug="prova", module_slug="01-spese", best_score=1.0
            )
        )
        db.session.commit()
    module = root / "prova" / "01-spese.md"
    module.write_text(
        module.read_text().replace("Una spesa fissa", "Una spesa fissa, come l'affitto,")
    )
    result = runner.invoke(args=["courses", "import", str(root)])
    assert "updated 1" in result.output and "new module versions 1" in result.output
    with app.app_context():
        numbers = db.session.scalars(
            select(ModuleVersion.number).order_by(ModuleVersion.number)
        ).all()
        assert max(numbers) == 2
        assert db.session.scalar(select(ModuleProgress.best_score)) == 1.0


def test_invalid_course_is_not_imported(app, runner, tmp_path):
    folder = tmp_path / "courses" / "rotto"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: X\n")
    result = runner.invoke(args=["courses", "import", str(tmp_path / "courses")])
    assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(Course.id)) is None


def test_export_of_unknown_course_fails_cleanly(runner, tmp_path):
    result = runner.invoke(args=["courses", "export", "nessuno", "--to", str(tmp_path)])
    assert result.exit_code != 0 and "no course" in result.output
    assert not Path(tmp_path / "nessuno").exists()
