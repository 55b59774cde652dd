"""Course images (web uploads and the media/ of course zips): checked by content, re-encoded
without metadata by one function, `reencode_image`."""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping

from PIL import Image, ImageSequence, UnidentifiedImageError

from elearn.coursefmt.model import sha256_hex

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
# Pillow format -> (file extension, MIME type) of what a web upload may be.
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
}
# In a course zip the module texts name the files, so a file keeps its name and is written in
# the format its extension says (the course format also allows GIF there).
FORMAT_OF_EXTENSION = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP", "gif": "GIF"}
# Image properties that are pictures, not metadata: kept through the re-encoding.
_KEPT_INFO = ("transparency", "duration", "loop", "background", "disposal")
_NAME = re.compile(r"[^a-z0-9]+")


class ImageError(ValueError):
    """`too_large` or `type` (not an image of an accepted kind)."""


def reencode_image(
    data: bytes, target: str | None = None, accepted: Collection[str] = tuple(FORMATS)
) -> tuple[bytes, str]:
    """Check `data` is a real image of an `accepted` Pillow format within the limits, and
    encode it afresh as `target` (None keeps its format). Returns (bytes, format).

    Re-encoding drops EXIF (GPS positions of phone photos), XMP, ICC profiles and comments,
    and any payload after the image."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        kind = image.format
        if kind not in accepted:
            raise ImageError("type")
        if image.width * image.height > MAX_PIXELS:
            raise ImageError("too_large")
        image.load()
        target = target or kind
        kept = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
        output = io.BytesIO()
        if target == "JPEG":
            image.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
        elif target == "GIF":
            frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
            for frame in frames:
                frame.info = {key: frame.info[key] for key in _KEPT_INFO if key in frame.info}
            frames[0].save(output, "GIF", save_all=len(frames) > 1, append_images=frames[1:])
        else:
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if target == "WEBP" or image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                image = image.convert("RGBA" if alpha else "RGB")
            image.info = kept if image.mode in ("P", "L", "1") else {}
            if target == "PNG":
                image.save(output, "PNG", optimize=True)
            else:
                image.save(output, "WEBP", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageError("type") from error
    return output.getvalue(), target


def clean_image(data: bytes, filename: str) -> tuple[str, bytes, str]:
    """A web upload: (safe file name, re-encoded bytes, MIME type); only PNG, JPEG, WebP."""
    clean, kind = reencode_image(data)
    extension, mime = FORMATS[kind]
    stem = _NAME.sub("-", filename.rsplit(".", 1)[0].lower()).strip("-")[:60] or "immagine"
    return f"{stem}.{extension}", clean, mime


def clean_course_media(
    files: Mapping[str, bytes], unchanged: Collection[str] = ()
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The media/ images of course files re-encoded like web uploads, under their own names.

    Files whose SHA-256 is in `unchanged` (the course's stored images, e.g. a zip exported and
    imported again) are kept as they are: they were cleaned when they came in, and encoding a
    JPEG again would only lose quality. Returns (files, problems by file name: ImageError codes).
    Other extensions are left to the course-format check, which names them.
    """
    cleaned: dict[str, bytes] = {}
    problems: dict[str, str] = {}
    for name, data in files.items():
        extension = name.rpartition(".")[2].lower()
        is_image = name.startswith("media/") and extension in FORMAT_OF_EXTENSION
        if not is_image or sha256_hex(data) in unchanged:
            cleaned[name] = data
        else:
            try:
                cleaned[name], _kind = reencode_image(
                    data, FORMAT_OF_EXTENSION[extension], accepted=set(FORMAT_OF_EXTENSION.values())
                )
            except ImageError as error:
                problems[name] = str(error)
    return cleaned, problems
