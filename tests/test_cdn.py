import subprocess

from static_build.cdn import HEADER_RULES_LIMIT, framing_of, header_rules, header_warnings, headers_file, nginx_conf
from tests.factories import SHOP
from widget_server.core.headers import cache_control
from widget_server.core.records import parse_shop

OPEN = parse_shop(SHOP, ("en", "nl"))
LOCKED = parse_shop({**SHOP, "id": "locked", "allowed_domains": ["www.example.nl"]}, ("en", "nl"))


def blocks_of(text):
    return {block.split("\n")[0]: block for block in text.strip().split("\n\n")}


def test_headers_file_has_the_services_rules():
    blocks = blocks_of(headers_file(framing_of([OPEN, LOCKED])))
    assert f"Cache-Control: {cache_control('loader-hashed')}" in blocks["/v1/embed.*.js"]
    assert f"Cache-Control: {cache_control('loader')}" in blocks["/v1/embed.js"]
    assert "Access-Control-Allow-Origin: *" in blocks["/v1/*.json"]
    assert "Content-Type: application/json" in blocks["/v1/*.json"]
    assert "frame-ancestors *" in blocks["/v1/*.html"]
    assert f"Cache-Control: {cache_control('widget')}" in blocks["/v1/*.html"]
    assert "frame-ancestors www.example.nl" in blocks["/v1/locked/*.html"]
    assert "/v1/wtw-winkel/*.html" not in blocks  # an open shop needs no rule of its own
    assert all(
        "X-Content-Type-Options: nosniff" in block for pattern, block in blocks.items() if "locked" not in pattern
    )


def shops(count, locked):
    return [
        parse_shop(
            {**SHOP, "id": f"shop-{n:04d}", **({"allowed_domains": [f"www.s{n}.nl"]} if n < locked else {})},
            ("en", "nl"),
        )
        for n in range(count)
    ]


def test_headers_file_does_not_grow_with_the_shops():
    """Cloudflare Pages reads 100 rules: 1,000 open shops take the six fixed ones."""
    assert len(header_rules(framing_of(shops(1000, 0)))) == 6
    assert len(blocks_of(headers_file(framing_of(shops(1000, 0))))) == 6
    assert len(header_rules(framing_of(shops(1000, 94)))) == HEADER_RULES_LIMIT
    assert header_warnings(framing_of(shops(1000, 94))) == []


def test_the_build_warns_when_framing_rules_pass_the_limit():
    (warning,) = header_warnings(framing_of(shops(1000, 95)))
    assert "101 rules (95 shops restrict framing)" in warning and "first 100" in warning


def test_a_framing_rule_over_the_line_limit_is_named():
    domains = [f"s{n:02d}-{'x' * 24}.example.nl" for n in range(50)]
    capped = parse_shop({**SHOP, "allowed_domains": domains, "id": "capped"}, ("en", "nl"))
    (warning,) = header_warnings(framing_of([capped]))
    assert "over 2000 characters" in warning and "/v1/capped/*.html" in warning


def test_nginx_conf_has_the_services_rules():
    text = nginx_conf(framing_of([OPEN, LOCKED]))
    assert "gzip_static on;" in text
    assert f'add_header Cache-Control "{cache_control("loader-hashed")}";' in text
    assert "location ~ ^/v1/locked/" in text and "location ~ ^/v1/wtw-winkel/" not in text
    assert text.count("{") == text.count("}")
    assert text.startswith("# trustwidgets static tree. A fragment for a server {} block")


def test_nginx_accepts_the_config_of_a_shop_at_every_cap(tmp_path):
    """A shop with the most and longest allowed domains still gives a config nginx loads."""
    domains = [f"s{n:02d}-{'x' * 24}.example.nl" for n in range(50)]  # 50 × 39 characters
    shop = parse_shop({**SHOP, "allowed_domains": domains, "id": "capped"}, ("en", "nl"))
    assert len(" ".join(domains)) <= 2048
    fragment = tmp_path / "trustwidgets.conf"
    fragment.write_text(nginx_conf(framing_of([shop, parse_shop(SHOP, ("en", "nl"))])))
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}} http {{ access_log off; "
        f"client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy; "
        f"fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi; "
        f"server {{ listen 127.0.0.1:1; root {tmp_path}; include {fragment}; }} }}"
    )
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
