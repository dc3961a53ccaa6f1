"""Server configuration written with the tree: a `_headers` file and an nginx snippet (pure).

Both carry the same Cache-Control and security headers as the live service.
"""

from __future__ import annotations

from widget_server.core.catalogue import SHOP_GLOBS, WIDGET_REGEX, DocumentRef, site_documents
from widget_server.core.csp import WIDGET_SCRIPT_DIGEST
from widget_server.core.headers import response_headers
from widget_server.core.models import Shop

JSON_TYPE = {"Content-Type": "application/json"}


def _block(pattern: str, headers: dict[str, str]) -> str:
    return pattern + "\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())


def _headers_of(kind: str, domains: tuple[str, ...] = ()) -> dict[str, str]:
    return {**response_headers(kind, domains), **(JSON_TYPE if kind == "json" else {})}


def headers_file(shops: list[Shop], loader_digest: str) -> str:
    """The `_headers` format read by Netlify and Cloudflare Pages."""
    blocks = [_block(ref.path, _headers_of(ref.header_kind)) for ref in site_documents(loader_digest)]
    for shop in shops:
        seen: set[str] = set()
        for locale in shop.locales:
            for pattern, kind in SHOP_GLOBS:
                glob = pattern.format(shop=shop.id, locale=locale)
                if glob not in seen:
                    seen.add(glob)
                    blocks.append(_block(glob, _headers_of(kind, shop.allowed_domains)))
    return "".join(block + "\n" for block in blocks)


def _add_headers(headers: dict[str, str], indent: str) -> str:
    return "".join(f'{indent}add_header {name} "{value}" always;\n' for name, value in headers.items())


def nginx_conf(shops: list[Shop], loader_digest: str) -> str:
    """Locations to include in a `server {}` whose `root` is the build's output folder."""
    lines = [
        "# trustwidgets static tree: include in a server {} block whose root is the --out folder.\n",
        "# Needs gzip_static (ngx_http_gzip_static_module); brotli_static needs ngx_brotli.\n",
        "location /v1/ {\n",
        "    gzip_static on;\n",
        "    types { text/html html; application/json json; text/javascript js; }\n",
        f"    location = {DocumentRef('loader').path} {{\n",
        _add_headers(response_headers("loader"), "        "),
        "    }\n",
        f"    location = {DocumentRef('loader-hashed', digest=loader_digest).path} {{\n",
        _add_headers(response_headers("loader-hashed"), "        "),
        "    }\n",
        f"    location = {DocumentRef('widget-script', digest=WIDGET_SCRIPT_DIGEST).path} {{\n",
        _add_headers(response_headers("loader-hashed"), "        "),
        "    }\n",
        "    location ~ \\.json$ {\n",
        _add_headers(response_headers("json"), "        "),
        "    }\n",
    ]
    for shop in shops:
        if shop.allowed_domains:
            lines += [
                f"    location ~ {WIDGET_REGEX.format(shop=shop.id)} {{\n",
                _add_headers(response_headers("widget", shop.allowed_domains), "        "),
                "    }\n",
            ]
    lines += ["    location ~ \\.html$ {\n", _add_headers(response_headers("widget"), "        "), "    }\n", "}\n"]
    return "".join(lines)
