"""A module in the editor: its text, the live preview, its versions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.authoring import editing
from elearn.authoring.diff import diff_texts
from elearn.authoring.forms import SourceForm
from elearn.authoring.views.common import (
    EDITORS,
    bp,
    course_or_404,
    errors_by_line,
    lang,
    module_or_404,
)
from elearn.extensions import db
from elearn.models import CourseModule, ModuleVersion
from elearn.security import role_required


@bp.route("/<slug>/<module_slug>", methods=["GET", "POST"])
@role_required(*EDITORS)
def module(slug: str, module_slug: str) -> str | Response | tuple[str, int]:
    found = course_or_404(slug)
    record = module_or_404(found, module_slug)
    current = record.draft_source
    if current is None and record.published_version is not None:
        current = record.published_version.source
    form = SourceForm(source=current or "")
    status = 200
    if form.validate_on_submit():
        source = (form.source.data or "").replace("\r\n", "\n")
        if request.form.get("action") == "save":
            editing.save_module_draft(found, module_slug, source)
            flash(gettext("Draft saved. Publish the course to make it visible."), "success")
            return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))
        current = source
    elif form.errors:
        status = 422
    preview, errors = editing.preview_module(found, module_slug, current or "")
    return render_template(
        "authoring/module.html",
        course=found,
        module=record,
        form=form,
        preview=preview,
        errors=errors,
        lang=lang(),
        lines=(current or "").split("\n"),
        line_errors=errors_by_line(errors, record.filename),
    ), (422 if errors and status == 200 and request.method == "POST" else status)


@bp.post("/<slug>/<module_slug>/anteprima")
@role_required(*EDITORS)
def preview(slug: str, module_slug: str) -> dict[str, object] | tuple[dict[str, object], int]:
    found = course_or_404(slug)
    record = module_or_404(found, module_slug)
    form = SourceForm()
    if not form.validate_on_submit():
        messages = [message for field in form.errors.values() for message in field]
        return {"errors": [{"line": 1, "message": str(message)} for message in messages]}, 422
    html, errors = editing.preview_module(
        found, record.slug, (form.source.data or "").replace("\r\n", "\n")
    )
    answer = {
        "html": html,
        "errors": [{"line": e.line, "message": e.message(lang())} for e in errors],
    }
    # Nothing rendered (a text beyond the parser's bounds, or not UTF-8): say so with a 422.
    return (answer, 422) if errors and not html else answer


DRAFT = "bozza"


def _version_texts(record: CourseModule) -> dict[str, str]:
    """The texts a trainer can compare, newest first: the draft (if any), then each version."""
    texts = {DRAFT: record.draft_source} if record.draft_source is not None else {}
    texts.update({str(version.number): version.source for version in record.versions})
    return texts


@bp.get("/<slug>/<module_slug>/versioni")
@role_required(*EDITORS)
def history(slug: str, module_slug: str) -> str | tuple[str, int]:
    """Every published version, and what changed between two of them (by default the
    newest text against the one before it)."""
    found = course_or_404(slug)
    record = module_or_404(found, module_slug)
    texts = _version_texts(record)
    keys = list(texts)
    newer = request.args.get("a") or (keys[0] if keys else "")
    older = request.args.get("da") or (keys[1] if len(keys) > 1 else "")
    comparison = None
    status = 200
    if len(keys) > 1:
        if newer not in texts or older not in texts:
            flash(gettext("Choose two versions from the lists."), "error")
            newer, older, status = keys[0], keys[1], 400
        comparison = diff_texts(texts[older], texts[newer])
    return render_template(
        "authoring/history.html",
        course=found,
        module=record,
        action_form=FlaskForm(),
        choices=keys,
        draft_key=DRAFT,
        newer=newer,
        older=older,
        comparison=comparison,
    ), status


@bp.post("/<slug>/<module_slug>/versioni/<int:number>/ripristina")
@role_required(*EDITORS)
def restore(slug: str, module_slug: str, number: int) -> Response:
    found = course_or_404(slug)
    record = module_or_404(found, module_slug)
    version = db.session.scalar(
        db.select(ModuleVersion).where(
            ModuleVersion.module_id == record.id, ModuleVersion.number == number
        )
    )
    if version is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    editing.restore_version(record, version)
    flash(
        gettext(
            "Version %(n)d is back as a draft. Publish the course to make it visible.", n=number
        ),
        "success",
    )
    return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))
