"""The wording shown to people: English source strings, Italian in messages.po.

The Italian of the CFPB items is a working translation ("traduzione di lavoro"), not a validated
adaptation: the pages say so. The literacy questions follow the Italian wording of the three
Lusardi–Mitchell questions published by Università Bocconi (with euro for dollars).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FWB_STATEMENTS = {
    "unexpected_expense": _l("I could handle a major unexpected expense"),
    "securing_future": _l("I am securing my financial future"),
    "never_have_things": _l(
        "Because of my money situation, I feel like I will never have the things I want in life"
    ),
    "enjoy_life": _l("I can enjoy life because of the way I'm managing my money"),
    "just_getting_by": _l("I am just getting by financially"),
    "money_wont_last": _l("I am concerned that the money I have or will save won't last"),
    "gift_strain": _l(
        "Giving a gift for a wedding, birthday or other occasion would put a strain on my "
        "finances for the month"
    ),
    "money_left_over": _l("I have money left over at the end of the month"),
    "behind_with_finances": _l("I am behind with my finances"),
    "finances_control_life": _l("My finances control my life"),
}

PART_QUESTIONS = {
    1: _l("How well does this statement describe you or your situation?"),
    2: _l("How often does this statement apply to you?"),
}

CHOICE_LABELS = {
    "completely": _l("Completely"),
    "very_well": _l("Very well"),
    "somewhat": _l("Somewhat"),
    "very_little": _l("Very little"),
    "not_at_all": _l("Not at all"),
    "always": _l("Always"),
    "often": _l("Often"),
    "sometimes": _l("Sometimes"),
    "rarely": _l("Rarely"),
    "never": _l("Never"),
}

AGE_LABELS = {"18-61": _l("18 to 61"), "62+": _l("62 or older")}
MODE_LABELS = {
    "self": _l("I read and answered the questions myself"),
    "read_to_me": _l("Someone read the questions to me and recorded my answers"),
}

LITERACY_TEXTS = {
    "interest": _l(
        "Suppose you had 100 euros in a savings account and the interest rate was 2% per year. "
        "After 5 years, how much do you think you would have in the account if you left the "
        "money to grow?"
    ),
    "inflation": _l(
        "Imagine that the interest rate on your savings account was 1% per year and inflation "
        "was 2% per year. After 1 year, how much would you be able to buy with the money in "
        "this account?"
    ),
    "diversification": _l(
        "Please tell me whether this statement is true or false: \"Buying a single company's "
        'stock usually provides a safer return than a stock mutual fund."'
    ),
}

LITERACY_CHOICES = {
    "interest": {
        "more": _l("More than 102 euros"),
        "exactly": _l("Exactly 102 euros"),
        "less": _l("Less than 102 euros"),
        "dont_know": _l("I don't know"),
    },
    "inflation": {
        "more": _l("More than today"),
        "same": _l("Exactly the same"),
        "less": _l("Less than today"),
        "dont_know": _l("I don't know"),
    },
    "diversification": {
        "true": _l("True"),
        "false": _l("False"),
        "dont_know": _l("I don't know"),
    },
}

LITERACY_TOPICS = {
    "interest": _l("Interest"),
    "inflation": _l("Inflation"),
    "diversification": _l("Diversification"),
    "all_three": _l("All three right"),
}
