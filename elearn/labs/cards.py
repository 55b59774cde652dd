"""Labs: cards (needs and resources), personal-detail warnings, similar cards, supports, the
board, merging and hiding."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext
from rapidfuzz import fuzz, process, utils
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from elearn.database import write_done, write_transaction
from elearn.extensions import db
from elearn.labs.rules import (
    MAX_CARDS_PER_PERSON,
    SIMILAR_MIN_CHARS,
    SIMILAR_SCORE,
    LabError,
    lock_cards,
    lock_person,
    publish_count,
    record_lab_step,
    require_on_board,
    require_participant,
    require_phase,
)
from elearn.models import (
    Lab,
    LabCard,
    LabSupport,
    LabVote,
    User,
)
from elearn.models.base import utcnow
from elearn.models.labs import CARD_TEXT_MAX

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Eight or more digits, spaces, dots or dashes between them allowed: "333 123 4567", "+39 02...".
_PHONE = re.compile(r"(?<!\w)\+?\d(?:[\s./-]?\d){7,}(?!\w)")
_HEALTH_WORDS = (
    "malat",
    "cancro",
    "tumor",
    "diabet",
    "depress",
    "ricover",
    "ospedal",
    "incint",
    "gravidanz",
    "disabil",
    "handicap",
    "invalid",
    "chemio",
    "dialisi",
    "alzheimer",
    "demenz",
    "ill",
    "sick",
    "cancer",
    "pregnan",
    "hospital",
    "disabled",
    "surgery",
    "operat",
    "diagnos",
    "terapi",
    "therap",
)
_SENTENCE_ENDS = frozenset(".!?\n")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ']+|[.!?\n]")


def _names_near_health_words(text: str) -> bool:
    """A capitalised word that does not open a sentence (so probably a name) within four
    words of a health word, in either order: "Maria è malata", "il tumore di Giulia"."""
    tokens = _WORD.findall(text)
    names, health = [], []
    sentence_start = True
    position = 0
    for token in tokens:
        if token in _SENTENCE_ENDS:
            sentence_start = True
            continue
        lower = token.lower()
        if any(lower.startswith(word) for word in _HEALTH_WORDS) and (
            len(lower) > 3 or lower == "ill"
        ):
            health.append(position)
        elif token[0].isupper() and not sentence_start and len(token) > 1:
            names.append(position)
        sentence_start = False
        position += 1
    return any(abs(n - h) <= 4 for n in names for h in health)


def personal_details(text: str) -> list[str]:
    """Codes of what looks like personal details in a card: "email", "phone", "name_health"."""
    found = []
    if _EMAIL.search(text):
        found.append("email")
    if _PHONE.search(text):
        found.append("phone")
    if _names_near_health_words(text):
        found.append("name_health")
    return found


BLOCKING_DETAILS = ("email", "phone")


def detail_messages(codes: list[str]) -> list[str]:
    messages = {
        "email": gettext("Remove the e-mail address: cards are read by many people."),
        "phone": gettext("Remove the phone number: cards are read by many people."),
        "name_health": gettext(
            "It looks like you wrote a person's name together with their health. Write about "
            "the situation without names, so that nobody can be recognised."
        ),
    }
    return [messages[code] for code in codes if code in messages]


# --- cards ---------------------------------------------------------------------------------


def _card_text(text: str) -> str:
    """A card's text as it may go on the board (typed on the site or copied from paper)."""
    text = " ".join(part for part in text.replace("\r\n", "\n").split(" ") if part).strip()
    if not text:
        raise LabError(gettext("Write a few words."), "text")
    if len(text) > CARD_TEXT_MAX:
        raise LabError(gettext("Use at most %(n)d characters.", n=CARD_TEXT_MAX), "text")
    blocking = [code for code in personal_details(text) if code in BLOCKING_DETAILS]
    if blocking:
        raise LabError(" ".join(detail_messages(blocking)), "text")
    return text


def similar_cards(lab: Lab, text: str, limit: int = 3, exclude: int | None = None) -> list[LabCard]:
    """Visible cards of the lab that say nearly the same (rapidfuzz, typos and order ignored)."""
    query = utils.default_process(text or "")
    if len(query) < SIMILAR_MIN_CHARS:
        return []
    cards = {
        card.id: card
        for card in db.session.scalars(
            select(LabCard).where(LabCard.lab_id == lab.id, LabCard.status == "visible")
        )
        if card.id != exclude
    }
    matches = process.extract(
        query,
        {card_id: card.text for card_id, card in cards.items()},
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=SIMILAR_SCORE,
        limit=limit,
    )
    return [cards[card_id] for _text, _score, card_id in matches]


def add_card(lab: Lab, worker: User, *, kind: str, topic: str, text: str, signed: bool) -> LabCard:
    require_participant(worker, lab)
    require_phase(
        lab, ("collect",), gettext("Cards can be written only while the lab is collecting them.")
    )
    text = _card_text(text)
    lab_id, worker_id = lab.id, worker.id
    # The limit is counted under the person's lock: cards sent at once take turns.
    write_transaction()
    try:
        lock_person(worker_id)
        written = db.session.scalar(
            select(func.count(LabCard.id)).where(
                LabCard.lab_id == lab_id, LabCard.author_id == worker_id
            )
        )
        if (written or 0) >= MAX_CARDS_PER_PERSON:
            db.session.rollback()
            raise LabError(
                gettext("You already wrote %(n)d cards: support the cards of others.", n=written),
                "text",
            )
        card = LabCard(
            lab_id=lab_id, kind=kind, topic=topic, text=text, author_id=worker_id, signed=signed
        )
        db.session.add(card)
        db.session.commit()
    finally:
        write_done()
    return card


def add_paper_card(
    lab: Lab,
    manager: User,
    *,
    kind: str,
    topic: str,
    text: str,
    people: int,
    reason: str,
    remote_addr: str = "",
) -> LabCard:
    """A card collected on paper (Social point, Welfare day), typed in by the facilitator."""
    require_phase(
        lab, ("collect", "merge"), gettext("Paper cards can be added while collecting and merging.")
    )
    text = _card_text(text)
    if not 1 <= people <= 500:
        raise LabError(gettext("Write how many people wrote it, from 1 to 500."), "people")
    reason = reason.strip()
    if not reason:
        raise LabError(gettext("Say where and why you are typing it in."), "reason")
    card = LabCard(
        lab_id=lab.id,
        kind=kind,
        topic=topic,
        text=text,
        anonymous_supporters=people,
        entered_by_id=manager.id,
    )
    db.session.add(card)
    db.session.flush()
    record_lab_step(
        "labs.paper_card",
        manager,
        f"lab {lab.id} card {card.id} ({people} people): {reason}",
        remote_addr,
    )
    db.session.commit()
    return card


def card_in_lab(lab: Lab, card_id: int) -> LabCard | None:
    return db.session.scalar(select(LabCard).where(LabCard.id == card_id, LabCard.lab_id == lab.id))


def set_support(lab: Lab, card: LabCard, worker: User, supports: bool) -> None:
    require_phase(
        lab, ("collect", "merge"), gettext("Cards can be supported only before the vote.")
    )
    require_on_board(card)
    if card.author_id == worker.id:
        raise LabError(gettext("This is your own card: it already counts you."))
    lab_id, card_id, worker_id = lab.id, card.id, worker.id
    write_transaction()
    try:
        # FOR SHARE on the card: a merge or a hiding of it at this moment waits for this "+1"
        # (and carries it over), or comes first and the card is then no longer on the board.
        locked = lock_cards(lab_id, [card_id], shared=True)
        if not locked or locked[0].status != "visible":
            db.session.rollback()
            raise LabError(gettext("This card is no longer on the board."))
        existing = db.session.scalar(
            select(LabSupport).where(LabSupport.card_id == card_id, LabSupport.user_id == worker_id)
        )
        if supports and existing is None:
            db.session.add(LabSupport(card_id=card_id, user_id=worker_id))
        elif not supports and existing is not None:
            db.session.delete(existing)
        try:
            db.session.commit()
        except IntegrityError:  # a double tap: the other request already added the +1
            db.session.rollback()
    finally:
        write_done()


def _supporter_counts(card_ids: list[int]) -> dict[int, int]:
    """People behind each card: its author, the "+1"s and the anonymous (paper) supporters."""
    if not card_ids:
        return {}
    counts = {card_id: 0 for card_id in card_ids}
    for card_id, n in db.session.execute(
        select(LabSupport.card_id, func.count(LabSupport.id))
        .where(LabSupport.card_id.in_(card_ids))
        .group_by(LabSupport.card_id)
    ):
        counts[card_id] += n
    for card_id, author_id, anonymous in db.session.execute(
        select(LabCard.id, LabCard.author_id, LabCard.anonymous_supporters).where(
            LabCard.id.in_(card_ids)
        )
    ):
        counts[card_id] += anonymous + (1 if author_id is not None else 0)
    return counts


@dataclass
class CardView:
    """A card as someone else may see it: the author only when they signed it."""

    id: int
    kind: str
    topic: str
    text: str
    signature: str | None
    on_paper: bool
    supporters: int | None  # published (suppressed under 5)
    is_mine: bool = False
    i_support: bool = False


def _view(card: LabCard, viewer: User, supporters: int, supported: set[int]) -> CardView:
    return CardView(
        id=card.id,
        kind=card.kind,
        topic=card.topic,
        text=card.text,
        signature=card.author.first_name if card.signed and card.author else None,
        on_paper=card.entered_by_id is not None,
        supporters=publish_count(supporters),
        is_mine=card.author_id == viewer.id,
        i_support=card.id in supported,
    )


def board(lab: Lab, viewer: User, kind: str | None = None) -> list[CardView]:
    """The visible cards, newest first."""
    query = select(LabCard).where(LabCard.lab_id == lab.id, LabCard.status == "visible")
    if kind in ("need", "resource"):
        query = query.where(LabCard.kind == kind)
    cards = list(db.session.scalars(query.order_by(LabCard.id.desc())))
    counts = _supporter_counts([card.id for card in cards])
    supported = set(
        db.session.scalars(
            select(LabSupport.card_id).where(
                LabSupport.user_id == viewer.id,
                LabSupport.card_id.in_([card.id for card in cards] or [-1]),
            )
        )
    )
    return [_view(card, viewer, counts[card.id], supported) for card in cards]


def hidden_cards(lab: Lab) -> list[LabCard]:
    return list(
        db.session.scalars(
            select(LabCard)
            .where(LabCard.lab_id == lab.id, LabCard.status == "hidden")
            .order_by(LabCard.id.desc())
        )
    )


@dataclass
class OwnCard:
    card: LabCard
    merged_into_text: str | None = None


def own_cards(lab: Lab, worker: User) -> list[OwnCard]:
    """The worker's cards, hidden and merged ones too, with the reason they were hidden."""
    cards = db.session.scalars(
        select(LabCard)
        .where(LabCard.lab_id == lab.id, LabCard.author_id == worker.id)
        .order_by(LabCard.id.desc())
    )
    return [
        OwnCard(card, card.merged_into.text if card.merged_into is not None else None)
        for card in cards
    ]


def merge_cards(
    lab: Lab, source: LabCard, target: LabCard, manager: User, *, remote_addr: str = ""
) -> None:
    """Fold `source` into `target`: its author and supporters become supporters of `target`."""
    require_phase(lab, ("collect", "merge"), gettext("Cards can be merged only before the vote."))
    if source.id == target.id:
        raise LabError(gettext("Choose another card to merge with."), "target")
    # The cards are locked and read again (a "+1" on either waits, or came first and is carried
    # over; a merge or hiding of either at the same moment is seen here).
    write_transaction()
    try:
        lock_cards(lab.id, [source.id, target.id])
        _merge_locked(lab, source, target, manager, remote_addr)
    finally:
        write_done()


def _merge_locked(
    lab: Lab, source: LabCard, target: LabCard, manager: User, remote_addr: str
) -> None:
    if source.status != "visible" or target.status != "visible":
        db.session.rollback()
        raise LabError(gettext("Only cards on the board can be merged."), "target")
    people = set(
        db.session.scalars(select(LabSupport.user_id).where(LabSupport.card_id == source.id))
    )
    if source.author_id is not None:
        people.add(source.author_id)
    already = set(
        db.session.scalars(select(LabSupport.user_id).where(LabSupport.card_id == target.id))
    )
    for user_id in sorted(people - already - {target.author_id}):
        db.session.add(LabSupport(card_id=target.id, user_id=user_id))
    db.session.execute(delete(LabSupport).where(LabSupport.card_id == source.id))
    target.anonymous_supporters += source.anonymous_supporters
    source.status = "merged"
    source.merged_into_id = target.id
    source.moderated_by_id = manager.id
    source.moderated_at = utcnow()
    record_lab_step(
        "labs.merge", manager, f"lab {lab.id}: card {source.id} into {target.id}", remote_addr
    )
    try:
        db.session.commit()
    except IntegrityError:  # someone added a +1 to the same card at that moment
        db.session.rollback()
        raise LabError(gettext("The cards changed meanwhile: try again.")) from None


def hide_card(
    lab: Lab, card: LabCard, manager: User, reason: str, *, remote_addr: str = ""
) -> None:
    reason = reason.strip()
    if not reason:
        raise LabError(gettext("Write the reason: the author will read it."), "reason")
    write_transaction()
    try:
        lock_cards(lab.id, [card.id])
        if card.status == "merged":
            db.session.rollback()
            raise LabError(gettext("This card was merged into another one."))
        _hide_locked(lab, card, manager, reason, remote_addr)
    finally:
        write_done()


def _hide_locked(lab: Lab, card: LabCard, manager: User, reason: str, remote_addr: str) -> None:
    card.status = "hidden"
    card.hidden_reason = reason
    card.moderated_by_id = manager.id
    card.moderated_at = utcnow()
    # Votes on a hidden card would count for nothing: give the dots back.
    db.session.execute(delete(LabVote).where(LabVote.card_id == card.id))
    # No subject_user_id: the audit log must not tie a pseudonymous card to its author.
    record_lab_step("labs.hide", manager, f"lab {lab.id} card {card.id}: {reason}", remote_addr)
    db.session.commit()


# --- dot voting ------------------------------------------------------------------------------
