"""CFPB Financial Well-Being Scale (10 items): scores from the CFPB's published tables.

Expected values are read off the CFPB scoring worksheet ("Find the financial well-being score",
in "Measuring financial well-being: A guide to using the CFPB Financial Well-Being Scale", 2015)
as implemented by the CFPB in cfpb/consumerfinance.gov cfgov/wellbeing/forms.py.
"""

from __future__ import annotations

import pytest

from elearn.impact import scales

# (total response value, mode, age band) -> published score
PUBLISHED = [
    (0, "self", "18-61", 14),
    (0, "self", "62+", 14),
    (0, "read_to_me", "18-61", 16),
    (0, "read_to_me", "62+", 18),
    (7, "self", "18-61", 32),
    (7, "self", "62+", 35),
    (13, "self", "62+", 44),
    (13, "read_to_me", "18-61", 43),
    (20, "self", "18-61", 50),
    (20, "self", "62+", 53),
    (20, "read_to_me", "18-61", 52),
    (20, "read_to_me", "62+", 50),
    (26, "read_to_me", "62+", 57),
    (33, "self", "18-61", 68),
    (33, "self", "62+", 73),
    (39, "read_to_me", "18-61", 85),
    (40, "self", "18-61", 86),
    (40, "self", "62+", 95),
    (40, "read_to_me", "18-61", 91),
    (40, "read_to_me", "62+", 87),
]


@pytest.mark.parametrize(("raw", "mode", "age", "score"), PUBLISHED)
def test_score_matches_the_published_table(raw, mode, age, score):
    assert scales.fwb_score(raw, age, mode) == score


def test_the_same_raw_total_scores_differently_by_age_band_and_mode():
    assert scales.fwb_score(30, "18-61", "self") == 63
    assert scales.fwb_score(30, "62+", "self") == 67
    assert scales.fwb_score(30, "18-61", "read_to_me") == 65
    assert scales.fwb_score(30, "62+", "read_to_me") == 62


def test_every_table_has_41_rising_scores():
    for key, scores in scales.CFPB_FWB10_SCORES.items():
        assert len(scores) == 41, key
        assert list(scores) == sorted(scores), key


def test_negative_statements_are_reverse_scored_like_the_worksheet():
    by_key = {item.key: item for item in scales.FWB_ITEMS}
    # "I could handle a major unexpected expense": Completely = 4
    assert scales.item_value(by_key["unexpected_expense"], "completely") == 4
    assert scales.item_value(by_key["unexpected_expense"], "not_at_all") == 0
    # "I am just getting by financially": Completely = 0
    assert scales.item_value(by_key["just_getting_by"], "completely") == 0
    assert scales.item_value(by_key["just_getting_by"], "not_at_all") == 4
    # "I have money left over at the end of the month": Always = 4; "behind": Always = 0
    assert scales.item_value(by_key["money_left_over"], "always") == 4
    assert scales.item_value(by_key["behind_with_finances"], "always") == 0
    assert [item.positive for item in scales.FWB_ITEMS] == [
        True, True, False, True, False, False, False, True, False, False
    ]  # fmt: skip


def test_a_total_outside_0_to_40_is_refused():
    with pytest.raises(ValueError):
        scales.fwb_score(41, "18-61", "self")
    with pytest.raises(ValueError):
        scales.item_value(scales.FWB_ITEMS[0], "always")  # a part-2 answer to a part-1 item


def test_literacy_answers_are_marked_right_only_for_the_right_choice():
    assert scales.literacy_correct(
        {"interest": "more", "inflation": "less", "diversification": "false"}
    ) == {"interest": True, "inflation": True, "diversification": True}
    assert scales.literacy_correct(
        {"interest": "exactly", "inflation": "dont_know", "diversification": "true"}
    ) == {"interest": False, "inflation": False, "diversification": False}
