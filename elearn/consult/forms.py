"""Forms of consultations: the worker's (asking, messages, sharing) and the manager's (queue
filters, case actions, slots, Welfare days)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Optional

from elearn.consult.rules import CHANNEL_LABELS, STATUS_LABELS, TOPIC_LABELS
from elearn.forms import (
    CheckboxListField,
    choices,
    record_id,
    typed_text,
    whole_number,
    within_two_years,
)
from elearn.models.consult import DESCRIPTION_MAX, MESSAGE_MAX, NOTE_MAX


class ConsultationRequestForm(FlaskForm):
    topic = SelectField(
        _l("What would you like to talk about?"),
        choices=lambda: choices(list(TOPIC_LABELS.items())),
        validators=[InputRequired(_l("Choose a topic."))],
    )
    description = TextAreaField(
        _l("Tell us in a few words"),
        validators=typed_text(DESCRIPTION_MAX, _l("Write a few words about your question.")),
        description=_l(
            "At most %(n)d characters. No need to write personal details here.", n=DESCRIPTION_MAX
        ),
        render_kw={"rows": 5, "maxlength": DESCRIPTION_MAX},
    )
    channel = RadioField(
        _l("How would you like to meet?"),
        choices=lambda: choices(list(CHANNEL_LABELS.items())),
        default="in_person",
        validators=[InputRequired(_l("Choose how to meet."))],
    )
    social_point = SelectField(_l("Social point"), coerce=record_id, validate_choice=False)
    preferred_times = StringField(
        _l("Days and times that suit you"),
        validators=typed_text(200),
        description=_l("For example: Tuesday or Thursday morning."),
    )
    scenarios = CheckboxListField(
        _l("Attach your saved simulations"), coerce=record_id, validate_choice=False
    )
    share_progress = BooleanField(
        _l("Show my course progress to the Welfare Manager for this request"),
        description=_l("Only for this request. You can stop sharing at any time."),
    )
    attach_numbers = BooleanField(
        _l("Send these numbers with my request"),
        description=_l("Untick to send the request without them."),
    )
    attach_resources = BooleanField(
        _l("Attach my resources map"),
        description=_l("Your answers and the estimates, to prepare the meeting."),
    )
    course = HiddenField()
    module = HiddenField()
    simulator = HiddenField()


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        validators=typed_text(MESSAGE_MAX, _l("Write a message.")),
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )


class RescheduleForm(FlaskForm):
    reason = TextAreaField(
        _l("Which days would suit you better?"),
        validators=typed_text(MESSAGE_MAX),
        render_kw={"rows": 2, "maxlength": MESSAGE_MAX},
    )


class SharingForm(FlaskForm):
    share = HiddenField()


# --- the manager's forms -------------------------------------------------------------------------


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=lambda: choices(
            [("open", _l("All open")), *STATUS_LABELS.items(), ("all", _l("All"))]
        ),
        default="open",
        validate_choice=False,
    )
    topic = SelectField(
        _l("Topic"),
        choices=lambda: choices([("", _l("All topics")), *TOPIC_LABELS.items()]),
        validate_choice=False,
    )
    organization = SelectField(_l("Organization"), validate_choice=False)
    assigned = SelectField(
        _l("Assigned to"),
        choices=lambda: choices(
            [("", _l("Anyone")), ("me", _l("Me")), ("nobody", _l("Nobody yet"))]
        ),
        validate_choice=False,
    )


class AssignForm(FlaskForm):
    manager = SelectField(_l("Welfare Manager in charge"), coerce=record_id, validate_choice=False)


class ManagerMessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message to the worker"),
        validators=typed_text(MESSAGE_MAX, _l("Write a message.")),
        description=_l("The worker sees it and gets an e-mail that a message is waiting."),
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )
    wait_for_worker = BooleanField(_l("I am waiting for an answer from the worker"), default=True)


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Private note"),
        validators=typed_text(NOTE_MAX, _l("Write the note.")),
        description=_l("Only Welfare Managers of this organization can read notes."),
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )


class BookingForm(FlaskForm):
    slot = SelectField(
        _l("Free slot"),
        coerce=record_id,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a slot."))],
    )
    channel = SelectField(
        _l("How you meet"),
        choices=lambda: choices(list(CHANNEL_LABELS.items())),
        validators=[InputRequired(_l("Choose how to meet."))],
    )


class CloseForm(FlaskForm):
    outcome = TextAreaField(
        _l("Outcome"),
        validators=typed_text(2000, _l("Write the outcome.")),
        description=_l("Shown to the worker: write it in plain words."),
        render_kw={"rows": 3, "maxlength": 2000},
    )


class PathwayForm(FlaskForm):
    module = SelectField(_l("Recommended module"), validate_choice=False)
    title = StringField(
        _l("Or an action to do"),
        validators=typed_text(200),
        description=_l("For example: bring your last three payslips."),
    )
    due_date = DateField(
        _l("By (optional)"),
        validators=[Optional()],
        render_kw={"placeholder": "2026-06-30"},
    )


class SlotForm(FlaskForm):
    point = SelectField(_l("Social point"), coerce=record_id, validate_choice=False)
    # Slots repeat for weeks after the day: a day in the year 9999 would overflow the calendar.
    day = DateField(
        _l("Day"), validators=[InputRequired(_l("Choose the day.")), within_two_years()]
    )
    start = TimeField(_l("From"), validators=[InputRequired(_l("Choose the start time."))])
    end = TimeField(_l("To"), validators=[InputRequired(_l("Choose the end time."))])
    minutes = whole_number(
        _l("Minutes per meeting"), 10, 240, _l("Enter the length of a meeting."), default=45
    )
    weeks = whole_number(
        _l("Repeat for how many weeks"), 1, 12, _l("Enter a number of weeks."), default=1
    )


class WelfareDayForm(FlaskForm):
    organization = SelectField(_l("Organization"), coerce=record_id, validate_choice=False)
    title = StringField(_l("Title"), validators=typed_text(160, _l("Enter a title.")))
    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day."))])
    start = TimeField(_l("From"), validators=[InputRequired(_l("Choose the start time."))])
    end = TimeField(_l("To"), validators=[InputRequired(_l("Choose the end time."))])
    place = StringField(_l("Place"), validators=typed_text(255, _l("Enter the place.")))
    programme = TextAreaField(
        _l("Programme"),
        validators=typed_text(4000),
        render_kw={"rows": 5},
    )
    capacity = whole_number(_l("Places"), 1, 5000, _l("Enter the number of places."))

    def day_fields(self) -> dict[str, Any]:
        """The day as `create_welfare_day` and `update_welfare_day` take it."""
        return {
            "title": self.title.data,
            "day": self.day.data,
            "start": self.start.data,
            "end": self.end.data,
            "place": self.place.data,
            "programme": self.programme.data or "",
            "capacity": self.capacity.data,
        }


class WelfareDayEditForm(WelfareDayForm):
    """The same fields but the organization, which a Welfare day keeps."""

    organization = None
