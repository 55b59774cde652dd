"""Where bundled resources live, both in a source checkout and in an installed wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` (templates, static, courses, migrations).

    In the wheel these folders sit inside the package; in a source checkout (or an
    editable install) they sit at the repository root, next to the package.
    """
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name
