"""Routes of the simulator pages (public) and of saved scenarios (logged-in users)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.csvexport import csv_response
from elearn.models.scenarios import SavedScenario
from elearn.security import login_required
from elearn.simulate import budget_form, monthly_budgets, pages, services
from elearn.simulate.api import api_bp
from elearn.simulate.forms import (
    PAGES,
    PAGES_BY_NAME,
    DeleteScenarioForm,
    SaveMonthForm,
    SaveScenarioForm,
    SimulatorPage,
)
from simulators import InvalidInput

bp = Blueprint("simulate", __name__)


@bp.app_template_global()
def scenario_headline(summary: dict) -> list[tuple[str, str]]:
    """A shared scenario's main results, labelled and formatted (case page)."""
    return services.scenario_headline(summary)


bp.add_app_template_global(budget_form.line_label, "line_label")


@bp.app_template_global()
def scenario_inputs(summary: dict) -> list[tuple[str, str]]:
    """A shared scenario's inputs under the form's labels (case page)."""
    return services.scenario_inputs(summary)


@bp.app_template_global()
def scenario_link(summary: dict) -> str | None:
    return services.summary_url(summary, services.language(get_locale()))


bp.register_blueprint(api_bp)


def _lang() -> str:
    return services.language(get_locale())


def _own_scenario_or_404(scenario_id: int) -> SavedScenario:
    """The object-level check: a scenario only for the person who saved it, else 404."""
    scenario = services.get_scenario(current_user.id, scenario_id)
    if scenario is None:
        abort(404)
    return scenario


@bp.get("/simulatori")
def index() -> str:
    return render_template("simulate/index.html", pages=PAGES)


def simulator_page(page: SimulatorPage) -> tuple[str, int]:
    """A simulator: the form pre-filled from the query, and its results (422 if invalid)."""
    outcome = pages.run_page(page, request.args, _lang())
    save_form = None
    if current_user.is_authenticated and outcome.ok:
        save_form = SaveScenarioForm(formdata=None, simulator=page.name)
        if request.args:  # the learner ran it with their own numbers: that is activity
            pages.record_use(current_user.id)
    return (
        render_template(
            "simulate/page.html",
            page=page,
            outcome=outcome,
            save_form=save_form,
            consult_url=pages.consult_link(page.name, current_user) if outcome.ok else None,
        ),
        200 if outcome.ok else 422,
    )


def _page_view(page: SimulatorPage) -> Callable[[], tuple[str, int]]:
    def view() -> tuple[str, int]:
        return simulator_page(page)

    view.__name__ = f"{page.endpoint}_page"
    return view


for _page in PAGES:
    if _page.name == "budget":  # the planner has its own view, below
        continue
    bp.add_url_rule(
        f"/simulatori/{_page.slug}", endpoint=_page.endpoint, view_func=_page_view(_page)
    )


def _planner_page(
    planner: budget_form.Planner, *, month: str | None = None, scenario_id: int | None = None
) -> tuple[str, int]:
    lang = _lang()
    save_form = None
    if current_user.is_authenticated and planner.ok:
        save_form = SaveScenarioForm(formdata=None, simulator="budget")
    chart = None
    shown = planner.ok and (planner.given or planner.example)
    query = budget_form.chart_query(planner) if shown else None
    if query is not None:
        chart = pages.chart_link("budget", planner.mapping, lang, query)
    return (
        render_template(
            "simulate/budget.html",
            page=PAGES_BY_NAME["budget"],
            planner=planner,
            r=planner.result,
            chart=chart,
            save_form=save_form,
            inputs=planner.inputs() if planner.ok else {},
            month=month,
            month_label=monthly_budgets.month_label(month, lang) if month else None,
            this_month=monthly_budgets.current_month(),
            frequency_labels=budget_form.FREQUENCY_LABELS,
            group_choices=budget_form.GROUP_CHOICES,
            consult_url=pages.consult_link("budget", current_user, scenario_id)
            if planner.ok
            else None,
        ),
        200 if planner.ok else 422,
    )


@bp.route("/simulatori/bilancio", methods=["GET", "POST"])
def budget() -> tuple[str, int]:
    """The budget planner: GET for links (courses, saved scenarios), POST for its own form,
    whose fifty-odd rows would make an address too long for some servers."""
    posted = request.method == "POST"
    args = request.form if posted else request.args
    planner = budget_form.build_planner(
        args, _lang(), example=not posted and "vuoto" not in args, ask_group=posted
    )
    if current_user.is_authenticated and planner.ok and planner.given:
        pages.record_use(current_user.id)
    return _planner_page(planner)


@bp.get("/simulatori/bilancio/mesi")
@login_required
def budget_months() -> str:
    lang = _lang()
    rows = monthly_budgets.month_rows(current_user.id, lang)
    return render_template(
        "simulate/budget_months.html",
        rows=rows,
        chart=monthly_budgets.month_chart(rows, lang),
        delete_form=DeleteScenarioForm(),
        consult_links={
            row.scenario.id: pages.consult_link("budget", current_user, row.scenario.id)
            for row in rows
        },
    )


@bp.post("/simulatori/bilancio/mesi")
@login_required
def save_budget_month() -> Response | tuple[str, int]:
    form = SaveMonthForm()
    args = {key[3:]: value for key, value in request.form.items() if key.startswith("in-")}
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _planner_page(budget_form.build_planner(args, _lang(), example=False))[0], 422
    try:
        scenario, replaced = monthly_budgets.save_budget_month(
            current_user.id, form.month.data or "", args, _lang()
        )
    except services.ScenarioError as exc:
        flash(exc.message, "error")
        return _planner_page(budget_form.build_planner(args, _lang(), example=False))[0], 422
    except InvalidInput:
        planner = budget_form.build_planner(args, _lang(), example=False)
        flash(gettext("Some values are not valid: correct them, then save."), "error")
        return _planner_page(planner)[0], 422
    label = monthly_budgets.month_label(scenario.month or "", _lang())
    if replaced:
        flash(gettext("The budget of %(month)s has been updated.", month=label), "success")
    else:
        flash(gettext("Budget of %(month)s saved.", month=label), "success")
    return redirect(url_for("simulate.budget_months"), code=303)


@bp.get("/simulatori/bilancio/mesi/<month>")
@login_required
def open_budget_month(month: str) -> tuple[str, int]:
    found = monthly_budgets.parse_month(month)
    scenario = monthly_budgets.budget_month(current_user.id, found) if found else None
    if scenario is None:
        abort(404)
    query = services.scenario_query(scenario, _lang())
    planner = budget_form.build_planner(query, _lang(), example=False)
    return _planner_page(planner, month=scenario.month, scenario_id=scenario.id)


@bp.get("/simulatori/prestito/piano.csv")
def loan_csv() -> Response | tuple[str, int]:
    lang = _lang()
    try:
        header, rows = pages.loan_schedule_rows(request.args, lang)
    except InvalidInput:
        return simulator_page(PAGES_BY_NAME["loan"])
    filename = "piano-ammortamento.csv" if lang == "it" else "loan-schedule.csv"
    return csv_response(filename, header, rows)


@bp.get("/simulatori/scenari")
@login_required
def scenarios() -> str:
    lang = _lang()
    saved = [
        (scenario, services.scenario_url(scenario, lang), PAGES_BY_NAME[scenario.simulator])
        for scenario in services.scenarios_for(current_user.id)
    ]
    return render_template(
        "simulate/scenarios.html",
        saved=saved,
        delete_form=DeleteScenarioForm(),
        limit=services.MAX_SCENARIOS,
    )


@bp.post("/simulatori/scenari")
@login_required
def save_scenario() -> Response:
    form = SaveScenarioForm()
    page = PAGES_BY_NAME.get(form.simulator.data or "")
    if page is None:
        abort(404)
    inputs = {key: value for key, value in request.form.items() if key.startswith("in-")}
    args = {key[3:]: value for key, value in inputs.items()}
    back = url_for(f"simulate.{page.endpoint}", **args) + "#save-heading"
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(back, code=303)
    try:
        services.save_scenario(current_user.id, page.name, form.name.data, args, _lang())
    except services.ScenarioError as exc:
        flash(exc.message, "error")
        return redirect(back, code=303)
    except InvalidInput:
        flash(gettext("Some values are not valid: correct them, then save."), "error")
        return redirect(back, code=303)
    flash(gettext("Scenario saved. You find it in “My scenarios”."), "success")
    return redirect(back, code=303)


@bp.get("/simulatori/scenari/<int:scenario_id>")
@login_required
def open_scenario(scenario_id: int) -> Response:
    scenario = _own_scenario_or_404(scenario_id)
    return redirect(services.scenario_url(scenario, _lang()))


@bp.post("/simulatori/scenari/<int:scenario_id>/elimina")
@login_required
def delete_scenario(scenario_id: int) -> Response:
    scenario = _own_scenario_or_404(scenario_id)
    if DeleteScenarioForm().validate_on_submit():
        month = scenario.month
        services.delete_scenario(scenario)
        flash(gettext("Scenario deleted."), "success")
        if month is not None:
            return redirect(url_for("simulate.budget_months"), code=303)
    return redirect(url_for("simulate.scenarios"), code=303)
