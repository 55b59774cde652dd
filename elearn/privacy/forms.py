"""Forms for consent choices and the target-group declaration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from elearn.forms import CheckboxListField, choices
from elearn.target_groups import SELF_DESCRIPTIONS


def yes_no() -> list:
    return choices([("yes", _l("Yes")), ("no", _l("No"))])


class FirstChoiceForm(FlaskForm):
    progress_sharing = RadioField(
        _l("May the Welfare Managers of your cooperative see your progress in the courses?"),
        choices=yes_no,
        validators=[InputRequired(_l("Choose yes or no."))],
    )


class PrivacySettingsForm(FlaskForm):
    progress_sharing = RadioField(
        _l("May the Welfare Managers of your cooperative see your progress in the courses?"),
        choices=yes_no,
        validators=[InputRequired(_l("Choose yes or no."))],
    )
    target_groups_consent = RadioField(
        _l("May we keep the situations you tell us about below?"),
        choices=yes_no,
        validators=[InputRequired(_l("Choose yes or no."))],
    )
    target_groups = CheckboxListField(
        _l("Situations that apply to you (optional)"),
        choices=lambda: choices(list(SELF_DESCRIPTIONS.items())),
    )
