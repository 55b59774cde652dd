"""Routes: the worker's questionnaire (consented, optional) and the manager's impact report."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm

from elearn.csvexport import csv_download
from elearn.impact import export, periods, scales, services, texts
from elearn.impact import report as impact_report
from elearn.models.base import utcnow
from elearn.reports import services as reports
from elearn.security import role_required

bp = Blueprint("impact", __name__)


@bp.app_context_processor
def _impact_offer() -> dict[str, object]:
    # A callable: the home page asks (one statement), other pages pay nothing.
    def impact_offer() -> services.Offer | None:
        if not current_user.is_authenticated:
            return None
        return services.offer_for(current_user)

    return {"impact_offer": impact_offer}


# --- worker ------------------------------------------------------------------------------------


def _index_page(status: int = 200, error: str | None = None) -> tuple[str, int]:
    consent = services.consent_of(current_user.id)
    return render_template(
        "impact/index.html",
        consent=consent,
        history=services.responses_of(current_user.id) if consent else [],
        next_allowed=services.next_allowed_at(current_user.id),
        form=FlaskForm(),
        error=error,
    ), status


@bp.get("/benessere")
@role_required("worker")
def index() -> tuple[str, int]:
    return _index_page()


@bp.post("/benessere/consenso")
@role_required("worker")
def consent() -> Response | tuple[str, int]:
    choice = request.form.get("consent")
    if not FlaskForm().validate_on_submit() or choice not in ("yes", "no"):
        return _index_page(422, gettext("Choose yes or no."))
    services.set_consent(current_user, choice == "yes", remote_addr=request.remote_addr or "")
    if choice == "yes":
        flash(gettext("Thank you. You can withdraw at any time on this page."), "success")
        return redirect(url_for("impact.questionnaire"))
    flash(gettext("Your choice is saved: no answers are kept."), "success")
    return redirect(url_for("impact.index"))


@bp.post("/benessere/non-ora")
@role_required("worker")
def snooze() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.snooze(current_user)
    flash(gettext("All right: we will ask again in a month at the earliest."), "success")
    return redirect(url_for("core.home"))


def _questionnaire_page(
    status: int = 200, error: str | None = None, chosen: dict[str, str] | None = None
) -> tuple[str, int]:
    return render_template(
        "impact/questionnaire.html",
        form=FlaskForm(),
        items=scales.FWB_ITEMS,
        part_choices={1: scales.PART1_CHOICES, 2: scales.PART2_CHOICES},
        literacy=scales.LITERACY_QUESTIONS,
        texts=texts,
        error=error,
        chosen=chosen or {},
    ), status


@bp.route("/benessere/questionario", methods=["GET", "POST"])
@role_required("worker")
def questionnaire() -> Response | tuple[str, int]:
    try:
        services.check_may_answer(current_user)
    except services.ImpactError as refusal:
        if request.method == "GET":
            flash(refusal.message, "error")
            return redirect(url_for("impact.index"))
        return _index_page(refusal.status, refusal.message)
    if request.method == "GET":
        return _questionnaire_page()
    chosen = {key: value[:20] for key, value in request.form.items() if key != "csrf_token"}
    if not FlaskForm().validate_on_submit():
        return _questionnaire_page(400, gettext("The form has expired: send it again."), chosen)
    try:
        response = services.save_answers(
            current_user,
            choices={item.key: chosen.get(f"fwb-{item.key}", "") for item in scales.FWB_ITEMS},
            age_band=chosen.get("age_band", ""),
            mode=chosen.get("mode", ""),
            literacy={key: chosen.get(f"lit-{key}", "") for key in scales.LITERACY_QUESTIONS},
            language=str(get_locale() or "it"),
        )
    except services.ImpactError as refusal:
        return _questionnaire_page(refusal.status, refusal.message, chosen)
    flash(
        gettext("Thank you. Your financial well-being score is %(score)d.", score=response.score),
        "success",
    )
    return redirect(url_for("impact.index"))


# --- manager -----------------------------------------------------------------------------------


def _period() -> periods.Period:
    """The period from ?periodo= (a calendar quarter or year that is over); the last quarter
    that is over by default. PeriodError for anything else, and for the free first and last
    days (?from=&to=) of the old form, whose one-day steps gave one person's answers away."""
    today = utcnow().date()
    key = request.args.get("periodo")
    if key is None:
        if "from" in request.args or "to" in request.args:
            raise periods.PeriodError(
                gettext(
                    "The report now covers calendar quarters and years only, not chosen days: "
                    "choose a period from the list."
                )
            )
        return periods.default(today)
    return periods.parse(key, today)


def _scope() -> tuple[list[int], str]:
    org_ids, selected = reports.scope(current_user, request.args.get("org"))
    if not org_ids:
        abort(403)
    return org_ids, selected


@bp.get("/impatto")
@role_required("manager")
def report() -> tuple[str, int]:
    org_ids, selected = _scope()
    quarters, years = periods.closed(utcnow().date())
    choices = {"quarters": quarters, "years": years}
    try:
        period = _period()
    except periods.PeriodError as error:
        return render_template(
            "impact/report.html",
            data=None,
            error=error.message,
            organizations=reports.managed_organizations(current_user),
            selected=selected,
            period=None,
            **choices,
        ), 400
    data = impact_report.build(org_ids, period.start, period.end)
    return render_template(
        "impact/report.html",
        data=data,
        error=None,
        method=impact_report.method_paragraph(),
        organizations=reports.managed_organizations(current_user),
        selected=selected,
        period=period,
        extra_params={"periodo": period.key},
        **choices,
    ), 200


def _download(kind: str) -> Response:
    org_ids, selected = _scope()
    try:
        period = _period()
    except periods.PeriodError as error:
        return Response(error.message, status=400, mimetype="text/plain")
    data = impact_report.build(org_ids, period.start, period.end)
    export.record_download(
        current_user.id,
        kind,
        selected,
        period.start,
        period.end,
        remote_addr=request.remote_addr or "",
    )
    name = f"impatto-{selected}-{period.key}.{kind}"
    if kind == "csv":
        return csv_download(name, export.to_csv(data))
    response = Response(export.to_pdf(data), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/impatto/rapporto.csv")
@role_required("manager")
def report_csv() -> Response:
    return _download("csv")


@bp.get("/impatto/rapporto.pdf")
@role_required("manager")
def report_pdf() -> Response:
    return _download("pdf")
