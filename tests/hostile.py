"""Hostile review text: markup, template syntax, bidi controls, for escaping tests."""

from __future__ import annotations

import json

from tests.widgets import DATA

HOSTILE = {
    "title": '</script><script>window.pwned=1</script>"><img src=x onerror=alert(1)>',
    "text": "{{ 7*7 }} {% raw %} ${7*7} <b>bold</b> & \u202eevil\u202c 'quote' \"dq\"",
    "author": '"><svg onload=alert(1)>',
    "reply": {"text": "<a href=javascript:alert(1)>x</a>", "created_at": "2026-11-21T00:00:00Z"},
}


def hostile_document(shop_name='Shop <b>"&amp;'):
    document = json.loads((DATA / "widgets.json").read_text())
    document["shops"][0]["name"] = shop_name
    document["reviews"][0].update(HOSTILE)
    return document


def kiyoh_and_rewarded_document():
    """The widget data with a hostile Kiyoh review out of 10 and a review given for a reward."""
    document = json.loads((DATA / "widgets.json").read_text())
    document["reviews"] += [
        {
            **document["reviews"][0],
            **HOSTILE,
            "id": "k-1",
            "rating": 8,
            "scale": 10,
            "platform": "Kiyoh",
            "reply": {**HOSTILE["reply"], "created_at": "2026-11-23T00:00:00Z"},
            "created_at": "2026-11-22T10:00:00Z",
        },
        {
            **document["reviews"][0],
            "id": "i-1",
            "incentivized": True,
            "reply": None,
            "created_at": "2026-11-21T10:00:00Z",
        },
    ]
    return document
