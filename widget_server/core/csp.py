"""The widget documents' one inline script and the Content-Security-Policy that allows it (pure).

The script (widget_templates/widget.js) applies presentation options from the URL fragment,
clamps review text to the lines that fit and offers "read more" only where text was cut,
drives the previous/next buttons, and tells the embedding page its height and title.
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


WIDGET_SCRIPT = minify((TEMPLATES_DIR / "widget.js").read_text(encoding="utf-8"))
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(WIDGET_SCRIPT.encode()).digest()).decode()
DOCUMENT_CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)
