"""Forms of the profile page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length

from elearn.forms import (
    LANGUAGE_CHOICES,
    PASSWORD_MAX,
    choices,
    new_password_field,
    no_control_chars,
    repeat_password_field,
)


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[InputRequired(), AnyOf(("it", "en"))])
    next = HiddenField(validators=[Length(max=500)])


class ProfileForm(FlaskForm):
    full_name = StringField(
        _l("Name and surname"),
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        render_kw={"autocomplete": "name"},
    )
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(_l("New password"))
    new_password_again = repeat_password_field("new_password")
