"""Routes of the co-production labs: workers write, support and vote; the manager facilitates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.form_errors import show_on_form
from elearn.forms import ActionForm, choices
from elearn.labs import services
from elearn.labs.forms import (
    CardForm,
    HideForm,
    LabForm,
    MergeForm,
    OutcomeForm,
    PaperCardForm,
    SupportForm,
)
from elearn.models import Lab, LabCard
from elearn.models.labs import MAX_DOTS_PER_CARD
from elearn.security import role_required

bp = Blueprint("labs", __name__, url_prefix="/laboratori")

worker_only = role_required("worker")
manager_only = role_required("manager")
worker_or_manager = role_required("worker", "manager")


def _participant_lab_or_404(lab_id: int) -> Lab:
    found = services.lab_for_participant(current_user, lab_id)
    if found is None:
        abort(404)
    return found


def _facilitated_lab_or_404(lab_id: int) -> Lab:
    found = services.lab_for_facilitator(current_user, lab_id)
    if found is None:
        abort(404)
    return found


def _viewed_lab_or_404(lab_id: int) -> Lab:
    found = services.lab_for_viewer(current_user, lab_id)
    if found is None:
        abort(404)
    return found


def _card_or_404(lab: Lab, card_id: int) -> LabCard:
    found = services.card_in_lab(lab, card_id)
    if found is None:
        abort(404)
    return found


def _checked(form: ActionForm | SupportForm | None = None) -> None:
    if not (form or ActionForm()).validate_on_submit():
        abort(400)


def _remote() -> str:
    return request.remote_addr or ""


def _labels() -> dict[str, object]:
    return {
        "kinds": services.KIND_SHORT,
        "kind_labels": services.KIND_LABELS,
        "topics": services.TOPIC_LABELS,
        "phase_labels": services.PHASE_LABELS,
        "outcome_labels": services.OUTCOME_LABELS,
    }


@bp.get("/")
@worker_or_manager
def index() -> str:
    if current_user.has_role("manager"):
        labs = services.labs_for_manager(current_user)
    else:
        labs = services.labs_for_worker(current_user)
    return render_template(
        "labs/index.html",
        labs=[(lab, services.phase_of(lab)) for lab in labs],
        can_open=current_user.has_role("manager"),
        **_labels(),
    )


@bp.route("/nuovo", methods=["GET", "POST"])
@manager_only
def new_lab() -> str | Response | tuple[str, int]:
    form = LabForm()
    form.organizations.choices = choices(
        [(org.id, org.name) for org in current_user.managed_organizations]
    )
    if request.method == "GET" and len(current_user.managed_organizations) == 1:
        form.organizations.data = [current_user.managed_organizations[0].id]
    if form.validate_on_submit():
        try:
            lab = services.create_lab(
                current_user,
                title=form.title.data,
                question=form.question.data,
                organization_ids=list(form.organizations.data or []),
                collect_from=form.collect_from.data,
                merge_from=form.merge_from.data,
                vote_from=form.vote_from.data,
                outcome_from=form.outcome_from.data,
                dots_per_person=form.dots_per_person.data,
                remote_addr=_remote(),
            )
        except services.LabError as error:
            show_on_form(form, error, "title")
        else:
            flash(gettext("The lab is open."), "success")
            return redirect(url_for("labs.facilitate", lab_id=lab.id))
    status = 422 if form.errors else 200
    return render_template("labs/new_lab.html", form=form), status


def _lab_page(lab: Lab, card_form: CardForm | None = None, status: int = 200) -> tuple[str, int]:
    kind = request.args.get("tipo", "")
    participant = services.is_participant(current_user, lab)
    return render_template(
        "labs/lab.html",
        lab=lab,
        phase=services.phase_of(lab),
        phases=services.phase_summary(lab),
        participant=participant,
        facilitator=services.is_facilitator(current_user, lab),
        card_form=card_form or CardForm(formdata=None),
        cards=services.board(lab, current_user, kind),
        kind_filter=kind if kind in ("need", "resource") else "",
        own=services.own_cards(lab, current_user) if participant else [],
        dots_used=sum(services.my_dots(lab, current_user).values()) if participant else 0,
        support_form=SupportForm(formdata=None),
        **_labels(),
    ), status


@bp.get("/<int:lab_id>")
@worker_or_manager
def lab(lab_id: int) -> tuple[str, int]:
    return _lab_page(_viewed_lab_or_404(lab_id))


@bp.post("/<int:lab_id>/schede")
@worker_only
def add_card(lab_id: int) -> str | Response | tuple[str, int]:
    lab = _participant_lab_or_404(lab_id)
    form = CardForm()
    if not form.validate_on_submit():
        return _lab_page(lab, form, 422)
    confirmed = form.confirmed.data or ""
    similar = [] if confirmed else services.similar_cards(lab, form.text.data)
    warnings = [
        code
        for code in services.personal_details(form.text.data)
        if code not in services.BLOCKING_DETAILS and confirmed != "all"
    ]
    blocking = [
        code
        for code in services.personal_details(form.text.data)
        if code in services.BLOCKING_DETAILS
    ]
    if (similar or warnings) and not blocking:
        form.confirmed.data = "all"
        return render_template(
            "labs/confirm_card.html",
            lab=lab,
            form=form,
            similar=similar,
            warnings=services.detail_messages(warnings),
            support_form=SupportForm(formdata=None),
            **_labels(),
        ), 200
    try:
        services.add_card(
            lab,
            current_user,
            kind=form.kind.data,
            topic=form.topic.data,
            text=form.text.data,
            signed=bool(form.signed.data),
        )
    except services.LabError as error:
        show_on_form(form, error, "text")
        return _lab_page(lab, form, 422)
    flash(gettext("Thank you: your card is on the board."), "success")
    return redirect(url_for("labs.lab", lab_id=lab.id) + "#board")


@bp.post("/<int:lab_id>/controllo")
@worker_or_manager
def check_text(lab_id: int) -> Response:
    """For the live hints while typing: similar cards and personal details (JSON).

    POST, so that what people type never lands in access logs as part of a URL."""
    lab = _viewed_lab_or_404(lab_id)
    text = (request.form.get("testo") or "")[:1000]
    similar = services.similar_cards(lab, text)
    return jsonify(
        similar=[
            {
                "id": card.id,
                "text": card.text,
                "kind": str(services.KIND_SHORT[card.kind]),
                "support_url": url_for("labs.support", lab_id=lab.id, card_id=card.id),
            }
            for card in similar
        ],
        warnings=services.detail_messages(services.personal_details(text)),
    )


@bp.post("/<int:lab_id>/schede/<int:card_id>/sostegno")
@worker_only
def support(lab_id: int, card_id: int) -> Response:
    lab = _participant_lab_or_404(lab_id)
    card = _card_or_404(lab, card_id)
    form = SupportForm()
    _checked(form)
    supports = form.support.data != "0"
    try:
        services.set_support(lab, card, current_user, supports)
    except services.LabError as error:
        flash(error.message, "error")
    else:
        flash(
            gettext("You support this card: +1.")
            if supports
            else gettext("You no longer support this card."),
            "success",
        )
    return redirect(url_for("labs.lab", lab_id=lab.id) + f"#card-{card.id}")


@bp.route("/<int:lab_id>/voto", methods=["GET", "POST"])
@worker_only
def vote(lab_id: int) -> str | Response | tuple[str, int]:
    lab = _participant_lab_or_404(lab_id)
    phase = services.phase_of(lab)
    dots = services.my_dots(lab, current_user)
    error = None
    if request.method == "POST":
        _checked()
        allocation = dots
        try:
            allocation = services.parse_dots(request.form.to_dict())
            services.save_dots(lab, current_user, allocation)
        except services.LabError as refused:
            error = refused.message
            dots = allocation  # what the person chose, to correct it
        else:
            flash(gettext("Your dots are saved. You can change them until the vote closes."))
            return redirect(url_for("labs.vote", lab_id=lab.id))
    used = sum(dots.values())
    return render_template(
        "labs/vote.html",
        lab=lab,
        phase=phase,
        phases=services.phase_summary(lab),
        cards=services.board(lab, current_user) if phase == "vote" else [],
        dots=dots,
        used=used,
        dots_left=services.dots_left_text(lab, used),
        max_per_card=MAX_DOTS_PER_CARD,
        error=error,
        action_form=ActionForm(),
        **_labels(),
    ), (422 if error else 200)


@bp.get("/<int:lab_id>/esito")
@worker_or_manager
def outcome(lab_id: int) -> str:
    lab = _viewed_lab_or_404(lab_id)
    return render_template(
        "labs/outcome.html",
        lab=lab,
        phases=services.phase_summary(lab),
        results=services.results(lab),
        **_labels(),
    )


# --- facilitation ---------------------------------------------------------------------------


def _facilitation_page(
    lab: Lab,
    paper_form: PaperCardForm | None = None,
    status: int = 200,
    outcome_errors: dict[int, list[str]] | None = None,
) -> tuple[str, int]:
    cards = services.board(lab, current_user)
    results = services.results(lab)
    shown = {row.card.id for row in results.ranking} if results else set()
    # An error about a card whose outcome form is not on the page (the results are not out,
    # or the card is not ranked) is said at the top instead of being lost.
    page_errors = [
        message
        for card_id, messages in (outcome_errors or {}).items()
        if card_id not in shown
        for message in messages
    ]
    return render_template(
        "labs/facilitate.html",
        lab=lab,
        phase=services.phase_of(lab),
        next_phase=services.next_phase(lab),
        phases=services.phase_summary(lab),
        cards=cards,
        hidden=services.hidden_cards(lab),
        voters=services.voters(lab),
        results=results,
        page_errors=page_errors,
        paper_form=paper_form or PaperCardForm(formdata=None, prefix="paper"),
        outcome_form=OutcomeForm(formdata=None, prefix="outcome"),
        outcome_errors=outcome_errors or {},
        action_form=ActionForm(),
        **_labels(),
    ), status


@bp.get("/<int:lab_id>/gestione")
@manager_only
def facilitate(lab_id: int) -> tuple[str, int]:
    return _facilitation_page(_facilitated_lab_or_404(lab_id))


@bp.post("/<int:lab_id>/fase")
@manager_only
def advance(lab_id: int) -> Response:
    lab = _facilitated_lab_or_404(lab_id)
    _checked()
    try:
        phase = services.advance_phase(lab, current_user, remote_addr=_remote())
    except services.LabError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Phase started: %(phase)s.", phase=services.PHASE_LABELS[phase]), "success")
    return redirect(url_for("labs.facilitate", lab_id=lab.id))


@bp.post("/<int:lab_id>/schede-cartacee")
@manager_only
def add_paper_card(lab_id: int) -> Response | tuple[str, int]:
    lab = _facilitated_lab_or_404(lab_id)
    form = PaperCardForm(prefix="paper")
    if form.validate_on_submit():
        try:
            services.add_paper_card(
                lab,
                current_user,
                kind=form.kind.data,
                topic=form.topic.data,
                text=form.text.data,
                people=form.people.data,
                reason=form.reason.data,
                remote_addr=_remote(),
            )
        except services.LabError as error:
            show_on_form(form, error, "text")
        else:
            flash(gettext("Paper card added."), "success")
            return redirect(url_for("labs.facilitate", lab_id=lab.id) + "#paper")
    return _facilitation_page(lab, paper_form=form, status=422)


@bp.post("/<int:lab_id>/schede/<int:card_id>/unisci")
@manager_only
def merge(lab_id: int, card_id: int) -> Response:
    lab = _facilitated_lab_or_404(lab_id)
    source = _card_or_404(lab, card_id)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(gettext("Choose the card to merge into."), "error")
        return redirect(url_for("labs.facilitate", lab_id=lab.id) + f"#card-{source.id}")
    target = services.card_in_lab(lab, form.target.data)
    if target is None:
        flash(gettext("Choose the card to merge into."), "error")
        return redirect(url_for("labs.facilitate", lab_id=lab.id) + f"#card-{source.id}")
    try:
        services.merge_cards(lab, source, target, current_user, remote_addr=_remote())
    except services.LabError as error:
        flash(error.message, "error")
        return redirect(url_for("labs.facilitate", lab_id=lab.id) + f"#card-{source.id}")
    flash(gettext("Cards merged: their supporters now count together."), "success")
    return redirect(url_for("labs.facilitate", lab_id=lab.id) + f"#card-{target.id}")


@bp.post("/<int:lab_id>/schede/<int:card_id>/nascondi")
@manager_only
def hide(lab_id: int, card_id: int) -> Response:
    lab = _facilitated_lab_or_404(lab_id)
    card = _card_or_404(lab, card_id)
    form = HideForm()
    if not form.validate_on_submit():
        flash(gettext("Write the reason: the author will read it."), "error")
        return redirect(url_for("labs.facilitate", lab_id=lab.id) + f"#card-{card.id}")
    try:
        services.hide_card(lab, card, current_user, form.reason.data, remote_addr=_remote())
    except services.LabError as error:
        flash(error.message, "error")
    else:
        flash(gettext("Card hidden. Its author sees the reason."), "success")
    return redirect(url_for("labs.facilitate", lab_id=lab.id) + "#hidden")


@bp.post("/<int:lab_id>/schede/<int:card_id>/esito")
@manager_only
def set_outcome(lab_id: int, card_id: int) -> Response | tuple[str, int]:
    lab = _facilitated_lab_or_404(lab_id)
    card = _card_or_404(lab, card_id)
    form = OutcomeForm(prefix="outcome")
    if not form.validate_on_submit():
        errors = [message for messages in form.errors.values() for message in messages]
        return _facilitation_page(lab, status=422, outcome_errors={card.id: errors})
    try:
        services.set_outcome(
            lab, card, current_user, kind=form.kind.data, text=form.text.data, remote_addr=_remote()
        )
    except services.LabError as error:
        return _facilitation_page(lab, status=422, outcome_errors={card.id: [error.message]})
    flash(gettext("Saved: workers see it on the results page."), "success")
    return redirect(url_for("labs.facilitate", lab_id=lab.id) + f"#card-{card.id}")
