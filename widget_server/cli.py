"""The service's commands of `trustwidgets`: init, import, demo, summary, shops, token, serve, proxy-config.

static_build/program.py puts them and the build's (static_build/cli.py) under one program; this module
never imports static_build, which depends on widget_server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeAlias

from .core.dates import format_timestamp, public_timestamp, today_utc
from .core.i18n import available_locales
from .core.platforms import EVERY_FORMAT, FORMAT_NAMES, default_token_formats, parse_token_formats, token_formats
from .core.records import FIRST_YEAR, LAST_YEAR, Invalid, parse_language
from .core.rules import window_length
from .messages import plural
from .sources.importer import Rejection, Report, Unusable, import_document, import_files
from .store.open import STORE_ENV, explain_failure, open_store, sqlite_path, store_url
from .store.protocol import ReviewStore, StoreError

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2
MAX_DAYS = 3650  # what a number of days (or hours) on the command line may be at most

# The commands that may make a new store where there is none; the others only read one or
# need a shop in it, and say where they looked instead of leaving an empty store behind.
CREATING = frozenset({"init", "import", "demo", "serve"})

# The subcommands of the parser, which another package's commands are added to (see parser()).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def may_create(command: str) -> bool:
    return command in CREATING


def as_of_date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written as YYYY-MM-DD: {value!r}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # the window's arithmetic stays in the calendar
        raise argparse.ArgumentTypeError(f"not a date in the years {FIRST_YEAR}–{LAST_YEAR}: {value!r}")
    return day


def _number(value: str, fits: Callable[[float], bool], wanted: str) -> float:
    """`value` read as a number that `fits` (NaN fits no comparison), else one line naming `wanted`."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not fits(number):
        raise argparse.ArgumentTypeError(f"not a number {wanted}: {value!r}")
    return number


def days(value: str) -> float:
    """A number of days (or hours) a command takes: finite, not negative, at most ten years' worth."""
    return _number(value, lambda n: 0 <= n <= MAX_DAYS, f"from 0 to {MAX_DAYS:,}")


def language_tag(value: str) -> str:
    """A language tag as a review's `language` is written (nl, de, en-GB)."""
    try:
        return parse_language(value)
    except Invalid as error:
        raise argparse.ArgumentTypeError(str(error)) from None


MAX_TIMEOUT = 600.0  # seconds: one request of a platform's API, at most ten minutes


def seconds(value: str) -> float:
    """A request's timeout in seconds: more than 0, at most MAX_TIMEOUT."""
    return _number(value, lambda n: 0 < n <= MAX_TIMEOUT, f"of seconds above 0 and at most {MAX_TIMEOUT:g}")


def _default_as_of() -> date:
    configured = os.environ.get("TRUSTWIDGETS_AS_OF")
    if not configured:
        return today_utc()
    try:
        return as_of_date(configured)
    except argparse.ArgumentTypeError as error:
        print(f"trustwidgets: TRUSTWIDGETS_AS_OF: {error}", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE) from None


def _show_rejection(rejection: Rejection) -> None:
    print(f"rejected {rejection}", file=sys.stderr)


def cmd_import(args: argparse.Namespace, store: ReviewStore) -> int:
    try:
        if args.format == "native":
            if args.shop or args.profile_url or args.language or "-" in args.files:
                raise Unusable("--shop, --profile-url, --language and - (standard input) go with a platform --format")
            report = import_files(
                store,
                [Path(p) for p in args.files],
                available_locales=available_locales(),
                shop_file=Path(args.shop_file) if args.shop_file else None,
                on_reject=_show_rejection,
            )
        else:
            report = _import_platform(args, store)
    except Unusable as error:
        print(f"trustwidgets import: {error}; nothing was stored", file=sys.stderr)
        if error.hint:
            print(error.hint, file=sys.stderr)
        return EXIT_UNUSABLE
    print(import_summary(report))
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _import_platform(args: argparse.Namespace, store: ReviewStore) -> Report:
    from .sources.platform_import import Input, import_platform

    if not args.shop:
        raise Unusable(f"--format {args.format} needs --shop SHOP: the shop the reviews belong to")
    if args.shop_file:
        raise Unusable("--shop-file goes with native files; a platform format imports into an existing --shop")
    with contextlib.ExitStack() as stack:
        inputs = []
        for name in args.files:
            if name == "-":
                inputs.append(Input("-", sys.stdin.buffer))
                continue
            try:
                inputs.append(Input(name, stack.enter_context(open(name, "rb"))))
            except OSError as error:
                raise Unusable(f"{name}: cannot be read ({error.strerror})") from None
        return import_platform(
            store,
            args.format,
            args.shop,
            inputs,
            read_on=today_utc(),
            available_locales=available_locales(),
            profile_url=args.profile_url or "",
            on_reject=_show_rejection,
            language=args.language or "",
        )


def import_summary(report: Report) -> str:
    """The one line an import ends with: what changed, what was skipped, which fields were ignored."""
    line = (
        f"imported: {plural(report.reviews_changed, 'review')} new or updated, "
        f"{report.reviews_unchanged} unchanged, {plural(report.shops_changed, 'shop')} new or updated, "
        f"{report.rejected} rejected"
    )
    if report.skipped:
        reasons = "; ".join(f"{n} {reason}" for reason, n in sorted(report.skipped.items()))
        line += f", {sum(report.skipped.values())} skipped ({reasons})"
    if report.platform_scores:
        line += ", platform score read"
    for platform in report.scores_removed:
        line += f", {platform} score removed ({platform} has none now)"
    for name, fields in sorted(report.unknown_fields.items()):
        line += f"; fields not known to us, ignored in {name}: {', '.join(fields)}"
    return line


def cmd_init(args: argparse.Namespace, store: ReviewStore) -> int:
    shops, reviews = store.counts()
    if args.created:
        print("an empty store is ready: add a shop with `trustwidgets import FILE` (docs/import.md)")
    else:
        print(f"the store is already there, holding {plural(shops, 'shop')} and {plural(reviews, 'review')}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, store: ReviewStore) -> int:
    from .demo import demo_document

    report = import_document(
        store,
        demo_document(args.as_of),
        available_locales=available_locales(),
        name="demo",
        on_reject=_show_rejection,
    )
    shops, reviews = store.counts()
    print(
        f"demo data loaded: {plural(report.reviews_changed, 'review')} new or updated; "
        f"store holds {plural(shops, 'shop')}, {plural(reviews, 'review')}"
    )
    return EXIT_REJECTED if report.rejected else EXIT_OK


def cmd_summary(args: argparse.Namespace, store: ReviewStore) -> int:
    snapshot = store.snapshot(args.shop, args.as_of)
    if snapshot is None:
        print(f"trustwidgets summary: no shop {args.shop!r} in the store", file=sys.stderr)
        return EXIT_REJECTED
    print(json.dumps(snapshot.summary, indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_shops(args: argparse.Namespace, store: ReviewStore) -> int:
    if args.action == "remove":
        return remove_shops(store, args.ids)
    rows = store.shops()
    if args.json:
        # The record and, kept apart from it, the platforms' scores: the output imports as it is.
        listed = [{**shop.to_record(), "platforms": [p.to_record() for p in shop.platforms]} for shop, _ in rows]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print("no shops yet: `trustwidgets import FILE` or `trustwidgets demo` adds some")
    for shop, version in rows:
        print(f"{shop.id}\t{shop.name}\t{','.join(shop.locales)}\t{shop.source}\tversion {version}")
    return EXIT_OK


def remove_shops(store: ReviewStore, ids: list[str]) -> int:
    ids = list(dict.fromkeys(ids))  # a shop named twice is removed, and said, once
    if not ids:
        print("trustwidgets shops remove: name the shop ids to remove", file=sys.stderr)
        return EXIT_UNUSABLE
    known = {shop.id for shop, _ in store.shops()}
    missing = [shop_id for shop_id in ids if shop_id not in known]
    if missing:
        print(f"trustwidgets shops remove: no shop {missing[0]!r} in the store; nothing was removed", file=sys.stderr)
        return EXIT_REJECTED
    removed = store.remove_shops(ids, format_timestamp(datetime.now(UTC)))
    for shop_id in ids:
        reviews, tokens = removed[shop_id]
        revoked = f"; revoked its {plural(tokens, 'push token')}" if tokens else ""
        print(f"removed shop {shop_id!r} and its {plural(reviews, 'review')}{revoked}")
    return EXIT_OK


def cmd_token(args: argparse.Namespace, store: ReviewStore) -> int:
    """Push tokens: create prints one once (only its hash is kept), list and revoke."""
    now = format_timestamp(datetime.now(UTC))
    if args.action == "create":
        if not args.target:
            print("trustwidgets token create: name the shop (trustwidgets token create SHOP)", file=sys.stderr)
            return EXIT_UNUSABLE
        if store.shop(args.target) is None:
            print(f"trustwidgets token create: no shop {args.target!r} in the store", file=sys.stderr)
            return EXIT_REJECTED
        if args.formats is None:
            formats = default_token_formats(store.review_platforms(args.target))
        else:
            try:
                formats = parse_token_formats(args.formats)
            except ValueError as error:
                print(f"trustwidgets token create: --formats: {error}", file=sys.stderr)
                return EXIT_UNUSABLE
        token = store.create_token(args.target, args.label or "", now, formats=formats)
        print(token)
        print(f"It may push: {', '.join(formats)}", file=sys.stderr)
        print(
            "Keep this token where your platform or back-office keeps secrets; it is shown only now. "
            f"Push with: curl -H 'Authorization: Bearer {token[:10]}…' --data-binary @reviews.json "
            f"-H 'Content-Type: application/json' https://YOUR-HOST/v1/{args.target}/reviews",
            file=sys.stderr,
        )
        return EXIT_OK
    if args.action == "list":
        if args.target and store.shop(args.target) is None:
            print(f"trustwidgets token list: no shop {args.target!r} in the store", file=sys.stderr)
            return EXIT_REJECTED
        rows = store.tokens(args.target)
        if not rows:
            print("no tokens yet: `trustwidgets token create SHOP` makes one")
        for token_id, shop, label, created, revoked, stored in rows:
            state = f"revoked {public_timestamp(revoked)}" if revoked else "active"
            shown = "all formats" if stored == EVERY_FORMAT else ",".join(token_formats(stored))
            print(f"{token_id}\t{shop}\t{label or '-'}\tcreated {public_timestamp(created)}\tpushes {shown}\t{state}")
        return EXIT_OK
    if not args.target:
        print("trustwidgets token revoke: name the token id (see `trustwidgets token list`)", file=sys.stderr)
        return EXIT_UNUSABLE
    token_id = args.target.removeprefix("tw_").split("_")[0]  # a whole token pasted by mistake works too
    if not store.revoke_token(token_id, now):
        print(f"trustwidgets token revoke: no active token {token_id!r}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"revoked token {token_id}; pushes with it now get 401")
    return EXIT_OK


def check_serve(args: argparse.Namespace) -> str | None:
    from .http.serve import check_listen

    return check_listen(args.host, args.port)


def cmd_serve(args: argparse.Namespace, store: ReviewStore) -> int:
    from .http.serve import serve

    return serve(args)


def cmd_proxy_config(args: argparse.Namespace, store: ReviewStore | None) -> int:
    from .http.proxy_config import ProxySettings, nginx_server_block

    settings = ProxySettings(
        upstream=args.upstream, listen=args.listen, server_name=args.server_name, header_timeout=args.header_timeout
    )
    print(nginx_server_block(settings), end="")
    return EXIT_OK


def parser(*more: Callable[[Commands], None]) -> argparse.ArgumentParser:
    """The command line; each of `more` adds its commands after these (static_build.cli.add_commands)."""
    top = argparse.ArgumentParser(
        prog="trustwidgets",
        description="Turn verified customer reviews into trust badges, star snippets, review "
        "carousels and footer widgets, served live or built as static files.",
    )
    top.add_argument(
        "--data",
        default=os.environ.get("TRUSTWIDGETS_DATA", "var"),
        help="folder holding the review store and the cache (env TRUSTWIDGETS_DATA, default ./var)",
    )
    top.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="a postgresql:// URL for a shared store (env TRUSTWIDGETS_STORE); default: SQLite in the data folder",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = commands.add_parser(
        "import",
        help="import reviews and shops from .json, .jsonl or .csv files",
        description="Check every row against the review rules and store the good ones, all files "
        "in one transaction. Importing the same file again changes nothing; an updated review "
        "replaces the stored one. Exit 0: every row stored; 1: some rows rejected (each is "
        "printed with its line, id and reason); 2: an input cannot be used, nothing stored.",
    )
    imp.add_argument(
        "files", nargs="+", metavar="FILE", help="native .json, .jsonl or .csv file; with --format also - (stdin)"
    )
    imp.add_argument("--shop-file", help="a native .json file with the shop records for .jsonl/.csv reviews")
    imp.add_argument(
        "--format",
        default="native",
        choices=("native", *FORMAT_NAMES),
        help="a platform's own format (see docs/import.md); default: our native .json/.jsonl/.csv",
    )
    imp.add_argument("--shop", help="with --format: the shop (already imported) the reviews belong to")
    imp.add_argument("--profile-url", help="with --format: the shop's profile page on the platform")
    imp.add_argument(
        "--language",
        type=language_tag,
        metavar="TAG",
        help="with --format: the language of reviews whose platform names none (default: the shop's default locale)",
    )
    imp.set_defaults(run=cmd_import)

    init = commands.add_parser(
        "init",
        help="make an empty store (the other commands that read one never make it)",
        description="Make an empty review store in the data folder (or the schema in --store's "
        "database); a store that is already there is left as it is.",
    )
    init.set_defaults(run=cmd_init)

    demo = commands.add_parser(
        "demo",
        help="load a generated demo data set (wtw-winkel and greenvent)",
        description="Load two demo shops with a few hundred generated reviews over 18 months.",
    )
    demo.add_argument("--as-of", type=as_of_date, default=None, help="the demo's last day (default today, UTC)")
    demo.set_defaults(run=cmd_demo)

    summary = commands.add_parser(
        "summary",
        help="print a shop's score summary as JSON",
        description="Print the score, grade, counts and distribution a widget shows for a shop.",
    )
    summary.add_argument("shop", help="the shop id, such as wtw-winkel")
    window = f"the day the {window_length()}-month window ends (default today, UTC)"
    summary.add_argument("--as-of", type=as_of_date, default=None, help=window)
    summary.set_defaults(run=cmd_summary)

    shops = commands.add_parser(
        "shops",
        help="list the shops in the store, or remove some",
        description="List the stored shops; `shops remove ID...` removes shops with all their reviews "
        "and revokes their push tokens (one transaction). The next build drops their files.",
    )
    shops.add_argument("action", nargs="?", choices=("list", "remove"), default="list")
    shops.add_argument("ids", nargs="*", metavar="ID", help="with remove: the shops to remove")
    shops.add_argument("--json", action="store_true", help="print the shop records as JSON")
    shops.set_defaults(run=cmd_shops)

    token = commands.add_parser(
        "token",
        help="create, list or revoke a shop's push tokens",
        description="Tokens for POST /v1/SHOP/reviews. `token create SHOP` prints a new token once "
        "(the store keeps only a hash); `token list [SHOP]`; `token revoke ID`.",
    )
    token.add_argument("action", choices=("create", "list", "revoke"))
    token.add_argument(
        "target", nargs="?", metavar="SHOP|ID", help="create: the shop; list: a shop; revoke: a token id"
    )
    token.add_argument("--label", help="with create: what the token is for, such as 'Trustpilot webhook'")
    token.add_argument(
        "--formats",
        metavar="LIST",
        help="with create: the formats the token may push, a comma list such as trustpilot,native, or all "
        "(default: native and the formats of the platforms the shop already has reviews or a score from)",
    )
    token.set_defaults(run=cmd_token)

    serve = commands.add_parser(
        "serve",
        help="serve widgets, JSON, the embed loader and the staff preview over HTTP",
        description="Run the live widget service under uvicorn.",
    )
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to listen on (env HOST)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port (env PORT)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument(
        "--as-of", type=as_of_date, default=None, help="pin the date (env TRUSTWIDGETS_AS_OF; default today, UTC)"
    )
    serve.add_argument("--access-log", action="store_true", help="log one line per request (as `make run` does)")
    serve.add_argument(
        "--public-url",
        default=os.environ.get("TRUSTWIDGETS_PUBLIC_URL", ""),
        help="the address shops load widgets from, for the preview's snippets (env TRUSTWIDGETS_PUBLIC_URL)",
    )
    serve.add_argument(
        "--static-url",
        default=os.environ.get("TRUSTWIDGETS_STATIC_URL", ""),
        help="where the static build is served (its build --base-url), for the preview's snippets when "
        "'static files' is chosen (env TRUSTWIDGETS_STATIC_URL)",
    )
    serve.add_argument(
        "--preview",
        default=None,
        metavar="on|off|TOKEN",
        help="the staff preview: on, off, or on for those who give TOKEN once (/preview/?token=TOKEN); "
        "default on when listening on a loopback address, else off (env TRUSTWIDGETS_PREVIEW)",
    )
    serve.add_argument(
        "--cache-dir",
        default=os.environ.get("TRUSTWIDGETS_CACHE"),
        help="where rendered widgets are cached (env TRUSTWIDGETS_CACHE; default DATA/cache)",
    )
    serve.add_argument(
        "--cache-size-mb",
        type=float,
        default=None,
        help="the render cache's size cap in MB (default 512; never more than half the volume's free space)",
    )
    serve.set_defaults(run=cmd_serve, precheck=check_serve)

    proxy = commands.add_parser(
        "proxy-config",
        help="print the nginx server block to put in front of `trustwidgets serve`",
        description="Print an nginx upstream and server block that cuts slow or silent clients "
        "(which uvicorn cannot) and passes complete requests to the service.",
    )
    proxy.add_argument("--upstream", default="127.0.0.1:8000", help="where the service listens")
    proxy.add_argument("--listen", default="80", help="nginx's listen directive (port or address:port)")
    proxy.add_argument("--server-name", default="_", help="nginx's server_name")
    proxy.add_argument("--header-timeout", type=int, default=10, help="seconds a client has to send its headers")
    proxy.set_defaults(run=cmd_proxy_config, store_free=True)

    for add in more:
        add(commands)
    return top


def run(args: argparse.Namespace) -> int:
    """Run the parsed command: open (or make) the store it needs, and turn a failure into one line."""
    if getattr(args, "as_of", "unset") is None and args.command != "serve":
        args.as_of = _default_as_of()
    elif args.command == "serve":
        _default_as_of()  # the service reads a pinned day for itself: a bad one is one line here
    if args.store is not None:  # for this process and what it starts (the build's workers, the service)
        os.environ[STORE_ENV] = args.store
    if getattr(args, "store_free", False):  # a command on files only: no store is opened or made
        return int(args.run(args, None))
    precheck = getattr(args, "precheck", None)  # what can fail before a store is opened or made
    problem = precheck(args) if precheck else None
    if problem:
        print(f"trustwidgets {args.command}: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    sqlite = not store_url()
    existed = sqlite and sqlite_path(args.data).exists()
    try:
        store = open_store(args.data, create=may_create(args.command))
    except (StoreError, OSError) as error:
        print(f"trustwidgets: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    args.created = sqlite and not existed
    if args.created:
        print(f"trustwidgets: created a new store at {sqlite_path(args.data)}", file=sys.stderr)
    try:
        return int(args.run(args, store))
    except Exception as error:
        explained = explain_failure(error, store)
        if explained is None:
            raise
        # an import rolled back whole: nothing of it was stored
        done = (
            ""
            if isinstance(error, StoreError) or args.command not in ("import", "demo")
            else "; nothing of this import was stored"
        )
        print(f"trustwidgets: {explained}{done}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        with contextlib.suppress(Exception):  # closing must not hide what went wrong
            store.close()
