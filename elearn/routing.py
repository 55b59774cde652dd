"""URL converters the whole app uses in place of Werkzeug's defaults."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

# Every number in a URL is an id or a version number, stored in an INTEGER column: 32 bits on
# PostgreSQL (64 on SQLite). A larger number names nothing, and handing it to the database
# is an error there (out of range), not a miss.
LARGEST_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only numbers the database can hold, so larger ones are a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (Werkzeug's name)
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the converters; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = BoundedIntConverter
