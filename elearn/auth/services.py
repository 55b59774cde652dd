"""Account logic: registration, authentication and password reset (no request objects)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from elearn.auth import throttle
from elearn.extensions import db
from elearn.i18n import supported_language
from elearn.models import Organization, PasswordResetToken, Role, User
from elearn.models.base import utcnow
from elearn.outbox.services import enqueue
from elearn.urls import public_url

# Checked when the e-mail is unknown, so a missing account takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


class AccountError(Exception):
    """A problem with the data a person typed, tied to a form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def organization_for_invite(code: str) -> Organization | None:
    cleaned = code.strip().upper()
    if not cleaned:
        return None
    return db.session.scalar(
        select(Organization).where(func.upper(Organization.invite_code) == cleaned)
    )


def register_worker(
    *, invite_code: str, full_name: str, email: str, password: str, language: str
) -> User | None:
    """Create a worker's account and welcome them by e-mail; when the address already has an
    account, create nothing and tell its owner by e-mail instead (None).

    Both ways do the same work (a password hash, one e-mail queued) and the caller answers
    the same way, so the form does not reveal who has an account (account enumeration).
    """
    organization = organization_for_invite(invite_code)
    if organization is None:
        # roster builds on auth (passwords, accounts): auth reaches it only from registration.
        from elearn.roster.invitations import find as find_invitation  # noqa: PLC0415

        if find_invitation(invite_code) is not None:
            raise AccountError(
                "invite_code",
                gettext(
                    "This is a personal invitation code: enter it under “I have a letter "
                    "with a personal code”."
                ),
            )
        raise AccountError(
            "invite_code",
            gettext("This invite code is not valid. Check it or ask at your Social point."),
        )
    if not organization.shared_code_enabled:
        raise AccountError(
            "invite_code",
            gettext(
                "%(organization)s now invites each worker personally: use the link in your "
                "invitation e-mail or the code on your letter, or ask at your Social point.",
                organization=organization.name,
            ),
        )
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is None:
        user = User(
            email=normalise_email(email),
            full_name=full_name.strip(),
            password_hash=password_hash,
            language=supported_language(language),
            organization=organization,
        )
        user.set_roles({Role.WORKER.value})
        db.session.add(user)
        try:
            db.session.flush()
            from elearn.roster import invitations  # noqa: PLC0415

            # Waiting for confirmation once the cooperative has a roster; when the e-mail is
            # on it, the roster's confirmation link (sent to that address) is the welcome.
            state = invitations.attach_shared_code_account(user, organization)
            if state != invitations.CLAIM:
                _enqueue_welcome(user, organization, waiting=state == invitations.WAITING)
            db.session.commit()
        except IntegrityError:
            # The same address registered a moment ago by another request.
            db.session.rollback()
            existing = find_user_by_email(email)
            if existing is None:
                raise
        else:
            return user
    _enqueue_registration_attempt(existing)
    db.session.commit()
    return None


def _enqueue_welcome(user: User, organization: Organization, *, waiting: bool = False) -> None:
    with force_locale(user.language):
        subject = gettext("WELFARE³: your account is ready")
        body = gettext(
            "Hello %(name)s,\n\n"
            "your WELFARE³ account with %(organization)s is ready. Log in with this e-mail "
            "address and the password you chose.\n\n"
            "If you did not create this account, tell your Social point: someone used your "
            "address.\n",
            name=user.first_name,
            organization=organization.name,
        )
        if waiting:
            body += "\n" + gettext(
                "This e-mail is not on the cooperative's list of workers, so the cooperative "
                "will confirm your account (usually within a working day). Until then you can "
                "read the courses and use the calculators.\n"
            )
    enqueue(user.email, subject, body)


def _enqueue_registration_attempt(owner: User) -> None:
    """Tell the owner of an address that someone tried to register with it."""
    with force_locale(owner.language):
        subject = gettext("WELFARE³: someone tried to register with your e-mail")
        body = gettext(
            "Hello %(name)s,\n\n"
            "someone tried to create a new WELFARE³ account with this e-mail address, which "
            "already has an account. Nothing has changed on your account.\n\n"
            "If it was you: log in with your password, or choose “Forgot your password?” "
            "on the log-in page to choose a new one.\n"
            "If it was not you, you can ignore this e-mail.\n",
            name=owner.first_name,
        )
    enqueue(owner.email, subject, body)


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def request_password_reset(email: str, *, valid_hours: int) -> None:
    """Queue a reset e-mail if the account exists; say nothing either way.

    The link comes from PUBLIC_BASE_URL (elearn.urls), never from the request's host: whoever
    could choose the host of this link would receive the token and log in as the person.
    An unknown address goes through the same steps (token, its hash, the link, the message,
    the commit) with nothing stored at the end, so the time of the answer tells nothing.
    """
    user = find_user_by_email(email)
    recipient = user if user is not None and user.active else None
    token = secrets.token_urlsafe(32)
    token_hash = _token_hash(token)
    link = public_url("auth.reset_password", token=token)
    with force_locale(recipient.language if recipient else "it"):
        subject = gettext("WELFARE³: reset your password")
        body = gettext(
            "Hello %(name)s,\n\n"
            "someone (hopefully you) asked to reset the password of your WELFARE³ account.\n"
            "Open this link within %(hours)d hour(s) to choose a new password:\n\n%(link)s\n\n"
            "The link works only once. If you did not ask for it, ignore this e-mail: "
            "your password stays the same.\n",
            name=recipient.first_name if recipient else "",
            hours=valid_hours,
            link=link,
        )
    if recipient is not None:
        db.session.add(
            PasswordResetToken(
                user_id=recipient.id,
                token_hash=token_hash,
                expires_at=utcnow() + timedelta(hours=valid_hours),
            )
        )
        enqueue(recipient.email, subject, body)
    db.session.commit()


def valid_reset_token(token: str) -> PasswordResetToken | None:
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def reset_password(token: str, new_password: str) -> User | None:
    row = valid_reset_token(token)
    if row is None:
        return None
    # Consume the token atomically: of two concurrent uses only one succeeds.
    consumed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if consumed.rowcount != 1:
        db.session.rollback()
        return None
    user = row.user
    # Every session ends (models.users: a password change does): the link may have been stolen.
    user.password_hash = hash_password(new_password)
    # Whoever proved they own the mailbox gets their account back at once.
    throttle.clear_account(user.email)
    throttle.clear_account(f"code:{user.id}")
    db.session.commit()
    return user


def change_password(user: User, current: str, new_password: str) -> bool:
    if not check_password_hash(user.password_hash, current):
        return False
    user.password_hash = hash_password(new_password)
    db.session.commit()
    return True
