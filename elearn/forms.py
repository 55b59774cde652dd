"""Shared form pieces: field limits and validators used by several domains."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, PasswordField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, ValidationError

PASSWORD_MIN = 12
PASSWORD_MAX = 128

# The most common passwords of at least 12 characters (from public breach corpora);
# ASVS 2.1.7 asks to refuse them instead of imposing composition rules.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopas",
        "qwertyuiop123",
        "passwordpassword",
        "password1234",
        "password12345",
        "password123456",
        "iloveyou1234",
        "111111111111",
        "000000000000",
        "123123123123",
        "abcdefghijkl",
        "abc123abc123",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "welcome12345",
        "administrator",
        "passw0rd1234",
        "letmein12345",
        "football1234",
        "baseball1234",
        "superman1234",
        "trustno1trustno1",
        "changeme1234",
        "demo-password",
        "passwordpassword1",
        "ciaociaociao",
        "passwordciao",
        "amoremioamore",
        "juventus1897",
        "forzainter1908",
        "forzamilan1899",
        "napoli1926napoli",
        "ti amo ti amo",
        "tiamotiamotiamo",
        "123456789abc",
        "asdfghjklzxc",
        "qazwsxedcrfv",
    }
)


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
    if value.lower() in COMMON_PASSWORDS:
        raise ValidationError(_l("This password is too common. Please choose another one."))


def no_control_chars(form: Form, field: Field) -> None:
    value = field.data or ""
    if any(ord(char) < 32 and char not in "\r\n\t" for char in value):
        raise ValidationError(_l("Remove the invisible control characters."))


def choices(
    pairs: list[tuple[object, object]] | tuple[tuple[object, object], ...],
) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


LANGUAGE_CHOICES = (("it", "Italiano"), ("en", "English"))


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
