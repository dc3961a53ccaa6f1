"""Publishing a built tree to a real S3-compatible server (SeaweedFS, started by the tests)."""

import json
import os
import sqlite3
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from static_build.build import build
from static_build.publish import DEFAULT_GRACE, STATE_NAME, PublishError, Target, Upload, plan, publish
from tests.builds import documents
from tests.s3 import network_lost_after, running_s3
from tests.server import cli_args
from tests.widgets import AS_OF, fixture_store
from widget_server.core.headers import cache_control
from widget_server.demo import demo_document

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [
        ("s3://widgets", "widgets", ""),
        ("s3://widgets/", "widgets", ""),
        ("s3://widgets/cdn", "widgets", "cdn/"),
        ("s3://widgets/a/b/", "widgets", "a/b/"),
        ("s3://widgets/v1.2/cdn_files-x", "widgets", "v1.2/cdn_files-x/"),
        ("s3://widgets/..a/b..", "widgets", "..a/b../"),  # dots inside a name are a name
    ],
)
def test_target_parse(url, bucket, prefix):
    target = Target.parse(url)
    assert (target.bucket, target.prefix, target.key("v1/embed.js")) == (bucket, prefix, f"{prefix}v1/embed.js")
    assert target.state_key == f"{prefix}{STATE_NAME}"


@pytest.mark.parametrize("url", ["widgets", "https://widgets/x", "s3:///x", "s3://b/x?y=1"])
def test_target_parse_refuses(url):
    with pytest.raises(ValueError, match="s3://BUCKET"):
        Target.parse(url)


# Issue 23: a prefix is checked before anything is sent; the message says what is wrong in one line.
BAD_PREFIXES = [
    ("s3://widgets/../other", "the prefix has a '..' segment"),
    ("s3://widgets/cdn/..", "the prefix has a '..' segment"),
    ("s3://widgets/a/./b", "the prefix has a '.' segment"),
    ("s3://widgets/.", "the prefix has a '.' segment"),
    ("s3://widgets//double//slash", "the prefix has an empty segment (//)"),
    ("s3://widgets/a//b", "the prefix has an empty segment (//)"),
    ("s3://widgets/a//", "the prefix has an empty segment (//)"),
    ("s3://widgets//", "the prefix has an empty segment (//)"),
    ("s3://widgets/%2e%2e/x", "a prefix segment may hold only"),  # a CDN may decode it to '..'
    ("s3://widgets/a\\b", "a prefix segment may hold only"),
    ("s3://widgets/a b", "a prefix segment may hold only"),
    ("s3://widgets/caf\u00e9", "a prefix segment may hold only"),
    ("s3://widgets/a\x00b", "a prefix segment may hold only"),
    ("s3://widgets/" + "a" * 513, "the prefix is longer than 512 characters"),
]


@pytest.mark.parametrize(("url", "error"), BAD_PREFIXES)
def test_target_parse_refuses_a_prefix_that_is_not_plain_folders(url, error):
    with pytest.raises(ValueError) as refused:
        Target.parse(url)
    message = str(refused.value)
    assert message.startswith("--to ") and error in message and "\n" not in message


def test_a_bad_prefix_is_refused_before_anything_is_sent(tmp_path):
    """Exit 2 and one line, before the build is even read (an empty folder would be exit 1)."""
    out = tmp_path / "out"
    out.mkdir()
    for url, error in BAD_PREFIXES[:5:4]:
        command = cli_args(
            tmp_path / "none", "publish", "--out", str(out), "--to", url, "--endpoint-url", "http://127.0.0.1:9"
        )
        refused = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2, refused.stderr
        assert error in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
        assert "publish again" not in refused.stderr and "Traceback" not in refused.stderr


def upload(key, sha="a"):
    return Upload(key, None, sha, "text/html; charset=utf-8", "public", "identity")  # type: ignore[arg-type]


def test_plan_sends_only_what_differs_and_deletes_only_after_the_grace():
    grace = timedelta(hours=24)
    state = {
        "objects": {"a": upload("a").state(), "b": upload("b").state(), "gone": upload("gone").state()},
        "retired": {"old": (NOW - timedelta(hours=25)).isoformat(), "young": (NOW - timedelta(hours=1)).isoformat()},
    }
    wanted = {"a": upload("a"), "b": upload("b", sha="changed"), "new": upload("new")}
    send, retired, doomed = plan(wanted, state, NOW, grace)
    assert [u.key for u in send] == ["b", "new"]
    assert retired == {"gone": NOW.isoformat(), "young": (NOW - timedelta(hours=1)).isoformat()}
    assert doomed == ["old"]


def test_plan_a_key_built_again_is_no_longer_retired():
    state = {"objects": {}, "retired": {"back": (NOW - timedelta(hours=30)).isoformat()}}
    send, retired, doomed = plan({"back": upload("back")}, state, NOW, timedelta(hours=24))
    assert ([u.key for u in send], retired, doomed) == (["back"], {}, [])


def test_plan_a_changed_header_is_sent_again():
    old = Upload("k", None, "a", "text/html; charset=utf-8", "public, max-age=60", "identity")  # type: ignore[arg-type]
    send, _, _ = plan({"k": upload("k")}, {"objects": {"k": old.state()}}, NOW, timedelta(0))
    assert [u.key for u in send] == ["k"]


def test_plan_a_pending_key_is_sent_again_even_when_the_state_says_it_is_there():
    # A publish that stopped halfway may have overwritten "a" and created "new"; "left" is no longer built.
    state = {"objects": {"a": upload("a").state(), "b": upload("b").state()}, "pending": ["a", "new", "left"]}
    send, retired, doomed = plan({"a": upload("a"), "b": upload("b"), "new": upload("new")}, state, NOW, timedelta(1))
    assert ([u.key for u in send], retired, doomed) == (["a", "new"], {"left": NOW.isoformat()}, [])


def test_plan_never_retires_a_hashed_loader_a_page_may_pin():
    state = {
        "objects": {
            "cdn/v1/embed.aaaaaaaaaaaa.js": upload("cdn/v1/embed.aaaaaaaaaaaa.js").state(),
            "cdn/v1/widget.aaaaaaaaaaaa.js": upload("cdn/v1/widget.aaaaaaaaaaaa.js").state(),
        },
        "retired": {"cdn/v1/embed.bbbbbbbbbbbb.js": (NOW - timedelta(days=30)).isoformat()},  # before it was kept
    }
    send, retired, doomed = plan(
        {"cdn/v1/embed.cccccccccccc.js": upload("cdn/v1/embed.cccccccccccc.js")}, state, NOW, timedelta(hours=1)
    )
    assert [u.key for u in send] == ["cdn/v1/embed.cccccccccccc.js"]
    assert (retired, doomed) == ({"cdn/v1/widget.aaaaaaaaaaaa.js": NOW.isoformat()}, [])


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with running_s3(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def bucket(s3, monkeypatch, request):
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    name = "t-" + request.node.name.lower().replace("_", "-")[:50].strip("-")
    s3.client().create_bucket(Bucket=name)
    return name


def demo_data(folder, extra_shops=0):
    document = demo_document(AS_OF)
    for n in range(extra_shops):
        document["shops"].append({**document["shops"][1], "id": f"extra-{n}", "name": f"Extra {n}"})
    fixture_store(folder, document).close()
    return folder


def listing(client, bucket, prefix=""):
    keys, token = [], {}
    while True:
        page = client.list_objects_v2(Bucket=bucket, Prefix=prefix, **token)
        keys += [item["Key"] for item in page.get("Contents", [])]
        if not page.get("IsTruncated"):
            return keys
        token = {"ContinuationToken": page["NextContinuationToken"]}


def test_publish_sends_every_document_with_its_headers_and_nothing_of_the_builds_own(s3, bucket, tmp_path):
    out = tmp_path / "out"
    build(demo_data(tmp_path / "data"), out, AS_OF)
    result = publish(out, Target.parse(f"s3://{bucket}/cdn"), endpoint_url=s3.endpoint)
    client = s3.client()
    expected = {f"cdn/{path}" for path in documents(out) if not path.endswith((".gz", ".br"))}
    assert set(listing(client, bucket)) == expected | {f"cdn/{STATE_NAME}"}
    assert result.objects == result.sent == len(expected)
    badge = client.get_object(Bucket=bucket, Key="cdn/v1/wtw-winkel/nl/badge.html")
    assert badge["Body"].read() == (out / "v1/wtw-winkel/nl/badge.html").read_bytes()
    assert (badge["ContentType"], badge["CacheControl"]) == ("text/html; charset=utf-8", cache_control("widget"))
    assert badge.get("ContentEncoding") in (None, "")
    hashed = next(key for key in expected if key.startswith("cdn/v1/embed.") and key != "cdn/v1/embed.js")
    assert client.get_object(Bucket=bucket, Key=hashed)["CacheControl"] == cache_control("loader-hashed")
    summary = client.get_object(Bucket=bucket, Key="cdn/v1/wtw-winkel/summary.json")
    assert summary["ContentType"] == "application/json"


def test_a_second_publish_sends_only_what_changed(s3, bucket, tmp_path):
    data, out = demo_data(tmp_path / "data"), tmp_path / "out"
    build(data, out, AS_OF)
    target = Target.parse(f"s3://{bucket}")
    first = publish(out, target, endpoint_url=s3.endpoint)
    again = publish(out, target, endpoint_url=s3.endpoint)
    assert (again.sent, again.objects) == (0, first.objects)
    build(data, out, date(2026, 11, 24), shop_ids=["greenvent"])
    later = publish(out, target, endpoint_url=s3.endpoint)
    changed = {p for p in documents(out) if p.startswith("v1/greenvent/") and not p.endswith((".gz", ".br"))}
    assert 0 < later.sent <= len(changed)
    body = s3.client().get_object(Bucket=bucket, Key="v1/greenvent/summary.json")["Body"].read()
    assert json.loads(body)["as_of"] == "2026-11-24"


def test_gzip_objects_carry_their_encoding(s3, bucket, tmp_path):
    out = tmp_path / "out"
    build(demo_data(tmp_path / "data"), out, AS_OF)
    publish(out, Target.parse(f"s3://{bucket}"), endpoint_url=s3.endpoint, encoding="gzip")
    client = s3.client()
    carousel = client.get_object(Bucket=bucket, Key="v1/wtw-winkel/nl/carousel.html")
    assert carousel["ContentEncoding"] == "gzip"
    assert carousel["Body"].read() == (out / "v1/wtw-winkel/nl/carousel.html.gz").read_bytes()
    summary = client.get_object(Bucket=bucket, Key="v1/wtw-winkel/summary.json")
    assert (summary["ContentEncoding"], summary["ContentType"]) == ("gzip", "application/json")


def test_a_reader_never_gets_a_404_during_a_publish_and_stale_objects_go_after_the_grace(s3, bucket, tmp_path):
    data, out = demo_data(tmp_path / "data", extra_shops=4), tmp_path / "out"
    build(data, out, AS_OF)
    target = Target.parse(f"s3://{bucket}")
    publish(out, target, endpoint_url=s3.endpoint, now=lambda: NOW)
    conn = sqlite3.connect(data / "store.sqlite3")
    conn.execute("DELETE FROM reviews WHERE shop = 'extra-0'")
    conn.execute("DELETE FROM shops WHERE id = 'extra-0'")
    conn.commit()
    conn.close()
    build(data, out, date(2026, 11, 24))  # every document changes, and one shop is gone
    client = s3.client()
    problems, passes, stop = [], [0], threading.Event()

    def reader():
        while not stop.is_set():
            for key in listing(client, bucket):
                try:
                    client.get_object(Bucket=bucket, Key=key)["Body"].read()
                except client.exceptions.NoSuchKey:
                    problems.append(key)
            passes[0] += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        second = publish(out, target, endpoint_url=s3.endpoint, now=lambda: NOW + timedelta(hours=1))
    finally:
        stop.set()
        thread.join()
    assert problems == [] and passes[0] >= 1
    assert second.retired > 0 and second.deleted == 0
    assert any(key.startswith("v1/extra-0/") for key in listing(client, bucket))  # kept through the grace
    third = publish(out, target, endpoint_url=s3.endpoint, now=lambda: NOW + DEFAULT_GRACE + timedelta(hours=2))
    assert (third.sent, third.deleted, third.retired) == (0, second.retired, 0)
    assert not any(key.startswith("v1/extra-0/") for key in listing(client, bucket))


def test_a_publish_cut_short_leaves_nothing_the_next_cannot_retire(s3, bucket, tmp_path):
    """New keys are announced before they are sent: a shop whose first publish failed halfway
    and which is then removed is still deleted after the grace."""
    data, out = demo_data(tmp_path / "data", extra_shops=1), tmp_path / "out"
    build(data, out, AS_OF)
    target = Target.parse(f"s3://{bucket}")
    with network_lost_after(5) as sent, pytest.raises(PublishError, match="network went away"):
        publish(out, target, endpoint_url=s3.endpoint, jobs=1, now=lambda: NOW)
    client = s3.client()
    assert set(listing(client, bucket)) - {STATE_NAME} == set(sent)  # five objects, no state of them but pending
    assert sent[0].startswith("v1/") and sent[0].count("/") == 1  # the site's files go first
    conn = sqlite3.connect(data / "store.sqlite3")
    for table, column in (("reviews", "shop"), ("shops", "id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} IN ('wtw-winkel', 'greenvent', 'extra-0')")
    conn.commit()
    conn.close()
    build(data, out, AS_OF)  # no shop left: only the site's own documents
    publish(out, target, endpoint_url=s3.endpoint, grace=timedelta(0), now=lambda: NOW + timedelta(hours=1))
    left = set(listing(client, bucket)) - {STATE_NAME}
    assert left and all(key.count("/") == 1 for key in left), sorted(left)[:5]


def test_objects_a_publish_cut_short_overwrote_are_sent_again_by_the_next(s3, bucket, tmp_path):
    """Keys about to be overwritten are announced too: the bucket may hold the cut publish's
    bytes for them, so the next publish sends them whatever the last finished state says."""
    build(demo_data(tmp_path / "data"), tmp_path / "a", AS_OF)
    renamed = demo_document(AS_OF)
    for shop in renamed["shops"]:
        shop["name"] += " B.V."  # in every widget: each of b's documents differs from a's
    fixture_store(tmp_path / "data-b", renamed).close()
    build(tmp_path / "data-b", tmp_path / "b", AS_OF)
    target = Target.parse(f"s3://{bucket}")
    publish(tmp_path / "a", target, endpoint_url=s3.endpoint, now=lambda: NOW)
    with network_lost_after(12) as sent, pytest.raises(PublishError, match="network went away"):
        publish(tmp_path / "b", target, endpoint_url=s3.endpoint, jobs=1, now=lambda: NOW + timedelta(hours=1))
    assert len(sent) == 12
    again = publish(tmp_path / "a", target, endpoint_url=s3.endpoint, now=lambda: NOW + timedelta(hours=2))
    assert again.sent >= 12
    client = s3.client()
    for path in documents(tmp_path / "a"):
        if not path.endswith((".gz", ".br")):
            body = client.get_object(Bucket=bucket, Key=path)["Body"].read()
            assert body == (tmp_path / "a" / path).read_bytes(), path
    assert publish(tmp_path / "a", target, endpoint_url=s3.endpoint, now=lambda: NOW + timedelta(hours=3)).sent == 0


def test_a_hashed_loader_of_an_earlier_publish_stays_for_the_pages_that_pin_it(s3, bucket, tmp_path):
    out = tmp_path / "out"
    build(demo_data(tmp_path / "data"), out, AS_OF)
    target = Target.parse(f"s3://{bucket}/cdn")
    publish(out, target, endpoint_url=s3.endpoint, now=lambda: NOW)
    client = s3.client()
    # What last month's publish of another loader left: its object and its line in the state.
    earlier = "cdn/v1/embed.000000000000.js"
    client.put_object(Bucket=bucket, Key=earlier, Body=b"/* an earlier loader */", ContentType="text/javascript")
    state = json.loads(client.get_object(Bucket=bucket, Key=f"cdn/{STATE_NAME}")["Body"].read())
    state["objects"][earlier] = {"sha256": "0" * 64, "content_type": "text/javascript; charset=utf-8"}
    client.put_object(Bucket=bucket, Key=f"cdn/{STATE_NAME}", Body=json.dumps(state).encode())
    later = NOW + DEFAULT_GRACE + timedelta(days=30)
    for moment in (later, later + DEFAULT_GRACE + timedelta(days=1)):
        result = publish(out, target, endpoint_url=s3.endpoint, now=lambda moment=moment: moment)
        assert (result.retired, result.deleted) == (0, 0)
    assert client.get_object(Bucket=bucket, Key=earlier)["Body"].read() == b"/* an earlier loader */"
    state = json.loads(client.get_object(Bucket=bucket, Key=f"cdn/{STATE_NAME}")["Body"].read())
    assert earlier in state["objects"] and earlier not in state.get("retired", {})


def test_publish_on_the_command_line(s3, bucket, tmp_path):
    out = tmp_path / "out"
    build(demo_data(tmp_path / "data"), out, AS_OF)
    env = s3.env
    command = cli_args(tmp_path / "none", "publish", "--out", str(out), "--to", f"s3://{bucket}/w")
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("published ") and " sent" in done.stdout
    missing = cli_args(tmp_path / "none", "publish", "--out", str(out), "--to", "s3://no-such-bucket")
    refused = subprocess.run(missing, capture_output=True, text=True, env={**os.environ, **env})
    assert refused.returncode == 1 and "no bucket 'no-such-bucket'" in refused.stderr
    assert "Traceback" not in refused.stderr
    wrong = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **env, "AWS_SECRET_ACCESS_KEY": "wrong"}
    )
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and "wrong" not in wrong.stderr
    assert not (tmp_path / "none").exists()


def test_publish_refuses_a_folder_that_is_not_a_build(tmp_path):
    with pytest.raises(PublishError, match="not a trustwidgets build"):
        publish(tmp_path, Target.parse("s3://x"))


def _upload(key, site):
    return Upload(
        key=key,
        path=Path("/nonexistent"),
        sha256="0" * 64,
        content_type="text/html",
        cache_control="",
        encoding="identity",
        site=site,
    )


def test_site_files_are_all_sent_before_any_page_and_nothing_starts_after_a_failure():
    import time as clock

    from static_build.publish import send_in_order

    send = [_upload(f"v1/shop{n}/nl/badge.html", False) for n in range(12)]
    send[3:3] = [_upload("v1/embed.js", True), _upload("v1/widget.abc.js", True)]
    started, lock = [], threading.Lock()

    def put(upload):
        with lock:
            started.append(upload.key)
        clock.sleep(0.02)
        return 1

    assert send_in_order(put, send, jobs=4) == 14
    assert set(started[:2]) == {"v1/embed.js", "v1/widget.abc.js"}  # both before any page

    started.clear()

    def failing(upload):
        with lock:
            started.append(upload.key)
        if upload.key == "v1/widget.abc.js":
            raise OSError("PUT refused")
        clock.sleep(0.02)
        return 1

    with pytest.raises(OSError, match="PUT refused"):
        send_in_order(failing, send, jobs=4)
    assert not any(key.endswith("badge.html") for key in started)  # no page names a missing script

    started.clear()
    pages = [_upload(f"v1/shop{n}/nl/badge.html", False) for n in range(40)]

    def page_fails(upload):
        with lock:
            started.append(upload.key)
        if upload.key == "v1/shop0/nl/badge.html":
            raise OSError("PUT refused")
        clock.sleep(0.05)
        return 1

    with pytest.raises(OSError):
        send_in_order(page_fails, pages, jobs=2)
    assert len(started) <= 4  # the uploads already under way finish; no new one starts
