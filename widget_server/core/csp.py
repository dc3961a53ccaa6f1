"""The widget documents' one inline script and the Content-Security-Policy that allows it (pure)."""

from __future__ import annotations

import base64
import hashlib

RESIZE_SCRIPT = (
    "(function(){var id=location.hash.slice(1),p=window.parent;if(!id||p===window)return;"
    "function send(){p.postMessage({trustwidget:id,height:document.documentElement.scrollHeight},'*')}"
    "if(window.ResizeObserver)new ResizeObserver(send).observe(document.documentElement);else send()})()"
)
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(RESIZE_SCRIPT.encode()).digest()).decode()
DOCUMENT_CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)
