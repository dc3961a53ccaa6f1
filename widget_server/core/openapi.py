"""The OpenAPI 3.1 description of every public path, built from the catalogue's kinds (/v1/openapi.json).

Each document kind carries its own routes and 200 answer; this module holds what they share:
the JSON schemas, the path and query parameters, the errors and the push endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from widget_server import __version__

from .options import OPTION_MAX_LENGTHS, OPTION_PATTERNS
from .paths import PARAMETERS, PUSH_PATH, WINDOW_WORDS, Route
from .platforms import FORMAT_NAMES
from .rules import VERIFICATIONS, window_words

ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}
DATE = {"type": "string", "format": "date"}
SUMMARY = {
    "type": "object",
    "required": [
        "shop",
        "name",
        "as_of",
        "window",
        "score",
        "grade",
        "review_count",
        "distribution",
        "window_total",
        "flagged_count",
        "imported_count",
        "unverified_count",
        "incentivized_count",
        "ten_point_count",
        "removed_count",
        "months",
        "source",
        "policy_url",
        "platform",
    ],
    "properties": {
        "shop": {"type": "string"},
        "name": {"type": "string"},
        "as_of": DATE,
        "window": {"type": "object", "required": ["from", "to"], "properties": {"from": DATE, "to": DATE}},
        "score": {"type": ["number", "null"], "minimum": 1, "maximum": 5},
        "grade": {"enum": ["excellent", "good", "fair", "poor", "very_poor", None]},
        "review_count": {"type": "integer", "minimum": 0},
        "distribution": {
            "type": "object",
            "required": ["1", "2", "3", "4", "5"],
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "window_total": {"type": "integer", "minimum": 0, "description": "every review given in the window"},
        "flagged_count": {"type": "integer", "minimum": 0, "description": "counted reviews under investigation"},
        "imported_count": {"type": "integer", "minimum": 0, "description": "shown, not counted: imported"},
        "unverified_count": {"type": "integer", "minimum": 0, "description": "shown, not counted: unverified"},
        "incentivized_count": {
            "type": "integer",
            "minimum": 0,
            "description": "shown, not counted: given for a reward (whatever their verification or scale)",
        },
        "ten_point_count": {
            "type": "integer",
            "minimum": 0,
            "description": "shown, not counted: rated out of 10 (Kiyoh), never converted to stars",
        },
        "removed_count": {"type": "integer", "minimum": 0, "description": "removed by the platform: not shown"},
        "months": {
            "type": "array",
            "description": "counted reviews and their mean by calendar month of the window, oldest first",
            "items": {
                "type": "object",
                "required": ["month", "from", "to", "count", "score"],
                "properties": {
                    "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                    "from": DATE,
                    "to": DATE,
                    "count": {"type": "integer", "minimum": 0},
                    "score": {"type": ["number", "null"]},
                },
            },
        },
        "source": {"type": "string"},
        "policy_url": {"type": "string", "format": "uri"},
        "platform": {
            "description": "the review platform's own score, as it published it (not ours)",
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["name", "score_name", "score", "scale", "review_count", "profile_url", "read_on"],
                    "properties": {
                        "name": {"type": "string"},
                        "score_name": {"type": "string"},
                        "score": {"type": "string", "pattern": "^[0-9]+(?:\\.[0-9]{1,2})?$"},
                        "scale": {"type": "integer"},
                        "review_count": {"type": "integer", "minimum": 0},
                        "profile_url": {"type": "string"},
                        "read_on": DATE,
                    },
                },
            ],
        },
    },
}
REVIEW = {
    "type": "object",
    "required": ["id", "rating", "title", "text", "author", "date", "verification", "status", "reply"],
    "properties": {
        "id": {"type": "string"},
        "rating": {"type": "integer", "minimum": 1, "maximum": 10, "description": "on the review's `scale`"},
        "scale": {"enum": [5, 10], "description": "absent: 5 (stars); 10: a score out of 10, never stars"},
        "incentivized": {"const": True, "description": "present only on a review given for a reward"},
        "incentive_marker": {"type": "string", "description": "with `incentivized`: what the card says"},
        "title": {"type": "string"},
        "text": {"type": "string"},
        "author": {"type": "string"},
        "language": {"type": "string"},
        "date": DATE,
        "date_text": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "experienced_at": DATE,
        "verification": {"enum": list(VERIFICATIONS)},
        "marker": {"type": "string"},
        "status": {"enum": ["published", "flagged"]},
        "reply": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["text", "created_at"],
                    "properties": {"text": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}},
                },
            ]
        },
    },
    "not": {"required": ["email"]},
}
PAGE = {
    "type": "object",
    "required": ["shop", "locale", "as_of", "total", "page", "pages", "page_size", "next", "reviews"],
    "properties": {
        "shop": {"type": "string"},
        "locale": {"type": "string"},
        "as_of": DATE,
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "page_size": {"type": "integer", "minimum": 1},
        "next": {"type": ["string", "null"]},
        "reviews": {"type": "array", "items": {"$ref": "#/components/schemas/Review"}},
    },
}


class Kind(Protocol):
    """What the OpenAPI document reads of a document kind (catalogue.DocumentKind)."""

    routes: tuple[Route, ...]
    response: dict[str, Any]


def json_response(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


QUERY = {
    "stars": "only these ratings, e.g. 4,5",
    "lang": (
        "only reviews in these languages, e.g. nl,en; all for every language; default: a widget shows "
        "its locale's language where the shop has reviews in it, reviews.json every language"
    ),
    "theme": "colours for a light page, a dark page, or the visitor's preference (light, dark or auto)",
    "accent": "a hex colour such as #f5a400",
    "background": "a hex colour for a solid panel; empty or absent: transparent (also accepted in the URL fragment)",
    "count": "how many reviews the carousel shows, 1 to 50",
}
EXAMPLES = {
    "shop": "wtw-winkel",
    "locale": "nl",
    "page": "2",
    "widget": "badge",
    "variant": "dark-positive",
    "sku": "ZEH-Q350",
    "product_widget": "stars",
}
ERRORS: dict[str, dict[str, Any]] = {
    "404": json_response("Error", "no such shop, locale, page or document"),
    "400": json_response("Error", "an option value is not allowed"),
}


def _parameters(route: Route) -> list[dict[str, Any]]:
    names = re.findall(r"\{([a-z_]+)\}", route.template)
    found: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": f"^(?:{PARAMETERS[name]})$"},
            **({"example": EXAMPLES[name]} if name in EXAMPLES else {}),
        }
        for name in names
    ]
    for name in route.options:
        schema: dict[str, Any] = {"type": "string", "pattern": f"^(?:{OPTION_PATTERNS[name]})$"}
        if name in OPTION_MAX_LENGTHS:
            schema["maxLength"] = OPTION_MAX_LENGTHS[name]
        found.append({"name": name, "in": "query", "schema": schema, "description": QUERY[name]})
    return found


def _plain(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


def _responses(route: Route, answer: dict[str, Any]) -> dict[str, Any]:
    """The document, and errors as JSON for .json paths and as plain text for the others."""
    responses: dict[str, Any] = {"200": answer}
    if route.template.endswith(".json"):
        responses.update(ERRORS)
    else:
        responses.update({status: _plain(error["description"]) for status, error in ERRORS.items()})
    return responses


PUSH_RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["accepted", "unchanged", "rejected", "rejected_count", "skipped", "unknown_fields", "platform_score"],
    "properties": {
        "accepted": {"type": "integer", "description": "reviews new or changed"},
        "unchanged": {"type": "integer"},
        "rejected": {
            "type": "array",
            "description": (
                "each rejected row with its line (JSON Lines, CSV) or its item (a JSON document's,"
                ' "reviews[3]"), the platform\'s id and the reason'
            ),
            "items": {
                "type": "object",
                "properties": {
                    "line": {"type": ["integer", "null"]},
                    "item": {"type": ["string", "null"]},
                    "id": {"type": ["string", "null"]},
                    "reason": {"type": "string"},
                },
            },
        },
        "rejected_count": {"type": "integer"},
        "skipped": {"type": "object", "additionalProperties": {"type": "integer"}},
        "unknown_fields": {"type": "array", "items": {"type": "string"}},
        "platform_score": {"type": "boolean"},
    },
}
PUSH: dict[str, Any] = {
    "summary": "Push reviews for one shop (a per-shop token; see docs/import.md)",
    "security": [{"token": []}],
    "parameters": [
        {
            "name": "shop",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": f"^(?:{PARAMETERS['shop']})$"},
        },
        {
            "name": "format",
            "in": "query",
            "schema": {"enum": ["native", *FORMAT_NAMES]},
            "description": "the body's format; default native",
        },
    ],
    "requestBody": {
        "required": True,
        "description": (
            "at most 10 MB: native JSON, CSV, or a platform's JSON; JSON Lines also as application/x-ndjson"
        ),
        "content": {"application/json": {"schema": {}}, "text/csv": {"schema": {"type": "string"}}},
    },
    "responses": {
        "200": {"description": "what was stored", "content": {"application/json": {"schema": PUSH_RESULT}}},
        "400": json_response("Error", "the body cannot be used at all; nothing was stored"),
        "401": json_response("Error", "no token, or not a valid one"),
        "403": json_response("Error", "the token belongs to another shop, or may not push this format"),
        "404": json_response("Error", "no such shop"),
        "413": json_response("Error", "the body is larger than 10 MB"),
        "415": json_response("Error", "a media type the format does not take"),
        "429": json_response("Error", "too many pushes with this token (see Retry-After)"),
    },
}


def openapi(kinds: Iterable[Kind]) -> dict[str, Any]:
    """Every public path of the catalogue's kinds, with the JSON schemas of the data documents."""
    paths = {
        route.template: {
            "get": {
                "summary": route.summary.replace(WINDOW_WORDS, window_words()),
                "parameters": _parameters(route),
                "responses": _responses(route, kind.response),
            }
        }
        for kind in kinds
        for route in kind.routes
    }
    paths[PUSH_PATH] = {"post": PUSH}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "trustwidgets public documents",
            "version": __version__,
            "description": "Widgets, scores and reviews. Public GET documents; never an email.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Summary": SUMMARY, "Review": REVIEW, "ReviewsPage": PAGE, "Error": ERROR},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
