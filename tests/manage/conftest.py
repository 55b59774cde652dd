"""The consultation factories, shared with the case-management tests."""

from tests.consult.conftest import Coops, coops, deliver, make_request, make_slot, smtp_app

__all__ = ["Coops", "coops", "deliver", "make_request", "make_slot", "smtp_app"]
