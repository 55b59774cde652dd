"""Second login step with a time-based one-time code (TOTP, RFC 6238) for admins and managers."""

from __future__ import annotations

import base64
import io
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg

from elearn.extensions import db
from elearn.models import User

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
    step = _matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    db.session.commit()
    return True
