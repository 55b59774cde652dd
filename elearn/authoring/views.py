"""Routes of the course editor for trainers (and admins)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.authoring import services
from elearn.authoring.forms import NewCourseForm, NewModuleForm, SourceForm, UploadForm
from elearn.authoring.media import ImageError, clean_image
from elearn.extensions import db
from elearn.models import Course, CourseMedia, CourseModule, ModuleVersion
from elearn.security import role_required

bp = Blueprint("authoring", __name__, url_prefix="/editor")
EDITORS = ("trainer", "admin")


def _course_or_404(slug: str) -> Course:
    course = services.get_course(slug)
    if course is None:
        abort(404)
    return course


def _module_or_404(course: Course, module_slug: str) -> CourseModule:
    record = next((m for m in course.modules if m.slug == module_slug and not m.archived), None)
    if record is None:
        abort(404)
    return record


def _lang() -> str:
    return str(get_locale() or "it")


def _errors_by_line(errors: list, filename: str) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for error in errors:
        if error.path.endswith("/" + filename) or error.path == filename:
            lines.setdefault(error.line, []).append(error.message(_lang()))
    return lines


@bp.get("/")
@role_required(*EDITORS)
def index() -> str:
    return render_template(
        "authoring/index.html",
        courses=services.list_courses(),
        new_form=NewCourseForm(),
        upload_form=UploadForm(),
    )


@bp.post("/nuovo")
@role_required(*EDITORS)
def new_course() -> str | Response | tuple[str, int]:
    form = NewCourseForm()
    if form.validate_on_submit():
        if services.course_slug_taken(form.slug.data):
            form.slug.errors.append(gettext("A course with this short name already exists."))
        else:
            course = services.create_course(
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
    return render_template(
        "authoring/index.html",
        courses=services.list_courses(),
        new_form=form,
        upload_form=UploadForm(),
    ), 422


@bp.post("/importa")
@role_required(*EDITORS)
def import_zip() -> str | Response | tuple[str, int]:
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data = form.file.data.read(services.MAX_ZIP_BYTES + 1)
        if len(data) > services.MAX_ZIP_BYTES:
            problems = [gettext("The zip is too large (at most 20 MB).")]
        else:
            course, problems = services.import_zip(io.BytesIO(data), author_id=current_user.id)
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
    found = _course_or_404(slug)
    yml = found.draft_course_yml if found.draft_course_yml is not None else found.course_yml
    form = SourceForm(source=yml)
    if form.validate_on_submit():
        services.save_course_yml(found, (form.source.data or "").replace("\r\n", "\n"))
        flash(gettext("Draft saved. Publish the course to make it visible."), "success")
        return redirect(url_for("authoring.course", slug=slug))
    _parsed, errors = services.validate_working_copy(found)
    return render_template(
        "authoring/course.html",
        course=found,
        form=form,
        errors=errors,
        lang=_lang(),
        yml_errors=_errors_by_line(errors, "course.yml"),
        module_form=NewModuleForm(),
        upload_form=UploadForm(),
        action_form=FlaskForm(),
    ), (422 if form.errors else 200)


@bp.post("/<slug>/moduli")
@role_required(*EDITORS)
def new_module(slug: str) -> Response:
    found = _course_or_404(slug)
    form = NewModuleForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect(url_for("authoring.course", slug=slug))
    try:
        services.add_module(found, form.slug.data, form.title.data.strip())
    except ValueError:
        flash(gettext("A module with this name already exists."), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return redirect(url_for("authoring.module", slug=slug, module_slug=form.slug.data))


@bp.post("/<slug>/pubblica")
@role_required(*EDITORS)
def publish(slug: str) -> Response:
    found = _course_or_404(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    errors = services.publish(found, author_id=current_user.id)
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


@bp.route("/<slug>/<module_slug>", methods=["GET", "POST"])
@role_required(*EDITORS)
def module(slug: str, module_slug: str) -> str | Response | tuple[str, int]:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    current = record.draft_source
    if current is None and record.published_version is not None:
        current = record.published_version.source
    form = SourceForm(source=current or "")
    status = 200
    if form.validate_on_submit():
        source = (form.source.data or "").replace("\r\n", "\n")
        if request.form.get("action") == "save":
            services.save_module_draft(found, module_slug, source)
            flash(gettext("Draft saved. Publish the course to make it visible."), "success")
            return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))
        current = source
    elif form.errors:
        status = 422
    preview, errors = services.preview_module(found, module_slug, current or "")
    return render_template(
        "authoring/module.html",
        course=found,
        module=record,
        form=form,
        preview=preview,
        errors=errors,
        lang=_lang(),
        lines=(current or "").split("\n"),
        line_errors=_errors_by_line(errors, record.filename),
    ), (422 if errors and status == 200 and request.method == "POST" else status)


@bp.post("/<slug>/<module_slug>/anteprima")
@role_required(*EDITORS)
def preview(slug: str, module_slug: str) -> dict[str, object] | tuple[dict[str, object], int]:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    form = SourceForm()
    if not form.validate_on_submit():
        messages = [message for field in form.errors.values() for message in field]
        return {"errors": [{"line": 1, "message": str(message)} for message in messages]}, 422
    html, errors = services.preview_module(
        found, record.slug, (form.source.data or "").replace("\r\n", "\n")
    )
    answer = {
        "html": html,
        "errors": [{"line": e.line, "message": e.message(_lang())} for e in errors],
    }
    # Nothing rendered (a text beyond the parser's bounds, or not UTF-8): say so with a 422.
    return (answer, 422) if errors and not html else answer


@bp.get("/<slug>/<module_slug>/versioni")
@role_required(*EDITORS)
def history(slug: str, module_slug: str) -> str:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    return render_template(
        "authoring/history.html", course=found, module=record, action_form=FlaskForm()
    )


@bp.post("/<slug>/<module_slug>/versioni/<int:number>/ripristina")
@role_required(*EDITORS)
def restore(slug: str, module_slug: str, number: int) -> Response:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    version = db.session.scalar(
        db.select(ModuleVersion).where(
            ModuleVersion.module_id == record.id, ModuleVersion.number == number
        )
    )
    if version is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.restore_version(record, version)
    flash(
        gettext(
            "Version %(n)d is back as a draft. Publish the course to make it visible.", n=number
        ),
        "success",
    )
    return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))


@bp.get("/<slug>/esporta.zip")
@role_required(*EDITORS)
def export_zip(slug: str) -> Response:
    found = _course_or_404(slug)
    response = Response(services.course_zip(found), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.slug}.zip"'
    return response


@bp.post("/<slug>/media")
@role_required(*EDITORS)
def upload_media(slug: str) -> Response:
    found = _course_or_404(slug)
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
    existing = next((item for item in found.media if item.filename == name), None)
    from elearn.coursefmt.model import sha256_hex

    if existing is None:
        found.media.append(
            CourseMedia(filename=name, data=clean, content_type=mime, sha256=sha256_hex(clean))
        )
    else:
        existing.data, existing.content_type, existing.sha256 = clean, mime, sha256_hex(clean)
    db.session.commit()
    flash(
        gettext("Image saved. Use it in a module as ![description](media/%(name)s)", name=name),
        "success",
    )
    return redirect(url_for("authoring.course", slug=slug) + "#media")


@bp.get("/<slug>/statistiche")
@role_required(*EDITORS)
def statistics(slug: str) -> str:
    found = _course_or_404(slug)
    modules, questions = services.course_statistics(found)
    return render_template(
        "authoring/statistics.html",
        course=found,
        modules=modules,
        questions=questions,
    )
