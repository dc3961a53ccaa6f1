"""Publish a built tree to S3-compatible object storage, sending only what changed.

The bucket keeps the state of the last publish (`<prefix>/_trustwidgets/publish.json`: each
object's digest and headers, and when a stale one was retired). A publish:

1. uploads every object whose bytes or headers differ from that state (in parallel);
2. writes the new state, which lists the new objects and retires the ones no longer built;
3. deletes only objects retired longer ago than the grace period (default 8 days, longer than
   a CDN may serve a stale page that names them), so a CDN or a reader that learnt a key from
   the previous tree never gets a 404 mid-publish.

Before sending, it announces the keys it is about to write (`pending`), so a publish that stops
halfway leaves nothing the next one cannot retire or set right (an object it overwrote is sent
again, whatever the last finished state says); a deletion stays listed until it is done.

A sharded build publishes from its shards: a shard's tree puts its shops under a state of its
own (`_trustwidgets/publish-shard-I-of-N.json`), and `top=True` then puts the site's own files
under `_trustwidgets/publish-top.json` once every shard of N is in the bucket for the tree's date
and version; publish_states.py says which state owns which key.

An object is replaced in one PUT, so a reader gets its old bytes or its new ones. S3 cannot
negotiate encodings: each document is one object, sent identity by default (the CDN
compresses at the edge) or, with `encoding="gzip"`, as its gzip twin with
`Content-Encoding: gzip` for a CDN that stores it so and decompresses for the rare client that
cannot take it. Response headers other than Content-Type, Cache-Control and Content-Encoding
(the CSP with a shop's `frame-ancestors`, CORS) cannot be object metadata: the CDN adds them
(docs/static-build.md has a worked example).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from widget_server.core.catalogue import parse
from widget_server.core.headers import cache_control
from widget_server.core.paths import LOADER_HASH, PREFIX, shop_folder

from . import publish_states as states
from .build import exclusive
from .layout import Layout, shop_manifest_name
from .top import Shard, read_manifest

STATE_NAME = states.MERGED  # a merged tree's state; publish_states names the shards' and the top's
ENCODINGS = ("identity", "gzip")
# A CDN may answer from a stale copy of a page for a day (stale-while-revalidate) and, while the
# origin fails, for a week (stale-if-error): what such a page names stays for longer than that.
DEFAULT_GRACE = timedelta(days=8)
DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys
# A shop's page may pin the loader by its content hash with integrity (docs/embedding.md): a
# hashed loader once published stays in the bucket for good (a few KB each), never retired with
# the tree that named it, as the build keeps it in the tree and the service keeps serving it.
PINNED = re.compile(rf"(?:^|/){PREFIX.strip('/')}/embed\.{LOADER_HASH.pattern}\.js$")


MAX_PREFIX = 512
PREFIX_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


def prefix_of(path: str) -> str:
    """The key prefix of an s3:// URL's path: "" or plain folders ending in "/", else ValueError.

    One leading and one trailing slash are dropped ("/a/b/" is "a/b/"). Each folder is letters,
    digits, ".", "_" and "-", and is not "." or "..": S3 keeps keys literally, but a CDN or a
    sync tool that maps them to paths would resolve "a/../b" or "a//b" elsewhere, and the state
    would name keys other than the ones stored. Percent signs are refused, so nothing decodes
    to a dot segment later. The message names the rule broken, not the whole URL.
    """
    prefix = path.removeprefix("/").removesuffix("/")
    if not prefix and not path.startswith("//"):
        return ""
    if len(prefix) > MAX_PREFIX:
        raise ValueError(f"--to s3://BUCKET/PREFIX: the prefix is longer than {MAX_PREFIX} characters")
    for segment in prefix.split("/"):
        if segment in (".", ".."):
            raise ValueError(f"--to s3://BUCKET/PREFIX: the prefix has a {segment!r} segment; name the folders plainly")
        if not segment:
            raise ValueError("--to s3://BUCKET/PREFIX: the prefix has an empty segment (//); write each / once")
        if not PREFIX_SEGMENT.fullmatch(segment):
            raise ValueError(
                "--to s3://BUCKET/PREFIX: a prefix segment may hold only letters, digits, '.', '_' and '-'"
            )
    return f"{prefix}/"


class PublishError(Exception):
    """The publish cannot go on; the bucket's state is the previous publish's."""


@dataclass(frozen=True, slots=True)
class Target:
    bucket: str
    prefix: str  # "" or "some/folder/" (always ending in a slash)

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"--to must be s3://BUCKET or s3://BUCKET/PREFIX, not {url!r}")
        return cls(parts.netloc, prefix_of(parts.path))

    def key(self, relative: str) -> str:
        return self.prefix + relative

    @property
    def state_key(self) -> str:
        return self.key(STATE_NAME)


@dataclass(frozen=True, slots=True)
class Upload:
    """One object as it should be in the bucket."""

    key: str
    path: Path
    sha256: str  # of the bytes sent
    content_type: str
    cache_control: str
    encoding: str  # "identity" or "gzip"
    site: bool = False  # the loader, the widgets' script, OpenAPI: sent before the pages that name them
    hashed: bool = False  # named by its content's hash (immutable): safe to send before the pages

    def state(self) -> dict[str, str]:
        return {
            "sha256": self.sha256,
            "type": self.content_type,
            "cache": self.cache_control,
            "encoding": self.encoding,
        }


@dataclass(frozen=True, slots=True)
class PublishResult:
    objects: int
    sent: int
    bytes_sent: int
    retired: int  # no longer built: kept until the grace period is over
    deleted: int
    seconds: float
    what: str = "tree"  # "tree", "shard I/N" or "top (N = ...)"


def _documents(out: Path, shops: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
    """(relative path, manifest entry) of every document of the tree, twins included (without
    `shops`, only the site's own)."""
    manifest = read_manifest(out)
    if "shops" not in manifest:
        raise PublishError(f"{out} is not a trustwidgets build (no manifest.json)")
    yield from manifest["files"].items()
    for shop_id in manifest["shops"] if shops else ():
        folder = shop_folder(shop_id)
        listed = out / folder / shop_manifest_name(manifest["shops"][shop_id]["digest"])
        try:
            files = json.loads(listed.read_text())["files"]
        except (OSError, ValueError, KeyError):
            raise PublishError(f"{listed} is missing or unreadable: build {out} again") from None
        for relative, entry in files.items():
            yield f"{folder}/{relative}", entry


def uploads(out: Path, target: Target, encoding: str = "identity", *, shops: bool = True) -> dict[str, Upload]:
    """Every object the tree should be in the bucket, by key (pure but for reading the lists);
    without `shops`, only the site's own."""
    entries = dict(_documents(out, shops))
    found = {}
    for relative in entries:
        if relative.endswith((".gz", ".br")):
            continue
        ref = parse("/" + relative)
        if ref is None:
            raise PublishError(f"{relative} is not a document of the URL tree: build {out} again")
        coding, name = "identity", relative
        if encoding == "gzip" and f"{relative}.gz" in entries:
            coding, name = "gzip", f"{relative}.gz"
        found[target.key(relative)] = Upload(
            key=target.key(relative),
            path=out / name,
            sha256=str(entries[name]["sha256"]),
            content_type=ref.media_type,
            cache_control=cache_control(ref.header_kind),
            encoding=coding,
            site=not ref.shop,
            hashed=bool(ref.digest),
        )
    return found


def plan(
    wanted: dict[str, Upload], state: dict[str, Any], now: datetime, grace: timedelta
) -> tuple[list[Upload], dict[str, str], list[str]]:
    """What to send (the site's own files first: the pages sent after them name them), what is
    retired (key -> when), and what to delete now (pure).

    Keys an unfinished publish had announced as pending may be in the bucket, with its bytes or
    the ones before: those still built are sent again, those no longer built are retired like
    the objects of the last publish.
    """
    previous = state.get("objects", {})
    pending = set(state.get("pending", []))
    changed = [upload for key, upload in wanted.items() if key in pending or previous.get(key) != upload.state()]
    send = sorted(changed, key=lambda upload: (not upload.site, upload.key))
    retired = {
        key: when for key, when in state.get("retired", {}).items() if key not in wanted and not PINNED.search(key)
    }
    for key in [*previous, *state.get("pending", [])]:
        if key not in wanted and key not in retired and not PINNED.search(key):
            retired[key] = now.isoformat()
    doomed = sorted(key for key, when in retired.items() if now - datetime.fromisoformat(when) >= grace)
    for key in doomed:
        del retired[key]
    return send, retired, doomed


def _client(endpoint_url: str | None) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise PublishError("publish needs boto3: pip install 'trustwidgets[publish]'") from None
    config = Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=16)
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)


def _explain(error: Exception) -> str:
    """One line for a failed S3 call: the service's code and message, never a traceback."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        detail = response["Error"]
        return f"{detail.get('Code', 'error')}: {detail.get('Message', '')}".rstrip(": ")
    return f"{type(error).__name__}: {error}"


def _read_state(client: Any, target: Target, name: str = STATE_NAME) -> dict[str, Any]:
    try:
        body = client.get_object(Bucket=target.bucket, Key=target.key(name))["Body"].read()
    except client.exceptions.NoSuchKey:
        return {}
    except client.exceptions.NoSuchBucket:
        raise PublishError(f"there is no bucket {target.bucket!r} (publish does not create one)") from None
    try:
        state: dict[str, Any] = json.loads(body)
    except ValueError:
        raise PublishError(f"s3://{target.bucket}/{target.key(name)} is not a publish state") from None
    return state


def _write_state(client: Any, target: Target, name: str, state: dict[str, Any]) -> None:
    body = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
    client.put_object(
        Bucket=target.bucket, Key=target.key(name), Body=body, ContentType="application/json", CacheControl="no-store"
    )


def _put(client: Any, target: Target, upload: Upload) -> int:
    body = upload.path.read_bytes()
    if hashlib.sha256(body).hexdigest() != upload.sha256:
        raise PublishError(f"{upload.path} changed since its build: build again, then publish")
    extra = {"ContentEncoding": "gzip"} if upload.encoding == "gzip" else {}
    client.put_object(
        Bucket=target.bucket,
        Key=upload.key,
        Body=body,
        ContentType=upload.content_type,
        CacheControl=upload.cache_control,
        **extra,
    )
    return len(body)


def send_in_order(put: Callable[[Upload], int], send: list[Upload], jobs: int) -> int:
    """Every upload through `put`, the site's own files (loader, widget script) all before any
    page that names them; after the first failure no new upload starts, and the failure is raised.

    Returns the bytes sent.
    """
    failed = threading.Event()

    def guarded(upload: Upload) -> int:
        if failed.is_set():
            return 0
        try:
            return put(upload)
        except BaseException:
            failed.set()
            raise

    total = 0
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        for phase in ([u for u in send if u.site], [u for u in send if not u.site]):
            futures = [pool.submit(guarded, upload) for upload in phase]
            errors = []
            for future in futures:
                try:
                    total += future.result()
                except BaseException as error:
                    errors.append(error)
            if errors:
                raise errors[0]
    return total


@dataclass(frozen=True, slots=True)
class Step:
    """One publish: its own state, what it wants in the bucket, and what it read of the others."""

    name: str  # its state, relative to the prefix
    what: str  # "tree", "shard I/N" or "top (N = ...)": for messages
    wanted: dict[str, Upload]
    own: dict[str, Any]  # its state as it was
    previous: dict[str, Any]  # its own and its shares of the foreign states: what plan() starts from
    extra: dict[str, Any] = field(default_factory=dict)  # what its state says besides objects and retired
    early: list[Upload] = field(default_factory=list)  # hashed scripts a shard sends before its pages
    announce: dict[str, Any] = field(default_factory=dict)  # written with the pending keys
    drop: list[str] = field(default_factory=list)  # foreign states deleted once this one is written


def _list_states(client: Any, target: Target) -> dict[str, dict[str, Any]]:
    """Every publish state in the bucket under the prefix, by name relative to the prefix."""
    names: list[str] = []
    token: dict[str, str] = {}
    try:
        while True:
            page = client.list_objects_v2(Bucket=target.bucket, Prefix=target.key(f"{states.FOLDER}publish"), **token)
            names += [item["Key"].removeprefix(target.prefix) for item in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                break
            token = {"ContinuationToken": page["NextContinuationToken"]}
    except client.exceptions.NoSuchBucket:
        raise PublishError(f"there is no bucket {target.bucket!r} (publish does not create one)") from None
    found = {}
    for name in names:
        if name == states.MERGED or name == states.TOP or states.shard_named(name):
            found[name] = _read_state(client, target, name)
    return found


def _where(target: Target) -> str:
    return f"s3://{target.bucket}/{target.prefix}"


def merged_step(target: Target, wanted: dict[str, Upload], found: dict[str, dict[str, Any]], take_over: bool) -> Step:
    """The whole tree under one state; with take_over, in place of the shards' and the top's."""
    others = sorted(name for name in found if name != states.MERGED)
    if others and not take_over:
        raise PublishError(
            f"{_where(target)} is published from shards ({', '.join(others[:3])}{', ...' if len(others) > 3 else ''}): "
            "publish each shard's folder and then `publish --top`, or add --take-over to publish this merged "
            "tree in their place (it then owns and retires their objects, and removes their states)"
        )
    own = found.get(states.MERGED, {})
    previous = states.combined([states.everything(found[name]) for name in [*others, states.MERGED] if name in found])
    return Step(states.MERGED, "tree", wanted, own, previous, drop=others)


def shard_step(
    target: Target,
    shard: Shard,
    manifest: dict[str, Any],
    tree: dict[str, Upload],
    encoding: str,
    found: dict[str, dict[str, Any]],
    take_over: bool,
) -> Step:
    """A shard's shops under a state of their own; the hashed scripts its pages name, sent first."""
    if states.MERGED in found and not take_over:
        raise PublishError(
            f"{_where(target)} is published from a merged tree ({states.MERGED}): publish the merged tree, "
            "or add --take-over to every shard's publish to publish from shards from now on, then `publish --top`"
        )
    name = states.shard_state(shard)
    foreign = {
        other: state
        for other, state in found.items()
        if other not in (name, states.TOP)
        and (other != states.MERGED or take_over)
        and (states.shard_named(other) or states.NO_SHARD).count != shard.count
    }
    own = found.get(name, {})
    previous = states.combined([states.share(state, target.prefix, shard) for state in [*foreign.values(), own]])
    top = found.get(states.TOP, {})
    known = {**top.get("objects", {}), **top.get("retired", {})}
    early = [upload for upload in tree.values() if upload.hashed]
    retired_by_top = top.get("retired", {})
    sent_before = {key: entry for key, entry in own.get("site", {}).items() if key not in retired_by_top}
    sent_before.update(top.get("objects", {}))  # a script the top retired may be gone: sent again
    site = {key: entry for key, entry in own.get("site", {}).items() if key not in known}
    site.update({upload.key: upload.state() for upload in early})
    extra = {
        "shard": str(shard),
        "as_of": manifest["as_of"],
        "version": manifest["loader"]["integrity"],
        "encoding": encoding,
        "site": dict(sorted(site.items())),
        "adopted": {other: state.get("published_at", "") for other, state in sorted(foreign.items())},
    }
    return Step(
        name,
        f"shard {shard}",
        {key: upload for key, upload in tree.items() if not upload.site},
        own,
        previous,
        extra=extra,
        early=[upload for upload in early if sent_before.get(upload.key) != upload.state()],
        announce={"site": extra["site"]},
    )


def top_step(
    target: Target,
    manifest: dict[str, Any],
    tree: dict[str, Upload],
    encoding: str,
    found: dict[str, dict[str, Any]],
) -> Step:
    """The site's own files, once every shard of the build is in the bucket for its date and version."""
    if "shard" not in manifest:
        raise PublishError("--top publishes the site's files of a sharded build: --out must be one of its shards")
    count = Shard.parse(manifest["shard"]).count
    problems = states.unfinished_shards(found, count, manifest["as_of"], manifest["loader"]["integrity"], encoding)
    drop, waiting = states.unread_foreign(found, count)
    problems += [
        f"not every shard of {count} has taken over {name} as it is now: publish each shard again"
        + (" with --take-over" if name == states.MERGED else "")
        for name in waiting
    ]
    if problems:
        raise PublishError(f"the top of {count} shards cannot be published yet: {'; '.join(problems)}")
    own = found.get(states.TOP, {})
    parts = [states.share(state, target.prefix, None) for state in found.values()]
    extra = {"shards": count, "as_of": manifest["as_of"], "version": manifest["loader"]["integrity"]}
    extra["encoding"] = encoding
    wanted = {key: upload for key, upload in tree.items() if upload.site}
    return Step(states.TOP, f"top (N = {count})", wanted, own, states.combined(parts), extra, drop=drop)


def _run(client: Any, target: Target, step: Step, moment: datetime, grace: timedelta, jobs: int) -> PublishResult:
    """Announce, send, write the state, delete what is past the grace, drop the foreign states."""
    started = time.perf_counter()
    send, retired, doomed = plan(step.wanted, step.previous, moment, grace)
    if send or step.early:
        # Announced first: if this publish stops halfway, the next one retires the new keys it
        # may have left, and sends again the ones it may have overwritten.
        pending = sorted(set(step.own.get("pending", [])) | {upload.key for upload in send})
        _write_state(client, target, step.name, {**step.own, **step.announce, "pending": pending})
    sent = send_in_order(lambda upload: _put(client, target, upload), [*step.early, *send], jobs)
    pinned = {key: entry for key, entry in step.previous["objects"].items() if PINNED.search(key)}
    objects = dict(sorted({**pinned, **{key: upload.state() for key, upload in step.wanted.items()}}.items()))
    done = {"published_at": moment.isoformat(), "objects": objects, **step.extra}
    listed = {**retired, **{key: moment.isoformat() for key in doomed}}  # until they are gone
    _write_state(client, target, step.name, {**done, "retired": listed})
    _delete(client, target, doomed)
    if doomed:
        _write_state(client, target, step.name, {**done, "retired": retired})
    _delete(client, target, [target.key(name) for name in step.drop])  # each one's keys are owned now
    return PublishResult(
        objects=len(step.wanted),
        sent=len(send) + len(step.early),
        bytes_sent=sent,
        retired=len(retired),
        deleted=len(doomed),
        seconds=time.perf_counter() - started,
        what=step.what,
    )


def _delete(client: Any, target: Target, keys: list[str]) -> None:
    for start in range(0, len(keys), DELETE_BATCH):
        batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
        answer = client.delete_objects(Bucket=target.bucket, Delete={"Objects": batch, "Quiet": True})
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise PublishError(f"could not delete {first.get('Key')}: {first.get('Message', '')}")


def publish(
    out: Path,
    target: Target,
    *,
    endpoint_url: str | None = None,
    grace: timedelta = DEFAULT_GRACE,
    encoding: str = "identity",
    jobs: int = 8,
    top: bool = False,
    take_over: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PublishResult:
    """Publish the tree `out`: a merged tree whole; a shard's tree (`build --shard`) as its shard's
    shops; with `top`, a shard's tree as the site's own files of the whole sharded build."""
    started = time.perf_counter()
    out = out.absolute()
    layout = Layout(out)
    if not layout.is_built():
        raise PublishError(f"{out} is not a trustwidgets build (no manifest.json)")
    client = _client(endpoint_url)
    from botocore.exceptions import BotoCoreError, ClientError

    with exclusive(layout.home / "lock"):  # no build swaps a shop while its files are read
        manifest = read_manifest(out)
        tree = uploads(out, target, encoding, shops=not top)
        try:
            found = _list_states(client, target)
            if top:
                step = top_step(target, manifest, tree, encoding, found)
            elif "shard" in manifest:
                step = shard_step(target, Shard.parse(manifest["shard"]), manifest, tree, encoding, found, take_over)
            else:
                step = merged_step(target, tree, found, take_over)
            result = _run(client, target, step, now(), grace, jobs)
        except (BotoCoreError, ClientError) as error:  # one line; the bucket as the last publish left it
            raise PublishError(_explain(error)) from None
    return replace(result, seconds=time.perf_counter() - started)
