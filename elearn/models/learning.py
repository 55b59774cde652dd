"""Courses as stored in the database, their module versions, and each learner's progress."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow


class Course(db.Model):
    """A course in the format of COURSE_FORMAT.md; columns mirror its published course.yml."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    level: Mapped[str] = mapped_column(String(12), default="base")
    # Space-separated audience tags (tutti, maternita, figli, legge104, svantaggiati).
    audience: Mapped[str] = mapped_column(String(120), default="tutti")
    pass_score: Mapped[int] = mapped_column(Integer, default=80)
    course_yml: Mapped[str] = mapped_column(Text)
    # The trainer's unpublished edit of course.yml, if any.
    draft_course_yml: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a person publishes the course from the web (editor or zip upload): a later import
    # of the course folders must not overwrite that work (it skips the course and says so).
    edited_on_web_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    modules: Mapped[list[CourseModule]] = relationship(
        back_populates="course", order_by="CourseModule.position", cascade="all, delete-orphan"
    )
    media: Mapped[list[CourseMedia]] = relationship(
        back_populates="course", order_by="CourseMedia.filename", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("language IN ('it', 'en')", name="language_known"),
        CheckConstraint("pass_score BETWEEN 0 AND 100", name="pass_score_range"),
    )

    @property
    def audience_tags(self) -> list[str]:
        return self.audience.split()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CourseModule(db.Model):
    """A module of a course, identified by its slug; its text lives in versions."""

    __tablename__ = "course_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    # Removed from the course folder: hidden from learners, progress kept.
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_version.id", use_alter=True, ondelete="SET NULL")
    )
    draft_source: Mapped[str | None] = mapped_column(Text)
    draft_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship(back_populates="modules")
    published_version: Mapped[ModuleVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )
    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="module",
        foreign_keys="ModuleVersion.module_id",
        order_by="ModuleVersion.number.desc()",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    @property
    def filename(self) -> str:
        return f"{self.slug}.md"

    @property
    def is_visible(self) -> bool:
        return self.published_version_id is not None and not self.archived


class ModuleVersion(db.Model):
    """An immutable published text of a module, with its rendering cached at publish time."""

    __tablename__ = "module_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_module.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # JSON: the rendered segments (sanitised HTML, quiz ids, simulator blocks).
    rendered: Mapped[str] = mapped_column(Text)
    # JSON: quiz definitions with their answers; never sent to the page before answering.
    quizzes: Mapped[str] = mapped_column(Text)
    # coursefmt.RENDER_VERSION when `rendered` was made; older renderings are redone on import.
    render_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    module: Mapped[CourseModule] = relationship(back_populates="versions", foreign_keys=[module_id])

    __table_args__ = (UniqueConstraint("module_id", "number"),)

    def segments(self) -> list[dict[str, Any]]:
        return json.loads(self.rendered)

    def quiz_map(self) -> dict[str, dict[str, Any]]:
        return json.loads(self.quizzes)


class CourseMedia(db.Model):
    """An image in a course's media/ folder."""

    __tablename__ = "course_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))

    course: Mapped[Course] = relationship(back_populates="media")

    __table_args__ = (UniqueConstraint("course_id", "filename"),)


class GlossaryFile(db.Model):
    """The shared glossary.yml, kept as written (one row)."""

    __tablename__ = "glossary_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    raw: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a trainer saves the glossary in the web editor: an import of course folders keeps
    # that text (and says so) instead of overwriting it with the folders' glossary.yml.
    edited_on_web_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ModuleProgress(db.Model):
    """One summary row per learner and module, keyed by slugs so it survives new versions."""

    __tablename__ = "module_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(120))
    first_visit_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_visit_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    visits: Mapped[int] = mapped_column(Integer, default=1)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    best_score: Mapped[float | None] = mapped_column(Float)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Passed again in a review on a later day (the highest mastery level).
    mastered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("user_id", "course_slug", "module_slug"),
        Index("ix_module_progress_course", "course_slug", "module_slug"),
        CheckConstraint(
            "best_score IS NULL OR (best_score >= 0 AND best_score <= 1)", name="score_range"
        ),
        CheckConstraint("seconds_spent >= 0", name="seconds_positive"),
    )


class QuizAttempt(db.Model):
    """One answer to one quiz question."""

    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(120))
    quiz_id: Mapped[str] = mapped_column(String(80))
    response: Mapped[str] = mapped_column(Text)  # JSON
    correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_quiz_attempt_learner_module", "user_id", "course_slug", "module_slug"),
        Index("ix_quiz_attempt_question", "course_slug", "module_slug", "quiz_id"),
    )


class QuizFirstAnswer(db.Model):
    """Whether a learner's first answer to a question was right: what "hardest questions" counts.

    Kept beside the attempts so reports aggregate one row per learner and question
    instead of scanning every attempt.
    """

    __tablename__ = "quiz_first_answer"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    course_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    module_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_quiz_first_answer_question", "course_slug", "module_slug", "quiz_id"),
    )
