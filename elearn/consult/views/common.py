"""The two blueprints of consultations (the worker's and the manager's) and their access checks."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.consult.appointments import get_slot
from elearn.consult.requests import get_case, get_own_request
from elearn.consult.welfare_days import get_welfare_day, worker_welfare_day
from elearn.forms import ActionForm
from elearn.models import AppointmentSlot, ConsultationRequest, WelfareDay
from elearn.security import role_required

# The names and prefixes stay those of the audience: endpoints ("consult.…", "manage.…") and
# addresses are the same whichever feature module registers a route.
bp = Blueprint("consult", __name__, url_prefix="/consulenza")
manager_bp = Blueprint("manage", __name__, url_prefix="/gestione")

T = TypeVar("T")

worker_only = role_required("worker")
manager_only = role_required("manager")


def checked(form: FlaskForm | None = None) -> None:
    """A button's POST: 400 unless its CSRF token (and fields, if any) are valid."""
    if not (form or ActionForm()).validate_on_submit():
        abort(400)


# --- object-level checks: 404 for what the person may not see ------------------------------------


def found_or_404(found: T | None) -> T:
    """What a service's object-level lookup found for this person, or a 404."""
    if found is None:
        abort(404)
    return found


def own_request_or_404(request_id: int) -> ConsultationRequest:
    return found_or_404(get_own_request(current_user.id, request_id))


def own_welfare_day_or_404(event_id: int) -> WelfareDay:
    return found_or_404(worker_welfare_day(current_user, event_id))


def case_or_404(request_id: int) -> ConsultationRequest:
    return found_or_404(get_case(current_user, request_id))


def slot_or_404(slot_id: int) -> AppointmentSlot:
    return found_or_404(get_slot(current_user, slot_id))


def welfare_day_or_404(event_id: int) -> WelfareDay:
    return found_or_404(get_welfare_day(current_user, event_id))


def to_request(consultation: ConsultationRequest) -> Response:
    """Back to the worker's page of the request."""
    return redirect(url_for("consult.request_detail", request_id=consultation.id))


def to_case(consultation: ConsultationRequest, anchor: str = "") -> Response:
    return redirect(
        url_for("manage.case", request_id=consultation.id) + (f"#{anchor}" if anchor else "")
    )
