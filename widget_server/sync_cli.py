"""The commands `trustwidgets source add|list|remove` and `trustwidgets sync` (docs/sync.md).

static_build/program.py adds them to the `trustwidgets` program beside cli.py's commands.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from .cli import Commands, days, import_summary, language_tag, seconds
from .core.dates import format_timestamp, public_timestamp
from .core.i18n import available_locales
from .messages import plural
from .sources.http_fetch import Fetcher
from .sources.platform_api import MAX_SECRET, PLATFORMS, SecretError, base_url_problem
from .sources.sync import FULL_EVERY, OVERLAP, Outcome, Sync, score_givers
from .store.protocol import ReviewStore

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2


def _fail(command: str, message: str, code: int = EXIT_UNUSABLE) -> int:
    print(f"trustwidgets {command}: {message}", file=sys.stderr)
    return code


def read_key_file(name: str) -> str:
    """The key file's text ('-': standard input); OSError or SecretError name the file, never its content."""
    if name == "-":
        text = sys.stdin.buffer.read(MAX_SECRET + 1)
    else:
        with open(name, "rb") as handle:
            text = handle.read(MAX_SECRET + 1)
    if len(text) > MAX_SECRET:
        raise SecretError(f"the key file is larger than {MAX_SECRET >> 10} KB")
    try:
        return text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SecretError("the key file is not UTF-8 text") from None


def cmd_source(args: argparse.Namespace, store: ReviewStore) -> int:
    if args.action == "list":
        return list_sources(store, args.shop)
    if args.action == "remove":
        ids = [s.remote_id for s in store.sources(args.shop) if s.platform == args.platform]
        if args.id is None and len(ids) > 1:
            listed = ", ".join(ids)
            message = f"{args.shop} has {len(ids)} {args.platform} sources ({listed}): name one with --id"
            return _fail("source remove", message, EXIT_REJECTED)
        remote_id = args.id if args.id is not None else (ids[0] if ids else "")
        if not store.remove_source(args.shop, args.platform, remote_id):
            which = f" {args.id!r}" if args.id is not None else ""
            return _fail("source remove", f"no {args.platform} source{which} for {args.shop!r}", EXIT_REJECTED)
        print(f"removed the {args.platform} source of {args.shop} ({remote_id}) and its secret")
        return EXIT_OK
    api = PLATFORMS[args.platform]
    if store.shop(args.shop) is None:
        return _fail("source add", f"no shop {args.shop!r} in the store: import its shop record first", EXIT_REJECTED)
    if problem := api.id_problem(args.id):
        return _fail("source add", problem)
    base_url = (args.base_url or "").rstrip("/")
    if base_url and (problem := base_url_problem(base_url)):
        return _fail("source add", f"--base-url: {problem}")
    try:
        secret = api.stored_secret(read_key_file(args.key_file))
    except OSError as error:
        return _fail("source add", f"{args.key_file}: cannot be read ({error.strerror}); nothing was stored")
    except SecretError as error:
        return _fail("source add", f"{error}; for {args.platform} it holds {api.secret_help}; nothing was stored")
    now = format_timestamp(datetime.now(UTC))
    new = store.add_source(args.shop, args.platform, args.id, base_url, secret, now, args.language or "")
    done = "added" if new else "replaced"
    print(f"{done} the {args.platform} source of {args.shop} ({args.id}); the next sync reads every page")
    return EXIT_OK


def list_sources(store: ReviewStore, shop: str | None) -> int:
    rows = store.sources(shop)
    if not rows:
        print("no sources yet: `trustwidgets source add SHOP --platform NAME --id ID --key-file FILE` adds one")
    givers = score_givers(rows)
    for s in rows:
        synced = f"synced {public_timestamp(s.synced_at)}" if s.synced_at else "never synced"
        error = f"last error: {s.last_error}" if s.last_error else "no error"
        running = f"\tsyncing since {public_timestamp(s.claimed_at)}" if s.claimed_at else ""
        base = s.base_url or "default host"
        language = f"\tlanguage {s.language} where a review names none" if s.language else ""
        gives = (s.shop, s.platform, s.remote_id) in givers
        scored = "" if gives else "\treviews only (the platform score is the first source's)"
        print(
            f"{s.shop}\t{s.platform}\t{s.remote_id}\t{base}\t{synced}\t{s.reviews_read} reviews read\t{error}{running}"
            f"{scored}{language}"
        )
    return EXIT_OK


class Progress:
    """One line on stderr, rewritten in place, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, line: str) -> None:
        sys.stderr.write(f"\r\x1b[K{line}")
        sys.stderr.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


def cmd_sync(args: argparse.Namespace, store: ReviewStore) -> int:
    configured = store.sources()
    unknown = [shop for shop in args.shops if not any(s.shop == shop for s in configured)]
    if unknown:
        return _fail("sync", f"no sources for {unknown[0]!r}: `trustwidgets source list` shows the configured ones")
    if not configured:
        return _fail("sync", "no sources yet: `trustwidgets source add SHOP --platform NAME …` adds one")
    progress = Progress() if sys.stderr.isatty() else None

    def rejected(rejection: object) -> None:
        if progress is not None:
            progress.end()
        print(f"rejected {rejection}", file=sys.stderr)

    run = Sync(
        store,
        Fetcher(timeout=args.timeout),
        datetime.now(UTC),
        available_locales(),
        full=args.full,
        overlap=timedelta(days=args.overlap_days),
        full_every=timedelta(days=args.full_every_days),
        on_reject=rejected,
        progress=progress,
    )
    outcomes: list[Outcome] = []
    shops = list(dict.fromkeys(args.shops)) or sorted({s.shop for s in configured})  # a shop named twice: once
    for shop_outcomes in (run.run([shop]) for shop in shops):
        for outcome in shop_outcomes:
            if progress is not None:
                progress.end()
            show(outcome)
            outcomes.append(outcome)
    failed = [o for o in outcomes if o.error]
    if len(failed) == len(outcomes):
        return EXIT_UNUSABLE
    if failed or any(o.report is not None and o.report.rejected for o in outcomes):
        return EXIT_REJECTED
    return EXIT_OK


def show(outcome: Outcome) -> None:
    where = f"{outcome.shop} {outcome.platform}" + (f" ({outcome.remote_id})" if outcome.remote_id else "")
    if outcome.error:
        print(f"trustwidgets sync: {where}: {outcome.error}; nothing of it was stored", file=sys.stderr)
        return
    read = "every page" if outcome.full else "new pages"
    assert outcome.report is not None
    counted = f"{plural(outcome.pages, 'page')}, {plural(outcome.reviews, 'review')}"
    scored = "" if outcome.gives_score else " (reviews only: the shop's first source on the platform gives its score)"
    print(f"{where}: read {read}: {counted}; {import_summary(outcome.report)}{scored}")


def add_commands(commands: Commands) -> None:
    source = commands.add_parser(
        "source",
        help="add, list or remove where a shop's reviews live on a platform (for `sync`)",
        description="A shop's source on Trustpilot, Trusted Shops (eTrusted), Google, Kiyoh or The Feedback "
        "Company: its id there and the secret `sync` reads it with (stored in the store, never printed). A "
        "shop may have several sources on one platform (an account per language, a location per branch). "
        "See docs/sync.md.",
    )
    actions = source.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a shop's source on a platform, or replace the one with that id")
    add.add_argument("shop", help="the shop (already imported)")
    add.add_argument("--platform", required=True, choices=sorted(PLATFORMS))
    add.add_argument(
        "--id",
        required=True,
        help="trustpilot the business unit id; etrusted the channel id; google accounts/A/locations/L; "
        "kiyoh the location id; feedbackcompany a name for the account (the credentials choose the shop)",
    )
    add.add_argument(
        "--key-file",
        required=True,
        metavar="FILE",
        help="the secret: trustpilot one line, the API key; etrusted one line, client_id:client_secret; "
        "google a JSON object with client_id, client_secret, refresh_token; kiyoh one line, the publication "
        "API token; feedbackcompany one line, client_id:client_secret. - reads standard input",
    )
    add.add_argument("--base-url", help="another API host (a proxy, a test server); default the platform's")
    add.add_argument(
        "--language",
        type=language_tag,
        metavar="TAG",
        help="the language of its reviews where the platform names none, as The Feedback Company and Google "
        "never do (a Feedback Company account per language); default: the shop's default locale",
    )
    listing = actions.add_parser("list", help="the sources, their last sync and last error (never a secret)")
    listing.add_argument("shop", nargs="?", help="only this shop's")
    remove = actions.add_parser("remove", help="remove a shop's source on a platform, with its secret")
    remove.add_argument("shop")
    remove.add_argument("--platform", required=True, choices=sorted(PLATFORMS))
    remove.add_argument("--id", help="which of the shop's sources on the platform (needed when it has several)")
    source.set_defaults(run=cmd_source)

    sync = commands.add_parser(
        "sync",
        help="pull the reviews and scores of every configured source (or of the shops named)",
        description="Read each source's new reviews and its platform's score and store them, each source in "
        "one transaction. Exit 0: all stored; 1: some sources failed or rows were rejected; 2: nothing "
        "could be synced. See docs/sync.md.",
    )
    sync.add_argument("shops", nargs="*", metavar="SHOP")
    sync.add_argument("--full", action="store_true", help="read every page, not only the new ones")
    sync.add_argument(
        "--overlap-days",
        type=days,
        default=OVERLAP.days,
        help=f"how far before the newest stored review an incremental sync reads again (default {OVERLAP.days})",
    )
    sync.add_argument(
        "--full-every-days",
        type=days,
        default=FULL_EVERY.days,
        help=f"read every page when the last full read is this old (default {FULL_EVERY.days})",
    )
    sync.add_argument(
        "--timeout", type=seconds, default=30.0, help="seconds each request may take (default 30, at most 600)"
    )
    sync.set_defaults(run=cmd_sync)
