"""Course zips: round trip, and refusal of zip slip, symlinks and zip bombs."""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile

from elearn.coursefmt import (
    course_from_zip,
    load_course,
    load_courses,
    read_course_zip,
    write_course_zip,
)

from .conftest import GOOD_ROOT

COURSE = GOOD_ROOT / "budget-familiare"


def _zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, data)
    buffer.seek(0)
    return buffer


def _errors(fileobj: io.BytesIO, **limits: int) -> list[str]:
    files, errors = read_course_zip(fileobj, **limits)
    assert files == {} or not errors
    return [str(e) for e in errors]


def test_zip_round_trip_keeps_every_byte() -> None:
    result = load_courses(GOOD_ROOT)
    course = result.courses[0]
    data = write_course_zip(course)
    again, errors = course_from_zip(io.BytesIO(data), glossary=result.glossary)
    assert errors == [] and again is not None
    assert again.slug == course.slug
    assert again.files == course.files
    assert again.content_hash == course.content_hash


def test_written_zip_is_deterministic_and_uses_the_slug_folder() -> None:
    course, _ = load_course(COURSE)
    assert course is not None
    assert write_course_zip(course) == write_course_zip(course)
    names = zipfile.ZipFile(io.BytesIO(write_course_zip(course))).namelist()
    assert names == sorted(f"budget-familiare/{p}" for p in course.files)


def test_zip_with_course_yml_at_top_needs_a_slug() -> None:
    course, _ = load_course(COURSE)
    assert course is not None
    flat = _zip(dict(course.files))
    refused, errors = course_from_zip(flat)
    assert refused is None
    assert [str(e) for e in errors] == [
        "upload.zip:1: the zip must hold one course: course.yml at the top or in one folder"
    ]
    flat.seek(0)
    _, errors = course_from_zip(flat, slug="budget-familiare")
    # the glossary was not given, so only glossary terms fail: the layout was accepted
    assert {e.code for e in errors} == {"unknown_term"}


def test_archiver_clutter_is_ignored() -> None:
    files, errors = read_course_zip(
        _zip({"c/course.yml": b"x", "__MACOSX/c/._course.yml": b"y", "c/.DS_Store": b"z"})
    )
    assert errors == [] and files == {"c/course.yml": b"x"}


def test_zip_slip_paths_are_refused() -> None:
    entries = {
        "c/../../etc/evil.md": b"x",
        "/etc/abs.md": b"x",
        "c\\..\\win.md": b"x",
        "C:/win.md": b"x",
        "c/./dot.md": b"x",
    }
    assert _errors(_zip(entries)) == [
        "upload.zip:1: unsafe file path 'c/../../etc/evil.md'",
        "upload.zip:1: unsafe file path '/etc/abs.md'",
        "upload.zip:1: unsafe file path 'c\\..\\win.md'",
        "upload.zip:1: unsafe file path 'C:/win.md'",
        "upload.zip:1: unsafe file path 'c/./dot.md'",
    ]


def test_symlinks_in_zip_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("c/media/link.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    buffer.seek(0)
    assert _errors(buffer) == ["c/media/link.png:1: symbolic links are not allowed in the zip"]


def test_duplicate_entries_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we want
        archive.writestr("c/course.yml", b"a")
        archive.writestr("c/course.yml", b"b")
    buffer.seek(0)
    assert _errors(buffer) == ["c/course.yml:1: the zip contains this file twice"]


def test_too_many_files_are_refused() -> None:
    entries = {f"c/media/{i}.png": b"x" for i in range(6)}
    assert _errors(_zip(entries), max_files=5) == ["upload.zip:1: the zip holds more than 5 files"]


def test_declared_total_size_over_the_limit_is_refused() -> None:
    entries = {"c/a.md": b"a" * 600, "c/b.md": b"b" * 600}
    assert _errors(_zip(entries, compression=zipfile.ZIP_STORED), max_total_bytes=1000) == [
        "upload.zip:1: the zip content is larger than 1000 bytes once extracted"
    ]


def test_highly_compressed_entries_are_refused_as_bombs() -> None:
    bomb = _zip({"c/media/bomb.png": b"\0" * (2 * 1024 * 1024)})
    assert _errors(bomb) == ["c/media/bomb.png:1: suspicious compression ratio (over 100:1)"]


def _lie_about_size(data: bytes, declared: int) -> bytes:
    """Patch the uncompressed size in the local header and the central directory."""
    patched = bytearray(data)
    local = patched.find(b"PK\x03\x04")
    struct.pack_into("<I", patched, local + 22, declared)
    central = patched.find(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, declared)
    return bytes(patched)


def test_entries_larger_than_declared_are_refused() -> None:
    honest = _zip({"c/a.md": b"abcdefgh" * 4000}).getvalue()
    lying = io.BytesIO(_lie_about_size(honest, 100))
    files, errors = read_course_zip(lying)
    assert files == {}
    assert [e.code for e in errors] in (["zip_size_mismatch"], ["zip_invalid"])


def test_a_lying_size_header_never_yields_the_extra_bytes() -> None:
    # zipfile stops at the declared size and the CRC then fails; our own count of the
    # bytes actually read backs this up
    honest = _zip({"c/a.md": b"x" * 5000}, compression=zipfile.ZIP_STORED).getvalue()
    files, errors = read_course_zip(io.BytesIO(_lie_about_size(honest, 10)), max_total_bytes=100)
    assert files == {} and errors


def test_not_a_zip_is_refused() -> None:
    assert _errors(io.BytesIO(b"not a zip at all")) == ["upload.zip:1: not a valid zip file"]


def test_encrypted_entries_are_refused() -> None:
    honest = _zip({"c/a.md": b"x"}, compression=zipfile.ZIP_STORED).getvalue()
    patched = bytearray(honest)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = patched.find(signature) + offset
        struct.pack_into("<H", patched, position, 1)
    assert _errors(io.BytesIO(bytes(patched))) == [
        "c/a.md:1: encrypted zip entries are not supported"
    ]
