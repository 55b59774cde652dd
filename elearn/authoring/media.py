"""Image uploads for a course's media/ folder: checked by content, re-encoded without metadata."""

from __future__ import annotations

import io
import re

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
}
_NAME = re.compile(r"[^a-z0-9]+")


class ImageError(ValueError):
    pass


def clean_image(data: bytes, filename: str) -> tuple[str, bytes, str]:
    """Return (safe file name, re-encoded bytes, MIME type); refuse anything not a real image."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        kind = image.format
        if kind not in FORMATS:
            raise ImageError("type")
        if image.width * image.height > MAX_PIXELS:
            raise ImageError("too_large")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageError("type") from error
    extension, mime = FORMATS[kind]
    stem = _NAME.sub("-", filename.rsplit(".", 1)[0].lower()).strip("-")[:60] or "immagine"
    # Re-encoding drops EXIF (GPS positions of phone photos) and any payload after the image.
    output = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        image.save(output, "PNG", optimize=True)
    else:
        image.save(output, "WEBP", quality=85)
    return f"{stem}.{extension}", output.getvalue(), mime
