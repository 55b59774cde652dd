"""Forms of the worker's side: asking for a consultation, messages, sharing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.consult.services import CHANNEL_LABELS, TOPIC_LABELS
from elearn.forms import choices, no_control_chars
from elearn.models.consult import DESCRIPTION_MAX, MESSAGE_MAX

MAX_ID_DIGITS = 9  # below 2**31: fits an INTEGER column on PostgreSQL and SQLite


def record_id(value: object) -> int:
    """`coerce` for a select of database ids: a number typed in the address or the form that
    is not a plain id ("²", 30 digits) fails like any other wrong choice, never as a
    database overflow."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS):
        raise ValueError(text)
    return int(text)


def id_or_none(value: str | None) -> int | None:
    """An id from a query parameter, or None when it is not one."""
    try:
        return record_id(value or "")
    except ValueError:
        return None


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConsultationRequestForm(FlaskForm):
    topic = SelectField(
        _l("What would you like to talk about?"),
        choices=lambda: choices(list(TOPIC_LABELS.items())),
        validators=[InputRequired(_l("Choose a topic."))],
    )
    description = TextAreaField(
        _l("Tell us in a few words"),
        validators=[
            DataRequired(_l("Write a few words about your question.")),
            Length(max=DESCRIPTION_MAX, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
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
        validators=[
            Optional(),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        description=_l("For example: Tuesday or Thursday morning."),
    )
    scenarios = CheckboxListField(
        _l("Attach your saved simulations"), coerce=record_id, validate_choice=False
    )
    share_progress = BooleanField(
        _l("Show my course progress to the Welfare Manager for this request"),
        description=_l("Only for this request. You can stop sharing at any time."),
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
        validators=[
            DataRequired(_l("Write a message.")),
            Length(max=MESSAGE_MAX, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )


class RescheduleForm(FlaskForm):
    reason = TextAreaField(
        _l("Which days would suit you better?"),
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        render_kw={"rows": 2, "maxlength": MESSAGE_MAX},
    )


class SharingForm(FlaskForm):
    share = HiddenField()


class ActionForm(FlaskForm):
    """A button without fields: only the CSRF token."""
