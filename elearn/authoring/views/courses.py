"""Courses in the editor: the list, a new course, zips in and out, the course page, new modules,
publishing, images and the figures for trainers."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.authoring import editing, services, upkeep, uploads
from elearn.authoring.forms import NewCourseForm, NewModuleForm, SourceForm, UploadForm
from elearn.authoring.media import ImageError, clean_image
from elearn.authoring.statistics import course_statistics
from elearn.authoring.views.common import EDITORS, bp, course_or_404, errors_by_line, lang
from elearn.security import role_required


@bp.get("/")
@role_required(*EDITORS)
def index() -> str:
    return render_template(
        "authoring/index.html",
        courses=services.list_courses(),
        new_form=NewCourseForm(),
        upload_form=UploadForm(),
    )


@bp.route("/nuovo", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_course() -> str | Response | tuple[str, int]:
    """The new-course form; a refused submission shows it again here, an address that also
    answers GET (reloading it, or opening it from the history, shows the form)."""
    form = NewCourseForm()
    if form.validate_on_submit():
        if editing.course_slug_taken(form.slug.data):
            form.slug.errors.append(gettext("A course with this short name already exists."))
        else:
            course = editing.create_course(
                slug=form.slug.data,
                title=form.title.data.strip(),
                summary=form.summary.data.strip(),
                language=form.language.data,
            )
            flash(
                gettext("Course created as a draft. Learners will see it after you publish it."),
                "success",
            )
            return redirect(url_for("authoring.course", slug=course.slug))
    return render_template("authoring/new_course.html", new_form=form), (
        422 if request.method == "POST" else 200
    )


@bp.route("/importa", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_zip() -> str | Response | tuple[str, int]:
    if request.method == "GET":  # the address of a refused upload, reloaded
        return redirect(url_for("authoring.index") + "#zip-heading")
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data = form.file.data.read(uploads.MAX_ZIP_BYTES + 1)
        if len(data) > uploads.MAX_ZIP_BYTES:
            problems = [gettext("The zip is too large (at most 20 MB).")]
        else:
            course, problems = uploads.import_zip(io.BytesIO(data), author_id=current_user.id)
            if course is not None:
                flash(gettext("Course imported and published."), "success")
                return redirect(url_for("authoring.course", slug=course.slug))
    return render_template(
        "authoring/index.html",
        courses=services.list_courses(),
        new_form=NewCourseForm(),
        upload_form=form,
        import_problems=problems,
    ), 422


@bp.route("/<slug>/", methods=["GET", "POST"])
@role_required(*EDITORS)
def course(slug: str) -> str | Response | tuple[str, int]:
    found = course_or_404(slug)
    yml = found.draft_course_yml if found.draft_course_yml is not None else found.course_yml
    form = SourceForm(source=yml)
    if form.validate_on_submit():
        editing.save_course_yml(found, (form.source.data or "").replace("\r\n", "\n"))
        flash(gettext("Draft saved. Publish the course to make it visible."), "success")
        return redirect(url_for("authoring.course", slug=slug))
    _parsed, errors = services.validate_working_copy(found)
    return render_template(
        "authoring/course.html",
        course=found,
        form=form,
        errors=errors,
        lang=lang(),
        yml_errors=errors_by_line(errors, "course.yml"),
        module_form=NewModuleForm(),
        upload_form=UploadForm(),
        action_form=FlaskForm(),
        archived=upkeep.archived_modules(found),
    ), (422 if form.errors else 200)


@bp.post("/<slug>/moduli")
@role_required(*EDITORS)
def new_module(slug: str) -> Response:
    found = course_or_404(slug)
    form = NewModuleForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect(url_for("authoring.course", slug=slug))
    try:
        editing.add_module(found, form.slug.data, form.title.data.strip())
    except ValueError:
        if any(m.slug == form.slug.data and m.archived for m in found.modules):
            flash(
                gettext(
                    "A deleted module has this name: restore it from “Deleted modules”, "
                    "or choose another name."
                ),
                "error",
            )
        else:
            flash(gettext("A module with this name already exists."), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return redirect(url_for("authoring.module", slug=slug, module_slug=form.slug.data))


@bp.post("/<slug>/pubblica")
@role_required(*EDITORS)
def publish(slug: str) -> Response:
    found = course_or_404(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    errors = editing.publish(found, author_id=current_user.id)
    if errors:
        flash(
            ngettext(
                "Not published: fix the problem listed first.",
                "Not published: fix the %(num)d problems listed first.",
                len(errors),
            ),
            "error",
        )
    else:
        flash(gettext("Published: learners now see this version."), "success")
    return redirect(url_for("authoring.course", slug=slug))


@bp.get("/<slug>/esporta.zip")
@role_required(*EDITORS)
def export_zip(slug: str) -> Response:
    found = course_or_404(slug)
    response = Response(uploads.course_zip(found), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.slug}.zip"'
    return response


@bp.post("/<slug>/media")
@role_required(*EDITORS)
def upload_media(slug: str) -> Response:
    found = course_or_404(slug)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(gettext("Choose an image file."), "error")
        return redirect(url_for("authoring.course", slug=slug) + "#media")
    data = form.file.data.read(2 * 1024 * 1024 + 1)
    try:
        name, clean, mime = clean_image(data, form.file.data.filename or "immagine")
    except ImageError as error:
        flash(
            gettext("The image is too large (at most 2 MB).")
            if str(error) == "too_large"
            else gettext("Only PNG, JPEG or WebP images can be uploaded."),
            "error",
        )
        return redirect(url_for("authoring.course", slug=slug) + "#media")
    uploads.save_image(found, name, clean, mime)
    flash(
        gettext("Image saved. Use it in a module as ![description](media/%(name)s)", name=name),
        "success",
    )
    return redirect(url_for("authoring.course", slug=slug) + "#media")


@bp.get("/<slug>/statistiche")
@role_required(*EDITORS)
def statistics(slug: str) -> str:
    found = course_or_404(slug)
    modules, questions = course_statistics(found)
    return render_template(
        "authoring/statistics.html",
        course=found,
        modules=modules,
        questions=questions,
    )
