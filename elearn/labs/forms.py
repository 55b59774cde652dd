"""Forms of the labs: opening a lab, writing and typing in cards, moderation, outcomes."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from elearn.consult.forms import record_id
from elearn.forms import CheckboxListField, choices, no_control_chars
from elearn.labs.services import KIND_LABELS, OUTCOME_LABELS, TOPIC_LABELS
from elearn.models.labs import CARD_TEXT_MAX


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def within_two_years(form: FlaskForm, field: DateField) -> None:
    if field.data and not (
        date.today() - timedelta(days=366) <= field.data <= date.today() + timedelta(days=731)
    ):
        raise ValidationError(_l("Choose a day within the next two years."))


def _date(label: object) -> DateField:
    return DateField(
        label,
        validators=[InputRequired(_l("Choose the day.")), within_two_years],
        format="%Y-%m-%d",
    )


class LabForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), _max(160), no_control_chars],
        description=_l("For example: Time for the family."),
    )
    question = TextAreaField(
        _l("The question for the workers"),
        validators=[DataRequired(_l("Write the question.")), _max(1000), no_control_chars],
        description=_l("For example: what makes it hard to care for your family and work?"),
        render_kw={"rows": 3},
    )
    organizations = CheckboxListField(
        _l("Cooperatives taking part"), coerce=record_id, validate_choice=False
    )
    collect_from = _date(_l("Collecting cards from"))
    merge_from = _date(_l("Merging similar cards from"))
    vote_from = _date(_l("Voting from"))
    outcome_from = _date(_l("Results from (the vote closes)"))
    dots_per_person = IntegerField(
        _l("Dots per person"),
        default=5,
        validators=[
            InputRequired(_l("Enter a number of dots.")),
            NumberRange(1, 10, message=_l("Between %(min)s and %(max)s.")),
        ],
        description=_l("Each person spreads these dots over the cards, at most 3 on one card."),
    )


class CardForm(FlaskForm):
    kind = RadioField(
        _l("What are you writing?"),
        choices=lambda: choices(list(KIND_LABELS.items())),
        default="need",
        validators=[InputRequired(_l("Choose need or resource."))],
    )
    topic = SelectField(
        _l("Topic"),
        choices=lambda: choices(list(TOPIC_LABELS.items())),
        default="other",
        validators=[InputRequired(_l("Choose a topic."))],
    )
    text = TextAreaField(
        _l("Your card"),
        validators=[
            DataRequired(_l("Write a few words.")),
            _max(CARD_TEXT_MAX),
            no_control_chars,
        ],
        description=_l(
            "At most %(n)d characters. No names, phone numbers, e-mail addresses or health "
            "details of anyone: many people will read it.",
            n=CARD_TEXT_MAX,
        ),
        render_kw={"rows": 4, "maxlength": CARD_TEXT_MAX},
    )
    signed = BooleanField(
        _l("Sign it with my first name"),
        description=_l("If you do not tick it, nobody sees who wrote it, not even the manager."),
    )
    # Set by the confirmation step: the writer has seen the similar cards and warnings.
    confirmed = HiddenField()


class PaperCardForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=lambda: choices(list(KIND_LABELS.items())),
        default="need",
        validators=[InputRequired(_l("Choose need or resource."))],
    )
    topic = SelectField(
        _l("Topic"),
        choices=lambda: choices(list(TOPIC_LABELS.items())),
        default="other",
        validators=[InputRequired(_l("Choose a topic."))],
    )
    text = TextAreaField(
        _l("Text of the paper card"),
        validators=[
            DataRequired(_l("Write a few words.")),
            _max(CARD_TEXT_MAX),
            no_control_chars,
        ],
        render_kw={"rows": 3, "maxlength": CARD_TEXT_MAX},
    )
    people = IntegerField(
        _l("How many people wrote it"),
        default=1,
        validators=[
            InputRequired(_l("Enter a number of people.")),
            NumberRange(1, 500, message=_l("Between %(min)s and %(max)s.")),
        ],
    )
    reason = StringField(
        _l("Where it was collected and why you type it in"),
        validators=[DataRequired(_l("Write the reason.")), _max(300), no_control_chars],
        description=_l(
            "For example: Welfare day of 12 March, the person has no smartphone. It goes to "
            "the audit log."
        ),
    )


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), coerce=record_id, validate_choice=False)


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason (the author will read it)"),
        validators=[DataRequired(_l("Write the reason.")), _max(300), no_control_chars],
    )


class OutcomeForm(FlaskForm):
    kind = SelectField(
        _l("What will be done"),
        choices=lambda: choices(list(OUTCOME_LABELS.items())),
        validators=[InputRequired(_l("Choose what will be done."))],
    )
    text = TextAreaField(
        _l("Explain in plain words"),
        validators=[DataRequired(_l("Write a few words.")), _max(2000), no_control_chars],
        render_kw={"rows": 3},
    )


class SupportForm(FlaskForm):
    support = HiddenField()


class ActionForm(FlaskForm):
    """A button without fields: only the CSRF token."""
