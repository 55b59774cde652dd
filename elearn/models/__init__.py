"""SQLAlchemy models, one module per domain; importing this registers them all."""

from elearn.models.audit import AuditEntry, ErasureRequest
from elearn.models.consult import (
    Appointment,
    AppointmentSlot,
    CaseNote,
    ConsultationRequest,
    PathwayItem,
    RequestMessage,
    RequestScenario,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.content import ContentVersion
from elearn.models.healthfund import (
    HealthNeed,
    HealthNeedProfile,
    HealthPlan,
    HealthPlanCoverage,
)
from elearn.models.impact import ImpactPrompt, ImpactResponse
from elearn.models.labs import Lab, LabCard, LabOrganization, LabOutcome, LabSupport, LabVote
from elearn.models.learning import (
    Course,
    CourseMedia,
    CourseModule,
    GlossaryFile,
    ModuleProgress,
    ModuleVersion,
    QuizAttempt,
    QuizFirstAnswer,
)
from elearn.models.nudges import NudgeSent, ReminderPreference
from elearn.models.outbox import OutboxMessage
from elearn.models.progress import (
    ActivityDay,
    ConsentRecord,
    CourseCompletion,
    ReportSnapshot,
    TargetGroupDeclaration,
)
from elearn.models.resources import CoopResource, RequestResourceMap, ResourceProfile
from elearn.models.roster import (
    RegistrationReview,
    RosterEntry,
    RosterImport,
    RosterInvitation,
)
from elearn.models.scenarios import SavedScenario
from elearn.models.summary import (
    LearnerCourseSummary,
    LearnerSummary,
    LearnerWeek,
    QuizQuestionSummary,
)
from elearn.models.users import (
    ROLE_VALUES,
    AuthAttempt,
    ManagerOrganization,
    Organization,
    PasswordResetToken,
    Role,
    SocialPoint,
    User,
    UserRole,
    UserSession,
)

__all__ = [
    "ActivityDay",
    "AuthAttempt",
    "ConsentRecord",
    "ContentVersion",
    "CoopResource",
    "RequestResourceMap",
    "ResourceProfile",
    "CourseCompletion",
    "LearnerCourseSummary",
    "LearnerSummary",
    "LearnerWeek",
    "QuizQuestionSummary",
    "TargetGroupDeclaration",
    "Appointment",
    "AppointmentSlot",
    "CaseNote",
    "ConsultationRequest",
    "PathwayItem",
    "RequestMessage",
    "RequestScenario",
    "WelfareDay",
    "WelfareDayRegistration",
    "Course",
    "HealthNeed",
    "HealthNeedProfile",
    "HealthPlan",
    "HealthPlanCoverage",
    "ImpactPrompt",
    "ImpactResponse",
    "Lab",
    "LabCard",
    "LabOrganization",
    "LabOutcome",
    "LabSupport",
    "LabVote",
    "CourseMedia",
    "CourseModule",
    "GlossaryFile",
    "ModuleProgress",
    "ModuleVersion",
    "QuizAttempt",
    "QuizFirstAnswer",
    "ReportSnapshot",
    "ROLE_VALUES",
    "AuditEntry",
    "ErasureRequest",
    "ManagerOrganization",
    "Organization",
    "NudgeSent",
    "OutboxMessage",
    "PasswordResetToken",
    "ReminderPreference",
    "Role",
    "RegistrationReview",
    "RosterEntry",
    "RosterImport",
    "RosterInvitation",
    "SavedScenario",
    "SocialPoint",
    "User",
    "UserRole",
    "UserSession",
]
