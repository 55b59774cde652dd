"""Flask extensions, created unbound; `create_app` binds them."""

from flask import session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay usable after a commit within a request (no reload of every attribute).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


class PersonLoginManager(LoginManager):
    """Flask-Login, with its "strong" session protection applied to sessions that hold a login.

    A visitor's session holds only a CSRF token and perhaps a language; Flask-Login found no
    `_id` in it at every request, "cleared" it and a remember-me cookie the site never sets,
    and so rewrote the session cookie and sent an expired remember cookie on every anonymous
    page. A session with a login is checked as before: another address or browser ends it.
    """

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return bool(super()._session_protection_failed())


login_manager = PersonLoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
