"""`trustwidgets build`: the command-line face of the static build."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from widget_server.messages import plural
from widget_server.store.sqlite import Store

from .build import BuildError, build
from .layout import LayoutError
from .progress import Progress


def _io_failure(command: str, error: OSError, after: str = "") -> int:
    """One line for a failed read or write (a full disk, a permission): never a traceback."""
    where = f" ({error.filename})" if error.filename else ""
    print(f"trustwidgets {command} failed: {error.strerror or error}{where}{after}", file=sys.stderr)
    return 1


def build_command(args: argparse.Namespace, store: Store) -> int:
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


def merge_command(args: argparse.Namespace) -> int:
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


def publish_command(args: argparse.Namespace) -> int:
    from datetime import timedelta

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
        f"{result.seconds:.2f} s"
    )
    return 0
