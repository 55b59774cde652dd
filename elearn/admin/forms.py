"""Forms for organizations, Social points and users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from elearn.forms import CheckboxListField, choices, no_control_chars


def role_choices() -> list[SelectChoice]:
    return choices(
        [
            ("worker", _l("Worker")),
            ("trainer", _l("Trainer")),
            ("manager", _l("Welfare manager")),
            ("admin", _l("Administrator")),
        ]
    )


def _name_field(label: object) -> StringField:
    """A name the admin types: an organization's, a Social point's, a person's."""
    return StringField(
        label,
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
    )


class OrganizationForm(FlaskForm):
    name = _name_field(_l("Name"))
    slug = StringField(
        _l("Short name for addresses"),
        validators=[
            InputRequired(_l("Enter a short name.")),
            Length(max=60, message=_l("Use at most %(max)d characters.")),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l("Use lowercase letters, digits and hyphens."),
            ),
        ],
    )
    accent_color = StringField(
        _l("Accent colour"),
        default="#1f6f5c",
        validators=[
            InputRequired(_l("Choose a colour.")),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #1f6f5c.")),
        ],
        render_kw={"type": "color"},
    )


class SocialPointForm(FlaskForm):
    name = _name_field(_l("Name"))
    address = StringField(
        _l("Address"),
        validators=[
            DataRequired(_l("Enter the address.")),
            Length(max=255, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
    )
    opening_hours = TextAreaField(
        _l("Opening hours"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        description=_l("One line per day, e.g. Monday 9:00–13:00."),
    )
    active = BooleanField(_l("Open to the public"), default=True)


class UserForm(FlaskForm):
    full_name = _name_field(_l("Name and surname"))
    email = EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(_l("Enter the e-mail.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
    )
    roles = CheckboxListField(_l("Roles"), choices=role_choices)
    organization_id = SelectField(
        _l("Organization (for workers)"), coerce=int, validate_choice=True
    )
    managed_organization_ids = CheckboxListField(
        _l("Organizations followed (for welfare managers)"), coerce=int
    )
    active = BooleanField(_l("Account active"), default=True)


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"),
        choices=lambda: [SelectChoice("", _l("All roles")), *role_choices()],
        validate_choice=False,
    )
