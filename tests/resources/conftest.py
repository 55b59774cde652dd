"""Fixtures for the resources map: the two cooperatives and requests of the consult tests."""

from __future__ import annotations

from datetime import date

import pytest

from tests.consult.conftest import Coops, coops, make_request  # noqa: F401

# The pages are tested on a fixed day, with the rules of its year: they must not start failing
# on 1 January (the missing-year test builds its own folder of rules).
TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    from elearn.resources import answers

    monkeypatch.setattr(answers, "local_today", lambda: TODAY)
    return TODAY
