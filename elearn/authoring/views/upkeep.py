"""Deleting and restoring modules, deleting images, editing the glossary."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.authoring import upkeep
from elearn.authoring.forms import GlossaryForm
from elearn.authoring.views.common import (
    EDITORS,
    bp,
    course_or_404,
    errors_by_line,
    lang,
    module_or_404,
)
from elearn.coursefmt.model import sha256_hex
from elearn.models import Course, CourseMedia, CourseModule
from elearn.privacy import disclosure
from elearn.security import role_required


def _archived_or_404(course: Course, module_slug: str) -> CourseModule:
    record = next((m for m in upkeep.archived_modules(course) if m.slug == module_slug), None)
    if record is None:
        abort(404)
    return record


def _media_or_404(course: Course, name: str) -> CourseMedia:
    item = next((m for m in course.media if m.filename == name), None)
    if item is None:
        abort(404)
    return item


def _blocked_message(reason: str) -> str:
    if reason == "last":
        return gettext(
            "This is the course's only module: a course needs at least one. "
            "Add another module first."
        )
    return gettext(
        "The module list in course.yml is written in a way the editor cannot change. "
        "Take this module out of the list by hand, then publish."
    )


@bp.route("/<slug>/<module_slug>/elimina", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_module(slug: str, module_slug: str) -> str | Response | tuple[str, int]:
    """Confirm, then remove a module: archived when it was ever published (learners keep
    their progress, completions and certificates), deleted when it never left the draft."""
    found = course_or_404(slug)
    record = module_or_404(found, module_slug)
    form = FlaskForm()
    plan = upkeep.plan_module_removal(found, record)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if not plan.blocked:
            title = record.title
            upkeep.remove_module(
                found, record, actor_id=current_user.id, remote_addr=request.remote_addr or ""
            )
            flash(
                gettext(
                    "Module “%(title)s” deleted. Learners no longer see it; what they "
                    "completed is kept. You can restore it below.",
                    title=title,
                )
                if plan.archive
                else gettext("Module “%(title)s” deleted.", title=title),
                "success",
            )
            return redirect(url_for("authoring.course", slug=slug) + "#modules-heading")
        status = 409
    return render_template(
        "authoring/delete_module.html",
        course=found,
        module=record,
        plan=plan,
        blocked_message=_blocked_message(plan.blocked) if plan.blocked else "",
        learners=disclosure.count(plan.learners),
        completions=disclosure.count(plan.completions),
        form=form,
    ), status


@bp.post("/<slug>/moduli-eliminati/<module_slug>/ripristina")
@role_required(*EDITORS)
def restore_module(slug: str, module_slug: str) -> Response:
    found = course_or_404(slug)
    record = _archived_or_404(found, module_slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    title = record.title
    errors = upkeep.restore_module(
        found, record, actor_id=current_user.id, remote_addr=request.remote_addr or ""
    )
    if errors:
        flash(
            gettext("Not restored: the course would not be valid with it.")
            + " "
            + " ".join(error.format(lang()) for error in errors[:5]),
            "error",
        )
    else:
        flash(gettext("Module “%(title)s” is back in the course.", title=title), "success")
    return redirect(url_for("authoring.course", slug=slug) + "#modules-heading")


@bp.route("/<slug>/immagini/<path:media_name>/elimina", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_media(slug: str, media_name: str) -> str | Response | tuple[str, int]:
    """Confirm, then delete an image; refused while a current module shows it."""
    found = course_or_404(slug)
    item = _media_or_404(found, media_name)
    form = FlaskForm()
    use = upkeep.image_use(found, item)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if not use.current:
            upkeep.delete_image(
                found, item, actor_id=current_user.id, remote_addr=request.remote_addr or ""
            )
            flash(gettext("Image %(name)s deleted.", name=media_name), "success")
            return redirect(url_for("authoring.course", slug=slug) + "#media")
        status = 409
    return render_template(
        "authoring/delete_media.html", course=found, item=item, use=use, form=form
    ), status


@bp.route("/glossario", methods=["GET", "POST"])
@role_required(*EDITORS)
def glossary() -> str | Response | tuple[str, int]:
    """glossary.yml, shared by every course, edited as text and saved only when valid."""
    stored = upkeep.glossary_text()
    form = GlossaryForm(source=stored)
    errors: list = []
    status = 200
    if form.validate_on_submit():
        if form.base.data and form.base.data != sha256_hex(stored.encode("utf-8")):
            form.source.errors.append(
                gettext(
                    "Someone saved the glossary while you were editing it: your text was not "
                    "saved. Copy your changes, reload the page and make them again."
                )
            )
            status = 409
        else:
            text = (form.source.data or "").replace("\r\n", "\n")
            errors = upkeep.save_glossary(
                text, actor_id=current_user.id, remote_addr=request.remote_addr or ""
            )
            if not errors:
                flash(gettext("Glossary saved. Every course shows the new definitions."), "success")
                return redirect(url_for("authoring.glossary"))
            status = 422
    elif form.errors:
        status = 422
    if status != 409:
        form.base.data = sha256_hex(stored.encode("utf-8"))
    return render_template(
        "authoring/glossary.html",
        form=form,
        errors=errors,
        lang=lang(),
        line_errors=errors_by_line(errors, upkeep.GLOSSARY_OVERWRITE_NAME),
    ), status
