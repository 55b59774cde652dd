"""Course folders on disk: load them (with the shared glossary.yml) and export them back."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from elearn.coursefmt.errors import CourseError, ErrorList, sort_errors
from elearn.coursefmt.model import Course, Glossary
from elearn.coursefmt.parse import course_from_files, is_safe_relpath, parse_glossary

GLOSSARY_FILE = "glossary.yml"


@dataclass
class LoadResult:
    """What `load_courses` found: valid courses, the shared glossary and every error."""

    courses: list[Course] = field(default_factory=list)
    glossary: Glossary = field(default_factory=Glossary)
    errors: list[CourseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def read_folder(folder: Path, display_dir: str, errors: ErrorList) -> dict[str, bytes]:
    """Every regular, non-hidden file under `folder` by POSIX relative path; symlinks refused."""
    files: dict[str, bytes] = {}
    for current, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(current)
        for name in list(dirnames):
            if _is_hidden(name):
                dirnames.remove(name)
            elif (here / name).is_symlink():
                dirnames.remove(name)
                rel = (here / name).relative_to(folder).as_posix()
                errors.add(f"{display_dir}/{rel}", 1, "symlink")
        dirnames.sort()
        for name in sorted(filenames):
            if _is_hidden(name):
                continue
            full = here / name
            rel = full.relative_to(folder).as_posix()
            if full.is_symlink():
                errors.add(f"{display_dir}/{rel}", 1, "symlink")
            elif full.is_file():
                files[rel] = full.read_bytes()
    return files


def load_glossary(
    path: str | os.PathLike[str], display_path: str | None = None
) -> tuple[Glossary, list[CourseError]]:
    """Read a glossary.yml file; a missing file is an empty glossary, not an error."""
    path = Path(path)
    if not path.is_file():
        return Glossary(), []
    return parse_glossary(path.read_bytes(), display_path or path.as_posix())


def _display_base(folder: Path) -> str:
    """Paths in errors are relative to the parent of the courses root, e.g. `courses/budget`."""
    resolved = folder.resolve()
    return f"{resolved.parent.name}/{resolved.name}" if resolved.parent.name else resolved.name


def load_course(
    path: str | os.PathLike[str],
    *,
    glossary: Glossary | None = None,
    display_dir: str | None = None,
) -> tuple[Course | None, list[CourseError]]:
    """Load and validate one course folder (its name is the slug).

    Without `glossary`, the folder's parent `glossary.yml` is read (and its errors reported).
    Errors name files as `<courses root>/<slug>/<file>` unless `display_dir` is given.
    """
    folder = Path(path)
    display_dir = display_dir or _display_base(folder)
    errors = ErrorList()
    if glossary is None:
        parent = folder.resolve().parent
        glossary, glossary_errors = load_glossary(
            parent / GLOSSARY_FILE, f"{parent.name}/{GLOSSARY_FILE}"
        )
        errors.extend(glossary_errors)
    if not folder.is_dir():
        errors.add(f"{display_dir}/course.yml", 1, "course_missing")
        return None, sort_errors(errors)
    files = read_folder(folder, display_dir, errors)
    course, course_errors = course_from_files(
        files, folder.resolve().name, glossary=glossary, display_dir=display_dir
    )
    errors.extend(course_errors)
    return (course if not errors else None), sort_errors(errors)


def load_courses(root: str | os.PathLike[str]) -> LoadResult:
    """Load every course folder under `root` (each subfolder with course.yml).

    `root` may also be a single course folder; the glossary is `root/glossary.yml`, or
    the parent's for a single course. Subfolders holding .md files but no course.yml
    are reported, so a misnamed course.yml does not hide a course.
    """
    root = Path(root)
    result = LoadResult()
    errors = ErrorList()
    if (root / "course.yml").is_file():
        course, course_errors = load_course(root)
        result.glossary, _ = load_glossary(root.resolve().parent / GLOSSARY_FILE)
        errors.extend(course_errors)
        if course is not None:
            result.courses.append(course)
        result.errors = sort_errors(errors)
        return result
    root_name = root.resolve().name
    result.glossary, glossary_errors = load_glossary(
        root / GLOSSARY_FILE, f"{root_name}/{GLOSSARY_FILE}"
    )
    errors.extend(glossary_errors)
    if not root.is_dir():
        errors.add(f"{root_name}/course.yml", 1, "course_missing")
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if _is_hidden(folder.name) or not folder.is_dir() or folder.is_symlink():
            continue
        display_dir = f"{root_name}/{folder.name}"
        if not (folder / "course.yml").is_file():
            if any(folder.glob("*.md")):
                errors.add(f"{display_dir}/course.yml", 1, "course_missing")
            continue
        course, course_errors = load_course(
            folder, glossary=result.glossary, display_dir=display_dir
        )
        errors.extend(course_errors)
        if course is not None:
            result.courses.append(course)
    result.errors = sort_errors(errors)
    return result


def course_files(course: Course) -> dict[str, bytes]:
    """Every file of the course (path inside the course folder -> bytes), as loaded."""
    return dict(course.files)


def export_course(
    course: Course, parent_dir: str | os.PathLike[str], *, clean: bool = False
) -> Path:
    """Write the course's files into `parent_dir/<slug>/`, byte for byte; returns that folder.

    With `clean`, files in that folder that are not part of the course are removed
    (hidden files are left alone), so a deleted module does not come back on import.
    """
    target = Path(parent_dir) / course.slug
    target.mkdir(parents=True, exist_ok=True)
    for relpath, data in sorted(course.files.items()):
        if not is_safe_relpath(relpath):
            raise ValueError(f"unsafe path in course files: {relpath!r}")
        destination = target / relpath
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    if clean:
        for current, dirnames, filenames in os.walk(target, topdown=False):
            here = Path(current)
            dirnames[:] = [d for d in dirnames if not _is_hidden(d)]
            for name in filenames:
                rel = (here / name).relative_to(target).as_posix()
                if not _is_hidden(name) and rel not in course.files:
                    (here / name).unlink()
            if here != target and not any(here.iterdir()):
                here.rmdir()
    return target


def export_glossary(glossary: Glossary, root: str | os.PathLike[str]) -> Path | None:
    """Write glossary.yml (its original bytes) into `root`; None when there is none."""
    if glossary.raw is None:
        return None
    path = Path(root) / GLOSSARY_FILE
    path.write_bytes(glossary.raw)
    return path
