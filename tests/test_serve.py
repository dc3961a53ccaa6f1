"""`trustwidgets serve`: it says it serves only once it can listen."""

from __future__ import annotations

import errno
import socket
import subprocess

import pytest

from tests.server import cli_args, free_port
from widget_server.http.serve import bind_problem, check_listen


@pytest.mark.parametrize(
    ("code", "reason", "line"),
    [
        (errno.EADDRINUSE, "Address already in use", "port 8000 on 127.0.0.1 is in use: choose another with --port"),
        (
            errno.EACCES,
            "Permission denied",
            "port 8000 on 127.0.0.1 needs rights this user does not have: choose one from 1024 up with --port",
        ),
        (errno.EADDRNOTAVAIL, "", "127.0.0.1 is not an address of this machine: choose another with --host"),
        (
            errno.ENOBUFS,
            "No buffer space available",
            "cannot listen on port 8000 on 127.0.0.1 (No buffer space available)",
        ),
    ],
)
def test_bind_problem_is_one_line_saying_what_to_do(code, reason, line):
    assert bind_problem("127.0.0.1", 8000, code, reason) == line


def test_check_listen_finds_a_free_port_free_and_a_held_one_busy():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert check_listen("127.0.0.1", port) == f"port {port} on 127.0.0.1 is in use: choose another with --port"
    assert check_listen("127.0.0.1", free_port()) is None
    assert check_listen("127.0.0.1", 70000) == "--port must be from 1 to 65535 (got 70000)"


def test_serve_on_a_busy_port_says_so_before_serving_and_makes_no_store(tmp_path):
    data = tmp_path / "var"
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = subprocess.run(
            cli_args(data, "serve", "--host", "127.0.0.1", "--port", str(port)),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stdout == ""  # never "serving http://…"
    assert result.stderr == f"trustwidgets serve: port {port} on 127.0.0.1 is in use: choose another with --port\n"
    assert not data.exists()
