"""Routes of the personal pathway: the worker ticks actions, the manager adds and removes steps."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.consult import pathway, rules
from elearn.consult import requests as consultations
from elearn.consult.forms import (
    PathwayForm,
    SharingForm,
)
from elearn.consult.views.common import (
    bp,
    case_or_404,
    checked,
    manager_bp,
    manager_only,
    to_case,
    worker_only,
)
from elearn.consult.views.requests import _case_page
from elearn.form_errors import show_on_form
from elearn.forms import id_or_none
from elearn.models import ConsultationRequest


@bp.post("/percorso/<int:item_id>")
@worker_only
def tick_action(item_id: int) -> Response:
    form = SharingForm()
    checked(form)
    if not pathway.tick_action(current_user.id, item_id, form.share.data == "1"):
        abort(404)
    return redirect(_back_to_request(request.form.get("request_id", "")))


def _back_to_request(raw: str) -> str:
    request_id = id_or_none(raw)
    if request_id is not None and consultations.get_own_request(current_user.id, request_id):
        return url_for("consult.request_detail", request_id=request_id)
    return url_for("consult.my_requests")


def _pathway_refused(consultation: ConsultationRequest) -> tuple[str, int] | None:
    """On a closed case the pathway stays as it was: the page again, with why, and a 409."""
    try:
        pathway.check_pathway_open(consultation)
    except rules.ConsultError as error:
        checked()
        flash(error.message, "error")
        return _case_page(consultation), 409
    return None


@manager_bp.post("/richieste/<int:request_id>/percorso")
@manager_only
def add_pathway_item(request_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    refused = _pathway_refused(consultation)
    if refused:
        return refused
    form = PathwayForm()
    form.module.choices = []
    if form.validate_on_submit():
        try:
            pathway.add_pathway_item(
                consultation,
                current_user,
                module=form.module.data or "",
                title=form.title.data or "",
                due_date=form.due_date.data,
            )
        except rules.ConsultError as error:
            show_on_form(form, error, "title")
        else:
            flash(gettext("Added to the pathway."), "success")
            return to_case(consultation, "pathway")
    return _case_page(consultation, pathway_form=form), 422


@manager_bp.post("/richieste/<int:request_id>/percorso/<int:item_id>/elimina")
@manager_only
def delete_pathway_item(request_id: int, item_id: int) -> str | Response | tuple[str, int]:
    consultation = case_or_404(request_id)
    refused = _pathway_refused(consultation)
    if refused:
        return refused
    checked()
    if not pathway.delete_pathway_item(consultation, item_id, current_user):
        abort(404)
    flash(gettext("Removed from the pathway."), "success")
    return to_case(consultation, "pathway")
