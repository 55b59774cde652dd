"""Routes of the health fund comparison: the worker's ranking, managers' plans and aggregate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.form_errors import show_on_form
from elearn.forms import ActionForm, choices
from elearn.healthfund import household, services
from elearn.healthfund.forms import NeedsForm, PlanForm
from elearn.models.healthfund import COVERAGE_ITEMS, HealthPlan
from elearn.security import role_required

bp = Blueprint("healthfund", __name__)

worker_only = role_required("worker")
manager_only = role_required("manager")


# --- the worker ----------------------------------------------------------------------------------


def _comparison_page(form: NeedsForm, status: int = 200) -> tuple[str, int]:
    needs = household.needs_of(current_user.id)
    results = household.household_comparison(current_user, needs)
    return render_template(
        "healthfund/compare.html",
        form=form,
        needs=needs,
        results=results,
        why={
            (result.plan.plan_id, line.item): services.why(line)
            for result in results
            for line in result.items
        },
        has_plans=bool(services.plans_of(current_user.organization_id)),
        consented=household.need_profile(current_user.id) is not None,
        item_labels=services.ITEM_LABELS,
        mode_labels=services.CLAIM_MODE_LABELS,
        items=COVERAGE_ITEMS,
        forget_form=ActionForm(),
    ), status


@bp.get("/fondi-sanitari")
@worker_only
def compare() -> tuple[str, int]:
    form = NeedsForm(formdata=None)
    for item, cost in household.needs_of(current_user.id).items():
        getattr(form, item).data = cost
    return _comparison_page(form)


@bp.post("/fondi-sanitari/bisogni")
@worker_only
def save_needs() -> Response | tuple[str, int]:
    form = NeedsForm()
    if form.validate_on_submit():
        try:
            household.save_needs(
                current_user,
                form.needs(),
                consent=bool(form.consent.data),
                remote_addr=request.remote_addr or "",
            )
        except services.HealthFundError as error:
            show_on_form(form, error)
        else:
            flash(gettext("Saved. The plans are ranked for your needs."), "success")
            return redirect(url_for("healthfund.compare") + "#ranking")
    return _comparison_page(form, 422)


@bp.post("/fondi-sanitari/bisogni/elimina")
@worker_only
def forget_needs() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    if household.forget_needs(current_user, remote_addr=request.remote_addr or ""):
        flash(gettext("Your amounts are deleted."), "success")
    return redirect(url_for("healthfund.compare"))


# --- managers ------------------------------------------------------------------------------------


def _plan_or_404(plan_id: int) -> HealthPlan:
    plan = services.plan_for_manager(current_user, plan_id)
    if plan is None:
        abort(404)
    return plan


def _set_organizations(form: PlanForm) -> None:
    form.organization.choices = choices(
        [(o.id, o.name) for o in services.managed_organizations(current_user)]
    )


def _fill(form: PlanForm, plan: HealthPlan) -> None:
    form.organization.data = plan.organization_id
    form.name.data = plan.name
    form.description.data = plan.description
    form.is_example.data = plan.is_example
    form.active.data = plan.active
    rows = {c.item: c for c in plan.coverages}
    for item, sub in form.coverage_fields():
        row = rows.get(item)
        sub.covered.data = row is not None
        if row is not None:
            sub.cap_per_year.data = row.cap_per_year
            sub.deductible.data = row.deductible
            sub.copay_percent.data = row.copay_percent
            sub.waiting_months.data = row.waiting_months
            sub.claim_mode.data = row.claim_mode
            sub.note.data = row.note


def _coverages(form: PlanForm) -> dict[str, services.CoverageInput]:
    found = {}
    for item, sub in form.coverage_fields():
        if not sub.covered.data:
            continue
        cap = sub.cap_per_year.data
        found[item] = services.CoverageInput(
            cap_per_year=int(cap) if cap is not None else None,
            deductible=int(sub.deductible.data or 0),
            copay_percent=int(sub.copay_percent.data or 0),
            waiting_months=int(sub.waiting_months.data or 0),
            claim_mode=sub.claim_mode.data or "refund",
            note=sub.note.data or "",
        )
    return found


def _save(form: PlanForm, plan: HealthPlan | None) -> HealthPlan | None:
    """The saved plan, or None with the reason put on the form."""
    if not form.validate_on_submit():
        return None
    try:
        return services.save_plan(
            plan,
            current_user,
            organization_id=form.organization.data,
            name=form.name.data or "",
            description=form.description.data or "",
            is_example=bool(form.is_example.data),
            active=bool(form.active.data),
            coverages=_coverages(form),
            remote_addr=request.remote_addr or "",
        )
    except services.HealthFundError as error:
        show_on_form(form, error)
        if not form.errors:
            form.form_errors.append(error.message)
        return None


@bp.get("/gestione/fondi-sanitari")
@manager_only
def plans() -> str:
    organizations = services.managed_organizations(current_user)
    names = {o.id: o.name for o in organizations}
    return render_template(
        "healthfund/plans.html",
        organizations=organizations,
        rows=[
            (names.get(plan.organization_id, ""), plan)
            for plan in services.plans_for_manager(current_user)
        ],
        item_labels=services.ITEM_LABELS,
        delete_form=ActionForm(),
    )


@bp.route("/gestione/fondi-sanitari/nuovo", methods=["GET", "POST"])
@manager_only
def new_plan() -> str | Response | tuple[str, int]:
    form = PlanForm()
    _set_organizations(form)
    if request.method == "POST":
        saved = _save(form, None)
        if saved is not None:
            flash(gettext("Plan saved."), "success")
            return redirect(url_for("healthfund.plans"))
    return render_template("healthfund/plan_edit.html", form=form, plan=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/gestione/fondi-sanitari/<int:plan_id>", methods=["GET", "POST"])
@manager_only
def edit_plan(plan_id: int) -> str | Response | tuple[str, int]:
    plan = _plan_or_404(plan_id)
    form = PlanForm(formdata=None) if request.method == "GET" else PlanForm()
    _set_organizations(form)
    if request.method == "GET":
        _fill(form, plan)
    else:
        saved = _save(form, plan)
        if saved is not None:
            flash(gettext("Plan saved."), "success")
            return redirect(url_for("healthfund.plans"))
    return render_template("healthfund/plan_edit.html", form=form, plan=plan), (
        422 if request.method == "POST" else 200
    )


@bp.post("/gestione/fondi-sanitari/<int:plan_id>/elimina")
@manager_only
def delete_plan(plan_id: int) -> Response:
    plan = _plan_or_404(plan_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_plan(plan, current_user, remote_addr=request.remote_addr or "")
    flash(gettext("Plan deleted."), "success")
    return redirect(url_for("healthfund.plans"))


@bp.get("/gestione/fondi-sanitari/cooperative/<int:organization_id>")
@manager_only
def cooperative(organization_id: int) -> str:
    organization = next(
        (o for o in services.managed_organizations(current_user) if o.id == organization_id), None
    )
    if organization is None:
        abort(404)
    return render_template(
        "healthfund/cooperative.html",
        organization=organization,
        ranking=services.group_ranking(organization_id),
        lab_weights=services.health_lab_weights(current_user, organization_id),
        item_labels=services.ITEM_LABELS,
        items=COVERAGE_ITEMS,
    )
