"""Server configuration written with the tree: a `_headers` file and an nginx fragment (pure).

Both carry the same Cache-Control and security headers as the live service. Neither grows
with the number of shops, except by one rule for each shop that restricts who may frame it.
"""

from __future__ import annotations

from widget_server.core.catalogue import (
    LOADER,
    LOADER_HASHED,
    REVIEW_FEED,
    WIDGET_REGEX,
    WIDGET_SCRIPT_KIND,
    DocumentRef,
)
from widget_server.core.headers import response_headers
from widget_server.core.models import Shop
from widget_server.core.paths import LOADER_HASH, PREFIX, WIDGET_SCRIPT_PATH

JSON_TYPE = {"Content-Type": "application/json"}
# Cloudflare Pages reads at most 100 rules from `_headers`, and lines of at most 2,000 characters.
HEADER_RULES_LIMIT = 100
HEADER_LINE_LIMIT = 2000
NOT_FOUND = "404 Not Found\n"  # as the live service answers a path it does not know
NOT_FOUND_JSON = '{"error":"no such document","status":404}'  # and a .json path of no document


def _block(pattern: str, headers: dict[str, str]) -> str:
    return pattern + "\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())


def _headers_of(kind: str, domains: tuple[str, ...] = ()) -> dict[str, str]:
    return {**response_headers(kind, domains), **(JSON_TYPE if kind == "json" else {})}


Framing = dict[str, tuple[str, ...]]  # shop id -> the domains that may frame its widgets (none: anyone)


def framing_of(shops: list[Shop]) -> Framing:
    """The shops that restrict framing, and to which domains: all these files need of a shop."""
    return {shop.id: shop.allowed_domains for shop in shops if shop.allowed_domains}


def framing_rule(shop_id: str, domains: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """The one per-shop rule: only the shop's allowed domains may frame its widgets.

    A request matching several rules gets the headers of all of them, so this Content-Security-
    Policy arrives beside the catch-all `frame-ancestors *` one; a browser enforces every policy
    it gets, so the stricter one decides.
    """
    csp = response_headers("widget", domains)["Content-Security-Policy"]
    return f"{PREFIX}{shop_id}/*.html", {"Content-Security-Policy": csp}


def header_rules(framing: Framing) -> list[tuple[str, dict[str, str]]]:
    # every hashed loader, this build's and earlier ones' (kept: pages pin them with integrity)
    scripts = (DocumentRef(LOADER), DocumentRef(LOADER_HASHED, digest="*"))
    rules = [(ref.path, _headers_of(ref.header_kind)) for ref in scripts]
    # the widgets' scripts, one rule for all (the list widget has one of its own beside widget.js)
    rules.append((WIDGET_SCRIPT_PATH.format(digest="*"), _headers_of(WIDGET_SCRIPT_KIND.header_kind)))
    rules.append((f"{PREFIX}*.json", _headers_of("json")))
    # the review feed: a host's own type for .xml may be text/xml; the service says application/xml
    rules.append(
        (f"{PREFIX}*.xml", {**response_headers(REVIEW_FEED.header_kind), "Content-Type": REVIEW_FEED.media_type})
    )
    rules.append((f"{PREFIX}*.html", _headers_of("widget")))
    rules.extend(framing_rule(shop_id, domains) for shop_id, domains in sorted(framing.items()))
    return rules


def headers_file(framing: Framing) -> str:
    """The `_headers` format read by Netlify and Cloudflare (static assets and Pages)."""
    return "".join(_block(pattern, headers) + "\n" for pattern, headers in header_rules(framing))


def header_warnings(framing: Framing) -> list[str]:
    """What a host that reads `_headers` would drop: rules past its limit, lines too long."""
    rules = header_rules(framing)
    warnings = []
    if len(rules) > HEADER_RULES_LIMIT:
        warnings.append(
            f"_headers has {len(rules)} rules ({len(framing)} shops restrict framing); Cloudflare Pages reads "
            f"only the first {HEADER_RULES_LIMIT}: serve those shops from nginx or the live service"
        )
    long = [
        pattern for pattern, headers in rules if any(len(f"  {n}: {v}") > HEADER_LINE_LIMIT for n, v in headers.items())
    ]
    if long:
        warnings.append(
            f"_headers: {len(long)} rule(s) have a line over {HEADER_LINE_LIMIT} characters, "
            f"which Cloudflare Pages ignores (first: {long[0]})"
        )
    return warnings


def _add_headers(headers: dict[str, str], indent: str, *, always: bool = True) -> str:
    flag = " always" if always else ""
    return "".join(f'{indent}add_header {name} "{value}"{flag};\n' for name, value in headers.items())


def _location(match: str, kind: str, domains: tuple[str, ...] = (), *, extra: str = "") -> list[str]:
    """A location with the service's headers for a document that exists (200 or 304)."""
    headers = {**response_headers(kind, domains), "Vary": "Accept-Encoding"}
    return [f"    location {match} {{\n", extra, _add_headers(headers, "        ", always=False), "    }\n"]


def _not_found(indent: str, *, json: bool = False) -> list[str]:
    """The body of a location that answers as the live service does for an unknown path: a
    line of text, or for a .json path a JSON error (never a type its extension would give)."""
    body = NOT_FOUND_JSON.replace('"', '\\"') if json else NOT_FOUND.strip()
    return [
        f"{indent}types {{ }}\n",
        f"{indent}default_type {'application/json' if json else 'text/plain'};\n",
        _add_headers(response_headers("error"), indent),
        f'{indent}return 404 "{body}\\n";\n',
    ]


def nginx_conf(framing: Framing, brotli: bool = False) -> str:
    """An nginx fragment for the `server {}` block whose `root` is the build's output folder."""
    twins = ".gz and .br" if brotli else ".gz"
    lines = [
        "# trustwidgets static tree. A fragment for a server {} block whose root is the --out folder:\n",
        "#\n",
        "#     server {\n",
        "#         listen 443 ssl;\n",
        "#         server_name widgets.example.com;\n",
        "#         root /srv/widgets;\n",
        "#         include /srv/widgets/nginx.conf;\n",
        "#     }\n",
        "#\n",
        "# Needs gzip_static (ngx_http_gzip_static_module). Reload nginx after a build only when this\n",
        "# file changed: it names the shops that restrict framing. Every answer below /v1/ carries\n",
        f"# `Vary: Accept-Encoding` (a document of 1 KB or more has a {twins} twin{'s' if brotli else ''}), and a\n",
        "# missing path is a short-lived 404.\n",
        *(
            ["# Where ngx_brotli is loaded, add `brotli_static on;` to the /v1/ location.\n"]
            if brotli
            else ["# The tree has no .br twins: build with --brotli for them (and ngx_brotli's brotli_static).\n"]
        ),
        "\n",
        "# The build's own files are not documents.\n",
        "location ~ ^/(?:manifest\\.json|nginx\\.conf|_headers)$ {\n",
        *_not_found("    "),
        "}\n",
        f"location = {PREFIX.removesuffix('/')} {{  # not a folder to be sent to\n",
        *_not_found("    "),
        "}\n",
        "# One spelling per document, as the service: no empty segment and no percent-encoding in a\n",
        "# path below /v1/ (nginx would merge and decode them); such a path is a missing one.\n",
        f'if ($request_uri ~ "^{PREFIX.removesuffix("/")}(?:/[^?]*)?(?://|%)") {{\n',
        f"    rewrite ^ {PREFIX}.missing last;\n",
        "}\n",
        "\n",
        f"location {PREFIX} {{\n",
        "    gzip_static on;\n",
        f"    types {{ text/html html; application/json json; text/javascript js; {REVIEW_FEED.media_type} xml; }}\n",
        "    charset utf-8;  # as the service: text/html and text/javascript say utf-8, JSON needs no charset\n",
        "    charset_types text/javascript;  # text/html is always one\n",
        "    try_files $uri =404;  # a folder is not a document: 404, never a listing, 403 or redirect\n",
        "    error_page 404 = @trustwidgets_not_found;\n",
        "    # twins are sent for their document, never as themselves; dot files are the build's lists\n",
        "    location ~ (?:\\.gz|\\.br)$|/\\. {\n",
        "        return 404;\n",
        "    }\n",
    ]
    lines += _location(f"= {DocumentRef(LOADER).path}", "loader")
    # every hashed script, this build's and earlier ones' (kept: pages cached elsewhere name them)
    lines += _location(f'~ "^{PREFIX}(?:embed|widget)\\.{LOADER_HASH.pattern}\\.js$"', "loader-hashed")
    lines += _location("~ \\.json$", "json", extra="        error_page 404 = @trustwidgets_not_found_json;\n")
    lines += _location("~ \\.xml$", REVIEW_FEED.header_kind)
    for shop_id, domains in sorted(framing.items()):
        lines += _location(f"~ {WIDGET_REGEX.format(shop=shop_id)}", "widget", domains)
    lines += _location("~ \\.html$", "widget")
    lines += [
        "}\n",
        "\n",
        "location @trustwidgets_not_found {\n",
        *_not_found("    "),
        "}\n",
        "location @trustwidgets_not_found_json {\n",
        *_not_found("    ", json=True),
        "}\n",
    ]
    return "".join(lines)
