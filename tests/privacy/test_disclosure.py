"""The one privacy guard: 1–4 hidden, other counts rounded to 5, derived figures from those."""

from __future__ import annotations

from itertools import product

import pytest

from elearn.privacy import disclosure


def test_counts_of_one_to_four_people_are_never_published():
    assert [disclosure.count(n) for n in (1, 2, 3, 4)] == [None, None, None, None]


def test_zero_is_published_as_zero():
    assert disclosure.count(0) == 0


def test_other_counts_are_rounded_to_the_nearest_five():
    assert [disclosure.count(n) for n in range(5, 18)] == [
        5, 5, 5, 10, 10, 10, 10, 10, 15, 15, 15, 15, 15,
    ]  # fmt: skip
    assert disclosure.count(1234) == 1235


def test_a_negative_count_is_a_programming_error():
    with pytest.raises(ValueError):
        disclosure.count(-1)


def test_no_sum_or_difference_of_published_counts_is_one_to_four():
    """The property the whole design rests on, over every pair of true counts up to 60."""
    published = {n: disclosure.count(n) for n in range(61)}
    for a, b in product(range(61), repeat=2):
        x, y = published[a], published[b]
        if x is None or y is None:
            continue
        assert abs(x - y) not in range(1, 5) and x + y not in range(1, 5)


def test_rounding_keeps_order_so_completed_never_exceeds_started():
    values = [disclosure.count(n) or 0 for n in range(200)]
    assert values == sorted(values)


def test_a_share_is_computed_from_the_published_counts():
    # 6 of 7 would be 86 % and give the 7 away; published both are 5, so 100 %.
    assert disclosure.share(6, 7) == 100
    assert disclosure.share(6, 12) == 50  # 5 of 10
    assert disclosure.share(0, 12) == 0
    assert disclosure.share(12, 12) == 100  # every learner: 100 %, not an inverted 0 %


def test_a_share_with_a_hidden_count_is_hidden():
    assert disclosure.share(3, 12) is None  # 3 is hidden, so 3/12 = 25 % would tell it
    assert disclosure.share(3, 4) is None
    assert disclosure.share(0, 0) is None
    assert disclosure.share_of_published(None, 10) is None


def test_ranking_uses_published_shares_only():
    # 7/8 and 6/8 both publish as 5/10 = 50 %: ranked by key, not by the true difference.
    ranked = disclosure.ranked_shares(
        [("b", 8, 7), ("a", 8, 6), ("e", 20, 0), ("c", 20, 20), ("d", 20, 2)]
    )
    assert ranked == [("c", 20, 100), ("a", 10, 50), ("b", 10, 50), ("d", 20, None), ("e", 20, 0)]


def test_averages_need_five_people_and_are_rounded():
    assert disclosure.average(7.4, 4) is None
    assert disclosure.average(7.4, 5) == 7.0
    assert disclosure.average(None, 50) is None
    assert disclosure.average_percent(0.7549, 6) == 75
    assert disclosure.average_percent(0.9, 4) is None


def test_medians_need_five_values_and_are_rounded():
    assert disclosure.median([1.0, 2.0, 3.0, 4.0]) is None
    assert disclosure.median([1.0, 2.0, 3.4, 4.0, 5.0]) == 3.0
    assert disclosure.median([10.2, 11.7, 12.6, 13.1, 30.0], unit=0.5) == 12.5
