"""Routes of the roster: imports and invitations (admins), accepting an invitation (the
invited person), the waiting page (shared-code accounts) and reach (welfare managers)."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, gettext, ngettext, to_user_timezone
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from elearn.auth import throttle
from elearn.auth.services import AccountError
from elearn.extensions import db, limiter
from elearn.models import Organization, RegistrationReview, RosterEntry
from elearn.models.base import utcnow
from elearn.outbox.services import deliver_after_response, deliver_inline_if_configured
from elearn.roster import confirmations, invitations, payroll_file, reach, services
from elearn.roster.forms import (
    AcceptInvitationForm,
    ConfirmAccountForm,
    ImportForm,
    InvitationCodeForm,
)
from elearn.security import login_required, role_required
from elearn.urls import public_url

bp = Blueprint("roster", __name__)


@bp.app_template_filter("local_date")
def local_date(moment: datetime) -> date:
    """The day of `moment` where people live (for "until 2 January"; the hour adds nothing)."""
    return to_user_timezone(moment).date()


def _get_or_404(model: type, object_id: int) -> object:
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def _checked_post() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


# --- admins: the roster, imports, invitations -------------------------------------------------


@bp.get("/admin/personale")
@role_required("admin")
def overview() -> str:
    return render_template(
        "roster/overview.html",
        summary=_summary(),
        reviews=db.session.scalar(select(db.func.count()).select_from(RegistrationReview)),
        action_form=FlaskForm(),
    )


def _summary() -> list[tuple[Organization, dict[str, int]]]:
    """True counts for the admin, who sees the roster itself one person at a time."""
    result = []
    for organization in _organizations():
        entries = db.session.scalars(
            select(RosterEntry).where(RosterEntry.organization_id == organization.id)
        ).all()
        current = [entry for entry in entries if entry.left_at is None]
        result.append(
            (
                organization,
                {
                    "current": len(current),
                    "left": len(entries) - len(current),
                    "accounts": sum(1 for entry in current if entry.user_id),
                    "letters": sum(1 for entry in current if not entry.email and not entry.user_id),
                },
            )
        )
    return result


@bp.route("/admin/personale/importa", methods=["GET", "POST"])
@role_required("admin")
def import_file() -> str | Response | tuple[str, int]:
    form = ImportForm()
    form.organization_id.choices = [(org.id, org.name) for org in _organizations()]
    if request.method == "GET" and request.args.get("org", type=int):
        form.organization_id.data = request.args.get("org", type=int)
    if form.validate_on_submit():
        organization = _get_or_404(Organization, form.organization_id.data)
        raw = form.file.data.read(payroll_file.MAX_FILE_BYTES + 1)
        try:
            _row, token, _plan = services.preview_import(
                organization,  # type: ignore[arg-type]
                raw,
                file_name=form.file.data.filename or "",
                actor_id=current_user.id,
            )
        except payroll_file.RosterFileError as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            return redirect(url_for("roster.preview", import_token=token))
    return render_template("roster/import.html", form=form), (422 if form.errors else 200)


@bp.get("/admin/personale/importa/<import_token>")
@role_required("admin")
def preview(import_token: str) -> str | tuple[str, int]:
    row = services.find_import(import_token)
    if row is None:
        abort(404)
    if row.applied_at is not None or not row.plan:
        return render_template("roster/preview_done.html", row=row), 410
    current = services.current_count(row.organization_id)
    return render_template(
        "roster/preview.html",
        row=row,
        plan=services.Plan.from_json(row.plan),
        token=import_token,
        form=FlaskForm(),
        current_count=current,
        # A partial file (one site only, a wrong export) would mark many people as left.
        many_leaving=row.left >= 5 and row.left * 4 >= current,
        change_labels=services.CHANGE_LABELS,
    )


@bp.post("/admin/personale/importa/<import_token>/conferma")
@role_required("admin")
def confirm_import(import_token: str) -> Response | tuple[str, int]:
    row = services.find_import(import_token)
    if row is None:
        abort(404)
    _checked_post()
    try:
        plan = services.apply_import(
            row, actor_id=current_user.id, remote_addr=request.remote_addr or ""
        )
    except services.StalePreview:
        flash(
            gettext(
                "The roster changed since this preview (or it was already applied): nothing "
                "was changed. Upload the file again to see a new preview."
            ),
            "error",
        )
        return redirect(url_for("roster.import_file", org=row.organization_id))
    flash(
        gettext(
            "Roster updated: %(added)d added, %(updated)d updated, %(left)d marked as left.",
            added=row.added,
            updated=row.updated,
            left=row.left,
        ),
        "success",
    )
    if plan.held:
        flash(
            ngettext(
                "%(num)d account made with the shared invite code before this first roster "
                "now waits for your confirmation (see Accounts to confirm).",
                "%(num)d accounts made with the shared invite code before this first roster "
                "now wait for your confirmation (see Accounts to confirm).",
                plan.held,
            ),
            "info",
        )
    if plan.asked:
        deliver_after_response()
    return redirect(url_for("roster.cooperative", organization_id=row.organization_id))


@bp.get("/admin/personale/<int:organization_id>")
@role_required("admin")
def cooperative(organization_id: int) -> str:
    organization = _get_or_404(Organization, organization_id)
    entries = db.session.scalars(
        select(RosterEntry)
        .where(RosterEntry.organization_id == organization_id)
        .order_by(RosterEntry.left_at.is_not(None), RosterEntry.site, RosterEntry.full_name)
    ).all()
    latest = invitations.latest_by_entry([entry.id for entry in entries])
    return render_template(
        "roster/cooperative.html",
        organization=organization,
        entries=entries,
        latest=latest,
        resend=invitations.to_resend([organization_id]),
        never_invited=invitations.never_invited_count(organization_id),
        letters=invitations.letter_candidates(organization),  # type: ignore[arg-type]
        action_form=FlaskForm(),
        now=utcnow(),
    )


@bp.post("/admin/personale/<int:organization_id>/invita")
@role_required("admin")
def invite(organization_id: int) -> Response:
    organization = _get_or_404(Organization, organization_id)
    _checked_post()
    sent = invitations.invite_by_email(organization, actor_id=current_user.id)  # type: ignore[arg-type]
    deliver_inline_if_configured()
    flash(
        ngettext("%(num)d invitation e-mailed.", "%(num)d invitations e-mailed.", sent), "success"
    )
    return redirect(url_for("roster.cooperative", organization_id=organization_id))


@bp.post("/admin/personale/<int:organization_id>/lettere")
@role_required("admin")
def letters(organization_id: int) -> str | Response:
    organization = _get_or_404(Organization, organization_id)
    _checked_post()
    made = invitations.make_letters(
        invitations.letter_candidates(organization),  # type: ignore[arg-type]
        actor_id=current_user.id,
    )
    if not made:
        flash(gettext("Everyone without e-mail already has an account."), "info")
        return redirect(url_for("roster.cooperative", organization_id=organization_id))
    return _letters_page(made, organization)  # type: ignore[arg-type]


def _letters_page(letters: list[invitations.Letter], organization: Organization) -> str:
    """Each letter in its reader's language, on one page to print; the codes are shown only
    here, once (only their hashes are kept)."""
    parts = []
    for letter in letters:
        with force_locale(letter.entry.language):
            # The partial is a Jinja template rendered with autoescaping: already safe HTML.
            parts.append(
                Markup(  # noqa: S704  # nosec B704
                    render_template(
                        "roster/_letter.html",
                        letter=letter,
                        organization=organization,
                        code_address=public_url("roster.code_entry"),
                    )
                )
            )
    return render_template(
        "roster/letters.html", letters=letters, letter_html=parts, organization=organization
    )


@bp.post("/admin/personale/persone/<int:entry_id>/reinvia")
@role_required("admin")
def resend(entry_id: int) -> str | Response:
    entry = _get_or_404(RosterEntry, entry_id)
    _checked_post()
    if not invitations.invitable(entry):  # type: ignore[arg-type]
        flash(gettext("This person has an account already or has left."), "info")
        return redirect(url_for("roster.cooperative", organization_id=entry.organization_id))  # type: ignore[attr-defined]
    letter = invitations.resend(entry, actor_id=current_user.id)  # type: ignore[arg-type]
    if letter is not None:
        return _letters_page([letter], letter.entry.organization)
    deliver_inline_if_configured()
    flash(gettext("A new invitation was e-mailed; the old link no longer works."), "success")
    return redirect(url_for("roster.cooperative", organization_id=entry.organization_id))  # type: ignore[attr-defined]


@bp.post("/admin/personale/<int:organization_id>/codice-comune")
@role_required("admin")
def shared_code(organization_id: int) -> Response:
    organization = _get_or_404(Organization, organization_id)
    _checked_post()
    enabled = request.form.get("enabled") == "1"
    confirmations.set_shared_code(organization, enabled, actor_id=current_user.id)  # type: ignore[arg-type]
    flash(
        gettext("The shared invite code works again.")
        if enabled
        else gettext("The shared invite code is off: only personal invitations work now."),
        "success",
    )
    return redirect(url_for("roster.cooperative", organization_id=organization_id))


@bp.get("/admin/personale/in-attesa")
@role_required("admin")
def reviews() -> str:
    pending = confirmations.pending_reviews()
    return render_template(
        "roster/reviews.html",
        reviews=pending,
        # Waiting accounts whose address is on the roster: their link is the proof, not a click.
        roster_emails=confirmations.roster_emails([review.user for review, _ in pending]),
        form=ConfirmAccountForm(),
    )


@bp.post("/admin/personale/in-attesa/<int:user_id>/conferma")
@role_required("admin")
def confirm_account(user_id: int) -> Response:
    return _decide(user_id, "confirm")


@bp.post("/admin/personale/in-attesa/<int:user_id>/respingi")
@role_required("admin")
def reject_account(user_id: int) -> Response:
    return _decide(user_id, "reject")


def _decide(user_id: int, decision: str) -> Response:
    review = db.session.get(RegistrationReview, user_id)
    form = ConfirmAccountForm()
    if not form.validate_on_submit():
        abort(400)
    if review is None:
        flash(gettext("This account was already decided."), "info")
        return redirect(url_for("roster.reviews"))
    name = review.user.full_name
    if decision == "confirm":
        confirmations.confirm(review, entry_id=form.entry_id.data, actor_id=current_user.id)
        flash(gettext("%(name)s is confirmed.", name=name), "success")
    else:
        confirmations.reject(review, actor_id=current_user.id)
        flash(gettext("%(name)s's account was removed.", name=name), "success")
    deliver_inline_if_configured()
    return redirect(url_for("roster.reviews"))


# --- the invited person -----------------------------------------------------------------------


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _refused(error: invitations.InvitationError) -> tuple[str, int]:
    status = 404 if error.reason == "unknown" else 410
    return render_template("roster/invitation_refused.html", error=error), status


@bp.route("/invito", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def code_entry() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = InvitationCodeForm()
    if form.validate_on_submit():
        attempt = throttle.Attempt({throttle.ADDRESS: throttle.client_address()})
        if attempt.check():
            form.code.errors.append(
                gettext("Too many wrong codes from this connection. Please try again later.")
            )
            return render_template("roster/code.html", form=form), 429
        try:
            invitations.check(invitations.find(form.code.data))
        except invitations.InvitationError as error:
            if error.reason == "unknown":
                attempt.failed()
            form.code.errors.append(error.message)
        else:
            attempt.succeeded(clear=())
            return redirect(
                url_for("roster.accept", secret=invitations.printed_form(form.code.data))
            )
    return render_template("roster/code.html", form=form), (422 if form.errors else 200)


def _too_many_codes() -> Response:
    """The code page with the reason, as 429: the connection guessed too many codes."""
    form = InvitationCodeForm(formdata=None)
    form.code.errors = [
        gettext("Too many wrong codes from this connection. Please try again later.")
    ]
    response = current_app.make_response((render_template("roster/code.html", form=form), 429))
    response.headers["Retry-After"] = str(current_app.config["LOGIN_THROTTLE_MINUTES"] * 60)
    return response


@bp.route("/invito/<secret>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def accept(secret: str) -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    # A link address is one more way of presenting a letter code: the same throttle as the
    # code page and the registration page (unknown codes count, per connection).
    attempt = throttle.Attempt({throttle.ADDRESS: throttle.client_address()})
    if attempt.check():
        return _too_many_codes()
    try:
        invitation = invitations.check(invitations.find(secret))
    except invitations.InvitationError as error:
        if error.reason == "unknown":
            attempt.failed()
        else:
            attempt.succeeded(clear=())
        return _refused(error)
    attempt.succeeded(clear=())
    entry = invitation.entry
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.full_name.data = entry.full_name
        form.email.data = entry.email or ""
        form.language.data = entry.language
    if form.validate_on_submit():
        try:
            invitations.accept(
                secret,
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
                language=form.language.data,
            )
        except invitations.InvitationError as error:
            return _refused(error)
        except AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            deliver_after_response()
            flash(
                gettext("Welcome! Your account is ready: log in with your e-mail and password."),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("roster/accept.html", form=form, entry=entry, invitation=invitation), (
        422 if form.errors else 200
    )


@bp.route("/conferma-indirizzo/<claim_token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def claim(claim_token: str) -> str | Response | tuple[str, int]:
    """The link mailed to a roster address (invitations.send_claim_link): a page with one
    button (mail scanners open links; only a person presses the button), which ties the
    account to its roster entry.

    The button works only for the person logged in to that very account: the link proves the
    mailbox, the login proves the account was made by whoever holds the mailbox. Otherwise a
    co-worker whose address a stranger typed could be talked into "confirming that the
    address is theirs" and hand the stranger's account their place on the roster.
    """
    try:
        user, entry = invitations.check_claim(claim_token)
    except invitations.InvitationError as error:
        return render_template("roster/claim_refused.html", error=error), 410
    if not current_user.is_authenticated or current_user.id != user.id:
        return render_template(
            "roster/claim.html",
            form=None,
            entry=entry,
            other_account=current_user.is_authenticated,
            login_url=url_for("auth.login", next=request.path),
        ), (400 if request.method == "POST" else 200)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            invitations.claim(claim_token)
        except invitations.InvitationError as error:
            return render_template("roster/claim_refused.html", error=error), 410
        flash(
            gettext(
                "Thank you: the address is confirmed and every page of %(organization)s is "
                "open to you.",
                organization=entry.organization.name,
            ),
            "success",
        )
        return redirect(url_for("core.home" if current_user.is_authenticated else "auth.login"))
    return render_template("roster/claim.html", form=form, entry=entry), (
        400 if request.method == "POST" else 200
    )


# --- shared-code accounts waiting for confirmation ---------------------------------------------

# What a person waiting for confirmation may use: what is open to everybody (the course list,
# simulators, glossary), their own privacy rights and account, and this page. What belongs to
# the cooperative (Welfare Manager, Welfare days, labs, its resources, progress counted in its
# figures) waits until the cooperative confirms they work there.
_OPEN_WHILE_WAITING = {
    "static",
    "core.set_language",
    "core.profile",
    "core.theme_css",
    "core.health",
    "learning.catalogue",
    "learning.course",
    "learning.media",
    "learning.verify",
    "glossary.glossary",
    "roster.waiting",
    "roster.claim",
}
_OPEN_PREFIXES = ("auth.", "privacy.", "simulate.")


_CONFIRMED = "roster_confirmed"


def open_while_waiting(endpoint: str) -> bool:
    """Whether a page is open to a person waiting for confirmation (the menu shows only these)."""
    return endpoint in _OPEN_WHILE_WAITING or endpoint.startswith(_OPEN_PREFIXES)


def waiting_for_confirmation() -> bool:
    """Whether the signed-in person is a worker whose shared-code account waits for confirmation."""
    if (
        not current_user.is_authenticated
        or session.get(_CONFIRMED) == current_user.id
        or not current_user.has_role("worker")
        or current_user.has_role("trainer", "manager", "admin")
    ):
        return False
    if confirmations.waiting(current_user.id) is None:
        # Confirmation is never undone: no need to ask the database again during this login.
        session[_CONFIRMED] = current_user.id
        return False
    return True


@bp.before_app_request
def _hold_unconfirmed() -> Response | None:
    if open_while_waiting(request.endpoint or "") or not waiting_for_confirmation():
        return None
    return redirect(url_for("roster.waiting"))


@bp.get("/in-attesa")
@login_required
def waiting() -> str | Response:
    review = confirmations.waiting(current_user.id)
    if review is None:
        return redirect(url_for("core.home"))
    return render_template(
        "roster/waiting.html",
        review=review,
        on_roster=invitations.claimable_entry(current_user) is not None,
    )


# --- welfare managers: reach against the roster -------------------------------------------------


@bp.get("/report/personale")
@role_required("manager")
def reach_page() -> str:
    org_ids = [org.id for org in current_user.managed_organizations]
    if not org_ids:
        abort(403)
    return render_template(
        "roster/reach.html",
        cooperatives=reach.reach(org_ids, no_site=gettext("No site given")),
        active_days=reach.ACTIVE_DAYS,
    )
