"""Fixtures for the health fund comparison: the two cooperatives of the consult tests."""

from __future__ import annotations

from tests.consult.conftest import Coops, coops  # noqa: F401
