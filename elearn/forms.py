"""Shared form pieces: field limits and validators used by several domains."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    Field,
    Form,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.i18n import local_today
from elearn.passwords import is_weak

PASSWORD_MIN = 12
PASSWORD_MAX = 128


def password_policy(form: Form, field: Field) -> None:
    value = field.data or ""
    if len(value) < PASSWORD_MIN:
        raise ValidationError(
            _l(
                "Use at least %(n)d characters. A short sentence is easy to remember.",
                n=PASSWORD_MIN,
            )
        )
    if len(value) > PASSWORD_MAX:
        raise ValidationError(_l("Use at most %(n)d characters.", n=PASSWORD_MAX))
    if is_weak(value, personal_data(form)):
        raise ValidationError(
            _l(
                "This password is too easy to guess: it is common, a simple pattern or made "
                "of your name. Try a short sentence of three or four words."
            )
        )


def personal_data(form: Form) -> list[str]:
    """What a password must not be built on: the person's name and e-mail address."""
    values = list(getattr(form, "personal", None) or [])
    for name in ("full_name", "email"):
        field = getattr(form, name, None)
        if field is not None and isinstance(field.data, str):
            values = [*values, field.data]
    if current_user and current_user.is_authenticated:
        values = [*values, current_user.full_name, current_user.email]
    return values


def no_control_chars(form: Form, field: Field) -> None:
    value = field.data or ""
    # C0 controls (but line breaks and tabs), DEL and the C1 controls U+0080-U+009F.
    if any(
        (ord(char) < 32 and char not in "\r\n\t") or 0x7F <= ord(char) <= 0x9F for char in value
    ):
        raise ValidationError(_l("Remove the invisible control characters."))


def at_most(n: int) -> Length:
    """At most `n` characters, said the same way on every form."""
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def typed_text(max_chars: int, required: object = None) -> list[object]:
    """The validators of text a person types: required (with that message) or optional, at
    most `max_chars` characters, no invisible control characters."""
    return [
        DataRequired(required) if required else Optional(),
        at_most(max_chars),
        no_control_chars,
    ]


def whole_number(
    label: object, low: int, high: int, required: object, **field_args: object
) -> IntegerField:
    """A whole number from `low` to `high` (places, minutes, weeks, dots, people)."""
    return IntegerField(
        label,
        validators=[
            InputRequired(required),
            NumberRange(low, high, message=_l("Between %(min)s and %(max)s.")),
        ],
        **field_args,
    )


def within_two_years(days_back: int | None = None) -> object:
    """A day no more than two years ahead (a slot repeated for weeks, a Welfare day, a lab's
    phases must not overflow a calendar), and with `days_back`, no further in the past."""

    def check(form: Form, field: DateField) -> None:
        if not field.data:
            return
        today = local_today()
        too_early = days_back is not None and field.data < today - timedelta(days=days_back)
        if too_early or field.data > today + timedelta(days=731):
            raise ValidationError(_l("Choose a day within the next two years."))

    return check


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


class ActionForm(FlaskForm):
    """A button without fields: only the CSRF token."""


def choices(
    pairs: list[tuple[object, object]] | tuple[tuple[object, object], ...],
) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


LANGUAGE_CHOICES = (("it", "Italiano"), ("en", "English"))


def full_name_field() -> StringField:
    """A person's name and surname as they sign up (registration, invitation)."""
    return StringField(
        _l("Name and surname"),
        validators=[
            DataRequired(_l("Enter your name.")),
            at_most(120),
            no_control_chars,
        ],
        render_kw={"autocomplete": "name"},
    )


def signup_email_field(description: object = None) -> EmailField:
    """The e-mail a person will log in with (registration, invitation)."""
    return EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(_l("Enter your e-mail.")),
            at_most(254),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
        description=description,
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label: object = None) -> PasswordField:
    """A new password under the policy above (registration, reset, change)."""
    return PasswordField(
        label or _l("Password"),
        validators=[InputRequired(_l("Choose a password.")), password_policy],
        description=_l("At least 12 characters. A short sentence works well."),
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field(of: str) -> PasswordField:
    """The same password again, checked against the field named `of`."""
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(_l("Repeat the password.")),
            EqualTo(of, _l("The two passwords are different.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
