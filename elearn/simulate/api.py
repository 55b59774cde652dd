"""The simulators JSON API (DESIGN.md "Simulators contract"), its charts and OpenAPI description.

It only computes and stores nothing, so it is exempt from CSRF and open to everyone.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_babel import get_locale, gettext

from elearn.extensions import csrf
from elearn.simulate import pages, services
from elearn.simulate.openapi import openapi_document
from elearn.urls import public_base_url
from simulators import InvalidInput, UnknownSimulator
from simulators.errors import NON_FIELD

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The chart is a standalone SVG document shown through <img>: matplotlib writes inline
# style attributes, so it gets its own policy, with nothing else allowed.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _language() -> str:
    """The request's language: Accept-Language first (API clients), else the site's choice."""
    chosen = request.accept_languages.best_match(["it", "en"])
    return chosen or services.language(get_locale())


def _unknown(name: str) -> tuple[dict[str, Any], int]:
    return {"error": gettext("There is no simulator called %(name)s.", name=name[:40])}, 404


@api_bp.post("/simulators/<simulator>")
@csrf.exempt
def compute(simulator: str) -> tuple[Any, int]:
    # The language only words the errors: a result is the same in every language, so it is
    # chosen on the error paths alone (it reads the header, the account and the session).
    try:
        body = pages.parse_json_body(request.get_data(cache=False))
    except pages.BadRequestBody:
        message = (
            "The body must be a JSON object."
            if _language() == "en"
            else "Il corpo della richiesta deve essere un oggetto JSON."
        )
        return {"errors": {NON_FIELD: message}}, 400
    try:
        return pages.api_response(pages.run_api(simulator, body)), 200
    except UnknownSimulator:
        return _unknown(simulator)
    except InvalidInput as exc:
        return {"errors": exc.messages(_language())}, 422


@api_bp.get("/simulators/<simulator>/chart.svg")
def chart(simulator: str) -> Response | tuple[Any, int]:
    lang = request.args.get("lang") if request.args.get("lang") in ("it", "en") else _language()
    try:
        svg = pages.chart_svg(simulator, request.args, lang)
    except UnknownSimulator:
        return _unknown(simulator)
    except InvalidInput as exc:
        return {"errors": exc.messages(lang)}, 422
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    # The address holds every input and the language, so the picture never changes.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@api_bp.get("/openapi.json")
def openapi() -> Response:
    return current_app.json.response(openapi_document(public_base_url()))
