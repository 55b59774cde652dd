"""Fixtures for the resources map: the two cooperatives and requests of the consult tests."""

from tests.consult.conftest import Coops, coops, make_request  # noqa: F401
