"""The OpenAPI 3.1 description of the public JSON endpoints (served at /v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from . import __version__

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
        "imported_count",
        "source",
        "policy_url",
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
        "imported_count": {"type": "integer", "minimum": 0},
        "source": {"type": "string"},
        "policy_url": {"type": "string", "format": "uri"},
    },
}
REVIEW = {
    "type": "object",
    "required": ["id", "rating", "title", "text", "author", "date", "verification", "status", "reply"],
    "properties": {
        "id": {"type": "string"},
        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
        "title": {"type": "string"},
        "text": {"type": "string"},
        "author": {"type": "string"},
        "language": {"type": "string"},
        "date": DATE,
        "date_text": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "experienced_at": DATE,
        "verification": {"enum": ["verified", "imported"]},
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


def _json(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _path(name: str, pattern: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": pattern},
        "example": example,
    }


SHOP = _path("shop", "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", "wtw-winkel")
LOCALE = _path("locale", "^[a-z]{2,3}$", "nl")
FILTERS = [
    {"name": "stars", "in": "query", "schema": {"type": "string"}, "description": "only these ratings, e.g. 4,5"},
    {
        "name": "lang",
        "in": "query",
        "schema": {"type": "string"},
        "description": "only reviews in these languages, e.g. nl,en",
    },
]
ERRORS = {
    "404": _json("Error", "no such shop, locale or page"),
    "400": _json("Error", "an option value is not allowed"),
}


def openapi() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "trustwidgets public data",
            "version": __version__,
            "description": "Scores and reviews behind the widgets. Public GET data; never an email.",
        },
        "paths": {
            "/v1/{shop}/summary.json": {
                "get": {
                    "summary": "Score, grade, counts and distribution of the last 12 months",
                    "parameters": [SHOP],
                    "responses": {"200": _json("Summary", "the summary"), **ERRORS},
                }
            },
            "/v1/{shop}/{locale}/reviews.json": {
                "get": {
                    "summary": "The shown reviews, newest first (first page; next pages: reviews-N.json)",
                    "parameters": [SHOP, LOCALE, *FILTERS],
                    "responses": {"200": _json("ReviewsPage", "a page of reviews"), **ERRORS},
                }
            },
        },
        "components": {"schemas": {"Summary": SUMMARY, "Review": REVIEW, "ReviewsPage": PAGE, "Error": ERROR}},
    }
