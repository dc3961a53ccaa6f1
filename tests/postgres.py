"""A throw-away PostgreSQL cluster for tests: initdb and pg_ctl (Debian's postgresql) in a temporary folder."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.layers import require
from tests.server import free_port


def pg_bin(name: str) -> str:
    """A PostgreSQL server program: Debian keeps them out of PATH, under /usr/lib/postgresql/<major>/bin."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"no {name}: make test installs Debian's postgresql")
    return found


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def running_postgres(*, durable: bool = False) -> Iterator[str]:
    """A cluster in a new temporary folder on a free port, trusting local connections; yields its URL.

    durable=False turns fsync off (the tests' data is thrown away); benchmarks keep it on.
    The folder is its own (pytest's are private to the user running the tests, and the server
    runs as `postgres` when that user is root) and is removed afterwards.
    """
    require("postgres")
    folder = Path(tempfile.mkdtemp(prefix="trustwidgets-pg-"))
    data = folder / "cluster"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_postgres([pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off"
    start = [pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w", "start"]
    subprocess.run(_as_postgres(start), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """A new, empty database in the cluster of `url`; returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8')
    return url.rsplit("/", 1)[0] + "/" + name
