"""Personal invitations (e-mailed links, printed letters with a code), accounts made from them,
and the shared invite code's path: tied to the roster, or waiting for an admin's confirmation
(the admin's side of that list: elearn.roster.confirmations)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import qrcode
from flask import current_app
from flask_babel import force_locale, format_date, gettext
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from elearn import audit
from elearn.auth.services import AccountError, find_user_by_email, hash_password
from elearn.auth.services import normalise_email as clean_email
from elearn.extensions import db
from elearn.i18n import supported_language
from elearn.models import (
    Organization,
    RegistrationReview,
    Role,
    RosterEntry,
    RosterInvitation,
    User,
)
from elearn.models.base import utcnow
from elearn.outbox.services import enqueue
from elearn.privacy.erasure import erase_personal_data
from elearn.urls import public_url

VALID_DAYS = 30
# Worth sending again: never used, and expired or older than this.
RESEND_AFTER = timedelta(days=7)
# No 0/O or 1/I: the code is read from paper and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


class InvitationError(Exception):
    """Why an invitation cannot be used, in words for the person holding it."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def new_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def _normal_code(value: str) -> str | None:
    """A typed letter code without spaces and dashes, upper case; None if it cannot be one."""
    cleaned = re.sub(r"[\s\-]", "", value).upper()
    if len(cleaned) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in cleaned):
        return cleaned
    return None


def printed_form(value: str) -> str:
    """A typed letter code as printed (ABCDE-23456); anything else unchanged."""
    code = _normal_code(value)
    return f"{code[:5]}-{code[5:]}" if code else value.strip()


def _keys() -> list[str]:
    """SECRET_KEY, then the SECRET_KEY_FALLBACKS (older keys still accepted after a rotation)."""
    fallbacks = current_app.config.get("SECRET_KEY_FALLBACKS") or ()
    return [current_app.config["SECRET_KEY"], *(key for key in fallbacks if key)]


def secret_hash(secret: str, key: str | None = None) -> str:
    """Keyed hash of a link token or a letter code: a copy of the database alone does not
    let anyone try the (short) codes offline. New invitations are always hashed under the
    current SECRET_KEY (`key` is for looking up ones made under an older key)."""
    code = _normal_code(secret)
    value = code if code is not None else secret
    secret_key = key if key is not None else current_app.config["SECRET_KEY"]
    return hmac.new(
        secret_key.encode("utf-8"), b"roster-invitation\x1f" + value.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def revoke_open(entry_id: int, reason: str) -> None:
    db.session.execute(
        update(RosterInvitation)
        .where(
            RosterInvitation.roster_entry_id == entry_id,
            RosterInvitation.used_at.is_(None),
            RosterInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


@dataclass
class Letter:
    entry: RosterEntry
    code: str
    link: str
    qr: str
    expires_at: datetime


def _issue(entry: RosterEntry, channel: str, actor_id: int | None) -> tuple[RosterInvitation, str]:
    revoke_open(entry.id, "resent")
    secret = secrets.token_urlsafe(32) if channel == "email" else new_code()
    invitation = RosterInvitation(
        roster_entry_id=entry.id,
        organization_id=entry.organization_id,
        secret_hash=secret_hash(secret),
        channel=channel,
        expires_at=utcnow() + timedelta(days=VALID_DAYS),
        created_by_id=actor_id,
    )
    db.session.add(invitation)
    return invitation, secret


def _qr_data_uri(link: str) -> str:
    """The link as a QR code (the same library as the certificates and the second-step setup)."""
    image = qrcode.make(link, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def invitable(entry: RosterEntry) -> bool:
    return entry.left_at is None and entry.user_id is None


def send_email_invitation(entry: RosterEntry, *, actor_id: int | None) -> None:
    """A new link by e-mail, in the person's language; older invitations stop working."""
    assert entry.email
    invitation, token = _issue(entry, "email", actor_id)
    link = public_url("roster.accept", secret=token)
    with force_locale(entry.language):
        subject = gettext(
            "WELFARE³: your personal invitation from %(organization)s",
            organization=entry.organization.name,
        )
        body = gettext(
            "Hello %(name)s,\n\n"
            "%(organization)s invites you to WELFARE³, free short courses and calculators "
            "about the household budget, saving and credit, with the help of the Welfare "
            "Manager.\n\n"
            "Open this personal link to create your account; you only choose a password:\n\n"
            "%(link)s\n\n"
            "The link works once and until %(date)s. Do not share it: it is only for you.\n"
            "Questions? Ask at your cooperative's Social point.\n",
            name=entry.full_name.split(" ", 1)[0],
            organization=entry.organization.name,
            link=link,
            date=_date(invitation.expires_at),
        )
    enqueue(entry.email, subject, body)


def _date(moment: datetime) -> str:
    return format_date(moment, "long")


def _record_invites(
    actor_id: int | None, organization_id: int, channel: str, count: int, *, resend: bool = False
) -> None:
    detail = f"organization={organization_id} channel={channel} count={count}"
    audit.record("roster.invite", actor_id=actor_id, detail=detail + (" resend" if resend else ""))


def _without_account(organization_id: int) -> ColumnElement[bool]:
    """On the cooperative's roster now, with no account yet (and not erased)."""
    return and_(
        RosterEntry.organization_id == organization_id,
        RosterEntry.left_at.is_(None),
        RosterEntry.user_id.is_(None),
        RosterEntry.erased_at.is_(None),
    )


def _never_invited(organization_id: int) -> ColumnElement[bool]:
    """Without an account, with an e-mail, and never sent an invitation."""
    return and_(
        _without_account(organization_id),
        RosterEntry.email.is_not(None),
        RosterEntry.id.not_in(select(RosterInvitation.roster_entry_id)),
    )


def invite_by_email(organization: Organization, *, actor_id: int) -> int:
    """E-mail an invitation to everyone of the cooperative with an e-mail who was never invited."""
    entries = db.session.scalars(
        select(RosterEntry).where(_never_invited(organization.id)).order_by(RosterEntry.id)
    ).all()
    for entry in entries:
        send_email_invitation(entry, actor_id=actor_id)
    _record_invites(actor_id, organization.id, "email", len(entries))
    db.session.commit()
    return len(entries)


def letter_candidates(organization: Organization) -> list[RosterEntry]:
    """People without e-mail who have no account yet: they get a printed letter."""
    return list(
        db.session.scalars(
            select(RosterEntry)
            .where(_without_account(organization.id), RosterEntry.email.is_(None))
            .order_by(RosterEntry.site, RosterEntry.full_name)
        )
    )


def make_letters(entries: list[RosterEntry], *, actor_id: int) -> list[Letter]:
    """Fresh codes for printed letters (the codes are shown once: only their hash is kept)."""
    letters = []
    for entry in entries:
        if not invitable(entry):
            continue
        invitation, code = _issue(entry, "letter", actor_id)
        link = public_url("roster.accept", secret=code)
        letters.append(Letter(entry, code, link, _qr_data_uri(link), invitation.expires_at))
    if letters:
        _record_invites(actor_id, entries[0].organization_id, "letter", len(letters))
    db.session.commit()
    return letters


def resend(entry: RosterEntry, *, actor_id: int) -> Letter | None:
    """A new invitation for one person (the old one stops working): by e-mail when there is
    one (None), else a letter to print."""
    if not invitable(entry):
        return None
    if entry.email:
        send_email_invitation(entry, actor_id=actor_id)
        _record_invites(actor_id, entry.organization_id, "email", 1, resend=True)
        db.session.commit()
        return None
    return make_letters([entry], actor_id=actor_id)[0]


def to_resend(organization_ids: list[int]) -> list[tuple[RosterEntry, RosterInvitation]]:
    """People whose latest invitation was not used and has expired or is a week old."""
    latest = (
        select(RosterInvitation.roster_entry_id, func.max(RosterInvitation.id).label("last_id"))
        .group_by(RosterInvitation.roster_entry_id)
        .subquery()
    )
    now = utcnow()
    rows = db.session.execute(
        select(RosterEntry, RosterInvitation)
        .join(latest, latest.c.roster_entry_id == RosterEntry.id)
        .join(RosterInvitation, RosterInvitation.id == latest.c.last_id)
        .where(
            RosterEntry.organization_id.in_(organization_ids),
            RosterEntry.left_at.is_(None),
            RosterEntry.user_id.is_(None),
            RosterEntry.erased_at.is_(None),
            RosterInvitation.used_at.is_(None),
            (RosterInvitation.expires_at <= now)
            | (RosterInvitation.created_at <= now - RESEND_AFTER),
        )
        .order_by(RosterInvitation.created_at, RosterEntry.full_name)
    ).all()
    return [(entry, invitation) for entry, invitation in rows]


def latest_by_entry(entry_ids: list[int]) -> dict[int, RosterInvitation]:
    """The most recent invitation of each entry, for the admin's roster list."""
    if not entry_ids:
        return {}
    latest = (
        select(func.max(RosterInvitation.id))
        .where(RosterInvitation.roster_entry_id.in_(entry_ids))
        .group_by(RosterInvitation.roster_entry_id)
    )
    return {
        invitation.roster_entry_id: invitation
        for invitation in db.session.scalars(
            select(RosterInvitation).where(RosterInvitation.id.in_(latest))
        )
    }


def never_invited_count(organization_id: int) -> int:
    """People with an e-mail, no account and no invitation yet (the e-mail button's count)."""
    return (
        db.session.scalar(select(func.count(RosterEntry.id)).where(_never_invited(organization_id)))
        or 0
    )


# --- using an invitation ----------------------------------------------------------------------


def find(secret: str) -> RosterInvitation | None:
    """The invitation of a link token or letter code, hashed under the current key first, then
    under each fallback key: invitations sent before a key rotation keep working while the old
    key is in SECRET_KEY_FALLBACKS, and stop once it is dropped."""
    if not secret or len(secret) > 100:
        return None
    hashes = [secret_hash(secret, key) for key in _keys()]
    found = {
        invitation.secret_hash: invitation
        for invitation in db.session.scalars(
            select(RosterInvitation).where(RosterInvitation.secret_hash.in_(hashes))
        )
    }
    return next((found[digest] for digest in hashes if digest in found), None)


def check(invitation: RosterInvitation | None) -> RosterInvitation:
    """The invitation if it can still make an account, else InvitationError saying why."""
    if invitation is None:
        raise InvitationError(
            "unknown",
            gettext(
                "This invitation is not valid. Check the link or the code, or ask at your "
                "Social point."
            ),
        )
    entry = invitation.entry
    # The erasure revoked every invitation the entry had then; one the admin issues after it
    # (the person asked to come back) works like any other.
    if invitation.revoked_reason == "erased" or (
        entry.erased_at is not None and invitation.created_at <= entry.erased_at
    ):
        raise InvitationError(
            "erased",
            gettext(
                "The account made with this invitation was erased at its owner's request, so "
                "the invitation cannot be used again. To come back, ask your Social point for "
                "a new invitation."
            ),
        )
    if invitation.used_at is not None or entry.user_id is not None:
        raise InvitationError(
            "used",
            gettext(
                "This invitation has already been used: an account exists. Log in with its "
                "e-mail and password, or choose “Forgot your password?”."
            ),
        )
    if invitation.revoked_reason == "resent":
        raise InvitationError(
            "replaced",
            gettext(
                "A newer invitation replaced this one. Use the latest e-mail or letter you "
                "received, or ask at your Social point."
            ),
        )
    if invitation.revoked_reason == "left" or entry.left_at is not None:
        raise InvitationError(
            "left",
            gettext(
                "Your cooperative's roster no longer lists you, so this invitation does not "
                "work. If this is a mistake, ask at your Social point."
            ),
        )
    if entry.organization_id != invitation.organization_id:
        raise InvitationError(
            "wrong_cooperative",
            gettext(
                "This invitation was made for %(old)s, but the roster now lists you with "
                "%(new)s. Ask %(new)s's Social point for a new invitation.",
                old=db.session.get(Organization, invitation.organization_id).name,
                new=entry.organization.name,
            ),
        )
    if invitation.expires_at <= utcnow():
        raise InvitationError(
            "expired",
            gettext(
                "This invitation expired on %(date)s. Ask at your Social point for a new one.",
                date=_date(invitation.expires_at),
            ),
        )
    return invitation


def accept(secret: str, *, full_name: str, email: str, password: str, language: str) -> User:
    """Create the account from a valid invitation, tied to its cooperative and roster entry.

    The invitation is consumed by one conditional UPDATE in the same transaction as the new
    account: of two uses at once, only one gets an account (the other InvitationError).
    """
    invitation = check(find(secret))
    squatters = unproven_claims(invitation.entry)
    existing = find_user_by_email(email)
    if existing is not None and existing not in squatters:
        raise AccountError(
            "email",
            gettext("This e-mail already has an account. Use another one, or log in with it."),
        )
    password_hash = hash_password(password)
    now = utcnow()
    consumed = db.session.execute(
        update(RosterInvitation)
        .where(
            RosterInvitation.id == invitation.id,
            RosterInvitation.used_at.is_(None),
            RosterInvitation.revoked_at.is_(None),
            RosterInvitation.expires_at > now,
        )
        .values(used_at=now)
    )
    if consumed.rowcount != 1:
        db.session.rollback()
        db.session.expire_all()
        check(find(secret))  # says why (used a moment ago, replaced, ...)
        raise InvitationError("used", gettext("This invitation has already been used."))
    entry = invitation.entry
    for squatter in squatters:
        _remove_unproven_claim(squatter, entry)
    db.session.flush()  # the address is free before the new account takes it
    user = User(
        email=clean_email(email),
        full_name=" ".join(full_name.split()),
        password_hash=password_hash,
        language=supported_language(language),
        organization_id=entry.organization_id,
    )
    user.set_roles({Role.WORKER.value})
    db.session.add(user)
    try:
        db.session.flush()
        claimed = db.session.execute(
            update(RosterEntry)
            .where(RosterEntry.id == entry.id, RosterEntry.user_id.is_(None))
            .values(user_id=user.id, erased_at=None)
        )
        if claimed.rowcount != 1:
            raise InvitationError("used", gettext("This invitation has already been used."))
        audit.record(
            "roster.invitation_used",
            actor_id=user.id,
            subject_user_id=user.id,
            detail=f"invitation={invitation.id} organization={entry.organization_id}",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(
            "email",
            gettext("This e-mail already has an account. Use another one, or log in with it."),
        ) from None
    except InvitationError:
        db.session.rollback()
        raise
    return user


# --- the shared invite code -------------------------------------------------------------------

# What registering with the shared code did (attach_shared_code_account).
OPEN = "open"  # the cooperative has no roster yet: the code works as it always did
CLAIM = "claim"  # the e-mail is on the roster: waiting, and a confirmation link went to it
WAITING = "waiting"  # on no roster entry: waiting for an admin's confirmation


def attach_shared_code_account(user: User, organization: Organization) -> str:
    """A new account made with the shared code (OPEN, CLAIM or WAITING above). No commit.

    Typing an address proves nothing: a stranger who knows the shared code (it hangs on the
    notice board) could type a colleague's work address. So an account is never tied to a
    roster entry here; it waits for confirmation like any other, and when its e-mail is on
    the roster a link goes to that address (claim()): whoever opens it owns the mailbox. The
    entry's own personal invitation keeps working meanwhile, and wins if used (accept()).

    A cooperative without a roster yet has nothing to check against: its shared code works as
    it always did, rather than holding every new worker until payroll sends a file (the first
    import checks those accounts: elearn.roster.services.check_existing_accounts).
    """
    has_roster = db.session.scalar(
        select(RosterEntry.id).where(RosterEntry.organization_id == organization.id).limit(1)
    )
    if has_roster is None:
        return OPEN
    db.session.add(RegistrationReview(user_id=user.id, organization_id=organization.id))
    entry = claimable_entry(user)
    if entry is None:
        return WAITING
    send_claim_link(user, entry, waiting=True)
    return CLAIM


def claimable_entry(user: User) -> RosterEntry | None:
    """The roster entry of the account's cooperative with the account's e-mail, on the roster
    now and with no account."""
    if user.organization_id is None:
        return None
    return db.session.scalar(
        select(RosterEntry).where(
            RosterEntry.email == user.email,
            RosterEntry.organization_id == user.organization_id,
            RosterEntry.left_at.is_(None),
            RosterEntry.user_id.is_(None),
        )
    )


def unproven_claims(entry: RosterEntry) -> list[User]:
    """Accounts of the entry's cooperative waiting for confirmation that took the entry's
    roster e-mail after it was on the roster, without proving the mailbox: a personal
    invitation for the entry removes them.

    An account made before the address was on the roster (a registration held at the
    cooperative's first import, or before a later file added the address) is the person's own
    as likely as not, with their learning in it: it is never removed here. It keeps waiting for
    the admin, and its maker can confirm it with the link mailed to the address.
    """
    if not entry.email:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(RegistrationReview, RegistrationReview.user_id == User.id)
            .where(
                User.email == entry.email,
                RegistrationReview.organization_id == entry.organization_id,
                User.created_at >= entry.updated_at,  # after the address was last set
            )
        )
    )


def _remove_unproven_claim(user: User, entry: RosterEntry) -> None:
    """The entry's personal invitation was used: an unconfirmed account that only typed the
    entry's address is erased like a rejected one (it never gets the entry). If its maker was
    the person themself, they lose nothing a waiting account can hold beyond course progress,
    and they now have the account the invitation made."""
    db.session.execute(delete(RegistrationReview).where(RegistrationReview.user_id == user.id))
    erase_personal_data(user)
    audit.record(
        "roster.claim_superseded",
        actor_id=None,
        subject_user_id=user.id,
        detail=f"organization={entry.organization_id} entry={entry.id}",
    )


def _claim_serializer() -> URLSafeTimedSerializer:
    # itsdangerous takes the keys oldest first and signs with the last one.
    return URLSafeTimedSerializer(list(reversed(_keys())), salt="roster-claim")


def send_claim_link(user: User, entry: RosterEntry, *, waiting: bool) -> None:
    """Mail the entry's roster address a link that ties the account to the entry (claim()).
    The link is signed, names the account, the entry and the address, and works once (the
    entry then has an account) until VALID_DAYS from now. No commit."""
    assert entry.email
    token = _claim_serializer().dumps({"u": user.id, "e": entry.id, "m": entry.email})
    link = public_url("roster.claim", claim_token=token)
    with force_locale(user.language):
        subject = gettext("WELFARE³: confirm that this e-mail address is yours")
        body = gettext(
            "Hello %(name)s,\n\n"
            "a WELFARE³ account with %(organization)s uses this e-mail address, which is on "
            "the cooperative's list of workers. Open this link to confirm that the address is "
            "yours (it works until %(date)s):\n\n%(link)s\n\n",
            name=user.first_name,
            organization=entry.organization.name,
            date=_date(utcnow() + timedelta(days=VALID_DAYS)),
            link=link,
        )
        if waiting:
            body += gettext(
                "Until then you can read the courses and use the calculators; the "
                "cooperative's other pages open once the address is confirmed.\n"
            )
        body += gettext(
            "If you did not make this account, do not open the link and tell your Social "
            "point: someone typed your address. A personal invitation you received keeps "
            "working.\n"
        )
    enqueue(entry.email, subject, body)


def _claim_refused() -> InvitationError:
    return InvitationError(
        "claim",
        gettext(
            "This confirmation link does not work any more: it expired, it was used already, "
            "or the roster changed. Log in: if your account still waits, your cooperative "
            "will confirm it, or ask at your Social point."
        ),
    )


def check_claim(token: str) -> tuple[User, RosterEntry]:
    """The account and the roster entry of a confirmation link, if it can still tie them."""
    if not token or len(token) > 400:
        raise _claim_refused()
    try:
        data = _claim_serializer().loads(token, max_age=VALID_DAYS * 24 * 3600)
        user_id, entry_id, address = int(data["u"]), int(data["e"]), str(data["m"])
    except (BadData, KeyError, TypeError, ValueError):  # BadData: forged, expired, undecodable
        raise _claim_refused() from None
    if not (0 < user_id < 2**31 and 0 < entry_id < 2**31):  # ids the database can hold
        raise _claim_refused()
    user = db.session.get(User, user_id)
    entry = db.session.get(RosterEntry, entry_id)
    if (
        user is None
        or entry is None
        or not user.active
        or user.email != address
        or entry.email != address
        or entry.organization_id != user.organization_id
        or entry.left_at is not None
        or entry.user_id is not None
        or db.session.scalar(select(RosterEntry.id).where(RosterEntry.user_id == user.id))
    ):
        raise _claim_refused()
    return user, entry


def claim(token: str) -> User:
    """Tie the account to its roster entry: the link reached the roster address, which proves
    the mailbox. A waiting account is confirmed by it; the entry's open invitations stop."""
    user, entry = check_claim(token)
    tied = db.session.execute(
        update(RosterEntry)
        .where(RosterEntry.id == entry.id, RosterEntry.user_id.is_(None))
        .values(user_id=user.id, erased_at=None)
    )
    if tied.rowcount != 1:
        db.session.rollback()
        raise _claim_refused()
    revoke_open(entry.id, "resent")
    db.session.execute(delete(RegistrationReview).where(RegistrationReview.user_id == user.id))
    audit.record(
        "roster.address_confirmed",
        actor_id=user.id,
        subject_user_id=user.id,
        detail=f"organization={entry.organization_id} entry={entry.id}",
    )
    db.session.commit()
    return user
