"""Forms for roster imports, invitations and confirmations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from elearn.forms import (
    LANGUAGE_CHOICES,
    choices,
    new_password_field,
    no_control_chars,
    repeat_password_field,
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
    full_name = StringField(
        _l("Name and surname"),
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(_l("Enter your e-mail.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
        description=_l("You will log in with it. A personal address is fine too."),
        render_kw={"autocomplete": "email"},
    )
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
