"""Broken imports: a clear message, the right exit code, nothing lost.

The tables of bad inputs (tests/bad_inputs.py) run through the import command in this process
(tests/server.py's cli_in_process: same arguments, same output streams, no process start); a few
rows of each kind run through the real command too, for its exit code and standard error."""

import json
import re
import sqlite3
import subprocess

import pytest

from tests.bad_inputs import CASES, CSV_HEADER, GG, GOOD, NATIVE_HUGE, PLATFORM_CASES, TP, jsonl, page
from tests.factories import SHOP, review, write_json
from tests.server import cli_args, cli_in_process


def in_a_process(data, *args, stdin=b""):
    """The real command in a process of its own, as cli_in_process answers."""
    done = subprocess.run(cli_args(data, *args), input=stdin, capture_output=True, timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


# The rows also run through the real command: each exit code, a file and standard input.
IN_A_PROCESS = {"truncated json", "utf-8 bom", "wrong type of rating", "csv with bom", "lone surrogate in title"}
PLATFORM_IN_A_PROCESS = {"a trustpilot status list", "a non-UTF-8 byte on the first line"}


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    """The store every test starts from: one shop and one review, imported by the CLI once."""
    folder = tmp_path_factory.mktemp("start") / "data"
    start = write_json(folder.parent / "start.json", {"shops": [SHOP], "reviews": [review(id="kept")]})
    subprocess.run(
        cli_args(folder, "import", str(start)),
        check=True,
        capture_output=True,
    )
    return folder


@pytest.fixture
def data(start, tmp_path):
    """A copy of the start store of the test's own (the same files as importing it again)."""
    import shutil

    return shutil.copytree(start, tmp_path / "data")


def snapshot(folder):
    conn = sqlite3.connect(folder / "store.sqlite3")
    rows = conn.execute("SELECT shop, id, * FROM reviews ORDER BY shop, id").fetchall()  # row[1]: the id
    shops = conn.execute("SELECT * FROM shops ORDER BY id").fetchall()
    conn.close()
    return rows, shops


def check_bad_input(run, data, tmp_path, filename, content, code, message, ids):
    path = tmp_path / filename
    if content is not None:
        path.write_bytes(content)
    before = snapshot(data)
    result = run(data, "import", str(path))
    assert result.returncode == code, result.stderr
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "@example" not in result.stdout + result.stderr
    rows, shops = snapshot(data)
    assert {row[1] for row in rows} == {"kept"} | ids
    kept = [row for row in rows if row[1] == "kept"]
    assert kept == [row for row in before[0] if row[1] == "kept"]
    if code == 2:
        assert (rows, shops) == before


@pytest.mark.parametrize(("name", "filename", "content", "code", "message", "ids"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(data, tmp_path, name, filename, content, code, message, ids):
    check_bad_input(cli_in_process, data, tmp_path, filename, content, code, message, ids)


REAL = [case for case in CASES if case[0] in IN_A_PROCESS]


@pytest.mark.parametrize(("name", "filename", "content", "code", "message", "ids"), REAL, ids=[c[0] for c in REAL])
def test_bad_input_through_the_real_command(data, tmp_path, name, filename, content, code, message, ids):
    check_bad_input(in_a_process, data, tmp_path, filename, content, code, message, ids)


def test_the_rows_through_the_real_command_are_in_the_table():
    assert {case[0] for case in REAL} == IN_A_PROCESS and {case[3] for case in REAL} == {0, 1, 2}
    platform = {case[0]: case[3] for case in PLATFORM_REAL}
    assert set(platform) == PLATFORM_IN_A_PROCESS and set(platform.values()) == {1, 2}


def test_a_100_mb_line_is_rejected_and_the_rest_stored(data, tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(GOOD.encode() + b"\n")
        handle.write(b'{"id": "huge", "text": "' + b"x" * (100 * 1024 * 1024) + b'"}\n')
        handle.write(json.dumps(review(id="after")).encode() + b"\n")
    result = subprocess.run(
        cli_args(data, "import", str(path)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert ":2: line is longer than 1,048,576 bytes" in result.stderr
    assert {row[1] for row in snapshot(data)[0]} == {"kept", "new-good", "after"}


@pytest.mark.slow
def test_an_unclosed_quote_in_a_big_csv_names_every_line_it_swallowed(data, tmp_path):
    """Every line of the file is either stored or inside a range a rejection names: no silent loss."""
    path = tmp_path / "big.csv"
    row = "c{n},wtw-winkel,5,Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n"
    with path.open("w") as handle:
        handle.write(CSV_HEADER)
        handle.write(row.format(n=1).replace(",Jan,", ',"Jan,'))  # line 2 opens a quote it never closes
        for n in range(2, 50_002):
            handle.write(row.format(n=n))
    result = subprocess.run(cli_args(data, "import", str(path)), capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    named = set()
    for first, last in re.findall(r"big\.csv:(\d+)-(\d+): not valid CSV", result.stderr):
        named.update(range(int(first), int(last) + 1))
    stored = {int(row[1][1:]) + 1 for row in snapshot(data)[0] if row[1].startswith("c")}  # c{n} is on line n + 1
    assert 2 in named and len(named) > 1000
    assert named | stored == set(range(2, 50_003))
    assert not named & stored


def check_bad_platform_input(run, data, tmp_path, fmt, content, code, message, ids):
    path = tmp_path / "in.json"
    path.write_bytes(content)
    before = snapshot(data)
    for source in (str(path), "-"):  # a file, and the same bytes on standard input
        result = run(data, "import", "--format", fmt, "--shop", "wtw-winkel", source, stdin=content)
        out, err = result.stdout, result.stderr
        assert result.returncode == code, err
        assert message in out + err, err
        assert "Traceback" not in err
        if code == 2:
            assert len(err.strip().splitlines()) == 1, err
    rows, shops = snapshot(data)
    assert {row[1] for row in rows} == {"kept"} | ids
    if code == 2:
        assert (rows, shops) == before


@pytest.mark.parametrize(
    ("name", "fmt", "content", "code", "message", "ids"), PLATFORM_CASES, ids=[c[0] for c in PLATFORM_CASES]
)
def test_bad_platform_input(data, tmp_path, name, fmt, content, code, message, ids):
    check_bad_platform_input(cli_in_process, data, tmp_path, fmt, content, code, message, ids)


PLATFORM_REAL = [case for case in PLATFORM_CASES if case[0] in PLATFORM_IN_A_PROCESS]


@pytest.mark.parametrize(
    ("name", "fmt", "content", "code", "message", "ids"), PLATFORM_REAL, ids=[c[0] for c in PLATFORM_REAL]
)
def test_bad_platform_input_through_the_real_command(data, tmp_path, name, fmt, content, code, message, ids):
    check_bad_platform_input(in_a_process, data, tmp_path, fmt, content, code, message, ids)


@pytest.mark.parametrize(("name", "filename", "content", "message"), NATIVE_HUGE, ids=[c[0] for c in NATIVE_HUGE])
def test_a_huge_integer_rejects_its_row_only(data, tmp_path, name, filename, content, message):
    path = tmp_path / filename
    path.write_bytes(content)
    result = cli_in_process(data, "import", str(path))
    assert (result.returncode, "Traceback" in result.stderr) == (1, False), result.stderr
    assert message in result.stderr
    assert {row[1] for row in snapshot(data)[0]} == {"kept", "new-good"}


def test_the_same_review_id_from_two_platforms_is_two_reviews(data, tmp_path):
    """Issue 23, point 9: a Google review `dup-x` no longer replaces the Trustpilot review `dup-x`."""
    trustpilot = tmp_path / "tp.json"
    trustpilot.write_bytes(page("reviews", {**TP, "id": "dup-x", "stars": 1, "isVerified": True}))
    google = tmp_path / "g.json"
    google.write_bytes(page("reviews", {**GG, "reviewId": "dup-x", "starRating": "THREE"}))
    both = tmp_path / "both.jsonl"  # and in one native import: not a duplicate of each other
    both.write_bytes(
        jsonl(
            json.dumps(review(id="dup-y", platform="Trustpilot")),
            json.dumps(review(id="dup-y", platform="Google", verification="unverified", email=None)),
            json.dumps(review(id="dup-y", platform="Google", verification="unverified", email=None, rating=1)),
        )
    )
    for args in (
        ["--format", "trustpilot", "--shop", "wtw-winkel", str(trustpilot)],
        ["--format", "google", "--shop", "wtw-winkel", str(google)],
    ):
        result = cli_in_process(data, "import", *args)
        assert (result.returncode, result.stderr) == (0, "")
    result = cli_in_process(data, "import", str(both))
    assert result.returncode == 1
    assert "both.jsonl:3: review 'dup-y': duplicate id in this import (first at" in result.stderr
    conn = sqlite3.connect(data / "store.sqlite3")
    stored = conn.execute("SELECT platform, id, rating, verification FROM reviews WHERE id LIKE 'dup-%'").fetchall()
    conn.close()
    assert sorted(stored) == [
        ("Google", "dup-x", 3, "unverified"),
        ("Google", "dup-y", 5, "unverified"),
        ("Trustpilot", "dup-x", 1, "verified"),
        ("Trustpilot", "dup-y", 5, "verified"),
    ]
