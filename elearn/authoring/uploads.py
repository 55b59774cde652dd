"""Course zips in and out, and images uploaded from the editor."""

from __future__ import annotations

import io
import zipfile

from flask_babel import gettext
from sqlalchemy import select

from elearn import coursefmt
from elearn.authoring.media import clean_course_media
from elearn.authoring.services import course_files, current_glossary, store_course
from elearn.coursefmt.model import sha256_hex
from elearn.extensions import db
from elearn.models import Course, CourseMedia
from elearn.models.base import utcnow

MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ZIP_FILES = 400


def course_zip(course: Course) -> bytes:
    parsed, _errors = coursefmt.course_from_files(
        course_files(course, drafts=True), course.slug, glossary=current_glossary()
    )
    if parsed is not None:
        return coursefmt.write_course_zip(parsed)
    # An invalid working copy still downloads, so nothing a trainer wrote is ever trapped.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relpath, data in sorted(course_files(course, drafts=True).items()):
            archive.writestr(f"{course.slug}/{relpath}", data)
    return buffer.getvalue()


def import_zip(fileobj: io.BytesIO, *, author_id: int | None) -> tuple[Course | None, list[str]]:
    """Load a course zip (same validation as `check`) and publish it."""
    files, errors = coursefmt.read_course_zip(fileobj, MAX_ZIP_BYTES, MAX_ZIP_FILES)
    if errors:
        return None, [str(error) for error in errors]
    slugs = {name.split("/", 1)[0] for name in files}
    if len(slugs) != 1:
        return None, ["the zip must hold exactly one course folder"]
    slug = slugs.pop()
    inner = {name.split("/", 1)[1]: data for name, data in files.items() if "/" in name}
    # Images go through the same re-encoding as web uploads (no EXIF/GPS, no hidden payload).
    stored = db.session.scalar(select(Course).where(Course.slug == slug))
    inner, bad_images = clean_course_media(
        inner, unchanged={item.sha256 for item in stored.media} if stored else ()
    )
    if bad_images:
        return None, [_image_problem(name, code) for name, code in sorted(bad_images.items())]
    parsed, course_errors = coursefmt.course_from_files(inner, slug, glossary=current_glossary())
    if parsed is None:
        return None, [str(error) for error in course_errors]
    course, changed, _versions = store_course(parsed, current_glossary(), author_id=author_id)
    if changed:
        course.edited_on_web_at = utcnow()
    db.session.commit()
    return course, []


def _image_problem(name: str, code: str) -> str:
    if code == "too_large":
        return gettext(
            "%(name)s: the image is too large (at most 2 MB and 4096 × 4096 pixels).", name=name
        )
    return gettext("%(name)s: this is not a PNG, JPEG, GIF or WebP image.", name=name)


def save_image(course: Course, name: str, data: bytes, content_type: str) -> None:
    """Store an image uploaded in the editor (already re-encoded), replacing one of that name."""
    existing = next((item for item in course.media if item.filename == name), None)
    if existing is None:
        course.media.append(
            CourseMedia(
                filename=name, data=data, content_type=content_type, sha256=sha256_hex(data)
            )
        )
    else:
        existing.data, existing.content_type, existing.sha256 = data, content_type, sha256_hex(data)
    # Images go live at once: a later import of the course folders must not delete this one.
    course.updated_at = course.edited_on_web_at = utcnow()
    db.session.commit()
