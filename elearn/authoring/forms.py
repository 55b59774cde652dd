"""Forms of the course editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from elearn.forms import LANGUAGE_CHOICES, choices, no_control_chars

SLUG_RULE = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and hyphens.")
)


class NewCourseForm(FlaskForm):
    slug = StringField(
        _l("Short name (folder)"),
        validators=[InputRequired(_l("Enter a short name.")), Length(max=60), SLUG_RULE],
        description=_l("For example bilancio-familiare. It cannot change later."),
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), Length(max=200), no_control_chars],
    )
    summary = StringField(
        _l("Summary"),
        validators=[
            DataRequired(_l("Write one or two sentences.")),
            Length(max=500),
            no_control_chars,
        ],
    )
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))


class NewModuleForm(FlaskForm):
    slug = StringField(
        _l("File name (without .md)"),
        validators=[InputRequired(_l("Enter a short name.")), Length(max=100), SLUG_RULE],
        description=_l("Start with a number for the order, e.g. 03-spese-annuali."),
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), Length(max=200), no_control_chars],
    )


class SourceForm(FlaskForm):
    source = TextAreaField(
        _l("Markdown"),
        validators=[
            InputRequired(_l("The text cannot be empty.")),
            Length(max=200_000, message=_l("The text is too long (at most %(max)d characters).")),
        ],
    )


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class GlossaryForm(FlaskForm):
    source = TextAreaField(
        _l("glossary.yml"),
        validators=[
            InputRequired(_l("The text cannot be empty.")),
            Length(max=200_000, message=_l("The text is too long (at most %(max)d characters).")),
        ],
        description=_l("One term a line: “Term: definition”. Shared by every course."),
    )
    # The SHA-256 of the text the trainer started from: a save over someone else's newer save
    # is refused instead of silently undoing it.
    base = HiddenField()
