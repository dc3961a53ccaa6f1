"""Server configuration written with the tree: a `_headers` file and an nginx snippet (pure).

Both carry the same Cache-Control and security headers as the live service.
"""

from __future__ import annotations

from widget_server.headers import response_headers
from widget_server.records import Shop


def _block(pattern: str, headers: dict[str, str]) -> str:
    return pattern + "\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())


def headers_file(shops: list[Shop], hashed_loader: str) -> str:
    """The `_headers` format read by Netlify and Cloudflare Pages."""
    blocks = [
        _block("/v1/embed.js", response_headers("loader")),
        _block(f"/v1/{hashed_loader}", response_headers("loader-hashed")),
    ]
    for shop in shops:
        blocks.append(
            _block(f"/v1/{shop.id}/summary.json", {**response_headers("json"), "Content-Type": "application/json"})
        )
        for locale in shop.locales:
            blocks.append(
                _block(
                    f"/v1/{shop.id}/{locale}/*.json", {**response_headers("json"), "Content-Type": "application/json"}
                )
            )
            blocks.append(_block(f"/v1/{shop.id}/{locale}/*.html", response_headers("widget", shop.allowed_domains)))
    return "".join(block + "\n" for block in blocks)


def _add_headers(headers: dict[str, str], indent: str) -> str:
    return "".join(f'{indent}add_header {name} "{value}" always;\n' for name, value in headers.items())


def nginx_conf(shops: list[Shop], hashed_loader: str) -> str:
    """Locations to include in a `server {}` whose `root` is the build's output folder."""
    lines = [
        "# trustwidgets static tree: include in a server {} block whose root is the --out folder.\n",
        "# Needs gzip_static (ngx_http_gzip_static_module); brotli_static needs ngx_brotli.\n",
        "location /v1/ {\n",
        "    gzip_static on;\n",
        "    types { text/html html; application/json json; text/javascript js; }\n",
        "    location = /v1/embed.js {\n",
        _add_headers(response_headers("loader"), "        "),
        "    }\n",
        f"    location = /v1/{hashed_loader} {{\n",
        _add_headers(response_headers("loader-hashed"), "        "),
        "    }\n",
        "    location ~ \\.json$ {\n",
        _add_headers(response_headers("json"), "        "),
        "    }\n",
    ]
    for shop in shops:
        if shop.allowed_domains:
            lines += [
                f"    location ~ ^/v1/{shop.id}/[a-z]+/[a-z0-9-]+\\.html$ {{\n",
                _add_headers(response_headers("widget", shop.allowed_domains), "        "),
                "    }\n",
            ]
    lines += ["    location ~ \\.html$ {\n", _add_headers(response_headers("widget"), "        "), "    }\n", "}\n"]
    return "".join(lines)
