"""The widget documents' scripts and the Content-Security-Policy that allows them (pure).

The script (widget_templates/widget.js) is a file of its own under its content hash
(`/v1/widget.<hash>.js`, immutable), shared by every widget a visitor sees (the list widget
loads list.js, the same way, beside it). It applies
presentation options from the URL fragment, clamps review text to the lines that fit and
offers "read more" only where text was cut, drives the previous/next buttons, writes each
review's age from the visitor's date (the document says its day), and tells the
embedding page its height and title.
"""

from __future__ import annotations

import base64
import hashlib

from widget_templates import TEMPLATES_DIR


def minify(source: str) -> str:
    """Drop comments, indentation and blank lines: enough for a small hand-written script."""
    lines = []
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith(("/*", "//")):
            lines.append(line)
    return "\n".join(lines) + "\n"


def _script(name: str) -> tuple[bytes, str, str]:
    """A script of widget_templates/: its minified bytes, the digest its file is named by
    (`widget.<digest>.js`) and its Subresource Integrity value."""
    body = minify((TEMPLATES_DIR / name).read_text(encoding="utf-8")).encode()
    return (
        body,
        hashlib.sha256(body).hexdigest()[:12],
        "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode(),
    )


WIDGET_SCRIPT, WIDGET_SCRIPT_DIGEST, WIDGET_SCRIPT_INTEGRITY = _script("widget.js")
# The list widget's own script on top (filters, sort and pages, read from reviews.json): the
# other widgets never load it.
LIST_SCRIPT, LIST_SCRIPT_DIGEST, LIST_SCRIPT_INTEGRITY = _script("list.js")
SCRIPTS = {WIDGET_SCRIPT_DIGEST: WIDGET_SCRIPT, LIST_SCRIPT_DIGEST: LIST_SCRIPT}  # served as widget.<digest>.js
# 'self': the scripts come from the widget host, live or static, and nothing inline runs; the
# list widget reads the pages of reviews.json beside it.
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"
)
# The method page runs no script at all.
METHOD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
