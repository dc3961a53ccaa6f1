"""The widgets' script: minified by a rule simple enough to trust, and named by its content."""

import base64
import gzip
import hashlib

import pytest

from widget_server.core.csp import (
    DOCUMENT_CSP,
    LIST_SCRIPT,
    METHOD_CSP,
    WIDGET_SCRIPT,
    WIDGET_SCRIPT_DIGEST,
    WIDGET_SCRIPT_INTEGRITY,
    minify,
)


@pytest.mark.parametrize(
    ("source", "minified"),
    [
        ("a();\n  b();\n", "a();\nb();\n"),
        ("/* note */\na();\n// line\n  // indented\nb();", "a();\nb();\n"),
        ("\n\n  \na();\n\n", "a();\n"),
        ("x = 'a // b';\n", "x = 'a // b';\n"),  # only whole comment lines go
        ("", "\n"),
    ],
)
def test_minify(source, minified):
    assert minify(source) == minified


def test_the_script_is_named_and_pinned_by_its_content():
    assert hashlib.sha256(WIDGET_SCRIPT).hexdigest()[:12] == WIDGET_SCRIPT_DIGEST
    assert "sha384-" + base64.b64encode(hashlib.sha384(WIDGET_SCRIPT).digest()).decode() == WIDGET_SCRIPT_INTEGRITY
    assert not [line for line in WIDGET_SCRIPT.decode().splitlines() if line != line.strip() or not line]


def test_no_inline_script_runs_in_a_widget_or_the_method_page():
    assert "script-src 'self'" in DOCUMENT_CSP and "unsafe-inline'; img" in DOCUMENT_CSP
    assert "script-src" not in METHOD_CSP


def test_the_script_stays_small():
    # 2.75 KB gzipped: 2,273 bytes until it wrote the reviews' ages (now 2,681), which took the
    # relative dates out of the documents; every frame on a page shares it, cached for a year.
    assert len(gzip.compress(WIDGET_SCRIPT, 9)) <= 2816


def test_the_lists_own_script_stays_small():
    # 2,748 bytes gzipped when it came (filter, sort, pages, cards from reviews.json); only the
    # list widget loads it, after widget.js, whose ages and clamp it calls for the cards it adds.
    assert len(gzip.compress(LIST_SCRIPT, 9)) <= 3072
