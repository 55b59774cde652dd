"""Forms for logging in, registering and resetting a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from elearn.forms import (
    LANGUAGE_CHOICES,
    PASSWORD_MAX,
    choices,
    full_name_field,
    new_password_field,
    repeat_password_field,
    signup_email_field,
)


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[InputRequired(_l("Enter your e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class RegisterForm(FlaskForm):
    invite_code = StringField(
        _l("Invite code of your cooperative"),
        validators=[InputRequired(_l("Enter the invite code.")), Length(max=32)],
        description=_l("You find it on the WELFARE³ leaflet or at your Social point."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    full_name = full_name_field()
    email = signup_email_field()
    password = new_password_field(_l("Password"))
    password_again = repeat_password_field("password")
    language = SelectField(
        _l("Language"),
        choices=choices(LANGUAGE_CHOICES),
        default="it",
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(_l("Enter your e-mail.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    password_again = repeat_password_field("password")


class CodeForm(FlaskForm):
    code = StringField(
        _l("Six-digit code"),
        validators=[InputRequired(_l("Enter the code.")), Length(max=10)],
        description=_l("From the authenticator app on your phone (it changes every 30 seconds)."),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "off",
        },
    )
