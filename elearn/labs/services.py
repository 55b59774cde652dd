"""The labs domain as the views and other domains see it.

Labs are cut by feature: `rules` (phases, labels, who takes part), `lifecycle` (open, advance,
outcome), `cards` (cards, supports, merging, moderation), `voting` (dots and results) and
`personal_data` (export and erasure). This module gathers their public names in one place.
"""

from __future__ import annotations

from elearn.labs.cards import (  # noqa: F401
    BLOCKING_DETAILS,
    CardView,
    OwnCard,
    add_card,
    add_paper_card,
    board,
    card_in_lab,
    detail_messages,
    hidden_cards,
    hide_card,
    merge_cards,
    own_cards,
    personal_details,
    set_support,
    similar_cards,
)
from elearn.labs.lifecycle import (  # noqa: F401
    advance_phase,
    create_lab,
    set_outcome,
)
from elearn.labs.personal_data import (  # noqa: F401
    export_rows,
    forget_author,
)
from elearn.labs.rules import (  # noqa: F401
    KIND_LABELS,
    KIND_SHORT,
    MAX_CARDS_PER_PERSON,
    OUTCOME_LABELS,
    PHASE_LABELS,
    PHASES,
    RECENT_OUTCOME_DAYS,
    SIMILAR_MIN_CHARS,
    SIMILAR_SCORE,
    TOPIC_LABELS,
    LabError,
    LabLink,
    current_labs_for_worker,
    has_open_lab,
    is_facilitator,
    is_participant,
    lab_for_facilitator,
    lab_for_participant,
    lab_for_viewer,
    labs_for_manager,
    labs_for_worker,
    next_phase,
    phase_of,
    phase_summary,
    publish_count,
    today,
)
from elearn.labs.voting import (  # noqa: F401
    RankedCard,
    Results,
    dots_left_text,
    my_dots,
    parse_dots,
    results,
    save_dots,
    voters,
)
