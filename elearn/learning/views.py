"""Routes for learners: catalogue, course pages, module pages, quizzes, media, glossary."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale, gettext, lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.authoring.services import current_glossary
from elearn.charts import SVG_CSP, bar_chart
from elearn.consult.pathway import pathway_for
from elearn.core.templating import text
from elearn.coursefmt import render_inline
from elearn.extensions import db
from elearn.learning import services
from elearn.models import Course, CourseCompletion, CourseMedia, User
from elearn.security import login_required
from elearn.target_groups import AUDIENCE_WORDS
from elearn.urls import public_url

bp = Blueprint("learning", __name__)


def _course_or_404(slug: str) -> Course:
    course = services.published_course(slug)
    if course is None:
        abort(404)
    return course


def _course_for_reading_or_404(slug: str) -> services.CourseForReading:
    """The course as values, for the pages that only show it (kept between requests)."""
    course = services.course_for_reading(slug)
    if course is None:
        abort(404)
    return course


def _module_or_404(course: Course | services.CourseForReading, module_slug: str):  # noqa: ANN202
    module = services.find_module(course, module_slug)
    if module is None:
        abort(404)
    return module


@bp.get("/corsi/")
def catalogue() -> str:
    user_id = current_user.id if current_user.is_authenticated else None
    language = request.args.get("lingua", "")
    level = request.args.get("livello", "")
    audience = request.args.get("per", "")
    cards = services.catalogue(
        user_id,
        language=language,
        level=level,
        audience=audience,
        preferred_language=str(get_locale() or "it"),
        recommend=True,
    )
    return render_template(
        "learning/catalogue.html",
        cards=cards,
        filters={"lingua": language, "livello": level, "per": audience},
        levels=services.LEVELS,
        audiences=services.AUDIENCES,
    )


@bp.get("/corsi/<slug>/")
def course(slug: str) -> str:
    found = _course_for_reading_or_404(slug)
    user_id = current_user.id if current_user.is_authenticated else None
    outline = services.course_outline(found, user_id)
    return render_template(
        "learning/course.html",
        course=found,
        outline=outline,
        next_slug=services.next_module_slug(outline),
        started=any(status.state != "new" for status in outline),
    )


@bp.get("/corsi/<slug>/<module_slug>")
@login_required
def module(slug: str, module_slug: str) -> str:
    found = _course_for_reading_or_404(slug)
    record = _module_or_404(found, module_slug)
    # Everything the page reads, then the visit's short write: two transactions, not three.
    content = services.module_content(found, record, current_user.id)
    progress = services.record_visit(current_user.id, found.slug, record.slug)
    page = services.module_page(found, record, current_user.id, progress, content)
    return render_template("learning/module.html", page=page, form=FlaskForm())


@bp.post("/corsi/<slug>/<module_slug>/letto")
@login_required
def mark_read(slug: str, module_slug: str) -> Response:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user.id, found, record)
    flash(gettext("Well done: this module is marked as read."), "success")
    return redirect(url_for("learning.module", slug=slug, module_slug=module_slug) + "#fine")


@bp.post("/corsi/<slug>/<module_slug>/quiz/<quiz_id>")
@login_required
def answer(slug: str, module_slug: str, quiz_id: str) -> Response | tuple[str, int]:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    if quiz_id not in record.published_version.quiz_map():
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    target = url_for("learning.module", slug=slug, module_slug=module_slug) + f"#quiz-{quiz_id}"
    try:
        correct = services.answer_quiz(
            current_user.id,
            found,
            record,
            quiz_id,
            request.form.to_dict(flat=False),
            str(get_locale() or "it"),
        )
    except services.AnswerError as error:
        # Shown at the question itself (the form's address ends with its anchor), not in the
        # messages at the top of a long page.
        page = services.module_page(found, record, current_user.id)
        view = page.quizzes[quiz_id]
        if view.type == "number":  # what was typed stays in the box, to be corrected
            view.number_text = request.form.get("answer", "")[:40]
        view.error = {
            "empty": gettext("Choose an answer before checking."),
            "number": gettext("Write a number, for example 1800 or 12,5."),
        }.get(str(error), gettext("That answer cannot be read. Please try again."))
        return render_template("learning/module.html", page=page, form=FlaskForm()), 422
    flash(
        gettext("Right answer!")
        if correct
        else gettext("Not quite. Read the explanation and try again."),
        "success" if correct else "info",
    )
    return redirect(target)


@bp.get("/corsi/<slug>/media/<path:filename>")
def media(slug: str, filename: str) -> Response:
    found = _course_or_404(slug)
    item = db.session.scalar(
        db.select(CourseMedia).where(
            CourseMedia.course_id == found.id, CourseMedia.filename == filename
        )
    )
    if item is None or not item.content_type.startswith("image/"):
        abort(404)
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(item.sha256)
    return response.make_conditional(request)


@bp.post("/corsi/<slug>/<module_slug>/tempo")
@login_required
def heartbeat(slug: str, module_slug: str) -> tuple[str, int]:
    found = _course_or_404(slug)
    record = _module_or_404(found, module_slug)
    counted = services.heartbeat(current_user.id, found, record)
    return "", 204 if counted else 202


@bp.get("/il-mio-percorso")
@login_required
def my_path() -> str:
    path = services.my_path(current_user.id, str(get_locale() or "it"))
    pathway = None
    if "consult.new_request" in current_app.view_functions:
        pathway = pathway_for(current_user.id)
    return render_template("learning/my_path.html", path=path, pathway=pathway)


@bp.get("/il-mio-percorso/attivita.svg")
@login_required
def activity_chart() -> Response:
    weeks = services.weekly_activity(current_user.id)
    svg = bar_chart(
        tuple(format_date(start, "d MMM") for start, _ in weeks),
        tuple(float(count) for _, count in weeks),
        gettext("Your activity, week by week"),
        gettext("actions"),
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/corsi/<slug>/azzera", methods=["GET", "POST"])
@login_required
def reset(slug: str) -> str | Response:
    found = _course_or_404(slug)
    form = FlaskForm()
    if form.validate_on_submit():
        services.reset_course(current_user.id, found.slug)
        flash(gettext("Your progress in this course has been reset."), "success")
        return redirect(url_for("learning.course", slug=slug))
    return render_template("learning/reset.html", course=found, form=form)


@bp.get("/certificati/<slug>.pdf")
@login_required
def certificate(slug: str) -> Response:
    completion = db.session.scalar(
        db.select(CourseCompletion).where(
            CourseCompletion.user_id == current_user.id, CourseCompletion.course_slug == slug
        )
    )
    if completion is None:
        abort(404)
    # Printed and put in the QR code: from PUBLIC_BASE_URL, never from the request's host.
    verify_url = public_url("learning.verify", code=completion.verification_code)
    pdf = services.certificate_pdf(
        current_user.full_name, completion, verify_url, str(get_locale() or "it")
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="attestato-{slug}.pdf"'
    return response


@bp.get("/verifica/<code>")
def verify(code: str) -> str | tuple[str, int]:
    completion = services.completion_by_code(code)
    if completion is None:
        return render_template("learning/verify.html", completion=None, name=None), 404
    name = db.session.get(User, completion.user_id).full_name
    return render_template("learning/verify.html", completion=completion, name=name)


glossary_bp = Blueprint("glossary", __name__)


@glossary_bp.get("/glossario")
def glossary() -> str:
    terms = current_glossary().terms
    entries = [
        (term, render_inline(definition, link_terms=False))
        for term, definition in sorted(terms.items(), key=lambda item: item[0].casefold())
    ]
    return render_template("learning/glossary.html", entries=entries)


LEVEL_WORDS = {
    "base": lazy_gettext("basic"),
    "intermedio": lazy_gettext("intermediate"),
    "avanzato": lazy_gettext("advanced"),
}
SIMULATOR_TITLES = {
    "loan": lazy_gettext("Loan simulator"),
    "savings": lazy_gettext("Savings simulator"),
    "savings-goal": lazy_gettext("Savings goal simulator"),
    "budget": lazy_gettext("Household budget simulator"),
    "debt": lazy_gettext("Debt payoff simulator"),
}
MASTERY_WORDS = {
    "new": lazy_gettext("new"),
    "started": lazy_gettext("started"),
    "practised": lazy_gettext("practised"),
    "passed": lazy_gettext("passed"),
    "mastered": lazy_gettext("mastered"),
}


def _has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


# Made once: a context processor runs at every render.
_HELPERS = {
    "mastery_label": lambda level: text(MASTERY_WORDS.get(level, level)),
    "level_label": lambda level: text(LEVEL_WORDS.get(level, level)),
    "audience_label": lambda tag: text(AUDIENCE_WORDS.get(tag, tag)),
    "simulator_title": lambda name: text(SIMULATOR_TITLES.get(name, name)),
    "simulator_link": services.simulator_link,
    "has_endpoint": _has_endpoint,
}


@bp.app_context_processor
def _learning_helpers() -> dict[str, object]:
    return _HELPERS
