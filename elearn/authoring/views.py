"""Routes of the course editor for trainers (and admins)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.authoring import services, upkeep
from elearn.authoring.diff import diff_texts
from elearn.authoring.forms import (
    GlossaryForm,
    NewCourseForm,
    NewModuleForm,
    SourceForm,
    UploadForm,
)
from elearn.authoring.media import ImageError, clean_image
from elearn.coursefmt.model import sha256_hex
from elearn.extensions import db
from elearn.models import Course, CourseMedia, CourseModule, ModuleVersion
from elearn.models.base import utcnow
from elearn.privacy import disclosure
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


@bp.route("/nuovo", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_course() -> str | Response | tuple[str, int]:
    """The new-course form; a refused submission shows it again here, an address that also
    answers GET (reloading it, or opening it from the history, shows the form)."""
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
        archived=upkeep.archived_modules(found),
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
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
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

    if existing is None:
        found.media.append(
            CourseMedia(filename=name, data=clean, content_type=mime, sha256=sha256_hex(clean))
        )
    else:
        existing.data, existing.content_type, existing.sha256 = clean, mime, sha256_hex(clean)
    # Images go live at once: a later import of the course folders must not delete this one.
    found.updated_at = found.edited_on_web_at = utcnow()
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


# --- deleting modules and images, editing the glossary ------------------------------------------


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
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
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
    found = _course_or_404(slug)
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
            + " ".join(error.format(_lang()) for error in errors[:5]),
            "error",
        )
    else:
        flash(gettext("Module “%(title)s” is back in the course.", title=title), "success")
    return redirect(url_for("authoring.course", slug=slug) + "#modules-heading")


@bp.route("/<slug>/immagini/<path:media_name>/elimina", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_media(slug: str, media_name: str) -> str | Response | tuple[str, int]:
    """Confirm, then delete an image; refused while a current module shows it."""
    found = _course_or_404(slug)
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
        lang=_lang(),
        line_errors=_errors_by_line(errors, upkeep.GLOSSARY_OVERWRITE_NAME),
    ), status
