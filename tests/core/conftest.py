"""The consultation factories, for the home page's upcoming appointments and Welfare days."""

from tests.consult.conftest import Coops, coops, make_request

__all__ = ["Coops", "coops", "make_request"]
