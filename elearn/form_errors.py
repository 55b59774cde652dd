"""A change a service refuses for a reason the person can fix, and how a page shows it."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm


class FieldError(Exception):
    """The refusal; ``message`` is already translated, ``field`` names the form field it is
    about (None: the form as a whole)."""

    def __init__(self, message: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field_name


def show_on_form(form: FlaskForm, error: FieldError) -> None:
    """Under the field it is about, or as a flashed message when the form has no such field."""
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")
