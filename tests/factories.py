"""Test data factories: a shop record, a valid review object, a JSON file of either."""

from __future__ import annotations

import json
from pathlib import Path

SHOP = {
    "id": "wtw-winkel",
    "name": "WTW Winkel",
    "locales": ["nl", "en"],
    "default_locale": "nl",
    "source": "Trustpilot",
    "policy_url": "https://www.example.nl/reviews",
}


def review(**fields):
    """A valid review object; keyword arguments override or (with None) drop fields."""
    base = {
        "id": "r-1",
        "shop": "wtw-winkel",
        "rating": 5,
        "title": "Snel geleverd",
        "text": "Prima unit.",
        "author": "Jan de Vries",
        "email": "jan@example.nl",
        "language": "nl",
        "experienced_at": "2026-09-20",
        "created_at": "2026-10-01T12:00:00Z",
        "verification": "verified",
        "status": "published",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
