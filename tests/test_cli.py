import json
import os
import sqlite3
import subprocess

import pytest

from static_build.program import parser
from tests.factories import SHOP, review, write_json
from tests.server import cli_args, cli_in_process
from widget_server.cli import may_create
from widget_server.store.sqlite import Store


def cli(data, *args):
    return subprocess.run(
        cli_args(data, *args),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_import_exit_codes_and_messages(tmp_path):
    data = tmp_path / "data"
    good = write_json(tmp_path / "good.json", {"shops": [SHOP], "reviews": [review(id="a")]})
    mixed = write_json(
        tmp_path / "mixed.json", {"reviews": [review(id="b"), review(id="c", rating=9, email="secret@example.nl")]}
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"reviews": [')

    ok = cli(data, "import", str(good))
    assert ok.returncode == 0, ok.stderr
    some = cli(data, "import", str(mixed))
    assert some.returncode == 1
    assert "review 'c': rating must be a whole number from 1 to 5 (got 9)" in some.stderr
    bad = cli(data, "import", str(broken))
    assert bad.returncode == 2
    assert "not valid JSON" in bad.stderr and "nothing was stored" in bad.stderr
    assert "Traceback" not in bad.stderr
    for result in (ok, some, bad):
        assert "@example.nl" not in result.stdout + result.stderr


def test_demo_then_summary_prints_a_plausible_summary(tmp_path):
    data = tmp_path / "data"
    demo = cli(data, "demo", "--as-of", "2026-11-23")
    assert demo.returncode == 0, demo.stderr
    result = cli(data, "summary", "wtw-winkel", "--as-of", "2026-11-23")
    summary = json.loads(result.stdout)
    assert summary["shop"] == "wtw-winkel" and summary["source"] == "Trustpilot"
    assert 3.5 <= summary["score"] <= 5 and summary["review_count"] > 100
    assert summary["imported_count"] > 0
    assert sum(summary["distribution"].values()) == summary["review_count"]
    shops = cli(data, "shops")
    assert "wtw-winkel" in shops.stdout and "greenvent" in shops.stdout
    for output in (demo, result, shops):
        assert "@" not in output.stdout + output.stderr


def test_unknown_shop_and_bad_date_are_plain_errors(tmp_path):
    cli(tmp_path, "init")
    missing = cli(tmp_path, "summary", "nope")
    assert missing.returncode == 1 and "no shop 'nope'" in missing.stderr
    bad = cli(tmp_path, "summary", "x", "--as-of", "tomorrow")
    assert bad.returncode == 2 and "not a date written as YYYY-MM-DD" in bad.stderr
    assert "Traceback" not in missing.stderr + bad.stderr


def test_every_command_explains_itself(tmp_path):
    """What each command's --help says, in-process (a process start each is some 0.3 CPU-s); the
    real command's exit codes and output are this module's other tests."""
    for command in ("import", "demo", "summary", "shops", "serve", "build", "source", "sync"):
        result = cli_in_process(tmp_path, command, "--help")
        assert result.returncode == 0 and "usage: trustwidgets" in result.stdout


def test_import_speaks_in_plurals(tmp_path):
    data = tmp_path / "data"
    one = cli(data, "import", str(write_json(tmp_path / "one.json", {"shops": [SHOP], "reviews": [review(id="a")]})))
    assert "imported: 1 review new or updated, 0 unchanged, 1 shop new or updated, 0 rejected" in one.stdout


def test_shops_remove_takes_the_shop_and_its_reviews(tmp_path):
    data = tmp_path / "data"
    other = {**SHOP, "id": "other"}
    document = {"shops": [SHOP, other], "reviews": [review(id="a"), review(id="b"), review(id="c", shop="other")]}
    cli(data, "import", str(write_json(tmp_path / "in.json", document)))
    missing = cli(data, "shops", "remove", "nope")
    assert missing.returncode == 1 and "no shop 'nope' in the store; nothing was removed" in missing.stderr
    removed = cli(data, "shops", "remove", "wtw-winkel")
    assert removed.returncode == 0
    assert "removed shop 'wtw-winkel' and its 2 reviews" in removed.stdout
    listed = cli(data, "shops", "--json")
    assert [shop["id"] for shop in json.loads(listed.stdout)] == ["other"]
    again = cli(data, "import", str(write_json(tmp_path / "r.json", {"reviews": [review(id="z")]})))
    assert again.returncode == 1 and "unknown shop 'wtw-winkel'" in again.stderr
    conn = sqlite3.connect(data / "store.sqlite3")
    assert conn.execute("SELECT count(*) FROM review_audit WHERE shop = 'wtw-winkel'").fetchone() == (0,)
    conn.close()


def test_shops_remove_revokes_the_shops_push_tokens(tmp_path):
    """A removed shop's tokens are revoked: one re-created under the same id (say, for a new
    customer) does not accept them."""
    data = tmp_path / "data"
    other = {**SHOP, "id": "other"}
    cli(data, "import", str(write_json(tmp_path / "shops.json", {"shops": [SHOP, other]})))
    token = cli(data, "token", "create", "wtw-winkel").stdout.strip()
    kept = cli(data, "token", "create", "other").stdout.strip()
    token_id, kept_id = token.split("_")[1], kept.split("_")[1]
    removed = cli(data, "shops", "remove", "wtw-winkel", "wtw-winkel")  # named twice: removed, and said, once
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == "removed shop 'wtw-winkel' and its 0 reviews; revoked its 1 push token\n"
    assert token not in removed.stdout
    listed = {line.split("\t")[0]: line.split("\t")[-1] for line in cli(data, "token", "list").stdout.splitlines()}
    assert listed[token_id].startswith("revoked ") and listed[kept_id] == "active"
    cli(data, "import", str(write_json(tmp_path / "again.json", {"shops": [SHOP]})))
    store = Store.open(data)
    try:
        assert store.token_owner(token) is None
        assert store.token_owner(kept) == "other"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("command", "creates"),
    [
        ("init", True),
        ("import", True),
        ("demo", True),
        ("serve", True),
        ("summary", False),
        ("shops", False),  # also `shops remove`
        ("token", False),  # `token create` needs a shop, so a store with one in it
        ("build", False),
        ("source", False),  # `source add` needs a shop
        ("sync", False),  # and a source
    ],
)
def test_which_commands_may_make_a_store(command, creates):
    assert may_create(command) is creates


def test_every_command_that_opens_a_store_is_in_the_table():
    commands = parser()._subparsers._group_actions[0].choices  # argparse keeps its subcommands here
    opening = {name for name, sub in commands.items() if not sub.get_default("store_free")}
    assert opening == {"init", "import", "demo", "serve", "summary", "shops", "token", "build", "source", "sync"}


@pytest.mark.parametrize(
    "args",
    [
        ["shops"],
        ["shops", "remove", "wtw-winkel"],
        ["summary", "wtw-winkel"],
        ["token", "list"],
        ["token", "create", "wtw-winkel"],
        ["token", "revoke", "abc"],
        ["build", "--out", "site"],
        ["source", "list"],
        ["sync"],
    ],
)
def test_a_command_that_only_reads_never_makes_a_store(tmp_path, args):
    data = tmp_path / "elsewhere" / "var"
    result = cli(data, *args)
    assert result.returncode == 2
    assert result.stderr == (
        f"trustwidgets: no store at {data}/store.sqlite3: run `trustwidgets import FILE` (or `trustwidgets init`) "
        "to make one, or set TRUSTWIDGETS_DATA (or --data) to the folder that holds it\n"
    )
    assert not data.exists()


def test_proxy_config_needs_no_store(tmp_path):
    data = tmp_path / "var"
    assert cli(data, "proxy-config").returncode == 0
    assert not data.exists()


def test_making_a_store_says_where_once(tmp_path):
    data = tmp_path / "var"
    path = write_json(tmp_path / "in.json", {"shops": [SHOP], "reviews": [review(id="a")]})
    first = cli(data, "import", str(path))
    assert first.returncode == 0
    assert first.stderr == f"trustwidgets: created a new store at {data}/store.sqlite3\n"
    again = cli(data, "import", str(path))
    assert again.returncode == 0 and again.stderr == ""


def test_init_makes_an_empty_store_and_leaves_one_that_is_there(tmp_path):
    data = tmp_path / "var"
    made = cli(data, "init")
    assert made.returncode == 0 and "created a new store at" in made.stderr
    assert "an empty store is ready" in made.stdout
    assert cli(data, "shops").stdout.startswith("no shops yet")
    cli(data, "import", str(write_json(tmp_path / "in.json", {"shops": [SHOP], "reviews": [review(id="a")]})))
    again = cli(data, "init")
    assert again.returncode == 0 and again.stderr == ""
    assert "already there, holding 1 shop and 1 review" in again.stdout


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (
            ("summary", "wtw-winkel"),
            {"TRUSTWIDGETS_AS_OF": "2026-12-4"},
            "TRUSTWIDGETS_AS_OF: not a date written as YYYY-MM-DD",
        ),
        (("summary", "wtw-winkel", "--as-of", "0001-01-01"), {}, "not a date in the years 1900–2999"),
        (("serve", "--port", "0"), {"TRUSTWIDGETS_AS_OF": "2026-13-01"}, "TRUSTWIDGETS_AS_OF: not a date written as"),
        (("serve", "--port", "0"), {"TRUSTWIDGETS_AS_OF": "0900-01-01"}, "not a date in the years 1900–2999"),
        (("demo", "--as-of", "0001-06-01"), {}, "not a date in the years 1900–2999"),
        (("sync", "--overlap-days", "nan"), {}, "not a number from 0 to 3,650"),
        (("sync", "--overlap-days", "-3"), {}, "not a number from 0 to 3,650"),
        (("sync", "--full-every-days", "1e12"), {}, "not a number from 0 to 3,650"),
        (("sync", "--timeout", "0"), {}, "not a number of seconds above 0 and at most 600"),
        (("sync", "--timeout", "nan"), {}, "not a number of seconds above 0 and at most 600"),
        (("sync", "--timeout", "-1"), {}, "not a number of seconds above 0 and at most 600"),
        (("publish", "--out", "x", "--to", "s3://b/p", "--grace-hours", "1e309"), {}, "not a number from 0 to 3,650"),
        (("serve", "--public-url", "widgets.example.com"), {}, "--public-url must be an http(s) address"),
        (("serve", "--static-url", "https://cdn.example.com/tw?v=1"), {}, "--static-url must be an http(s) address"),
    ],
)
def test_a_bad_date_number_or_address_is_one_line_and_exit_2(tmp_path, args, env, said):
    data = tmp_path / "data"
    cli(data, "import", str(write_json(tmp_path / "shops.json", {"shops": [SHOP]})))
    done = subprocess.run(cli_args(data, *args), capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert done.returncode == 2, done.stderr
    assert said in done.stderr.strip().splitlines()[-1]  # one line says it, after argparse's usage
    assert "Traceback" not in done.stderr


def test_token_commands_name_a_missing_shop(tmp_path):
    data = tmp_path / "data"
    cli(data, "import", str(write_json(tmp_path / "shops.json", {"shops": [SHOP]})))
    listed = cli(data, "token", "list", "nosuch")
    assert (listed.returncode, listed.stdout, listed.stderr) == (
        1,
        "",
        "trustwidgets token list: no shop 'nosuch' in the store\n",
    )
    created = cli(data, "token", "create")
    assert (
        created.returncode == 2
        and created.stderr == "trustwidgets token create: name the shop (trustwidgets token create SHOP)\n"
    )
    assert cli(data, "token", "list", "wtw-winkel").stdout.startswith("no tokens yet")
