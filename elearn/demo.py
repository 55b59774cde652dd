"""Demo content: three cooperatives, their Social points and one account per role."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from elearn.auth.services import hash_password
from elearn.extensions import db
from elearn.healthfund.demo import add_demo_plans
from elearn.learning.services import new_verification_code
from elearn.models import (
    ActivityDay,
    ConsentRecord,
    CoopResource,
    Course,
    CourseCompletion,
    ModuleProgress,
    Organization,
    QuizAttempt,
    QuizFirstAnswer,
    Role,
    SocialPoint,
    TargetGroupDeclaration,
    User,
)
from elearn.models.base import utcnow
from elearn.models.progress import TARGET_GROUPS

# The published demo credential, printed at start; never used outside the demo data.
DEMO_PASSWORD = "demo-password"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    roles: frozenset[str]
    organization_slug: str | None
    managed_slugs: tuple[str, ...] = ()


DEMO_ORGANIZATIONS = (
    {
        "slug": "il-girasole",
        "name": "Cooperativa Sociale Il Girasole",
        "invite_code": "GIRASOLE26",
        "accent_color": "#b45309",
        "points": [
            (
                "Social point Lorenteggio",
                "Via Lorenteggio 181, 20147 Milano",
                "Lunedì 9:00–13:00\nMercoledì 14:00–18:00",
            ),
            ("Social point Niguarda", "Viale Ca' Granda 20, 20162 Milano", "Giovedì 9:00–13:00"),
        ],
    },
    {
        "slug": "la-rete",
        "name": "Cooperativa Sociale La Rete",
        "invite_code": "LARETE2026",
        "accent_color": "#1d4ed8",
        "points": [
            (
                "Social point Corvetto",
                "Piazzale Gabriele Rosa 6, 20139 Milano",
                "Martedì 9:00–13:00",
            ),
        ],
    },
    {
        "slug": "ponte-verde",
        "name": "Cooperativa Sociale Ponte Verde",
        "invite_code": "PONTEVERDE",
        "accent_color": "#15803d",
        "points": [
            (
                "Social point Quarto Oggiaro",
                "Via Concilio Vaticano II 5, 20157 Milano",
                "Venerdì 14:00–18:00",
            ),
        ],
    },
)

# Published TOTP keys of the demo admin and manager (second login step), printed at start.
DEMO_TOTP_SECRETS = {
    "manager@demo.it": "MANAGERDEMOWELFARE3MANAGERDEMO22",
    "admin@demo.it": "ADMINDEMOWELFARE3ADMINDEMOWELFAR",
}

DEMO_ACCOUNTS = (
    DemoAccount("lavoratrice@demo.it", "Giulia Rossi", frozenset({"worker"}), "il-girasole"),
    DemoAccount("formatore@demo.it", "Marco Bianchi", frozenset({"trainer"}), None),
    DemoAccount(
        "manager@demo.it",
        "Sara Colombo",
        frozenset({"manager"}),
        None,
        ("il-girasole", "la-rete", "ponte-verde"),
    ),
    DemoAccount("admin@demo.it", "Paolo Ferrari", frozenset({"admin"}), None),
)


def seed_demo() -> list[DemoAccount]:
    """Create what is missing; never overwrite what is already there (runs are repeatable)."""
    by_slug: dict[str, Organization] = {}
    for spec in DEMO_ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.slug == spec["slug"]))
        if org is None:
            org = Organization(
                slug=spec["slug"],
                name=spec["name"],
                invite_code=spec["invite_code"],
                accent_color=spec["accent_color"],
            )
            org.social_points = [
                SocialPoint(name=name, address=address, opening_hours=hours)
                for name, address, hours in spec["points"]
            ]
            db.session.add(org)
        by_slug[spec["slug"]] = org
    db.session.flush()
    _seed_coop_resources(list(by_slug.values()))

    for org in by_slug.values():
        add_demo_plans(org.id)
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == account.email)) is not None:
            continue
        user = User(
            email=account.email,
            full_name=account.full_name,
            password_hash=hash_password(DEMO_PASSWORD),
            organization=by_slug[account.organization_slug] if account.organization_slug else None,
        )
        user.set_roles(set(account.roles))
        user.managed_organizations = [by_slug[slug] for slug in account.managed_slugs]
        user.totp_secret = DEMO_TOTP_SECRETS.get(account.email)
        db.session.add(user)
    db.session.commit()
    return list(DEMO_ACCOUNTS)


# Examples only: each cooperative's administrators replace them with their real resources.
DEMO_COOP_RESOURCES = (
    (
        "Esempio – Contributo per i centri estivi",
        "Dipendenti con figli da 3 a 14 anni",
        "fino a 150 € per figlio (esempio)",
        "Modulo all'ufficio personale entro il 31 maggio, con la ricevuta dell'iscrizione.",
    ),
    (
        "Esempio – Anticipo del TFR per spese mediche",
        "Dipendenti con almeno 8 anni di servizio",
        "fino al 70 % del TFR maturato (esempio)",
        "Chiedi al Welfare Manager al tuo Punto sociale.",
    ),
)


def _seed_coop_resources(organizations: list[Organization]) -> None:
    for org in organizations:
        if db.session.scalar(select(CoopResource.id).where(CoopResource.organization_id == org.id)):
            continue
        for title, who, amount, how in DEMO_COOP_RESOURCES:
            db.session.add(
                CoopResource(
                    organization_id=org.id,
                    title=title,
                    who_qualifies=who,
                    amount=amount,
                    how_to_ask=how,
                )
            )


# --- synthetic learners with progress -------------------------------------------------------

FIRST_NAMES = (
    "Aisha",
    "Marco",
    "Elena",
    "Mohamed",
    "Francesca",
    "Luca",
    "Svetlana",
    "Kwame",
    "Giorgia",
    "Ahmed",
    "Chiara",
    "Rosa",
    "Ion",
    "Sara",
    "Davide",
    "Fatou",
    "Paola",
    "Karim",
    "Irina",
    "Matteo",
)
LAST_NAMES = (
    "Russo",
    "Esposito",
    "Ferrari",
    "Diallo",
    "Romano",
    "Popescu",
    "Gallo",
    "Mensah",
    "Costa",
    "El Amrani",
    "Fontana",
    "Conti",
    "Ricci",
    "Bruno",
    "Moretti",
    "Ndiaye",
    "Greco",
    "Marino",
)


def seed_demo_learning(extra_learners: int = 60, seed: int = 2026) -> int:
    """Give the demo worker partial progress and add synthetic learners; idempotent.

    Rows are written directly (not through the request services) so that thousands of
    learners can be generated quickly for trying the dashboards at scale.
    """
    rng = random.Random(seed)
    courses = [
        c
        for c in db.session.scalars(select(Course).where(Course.published_at.is_not(None)))
        if any(m.is_visible for m in c.modules)
    ]
    if not courses:
        return 0
    by_slug = {course.slug: course for course in courses}
    organizations = list(db.session.scalars(select(Organization).order_by(Organization.id)))
    now = utcnow()
    activity: dict[tuple[int, object, str], int] = {}

    def progress_for(user_id: int, course: Course, modules_done: int, started_extra: bool) -> None:
        modules = [m for m in course.modules if m.is_visible]
        studied = modules[: modules_done + (1 if started_extra else 0)]
        gaps = [rng.randint(1, 6) for _ in studied]
        # Every visit in the past: start early enough for all the days between modules.
        day = now - timedelta(days=sum(gaps) + rng.randint(1, 60))
        for index, module in enumerate(studied):
            done = index < modules_done
            quizzes = module.published_version.quiz_map()
            right = 0
            for quiz_id in quizzes:
                first_right = rng.random() < 0.7
                attempts = [first_right] if first_right or not done else [False, True]
                db.session.add(
                    QuizFirstAnswer(
                        user_id=user_id,
                        course_slug=course.slug,
                        module_slug=module.slug,
                        quiz_id=quiz_id,
                        correct=attempts[0],
                        created_at=day,
                    )
                )
                for correct in attempts:
                    db.session.add(
                        QuizAttempt(
                            user_id=user_id,
                            course_slug=course.slug,
                            module_slug=module.slug,
                            quiz_id=quiz_id,
                            correct=correct,
                            created_at=day,
                            response=json.dumps({"demo": True}),
                        )
                    )
                right += int(any(attempts))
            score = right / len(quizzes) if quizzes else None
            db.session.add(
                ModuleProgress(
                    user_id=user_id,
                    course_slug=course.slug,
                    module_slug=module.slug,
                    first_visit_at=day,
                    last_visit_at=day + timedelta(minutes=module.minutes),
                    visits=rng.randint(1, 3),
                    read_at=day if done else None,
                    best_score=score,
                    completed_at=day + timedelta(minutes=module.minutes) if done else None,
                    seconds_spent=module.minutes * 60 + rng.randint(-120, 240) if done else 180,
                )
            )
            for kind, count in (("module", 1), ("quiz", len(quizzes))):
                if count and day <= now:
                    key = (user_id, day.date(), kind)
                    activity[key] = activity.get(key, 0) + count
            day += timedelta(days=gaps[index])
        if modules and modules_done >= len(modules):
            db.session.add(
                CourseCompletion(
                    user_id=user_id,
                    course_slug=course.slug,
                    course_title=course.title,
                    completed_at=min(day, now),
                    minutes=sum(m.minutes for m in modules),
                    verification_code=new_verification_code(),
                )
            )

    worker = db.session.scalar(select(User).where(User.email == "lavoratrice@demo.it"))
    created = 0
    if (
        worker is not None
        and db.session.scalar(
            select(ModuleProgress.id).where(ModuleProgress.user_id == worker.id).limit(1)
        )
        is None
    ):
        if "bilancio-familiare" in by_slug:
            progress_for(worker.id, by_slug["bilancio-familiare"], 2, True)
        if "risparmio-fondo-emergenza" in by_slug:
            progress_for(worker.id, by_slug["risparmio-fondo-emergenza"], 1, False)
        _flush_activity(activity)
    existing = (
        db.session.scalar(select(func.count(User.id)).where(User.email.like("learner%@demo.it")))
        or 0
    )
    for number in range(existing + 1, extra_learners + 1):
        user = User(
            email=f"learner{number:05d}@demo.it",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            password_hash=synthetic_password_hash(),
            organization=organizations[number % len(organizations)],
            created_at=now - timedelta(days=rng.randint(10, 120)),
        )
        user.set_roles({Role.WORKER.value})
        db.session.add(user)
        db.session.flush()
        # About half share their progress; some declare a situation (with its consent).
        user.shares_progress = rng.random() < 0.5
        db.session.add(
            ConsentRecord(
                user_id=user.id,
                kind="progress_sharing",
                granted=user.shares_progress,
                text_version="demo",
            )
        )
        if rng.random() < 0.4:
            db.session.add(
                ConsentRecord(
                    user_id=user.id, kind="target_groups", granted=True, text_version="demo"
                )
            )
            for group in rng.sample(TARGET_GROUPS, k=rng.randint(1, 2)):
                db.session.add(TargetGroupDeclaration(user_id=user.id, target_group=group))
        for course in rng.sample(courses, k=min(len(courses), rng.randint(0, 3))):
            total = sum(1 for m in course.modules if m.is_visible)
            progress_for(user.id, course, rng.randint(0, total), rng.random() < 0.5)
        created += 1
        if created % 500 == 0:
            _flush_activity(activity)
            db.session.commit()
    _flush_activity(activity)
    db.session.commit()
    return created


def synthetic_password_hash() -> str:
    """The password hash of a synthetic learner: of a random password nobody knows, so the
    account cannot be logged into, and different for each learner.

    A cheap hash setting is safe here (no one chose the password: 32 random bytes cannot be
    guessed whatever the hash costs) and keeps `--learners 10000` quick.
    """
    return generate_password_hash(secrets.token_urlsafe(32), method="pbkdf2:sha256:1000")


def _flush_activity(activity: dict) -> None:
    db.session.add_all(
        ActivityDay(user_id=user_id, day=day, kind=kind, count=count)
        for (user_id, day, kind), count in activity.items()
    )
    activity.clear()
