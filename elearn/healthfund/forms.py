"""Forms of the health fund comparison: a worker's yearly needs, a plan's coverage sheet."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from elearn.forms import choices, no_control_chars, record_id
from elearn.healthfund.services import CLAIM_MODE_LABELS, ITEM_EXAMPLES, ITEM_LABELS
from elearn.models.healthfund import (
    AMOUNT_MAX,
    CLAIM_MODES,
    COVERAGE_ITEMS,
    NOTE_MAX,
    PLAN_NAME_MAX,
    PLAN_TEXT_MAX,
    WAITING_MONTHS_MAX,
)
from elearn.resources.forms import AmountField


def whole_euros(form: Form, field: Field) -> None:
    value = field.data
    if value is None:
        return
    if value != value.to_integral_value():
        raise ValidationError(_l("Write whole euros, without cents."))
    if not Decimal(0) <= value <= Decimal(AMOUNT_MAX):
        raise ValidationError(_l("Write an amount between 0 and 1.000.000 €."))


class WholeEurosField(AmountField):
    """Whole euros: shown back without cents ("600", not "600.00")."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        value = Decimal(self.data)
        return str(int(value)) if value == value.to_integral_value() else str(value)


def euros(label: object, description: object = None) -> WholeEurosField:
    return WholeEurosField(
        label,
        validators=[Optional(), whole_euros],
        description=description,
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


class NeedsForm(FlaskForm):
    """One amount per item of the sheet, built from COVERAGE_ITEMS below."""

    consent = BooleanField(
        _l(
            "I agree that these amounts, which may say something about my family’s health, "
            "are kept to compare the plans. Only I see them; my cooperative’s managers see "
            "totals of at least 5 people. I can delete them at any time."
        )
    )

    def amounts(self) -> list[Field]:
        return [getattr(self, item) for item in COVERAGE_ITEMS]

    def needs(self) -> dict[str, int]:
        return {
            item: int(getattr(self, item).data)
            for item in COVERAGE_ITEMS
            if getattr(self, item).data
        }


for _item in COVERAGE_ITEMS:
    setattr(NeedsForm, _item, euros(ITEM_LABELS[_item], ITEM_EXAMPLES[_item]))


class CoverageForm(Form):
    covered = BooleanField(_l("Covered"))
    cap_per_year = euros(_l("Cap per year (€)"), _l("Empty: no yearly cap."))
    deductible = euros(_l("Deductible per year (€)"))
    copay_percent = IntegerField(
        _l("Co-payment (%)"),
        validators=[Optional(), NumberRange(0, 100, _l("Write a percentage between 0 and 100."))],
        render_kw={"inputmode": "numeric"},
    )
    waiting_months = IntegerField(
        _l("Waiting period (months)"),
        validators=[
            Optional(),
            NumberRange(
                0,
                WAITING_MONTHS_MAX,
                _l("Write a number of months between 0 and %(n)d.", n=WAITING_MONTHS_MAX),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    claim_mode = SelectField(
        _l("How it pays"),
        choices=choices([(mode, CLAIM_MODE_LABELS[mode]) for mode in CLAIM_MODES]),
        default="refund",
    )
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=NOTE_MAX), no_control_chars],
    )


class PlanForm(FlaskForm):
    organization = SelectField(_l("Cooperative"), coerce=record_id, validate_choice=False)
    name = StringField(
        _l("Plan name"),
        validators=[
            InputRequired(_l("Write the plan’s name.")),
            Length(max=PLAN_NAME_MAX),
            no_control_chars,
        ],
        description=_l("For figures that are only an example, say so in the name."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=PLAN_TEXT_MAX), no_control_chars],
    )
    is_example = BooleanField(_l("Illustrative figures (not a real fund’s)"))
    active = BooleanField(_l("Shown to workers"), default=True)

    def coverage_fields(self) -> list[tuple[str, FormField]]:
        return [(item, getattr(self, item)) for item in COVERAGE_ITEMS]


for _item in COVERAGE_ITEMS:
    setattr(PlanForm, _item, FormField(CoverageForm, label=ITEM_LABELS[_item]))
