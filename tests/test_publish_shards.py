"""Publishing a sharded build from its shards plus a final step (`publish --top`), against a real
S3-compatible server (SeaweedFS, started by the tests)."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote, urlsplit

import pytest

from static_build.build import build
from static_build.publish import STATE_NAME, PublishError, Target, publish
from static_build.publish_states import TOP, combined, shard_state, share
from static_build.top import Shard, shard_of
from tests.builds import documents
from tests.s3 import listing, network_lost_after, requests_made, running_s3
from tests.server import cli_args
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
NEXT_DAY = date(2026, 11, 24)
SHOPS = ["wtw-winkel", "greenvent", *(f"extra-{n}" for n in range(6))]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with running_s3(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def bucket(s3, monkeypatch, request):
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    name = "s-" + hashlib.blake2b(request.node.nodeid.encode(), digest_size=8).hexdigest()
    s3.client().create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shards") / "data"
    document = demo_document(AS_OF)
    document["shops"] += [{**document["shops"][1], "id": f"extra-{n}", "name": f"Extra {n}"} for n in range(6)]
    document["shops"][2]["allowed_domains"] = ["www.extra0.example"]
    fixture_store(folder, document).close()
    return folder


def remove_shop(data, shop_id):
    conn = sqlite3.connect(data / "store.sqlite3")
    conn.execute("DELETE FROM reviews WHERE shop = ?", (shop_id,))
    conn.execute("DELETE FROM shops WHERE id = ?", (shop_id,))
    conn.commit()
    conn.close()


def shard_trees(data, root, count, as_of=AS_OF):
    trees = []
    for index in range(count):
        build(data, root / f"shard-{index}-of-{count}", as_of, shard=Shard(index, count))
        trees.append(root / f"shard-{index}-of-{count}")
    return trees


@pytest.fixture(scope="module")
def built(store, tmp_path_factory):
    """The store's trees of AS_OF, built once a module: the merged tree ("whole"), its 3 shards and
    its 2. Publishing leaves a tree as it was; a test that builds into one again takes copies."""
    root = tmp_path_factory.mktemp("built")
    build(store, root / "whole", AS_OF)
    return {"whole": root / "whole", 3: shard_trees(store, root / "three", 3), 2: shard_trees(store, root / "two", 2)}


def copies(trees, folder):
    """Copies of built trees to build into, each with its build's own folder beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for tree in trees:
        for name in (tree.name, f".{tree.name}.trustwidgets"):
            shutil.copytree(tree.parent / name, folder / name, symlinks=True)
    return [folder / tree.name for tree in trees]


def publish_shards(s3, trees, target, **options):
    """Every shard, then the top from the first shard's tree: (the shards' results, the top's)."""
    results = [publish(tree, target, endpoint_url=s3.endpoint, **options) for tree in trees]
    return results, publish(trees[0], target, endpoint_url=s3.endpoint, top=True, **options)


def keys(client, bucket, prefix=""):
    found, token = [], {}
    while True:
        page = client.list_objects_v2(Bucket=bucket, Prefix=prefix, **token)
        found += [item["Key"] for item in page.get("Contents", [])]
        if not page.get("IsTruncated"):
            return set(found)
        token = {"ContinuationToken": page["NextContinuationToken"]}


def contents(client, bucket, prefix=""):
    """Every object but the states, by key relative to the prefix: its body and the headers it carries."""
    found = {}
    for key in keys(client, bucket, prefix):
        if key.startswith(f"{prefix}_trustwidgets/"):
            continue
        answer = client.get_object(Bucket=bucket, Key=key)
        headers = (answer["ContentType"], answer["CacheControl"], answer.get("ContentEncoding") or "")
        found[key.removeprefix(prefix)] = (answer["Body"].read(), headers)
    return found


def states(client, bucket, prefix=""):
    return {key.removeprefix(prefix) for key in keys(client, bucket, f"{prefix}_trustwidgets/")}


def written(made, bucket, prefix=""):
    """The keys, relative to the prefix, that the requests of tests/s3.py's `requests_made` may have
    written: of every request but a GET or HEAD (a request on the bucket itself, such as a batch of
    deletes, as the key "")."""
    found = set()
    for method, url in made:
        if method not in ("GET", "HEAD"):
            key = unquote(urlsplit(url).path).removeprefix(f"/{bucket}").removeprefix("/")
            found.add(key.removeprefix(prefix) if key else "")
    return found


def assert_contents_still(client, bucket, prefix, before, listed, made):
    """contents(client, bucket, prefix) == before, fetching only what may have changed: the keys
    the requests `made` (tests/s3.py's requests_made) may have written are fetched and compared
    body and headers; every other key must be listed as in `listed` (listing(): its ETag, size
    and time of its last write), which no write leaves as it was."""
    now = listing(client, bucket)
    keys_now = {key.removeprefix(prefix) for key in now if key.startswith(prefix)}
    assert {key for key in keys_now if not key.startswith("_trustwidgets/")} == set(before)
    touched = written(made, bucket, prefix)
    for key in sorted(before):
        if key in touched:
            answer = client.get_object(Bucket=bucket, Key=prefix + key)
            headers = (answer["ContentType"], answer["CacheControl"], answer.get("ContentEncoding") or "")
            assert (answer["Body"].read(), headers) == before[key], key
        else:
            assert now[prefix + key] == listed[prefix + key], key


def objects_of(tree):
    """The keys a whole tree's publish puts in the bucket (documents without their twins)."""
    return {path for path in documents(tree) if not path.endswith((".gz", ".br"))}


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_shards_and_the_top_leave_the_bucket_as_one_merged_publish_does(s3, bucket, built, encoding):
    whole, trees = built["whole"], built[3]
    merged, sharded = Target.parse(f"s3://{bucket}/merged"), Target.parse(f"s3://{bucket}/sharded")
    publish(whole, merged, endpoint_url=s3.endpoint, encoding=encoding)
    shards, top = publish_shards(s3, trees, sharded, encoding=encoding)
    client = s3.client()
    one, other = contents(client, bucket, "merged/"), contents(client, bucket, "sharded/")
    assert set(one) == set(other) == objects_of(whole)
    assert one == other  # every body and every header, byte for byte
    assert states(client, bucket, "sharded/") == {*(shard_state(Shard(i, 3)) for i in range(3)), TOP}
    assert sum(result.objects for result in shards) + top.objects == len(one)
    hashed = 3  # the loader's and the widgets' two hashed scripts: each shard sends them before its pages
    assert sum(result.sent for result in shards) == len(one) - top.objects + 3 * hashed
    assert top.sent == top.objects - hashed  # the loader and OpenAPI; the hashed scripts are there already
    before = listing(client, bucket)
    with requests_made() as made:
        again, top_again = publish_shards(s3, trees, sharded, encoding=encoding)
    assert [result.sent for result in again] == [0, 0, 0] and top_again.sent == 0
    assert written(made, bucket, "sharded/") == set(states(client, bucket, "sharded/"))  # the states only
    now = listing(client, bucket)
    assert {key: now[key] for key in now if not key.startswith("sharded/_trustwidgets/")} == {
        key: before[key] for key in before if not key.startswith("sharded/_trustwidgets/")
    }  # every other key, its body and the time of its last write: none was sent again


def test_an_unchanged_shard_sends_nothing_the_next_day_and_a_changed_one_only_its_own(
    s3, bucket, store, built, tmp_path
):
    data = shutil.copytree(store, tmp_path / "data")
    trees = copies(built[3], tmp_path / "three")
    target = Target.parse(f"s3://{bucket}")
    publish_shards(s3, trees, target)
    client = s3.client()
    before = {name: client.get_object(Bucket=bucket, Key=name)["Body"].read() for name in states(client, bucket)}
    index = shard_of("greenvent", 3)
    build(data, trees[index], AS_OF, shard=Shard(index, 3), shop_ids=["greenvent"])
    for other in sorted(set(range(3)) - {index}):
        assert publish(trees[other], target, endpoint_url=s3.endpoint).sent == 0
    assert publish(trees[index], target, endpoint_url=s3.endpoint).sent == 0  # rebuilt, same bytes
    for name, body in before.items():  # no state was touched but for its time
        now = json.loads(client.get_object(Bucket=bucket, Key=name)["Body"].read())
        then = json.loads(body)
        assert {**now, "published_at": ""} == {**then, "published_at": ""}, name


def test_the_top_refuses_until_every_shard_of_its_build_is_published(s3, bucket, store, built, tmp_path):
    trees = built[3]
    target = Target.parse(f"s3://{bucket}")
    client = s3.client()

    def refused(match, tree=trees[0]):
        before = listing(client, bucket)
        with requests_made() as made, pytest.raises(PublishError, match=match):
            publish(tree, target, endpoint_url=s3.endpoint, top=True)
        assert made and {method for method, _ in made} <= {"GET", "HEAD"}, made  # it read the states, sent nothing
        assert listing(client, bucket) == before and TOP not in states(client, bucket)  # every key, body and write time

    refused(r"shard 0/3 has not been published; shard 1/3 has not been published; shard 2/3 has not")
    for tree in trees[:2]:
        publish(tree, target, endpoint_url=s3.endpoint)
    refused(r"cannot be published yet: shard 2/3 has not been published$")
    later = tmp_path / "later"
    build(store, later, NEXT_DAY, shard=Shard(2, 3))
    publish(later, target, endpoint_url=s3.endpoint)
    refused(r"shard 2/3 was published for 2026-11-24, this tree is for 2026-11-23")
    publish(trees[2], target, endpoint_url=s3.endpoint, encoding="gzip")
    refused(r"shard 2/3 was published with --encoding gzip, not identity")
    publish(trees[2], target, endpoint_url=s3.endpoint)
    name = shard_state(Shard(1, 3))
    state = json.loads(client.get_object(Bucket=bucket, Key=name)["Body"].read())
    client.put_object(Bucket=bucket, Key=name, Body=json.dumps({**state, "version": "sha384-other"}).encode())
    refused(r"shard 1/3 was published by another version of trustwidgets")
    client.put_object(Bucket=bucket, Key=name, Body=json.dumps({**state, "pending": ["x"]}).encode())
    refused(r"the last publish of shard 1/3 did not finish")
    client.put_object(Bucket=bucket, Key=name, Body=json.dumps(state).encode())
    refused(r"shard 0/2 has not been published \(the bucket has states of 3 shards\)", tree=built[2][0])
    publish(trees[0], target, endpoint_url=s3.endpoint, top=True)
    with pytest.raises(PublishError, match="--out must be one of its shards"):
        publish(built["whole"], target, endpoint_url=s3.endpoint, top=True)


def test_a_shop_removed_from_the_store_is_retired_by_its_shard_alone(s3, bucket, store, built, tmp_path):
    data = shutil.copytree(store, tmp_path / "data")
    trees = copies(built[3], tmp_path / "three")
    target = Target.parse(f"s3://{bucket}")
    publish_shards(s3, trees, target, now=lambda: NOW)
    client = s3.client()
    index = shard_of("extra-3", 3)
    others = {shard_state(Shard(i, 3)) for i in range(3) if i != index} | {TOP}
    before = {name: client.get_object(Bucket=bucket, Key=name)["Body"].read() for name in others}
    remove_shop(data, "extra-3")
    build(data, trees[index], AS_OF, shard=Shard(index, 3))
    gone = {key for key in keys(client, bucket) if key.startswith("v1/extra-3/")}
    result = publish(trees[index], target, endpoint_url=s3.endpoint, now=lambda: NOW + timedelta(hours=1))
    assert (result.sent, result.retired, result.deleted) == (0, len(gone), 0)
    assert gone <= keys(client, bucket)  # kept through the grace
    later = publish(trees[index], target, endpoint_url=s3.endpoint, now=lambda: NOW + timedelta(days=9))
    assert (later.deleted, later.retired) == (len(gone), 0)
    assert not gone & keys(client, bucket)
    assert {name: client.get_object(Bucket=bucket, Key=name)["Body"].read() for name in others} == before


def test_a_change_of_n_moves_shops_between_states_without_losing_or_leaving_an_object(
    s3, bucket, store, built, tmp_path
):
    """N = 3 one night, 2 the next, with one shop removed. The shards of 2 publish with no grace
    at all: a key retired by the wrong state would be deleted at once."""
    data = shutil.copytree(store, tmp_path / "data")
    target = Target.parse(f"s3://{bucket}")
    publish_shards(s3, built[3], target, now=lambda: NOW)  # the trees of `data` before the removal
    client = s3.client()
    gone = {key for key in keys(client, bucket) if key.startswith("v1/extra-3/")}
    assert gone
    remove_shop(data, "extra-3")
    trees = shard_trees(data, tmp_path / "two", 2, as_of=NEXT_DAY)
    whole = tmp_path / "whole"
    build(data, whole, NEXT_DAY)
    wanted = objects_of(whole)
    assert any(shard_of(shop, 3) != shard_of(shop, 2) for shop in SHOPS)
    still = {key for key in keys(client, bucket) if key in wanted}  # last night's keys that tonight's tree has
    for tree in trees:
        publish(tree, target, endpoint_url=s3.endpoint, grace=timedelta(0), now=lambda: NOW + timedelta(days=1))
        assert still <= keys(client, bucket)  # no shard deleted a key that it or another publishes
    assert not gone & keys(client, bucket)  # deleted by the shard of 2 that owns extra-3's keys now
    assert {shard_state(Shard(i, 3)) for i in range(3)} <= states(client, bucket)  # until the top has run
    name = shard_state(Shard(1, 3))
    state = client.get_object(Bucket=bucket, Key=name)["Body"].read()
    stamped = json.dumps({**json.loads(state), "published_at": NOW.isoformat() + "x"}).encode()
    client.put_object(Bucket=bucket, Key=name, Body=stamped)  # as if a shard of 3 published again meanwhile
    with pytest.raises(PublishError, match=f"not every shard of 2 has taken over {name} as it is now"):
        publish(trees[0], target, endpoint_url=s3.endpoint, top=True)
    client.put_object(Bucket=bucket, Key=name, Body=state)
    publish(trees[0], target, endpoint_url=s3.endpoint, top=True, grace=timedelta(0), now=lambda: NOW)
    assert states(client, bucket) == {shard_state(Shard(0, 2)), shard_state(Shard(1, 2)), TOP}
    bucket_now = contents(client, bucket)
    assert set(bucket_now) == wanted  # nothing left that no state owns
    assert all(bucket_now[key][0] == (whole / key).read_bytes() for key in wanted)


def test_switching_between_a_merged_tree_and_shards_takes_over_and_loses_nothing(s3, bucket, built):
    whole, trees = built["whole"], built[3]
    target = Target.parse(f"s3://{bucket}/cdn")
    publish(whole, target, endpoint_url=s3.endpoint)
    client = s3.client()
    merged = contents(client, bucket, "cdn/")
    listed = listing(client, bucket)
    with pytest.raises(PublishError, match=r"published from a merged tree .*add --take-over to every shard's publish"):
        publish(trees[0], target, endpoint_url=s3.endpoint)
    with requests_made() as made:
        shards, top = publish_shards(s3, trees, target, take_over=True, grace=timedelta(0))
    assert [result.sent for result in shards] == [3, 3, 3] and top.sent == 0  # the hashed scripts: first
    assert_contents_still(client, bucket, "cdn/", merged, listed, made)
    assert STATE_NAME not in states(client, bucket, "cdn/")
    with pytest.raises(PublishError, match=r"is published from shards .* add --take-over to publish this merged"):
        publish(whole, target, endpoint_url=s3.endpoint)
    listed = listing(client, bucket)
    with requests_made() as made:
        back = publish(whole, target, endpoint_url=s3.endpoint, take_over=True, grace=timedelta(0))
    assert (back.sent, back.deleted) == (0, 0)
    assert states(client, bucket, "cdn/") == {STATE_NAME}
    assert_contents_still(client, bucket, "cdn/", merged, listed, made)


def test_an_interrupted_shard_publish_is_finished_by_the_next(s3, bucket, built):
    trees = built[2]
    target = Target.parse(f"s3://{bucket}")
    with network_lost_after(4) as sent, pytest.raises(PublishError, match="network went away"):
        publish(trees[1], target, endpoint_url=s3.endpoint, jobs=1)
    assert [key.count("/") > 1 for key in sent] == [
        False,
        False,
        False,
        True,
    ]  # the three hashed scripts before the pages naming them
    publish(trees[0], target, endpoint_url=s3.endpoint)
    with pytest.raises(PublishError, match="the last publish of shard 1/2 did not finish"):
        publish(trees[0], target, endpoint_url=s3.endpoint, top=True)
    publish_shards(s3, trees, target)
    client = s3.client()
    published = {key for key in keys(client, bucket) if not key.startswith("_trustwidgets/")}  # contents' keys
    assert published == set().union(*(objects_of(tree) for tree in trees))


def test_sharded_publish_on_the_command_line(s3, bucket, built, tmp_path):
    trees = built[2]
    env = {**os.environ, **s3.env}
    to = f"s3://{bucket}/w"
    for tree in trees:
        done = subprocess.run(
            cli_args(tmp_path / "none", "publish", "--out", str(tree), "--to", to),
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.rstrip().endswith(f", for the shard {trees.index(tree)}/2"), done.stdout
    top = subprocess.run(
        cli_args(tmp_path / "none", "publish", "--out", str(trees[1]), "--to", to, "--top"),
        capture_output=True,
        text=True,
        env=env,
    )
    assert top.returncode == 0 and top.stdout.rstrip().endswith(", for the top (N = 2)"), top.stdout + top.stderr
    other = subprocess.run(
        cli_args(tmp_path / "none", "publish", "--out", str(trees[1]), "--to", f"s3://{bucket}/x", "--top"),
        capture_output=True,
        text=True,
        env=env,
    )
    assert other.returncode == 1 and "shard 0/2 has not been published" in other.stderr
    assert "Traceback" not in other.stderr and len(other.stderr.strip().splitlines()) == 1


# The pure part: every key of any state has exactly one owner among today's shards and the top.
def test_every_key_has_one_owner_whatever_n():
    state = {
        "published_at": "2026-11-28T03:00:00+00:00",
        "objects": {f"p/v1/{shop}/nl/badge.html": {"sha256": shop} for shop in SHOPS}
        | {"p/v1/embed.js": {"sha256": "e"}, "p/v1/openapi.json": {"sha256": "o"}},
        "retired": {"p/v1/gone-shop/summary.json": "2026-11-20T03:00:00+00:00", "p/v1/widget.old.js": "x"},
        "pending": ["p/v1/new-shop/summary.json"],
        "site": {"p/v1/widget.abc.js": {"sha256": "w"}},
    }
    every = set(state["objects"]) | set(state["retired"]) | set(state["pending"]) | set(state["site"])
    for count in (1, 2, 3, 7):
        parts = [share(state, "p/", Shard(index, count)) for index in range(count)] + [share(state, "p/", None)]
        owned = [set(part["objects"]) | set(part["retired"]) | set(part["pending"]) for part in parts]
        assert sum(len(keys) for keys in owned) == len(every) and set().union(*owned) == every, count
    assert set(share(state, "p/", None)["objects"]) == {"p/v1/embed.js", "p/v1/openapi.json", "p/v1/widget.abc.js"}


def test_combined_takes_each_key_from_the_state_published_last():
    older = {"published_at": "2026-11-27", "objects": {"a": 1, "b": 1}, "retired": {"c": "t0"}, "pending": ["p"]}
    newer = {"published_at": "2026-11-28", "objects": {"a": 2, "c": 2}, "retired": {"b": "t1"}, "pending": []}
    expected = {"objects": {"a": 2, "c": 2}, "retired": {"b": "t1"}, "pending": ["p"]}
    assert combined([newer, older]) == combined([older, newer]) == expected
