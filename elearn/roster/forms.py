"""Forms for roster imports, invitations and confirmations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from elearn.forms import (
    LANGUAGE_CHOICES,
    choices,
    full_name_field,
    new_password_field,
    repeat_password_field,
    signup_email_field,
)


class ImportForm(FlaskForm):
    organization_id = SelectField(
        _l("This is the roster of"), coerce=int, validators=[InputRequired()]
    )
    file = FileField(
        _l("CSV file from payroll"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "Columns: name, work e-mail or mobile number, cooperative, site (Italian or "
            "English headings, separated by ; or ,). Nothing about health or family."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )


class AcceptInvitationForm(FlaskForm):
    full_name = full_name_field()
    email = signup_email_field(_l("You will log in with it. A personal address is fine too."))
    password = new_password_field(_l("Password"))
    password_again = repeat_password_field("password")
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES), default="it")


class InvitationCodeForm(FlaskForm):
    code = StringField(
        _l("Code on your letter"),
        validators=[InputRequired(_l("Enter the code.")), Length(max=40)],
        description=_l("Ten letters and numbers, for example ABCDE-23456."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )


class ConfirmAccountForm(FlaskForm):
    entry_id = IntegerField(_l("Roster entry"), validators=[Optional()])
