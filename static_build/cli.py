"""`trustwidgets build`, `merge` and `publish`: the command-line face of the static build.

add_commands puts them on widget_server's command line (static_build/program.py does, for the program);
what they run is imported when they run, so the other commands start no slower for them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from widget_server.cli import Commands, as_of_date, days
from widget_server.messages import plural

if TYPE_CHECKING:
    from widget_server.store.protocol import ReviewStore


def _io_failure(command: str, error: OSError, after: str = "") -> int:
    """One line for a failed read or write (a full disk, a permission): never a traceback."""
    where = f" ({error.filename})" if error.filename else ""
    print(f"trustwidgets {command} failed: {error.strerror or error}{where}{after}", file=sys.stderr)
    return 1


def build_command(args: argparse.Namespace, store: ReviewStore) -> int:
    from .build import BuildError, PartlySwapped, build
    from .layout import LayoutError
    from .progress import Progress

    store.close()  # the build opens its own connections
    try:
        result = build(
            Path(args.data),
            Path(args.out),
            args.as_of,
            shop_ids=args.shop,
            shard=args.shard,
            jobs=max(1, args.jobs),
            base_url=args.base_url.rstrip("/"),
            brotli=args.brotli,
            on_progress=Progress(),
        )
    except (BuildError, LayoutError) as error:
        print(f"trustwidgets build: {error}", file=sys.stderr)
        return 1
    except PartlySwapped as error:
        after = (
            "; the shops put in place before it have their new files, the others and manifest.json "
            "their previous ones: run the build again to finish"
        )
        return _io_failure("build", error, after)
    except OSError as error:
        return _io_failure("build", error, "; the previous output is unchanged")
    state = "updated" if result.changed else "unchanged"
    for warning in result.warnings:
        print(f"trustwidgets build: warning: {warning}", file=sys.stderr)
    for shop_id, reason in sorted(result.failed.items()):
        print(
            f"trustwidgets build: shop {shop_id!r} could not be built ({reason}); "
            "its previous files, if any, stay served",
            file=sys.stderr,
        )
    failed = f", {len(result.failed)} failed" if result.failed else ""
    print(
        f"built {plural(result.shops_built, 'shop')}, skipped {result.shops_skipped} unchanged{failed}, "
        f"{plural(result.files, 'file')}, {plural(result.bytes, 'byte')}, {result.seconds:.2f} s; {args.out} {state}"
    )
    return 1 if result.failed else 0


def merge_command(args: argparse.Namespace, store: ReviewStore | None) -> int:
    from .build import BuildError
    from .layout import LayoutError
    from .merge import merge

    try:
        result = merge(
            Path(args.out),
            [Path(shard) for shard in args.shards],
            base_url=None if args.base_url is None else args.base_url.rstrip("/"),
        )
    except (BuildError, LayoutError) as error:
        print(f"trustwidgets merge: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        return _io_failure("merge", error, f"; {args.out} is unchanged")
    for warning in result.warnings:
        print(f"trustwidgets merge: warning: {warning}", file=sys.stderr)
    state = "updated" if result.changed else "unchanged"
    print(
        f"merged {plural(len(args.shards), 'tree')}: {plural(result.shops_copied, 'shop')} taken in, "
        f"{result.shops_kept} unchanged, {plural(result.files, 'file')}, {plural(result.bytes, 'byte')}, "
        f"{result.seconds:.2f} s; {args.out} {state}"
    )
    return 0


def publish_command(args: argparse.Namespace, store: ReviewStore | None) -> int:
    from datetime import timedelta

    from .build import BuildError
    from .publish import PublishError, Target, publish

    try:
        target = Target.parse(args.to)
    except ValueError as error:
        print(f"trustwidgets publish: {error}", file=sys.stderr)
        return 2
    try:
        result = publish(
            Path(args.out),
            target,
            endpoint_url=args.endpoint_url,
            grace=timedelta(hours=args.grace_hours),
            encoding=args.encoding,
            jobs=max(1, args.jobs),
            top=args.top,
            take_over=args.take_over,
        )
    except (PublishError, BuildError) as error:
        print(
            f"trustwidgets publish: {error}; objects already sent stay, nothing in use was deleted: publish again",
            file=sys.stderr,
        )
        return 1
    except OSError as error:
        return _io_failure("publish", error)
    print(
        f"published {plural(result.objects, 'object')} to {args.to}: {result.sent} sent "
        f"({plural(result.bytes_sent, 'byte')}), {result.retired} retired, {result.deleted} deleted, "
        f"{result.seconds:.2f} s{'' if result.what == 'tree' else ', for the ' + result.what}"
    )
    return 0


def _shard(text: str) -> Any:
    from .top import Shard

    try:
        return Shard.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_commands(commands: Commands) -> None:
    """build, merge and publish, after the service's commands (widget_server.cli.parser)."""
    build = commands.add_parser(
        "build",
        help="write every shop's widgets and JSON as static files for a CDN",
        description="Write the same URL tree as the service into DIR, atomically and incrementally.",
    )
    build.add_argument("--out", required=True, help="output folder")
    build.add_argument("--as-of", type=as_of_date, default=None, help="the build's date (default today, UTC)")
    build.add_argument("--shop", action="append", default=None, help="build only this shop (repeatable)")
    build.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="I/N",
        help="build only the shops of shard I of N (by a hash of the shop id) into DIR; combine with merge",
    )
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPU count)")
    build.add_argument("--base-url", default="", help="public URL the tree is served from (for the loader)")
    build.add_argument(
        "--brotli",
        action="store_true",
        help="also write .br twins (for nginx's brotli_static); they are about 10%% smaller than the .gz "
        "twins and cost about a quarter of the build's time",
    )
    build.set_defaults(run=build_command)

    merge = commands.add_parser(
        "merge",
        help="combine the trees of a sharded build into one",
        description="Combine the trees of `build --shard I/N` (every shard of N) into DIR, "
        "incrementally and one shop at a time, as a build writes it.",
    )
    merge.add_argument("--out", required=True, help="the combined tree")
    merge.add_argument("--base-url", default=None, help="public URL the tree is served from (default: the shards')")
    merge.add_argument("shards", nargs="+", metavar="SHARD_DIR", help="the --out folder of each shard's build")
    merge.set_defaults(run=merge_command, store_free=True)

    publish = commands.add_parser(
        "publish",
        help="upload a built tree to S3-compatible object storage, only what changed",
        description="Upload the documents of DIR to s3://BUCKET/PREFIX: only objects whose bytes or "
        "headers changed since the last publish, new objects before the bucket's state, stale ones "
        "deleted only after the grace period. Credentials the standard AWS way (environment, "
        "~/.aws, instance role). A shard's tree (build --shard I/N) publishes that shard's shops under a "
        "state of its own; then --top publishes the site's own files, once every shard is in the bucket.",
    )
    publish.add_argument("--out", required=True, help="the built tree (build's or merge's --out, or a shard's)")
    publish.add_argument("--to", required=True, metavar="s3://BUCKET/PREFIX", help="where the objects go")
    publish.add_argument(
        "--endpoint-url", default=None, help="an S3-compatible service: R2, B2, MinIO, SeaweedFS (env AWS_ENDPOINT_URL)"
    )
    publish.add_argument(
        "--grace-hours",
        type=days,
        default=192.0,
        help="keep objects no longer built this long (default 192: 8 days, past a CDN's stale copies)",
    )
    publish.add_argument(
        "--encoding",
        choices=("identity", "gzip"),
        default="identity",
        help="store documents as sent (the CDN compresses; default) or as their gzip twin with Content-Encoding",
    )
    publish.add_argument("--jobs", type=int, default=8, help="uploads at once (default 8)")
    publish.add_argument(
        "--top",
        action="store_true",
        help="the final step of a sharded publish: the site's own files (loader, OpenAPI) from --out, any one "
        "shard's tree, refused until every shard of its N is published for its date and version",
    )
    publish.add_argument(
        "--take-over",
        action="store_true",
        help="switch a bucket between a merged tree and shards: this publish owns (and retires) the objects "
        "of the other kind's states, and they are removed",
    )
    publish.set_defaults(run=publish_command, store_free=True)
