"""Paired change: the mean difference and its 95 % paired-t interval, on known data."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from elearn.impact.measures import paired_change

BEFORE = [40.0, 45.0, 50.0, 55.0, 60.0]
AFTER = [44.0, 47.0, 55.0, 54.0, 66.0]


def test_mean_change_and_interval_match_a_hand_computation():
    # d = 4, 2, 5, -1, 6: mean 3.2; sum of squared deviations 30.8, s = sqrt(30.8 / 4)
    s = math.sqrt(30.8 / 4)
    half = 2.7764451051977987 * s / math.sqrt(5)  # t(0.975, 4 df)
    result = paired_change(BEFORE, AFTER)
    assert result.n == 5
    assert result.mean_change == pytest.approx(3.2)
    assert result.ci_low == pytest.approx(3.2 - half)
    assert result.ci_high == pytest.approx(3.2 + half)
    assert result.mean_before == pytest.approx(50.0)
    assert result.mean_after == pytest.approx(53.2)


def test_interval_matches_scipy_paired_t_test():
    after = [52.0, 49.0, 61.0, 58.0, 57.0, 63.0, 45.0]
    before = [50.0, 51.0, 55.0, 58.0, 50.0, 60.0, 47.0]
    expected = stats.ttest_rel(after, before).confidence_interval(0.95)
    result = paired_change(before, after)
    assert result.ci_low == pytest.approx(expected.low)
    assert result.ci_high == pytest.approx(expected.high)


def test_no_interval_without_two_pairs():
    assert paired_change([], []).mean_change is None
    one = paired_change([50.0], [55.0])
    assert one.mean_change == 5.0 and one.ci_low is None
