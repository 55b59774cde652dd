"""Forms of the labs: opening a lab, writing and typing in cards, moderation, outcomes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired

from elearn.forms import (
    CheckboxListField,
    choices,
    record_id,
    typed_text,
    whole_number,
    within_two_years,
)
from elearn.labs.services import KIND_LABELS, OUTCOME_LABELS, TOPIC_LABELS
from elearn.models.labs import CARD_TEXT_MAX


def _date(label: object) -> DateField:
    # A lab may be opened with its first phases already under way, up to a year back.
    return DateField(
        label,
        validators=[InputRequired(_l("Choose the day.")), within_two_years(days_back=366)],
        format="%Y-%m-%d",
    )


def _kind(label: object) -> RadioField:
    return RadioField(
        label,
        choices=lambda: choices(list(KIND_LABELS.items())),
        default="need",
        validators=[InputRequired(_l("Choose need or resource."))],
    )


def _topic() -> SelectField:
    return SelectField(
        _l("Topic"),
        choices=lambda: choices(list(TOPIC_LABELS.items())),
        default="other",
        validators=[InputRequired(_l("Choose a topic."))],
    )


# A card's text, on the site or copied from paper.
CARD_TEXT = typed_text(CARD_TEXT_MAX, _l("Write a few words."))


class LabForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=typed_text(160, _l("Enter a title.")),
        description=_l("For example: Time for the family."),
    )
    question = TextAreaField(
        _l("The question for the workers"),
        validators=typed_text(1000, _l("Write the question.")),
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
    dots_per_person = whole_number(
        _l("Dots per person"),
        1,
        10,
        _l("Enter a number of dots."),
        default=5,
        description=_l("Each person spreads these dots over the cards, at most 3 on one card."),
    )


class CardForm(FlaskForm):
    kind = _kind(_l("What are you writing?"))
    topic = _topic()
    text = TextAreaField(
        _l("Your card"),
        validators=CARD_TEXT,
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
    kind = _kind(_l("Kind"))
    topic = _topic()
    text = TextAreaField(
        _l("Text of the paper card"),
        validators=CARD_TEXT,
        render_kw={"rows": 3, "maxlength": CARD_TEXT_MAX},
    )
    people = whole_number(
        _l("How many people wrote it"), 1, 500, _l("Enter a number of people."), default=1
    )
    reason = StringField(
        _l("Where it was collected and why you type it in"),
        validators=typed_text(300, _l("Write the reason.")),
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
        validators=typed_text(300, _l("Write the reason.")),
    )


class OutcomeForm(FlaskForm):
    kind = SelectField(
        _l("What will be done"),
        choices=lambda: choices(list(OUTCOME_LABELS.items())),
        validators=[InputRequired(_l("Choose what will be done."))],
    )
    text = TextAreaField(
        _l("Explain in plain words"),
        validators=typed_text(2000, _l("Write a few words.")),
        render_kw={"rows": 3},
    )


class SupportForm(FlaskForm):
    support = HiddenField()
