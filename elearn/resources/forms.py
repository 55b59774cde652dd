"""Forms of the resources map: the questionnaire steps, the "what if", sharing, coop resources."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from elearn.forms import choices, no_control_chars, record_id
from elearn.models.resources import COOP_AMOUNT_MAX, COOP_TEXT_MAX, COOP_TITLE_MAX
from elearn.resources import answers
from elearn.resources.answers import MAX_CHILDREN, WHAT_IF, parse_amount


class AmountField(DecimalField):
    """Euros typed the Italian way too: "18.500" is eighteen thousand five hundred."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = Decimal(str(parse_amount(valuelist[0])))
        except (ValueError, InvalidOperation):
            self.data = None
            raise ValueError(str(_l("Write a number, for example 18.500 or 1.350,50."))) from None

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:  # one clear message, not also the range one
            raise StopValidation()


def not_in_the_future(form: Form, field: DateField) -> None:
    if field.data is not None and field.data > answers.local_today():
        raise ValidationError(_l("A date of birth cannot be in the future."))


def within_ten_months(form: Form, field: DateField) -> None:
    today = answers.local_today()
    if field.data is not None and not today <= field.data <= today + timedelta(days=300):
        raise ValidationError(_l("Write an expected date within the next ten months."))


class ChildForm(Form):
    birth_date = DateField(_l("Date of birth"), validators=[Optional(), not_in_the_future])
    age = IntegerField(
        _l("or age in years"),
        validators=[Optional(), NumberRange(0, 40, _l("Write an age between 0 and 40."))],
        render_kw={"inputmode": "numeric"},
    )


class FamilyForm(FlaskForm):
    children = FieldList(FormField(ChildForm), min_entries=MAX_CHILDREN, max_entries=MAX_CHILDREN)
    other_parent = RadioField(
        _l("The other parent"),
        choices=lambda: choices(
            [
                ("working", _l("lives with us and works")),
                ("not_working", _l("lives with us and does not work")),
                ("none", _l("I am raising my children alone / no other parent at home")),
            ]
        ),
        validators=[Optional()],
        description=_l("Only if you have children or expect one."),
    )
    mother_under_21 = BooleanField(
        _l("The children's mother is under 21"),
        description=_l("The Assegno unico adds an amount for each child."),
    )


class IseeForm(FlaskForm):
    has_isee = RadioField(
        _l("Do you have an ISEE?"),
        choices=lambda: choices(
            [
                ("yes", _l("Yes, I have the DSU attestation")),
                ("no", _l("I don't have one yet")),
            ]
        ),
        validators=[InputRequired(_l("Choose an answer."))],
    )
    isee = AmountField(
        _l("ISEE value written on the attestation (euros)"),
        places=2,
        validators=[Optional(), NumberRange(0, 10_000_000, _l("Write a value from 0 euros."))],
        description=_l(
            "We never compute the ISEE: copy it from the attestation (ISEE for minors if you have "
            "children)."
        ),
        render_kw={"inputmode": "decimal"},
    )

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        if valid and self.has_isee.data == "yes" and self.isee.data is None:
            self.isee.errors = [
                *self.isee.errors,
                _l("Write the ISEE value, or choose “I don't have one yet”."),
            ]
            return False
        return valid


class WorkForm(FlaskForm):
    contract = RadioField(
        _l("Your contract"),
        choices=lambda: choices(
            [
                ("permanent", _l("Employee, permanent")),
                ("fixed_term", _l("Employee, fixed-term")),
                ("other", _l("Other (self-employed, member not employed, …)")),
            ]
        ),
        validators=[Optional()],
    )
    part_time_percent = IntegerField(
        _l("Working time (percentage of full time)"),
        default=100,
        validators=[Optional(), NumberRange(1, 100, _l("Write a percentage between 1 and 100."))],
        description=_l("100 if full time; for example 75 for 28.5 hours of 38."),
        render_kw={"inputmode": "numeric"},
    )
    net_monthly_pay = AmountField(
        _l("Net monthly pay (euros)"),
        places=2,
        validators=[Optional(), NumberRange(0, 100_000, _l("Write an amount from 0 euros."))],
        description=_l("Optional: only for the estimates of leave in euros."),
        render_kw={"inputmode": "decimal"},
    )


class ConsentForm(FlaskForm):
    consent = RadioField(
        _l(
            "May we ask about pregnancy, your children's disability and Law 104, and keep your "
            "answers for this map?"
        ),
        choices=lambda: choices(
            [
                ("yes", _l("Yes, I agree")),
                ("no", _l("No: skip these questions and delete any answers I gave")),
            ]
        ),
        validators=[InputRequired(_l("Choose an answer."))],
    )


class ChildDisabilityForm(Form):
    disability = RadioField(
        _l("Disability"),
        choices=lambda: choices(
            [
                ("", _l("No")),
                ("media", _l("Medium disability")),
                ("grave", _l("Severe disability")),
                ("non_self_sufficient", _l("Not self-sufficient")),
            ]
        ),
        default="",
        validators=[Optional()],
    )


class SpecialForm(FlaskForm):
    children_disability = FieldList(
        FormField(ChildDisabilityForm), min_entries=MAX_CHILDREN, max_entries=MAX_CHILDREN
    )
    expecting = BooleanField(_l("I am expecting a child (or my partner is)"))
    expected_birth = DateField(
        _l("Expected date of birth"), validators=[Optional(), within_ten_months]
    )
    relative_104 = RadioField(
        _l("A relative you care for with Law 104 recognition"),
        choices=lambda: choices(
            [
                ("", _l("No")),
                ("not_grave", _l("Yes, without “situazione di gravità”")),
                ("grave", _l("Yes, “in situazione di gravità” (art. 3 c. 3)")),
            ]
        ),
        default="",
        validators=[Optional()],
    )


class WhatIfForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    se = SelectField(
        _l("What if…"), choices=lambda: choices(list(WHAT_IF.items())), validators=[Optional()]
    )
    valore = StringField(
        _l("New value"),
        validators=[Optional(), Length(max=20)],
        description=_l("Not needed for a birth."),
        render_kw={"inputmode": "decimal"},
    )


class AttachForm(FlaskForm):
    request = SelectField(
        _l("Attach the map to your request"), coerce=record_id, validate_choice=False
    )


class PathwayStepForm(FlaskForm):
    resource = HiddenField()
    due_date = DateField(_l("By (optional)"), validators=[Optional()])


def _stripped(value: object) -> object:
    """What is saved (coop.save_coop_resource strips every text) is what is checked: a title
    of spaces is no title, and spaces around a text do not count towards its limit."""
    return value.strip() if isinstance(value, str) else value


def _coop_text(max_chars: int, *required: object) -> dict[str, object]:
    return {
        "filters": [_stripped],
        "validators": [
            *required,
            Length(max=max_chars, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
    }


class CoopResourceForm(FlaskForm):
    organization = SelectField(_l("Cooperative"), coerce=record_id, validate_choice=False)
    title = StringField(
        _l("Title"), **_coop_text(COOP_TITLE_MAX, DataRequired(_l("Write a title.")))
    )
    who_qualifies = TextAreaField(
        _l("Who qualifies"), **_coop_text(COOP_TEXT_MAX), render_kw={"rows": 3}
    )
    amount = StringField(
        _l("Amount"),
        **_coop_text(COOP_AMOUNT_MAX),
        description=_l("For example: up to 500 € a year."),
    )
    how_to_ask = TextAreaField(_l("How to ask"), **_coop_text(COOP_TEXT_MAX), render_kw={"rows": 3})
    active = BooleanField(_l("Shown to workers"), default=True)
