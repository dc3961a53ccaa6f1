"""Helpers for static build tests: read a built tree and check it against its manifest."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def tree(out: Path) -> dict[str, bytes]:
    """Every file below `out` (following the build's symlinks) by relative path."""
    found = {}
    for folder, _, names in os.walk(out, followlinks=True):
        for name in names:
            path = Path(folder) / name
            found[str(path.relative_to(out))] = path.read_bytes()
    return found


def verify(out: Path) -> int:
    """Check every manifest entry against the file through `out`; returns the files checked."""
    root = out.resolve()  # one tree, even if a swap happens while we read
    manifest = json.loads((root / "manifest.json").read_text())
    for relative, entry in manifest["files"].items():
        body = (root / relative).read_bytes()
        assert len(body) == entry["size"], relative
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], relative
    return len(manifest["files"])
