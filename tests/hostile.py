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
