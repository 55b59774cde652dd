"""Importing course folders never overwrites what a trainer published from the web editor."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import CourseModule
from tests.learning.access import FIXTURES


def _published_source(app) -> str:
    with app.app_context():
        record = db.session.scalar(select(CourseModule).where(CourseModule.slug == "01-spese"))
        return record.published_version.source


def test_a_rerun_import_keeps_the_web_edit_and_says_so(
    app, client, runner, make_user, login, tmp_path
):
    root = tmp_path / "courses"
    shutil.copytree(FIXTURES, root)
    assert runner.invoke(args=["courses", "import", str(root)]).exit_code == 0
    login(make_user("trainer"))
    source = _published_source(app).replace("Una spesa fissa", "Una spesa fissa (web)")
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})
    assert client.post("/editor/prova/pubblica", data={}).status_code == 302
    assert "Una spesa fissa (web)" in _published_source(app)

    # The folders did not change: a rerun (as `elearn demo` does) leaves the web version.
    rerun = runner.invoke(args=["courses", "import", str(root)])
    assert rerun.exit_code == 0, rerun.output
    assert "skipped prova: published from the web editor" in rerun.output
    assert "--overwrite prova" in rerun.output
    assert "Una spesa fissa (web)" in _published_source(app)

    # Asked for explicitly, the files replace the web version; then imports work as before.
    forced = runner.invoke(args=["courses", "import", str(root), "--overwrite", "prova"])
    assert "updated 1" in forced.output and forced.output.rstrip().endswith("skipped 0")
    assert "Una spesa fissa (web)" not in _published_source(app)
    again = runner.invoke(args=["courses", "import", str(root)])
    assert "unchanged 1, new module versions 0, skipped 0" in again.output


def test_a_web_edit_identical_to_the_files_is_not_reported(app, client, runner, make_user, login):
    assert runner.invoke(args=["courses", "import", str(FIXTURES)]).exit_code == 0
    login(make_user("trainer"))
    source = _published_source(app)
    client.post(
        "/editor/prova/01-spese", data={"source": source + "\nAggiunta.\n", "action": "save"}
    )
    client.post("/editor/prova/pubblica", data={})
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})
    client.post("/editor/prova/pubblica", data={})
    rerun = runner.invoke(args=["courses", "import", str(FIXTURES)])
    assert "unchanged 1, new module versions 0, skipped 0" in rerun.output


def test_renderings_of_an_older_renderer_are_redone_on_import(app, runner):
    from elearn import coursefmt
    from elearn.models import ModuleVersion

    assert runner.invoke(args=["courses", "import", str(FIXTURES)]).exit_code == 0
    with app.app_context():
        for version in db.session.scalars(select(ModuleVersion)):
            version.rendered = '[{"kind": "html", "html": "<h3>old</h3>"}]'
            version.render_version = coursefmt.RENDER_VERSION - 1
        db.session.commit()
    # The files did not change: only the renderer did (as after an upgrade of the site).
    assert runner.invoke(args=["courses", "import", str(FIXTURES)]).exit_code == 0
    with app.app_context():
        versions = db.session.scalars(select(ModuleVersion)).all()
        assert all(v.render_version == coursefmt.RENDER_VERSION for v in versions)
        assert all("<h3>old</h3>" not in v.rendered for v in versions)
