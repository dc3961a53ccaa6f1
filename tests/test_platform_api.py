"""sources/platform_api.py: each platform's secret file, source id and --base-url, by tables;
no message quotes a secret. (Paging is tested against the platform server in test_sync.py.)"""

from __future__ import annotations

import json

import pytest

from widget_server.sources.platform_api import PLATFORMS, SecretError, base_url_problem
from widget_server.sources.sync import scrub

SECRET = "Zq8-secret-value-41"


@pytest.mark.parametrize(
    ("platform", "text", "parts"),
    [
        ("trustpilot", f"{SECRET}\n", {"apikey": SECRET}),
        ("trustpilot", f"  {SECRET}  \r\n\n", {"apikey": SECRET}),
        ("etrusted", "client-1:" + SECRET, {"client_id": "client-1", "client_secret": SECRET}),
        ("etrusted", "client-1:se:cret\n", {"client_id": "client-1", "client_secret": "se:cret"}),
        (
            "google",
            json.dumps({"type": "authorized_user", "client_id": "a", "client_secret": "b", "refresh_token": SECRET}),
            {"client_id": "a", "client_secret": "b", "refresh_token": SECRET},
        ),
        ("kiyoh", f"{SECRET}\n", {"token": SECRET}),
        ("feedbackcompany", "client-1:" + SECRET, {"client_id": "client-1", "client_secret": SECRET}),
    ],
)
def test_a_secret_file_is_read_and_kept_in_one_form(platform, text, parts):
    api = PLATFORMS[platform]
    assert api.read_secret(text) == parts
    assert api.load_secret(api.stored_secret(text)) == parts


@pytest.mark.parametrize(
    ("platform", "text", "message"),
    [
        ("trustpilot", "", "the key file must hold one line: the API key (no spaces; it holds 0 lines)"),
        (
            "trustpilot",
            f"{SECRET}\n{SECRET}",
            "the key file must hold one line: the API key (no spaces; it holds 2 lines)",
        ),
        ("trustpilot", f"key {SECRET}", "the key file must hold one line: the API key (no spaces; it holds 1 lines)"),
        ("etrusted", SECRET, "the key file must hold one line: client_id:client_secret (a colon between the two)"),
        (
            "etrusted",
            f":{SECRET}",
            "the key file must hold one line: client_id:client_secret (a colon between the two)",
        ),
        ("google", SECRET, "the key file must be a JSON object with client_id, client_secret and refresh_token"),
        ("google", json.dumps({"client_id": SECRET}), "the key file's JSON object lacks client_secret, refresh_token"),
        ("google", json.dumps([SECRET]), "the key file's JSON object lacks client_id, client_secret, refresh_token"),
        (
            "kiyoh",
            f"{SECRET} {SECRET}",
            "the key file must hold one line: the publication API token (the location's hash) "
            "(no spaces; it holds 1 lines)",
        ),
        (
            "feedbackcompany",
            SECRET,
            "the key file must hold one line: client_id:client_secret (a colon between the two)",
        ),
    ],
)
def test_a_secret_file_that_is_not_right_is_refused_without_being_quoted(platform, text, message):
    with pytest.raises(SecretError) as raised:
        PLATFORMS[platform].read_secret(text)
    assert str(raised.value) == message and SECRET not in str(raised.value)


@pytest.mark.parametrize(
    ("platform", "remote_id", "good"),
    [
        ("trustpilot", "64f1a2b3c4d5e6f708192a3b", True),
        ("trustpilot", "64f1/../x", False),
        ("etrusted", "chl-5a8e1c24-7b3d-4f90-a6e2-1d9c7b4f0e83", True),
        ("etrusted", "chl 1", False),
        ("google", "accounts/108523746190283746512/locations/4827361950472810365", True),
        ("google", "locations/4827361950472810365", False),
        ("google", "accounts/1/locations/2/reviews", False),
        ("kiyoh", "1051234", True),
        ("kiyoh", "1" * 20, True),
        ("kiyoh", "1" * 21, False),
        ("kiyoh", "", False),
        ("kiyoh", "1051234&limit=1", False),
        ("feedbackcompany", "wtw-winkel", True),
        ("feedbackcompany", "4711", True),
        ("feedbackcompany", "a" * 100, True),
        ("feedbackcompany", "a" * 101, False),
        ("feedbackcompany", "wtw winkel", False),
    ],
)
def test_source_ids(platform, remote_id, good):
    assert (PLATFORMS[platform].id_problem(remote_id) is None) is good


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://api.trustpilot.com", None),
        ("https://proxy.example.com:8443/trustpilot", None),
        ("http://127.0.0.1:8080", None),
        ("http://[::1]:8080", None),
        ("http://localhost:8080", None),
        ("http://api.example.com", "plain http only to this machine"),
        ("ftp://api.example.com", "it must start with https://"),
        ("https://user:pw@api.example.com", "it may not carry a user"),
        ("https://api.example.com/?key=1", "it may not carry a user"),
        ("https://api.example.com:99999", "it is not a URL"),
        ("api.example.com", "it must start with https://"),
    ],
)
def test_base_urls(url, problem):
    found = base_url_problem(url)
    assert (found is None) if problem is None else (found is not None and found.startswith(problem))


def test_scrub_masks_every_piece_of_a_secret_but_leaves_short_words():
    text = f"refused client-1 with {SECRET} at abc"
    assert scrub(text, ["client-1", SECRET, "abc"]) == "refused … with … at abc"
