import subprocess

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


def test_nginx_accepts_the_config_of_a_shop_at_every_cap(tmp_path):
    """A shop with the most and longest allowed domains still gives a config nginx loads."""
    domains = [f"s{n:02d}-{'x' * 24}.example.nl" for n in range(50)]  # 50 × 39 characters
    shop = parse_shop({**SHOP, "allowed_domains": domains, "id": "capped"}, ("en", "nl"))
    assert len(" ".join(domains)) <= 2048
    fragment = tmp_path / "trustwidgets.conf"
    fragment.write_text(nginx_conf([shop, parse_shop(SHOP, ("en", "nl"))], "0123456789ab"))
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
