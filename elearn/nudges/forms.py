"""Forms of the reminder choice (profile page) and of the stop link's page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired


class ReminderChoiceForm(FlaskForm):
    """In the profile: one button that turns reminders on or off (`reminders` is the wish)."""

    reminders = HiddenField(validators=[InputRequired(), AnyOf(("on", "off"))])


class StopLinkForm(FlaskForm):
    """On the stop link's page. No CSRF token: the signed link is the authority, and a mail
    program's one-click unsubscribe (RFC 8058) posts without any page or cookie."""

    class Meta:
        csrf = False

    action = HiddenField(default="stop")
