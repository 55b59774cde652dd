"""Every kind of consent has one label, shown alike on the person's page and in the audit log."""

from __future__ import annotations

from flask_babel import force_locale

from elearn.admin.audit_labels import action_label
from elearn.models.progress import CONSENT_KINDS
from elearn.privacy.services import CONSENT_KINDS as LABELS


def test_every_consent_kind_has_a_label(app):
    assert set(LABELS) == set(CONSENT_KINDS)


def test_the_resources_consent_names_a_childs_disability(app):
    with app.test_request_context(), force_locale("it"):
        shown = str(LABELS["resources_special"])
        assert "disabilità di un figlio" in shown
        # The audit log says the same words the worker read.
        assert shown in action_label("consent.resources_special.granted")
