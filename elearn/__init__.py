"""WELFARE³ financial-education platform: the Flask application factory.

Importing the package loads no Flask: the pure packages inside it (`elearn.coursefmt`,
`elearn.resources.rules`) are imported on their own by the course checker and the tests. Flask
and every domain are imported by `create_app`, the one place that wires them (`flask --app elearn`
and the `elearn` command both call it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from elearn.paths import resource_dir

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints. No side effects beyond wiring."""
    from flask import Flask

    instance_path = Path((config or {}).get("INSTANCE_PATH") or Path.cwd() / "instance").resolve()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    from elearn.config import load_secret_key, settings_from_env

    app.config.from_mapping(settings_from_env(instance_path))
    if config:
        app.config.from_mapping(config)
    from elearn.urls import check_public_base_url, trusted_hosts

    # Links that leave the site come from PUBLIC_BASE_URL only (elearn/urls.py); the site
    # answers only to its host (and TRUSTED_HOSTS), else 400. A malformed value stops the start.
    app.config["PUBLIC_BASE_URL"] = check_public_base_url(app.config.get("PUBLIC_BASE_URL") or "")
    app.config["TRUSTED_HOSTS"] = trusted_hosts(
        app.config["PUBLIC_BASE_URL"], app.config.get("EXTRA_TRUSTED_HOSTS") or ""
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )

    # SQL parameters (e-mails, names, notes) never appear in error messages or logs.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }

    from elearn import database, errors, i18n, logs, routing, security
    from elearn.core import templating
    from elearn.extensions import csrf, db, limiter, login_manager, migrate

    logs.init_app(app)
    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)  # after i18n: faster `_()` in templates
    security.init_app(app)
    errors.init_app(app)
    routing.init_app(app)  # before the blueprints: their rules use the converters

    from elearn.admin.views import bp as admin_bp
    from elearn.auth.views import bp as auth_bp
    from elearn.authoring.views import bp as authoring_bp
    from elearn.consult.views import bp as consult_bp
    from elearn.consult.views import manager_bp as manage_bp
    from elearn.core.views import bp as core_bp
    from elearn.healthfund.views import bp as healthfund_bp
    from elearn.impact.views import bp as impact_bp
    from elearn.labs.views import bp as labs_bp
    from elearn.learning.views import bp as learning_bp
    from elearn.learning.views import glossary_bp
    from elearn.nudges.views import bp as nudges_bp
    from elearn.privacy.views import bp as privacy_bp
    from elearn.reports.views import bp as reports_bp
    from elearn.resources.views import bp as resources_bp
    from elearn.roster.views import bp as roster_bp
    from elearn.simulate.views import bp as simulate_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(glossary_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(simulate_bp)
    app.register_blueprint(consult_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(labs_bp)
    app.register_blueprint(resources_bp)
    app.register_blueprint(nudges_bp)
    app.register_blueprint(healthfund_bp)
    app.register_blueprint(impact_bp)
    app.register_blueprint(roster_bp)

    from elearn.urls import RefuseUnknownHosts

    # Inside ProxyFix: with PROXY_FIX_HOPS the forwarded host is the one checked.
    app.wsgi_app = RefuseUnknownHosts(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from elearn.cli import register_commands

    register_commands(app)
    return app
