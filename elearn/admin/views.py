"""Routes for administrators: organizations, Social points, users and roles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from elearn.admin import services
from elearn.admin.audit_labels import action_choices
from elearn.admin.forms import OrganizationForm, SocialPointForm, UserForm, UserSearchForm
from elearn.auth.services import request_password_reset
from elearn.extensions import db
from elearn.forms import choices
from elearn.models import Organization, SocialPoint, User
from elearn.outbox.services import deliver_inline_if_configured
from elearn.security import keep_only_this_session, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _get_or_404(model: type, object_id: int) -> object:
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _checked_post() -> None:
    """An action button's form: only its CSRF token to check."""
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.get("/organizzazioni")
@role_required("admin")
def organizations() -> str:
    return render_template(
        "admin/organizations.html",
        organizations=services.list_organizations(),
        action_form=FlaskForm(),
    )


@bp.route("/organizzazioni/nuova", methods=["GET", "POST"])
@role_required("admin")
def new_organization() -> str | Response | tuple[str, int]:
    return _organization_form(None)


@bp.route("/organizzazioni/<int:organization_id>", methods=["GET", "POST"])
@role_required("admin")
def organization(organization_id: int) -> str | Response | tuple[str, int]:
    return _organization_form(_get_or_404(Organization, organization_id))


def _organization_form(org: Organization | None) -> str | Response | tuple[str, int]:
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        values = {
            "name": form.name.data,
            "slug": form.slug.data,
            "accent_color": form.accent_color.data,
            "actor_id": current_user.id,
        }
        try:
            if org is None:
                saved = services.create_organization(**values)
                message = gettext("Organization created.")
            else:
                services.update_organization(org, **values)
                saved, message = org, gettext("Changes saved.")
        except services.AdminError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(message, "success")
            return redirect(url_for("admin.organization", organization_id=saved.id))
    return render_template(
        "admin/organization_form.html", form=form, organization=org, action_form=FlaskForm()
    ), (422 if form.errors else 200)


@bp.post("/organizzazioni/<int:organization_id>/codice-invito")
@role_required("admin")
def rotate_invite_code(organization_id: int) -> Response:
    org = _get_or_404(Organization, organization_id)
    _checked_post()
    code = services.rotate_invite_code(org, actor_id=current_user.id)
    flash(gettext("New invite code: %(code)s. The old one no longer works.", code=code), "success")
    return redirect(url_for("admin.organization", organization_id=org.id))


@bp.route("/organizzazioni/<int:organization_id>/social-point/nuovo", methods=["GET", "POST"])
@role_required("admin")
def new_social_point(organization_id: int) -> str | Response | tuple[str, int]:
    org = _get_or_404(Organization, organization_id)
    return _social_point_form(org, None)


@bp.route("/social-point/<int:point_id>", methods=["GET", "POST"])
@role_required("admin")
def social_point(point_id: int) -> str | Response | tuple[str, int]:
    point = _get_or_404(SocialPoint, point_id)
    return _social_point_form(point.organization, point)


def _social_point_form(
    org: Organization, point: SocialPoint | None
) -> str | Response | tuple[str, int]:
    form = SocialPointForm(obj=point)
    if form.validate_on_submit():
        try:
            services.save_social_point(
                point,
                org,
                name=form.name.data,
                address=form.address.data,
                opening_hours=form.opening_hours.data or "",
                active=form.active.data,
            )
        except services.AdminError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(gettext("Social point saved."), "success")
            return redirect(url_for("admin.organization", organization_id=org.id))
    return render_template(
        "admin/social_point_form.html",
        form=form,
        organization=org,
        point=point,
        action_form=FlaskForm(),
    ), (422 if form.errors else 200)


@bp.post("/social-point/<int:point_id>/elimina")
@role_required("admin")
def delete_social_point(point_id: int) -> Response:
    point = _get_or_404(SocialPoint, point_id)
    _checked_post()
    org_id = point.organization_id
    services.delete_social_point(point)
    flash(gettext("Social point deleted."), "success")
    return redirect(url_for("admin.organization", organization_id=org_id))


@bp.get("/utenti")
@role_required("admin")
def users() -> str:
    search = UserSearchForm(request.args)
    search.validate()
    page_number = request.args.get("page", default=1, type=int)
    page = services.search_users(
        (search.q.data or "")[:100] if not search.q.errors else "",
        search.role.data if search.role.data in {"worker", "trainer", "manager", "admin"} else "",
        page_number,
    )
    return render_template("admin/users.html", search=search, page=page)


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    organizations = [org for org, _count in services.list_organizations()]
    form.organization_id.choices = choices(
        [(0, gettext("None"))] + [(org.id, org.name) for org in organizations]
    )
    form.managed_organization_ids.choices = choices([(org.id, org.name) for org in organizations])
    if request.method == "GET" and user is not None:
        form.roles.data = sorted(user.roles)
        form.organization_id.data = user.organization_id or 0
        form.managed_organization_ids.data = sorted(services.manager_organization_ids(user))
    return form


@bp.route("/utenti/nuovo", methods=["GET", "POST"])
@role_required("admin")
def new_user() -> str | Response | tuple[str, int]:
    return _edit_user(None)


@bp.route("/utenti/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id: int) -> str | Response | tuple[str, int]:
    return _edit_user(_get_or_404(User, user_id))


@bp.post("/utenti/<int:user_id>/secondo-fattore/azzera")
@role_required("admin")
def reset_second_factor(user_id: int) -> Response:
    person = _get_or_404(User, user_id)
    _checked_post()
    if services.reset_second_factor(person, actor_id=current_user.id):
        deliver_inline_if_configured()
        if person.id == current_user.id:
            flash(gettext("Your authenticator app was removed. Log in again to add one."), "info")
            return redirect(url_for("auth.login"))
        flash(
            gettext(
                "The authenticator app was removed and %(name)s was logged out everywhere. "
                "At the next login they will add one again.",
                name=person.full_name,
            ),
            "success",
        )
    return redirect(url_for("admin.user", user_id=person.id))


def _edit_user(user: User | None) -> str | Response | tuple[str, int]:
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            saved = services.save_user(
                user,
                full_name=form.full_name.data,
                email=form.email.data,
                roles=set(form.roles.data or []),
                organization_id=form.organization_id.data or None,
                managed_organization_ids=set(form.managed_organization_ids.data or []),
                active=form.active.data,
                actor_id=current_user.id,
            )
        except services.AdminError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            if user is None:
                request_password_reset(
                    saved.email,
                    valid_hours=max(current_app.config["PASSWORD_RESET_HOURS"], 72),
                )
                deliver_inline_if_configured()
                flash(
                    gettext(
                        "Account created. We sent %(email)s a link to choose a password.",
                        email=saved.email,
                    ),
                    "success",
                )
            else:
                if saved.id == current_user.id and saved.active:
                    # Admins editing their own account stay logged in here (they passed the
                    # second step); their other sessions end like anyone's.
                    keep_only_this_session(saved)
                flash(gettext("Changes saved."), "success")
            return redirect(url_for("admin.user", user_id=saved.id))
    return render_template("admin/user_form.html", form=form, user=user, action_form=FlaskForm()), (
        422 if form.errors else 200
    )


@bp.get("/registro")
@role_required("admin")
def audit_log() -> str:
    action = request.args.get("azione", "")[:60]
    rows, page, pages = services.audit_page(action, request.args.get("pagina", 1, type=int))
    return render_template(
        "admin/audit.html",
        rows=rows,
        page=page,
        pages=pages,
        action=action,
        choices=action_choices(),
    )
