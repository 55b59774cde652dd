"""Routes of the learning reports for welfare managers."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import format_date, get_locale, gettext
from flask_login import current_user

from elearn.charts import SVG_CSP, bar_chart, funnel_chart
from elearn.csvexport import csv_response
from elearn.learning.services import my_path
from elearn.privacy import disclosure
from elearn.reports import services
from elearn.reports.learners import learner_page, open_learner
from elearn.reports.snapshots import cached_dashboard
from elearn.security import role_required

bp = Blueprint("reports", __name__, url_prefix="/report")


def _dashboard(org_ids: list[int], course_slug: str | None = None) -> services.Dashboard:
    return cached_dashboard(
        org_ids,
        course_slug,
        str(get_locale() or "it"),
        current_app.config["REPORT_CACHE_SECONDS"],
    )


def _scope() -> tuple[list[int], str]:
    org_ids, selected = services.scope(current_user, request.args.get("org"))
    if not org_ids:
        abort(403)
    return org_ids, selected


def _svg(svg: str) -> Response:
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/")
@role_required("manager")
def dashboard() -> str:
    org_ids, selected = _scope()
    data = _dashboard(org_ids, request.args.get("corso"))
    return render_template(
        "reports/dashboard.html",
        data=data,
        organizations=services.managed_organizations(current_user),
        selected=selected,
    )


@bp.get("/attivi.svg")
@role_required("manager")
def active_chart() -> Response:
    org_ids, _selected = _scope()
    weeks = _dashboard(org_ids).weeks
    return _svg(
        bar_chart(
            tuple(format_date(start, "d MMM") for start, _ in weeks),
            tuple(float(count or 0) for _, count in weeks),
            gettext("Active learners per week"),
            gettext("learners"),
        )
    )


@bp.get("/corsi.svg")
@role_required("manager")
def courses_chart() -> Response:
    org_ids, _selected = _scope()
    table = _dashboard(org_ids).courses
    rows = [row for row in table.rows if row.values[0] is not None]
    return _svg(
        funnel_chart(
            tuple(row.label for row in rows),
            tuple(float(row.values[0] or 0) for row in rows),
            tuple(float(row.values[1] or 0) for row in rows),
            gettext("Learners per course"),
            gettext("started"),
            gettext("completed"),
        )
    )


@bp.get("/<table>.csv")
@role_required("manager")
def export(table: str) -> Response:
    org_ids, selected = _scope()
    data = _dashboard(org_ids, request.args.get("corso"))
    tables = {"courses": data.courses, "hardest": data.hardest, "groups": data.groups}
    if data.modules is not None:
        tables["modules"] = data.modules
    if table == "weeks":
        chosen = services.Table(
            "weeks",
            gettext("Active learners per week"),
            [gettext("Week starting"), gettext("Learners")],
            [services.Row(start, [count]) for start, count in data.weeks],
        )
    elif table in tables:
        chosen = tables[table]
    else:
        abort(404)
    services.record_export(current_user, table, selected, request.remote_addr or "")
    hidden = gettext("fewer than %(n)d", n=disclosure.MIN_GROUP)
    return csv_response(
        f"report-{table}-{selected}.csv", chosen.headers, services.table_rows(chosen, hidden)
    )


@bp.get("/persone")
@role_required("manager")
def learners() -> str:
    org_ids, selected = _scope()
    rows, page, pages, total = learner_page(
        current_user,
        org_ids,
        query=request.args.get("q", "")[:100],
        sort=request.args.get("ordine", "name"),
        page=request.args.get("pagina", 1, type=int),
    )
    return render_template(
        "reports/learners.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        selected=selected,
        organizations=services.managed_organizations(current_user),
        query=request.args.get("q", "")[:100],
        sort=request.args.get("ordine", "name"),
    )


@bp.get("/persone/<int:learner_id>")
@role_required("manager")
def learner(learner_id: int) -> str:
    person = open_learner(current_user, learner_id, request.remote_addr or "")
    if person is None:
        abort(404)
    return render_template(
        "reports/learner.html", person=person, path=my_path(person.id, person.language)
    )
