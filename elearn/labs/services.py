"""Co-production labs: phases, cards, supports, merging, dot votes, results and outcomes."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext, lazy_gettext, ngettext
from rapidfuzz import fuzz, process, utils
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn import audit
from elearn.extensions import db
from elearn.models import (
    Lab,
    LabCard,
    LabOrganization,
    LabOutcome,
    LabSupport,
    LabVote,
    Organization,
    User,
)
from elearn.models.base import utcnow
from elearn.models.labs import CARD_TEXT_MAX, MAX_DOTS_PER_CARD
from elearn.privacy import disclosure

PHASES = ("planned", "collect", "merge", "vote", "outcome")
PHASE_LABELS = {
    "planned": lazy_gettext("Not started yet"),
    "collect": lazy_gettext("Collecting needs and resources"),
    "merge": lazy_gettext("Putting similar cards together"),
    "vote": lazy_gettext("Voting"),
    "outcome": lazy_gettext("Results and what we will do"),
}
KIND_LABELS = {
    "need": lazy_gettext("Need: what is hard"),
    "resource": lazy_gettext("Resource: what could help, what I can offer"),
}
KIND_SHORT = {"need": lazy_gettext("Need"), "resource": lazy_gettext("Resource")}
TOPIC_LABELS = {
    "childcare": lazy_gettext("Childcare"),
    "care": lazy_gettext("Care of relatives"),
    "health": lazy_gettext("Health"),
    "money": lazy_gettext("Money"),
    "time": lazy_gettext("Time and schedules"),
    "transport": lazy_gettext("Transport"),
    "other": lazy_gettext("Other"),
}
OUTCOME_LABELS = {
    "new_service": lazy_gettext("New service"),
    "health_fund": lazy_gettext("Change to the health fund"),
    "work_life": lazy_gettext("Change to the work-life rules"),
    "not_possible": lazy_gettext("Not possible, because…"),
}
# The menu keeps pointing to a lab for a while after its results are out.
RECENT_OUTCOME_DAYS = 90
SIMILAR_SCORE = 75  # rapidfuzz WRatio, 0-100: tried on Italian cards, fewer false friends
SIMILAR_MIN_CHARS = 8
# Enough for anyone with a lot to say; stops a script from flooding the board.
MAX_CARDS_PER_PERSON = 20


class LabError(Exception):
    """A change refused for a reason the user can fix; ``message`` is already translated."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def publish_count(n: int) -> int | None:
    """A count of people as it may be shown: the site's one privacy guard (None for 1-4)."""
    return disclosure.count(max(n, 0))


# --- phases ----------------------------------------------------------------------------------


def today() -> date:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Rome")
    return datetime.now(zone).date()


def phase_of(lab: Lab, on: date | None = None) -> str:
    on = on or today()
    starts = (lab.collect_from, lab.merge_from, lab.vote_from, lab.outcome_from)
    current = "planned"
    for phase, start in zip(PHASES[1:], starts, strict=True):
        if start <= on:
            current = phase
    return current


def next_phase(lab: Lab) -> str | None:
    index = PHASES.index(phase_of(lab))
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def advance_phase(lab: Lab, manager: User, *, remote_addr: str = "") -> str:
    """Start the next phase today: its start date moves to today (dates stay the one truth)."""
    following = next_phase(lab)
    if following is None:
        raise LabError(gettext("The lab is already at its last phase."))
    now = today()
    attribute = {
        "collect": "collect_from",
        "merge": "merge_from",
        "vote": "vote_from",
        "outcome": "outcome_from",
    }[following]
    order = ("collect_from", "merge_from", "vote_from", "outcome_from")
    for name in order[: order.index(attribute) + 1]:
        if getattr(lab, name) > now:
            setattr(lab, name, now)
    for name in order[order.index(attribute) + 1 :]:
        if getattr(lab, name) <= now:  # would jump past the phase just started
            setattr(lab, name, now + timedelta(days=1))
    audit.record(
        "labs.phase",
        actor_id=manager.id,
        detail=f"lab {lab.id}: {following}",
        remote_addr=remote_addr,
    )
    db.session.commit()
    return following


# --- who may reach a lab -------------------------------------------------------------------


def _lab_org_ids(lab_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(LabOrganization.organization_id).where(LabOrganization.lab_id == lab_id)
        )
    )


def is_participant(user: User, lab: Lab) -> bool:
    return (
        user.has_role("worker")
        and user.organization_id is not None
        and user.organization_id in _lab_org_ids(lab.id)
    )


def is_facilitator(user: User, lab: Lab) -> bool:
    """A manager facilitates a lab when they follow every cooperative taking part in it."""
    managed = {org.id for org in user.managed_organizations}
    return user.has_role("manager") and bool(managed) and _lab_org_ids(lab.id) <= managed


def lab_for_participant(user: User, lab_id: int) -> Lab | None:
    lab = db.session.get(Lab, lab_id)
    return lab if lab is not None and is_participant(user, lab) else None


def lab_for_facilitator(user: User, lab_id: int) -> Lab | None:
    lab = db.session.get(Lab, lab_id)
    return lab if lab is not None and is_facilitator(user, lab) else None


def lab_for_viewer(user: User, lab_id: int) -> Lab | None:
    lab = db.session.get(Lab, lab_id)
    if lab is None or not (is_participant(user, lab) or is_facilitator(user, lab)):
        return None
    return lab


def labs_for_worker(user: User) -> list[Lab]:
    if user.organization_id is None:
        return []
    return list(
        db.session.scalars(
            select(Lab)
            .join(LabOrganization, LabOrganization.lab_id == Lab.id)
            .where(LabOrganization.organization_id == user.organization_id)
            .order_by(Lab.collect_from.desc(), Lab.id.desc())
        )
    )


def labs_for_manager(user: User) -> list[Lab]:
    labs = db.session.scalars(select(Lab).order_by(Lab.collect_from.desc(), Lab.id.desc()))
    return [lab for lab in labs if is_facilitator(user, lab)]


@dataclass(frozen=True)
class LabLink:
    """What the menu and the home page need of a running lab."""

    id: int
    title: str


# Every page of a worker asks whether to show "Labs" in the menu: the answer is kept per
# cooperative for a minute (labs open by date), and forgotten at once when this process writes
# a lab (other processes see a change within the minute).
_CURRENT_SECONDS = 60.0
_CURRENT_CACHE = "labs.current"


def current_labs_for_worker(user: User) -> list[LabLink]:
    """Labs of the worker's cooperative that are running, or whose results are recent."""
    if user.organization_id is None:
        return []
    now = today()
    cache = current_app.extensions.setdefault(_CURRENT_CACHE, {})
    key = (user.organization_id, now)
    hit = cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    links = [
        LabLink(lab_id, title)
        for lab_id, title in db.session.execute(
            select(Lab.id, Lab.title)
            .join(LabOrganization, LabOrganization.lab_id == Lab.id)
            .where(
                LabOrganization.organization_id == user.organization_id,
                Lab.collect_from <= now,
                Lab.outcome_from >= now - timedelta(days=RECENT_OUTCOME_DAYS),
            )
            .order_by(Lab.collect_from.desc(), Lab.id.desc())
        )
    ]
    cache[key] = (time.monotonic() + _CURRENT_SECONDS, links)
    return links


@event.listens_for(Session, "before_flush")
def _forget_current_labs(session: Session, flush_context: object, instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if has_app_context() and any(isinstance(obj, Lab | LabOrganization) for obj in changed):
        current_app.extensions.pop(_CURRENT_CACHE, None)


def has_open_lab(user: User) -> bool:
    """Whether the worker's menu shows "Labs"."""
    return bool(current_labs_for_worker(user))


def create_lab(
    manager: User,
    *,
    title: str,
    question: str,
    organization_ids: list[int],
    collect_from: date,
    merge_from: date,
    vote_from: date,
    outcome_from: date,
    dots_per_person: int,
    remote_addr: str = "",
) -> Lab:
    managed = {org.id for org in manager.managed_organizations}
    if not organization_ids:
        raise LabError(gettext("Choose at least one cooperative."), "organizations")
    if not set(organization_ids) <= managed:
        raise LabError(
            gettext("You can open a lab only for the cooperatives you follow."), "organizations"
        )
    if not collect_from <= merge_from <= vote_from <= outcome_from:
        raise LabError(gettext("The phases must follow one another in time."), "merge_from")
    if not 1 <= dots_per_person <= 10:
        raise LabError(gettext("Give between 1 and 10 dots per person."), "dots_per_person")
    lab = Lab(
        title=title.strip(),
        question=question.strip(),
        collect_from=collect_from,
        merge_from=merge_from,
        vote_from=vote_from,
        outcome_from=outcome_from,
        dots_per_person=dots_per_person,
        created_by_id=manager.id,
        organizations=[db.session.get(Organization, i) for i in sorted(set(organization_ids))],
    )
    db.session.add(lab)
    db.session.flush()
    audit.record(
        "labs.created",
        actor_id=manager.id,
        detail=f"lab {lab.id} for organizations {sorted(set(organization_ids))}",
        remote_addr=remote_addr,
    )
    db.session.commit()
    return lab


# --- what a card may not contain -----------------------------------------------------------

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


def _clean_text(text: str) -> str:
    text = " ".join(part for part in text.replace("\r\n", "\n").split(" ") if part).strip()
    if not text:
        raise LabError(gettext("Write a few words."), "text")
    if len(text) > CARD_TEXT_MAX:
        raise LabError(gettext("Use at most %(n)d characters.", n=CARD_TEXT_MAX), "text")
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
    if not is_participant(worker, lab):
        raise LabError(gettext("This lab is for the workers of other cooperatives."))
    if phase_of(lab) != "collect":
        raise LabError(gettext("Cards can be written only while the lab is collecting them."))
    text = _clean_text(text)
    blocking = [code for code in personal_details(text) if code in BLOCKING_DETAILS]
    if blocking:
        raise LabError(" ".join(detail_messages(blocking)), "text")
    written = db.session.scalar(
        select(func.count(LabCard.id)).where(
            LabCard.lab_id == lab.id, LabCard.author_id == worker.id
        )
    )
    if (written or 0) >= MAX_CARDS_PER_PERSON:
        raise LabError(
            gettext("You already wrote %(n)d cards: support the cards of others.", n=written),
            "text",
        )
    card = LabCard(
        lab_id=lab.id, kind=kind, topic=topic, text=text, author_id=worker.id, signed=signed
    )
    db.session.add(card)
    db.session.commit()
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
    if phase_of(lab) not in ("collect", "merge"):
        raise LabError(gettext("Paper cards can be added while collecting and merging."))
    text = _clean_text(text)
    blocking = [code for code in personal_details(text) if code in BLOCKING_DETAILS]
    if blocking:
        raise LabError(" ".join(detail_messages(blocking)), "text")
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
    audit.record(
        "labs.paper_card",
        actor_id=manager.id,
        detail=f"lab {lab.id} card {card.id} ({people} people): {reason}",
        remote_addr=remote_addr,
    )
    db.session.commit()
    return card


def card_in_lab(lab: Lab, card_id: int) -> LabCard | None:
    return db.session.scalar(select(LabCard).where(LabCard.id == card_id, LabCard.lab_id == lab.id))


def set_support(lab: Lab, card: LabCard, worker: User, supports: bool) -> None:
    if phase_of(lab) not in ("collect", "merge"):
        raise LabError(gettext("Cards can be supported only before the vote."))
    if card.status != "visible":
        raise LabError(gettext("This card is no longer on the board."))
    if card.author_id == worker.id:
        raise LabError(gettext("This is your own card: it already counts you."))
    existing = db.session.scalar(
        select(LabSupport).where(LabSupport.card_id == card.id, LabSupport.user_id == worker.id)
    )
    if supports and existing is None:
        db.session.add(LabSupport(card_id=card.id, user_id=worker.id))
    elif not supports and existing is not None:
        db.session.delete(existing)
    try:
        db.session.commit()
    except IntegrityError:  # a double tap: the other request already added the +1
        db.session.rollback()


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
    if phase_of(lab) not in ("collect", "merge"):
        raise LabError(gettext("Cards can be merged only before the vote."))
    if source.id == target.id:
        raise LabError(gettext("Choose another card to merge with."), "target")
    if source.status != "visible" or target.status != "visible":
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
    audit.record(
        "labs.merge",
        actor_id=manager.id,
        detail=f"lab {lab.id}: card {source.id} into {target.id}",
        remote_addr=remote_addr,
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
    if card.status == "merged":
        raise LabError(gettext("This card was merged into another one."))
    card.status = "hidden"
    card.hidden_reason = reason
    card.moderated_by_id = manager.id
    card.moderated_at = utcnow()
    # Votes on a hidden card would count for nothing: give the dots back.
    db.session.execute(delete(LabVote).where(LabVote.card_id == card.id))
    # No subject_user_id: the audit log must not tie a pseudonymous card to its author.
    audit.record(
        "labs.hide",
        actor_id=manager.id,
        detail=f"lab {lab.id} card {card.id}: {reason}",
        remote_addr=remote_addr,
    )
    db.session.commit()


# --- dot voting ------------------------------------------------------------------------------


def my_dots(lab: Lab, worker: User) -> dict[int, int]:
    return {
        card_id: dots
        for card_id, dots in db.session.execute(
            select(LabVote.card_id, LabVote.dots).where(
                LabVote.lab_id == lab.id, LabVote.user_id == worker.id
            )
        )
    }


def parse_dots(form: dict[str, str]) -> dict[int, int]:
    """The `dots-<card id>` fields of the vote form; anything else is a clear refusal."""
    allocation: dict[int, int] = {}
    for key, raw in form.items():
        if not key.startswith("dots-"):
            continue
        card_part, value = key[5:], (raw or "0").strip() or "0"
        if not (card_part.isascii() and card_part.isdigit() and len(card_part) <= 9):
            raise LabError(gettext("This card is not part of the vote."))
        if not (value.isascii() and value.isdigit() and len(value) <= 3):
            raise LabError(gettext("Choose a number of dots from 0 to %(n)d.", n=MAX_DOTS_PER_CARD))
        allocation[int(card_part)] = int(value)
    return allocation


def save_dots(lab: Lab, worker: User, allocation: dict[int, int]) -> None:
    """Replace the worker's dots in one go, within the lab's limits."""
    if not is_participant(worker, lab):
        raise LabError(gettext("This lab is for the workers of other cooperatives."))
    if phase_of(lab) != "vote":
        raise LabError(gettext("The vote is not open."))
    allocation = {card_id: dots for card_id, dots in allocation.items() if dots}
    votable = set(
        db.session.scalars(
            select(LabCard.id).where(LabCard.lab_id == lab.id, LabCard.status == "visible")
        )
    )
    if set(allocation) - votable:
        raise LabError(gettext("This card is not part of the vote."))
    if any(dots > MAX_DOTS_PER_CARD for dots in allocation.values()):
        raise LabError(
            gettext("At most %(n)d dots on one card: spread them out.", n=MAX_DOTS_PER_CARD)
        )
    used = sum(allocation.values())
    if used > lab.dots_per_person:
        raise LabError(
            gettext(
                "You have %(total)d dots and you used %(used)d: take some away.",
                total=lab.dots_per_person,
                used=used,
            )
        )
    db.session.execute(
        delete(LabVote).where(LabVote.lab_id == lab.id, LabVote.user_id == worker.id)
    )
    for card_id, dots in sorted(allocation.items()):
        db.session.add(LabVote(lab_id=lab.id, card_id=card_id, user_id=worker.id, dots=dots))
    try:
        db.session.commit()
    except IntegrityError:  # the same vote sent twice at once (double tap, two tabs)
        db.session.rollback()
        raise LabError(gettext("Your vote was sent twice at the same moment: try again.")) from None


def voters(lab: Lab) -> int | None:
    """How many people have voted so far (published): turnout, never who voted for what."""
    n = db.session.scalar(
        select(func.count(func.distinct(LabVote.user_id))).where(LabVote.lab_id == lab.id)
    )
    return publish_count(n or 0)


# --- results and outcomes --------------------------------------------------------------------


@dataclass
class RankedCard:
    card: LabCard
    people: int | None  # published; None: fewer than 5 people
    dots: int | None  # published
    outcome: LabOutcome | None = None


@dataclass
class Results:
    ranking: list[RankedCard] = field(default_factory=list)
    # Cards that fewer than 5 people voted for: no count, and no order either.
    below_threshold: list[LabCard] = field(default_factory=list)
    voters: int | None = 0


def results(lab: Lab) -> Results | None:
    """The ranking, only once the vote has closed (None before: nobody sees it, managers too)."""
    if phase_of(lab) != "outcome":
        return None
    cards = list(
        db.session.scalars(
            select(LabCard)
            .where(LabCard.lab_id == lab.id, LabCard.status == "visible")
            .order_by(LabCard.id)
        )
    )
    tally = {
        card_id: (people, dots)
        for card_id, people, dots in db.session.execute(
            select(LabVote.card_id, func.count(LabVote.user_id), func.sum(LabVote.dots))
            .where(LabVote.lab_id == lab.id)
            .group_by(LabVote.card_id)
        )
    }
    outcomes = {
        row.card_id: row
        for row in db.session.scalars(
            select(LabOutcome).where(LabOutcome.card_id.in_([c.id for c in cards] or [-1]))
        )
    }
    result = Results(voters=voters(lab))
    ranked = []
    for card in cards:
        people, dots = tally.get(card.id, (0, 0))
        shown = publish_count(people)
        if shown:
            ranked.append((dots, people, card, shown))
        else:
            result.below_threshold.append(card)
    ranked.sort(key=lambda row: (-row[0], -row[1], row[2].id))
    result.ranking = [
        RankedCard(card, shown, publish_count(dots), outcomes.get(card.id))
        for dots, _people, card, shown in ranked
    ]
    for card in result.below_threshold:
        if card.id in outcomes:
            result.ranking.append(RankedCard(card, None, None, outcomes[card.id]))
    result.below_threshold = [c for c in result.below_threshold if c.id not in outcomes]
    return result


def set_outcome(
    lab: Lab, card: LabCard, manager: User, *, kind: str, text: str, remote_addr: str = ""
) -> LabOutcome:
    if phase_of(lab) != "outcome":
        raise LabError(gettext("Outcomes are written after the vote has closed."))
    if card.status != "visible":
        raise LabError(gettext("This card is no longer on the board."))
    text = text.strip()
    if not text:
        raise LabError(gettext("Write what will be done, or why it is not possible."), "text")
    outcome = db.session.scalar(select(LabOutcome).where(LabOutcome.card_id == card.id))
    if outcome is None:
        outcome = LabOutcome(card_id=card.id, kind=kind, text=text)
        db.session.add(outcome)
    outcome.kind, outcome.text = kind, text
    outcome.written_by_id = manager.id
    outcome.updated_at = utcnow()
    audit.record(
        "labs.outcome",
        actor_id=manager.id,
        detail=f"lab {lab.id} card {card.id}: {kind}",
        remote_addr=remote_addr,
    )
    db.session.commit()
    return outcome


def phase_summary(lab: Lab) -> list[tuple[str, str, date | None, bool]]:
    """(phase, label, start date, is current) for the phase strip on the lab pages."""
    current = phase_of(lab)
    starts = {
        "collect": lab.collect_from,
        "merge": lab.merge_from,
        "vote": lab.vote_from,
        "outcome": lab.outcome_from,
    }
    return [
        (phase, str(PHASE_LABELS[phase]), starts[phase], phase == current) for phase in PHASES[1:]
    ]


def dots_left_text(lab: Lab, used: int) -> str:
    left = lab.dots_per_person - used
    if left < 0:
        return gettext("Too many dots: take %(num)s away.", num=-left)
    return ngettext("You have %(num)d dot left.", "You have %(num)d dots left.", left)


# --- privacy: export and erasure -------------------------------------------------------------


def export_rows(user: User) -> dict[str, list[dict[str, object]]]:
    """The person's lab data for the GDPR export: own cards, "+1"s and dots."""

    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, date | datetime) else value

    cards = db.session.scalars(select(LabCard).where(LabCard.author_id == user.id))
    supports = db.session.execute(
        select(LabSupport, LabCard.lab_id, LabCard.text)
        .join(LabCard, LabCard.id == LabSupport.card_id)
        .where(LabSupport.user_id == user.id)
    )
    votes = db.session.execute(
        select(LabVote, LabCard.text)
        .join(LabCard, LabCard.id == LabVote.card_id)
        .where(LabVote.user_id == user.id)
    )
    return {
        "lab_cards": [
            {
                "id": card.id,
                "lab_id": card.lab_id,
                "kind": card.kind,
                "topic": card.topic,
                "text": card.text,
                "signed": card.signed,
                "status": card.status,
                "hidden_reason": card.hidden_reason,
                "merged_into_id": card.merged_into_id,
                "created_at": plain(card.created_at),
            }
            for card in cards
        ],
        "lab_supports": [
            {
                "card_id": support.card_id,
                "lab_id": lab_id,
                "card_text": text,
                "created_at": plain(support.created_at),
            }
            for support, lab_id, text in supports
        ],
        "lab_votes": [
            {
                "card_id": vote.card_id,
                "lab_id": vote.lab_id,
                "card_text": text,
                "dots": vote.dots,
                "created_at": plain(vote.created_at),
            }
            for vote, text in votes
        ],
    }


def forget_author(user_id: int) -> None:
    """Erasure: the cards stay, anonymous and unsigned, and still count their author (no commit)."""
    db.session.execute(
        update(LabCard)
        .where(LabCard.author_id == user_id)
        .values(
            author_id=None,
            signed=False,
            anonymous_supporters=LabCard.anonymous_supporters + 1,
        )
    )
