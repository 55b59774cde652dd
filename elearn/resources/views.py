"""Routes of the resources map: the worker's questionnaire and map, the manager's view, admin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import rules as consult
from elearn.consult.pathway import add_pathway_item
from elearn.consult.requests import get_case
from elearn.extensions import db
from elearn.form_errors import show_on_form
from elearn.forms import ActionForm, choices
from elearn.models import ConsultationRequest, Organization
from elearn.models.resources import CoopResource, RequestResourceMap
from elearn.resources import answers, coop, mapview, sharing
from elearn.resources.forms import (
    AttachForm,
    ConsentForm,
    CoopResourceForm,
    FamilyForm,
    IseeForm,
    PathwayStepForm,
    SpecialForm,
    WhatIfForm,
    WorkForm,
)
from elearn.security import role_required

bp = Blueprint("resources", __name__)

worker_only = role_required("worker")
manager_only = role_required("manager")
admin_only = role_required("admin")

STEP_FORMS: dict[str, Any] = {
    "famiglia": FamilyForm,
    "isee": IseeForm,
    "lavoro": WorkForm,
    "consenso": ConsentForm,
    "salute": SpecialForm,
}


@bp.app_template_global()
def shared_resource_map(consultation: ConsultationRequest) -> RequestResourceMap | None:
    """Whether the worker attached a map to this request (the case file links to it)."""
    return sharing.shared_map(consultation)


# --- the worker's questionnaire ------------------------------------------------------------------


@bp.get("/risorse/questionario")
@worker_only
def questionnaire() -> Response:
    step = answers.next_step(current_user.id)
    if step is None:
        return redirect(url_for("resources.map_page"))
    return redirect(url_for("resources.step", questionnaire_step=step))


def _prefill(step: str, form: Any) -> None:
    profile = answers.get_profile(current_user.id)
    if profile is None:
        return
    stored = profile.answers or {}
    if step == "famiglia":
        for row, child in zip(form.children.entries, stored.get("children") or [], strict=False):
            row.form.birth_date.data = answers.date_or_none(child.get("birth_date"))
            row.form.age.data = child.get("age")
        form.other_parent.data = stored.get("other_parent")
        form.mother_under_21.data = bool(stored.get("mother_under_21"))
    elif step == "isee" and "has_isee" in stored:
        form.has_isee.data = "yes" if stored.get("has_isee") else "no"
        form.isee.data = stored.get("isee")
    elif step == "lavoro":
        form.contract.data = stored.get("contract")
        form.part_time_percent.data = stored.get("part_time_percent") or 100
        form.net_monthly_pay.data = stored.get("net_monthly_pay")
    elif step == "consenso":
        consent = answers.has_special_consent(current_user.id)
        form.consent.data = (
            "yes" if consent else ("no" if "consenso" in profile.completed_steps else None)
        )
    elif step == "salute":
        special = profile.special_answers or {}
        form.expecting.data = bool(special.get("expecting"))
        form.expected_birth.data = answers.date_or_none(special.get("expected_birth"))
        form.relative_104.data = special.get("relative_104") or ""
        levels = special.get(answers.CHILD_DISABILITY_KEY) or []
        for row, level in zip(form.children_disability.entries, levels, strict=False):
            row.form.disability.data = level or ""


def _answers(step: str, form: Any) -> dict[str, Any]:
    """The validated step's answers as JSON-ready values."""
    if step == "famiglia":
        children = []
        for row in form.children.entries:
            birth, age = row.form.birth_date.data, row.form.age.data
            if birth is not None:
                children.append({"birth_date": birth.isoformat()})
            elif age is not None:
                children.append({"age": int(age)})
        return {
            "children": children,
            "other_parent": form.other_parent.data or None,
            "mother_under_21": bool(form.mother_under_21.data) and bool(children),
        }
    if step == "isee":
        has = form.has_isee.data == "yes"
        return {"has_isee": has, "isee": float(form.isee.data) if has else None}
    if step == "lavoro":
        pay = form.net_monthly_pay.data
        return {
            "contract": form.contract.data or None,
            "part_time_percent": int(form.part_time_percent.data or 100),
            "net_monthly_pay": float(pay) if pay is not None else None,
        }
    if step == "consenso":
        return {"consent": form.consent.data == "yes"}
    expected = form.expected_birth.data
    declared = len((answers.inputs_of(current_user.id)).get("children") or [])
    levels = [row.form.disability.data or None for row in form.children_disability.entries]
    return {
        "expecting": bool(form.expecting.data),
        "expected_birth": expected.isoformat() if expected and form.expecting.data else None,
        "relative_104": form.relative_104.data or None,
        answers.CHILD_DISABILITY_KEY: levels[:declared],
    }


@bp.route("/risorse/questionario/<questionnaire_step>", methods=["GET", "POST"])
@worker_only
def step(questionnaire_step: str) -> str | Response | tuple[str, int]:
    if questionnaire_step not in STEP_FORMS:
        abort(404)
    if questionnaire_step == "salute" and not answers.has_special_consent(current_user.id):
        flash(gettext("These questions come only after your consent."), "info")
        return redirect(url_for("resources.step", questionnaire_step="consenso"))
    form = STEP_FORMS[questionnaire_step]()
    if request.method == "GET":
        _prefill(questionnaire_step, form)
    elif form.validate_on_submit():
        try:
            given = _answers(questionnaire_step, form)
            answers.save_step(
                current_user, questionnaire_step, given, remote_addr=request.remote_addr or ""
            )
        except answers.ResourcesError as error:
            show_on_form(form, error)
        else:
            following = answers.step_after(current_user.id, questionnaire_step)
            flash(gettext("Saved. You can stop here and come back later."), "success")
            if following is None:
                return redirect(url_for("resources.map_page"))
            return redirect(url_for("resources.step", questionnaire_step=following))
    steps = answers.steps_for(current_user.id)
    child_rows = 0
    if questionnaire_step == "famiglia":
        filled = max(
            (
                index + 1
                for index, row in enumerate(form.children.entries)
                if row.form.birth_date.data or row.form.age.data is not None
            ),
            default=0,
        )
        all_rows = request.args.get("righe") == "tutte" or bool(form.children.errors)
        child_rows = (
            answers.MAX_CHILDREN if all_rows else min(answers.MAX_CHILDREN, max(3, filled + 1))
        )
    return render_template(
        "resources/step.html",
        child_rows=child_rows,
        declared_children=_declared_children() if questionnaire_step == "salute" else [],
        covers_disability=answers.consent_covers_disability(current_user.id),
        form=form,
        step=questionnaire_step,
        steps=steps,
        position=steps.index(questionnaire_step) + 1 if questionnaire_step in steps else None,
        titles=answers.STEP_TITLES,
        special=questionnaire_step == "salute",
    ), (422 if form.errors else 200)


def _declared_children() -> list[int | None]:
    """The age of each child given in the family step (None when unknown), in order."""
    household = answers.household_from_inputs(answers.inputs_of(current_user.id))
    today = answers.local_today()
    return [child.age_on(today) for child in household.children]


# --- the map -------------------------------------------------------------------------------------


@bp.get("/risorse")
@worker_only
def map_page() -> tuple[str, int]:
    today = answers.local_today()
    inputs = answers.inputs_of(current_user.id)
    what_if_form = WhatIfForm(request.args)
    status = 200
    alternative = None
    if inputs and request.args.get("se"):
        try:
            changed = answers.what_if_inputs(
                inputs, request.args.get("se", ""), request.args.get("valore", ""), today
            )
        except answers.ResourcesError as error:
            show_on_form(what_if_form, error, "valore")
            status = 422
        else:
            alternative = mapview.build_map(changed, today)
    resource_map = mapview.build_map(inputs, today) if inputs else None
    comparison = (
        mapview.compare(resource_map, alternative)
        if resource_map is not None and alternative is not None and not alternative.missing_year
        else []
    )
    open_requests = sharing.open_requests_of(current_user.id)
    attach_form = AttachForm(formdata=None)
    attach_form.request.choices = choices(
        [(r.id, f"#{r.id} – {consult.TOPIC_LABELS.get(r.topic, r.topic)}") for r in open_requests]
    )
    return render_template(
        "resources/map.html",
        inputs=inputs,
        resource_map=resource_map,
        alternative=alternative,
        comparison=comparison,
        what_if_form=what_if_form,
        what_if_label=answers.WHAT_IF.get(request.args.get("se", "")),
        answers=mapview.summary_of_answers(inputs, today) if inputs else [],
        next_step=answers.next_step(current_user.id),
        coop_resources=coop.coop_resources_for(current_user.organization_id),
        attach_form=attach_form,
        has_requests=bool(open_requests),
    ), status


@bp.post("/risorse/allega")
@worker_only
def attach() -> Response:
    form = AttachForm()
    form.request.choices = []
    if not form.validate_on_submit() or form.request.data is None:
        flash(gettext("Choose one of your open requests."), "error")
        return redirect(url_for("resources.map_page") + "#share")
    try:
        sharing.attach_map(current_user, form.request.data, answers.local_today())
    except answers.ResourcesError as error:
        flash(error.message, "error")
        return redirect(url_for("resources.map_page") + "#share")
    flash(gettext("Map attached: the Welfare Manager sees it with your request."), "success")
    return redirect(url_for("consult.request_detail", request_id=form.request.data))


# --- the manager's view --------------------------------------------------------------------------


def _case_or_404(request_id: int) -> ConsultationRequest:
    found = get_case(current_user, request_id)
    if found is None:
        abort(404)
    return found


@bp.get("/gestione/richieste/<int:request_id>/risorse")
@manager_only
def manager_map(request_id: int) -> str:
    consultation = _case_or_404(request_id)
    shared = sharing.read_shared_map(consultation, current_user, request.remote_addr or "")
    if shared is None:
        abort(404)
    return render_template(
        "resources/manager_map.html",
        consultation=consultation,
        shared=shared,
        resource_map=mapview.build_map(shared.inputs, shared.computed_on),
        answers=mapview.summary_of_answers(shared.inputs, shared.computed_on),
        coop_resources=coop.coop_resources_for(consultation.organization_id),
    )


@bp.post("/gestione/richieste/<int:request_id>/risorse/percorso")
@manager_only
def manager_pathway(request_id: int) -> Response:
    consultation = _case_or_404(request_id)
    shared = sharing.shared_map(consultation)
    form = PathwayStepForm()
    if shared is None or not form.validate_on_submit():
        abort(400 if shared is not None else 404)
    resource_map = mapview.build_map(shared.inputs, shared.computed_on)
    item = next((i for i in resource_map.items if i.key == form.resource.data), None)
    if item is None:
        abort(400)
    add_pathway_item(
        consultation,
        current_user,
        module="",
        title=sharing.pathway_title(item),
        due_date=form.due_date.data,
    )
    flash(gettext("Added to the pathway."), "success")
    return redirect(url_for("manage.case", request_id=consultation.id) + "#pathway")


# --- administrators: cooperatives' own resources -------------------------------------------------


def _organization_choices(form: CoopResourceForm) -> list[Organization]:
    organizations = list(db.session.scalars(db.select(Organization).order_by(Organization.name)))
    form.organization.choices = choices([(o.id, o.name) for o in organizations])
    return organizations


def _coop_values(form: CoopResourceForm) -> dict[str, Any]:
    return {
        "organization_id": form.organization.data,
        "title": form.title.data,
        "who_qualifies": form.who_qualifies.data or "",
        "amount": form.amount.data or "",
        "how_to_ask": form.how_to_ask.data or "",
        "active": bool(form.active.data),
    }


def _valid_organization(form: CoopResourceForm, organizations: list[Organization]) -> bool:
    if form.organization.data not in {o.id for o in organizations}:
        form.organization.errors = [*form.organization.errors, gettext("Choose a cooperative.")]
        return False
    return True


@bp.route("/admin/risorse-cooperative", methods=["GET", "POST"])
@admin_only
def admin_list() -> str | Response | tuple[str, int]:
    form = CoopResourceForm()
    organizations = _organization_choices(form)
    if form.validate_on_submit() and _valid_organization(form, organizations):
        coop.save_coop_resource(None, current_user, **_coop_values(form))
        flash(gettext("Resource saved."), "success")
        return redirect(url_for("resources.admin_list"))
    names = {o.id: o.name for o in organizations}
    return render_template(
        "resources/admin_list.html",
        form=form,
        rows=[(names.get(r.organization_id, ""), r) for r in coop.all_coop_resources()],
        delete_form=ActionForm(),
    ), (422 if form.errors else 200)


def _coop_resource_or_404(coop_resource_id: int) -> CoopResource:
    found = db.session.get(CoopResource, coop_resource_id)
    if found is None:
        abort(404)
    return found


@bp.route("/admin/risorse-cooperative/<int:coop_resource_id>", methods=["GET", "POST"])
@admin_only
def admin_edit(coop_resource_id: int) -> str | Response | tuple[str, int]:
    resource = _coop_resource_or_404(coop_resource_id)
    form = CoopResourceForm(obj=resource) if request.method == "GET" else CoopResourceForm()
    if request.method == "GET":
        form.organization.data = resource.organization_id
    organizations = _organization_choices(form)
    if form.validate_on_submit() and _valid_organization(form, organizations):
        coop.save_coop_resource(resource, current_user, **_coop_values(form))
        flash(gettext("Resource saved."), "success")
        return redirect(url_for("resources.admin_list"))
    return render_template("resources/admin_edit.html", form=form, resource=resource), (
        422 if form.errors else 200
    )


@bp.post("/admin/risorse-cooperative/<int:coop_resource_id>/elimina")
@admin_only
def admin_delete(coop_resource_id: int) -> Response:
    resource = _coop_resource_or_404(coop_resource_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    coop.delete_coop_resource(resource, current_user)
    flash(gettext("Resource deleted."), "success")
    return redirect(url_for("resources.admin_list"))
