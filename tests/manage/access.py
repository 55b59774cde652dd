"""Access rules for the Welfare Manager's pages: managers only (organization checks in tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

MANAGER = ("manager",)

RULES = {
    "manage.queue": MANAGER,
    "manage.case": MANAGER,
    "manage.assign": MANAGER,
    "manage.add_message": MANAGER,
    "manage.add_note": MANAGER,
    "manage.book": MANAGER,
    "manage.cancel_appointment": MANAGER,
    "manage.appointment_held": MANAGER,
    "manage.close": MANAGER,
    "manage.reopen": MANAGER,
    "manage.add_pathway_item": MANAGER,
    "manage.delete_pathway_item": MANAGER,
    "manage.calendar": MANAGER,
    "manage.create_slots": MANAGER,
    "manage.delete_slot": MANAGER,
    "manage.statistics": MANAGER,
    "manage.welfare_days": MANAGER,
    "manage.new_welfare_day": MANAGER,
    "manage.welfare_day": MANAGER,
    "manage.edit_welfare_day": MANAGER,
    "manage.check_in": MANAGER,
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """A booked appointment for the worker's request (made in tests/consult/access.py)."""
    from elearn.extensions import db
    from elearn.models import Appointment, AppointmentSlot
    from elearn.models.base import utcnow

    with app.app_context():
        starts = utcnow().replace(microsecond=0) + timedelta(days=3)
        slot = AppointmentSlot(
            social_point_id=values["point_id"],
            manager_id=people["manager"],
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
        )
        db.session.add(slot)
        db.session.flush()
        appointment = Appointment(
            request_id=values["request_id"],
            slot_id=slot.id,
            channel="phone",
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            location="Telefono",
        )
        db.session.add(appointment)
        db.session.commit()
        values.update(slot_id=slot.id, appointment_id=appointment.id)
