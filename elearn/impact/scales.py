"""The instruments, as data: the CFPB Financial Well-Being Scale (10 items) and its published
scoring tables, the three Lusardi–Mitchell literacy questions, and the national baselines.

No Flask, no database: the tests check the tables against the published values.

Sources
-------
CFPB scale and scoring: Consumer Financial Protection Bureau, "Measuring financial well-being:
A guide to using the CFPB Financial Well-Being Scale" (December 2015), scoring worksheet part 2
("Find the financial well-being score": total response value → score, by questionnaire
self-administered / administered by someone else and by age 18-61 / 62+); the same tables are in
"CFPB Financial Well-Being Scale: Scale development technical report" (May 2017). The values
below were checked against the CFPB's own implementation of its public questionnaire:
github.com/cfpb/consumerfinance.gov, cfgov/wellbeing/forms.py, ``SCORING``
(commit 94ca3ca1a12487f4c4a1af244b27175a7cdf4f73); totals 0–13 of all four columns also
against a reproduction of the worksheet.
The PDF itself could not be opened from this environment; see CFPB_TABLE_CONFIRMED.

The scale is in the public domain. The Italian wording here is a working translation, not a
validated adaptation (the CFPB asks not to change the wording; a translation is a change).
"""

from __future__ import annotations

from dataclasses import dataclass

SCALE_VERSION = "cfpb-fwb-10"
# Bump when the wording of the items changes (in any language): stored with each answer set.
WORDING_VERSION = "2026-12-work"

AGE_BANDS = ("18-61", "62+")
MODES = ("self", "read_to_me")

# Score for each total response value 0..40 (index = total).
CFPB_FWB10_SCORES: dict[tuple[str, str], tuple[int, ...]] = {
    # Questionnaire self-administered ("I read and answered the questions myself").
    ("self", "18-61"): (
        14, 19, 22, 25, 27, 29, 31, 32, 34, 35, 37, 38, 40, 41, 42, 44, 45, 46, 47, 49, 50,
        51, 52, 54, 55, 56, 58, 59, 60, 62, 63, 65, 66, 68, 69, 71, 73, 75, 78, 81, 86,
    ),
    ("self", "62+"): (
        14, 20, 24, 26, 29, 31, 33, 35, 36, 38, 39, 41, 42, 44, 45, 46, 48, 49, 50, 52, 53,
        54, 56, 57, 58, 60, 61, 63, 64, 66, 67, 69, 71, 73, 75, 77, 79, 82, 84, 88, 95,
    ),
    # Administered by someone else ("I read the questions to someone else and recorded
    # their answers").
    ("read_to_me", "18-61"): (
        16, 21, 24, 27, 29, 31, 33, 34, 36, 38, 39, 40, 42, 43, 44, 45, 47, 48, 49, 50, 52,
        53, 54, 55, 57, 58, 59, 60, 62, 63, 65, 66, 68, 70, 71, 73, 76, 78, 81, 85, 91,
    ),
    ("read_to_me", "62+"): (
        18, 23, 26, 28, 30, 32, 33, 35, 36, 38, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 50,
        52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 64, 65, 67, 68, 70, 72, 75, 77, 81, 87,
    ),
}  # fmt: skip
# Totals 0-13 seen in a reproduction of the worksheet and all totals in the CFPB's own code;
# not read in the PDF itself (it could not be opened here): "da verificare" on the PDF.
CFPB_TABLE_CONFIRMED = "cfpb/consumerfinance.gov cfgov/wellbeing/forms.py; PDF da verificare"

PART1_CHOICES = ("completely", "very_well", "somewhat", "very_little", "not_at_all")
PART2_CHOICES = ("always", "often", "sometimes", "rarely", "never")


@dataclass(frozen=True)
class FwbItem:
    number: int
    key: str
    part: int  # 1: "How well does this statement describe you?"; 2: "How often…?"
    positive: bool  # True: "Completely"/"Always" is worth 4; False: worth 0


# The ten statements, in the questionnaire's order; texts live in elearn.impact.texts.
FWB_ITEMS = (
    FwbItem(1, "unexpected_expense", 1, True),
    FwbItem(2, "securing_future", 1, True),
    FwbItem(3, "never_have_things", 1, False),
    FwbItem(4, "enjoy_life", 1, True),
    FwbItem(5, "just_getting_by", 1, False),
    FwbItem(6, "money_wont_last", 1, False),
    FwbItem(7, "gift_strain", 2, False),
    FwbItem(8, "money_left_over", 2, True),
    FwbItem(9, "behind_with_finances", 2, False),
    FwbItem(10, "finances_control_life", 2, False),
)


def item_value(item: FwbItem, choice: str) -> int:
    """The worksheet's value (0-4) of one answer."""
    choices = PART1_CHOICES if item.part == 1 else PART2_CHOICES
    position = choices.index(choice)  # ValueError for an unknown answer
    return 4 - position if item.positive else position


def fwb_score(raw_total: int, age_band: str, mode: str) -> int:
    """The CFPB Financial Well-Being score for a total response value (10-item version)."""
    if not 0 <= raw_total <= 40:
        raise ValueError("the total response value of the 10-item scale is 0 to 40")
    return CFPB_FWB10_SCORES[(mode, age_band)][raw_total]


# --- financial literacy: the "Big Three" (Lusardi and Mitchell) ------------------------------

# Choices in the order shown; the right one is marked. "dont_know" is always offered (in the
# original it counts as not correct).
LITERACY_QUESTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "interest": (("more", "exactly", "less", "dont_know"), "more"),
    "inflation": (("more", "same", "less", "dont_know"), "less"),
    "diversification": (("true", "false", "dont_know"), "false"),
}


def literacy_correct(answers: dict[str, str]) -> dict[str, bool]:
    return {key: answers.get(key) == right for key, (_c, right) in LITERACY_QUESTIONS.items()}


# --- national baselines ----------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    key: str
    value: float
    unit: str  # "percent" or "points of N"
    source: str
    confirmed: bool  # False: read in a secondary source only ("da verificare")


# Share of Italian adults answering each Big Three question correctly, as reported by Lusardi
# and Mitchell (2014, J. of Economic Literature, table 2) from Fornero and Monticone (2011) on
# the Banca d'Italia Survey of Household Income and Wealth (SHIW) 2007. Read in a secondary
# source (Università Bocconi, "Tre domande per misurare l'alfabetizzazione finanziaria"): da
# verificare on the paper.
BIG_THREE_ITALY = {
    "interest": Baseline(
        "interest", 40, "percent", "Lusardi-Mitchell 2014 / SHIW 2007 (Bocconi)", False
    ),
    "inflation": Baseline(
        "inflation", 59, "percent", "Lusardi-Mitchell 2014 / SHIW 2007 (Bocconi)", False
    ),
    "diversification": Baseline(
        "diversification", 52, "percent", "Lusardi-Mitchell 2014 / SHIW 2007 (Bocconi)", False
    ),
    "all_three": Baseline(
        "all_three", 25, "percent", "Lusardi-Mitchell 2014 / SHIW 2007 (Bocconi)", False
    ),
}

# IACOFI 2023 (Banca d'Italia, "Indagine sull'alfabetizzazione finanziaria e le competenze di
# finanza digitale in Italia: adulti", press note of 20 July 2023 on bancaditalia.it): OECD/INFE
# items, not the Big Three, so only a context figure, not directly comparable.
IACOFI_2023 = {
    "literacy_score": Baseline("literacy_score", 10.6, "points of 20", "Banca d'Italia 2023", True),
    "knowledge_score": Baseline("knowledge_score", 3.7, "points of 7", "Banca d'Italia 2023", True),
    "knowledge_score_2020": Baseline(
        "knowledge_score_2020", 3.9, "points of 7", "Banca d'Italia 2023", True
    ),
}
