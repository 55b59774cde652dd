"""SQLAlchemy models, one module per domain; importing this registers them all."""

from elearn.models.audit import AuditEntry
from elearn.models.outbox import OutboxMessage
from elearn.models.users import (
    ROLE_VALUES,
    ManagerOrganization,
    Organization,
    PasswordResetToken,
    Role,
    SocialPoint,
    User,
    UserRole,
)

__all__ = [
    "ROLE_VALUES",
    "AuditEntry",
    "ManagerOrganization",
    "Organization",
    "OutboxMessage",
    "PasswordResetToken",
    "Role",
    "SocialPoint",
    "User",
    "UserRole",
]
