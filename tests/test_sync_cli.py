"""`trustwidgets source add|list|remove` and `trustwidgets sync` (widget_server/sync_cli.py), against the
tests' platform server (tests/platform_server.py). No secret may reach any output.

The exit codes and the progress on a terminal go through the real command; what the commands say
and store elsewhere, through the command in-process (tests/server.py's cli_in_process)."""

from __future__ import annotations

import json
import secrets
import subprocess
from datetime import UTC, datetime, timedelta

from tests.factories import SHOP, write_json
from tests.platform_server import (
    ETrustedChannel,
    FeedbackCompanyShop,
    GoogleLocation,
    KiyohLocation,
    TrustpilotUnit,
    feedbackcompany_reviews,
    kiyoh_reviews,
    trustpilot_reviews,
)
from tests.server import cli_args, cli_in_process
from widget_server.store.open import open_store

NEWEST = datetime.now(UTC) - timedelta(hours=1)
SIX_HOURS = timedelta(hours=6)


def real_cli(data, *args, stdin=None):
    result = subprocess.run(cli_args(data, *args), capture_output=True, text=True, timeout=120, input=stdin)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def cli(data, *args, stdin=None):
    """The command in-process, answered as real_cli answers."""
    result = cli_in_process(data, *args, stdin=(stdin or "").encode())
    assert "Traceback" not in result.stderr, result.stderr
    return result


def with_shop(tmp_path):
    """A store with the shop, made by the import command in-process (the commands a test is about
    run in processes of their own)."""
    data = tmp_path / "data"
    made = cli_in_process(data, "import", str(write_json(tmp_path / "shop.json", {"shops": [SHOP]})))
    assert made.returncode == 0, made.stderr
    return data


def test_sources_are_added_listed_and_removed(tmp_path, platform_server):
    data = with_shop(tmp_path)
    key = "tp-key-" + secrets.token_hex(8)
    (tmp_path / "tp.key").write_text(key + "\n")
    added = cli(
        data, "source", "add", "wtw-winkel", "--platform", "trustpilot", "--id", "64f1a2b3c4d5e6f708192a3b",
        "--key-file", str(tmp_path / "tp.key"), "--base-url", platform_server.base + "/",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "added the trustpilot source of wtw-winkel (64f1a2b3c4d5e6f708192a3b)" in added.stdout
    google = json.dumps(
        {"type": "authorized_user", "client_id": "g-id", "client_secret": "g-s", "refresh_token": "g-rt"}
    )
    from_stdin = cli(
        data, "source", "add", "wtw-winkel", "--platform", "google", "--id", "accounts/12/locations/34",
        "--key-file", "-", stdin=google,
    )  # fmt: skip
    assert from_stdin.returncode == 0, from_stdin.stderr
    listed = cli(data, "source", "list").stdout.splitlines()
    assert listed == [
        "wtw-winkel\tgoogle\taccounts/12/locations/34\tdefault host\tnever synced\t0 reviews read\tno error",
        f"wtw-winkel\ttrustpilot\t64f1a2b3c4d5e6f708192a3b\t{platform_server.base}\tnever synced\t0 reviews read\tno error",
    ]
    assert cli(data, "source", "remove", "wtw-winkel", "--platform", "google").returncode == 0
    again = cli(data, "source", "remove", "wtw-winkel", "--platform", "google")
    assert again.returncode == 1 and "no google source for 'wtw-winkel'" in again.stderr
    assert [line.split("\t")[1] for line in cli(data, "source", "list", "wtw-winkel").stdout.splitlines()] == [
        "trustpilot"
    ]
    for result in (added, from_stdin, again):
        assert key not in result.stdout + result.stderr and "g-rt" not in result.stdout + result.stderr


def test_source_add_refuses_what_it_cannot_use_without_repeating_a_secret(tmp_path):
    data = with_shop(tmp_path)
    secret = "s3cr3t-" + secrets.token_hex(8)

    def add(platform, remote_id, text, *more):
        return cli(data, "source", "add", "wtw-winkel", "--platform", platform, "--id", remote_id, "--key-file", "-",
                   *more, stdin=text)  # fmt: skip

    cases = [
        (add("trustpilot", "abc", f"{secret}\n{secret}\n"), 2, "the key file must hold one line: the API key"),
        (add("trustpilot", "abc", f"two {secret}"), 2, "the key file must hold one line: the API key"),
        (add("etrusted", "chl-1", secret), 2, "client_id:client_secret (a colon between the two)"),
        (add("google", "accounts/1/locations/2", json.dumps({"client_id": secret})), 2, "lacks client_secret, refresh_token"),
        (add("google", "accounts/1/locations/2", secret), 2, "must be a JSON object"),
        (add("google", "locations/2", "{}"), 2, "--id for google is the location's name: accounts/ACCOUNT/locations/LOCATION"),
        (add("trustpilot", "abc", secret, "--base-url", "http://api.example.com"), 2, "plain http only to this machine"),
        (add("trustpilot", "abc", secret, "--base-url", f"https://u:{secret}@h.example"), 2, "may not carry a user"),
        (add("feedbackcompany", "de", f"a:{secret}", "--language", "Duits"), 2, "must be a language tag such as nl or en-GB"),
        (cli(data, "source", "add", "nope", "--platform", "trustpilot", "--id", "a", "--key-file", "-", stdin=secret),
         1, "no shop 'nope' in the store"),
        (cli(data, "source", "add", "wtw-winkel", "--platform", "trustpilot", "--id", "a", "--key-file",
             str(tmp_path / "missing.key")), 2, "missing.key: cannot be read (No such file or directory)"),
    ]  # fmt: skip
    for result, code, message in cases:
        assert (result.returncode, message in result.stderr) == (code, True), result.stderr
        assert secret not in result.stdout + result.stderr
    assert cli(data, "source", "list").stdout.startswith("no sources yet")


def test_sync_exit_codes_and_no_secret_in_any_output(tmp_path, platform_server):
    data = with_shop(tmp_path)
    unit, channel, location = (
        secrets.token_hex(6),
        "chl-" + secrets.token_hex(6),
        "accounts/7/locations/" + secrets.token_hex(4),
    )
    tp_key = "tpkey" + secrets.token_hex(8)
    et_id, et_secret = "etid" + secrets.token_hex(6), "etsecret" + secrets.token_hex(8)
    g = {"client_id": "gid" + secrets.token_hex(6), "client_secret": "gsecret" + secrets.token_hex(8),
         "refresh_token": "grt" + secrets.token_hex(8)}  # fmt: skip
    hidden = [tp_key, et_id, et_secret, *g.values()]
    platform_server.trustpilot[unit] = TrustpilotUnit(tp_key, trustpilot_reviews(f"c{unit}-", 120, NEWEST, SIX_HOURS))
    platform_server.etrusted[channel] = ETrustedChannel(et_id, "not-" + et_secret, [])  # the key we give is refused
    platform_server.google[location] = GoogleLocation(g["client_id"], g["client_secret"], g["refresh_token"], [])
    outputs = []

    def run(*args, stdin=None):
        result = real_cli(data, *args, stdin=stdin)
        outputs.append(result.stdout + result.stderr)
        return result

    base = ("--base-url", platform_server.base)
    run("source", "add", "wtw-winkel", "--platform", "trustpilot", "--id", unit, "--key-file", "-", *base, stdin=tp_key)
    run("source", "add", "wtw-winkel", "--platform", "etrusted", "--id", channel, "--key-file", "-", *base,
        stdin=f"{et_id}:{et_secret}")  # fmt: skip
    run("source", "add", "wtw-winkel", "--platform", "google", "--id", location, "--key-file", "-", *base,
        stdin=json.dumps(g))  # fmt: skip

    some = run("sync")
    assert some.returncode == 1, some.stderr
    assert (
        "wtw-winkel trustpilot: read every page: 2 pages, 120 reviews; imported: 120 reviews new or updated"
        in some.stdout
    )
    assert "wtw-winkel google: read every page: 1 page, 0 reviews;" in some.stdout
    assert (
        "trustwidgets sync: wtw-winkel etrusted: eTrusted token: HTTP 401 Unauthorized; nothing of it was stored"
        in some.stderr
    )
    listed = run("source", "list").stdout
    assert "\tlast error: eTrusted token: HTTP 401 Unauthorized" in listed and "120 reviews read" in listed

    assert run("sync", "nope").returncode == 2
    run("source", "remove", "wtw-winkel", "--platform", "etrusted")
    good = run("sync", "wtw-winkel")
    assert good.returncode == 0 and "wtw-winkel trustpilot: read new pages: 1 page, 100 reviews" in good.stdout

    platform_server.trustpilot[unit].key = "changed"  # both refused now: nothing could be synced
    platform_server.google[location].client_secret = "changed"
    none = run("sync")
    assert none.returncode == 2
    assert "wtw-winkel google: Google token: HTTP 400 Bad Request; nothing of it was stored" in none.stderr

    run("source", "remove", "wtw-winkel", "--platform", "trustpilot")
    run("source", "remove", "wtw-winkel", "--platform", "google")
    empty = run("sync")
    assert empty.returncode == 2 and "no sources yet" in empty.stderr

    store = open_store(data)
    kept = [str(row) for row in store.db.execute("SELECT * FROM reviews").fetchall()]
    store.close()
    for text in outputs + kept:
        for secret in hidden:
            assert secret not in text


def test_progress_is_shown_on_a_terminal_only(tmp_path, platform_server):
    import os
    import pty

    data = with_shop(tmp_path)
    unit = secrets.token_hex(6)
    platform_server.trustpilot[unit] = TrustpilotUnit(
        "k" + unit, trustpilot_reviews(f"p{unit}-", 150, NEWEST, SIX_HOURS)
    )
    added = cli(data, "source", "add", "wtw-winkel", "--platform", "trustpilot", "--id", unit, "--key-file", "-",
                "--base-url", platform_server.base, stdin="k" + unit)  # fmt: skip
    assert added.returncode == 0
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(cli_args(data, "sync", "--full"), stdout=subprocess.PIPE, stderr=follower, timeout=120)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert b"\r\x1b[Kwtw-winkel Trustpilot: page 1, 100 reviews" in seen
    assert b"\r\x1b[Kwtw-winkel Trustpilot: page 2, 150 reviews" in seen
    piped = real_cli(data, "sync", "--full")
    assert piped.returncode == 0 and "page 1" not in piped.stderr and "\r" not in piped.stderr


def test_kiyoh_and_feedback_company_sources_are_added_and_synced_through_the_command(tmp_path, platform_server):
    data = with_shop(tmp_path)
    location, shop = str(secrets.randbelow(10**9) + 10**9), str(next(platform_server.numbers))
    token, client_secret = "kh-" + secrets.token_hex(8), "fs-" + secrets.token_hex(8)
    platform_server.kiyoh[location] = KiyohLocation(token, kiyoh_reviews(f"k{location}-", 12, NEWEST, SIX_HOURS))
    platform_server.feedbackcompany[shop] = FeedbackCompanyShop(
        "fid-" + shop, client_secret, feedbackcompany_reviews(shop, 130, NEWEST, SIX_HOURS)
    )
    added = [
        cli(
            data, "source", "add", "wtw-winkel", "--platform", "kiyoh", "--id", location,
            "--key-file", "-", "--base-url", platform_server.base, stdin=token + "\n",
        ),
        cli(
            data, "source", "add", "wtw-winkel", "--platform", "feedbackcompany", "--id", shop,
            "--key-file", "-", "--base-url", platform_server.base, stdin=f"fid-{shop}:{client_secret}\n",
        ),
    ]  # fmt: skip
    assert [result.returncode for result in added] == [0, 0], [result.stderr for result in added]
    synced = cli(data, "sync")
    assert synced.returncode == 0, synced.stderr
    listed = cli(data, "source", "list").stdout
    assert "\tfeedbackcompany\t" in listed and "130 reviews read" in listed and "12 reviews read" in listed
    for result in (*added, synced, cli(data, "source", "list")):
        assert token not in result.stdout + result.stderr and client_secret not in result.stdout + result.stderr
    store = open_store(data)
    try:
        assert {p.name: p.scale for p in store.shop("wtw-winkel").platforms} == {"Kiyoh": 10}
    finally:
        store.close()


def test_a_shop_syncs_two_feedback_company_accounts_and_removes_one_by_its_id(tmp_path, platform_server):
    """The Feedback Company keeps one account per language: both are sources of the one shop."""
    data = with_shop(tmp_path)
    accounts = {language: str(next(platform_server.numbers)) + language for language in ("nl", "de")}
    secrets_of = {}
    for language, account in accounts.items():
        secrets_of[language] = "fs-" + secrets.token_hex(8)
        platform_server.feedbackcompany[account] = FeedbackCompanyShop(
            "fid-" + account, secrets_of[language], feedbackcompany_reviews(account, 3, NEWEST, SIX_HOURS)
        )
        named = ["--language", "de"] if language == "de" else []  # the nl account's is the shop's own
        added = cli(
            data, "source", "add", "wtw-winkel", "--platform", "feedbackcompany", "--id", account, *named,
            "--key-file", "-", "--base-url", platform_server.base, stdin=f"fid-{account}:{secrets_of[language]}\n",
        )  # fmt: skip
        assert added.returncode == 0 and f"added the feedbackcompany source of wtw-winkel ({account})" in added.stdout
    synced = cli(data, "sync")
    assert synced.returncode == 0, synced.stderr
    for account in accounts.values():  # each line says which account it read
        assert f"wtw-winkel feedbackcompany ({account}): read every page: 1 page, 3 reviews;" in synced.stdout
    # one account's score is the shop's Feedback Company score; the other's line and listing say so
    reviews_only = "(reviews only: the shop's first source on the platform gives its score)"
    only = [line for line in synced.stdout.splitlines() if line.endswith(reviews_only)]
    listed_only = [line for line in cli(data, "source", "list").stdout.splitlines() if "\treviews only" in line]
    assert len(only) == 1 and len(listed_only) == 1
    assert only[0].split("(")[1].split(")")[0] == listed_only[0].split("\t")[2]
    store = open_store(data)
    try:
        assert store.counts() == (1, 6)
        # The Feedback Company names no review's language: each account's reviews are in its own
        languages = store.db.execute("SELECT id, language FROM reviews ORDER BY id").fetchall()
        by_account = {a: {lang for rid, lang in languages if rid.startswith(a)} for a in accounts.values()}
        assert by_account == {accounts["nl"]: {"nl"}, accounts["de"]: {"de"}}, languages
    finally:
        store.close()
    listed = cli(data, "source", "list").stdout.splitlines()
    assert {line.split("\t")[2]: line.endswith("\tlanguage de where a review names none") for line in listed} == {
        accounts["nl"]: False,
        accounts["de"]: True,
    }
    ambiguous = cli(data, "source", "remove", "wtw-winkel", "--platform", "feedbackcompany")
    nl, de = accounts["nl"], accounts["de"]
    assert ambiguous.returncode == 1
    assert f"wtw-winkel has 2 feedbackcompany sources ({', '.join(sorted([nl, de]))}): name one with --id" in (
        ambiguous.stderr
    )
    removed = cli(data, "source", "remove", "wtw-winkel", "--platform", "feedbackcompany", "--id", de)
    assert removed.returncode == 0 and f"removed the feedbackcompany source of wtw-winkel ({de})" in removed.stdout
    assert [line.split("\t")[2] for line in cli(data, "source", "list").stdout.splitlines()] == [nl]
    alone = cli(data, "sync")
    assert "wtw-winkel feedbackcompany: read new pages: 1 page, 3 reviews" in alone.stdout  # one left: no id
    for result in (synced, ambiguous, removed, alone):
        assert not any(s in result.stdout + result.stderr for s in secrets_of.values())
