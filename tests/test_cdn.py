from static_build.cdn import headers_file, nginx_conf
from tests.factories import SHOP
from widget_server.core.headers import cache_control
from widget_server.core.records import parse_shop

OPEN = parse_shop(SHOP, ("en", "nl"))
LOCKED = parse_shop({**SHOP, "id": "locked", "allowed_domains": ["www.example.nl"]}, ("en", "nl"))


def test_headers_file_has_the_services_rules():
    text = headers_file([OPEN, LOCKED], "0123456789ab")
    blocks = {block.split("\n")[0]: block for block in text.strip().split("\n\n")}
    assert f"Cache-Control: {cache_control('loader-hashed')}" in blocks["/v1/embed.0123456789ab.js"]
    assert f"Cache-Control: {cache_control('loader')}" in blocks["/v1/embed.js"]
    assert "Access-Control-Allow-Origin: *" in blocks["/v1/wtw-winkel/nl/*.json"]
    assert "frame-ancestors *" in blocks["/v1/wtw-winkel/nl/*.html"]
    assert "frame-ancestors www.example.nl" in blocks["/v1/locked/en/*.html"]
    assert all("X-Content-Type-Options: nosniff" in block for block in blocks.values())


def test_nginx_conf_has_the_services_rules():
    text = nginx_conf([OPEN, LOCKED], "0123456789ab")
    assert "gzip_static on;" in text
    assert f'add_header Cache-Control "{cache_control("loader-hashed")}" always;' in text
    assert "location ~ ^/v1/locked/" in text and "location ~ ^/v1/wtw-winkel/" not in text
    assert text.count("{") == text.count("}")
