"""The widget documents' one script and the Content-Security-Policy that allows it (pure).

The script (widget_templates/widget.js) is a file of its own under its content hash
(`/v1/widget.<hash>.js`, immutable), shared by every widget a visitor sees. It applies
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


WIDGET_SCRIPT = minify((TEMPLATES_DIR / "widget.js").read_text(encoding="utf-8")).encode()
WIDGET_SCRIPT_DIGEST = hashlib.sha256(WIDGET_SCRIPT).hexdigest()[:12]  # its file name: widget.<digest>.js
WIDGET_SCRIPT_INTEGRITY = "sha384-" + base64.b64encode(hashlib.sha384(WIDGET_SCRIPT).digest()).decode()
# 'self': the script comes from the widget host, live or static, and nothing inline runs.
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "script-src 'self'; base-uri 'none'; form-action 'none'"
)
# The method page runs no script at all.
METHOD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
