"""Course zip files: safe reading (no zip slip, no zip bombs) and deterministic writing."""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from typing import BinaryIO

from elearn.coursefmt.errors import CourseError, ErrorList
from elearn.coursefmt.model import Course, Glossary
from elearn.coursefmt.parse import course_from_files, is_safe_relpath

DEFAULT_MAX_TOTAL_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_FILES = 500
DEFAULT_MAX_RATIO = 100
RATIO_MIN_BYTES = 64 * 1024  # tiny files may compress very well without being a threat
CHUNK = 64 * 1024
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _ignored(name: str) -> bool:
    """Directories, and the hidden files archivers add (`__MACOSX/`, `.DS_Store`)."""
    parts = name.split("/")
    return name.endswith("/") or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def read_course_zip(
    fileobj: BinaryIO,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    *,
    max_ratio: int = DEFAULT_MAX_RATIO,
    name: str = "upload.zip",
) -> tuple[dict[str, bytes], list[CourseError]]:
    """The files of a zip (path -> bytes) or, when anything is unsafe, ({}, errors).

    Refuses absolute paths, `..`, backslashes, symlinks, encrypted entries, duplicates,
    more than `max_files` files, and more than `max_total_bytes` once extracted, checking
    the declared sizes first and then the bytes actually decompressed, plus each
    entry's compression ratio. Errors name the entry (`name` for the archive itself).
    """
    errors = ErrorList()
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        errors.add(name, 1, "zip_invalid")
        return {}, errors
    with archive:
        entries: list[zipfile.ZipInfo] = []
        seen: set[str] = set()
        declared = 0
        for info in archive.infolist():
            entry = info.filename
            if not is_safe_relpath(entry.rstrip("/")):
                errors.add(name, 1, "bad_path", name=entry)
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                errors.add(entry, 1, "zip_symlink")
                continue
            if _ignored(entry):
                continue
            if entry in seen:
                errors.add(entry, 1, "zip_duplicate")
                continue
            seen.add(entry)
            if info.flag_bits & 0x1:
                errors.add(entry, 1, "zip_encrypted")
                continue
            if info.file_size > RATIO_MIN_BYTES and (
                info.compress_size == 0 or info.file_size / info.compress_size > max_ratio
            ):
                errors.add(entry, 1, "zip_ratio", max=max_ratio)
                continue
            declared += info.file_size
            entries.append(info)
        if len(entries) > max_files:
            errors.add(name, 1, "zip_too_many_files", max=max_files)
        if declared > max_total_bytes:
            errors.add(name, 1, "zip_too_large", max=max_total_bytes)
        if errors:
            return {}, errors

        files: dict[str, bytes] = {}
        total = 0
        for info in entries:
            buffer = bytearray()
            try:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        buffer += chunk
                        total += len(chunk)
                        if len(buffer) > info.file_size:
                            errors.add(info.filename, 1, "zip_size_mismatch")
                            break
                        if total > max_total_bytes:
                            errors.add(name, 1, "zip_too_large", max=max_total_bytes)
                            return {}, errors
                        if len(buffer) > RATIO_MIN_BYTES and len(buffer) > max_ratio * max(
                            info.compress_size, 1
                        ):
                            errors.add(info.filename, 1, "zip_ratio", max=max_ratio)
                            break
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
                errors.add(info.filename, 1, "zip_invalid")
                continue
            files[info.filename] = bytes(buffer)
    if errors:
        return {}, errors
    return files, []


def split_course_files(
    files: dict[str, bytes], slug: str | None = None, *, name: str = "upload.zip"
) -> tuple[str | None, dict[str, bytes], list[CourseError]]:
    """Find the course in zip files: course.yml at the top (then `slug` is needed) or in
    exactly one top folder (whose name is the slug unless `slug` is given)."""
    if "course.yml" in files and slug:
        return slug, files, []
    folders = {path.split("/", 1)[0] for path in files}
    if len(folders) == 1 and "course.yml" not in files:
        folder = folders.pop()
        if f"{folder}/course.yml" in files:
            prefix = folder + "/"
            return slug or folder, {p.removeprefix(prefix): d for p, d in files.items()}, []
    errors = ErrorList()
    errors.add(name, 1, "zip_layout")
    return None, {}, errors


def course_from_zip(
    fileobj: BinaryIO,
    *,
    slug: str | None = None,
    glossary: Glossary | None = None,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    name: str = "upload.zip",
) -> tuple[Course | None, list[CourseError]]:
    """Read, unpack and validate a course zip (as written by `write_course_zip`)."""
    files, errors = read_course_zip(fileobj, max_total_bytes, max_files, name=name)
    if errors:
        return None, errors
    found_slug, course_files, errors = split_course_files(files, slug, name=name)
    if found_slug is None:
        return None, errors
    return course_from_files(course_files, found_slug, glossary=glossary, display_dir=found_slug)


def write_course_zip(course: Course) -> bytes:
    """A zip with the course folder `<slug>/...`; the same course always gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relpath in sorted(course.files):
            info = zipfile.ZipInfo(f"{course.slug}/{relpath}", date_time=ZIP_DATE)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, course.files[relpath])
    return buffer.getvalue()
