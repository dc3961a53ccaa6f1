"""Who owns which key of a bucket: the states of a merged publish, of each shard and of the top (pure).

A bucket is published either from one merged tree (`_trustwidgets/publish.json` owns every key)
or from the shards of a sharded build plus a final step:

    _trustwidgets/publish-shard-I-of-N.json   the keys below v1/<shop>/ of the shops of shard I of N
    _trustwidgets/publish-top.json            the site's own keys (v1/embed.js, v1/openapi.json, ...)

A key belongs to the shard of its shop (`shard_of(shop, N)`), whether or not that shop is still
built, so the keys of any earlier state split without overlap between the shards of today's N and
the top. A state of another N (or the merged state, with --take-over) is *foreign*: each shard
reads its share of it as its own previous state, and the top step deletes it once every shard
of today's N has read it as it is now. So an object is only ever retired and deleted by the one
state that owns it today, and nothing a foreign state named is left without an owner.
"""

from __future__ import annotations

import re
from typing import Any

from widget_server.core.paths import TREE

from .top import Shard, shard_of

FOLDER = "_trustwidgets/"
MERGED = f"{FOLDER}publish.json"
TOP = f"{FOLDER}publish-top.json"
SHARD = re.compile(r"_trustwidgets/publish-shard-(\d+)-of-(\d+)\.json")
NO_SHARD = Shard(0, 0)  # the merged state's "shard": of no N


def shard_state(shard: Shard) -> str:
    return f"{FOLDER}publish-shard-{shard.index}-of-{shard.count}.json"


def shard_named(name: str) -> Shard | None:
    """The shard a state's name (relative to the prefix) is of; None for the merged and top states."""
    found = SHARD.fullmatch(name)
    return Shard(int(found[1]), int(found[2])) if found else None


def shop_of(relative: str) -> str | None:
    """The shop a key (relative to the prefix) belongs to: `v1/<shop>/...`; None for the site's own files."""
    parts = relative.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == TREE else None


def share(state: dict[str, Any], prefix: str, owner: Shard | None) -> dict[str, Any]:
    """The part of a state whose keys `owner` owns: a shard's shops, or (None) the site's own files.

    A shard state's `site` entries (the hashed scripts a shard sent before its pages) are the top's.
    """

    def mine(key: str) -> bool:
        shop = shop_of(key.removeprefix(prefix))
        return shop is None if owner is None else shop is not None and shard_of(shop, owner.count) == owner.index

    objects = {key: entry for key, entry in state.get("objects", {}).items() if mine(key)}
    if owner is None:
        objects.update({key: entry for key, entry in state.get("site", {}).items() if key not in objects})
    return {
        "published_at": state.get("published_at", ""),
        "objects": objects,
        "retired": {key: when for key, when in state.get("retired", {}).items() if mine(key)},
        "pending": [key for key in state.get("pending", []) if mine(key)],
    }


def everything(state: dict[str, Any]) -> dict[str, Any]:
    """A whole state as a previous one: its objects, the scripts it sent for the top, what it retired."""
    return {
        "published_at": state.get("published_at", ""),
        "objects": {**state.get("site", {}), **state.get("objects", {})},
        "retired": dict(state.get("retired", {})),
        "pending": list(state.get("pending", [])),
    }


def combined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One previous state from the parts of several states (their shares): what the most recently
    published one says of a key wins, since the bucket holds what it sent. Keys announced as
    pending by any of them may be in the bucket.
    """
    objects: dict[str, Any] = {}
    retired: dict[str, str] = {}
    pending: set[str] = set()
    for part in sorted(parts, key=lambda part: str(part.get("published_at", ""))):
        for key, when in part.get("retired", {}).items():
            objects.pop(key, None)
            retired[key] = when
        for key, entry in part.get("objects", {}).items():
            retired.pop(key, None)
            objects[key] = entry
        pending.update(part.get("pending", []))
    return {"objects": objects, "retired": retired, "pending": sorted(pending)}


def unfinished_shards(
    states: dict[str, dict[str, Any]], count: int, as_of: str, version: str, encoding: str
) -> list[str]:
    """Why the top of a build of `count` shards for `as_of` cannot be published yet: one line per
    shard whose state in the bucket is missing, unfinished or of another build (empty: it can).

    `states` is every state in the bucket by name relative to the prefix.
    """
    problems = []
    others = sorted({shard.count for name in states if (shard := shard_named(name)) and shard.count != count})
    elsewhere = f" (the bucket has states of {' and '.join(map(str, others))} shards)" if others else ""
    for index in range(count):
        shard = Shard(index, count)
        state = states.get(shard_state(shard))
        if state is None:
            problems.append(f"shard {shard} has not been published{elsewhere}")
        elif "pending" in state or "as_of" not in state:
            problems.append(f"the last publish of shard {shard} did not finish")
        elif state["as_of"] != as_of:
            problems.append(f"shard {shard} was published for {state['as_of']}, this tree is for {as_of}")
        elif state.get("version") != version:
            problems.append(f"shard {shard} was published by another version of trustwidgets")
        elif state.get("encoding") != encoding:
            problems.append(f"shard {shard} was published with --encoding {state.get('encoding')}, not {encoding}")
    return problems


def unread_foreign(states: dict[str, dict[str, Any]], count: int) -> tuple[list[str], list[str]]:
    """The foreign states (of another N, the merged one) that every shard of `count` has read as
    they are now, and those that one has not: (deletable, not yet read)."""
    foreign = sorted(name for name in states if name != TOP and (shard_named(name) or NO_SHARD).count != count)
    ours = [states.get(shard_state(Shard(index, count)), {}) for index in range(count)]
    done: list[str] = []
    waiting: list[str] = []
    for name in foreign:
        stamp = states[name].get("published_at", "")
        read = all(state.get("adopted", {}).get(name) == stamp for state in ours)
        (done if read else waiting).append(name)
    return done, waiting
