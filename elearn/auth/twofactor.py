"""Second login step with a time-based one-time code (TOTP, RFC 6238) for admins and managers."""

from __future__ import annotations

import base64
import io
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from flask_babel import force_locale, gettext

from elearn import audit
from elearn.extensions import db
from elearn.models import User
from elearn.outbox.services import enqueue

ISSUER = "WELFARE3"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an inline PNG (CSP allows data: images, not inline SVG styles)."""
    image = qrcode.make(uri, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _matching_step(secret: str, code: str) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(datetime.now())
    for step in (now_step - 1, now_step, now_step + 1):  # one step of clock drift either way
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def verify(user: User, code: str) -> bool:
    """Check a code for an enrolled user; each code (time step) works only once."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    db.session.commit()
    return True


def enrol(user: User, secret: str, code: str) -> bool:
    """Save the first authenticator after a right code; the person is told by e-mail.

    The password alone allows this first enrolment (there is no other factor yet): the e-mail
    lets a person who did not do it react (docs/operator.md, 5.1). Like any change of second
    factor it ends the person's other sessions (models.users).
    """
    step = _matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    audit.record("user.second_factor_enrolled", actor_id=user.id, subject_user_id=user.id)
    _notify(user, enrolled=True)
    db.session.commit()
    return True


def reset(user: User, *, actor_id: int | None) -> bool:
    """Remove the person's authenticator (lost phone): at the next login, after the password,
    they enrol a new one. Ends every session of theirs; they are told by e-mail.

    False when there was nothing to reset. `actor_id` None: from the command line.
    """
    if not user.totp_secret:
        return False
    user.totp_secret = None
    user.totp_last_step = None
    audit.record("user.second_factor_reset", actor_id=actor_id, subject_user_id=user.id)
    _notify(user, enrolled=False)
    db.session.commit()
    return True


def _notify(user: User, *, enrolled: bool) -> None:
    with force_locale(user.language):
        if enrolled:
            subject = gettext("WELFARE³: an authenticator app was added to your account")
            what = gettext(
                "an authenticator app was added to your WELFARE³ account as the second login "
                "step. From now on, after your password, the site asks for the 6-digit code "
                "the app shows."
            )
        else:
            subject = gettext("WELFARE³: the authenticator app was removed from your account")
            what = gettext(
                "an administrator removed the authenticator app from your WELFARE³ account, "
                "and every device where you were logged in has been logged out. At your next "
                "login, after your password, you will add an authenticator app again."
            )
        body = gettext(
            "Hello %(name)s,\n\n%(what)s\n\n"
            "If you did not ask for this, someone may know your password: choose a new one "
            'at once with "Forgot your password?" on the login page, and tell your '
            "administrator.\n",
            name=user.first_name,
            what=what,
        )
    enqueue(user.email, subject, body)
