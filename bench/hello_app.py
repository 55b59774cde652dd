"""A bare Flask app with one route: the baseline for `bench_load.py`.

Served with the same gunicorn settings as the real app (`gunicorn bench.hello_app:app`), it
shows what the server, the network stack and the load generator cost on their own, so the
real app's numbers can be read as a ratio to it.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
