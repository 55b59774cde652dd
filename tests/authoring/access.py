"""Access rules for the course editor: trainers and admins only."""

from typing import Any

RULES = {
    endpoint: ("trainer", "admin")
    for endpoint in (
        "authoring.index",
        "authoring.new_course",
        "authoring.import_zip",
        "authoring.course",
        "authoring.new_module",
        "authoring.publish",
        "authoring.module",
        "authoring.preview",
        "authoring.history",
        "authoring.restore",
        "authoring.export_zip",
        "authoring.upload_media",
        "authoring.statistics",
        "authoring.delete_module",
        "authoring.restore_module",
        "authoring.delete_media",
        "authoring.glossary",
    )
}


def sample_values(app: Any, people: dict[str, int], values: dict[str, Any]) -> None:
    """An image in the sample course `prova` (its delete page), which the import of the test
    courses that follows keeps: the image counts as a web edit."""
    from PIL import Image

    from elearn.authoring.media import clean_image
    from elearn.authoring.services import get_course, import_courses
    from elearn.coursefmt.model import sha256_hex
    from elearn.extensions import db
    from elearn.models import CourseMedia
    from elearn.models.base import utcnow
    from tests.learning.access import FIXTURES

    with app.app_context():
        import_courses(FIXTURES)
        import io

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (0, 90, 160)).save(buffer, "PNG")
        name, data, mime = clean_image(buffer.getvalue(), "grafico.png")
        course = get_course("prova")
        course.media.append(
            CourseMedia(filename=name, data=data, content_type=mime, sha256=sha256_hex(data))
        )
        course.edited_on_web_at = utcnow()
        db.session.commit()
    values.update(media_name="grafico.png")
