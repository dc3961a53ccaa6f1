"""The documents outside any shop, byte for byte: the OpenAPI document, the loader, `_headers`
and nginx.conf. A change to any of them must be looked at: run with UPDATE_GOLDEN=1 to accept it.
"""

import os
from pathlib import Path

import pytest

from static_build.cdn import framing_of, headers_file, nginx_conf
from tests.factories import SHOP
from widget_server.core.catalogue import KINDS
from widget_server.core.loader import loader
from widget_server.core.openapi import openapi
from widget_server.core.records import parse_shop
from widget_server.core.render import render_json

GOLDEN = Path(__file__).parent / "golden" / "site"
SHOPS = [
    parse_shop(SHOP, ("en", "nl")),
    parse_shop({**SHOP, "id": "locked", "allowed_domains": ["www.example.nl", "shop.example.com:8443"]}, ("en", "nl")),
    parse_shop({**SHOP, "id": "local", "allowed_domains": ["localhost", "127.0.0.1"]}, ("en", "nl")),
]


def documents():
    framing = framing_of(SHOPS)
    return {
        "openapi.json": render_json(openapi(KINDS)),
        "embed.js": loader().body,
        "_headers": headers_file(framing).encode(),
        "nginx.conf": nginx_conf(framing).encode(),
        "nginx-brotli.conf": nginx_conf(framing, brotli=True).encode(),
    }


@pytest.mark.parametrize("name", list(documents()))
def test_site_document_is_its_golden(name):
    body = documents()[name]
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{path} differs; look at the change, then UPDATE_GOLDEN=1"
